/**
 * Sandbox mode: every platform without credentials runs against its local simulator. The real
 * adapters and SDKs are used unchanged; only their `*_URL` settings and credentials point at the
 * simulators. Once the service is up, the simulated workspaces are registered like installed ones.
 *
 * With the demo (the default) the simulators' state is kept in the data folder, so Ctrl-C and
 * `npm start` resume the same organization: same ids, tokens, channels, messages and ports.
 * `npm run sandbox:reset` starts over.
 */
import type { Platform } from '../src/chat-adapter.js';
import type { AppConfig } from '../src/config.js';
import type { Logger } from '../src/log.js';
import { WorkspaceModel } from '../src/directory/workspace.model.js';
import type { Service } from '../src/service.js';
import { seedDemoOrganization } from './demo-org.js';
import { demoDirectorySeeded, seedDemoDirectory } from './demo-directory.js';
import { SandboxStore, sandboxStateDir, type SavedSandbox } from './persist/store.js';
import { openSimulator, snapshotSimulators } from './simulator-set.js';
import type { SlackSimulator } from './simulators/slack/server.js';
import type { TeamsSimulator } from './simulators/teams/server.js';
import type { WebexSimulator } from './simulators/webex/server.js';
import type { ZoomSimulator } from './simulators/zoom/server.js';

export { DEMO_ADMIN_EMAIL } from './demo-directory.js';

/** The running simulators, by platform (only those in sandbox mode). */
export interface Simulators {
  slack?: SlackSimulator;
  teams?: TeamsSimulator;
  webex?: WebexSimulator;
  zoom?: ZoomSimulator;
}

/** A started sandbox. */
export interface Sandbox {
  /** The configuration with sandboxed platforms pointed at their simulators. */
  config: AppConfig;
  simulators: Simulators;
  /** True for the guided Northwind demo (the page's "Try this" journeys). */
  guided?: boolean;
  /** Registers the simulated workspaces with the running service. */
  attach(service: Service): Promise<void>;
  /** Saves the simulators' state soon (after a change the simulators did not see as a call). */
  touch?(): void;
  stop(): Promise<void>;
}

/** How to start the sandbox. */
export interface SandboxOptions {
  /** Pins simulator ports (else the saved ones, else free ports). */
  ports?: Partial<Record<Platform, number>>;
  /** Fill the simulators and the database with the demo organization (default true). */
  demo?: boolean;
  /**
   * The guided Northwind demo: one workspace per platform named for the organization, a channel
   * on each, people already synced and one prompted (default true). False keeps each simulator's
   * own default seed beside the demo people.
   */
  guided?: boolean;
  /** Keep the simulators' state in the data folder across restarts (default: with the demo). */
  persist?: boolean;
}

/** A simulated workspace as the service stores it. */
interface SimWorkspace {
  platform: Platform;
  externalId: string;
  name: string;
  credentials: Record<string, string>;
}

function workspacesOf(sims: Simulators): SimWorkspace[] {
  const out: SimWorkspace[] = [];
  for (const ws of sims.slack?.installedWorkspaces() ?? []) out.push({ platform: 'slack', ...ws });
  if (sims.teams) {
    for (const tenant of sims.teams.tenants.values()) {
      out.push({ platform: 'teams', externalId: tenant.id, name: tenant.name, credentials: { serviceUrl: sims.teams.serviceUrl } });
    }
  }
  if (sims.webex) {
    for (const org of sims.webex.orgs.values()) {
      // The simulated organization's administrator lends a people-read token, as WEBEX_ADMIN_TOKEN
      // does in production, so the demo directory is the whole organization.
      const admin = [...sims.webex.people.values()].find((p) => p.orgId === org.id && p.type !== 'bot');
      const adminToken = admin ? sims.webex.issueUserToken(admin.id, ['spark-admin:people_read', 'spark:all']) : undefined;
      out.push({ platform: 'webex', externalId: org.id, name: org.name, credentials: { botToken: org.botToken, ...(adminToken ? { adminToken } : {}) } });
    }
  }
  if (sims.zoom) {
    for (const account of sims.zoom.accounts.values()) {
      out.push({ platform: 'zoom', externalId: account.accountId, name: account.name, credentials: {} });
    }
  }
  return out;
}

/**
 * Starts simulators for the platforms without credentials, restored from the data folder when
 * they were saved there, and filled with the demo organization on a first start.
 */
export async function startSandbox(config: AppConfig, log: Logger, options: SandboxOptions = {}): Promise<Sandbox> {
  const ports = options.ports ?? {};
  const demo = options.demo ?? true;
  const guided = demo && (options.guided ?? true);
  const store = (options.persist ?? demo) ? new SandboxStore(sandboxStateDir(config.dataDir)) : undefined;
  const saved: SavedSandbox | undefined = store?.load((reason, movedTo) =>
    log.warn({ reason, movedTo }, 'sandbox: the saved simulators could not be read; starting a fresh demo organization'),
  );
  const sims: Simulators = {};
  const fresh: Simulators = {};
  const next: AppConfig = { ...config, slack: { ...config.slack }, teams: { ...config.teams }, webex: { ...config.webex }, zoom: { ...config.zoom } };
  try {
    for (const platform of ['slack', 'teams', 'webex', 'zoom'] as const) {
      if (!config[platform].sandbox) continue;
      const started = await openSimulator(platform, sims, {
        saved,
        port: ports[platform],
        guided,
        onMoved: (p, from) => log.warn({ platform: p, port: from }, 'sandbox: the saved simulator port is taken; using another one'),
      });
      if (started) Object.assign(fresh, { [platform]: sims[platform] });
    }
  } catch (err) {
    await Promise.all(Object.values(sims).map((s) => s.close().catch(() => {})));
    throw err;
  }
  if (sims.slack) Object.assign(next.slack, sims.slack.sandboxSettings());
  if (sims.teams) Object.assign(next.teams, sims.teams.sandboxSettings());
  if (sims.webex) Object.assign(next.webex, sims.webex.sandboxSettings());
  if (sims.zoom) Object.assign(next.zoom, sims.zoom.sandboxSettings());
  if (demo) seedDemoOrganization(fresh, { channels: guided });
  if (store) {
    store.track(() => snapshotSimulators(sims));
    store.flush();
    for (const sim of Object.values(sims)) sim.sim.on('call', () => store.touch());
  }
  const started = Object.keys(sims);
  if (started.length) {
    log.info({ platforms: started, resumed: Boolean(saved), stateDir: store?.dir }, saved ? 'sandbox: simulated platforms resumed' : 'sandbox: simulated platforms started');
  }

  return {
    config: next,
    simulators: sims,
    guided,
    async attach(service) {
      for (const ws of workspacesOf(sims)) {
        const existing = await WorkspaceModel.findOne({ platform: ws.platform, externalId: ws.externalId }).setOptions({ crossOrganization: true });
        await WorkspaceModel.updateOne(
          { organizationId: existing?.organizationId ?? service.organizationId, platform: ws.platform, externalId: ws.externalId },
          { $set: { name: ws.name, credentials: service.cipher.encryptJson(ws.credentials) } },
          { upsert: true },
        );
      }
      if (!demo || (await demoDirectorySeeded(service))) return;
      await seedDemoDirectory(service, log, { guided });
      store?.touch();
    },
    touch() {
      store?.touch();
    },
    async stop() {
      await Promise.all(Object.values(sims).map((s) => s.close().catch(() => {})));
      store?.stop();
    },
  };
}
