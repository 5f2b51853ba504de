/**
 * The composition root, and the only file that knows every feature. One start-up sequence that
 * reads top to bottom: config → database → directory → adapters → core → features (jobs, verbs,
 * handlers, pages) → HTTP; and one shutdown in reverse: stop accepting, drain in-flight requests,
 * drain Agenda, stop adapters, stop features, clear the event bus, close the database.
 */
import { createServer, type Server } from 'node:http';
import type { Router } from 'express';
import type { AddressInfo } from 'node:net';
import type { Agenda } from 'agenda';
import type { Types } from 'mongoose';
import { PLATFORMS, type AdapterDeps, type ChatAdapter, type InboundEvent, type Platform } from './chat-adapter.js';
import { enabledPlatforms, type AppConfig } from './config.js';
import { Cipher, resolveEncryptionKey } from './crypto.js';
import { openDatabase, pingDatabase, type Database } from './db/connect.js';
import { createAgenda, defineJobs, startAgenda, type JobDefinition } from './jobs/runner.js';
import type { Core } from './core/core.js';
import type { Logger } from './log.js';
import { OrganizationModel } from './directory/organization.model.js';
import { createAdapterStore } from './directory/adapter-store.js';
import { DirectoryCache } from './directory/cache.js';
import { createInboundRecorder, type InboundRecorder } from './core/inbound-recorder.js';
import { createWorkspaceDirectory } from './directory/workspace-directory.js';
import { ServiceEvents } from './core/events.js';
import type { Feature, FeatureWiring } from './core/feature.js';
import { eventLogPruneJob } from './core/event-log-prune.job.js';
import { CANCEL_ACTION, CONFIRM_ACTION, CommandRegistry } from './commands/registry.js';
import { createHttpApp } from './http/app.js';
import { publicPagesRouter } from './http/public-pages.js';
import type { DemoAdminSignIn } from './admin/admin-routes.js';
import { adminFeature } from './admin/index.js';
import { peopleFeature } from './people/index.js';
import { relayFeature, type RelayFeature } from './relay/index.js';
import { contactsFeature } from './contacts/index.js';
import { groupsFeature } from './groups/index.js';

/**
 * Builds an adapter from its dependencies (see src/adapters.ts for the real set). A factory tagged
 * with its platform (`platformAdapter`) is only called when that platform is on.
 */
export interface AdapterFactory {
  platform: Platform;
  /** Builds the adapter from the shared parts and its own section of `config`. */
  build(shared: Omit<AdapterDeps, 'settings'>, config: AppConfig): ChatAdapter;
}

/**
 * An adapter factory for `platform`: it is built only when the platform is on, and it is handed
 * only its own settings section (`config[platform]`), never another platform's secrets.
 */
export function platformAdapter<P extends Platform>(platform: P, create: (deps: AdapterDeps<AppConfig[P]>) => ChatAdapter): AdapterFactory {
  return { platform, build: (shared, config) => create({ ...shared, settings: config[platform] }) };
}

/** Start-up failures worth one plain sentence instead of a stack trace. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Pages mounted next to the built-in ones; `close` ends their long-lived responses at shutdown. */
export interface ExtraRoutes {
  router: Router;
  close?(): void;
}

/** A running Crosstalk service. */
export interface Service {
  config: AppConfig;
  url: string;
  db: Database;
  agenda: Agenda;
  adapters: ChatAdapter[];
  inbound: InboundRecorder;
  cipher: Cipher;
  organizationId: Types.ObjectId;
  core: Core;
  /** The relay of this service (its delivery engine is what benchmarks and tests wait on). */
  relay: RelayFeature;
  stop(): Promise<void>;
}

/** Ensures there is an organization to attach new workspaces to; returns its id. */
async function ensureDefaultOrganization(sandbox: boolean): Promise<Types.ObjectId> {
  const existing = await OrganizationModel.findOne({}).sort({ createdAt: 1 }).lean();
  if (existing) return existing._id;
  const created = await OrganizationModel.create({ name: sandbox ? 'Demo organization' : 'My organization' });
  return created._id;
}

/** Starts the whole service; resolves once it listens. */
export async function startService(options: {
  config: AppConfig;
  log: Logger;
  adapterFactories?: AdapterFactory[];
  /** Replaces the standard job set (tests of one job). */
  jobs?: (core: Core) => JobDefinition<any>[];
  /** Agenda polling interval; jobs are also triggered directly, so this is the fallback delay. */
  processEvery?: string | number;
  /** Host to listen on; loopback by default in tests. */
  host?: string;
  /** How long shutdown waits for in-flight requests before closing them. */
  drainMs?: number;
  /** More pages (the sandbox page when the simulators run). */
  extraRouters?: Array<(core: Core) => ExtraRoutes>;
  /** Sandbox only: the admin page's "Sign in as the demo admin". */
  demoAdminSignIn?: DemoAdminSignIn;
}): Promise<Service> {
  const { config, log } = options;

  const db = await openDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, log });
  let agendaOf: Agenda | undefined;
  let started: ChatAdapter[] = [];
  let directoryOf: DirectoryCache | undefined;
  try {
    const cipher = new Cipher(resolveEncryptionKey(config.encryptionKey, config.dataDir));
    const organizationId = await ensureDefaultOrganization(config.sandbox);
    const inbound = createInboundRecorder(log);
    const directory = (directoryOf = new DirectoryCache(cipher));
    const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
    const deps: Omit<AdapterDeps, 'settings'> = {
      publicUrl,
      log,
      sink: inbound,
      workspaces: createWorkspaceDirectory(cipher, directory, () => organizationId),
      store: createAdapterStore(cipher, directory),
    };
    const enabled = new Set(enabledPlatforms(config));
    const adapters = (options.adapterFactories ?? []).filter((f) => enabled.has(f.platform)).map((factory) => factory.build(deps, config));

    const agenda = createAgenda({ db: db.connection.db!, log, processEvery: options.processEvery });
    agendaOf = agenda;
    const core: Core = {
      config,
      log,
      cipher,
      adapters: new Map(adapters.map((a) => [a.platform, a])),
      agenda,
      events: new ServiceEvents(),
      directory,
      defaultOrganizationId: organizationId,
      publicUrl,
    };

    // The features, in the order `help` lists their verbs and their pages are mounted.
    const admin = adminFeature(core, { demoSignIn: options.demoAdminSignIn });
    const relay = relayFeature(core);
    const features: Feature[] = [peopleFeature(core, { otherReturns: [admin.oauthReturn] }), relay, contactsFeature(core), groupsFeature(core), admin];
    const jobs = options.jobs ? options.jobs(core) : [eventLogPruneJob, ...features.flatMap((f) => f.jobs ?? [])];
    defineJobs(agenda, jobs, log);
    const commands = new CommandRegistry(core);
    for (const feature of features) commands.register(...(feature.verbs?.(commands) ?? []));
    const wiring: FeatureWiring = { inbound, commands };
    inbound.on('command', (event) => commands.handleText(event, (event as Extract<InboundEvent, { kind: 'command' }>).text));
    inbound.on('action', async (event) => {
      const action = event as Extract<InboundEvent, { kind: 'action' }>;
      if (action.actionId === CONFIRM_ACTION || action.actionId === CANCEL_ACTION) return commands.handleAction(action);
      return {};
    });
    for (const feature of features) feature.wire?.(wiring);
    started = adapters;
    await startAgenda(agenda, jobs);
    for (const adapter of adapters) await adapter.start?.();
    await registerConfiguredWorkspaces(adapters, deps, log);

    let shuttingDown = false;
    const extras = (options.extraRouters ?? []).map((build) => build(core));
    const app = createHttpApp({
      log,
      adapters,
      isShuttingDown: () => shuttingDown,
      extraRoutes: (app) => {
        for (const feature of features) if (feature.routes) app.use(feature.routes(wiring));
        for (const extra of extras) app.use(extra.router);
        // The product, privacy and terms pages app listings link to (the sandbox's own `/` wins there).
        app.use(publicPagesRouter());
      },
      platforms: Object.fromEntries(
        PLATFORMS.map((p) => [p, config[p].configured ? 'on' : config[p].sandbox ? 'simulated' : 'not configured']),
      ),
      metricsToken: config.metricsToken,
      readiness: {
        database: () => pingDatabase(db.connection),
        jobs: async () => {
          if (!agenda.isActiveJobProcessor()) return false;
          return pingDatabase(db.connection);
        },
      },
    });
    const server: Server = await new Promise((resolve, reject) => {
      // Not app.listen: express 5 calls its callback on errors too, as if listening had started.
      const s = createServer(app);
      s.once('listening', () => resolve(s));
      s.listen(config.port, options.host ?? '0.0.0.0');
      s.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') reject(new StartupError(`port ${config.port} is already in use; stop the other process or set PORT to a free port`));
        else if (err.code === 'EACCES') reject(new StartupError(`port ${config.port} needs privileges this process does not have; set PORT to 1024 or above`));
        else reject(err);
      });
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        shuttingDown = true;
        for (const extra of extras) extra.close?.();
        log.info('shutting down: no new connections, draining in-flight requests');
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const drainMs = options.drainMs ?? 10_000;
        const timer = setTimeout(() => server.closeAllConnections(), drainMs);
        await closed;
        clearTimeout(timer);
        await agenda.drain({ timeout: drainMs, closeConnection: false }).catch((err: unknown) => log.warn({ err }, 'agenda drain'));
        await agenda.stop(false).catch(() => {});
        for (const adapter of adapters) await adapter.stop?.().catch((err: unknown) => log.warn({ err }, 'adapter stop'));
        for (const feature of [...features].reverse()) await feature.stop?.().catch((err: unknown) => log.warn({ err, feature: feature.name }, 'feature stop'));
        core.events.removeAllListeners();
        directory.stop();
        await db.close();
        log.info('stopped');
      })());

    if (!config.publicUrl) core.publicUrl = url.replace('127.0.0.1', 'localhost');
    return { config, url, db, agenda, adapters, inbound, cipher, organizationId, core, relay, stop };
  } catch (err) {
    await agendaOf?.stop(false).catch(() => {});
    for (const adapter of started) await adapter.stop?.().catch(() => {});
    directoryOf?.stop();
    await db.close().catch(() => {});
    throw err;
  }
}

/**
 * Registers (or refreshes) the workspaces the environment's credentials define, on every start:
 * idempotent, because the platform's own id is the workspace's unique key. A platform that cannot
 * be reached or refuses the credentials is logged and left for `directory status` to show; the
 * other platforms still start.
 */
async function registerConfiguredWorkspaces(adapters: ChatAdapter[], deps: Pick<AdapterDeps, 'workspaces'>, log: Logger): Promise<void> {
  for (const adapter of adapters) {
    if (!adapter.configuredWorkspaces) continue;
    try {
      for (const ws of await adapter.configuredWorkspaces()) {
        await deps.workspaces.upsert(adapter.platform, ws);
        log.info({ platform: adapter.platform, workspace: ws.name, externalId: ws.externalId }, 'workspace registered from configuration');
      }
    } catch (err) {
      log.error(
        { platform: adapter.platform, err: err instanceof Error ? err.message : String(err) },
        'could not register the configured workspace; check the credentials (directory status shows the details)',
      );
    }
  }
}
