/**
 * Sandbox mode: every platform without credentials runs against its local simulator. The real
 * adapters and SDKs are used unchanged; only their `*_URL` settings and credentials point at the
 * simulators. Once the service is up, the simulated workspaces are registered like installed ones.
 */
import type { Platform } from '../src/chat-adapter.js';
import type { AppConfig } from '../src/config.js';
import type { Logger } from '../src/log.js';
import { PersonModel, WorkspaceModel } from '../src/models/index.js';
import { runDirectorySync } from '../src/jobs/directory-sync.job.js';
import { DEMO_PEOPLE, seedDemoOrganization } from './demo-org.js';
import type { Service } from '../src/service.js';
import { createSlackSimulator, type SlackSimulator } from './simulators/slack/server.js';
import { createTeamsSimulator, type TeamsSimulator } from './simulators/teams/server.js';
import { createWebexSimulator, type WebexSimulator } from './simulators/webex/server.js';
import { createZoomSimulator, type ZoomSimulator } from './simulators/zoom/server.js';

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
  /** Registers the simulated workspaces with the running service. */
  attach(service: Service): Promise<void>;
  stop(): Promise<void>;
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
      out.push({ platform: 'webex', externalId: org.id, name: org.name, credentials: { botToken: org.botToken } });
    }
  }
  if (sims.zoom) {
    for (const account of sims.zoom.accounts.values()) {
      out.push({ platform: 'zoom', externalId: account.accountId, name: account.name, credentials: {} });
    }
  }
  return out;
}

/** The demo admin (sandbox only), so every command can be tried at once. */
export const DEMO_ADMIN_EMAIL = DEMO_PEOPLE[0].email;

/**
 * Starts simulators for the platforms without credentials; `ports` pins them (else free ports).
 * With `demo` (the default) they are filled with the demo organization.
 */
export async function startSandbox(
  config: AppConfig,
  log: Logger,
  options: { ports?: Partial<Record<Platform, number>>; demo?: boolean } = {},
): Promise<Sandbox> {
  const ports = options.ports ?? {};
  const demo = options.demo ?? true;
  const sims: Simulators = {};
  const next: AppConfig = { ...config, slack: { ...config.slack }, teams: { ...config.teams }, webex: { ...config.webex }, zoom: { ...config.zoom } };
  try {
    if (config.slack.sandbox) {
      sims.slack = await createSlackSimulator({ port: ports.slack ?? 0 });
      Object.assign(next.slack, sims.slack.sandboxSettings());
    }
    if (config.teams.sandbox) {
      sims.teams = await createTeamsSimulator({ port: ports.teams ?? 0 });
      Object.assign(next.teams, sims.teams.sandboxSettings());
    }
    if (config.webex.sandbox) {
      sims.webex = createWebexSimulator();
      await sims.webex.start(ports.webex ?? 0);
      Object.assign(next.webex, sims.webex.sandboxSettings());
    }
    if (config.zoom.sandbox) {
      sims.zoom = await createZoomSimulator({ port: ports.zoom ?? 0 });
      Object.assign(next.zoom, sims.zoom.sandboxSettings());
    }
  } catch (err) {
    await Promise.all(Object.values(sims).map((s) => s.close().catch(() => {})));
    throw err;
  }
  if (demo) seedDemoOrganization(sims);
  const started = Object.keys(sims);
  if (started.length) log.info({ platforms: started }, 'sandbox: simulated platforms started');

  return {
    config: next,
    simulators: sims,
    async attach(service) {
      for (const ws of workspacesOf(sims)) {
        const existing = await WorkspaceModel.findOne({ platform: ws.platform, externalId: ws.externalId }).setOptions({ crossOrganization: true });
        await WorkspaceModel.updateOne(
          { organizationId: existing?.organizationId ?? service.organizationId, platform: ws.platform, externalId: ws.externalId },
          { $set: { name: ws.name, credentials: service.cipher.encryptJson(ws.credentials) } },
          { upsert: true },
        );
      }
      if (!demo) return;
      // Import the demo directory now, so the sandbox opens with people, primaries and attributes.
      const workspaces = await WorkspaceModel.find({ organizationId: service.organizationId });
      for (const ws of workspaces) {
        await runDirectorySync(service.core, { organizationId: String(service.organizationId), workspaceId: String(ws._id) }).catch((err: unknown) =>
          log.warn({ err, workspace: ws.name }, 'sandbox: demo directory import failed'),
        );
      }
      for (const type of ['staff', 'student'] as const) {
        await PersonModel.updateMany(
          { organizationId: service.organizationId, email: { $in: DEMO_PEOPLE.filter((p) => p.memberType === type).map((p) => p.email) } },
          { $set: { memberType: type } },
        );
      }
      await PersonModel.updateOne({ organizationId: service.organizationId, email: DEMO_ADMIN_EMAIL }, { $set: { isAdmin: true } });
    },
    async stop() {
      await Promise.all(Object.values(sims).map((s) => s.close().catch(() => {})));
    },
  };
}
