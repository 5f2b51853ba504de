/**
 * Slack outbound: everything Crosstalk asks of Slack through `@slack/web-api` (post, edit, delete,
 * react, read back a relayed copy, directory and members, health, user OAuth), always with the
 * workspace's bot token or the person's own token.
 */
import type { AppConfig } from '../../src/config.js';
import {
  AdapterError,
  AdapterErrorCode,
  notSupported,
  PLATFORM_SHORT_NAMES,
  type UserGrant,
  type AdapterDeps,
  type ChatAdapter,
  type ConversationTarget,
  type DirectoryPage,
  type HealthReport,
  type MessageRef,
  type OutboundMessage,
  type SendAs,
  type WorkspaceRef,
} from '../../src/chat-adapter.js';
import type { OutboundPolicy } from '../../src/outbound.js';
import { toAdapterError, type SlackApi } from './api.js';
import { toSlackMessage } from './blocks.js';
import { slackMembers } from './members.js';
import { BOT_SCOPES, USER_SCOPES, buildUserAuthorizeUrl, exchangeUserCode, type createBotResolver } from './oauth.js';
import { toDirectoryUser, type SlackUser } from './parse.js';
import { reactOnSlack } from './reactions.js';
import { relayMetadata, slackReadBack } from './read-back.js';
import { checkSlackUserToken } from './user-token.js';

/** What the outbound half needs from the adapter's shared pieces. */
export interface SlackOutboundShared {
  api: SlackApi;
  /** For the plain REST calls made outside the Web API client (the user-token check). */
  policy: OutboundPolicy;
  resolveBot: ReturnType<typeof createBotResolver>;
  /** Custom profile field labels of a workspace, cached. */
  labelsFor(teamId: string, token: string): Promise<Map<string, string>>;
  userScopes?: string[];
}

/** The `ChatAdapter` methods that call Slack. */
export type SlackOutbound = Omit<ChatAdapter, 'platform' | 'capabilities' | 'userOAuth' | 'mount' | 'start' | 'stop' | 'toNeutral' | 'fromNeutral'>;

const USERNAME_LIMIT = 80;

/** Builds the outbound half of the Slack adapter. */
export function createSlackOutbound(deps: AdapterDeps<AppConfig['slack']>, shared: SlackOutboundShared): SlackOutbound {
  const { settings: slack, log } = deps;
  const { api, policy, resolveBot, labelsFor } = shared;

  async function botTokenFor(workspace: WorkspaceRef): Promise<string> {
    const token = workspace.credentials.botToken ?? (await resolveBot(workspace.externalId))?.token;
    if (!token) throw new AdapterError(AdapterErrorCode.InvalidToken, `no Slack bot token for workspace ${workspace.externalId}`);
    return token;
  }

  async function tokenFor(workspace: WorkspaceRef, as: SendAs): Promise<string> {
    return as.kind === 'user' ? as.accessToken : botTokenFor(workspace);
  }

  return {
    ...slackMembers(api, botTokenFor),
    async refreshUserToken(): Promise<UserGrant> {
      // Slack user tokens do not expire unless token rotation is turned on, which Crosstalk's app does not.
      return notSupported('slack', 'refreshing user tokens');
    },

    async configuredWorkspaces() {
      // Single-workspace mode: the bot token names its workspace (auth.test: team_id, team, user_id, bot_id).
      if (!slack.botToken) return [];
      const who = await api.call('auth.test', () => api.client(slack.botToken!).auth.test());
      if (!who.team_id) throw new AdapterError(AdapterErrorCode.InvalidToken, 'slack auth.test returned no team for SLACK_BOT_TOKEN');
      return [
        {
          externalId: who.team_id,
          name: who.team ?? who.team_id,
          credentials: { botToken: slack.botToken, ...(who.user_id ? { botUserId: who.user_id } : {}), ...(who.bot_id ? { botId: who.bot_id } : {}) },
        },
      ];
    },

    async openDirect(workspace, userId, as) {
      const token = as ? await tokenFor(workspace, as) : await botTokenFor(workspace);
      const res = await api.call('conversations.open', () => api.client(token).conversations.open({ users: userId }));
      const id = res.channel?.id;
      if (!id) throw new AdapterError(AdapterErrorCode.Unavailable, 'slack conversations.open returned no channel');
      return id;
    },

    async send(target: ConversationTarget, message: OutboundMessage, as: SendAs): Promise<MessageRef> {
      const token = await tokenFor(target.workspace, as);
      const client = api.client(token, { once: Boolean(message.relayTag) });
      let channel = target.conversationId;
      if (as.kind === 'user' && /^[UW]/.test(channel)) {
        const opened = await api.call('conversations.open', () => client.conversations.open({ users: channel }));
        channel = opened.channel?.id ?? channel;
      }
      const identity =
        as.kind === 'bot' && as.displayName
          ? {
              username: (as.fromPlatform ? `${as.displayName} (${PLATFORM_SHORT_NAMES[as.fromPlatform]})` : as.displayName).slice(0, USERNAME_LIMIT),
              ...(as.avatarUrl ? { icon_url: as.avatarUrl } : {}),
            }
          : {};
      const res = await api.call('chat.postMessage', () =>
        client.chat.postMessage({
          channel,
          ...toSlackMessage(message),
          ...(message.threadId ? { thread_ts: message.threadId } : {}),
          ...identity,
          ...relayMetadata(message),
          unfurl_links: false,
          unfurl_media: false,
        }),
      );
      if (!res.ts) throw new AdapterError(AdapterErrorCode.Unavailable, 'slack chat.postMessage returned no ts');
      return { workspace: target.workspace, conversationId: res.channel ?? channel, messageId: res.ts };
    },

    findRelayedCopy: slackReadBack(api, tokenFor),

    async update(ref, message, as) {
      const token = await tokenFor(ref.workspace, as);
      await api.call('chat.update', () =>
        api.client(token).chat.update({ channel: ref.conversationId, ts: ref.messageId, ...toSlackMessage(message) }),
      );
    },

    async delete(ref, as) {
      const token = await tokenFor(ref.workspace, as);
      await api.call('chat.delete', () => api.client(token).chat.delete({ channel: ref.conversationId, ts: ref.messageId }));
    },

    async react(ref, emoji, added, as) {
      await reactOnSlack(api, await tokenFor(ref.workspace, as), ref, emoji, added);
    },

    async listUsers(workspace, cursor): Promise<DirectoryPage> {
      const token = await botTokenFor(workspace);
      const [res, labels] = await Promise.all([
        api.call('users.list', () => api.client(token).users.list({ limit: 200, ...(cursor ? { cursor } : {}) })),
        labelsFor(workspace.externalId, token),
      ]);
      const next = res.response_metadata?.next_cursor;
      return {
        users: (res.members ?? []).map((m) => toDirectoryUser(m as SlackUser, labels)),
        ...(next ? { nextCursor: next } : {}),
      };
    },

    async getUser(workspace, userId) {
      const token = await botTokenFor(workspace);
      try {
        const [res, labels] = await Promise.all([
          api.client(token).users.info({ user: userId }),
          labelsFor(workspace.externalId, token),
        ]);
        return res.user ? toDirectoryUser(res.user as SlackUser, labels) : undefined;
      } catch (err) {
        if ((err as { data?: { error?: string } }).data?.error === 'user_not_found') return undefined;
        throw toAdapterError('users.info', err);
      }
    },

    async addMember(workspace, conversationId, userId, role) {
      const token = await botTokenFor(workspace);
      if (role === 'manager') {
        // Standard Slack plans have no API to make someone a channel manager: they are added as a member.
        log.info({ workspace: workspace.externalId, conversationId }, 'slack has no channel-manager API; adding as member');
      }
      try {
        await api.client(token).conversations.invite({ channel: conversationId, users: userId });
        return 'added';
      } catch (err) {
        const slackError = (err as { data?: { error?: string } }).data?.error;
        if (slackError === 'already_in_channel') return 'already_member';
        throw toAdapterError('conversations.invite', err);
      }
    },

    authorizeUrl(params) {
      if (!slack.clientId) throw new AdapterError(AdapterErrorCode.NotSupported, 'SLACK_CLIENT_ID is not set: user sync on Slack needs the OAuth app');
      return buildUserAuthorizeUrl({
        apiUrl: slack.apiUrl,
        clientId: slack.clientId,
        state: params.state,
        redirectUri: params.redirectUri,
        userScopes: shared.userScopes ?? USER_SCOPES,
      });
    },

    async exchangeCode(params) {
      if (!slack.clientId || !slack.clientSecret) {
        throw new AdapterError(AdapterErrorCode.NotSupported, 'SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are needed for user sync');
      }
      return exchangeUserCode(api, { clientId: slack.clientId, clientSecret: slack.clientSecret, code: params.code, redirectUri: params.redirectUri });
    },

    checkUserToken: (_workspace, accessToken) => checkSlackUserToken(slack, policy, accessToken),

    async checkHealth(workspace): Promise<HealthReport> {
      const notes = ['event subscriptions live in the app configuration; Slack has no API to read them'];
      let token: string;
      try {
        token = await botTokenFor(workspace);
      } catch (err) {
        return { tokenValid: false, botPresent: false, scopesGranted: false, webhooksRegistered: 'unknown', missingScopes: BOT_SCOPES, detail: (err as Error).message };
      }
      try {
        const res = await api.call('auth.test', () => api.client(token).auth.test());
        const granted = res.response_metadata?.scopes ?? [];
        const missingScopes = BOT_SCOPES.filter((s) => !granted.includes(s));
        return {
          tokenValid: true,
          botPresent: Boolean(res.bot_id),
          scopesGranted: missingScopes.length === 0,
          webhooksRegistered: 'unknown',
          missingScopes,
          detail: notes.join('; '),
        };
      } catch (err) {
        if (err instanceof AdapterError && err.code === AdapterErrorCode.InvalidToken) {
          return { tokenValid: false, botPresent: false, scopesGranted: false, webhooksRegistered: 'unknown', missingScopes: BOT_SCOPES, detail: err.message };
        }
        throw err;
      }
    },
  };
}
