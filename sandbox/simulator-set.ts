/**
 * Starting the simulators of a sandbox: from the saved state when there is one (same ids, tokens,
 * channels, messages and ports as last time), otherwise afresh — either the guided Northwind demo
 * (one workspace per platform, all named for the demo organization) or each simulator's own
 * default seed, which the integration tests are written against.
 */
import type { Platform } from '../src/chat-adapter.js';
import type { Simulators } from './index.js';
import { DEMO_WORKSPACE_NAMES } from './demo-org.js';
import type { SavedSandbox } from './persist/store.js';
import { createSlackSimulator } from './simulators/slack/server.js';
import { restoreSlack, snapshotSlack } from './simulators/slack/persist.js';
import { createTeamsSimulator } from './simulators/teams/server.js';
import { prepareTeamsSnapshot, restoreTeams, snapshotTeams } from './simulators/teams/persist.js';
import { createWebexSimulator } from './simulators/webex/server.js';
import { restoreWebex, snapshotWebex } from './simulators/webex/persist.js';
import { createZoomSimulator } from './simulators/zoom/server.js';
import { restoreZoom, snapshotZoom } from './simulators/zoom/persist.js';

/** The Teams app id the sandbox bot runs as (the simulator's default registration). */
const TEAMS_APP_ID = '8c4f1e52-3b7a-4d0e-9f61-2a5b7c9d0e11';
const WEBEX_CLIENT = { clientId: 'C_sandbox_crosstalk_integration', clientSecret: 'sandbox-integration-secret' };

/**
 * Runs `make` on `port`; when that port is taken (another program got it since the last run),
 * on a free one instead, so a restart never fails over a port.
 */
async function onPort<T>(port: number, make: (port: number) => Promise<T>, onMoved: (from: number) => void): Promise<T> {
  try {
    return await make(port);
  } catch (err) {
    if (port === 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    onMoved(port);
    return make(0);
  }
}

/** Starts (or restores) one platform's simulator into `sims`. Returns true when it started afresh. */
export async function openSimulator(
  platform: Platform,
  sims: Simulators,
  options: { saved?: SavedSandbox; port?: number; guided: boolean; onMoved: (platform: Platform, from: number) => void },
): Promise<boolean> {
  const moved = (from: number) => options.onMoved(platform, from);
  const saved = options.saved;
  switch (platform) {
    case 'slack':
      if (saved?.slack) {
        const snap = saved.slack;
        sims.slack = await onPort(options.port ?? snap.port, (p) => restoreSlack(snap, p), moved);
        return false;
      }
      sims.slack = await onPort(
        options.port ?? 0,
        (port) => createSlackSimulator({ port, ...(options.guided ? { workspaces: [{ name: DEMO_WORKSPACE_NAMES.slack, domain: 'northwind' }] } : {}) }),
        moved,
      );
      return true;
    case 'teams':
      if (saved?.teams) {
        const snap = saved.teams;
        sims.teams = await onPort(options.port ?? snap.port, (p) => restoreTeams(snap, p), moved);
        return false;
      }
      sims.teams = await onPort(
        options.port ?? 0,
        async (port) => {
          const teams = await createTeamsSimulator({ port, seed: !options.guided });
          if (options.guided) {
            const app = teams.addApp({ appId: TEAMS_APP_ID, botName: 'Crosstalk' });
            teams.addTenant({ name: DEMO_WORKSPACE_NAMES.teams, consentedApps: [app.appId] });
          }
          await prepareTeamsSnapshot(teams);
          return teams;
        },
        moved,
      );
      return true;
    case 'webex':
      if (saved?.webex) {
        const snap = saved.webex;
        sims.webex = await onPort(options.port ?? snap.port, (p) => restoreWebex(snap, p), moved);
        return false;
      }
      sims.webex = await onPort(
        options.port ?? 0,
        async (port) => {
          const webex = createWebexSimulator({ seed: !options.guided });
          if (options.guided) {
            webex.addOrg({ name: DEMO_WORKSPACE_NAMES.webex, botName: 'Crosstalk', botEmail: 'crosstalk@webex.bot' });
            webex.addOAuthClient(WEBEX_CLIENT);
          }
          return webex.start(port);
        },
        moved,
      );
      return true;
    case 'zoom':
      if (saved?.zoom) {
        const snap = saved.zoom;
        sims.zoom = await onPort(options.port ?? snap.port, (p) => restoreZoom(snap, p), moved);
        return false;
      }
      sims.zoom = await onPort(
        options.port ?? 0,
        (port) => createZoomSimulator({ port, ...(options.guided ? { accounts: [{ accountId: 'zoomSimAccount01', name: DEMO_WORKSPACE_NAMES.zoom }] } : {}) }),
        moved,
      );
      return true;
  }
}

/** What is saved of the running simulators. */
export function snapshotSimulators(sims: Simulators): Omit<SavedSandbox, 'format' | 'savedAt'> {
  return {
    ...(sims.slack ? { slack: snapshotSlack(sims.slack) } : {}),
    ...(sims.teams ? { teams: snapshotTeams(sims.teams) } : {}),
    ...(sims.webex ? { webex: snapshotWebex(sims.webex) } : {}),
    ...(sims.zoom ? { zoom: snapshotZoom(sims.zoom) } : {}),
  };
}
