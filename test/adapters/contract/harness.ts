/**
 * What the shared adapter contract needs of one platform: the real adapter built against the real
 * simulator, ways to drive the simulator (a person writing, the platform echoing the bot's own
 * post, a 429 on the send path) and to read what people on the platform see. Each platform file
 * (`slack.ts`, `teams.ts`, `webex.ts`, `zoom.ts`) implements it; `contract.test.ts` runs the same
 * assertions against all four.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatAdapter, Platform, WorkspaceRef } from '../../../src/chat-adapter.js';
import type { MemberListing } from '../../../src/rule-sync/channel-members.js';
import { createLogger, type Logger } from '../../../src/log.js';
import type { RecordedCall, SimServer } from '../../../sandbox/simulators/sim-core.js';
import { MemoryStore, MemoryWorkspaces, RecordingSink } from '../zoom/harness.js';

export { MemoryStore, MemoryWorkspaces, RecordingSink };

/** People seeded beyond one page of every directory and member listing (Zoom lists 300 users a page). */
export const CROWD = 310;

/** Neutral text the contract posts and edits, with how each platform shows it. */
export const SENT_TEXT = 'Lunch at **noon**';
export const EDITED_TEXT = 'Lunch at **one**';

/**
 * What a platform's adapter offers today, one row per platform. Shaped like the `capabilities`
 * object `ChatAdapter` is expected to declare, so the table can be checked against it then.
 */
export interface PlatformCapabilities {
  edit: boolean;
  delete: boolean;
  /** Emoji reactions on a message the bot posted (`ChatAdapter.react`). */
  reactions: boolean;
  /** `listMembers` / `removeMember` on a channel, space or team. */
  listMembers: boolean;
  removeMember: boolean;
}

/** The per-platform expectations the contract asserts. */
export interface PlatformExpectations {
  capabilities: PlatformCapabilities;
  /** `SENT_TEXT` and `EDITED_TEXT` as the platform stores and shows them. */
  shown: { sent: string; edited: string };
  /** The reason in the error for a message to an unknown conversation. */
  unknownConversationReason: RegExp;
  /** The reason in the error for adding someone to an unknown channel/space/team. */
  unknownChannelReason: RegExp;
}

/** A message the bot posted, as the simulator holds it. */
export interface ShownMessage {
  id: string;
  text: string;
}

/** An adapter that lists and removes channel members (every adapter today). */
export type MemberAdapter = ChatAdapter & MemberListing & Required<Pick<ChatAdapter, 'removeMember'>>;

/** One adapter + simulator pair, as the contract drives it. */
export interface ContractHarness {
  platform: Platform;
  adapter: MemberAdapter;
  workspace: WorkspaceRef;
  sink: RecordingSink;
  expectations: PlatformExpectations;
  /** The simulator's recorded calls and fault injection. */
  sim: SimServer;
  /** Where `send` as the bot posts: the route a 429 is injected into. */
  sendPath: string | RegExp;
  /** Platform user ids: each test talks to its own person, so conversations start empty. */
  people: { recipient: string; patient: string; speaker: string; newcomer: string };
  /** A channel/space/team the bot manages; holds more than one page of members, not `newcomer`. */
  channel: string;
  /** Ids nothing on the platform has. */
  unknown: { conversation: string; channel: string };
  /** The bot's visible messages in a conversation, oldest first (deleted ones left out). */
  botMessages(conversationId: string): ShownMessage[];
  /** Emoji names on a message; only where the platform has reactions. */
  reactions?(conversationId: string, messageId: string): string[];
  /** Everyone the platform's directory holds (user ids). */
  directory(): string[];
  /** The channel's members as the simulator holds them. */
  members(): string[];
  /** A person writes to the bot through the platform's webhook; the platform's HTTP status. */
  personWrites(userId: string, text: string): Promise<number>;
  /** The bot posts to `userId`, then the platform delivers that post to the webhook; its HTTP status. */
  ownPostComesBack(userId: string, text: string): Promise<number>;
  /** The next call to `sendPath` answers 429 with `Retry-After`. */
  rateLimitNextSend(retryAfterSeconds: number): void;
  close(): Promise<void>;
}

/** Checks the adapter offers member listing and removal, which the contract exercises. */
export function memberAdapter(adapter: ChatAdapter): MemberAdapter {
  const candidate = adapter as Partial<MemberAdapter>;
  if (typeof candidate.listMembers !== 'function' || typeof candidate.removeMember !== 'function') {
    throw new Error(`${adapter.platform} adapter has no listMembers/removeMember`);
  }
  return candidate as MemberAdapter;
}

/** Calls recorded after `seq` on `path`, by method. */
export function callsSince(sim: SimServer, seq: number, path: string | RegExp, method = 'POST'): RecordedCall[] {
  return sim.callsTo(path, method).filter((c) => c.seq > seq);
}

/** The in-memory dependencies an adapter is built with, as `AdapterDeps` minus the config. */
export interface HarnessDeps {
  log: Logger;
  sink: RecordingSink;
  store: MemoryStore;
  workspaces: MemoryWorkspaces;
}

/** An adapter mounted on an express app on a free loopback port. */
export interface ServedAdapter<A extends ChatAdapter> extends HarnessDeps {
  adapter: A;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * Listens first (so the adapter can be told its public URL, e.g. for Webex webhook
 * registration), then builds the adapter, mounts its routes and starts it.
 */
export async function serveAdapter<A extends ChatAdapter>(build: (baseUrl: string, deps: HarnessDeps) => A | Promise<A>): Promise<ServedAdapter<A>> {
  const deps: HarnessDeps = { log: createLogger('silent'), sink: new RecordingSink(), store: new MemoryStore(), workspaces: new MemoryWorkspaces() };
  const app = express();
  const router = express.Router();
  app.use(router);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const adapter = await build(baseUrl, deps);
  adapter.mount(router);
  await adapter.start?.();
  return {
    ...deps,
    adapter,
    baseUrl,
    async close() {
      await adapter.stop?.();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
