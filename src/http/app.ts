/**
 * The HTTP app: request ids and JSON access logs, metrics, liveness/readiness, then each adapter's
 * inbound routes. No global body parser: webhook routes need the raw bytes for their signatures,
 * so each adapter parses its own body with its own size limit.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { pinoHttp } from 'pino-http';
import type { ChatAdapter } from '../chat-adapter.js';
import type { Logger } from '../log.js';
import { httpRequestDuration, httpRequestsTotal, registry } from './metrics.js';

/** What readiness depends on. */
export interface ReadinessProbe {
  database(): Promise<boolean>;
  jobs(): Promise<boolean>;
}

/** Builds the express app with every adapter mounted. */
export function createHttpApp(options: {
  log: Logger;
  adapters: ChatAdapter[];
  readiness: ReadinessProbe;
  isShuttingDown: () => boolean;
  /** Each platform's state for `/readyz`: on, simulated, or not configured. */
  platforms?: Record<string, string>;
  /** When set, `/metrics` asks for `Authorization: Bearer <token>`. */
  metricsToken?: string;
  extraRoutes?: (app: Express) => void;
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);

  app.use(
    pinoHttp({
      logger: options.log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.use((req: Request, res: Response, next: NextFunction) => {
    const end = httpRequestDuration.startTimer({ method: req.method });
    res.on('finish', () => {
      const route = (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? 'unmatched' : req.path);
      end({ route });
      httpRequestsTotal.inc({ method: req.method, route, status: `${Math.floor(res.statusCode / 100)}xx` });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const [database, jobs] = await Promise.all([options.readiness.database(), options.readiness.jobs()]);
    const ready = database && jobs && !options.isShuttingDown();
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      database: database ? 'up' : 'down',
      jobs: jobs ? 'up' : 'down',
      ...(options.platforms ? { platforms: options.platforms } : {}),
      ...(options.isShuttingDown() ? { shuttingDown: true } : {}),
    });
  });

  const metricsAuth = options.metricsToken ? Buffer.from(`Bearer ${options.metricsToken}`) : undefined;
  app.get('/metrics', async (req, res) => {
    if (metricsAuth) {
      const given = Buffer.from(req.headers.authorization ?? '');
      if (given.length !== metricsAuth.length || !timingSafeEqual(given, metricsAuth)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
        res.status(401).json({ error: 'unauthorized', message: 'Metrics need Authorization: Bearer <CROSSTALK_METRICS_TOKEN>.' });
        return;
      }
    }
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  });

  const router = express.Router();
  for (const adapter of options.adapters) adapter.mount(router);
  app.use(router);
  options.extraRoutes?.(app);

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: 'not_found', message: `No route for ${req.method} ${req.path}` });
  });
  app.use((err: Error & { status?: number; type?: string }, req: Request, res: Response, _next: NextFunction) => {
    const status = err.status && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status >= 500) req.log?.error({ err }, 'request failed');
    const message =
      err.type === 'entity.too.large'
        ? 'Request body is too large.'
        : status >= 500
          ? 'Internal error; it has been logged.'
          : err.message;
    res.status(status).json({ error: status === 413 ? 'payload_too_large' : status >= 500 ? 'internal_error' : 'bad_request', message });
  });
  return app;
}
