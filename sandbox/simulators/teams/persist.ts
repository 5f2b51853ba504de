/**
 * The simulated Teams' state as saved in the sandbox's data folder: app registrations, tenants
 * (users, teams, channels), the bot's personal conversations, Graph chats, and the tokens, codes
 * and refresh tokens it issued, so the service's stored grants keep working after a restart.
 * The JWT signing key is kept too: Bot Framework's keys outlive a restart, and botbuilder caches
 * the published keys by URL.
 */
import { exportJWK, importJWK, type JWK } from 'jose';
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
  signing?: { kid: string; privateJwk: JWK; publicJwk: JWK };
}

/** The issued-credential tables the simulator keeps to itself. */
interface Internals {
  tokens: Map<string, unknown>;
  codes: Map<string, unknown>;
  refreshTokens: Map<string, unknown>;
  activitySeq: number;
  signingKey: CryptoKey;
  jwk: JWK;
  kid: string;
}

const internals = (teams: TeamsSimulator) => teams as unknown as Internals;

const exportedKeys = new WeakMap<TeamsSimulator, TeamsSnapshot['signing']>();

/** Exports the signing key once (export is asynchronous; snapshots are taken synchronously). */
export async function prepareTeamsSnapshot(teams: TeamsSimulator): Promise<void> {
  const own = internals(teams);
  exportedKeys.set(teams, { kid: own.kid, privateJwk: await exportJWK(own.signingKey), publicJwk: own.jwk });
}

/** Captures the simulator's state. */
export function snapshotTeams(teams: TeamsSimulator): TeamsSnapshot {
  const own = internals(teams);
  return {
    signing: exportedKeys.get(teams),
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
  if (snap.signing) {
    own.signingKey = (await importJWK(snap.signing.privateJwk, 'RS256', { extractable: true })) as CryptoKey;
    own.jwk = snap.signing.publicJwk;
    own.kid = snap.signing.kid;
    exportedKeys.set(teams, snap.signing);
  } else {
    await prepareTeamsSnapshot(teams);
  }
  return teams;
}
