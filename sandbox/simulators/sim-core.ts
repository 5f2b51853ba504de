/**
 * The one mechanism every platform simulator shares: an express app on a free loopback port that
 * records every call it answers and can inject faults (429 with Retry-After, 5xx, a slow answer,
 * a dropped connection, or an answer lost after the call was processed) into chosen routes, so the
 * real SDKs meet real failure modes.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

/** One request the simulator received, with what it answered. */
export interface RecordedCall {
  seq: number;
  at: Date;
  method: string;
  /** Path without the query string, e.g. `/api/chat.postMessage`. */
  path: string;
  query: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed body: JSON, form fields, or the raw text. */
  body: unknown;
  status?: number;
  response?: unknown;
  /** Set when the answer was a fault injected by a test. */
  fault?: Fault['kind'];
}

/** A failure to inject. */
export type Fault =
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: unknown }
  | { kind: 'delay'; ms: number }
  | { kind: 'drop' }
  /**
   * The call is processed (its effect is real), then the answer is lost: with `ms`, held back that
   * long (the caller times out first); without, the connection is dropped instead of answering. What
   * a platform does when the network fails between its commit and its reply.
   */
  | { kind: 'lose-answer'; ms?: number };

/** Which calls a fault applies to, and how many times (default once). */
export interface FaultRule {
  method?: string;
  /** Exact path, or a pattern tested against the path. */
  path?: string | RegExp;
  fault: Fault;
  times?: number;
}

interface ActiveRule extends FaultRule {
  remaining: number;
}

/** A running simulator: its base URL, its recorded calls, and fault controls. */
export class SimServer extends EventEmitter {
  readonly app: Express;
  readonly calls: RecordedCall[] = [];
  private readonly rules: ActiveRule[] = [];
  private server?: Server;
  private seq = 0;
  private baseUrl = '';
  /**
   * Answers any path or method no route matched. Each simulator sets the platform's own answer
   * (its status and error body), so a call to an endpoint the real platform does not have fails
   * the way it would in production instead of passing silently.
   */
  unknownRoute: (req: Request, res: Response) => void = (req, res) => {
    res.status(404).json({ error: 'not_found', message: `${this.name} simulator has no ${req.method} ${req.path}` });
  };

  constructor(readonly name: string) {
    super();
    this.app = express();
    this.app.disable('x-powered-by');
    this.app.use(express.json({ limit: '5mb', type: ['application/json', 'application/*+json'] }));
    this.app.use(express.urlencoded({ extended: false, limit: '5mb' }));
    this.app.use(express.text({ type: 'text/*', limit: '5mb' }));
    this.app.use((req, res, next) => this.recordAndInject(req, res, next));
  }

  /** The simulator's base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.name} simulator is not started`);
    return this.baseUrl;
  }

  /** Listens on a free loopback port (or `port`). Register routes before calling this. */
  async start(port = 0): Promise<this> {
    this.app.use((req: Request, res: Response) => this.unknownRoute(req, res));
    await new Promise<void>((resolve, reject) => {
      const server = this.app.listen(port, '127.0.0.1', () => resolve());
      server.once('error', reject);
      this.server = server;
    });
    const { port: actual } = this.server!.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${actual}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Injects a fault into the next matching call(s). */
  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  clearFaults(): void {
    this.rules.length = 0;
  }

  /** Calls recorded so far whose path matches (exact or pattern), optionally by method. */
  callsTo(path: string | RegExp, method?: string): RecordedCall[] {
    return this.calls.filter((c) => matches(c.path, path) && (!method || c.method === method));
  }

  /** Resolves with the first recorded call (past or future) that satisfies `predicate`. */
  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000): Promise<RecordedCall> {
    const found = this.calls.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('call', onCall);
        reject(new Error(`${this.name} simulator: no matching call within ${timeoutMs} ms`));
      }, timeoutMs);
      const onCall = (call: RecordedCall) => {
        if (!predicate(call)) return;
        clearTimeout(timer);
        this.off('call', onCall);
        resolve(call);
      };
      this.on('call', onCall);
    });
  }

  private recordAndInject(req: Request, res: Response, next: NextFunction): void {
    const call: RecordedCall = {
      seq: ++this.seq,
      at: new Date(),
      method: req.method,
      path: req.path,
      query: { ...req.query },
      headers: { ...req.headers },
      body: req.body,
    };
    this.calls.push(call);

    const json = res.json.bind(res);
    res.json = (payload: unknown) => {
      call.response = payload;
      return json(payload);
    };
    res.on('finish', () => {
      call.status = res.statusCode;
      this.emit('call', call);
    });

    const rule = this.rules.find(
      (r) => r.remaining > 0 && (!r.method || r.method === req.method) && (!r.path || matches(req.path, r.path)),
    );
    if (!rule) return next();
    rule.remaining -= 1;
    call.fault = rule.fault.kind;
    const fault = rule.fault;
    switch (fault.kind) {
      case 'drop':
        call.status = 0;
        this.emit('call', call);
        req.socket.destroy();
        return;
      case 'delay':
        setTimeout(next, fault.ms);
        return;
      case 'lose-answer': {
        const end = res.end.bind(res) as (...args: unknown[]) => Response;
        res.end = ((...args: unknown[]) => {
          if (fault.ms === undefined) {
            call.status = 0;
            this.emit('call', call);
            req.socket.destroy();
          } else {
            setTimeout(() => end(...args), fault.ms);
          }
          return res;
        }) as Response['end'];
        next();
        return;
      }
      case 'status':
        if (fault.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(fault.retryAfterSeconds));
        res.status(fault.status).json(fault.body ?? { error: fault.status === 429 ? 'ratelimited' : 'internal_error' });
        return;
    }
  }
}

function matches(actual: string, wanted: string | RegExp): boolean {
  return typeof wanted === 'string' ? actual === wanted : wanted.test(actual);
}

/** POSTs a signed inbound event to the service the way a platform would; returns status and body. */
export async function deliver(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(url, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
