/**
 * What both halves of the Teams adapter share, built once by `index.ts`, and the store keys under
 * which inbound activities leave what outbound calls need later: a conversation's Bot Framework
 * reference, a person's 1:1 chat with the bot, and the Entra object id behind a Teams id.
 */
import type { BotFrameworkAuthentication } from 'botframework-connector';
import type { AdapterDeps } from '../../src/chat-adapter.js';
import type { AppConfig } from '../../src/config.js';
import type { OutboundPolicy } from '../../src/outbound.js';
import type { GraphApi } from './api.js';
import type { Connector, TeamsCloudAdapter } from './connector.js';

/** The adapter's dependencies, policy and clients. */
export interface TeamsShared {
  deps: AdapterDeps<AppConfig['teams']>;
  policy: OutboundPolicy;
  auth: BotFrameworkAuthentication;
  adapter: TeamsCloudAdapter;
  connector: Connector;
  graph: GraphApi;
}

/** The name a tenant's workspace gets until an admin renames it (Graph's organization name needs another permission). */
export const TENANT_NAME = 'Teams';

/** Where a conversation's Bot Framework reference is kept. */
export const convKey = (conversationId: string) => `conv:${conversationId}`;
/** Where a person's 1:1 conversation with the bot is kept (by Entra object id). */
export const userKey = (userId: string) => `user:${userId}`;
/** Where the Entra object id behind a Teams (`29:…`) id is kept. */
export const mriKey = (teamsId: string) => `mri:${teamsId}`;
