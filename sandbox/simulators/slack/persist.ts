/**
 * The simulated Slack's state as saved in the sandbox's data folder: the app's secrets and every
 * workspace (users, channels, messages), token and OAuth code, so a restarted sandbox answers the
 * tokens the service already holds.
 */
import { refill } from '../../persist/codec.js';
import { createSlackSimulator, type SlackSimulator } from './server.js';
import type { SimOAuthCode, SimToken, SimWorkspace } from './state.js';

/** What is saved of a simulated Slack. */
export interface SlackSnapshot {
  port: number;
  signingSecret: string;
  clientId: string;
  clientSecret: string;
  appId: string;
  workspaces: Map<string, SimWorkspace>;
  tokens: Map<string, SimToken>;
  codes: Map<string, SimOAuthCode>;
}

/** Captures the simulator's state. */
export function snapshotSlack(slack: SlackSimulator): SlackSnapshot {
  return {
    port: Number(new URL(slack.url).port),
    signingSecret: slack.signingSecret,
    clientId: slack.clientId,
    clientSecret: slack.clientSecret,
    appId: slack.state.appId,
    workspaces: slack.state.workspaces,
    tokens: slack.state.tokens,
    codes: slack.state.codes,
  };
}

/** Starts a simulated Slack with a saved state, on `port` (the saved one by default). */
export async function restoreSlack(snap: SlackSnapshot, port = snap.port): Promise<SlackSimulator> {
  const slack = await createSlackSimulator({
    signingSecret: snap.signingSecret,
    clientId: snap.clientId,
    clientSecret: snap.clientSecret,
    appId: snap.appId,
    workspaces: [],
    port,
  });
  refill(slack.state.workspaces, snap.workspaces);
  refill(slack.state.tokens, snap.tokens);
  refill(slack.state.codes, snap.codes);
  return slack;
}
