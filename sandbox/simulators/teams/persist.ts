/**
 * The simulated Teams' state as saved in the sandbox's data folder: app registrations, tenants
 * (users, teams, channels), the bot's personal conversations, Graph chats, and the tokens, codes
 * and refresh tokens it issued, so the service's stored grants keep working after a restart.
 * The JWT signing keys are made afresh: the service reads them from the simulator at start.
 */
import { refill } from '../../persist/codec.js';
import { createTeamsSimulator, type SimApp, type SimChat, type SimConversation, type SimTenant, type TeamsSimulator } from './server.js';

/** What is saved of a simulated Teams. */
export interface TeamsSnapshot {
  port: number;
  apps: Map<string, SimApp>;
  tenants: Map<string, SimTenant>;
  conversations: Map<string, SimConversation>;
  chats: Map<string, SimChat>;
  tokens: Map<string, unknown>;
  codes: Map<string, unknown>;
  refreshTokens: Map<string, unknown>;
  activitySeq: number;
}

/** The issued-credential tables the simulator keeps to itself. */
interface Internals {
  tokens: Map<string, unknown>;
  codes: Map<string, unknown>;
  refreshTokens: Map<string, unknown>;
  activitySeq: number;
}

const internals = (teams: TeamsSimulator) => teams as unknown as Internals;

/** Captures the simulator's state. */
export function snapshotTeams(teams: TeamsSimulator): TeamsSnapshot {
  const own = internals(teams);
  return {
    port: Number(new URL(teams.url).port),
    apps: teams.apps,
    tenants: teams.tenants,
    conversations: teams.conversations,
    chats: teams.chats,
    tokens: own.tokens,
    codes: own.codes,
    refreshTokens: own.refreshTokens,
    activitySeq: own.activitySeq,
  };
}

/** Starts a simulated Teams with a saved state. */
export async function restoreTeams(snap: TeamsSnapshot, port = snap.port): Promise<TeamsSimulator> {
  const teams = await createTeamsSimulator({ seed: false, port });
  const own = internals(teams);
  refill(teams.apps, snap.apps);
  refill(teams.tenants, snap.tenants);
  refill(teams.conversations, snap.conversations);
  refill(teams.chats, snap.chats);
  refill(own.tokens, snap.tokens);
  refill(own.codes, snap.codes);
  refill(own.refreshTokens, snap.refreshTokens);
  own.activitySeq = Math.max(own.activitySeq, snap.activitySeq ?? 0);
  return teams;
}
