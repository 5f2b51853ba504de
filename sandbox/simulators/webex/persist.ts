/**
 * The simulated Webex's state as saved in the sandbox's data folder: organizations and their
 * bots, people, spaces, memberships, messages, card actions, webhooks, OAuth clients and every
 * token it issued. Webhooks are kept too: the service replaces its own at start.
 */
import { refill } from '../../persist/codec.js';
import { createWebexSimulator, type WebexSimulator } from './server.js';

/** The Maps of the simulator that make up its world, by field name. */
const TABLES = [
  'orgs',
  'people',
  'rooms',
  'memberships',
  'messages',
  'attachmentActions',
  'webhooks',
  'oauthClients',
  'tokens',
  'codes',
  'refreshTokens',
] as const;

/** What is saved of a simulated Webex. */
export interface WebexSnapshot {
  port: number;
  webhookSecret: string;
  tables: Record<(typeof TABLES)[number], Map<string, unknown>>;
}

const tablesOf = (webex: WebexSimulator) => webex as unknown as Record<(typeof TABLES)[number], Map<string, unknown>>;

/** Captures the simulator's state. */
export function snapshotWebex(webex: WebexSimulator): WebexSnapshot {
  const all = tablesOf(webex);
  return {
    port: Number(new URL(webex.server.url).port),
    webhookSecret: webex.webhookSecret,
    tables: Object.fromEntries(TABLES.map((t) => [t, all[t]])) as WebexSnapshot['tables'],
  };
}

/** Starts a simulated Webex with a saved state. */
export async function restoreWebex(snap: WebexSnapshot, port = snap.port): Promise<WebexSimulator> {
  const webex = createWebexSimulator({ seed: false, webhookSecret: snap.webhookSecret });
  const all = tablesOf(webex);
  for (const t of TABLES) refill(all[t], snap.tables[t]);
  // An organization's bot is also one of its people: share the one object again.
  for (const org of webex.orgs.values()) org.bot = webex.people.get(org.bot.id) ?? org.bot;
  await webex.start(port);
  return webex;
}
