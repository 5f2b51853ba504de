/**
 * The Microsoft Teams adapter: `POST /api/messages` (Bot Framework activities, JWT-validated by
 * botbuilder before anything else), the bot's 1:1 chats through the Bot Connector, and Microsoft
 * Graph for the directory, team membership and messages posted with a person's own token.
 * `inbound.ts` listens, `outbound.ts` talks; this file builds what both share.
 *
 * Ids: a Teams workspace is a tenant (`externalId` = tenant id); a person is their Entra object
 * id; a bot conversation is the Bot Connector's `a:…` id; a user-sync conversation is a Graph chat
 * id (`19:…`); `addMember` takes a team id, or `teamId/channelId` for a private or shared channel.
 */
import type { AppConfig } from '../../src/config.js';
import type { AdapterDeps, ChatAdapter } from '../../src/chat-adapter.js';
import { OutboundPolicy, type OutboundPolicyOptions } from '../../src/outbound.js';
import { GraphApi } from './api.js';
import { Connector, TeamsCloudAdapter } from './connector.js';
import { teamsInbound } from './inbound.js';
import { teamsOutbound } from './outbound.js';
import type { TeamsShared } from './shared.js';
import { createBotAuthentication } from './verify.js';

/** Test and tuning knobs. */
export interface TeamsAdapterOptions {
  outbound?: OutboundPolicyOptions;
  /** Graph `$top` for directory pages. */
  pageSize?: number;
}

/** Creates the Teams adapter. */
export function createTeamsAdapter(deps: AdapterDeps<AppConfig['teams']>, options: TeamsAdapterOptions = {}): ChatAdapter {
  const { settings: teams, log } = deps;
  const policy = new OutboundPolicy('teams', options.outbound);
  const auth = createBotAuthentication(teams, policy);
  const adapter = new TeamsCloudAdapter(auth);
  adapter.onTurnError = async (_context, error) => {
    log.error({ err: error }, 'teams turn failed');
    throw error;
  };
  const shared: TeamsShared = { deps, policy, auth, adapter, connector: new Connector(adapter, teams.appId!), graph: new GraphApi(teams, policy, options.pageSize) };

  return {
    platform: 'teams',
    userOAuth: Boolean(teams.appId && teams.appPassword),
    // A personal chat has no threads; Bot Framework messages are limited to about 28 KB
    // (learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
    capabilities: { threads: false, edits: true, deletes: true, reactions: false, managerRole: 'owner', postAsUser: true, maxTextLength: 28_000, userLookup: false, tokenRefresh: true },
    ...teamsInbound(shared),
    ...teamsOutbound(shared),
  };
}
