/**
 * The Slack adapter: Bolt's `ExpressReceiver` for events, slash commands and interactivity (plus
 * the workspace install routes when client credentials are set), every request verified before
 * Bolt sees it, normalized and handed to the core before the acknowledgement goes out; outbound
 * work through `@slack/web-api`.
 */
import type { AppConfig } from '../../src/config.js';
import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { App, ExpressReceiver, type AllMiddlewareArgs, type AnyMiddlewareArgs, type Authorize } from '@slack/bolt';
import { checkSlackUserToken } from './user-token.js';
import type { RetryOptions } from '@slack/web-api';
import {
  AdapterError,
  AdapterErrorCode,
  notSupported,
  PLATFORM_SHORT_NAMES,
  UserGrant,
  type AdapterDeps,
  type ChatAdapter,
  type ConversationTarget,
  type DirectoryPage,
  type HealthReport,
  type InboundEvent,
  type MessageRef,
  type OutboundMessage,
  type SendAs,
  type WorkspaceRef,
} from '../../src/chat-adapter.js';
import { SlackApi, toAdapterError } from './api.js';
import { toSlackMessage } from './blocks.js';
import { neutralToSlack, slackToNeutral } from './format.js';
import { toBoltLogger } from './logger.js';
import { reactOnSlack } from './reactions.js';
import { relayMetadata, slackReadBack } from './read-back.js';
import {
  BOT_SCOPES,
  USER_SCOPES,
  authorizeEndpoint,
  buildUserAuthorizeUrl,
  createBotResolver,
  createInstallationStore,
  exchangeUserCode,
} from './oauth.js';
import { parseBlockActions, parseEventEnvelope, parseSlashCommand, toDirectoryUser, type SlackUser } from './parse.js';
import { verifySlackRequest } from './verify.js';
import { slackMembers } from './members.js';

/** Inbound paths (the design's HTTP contract). */
export const SLACK_PATHS = { events: '/slack/events', commands: '/slack/commands', interactions: '/slack/interactions' } as const;

/** Tunables; tests shrink the retry policy so a 429 with `Retry-After: 1` resolves in about a second. */
export interface SlackAdapterOptions {
  retryConfig?: RetryOptions;
  timeoutMs?: number;
  userScopes?: string[];
  /** Request body limit for inbound routes. */
  bodyLimit?: string;
}

const USERNAME_LIMIT = 80;
const FIELD_LABEL_TTL_MS = 60 * 60_000;

type Args = AnyMiddlewareArgs & AllMiddlewareArgs;

/** Creates the Slack adapter. */
export function createSlackAdapter(deps: AdapterDeps<AppConfig['slack']>, options: SlackAdapterOptions = {}): ChatAdapter {
  const { settings: slack, log } = deps;
  const signingSecret = slack.signingSecret;
  if (!signingSecret) throw new Error('SLACK_SIGNING_SECRET is required to run the Slack adapter');

  const api = new SlackApi({ apiUrl: slack.apiUrl, retryConfig: options.retryConfig, timeoutMs: options.timeoutMs, log });
  const resolveBot = createBotResolver(deps, api);
  const boltLogger = toBoltLogger(log);
  const useOAuth = Boolean(slack.clientId && slack.clientSecret);
  const publicUrl = deps.publicUrl;

  const receiver = new ExpressReceiver({
    signingSecret,
    endpoints: { ...SLACK_PATHS },
    processBeforeResponse: true,
    logger: boltLogger,
    ...(useOAuth
      ? {
          clientId: slack.clientId,
          clientSecret: slack.clientSecret,
          // Signs the install `state`; derived so no extra setting is needed, never the secret itself.
          stateSecret: createHash('sha256').update(`crosstalk-slack-state:${slack.clientSecret}`).digest('hex'),
          scopes: BOT_SCOPES,
          redirectUri: `${publicUrl}/slack/oauth_redirect`,
          installationStore: createInstallationStore(deps, resolveBot),
          installerOptions: {
            directInstall: true,
            installPath: '/slack/install',
            redirectUriPath: '/slack/oauth_redirect',
            authorizationUrl: authorizeEndpoint(slack.apiUrl),
            clientOptions: api.clientOptions,
            stateVerification: true,
          },
        }
      : {}),
  });

  const authorize: Authorize<boolean> = async (source) => {
    const bot = source.teamId ? await resolveBot(source.teamId) : undefined;
    if (!bot) throw new Error(`unknown Slack workspace ${source.teamId ?? '(none)'}`);
    return { teamId: bot.teamId, botToken: bot.token, botUserId: bot.userId, botId: bot.botId };
  };

  const app = new App({
    receiver,
    logger: boltLogger,
    clientOptions: api.clientOptions,
    ...(useOAuth ? {} : { authorize }),
  });

  const fieldLabels = new Map<string, { at: number; labels: Promise<Map<string, string>> }>();
  function labelsFor(teamId: string, token: string): Promise<Map<string, string>> {
    const cached = fieldLabels.get(teamId);
    if (cached && Date.now() - cached.at < FIELD_LABEL_TTL_MS) return cached.labels;
    const labels = api
      .call('team.profile.get', () => api.client(token).team.profile.get())
      .then((r) => new Map((r.profile?.fields ?? []).map((f) => [f.id ?? '', f.label ?? ''] as [string, string])))
      .catch((err: unknown) => {
        log.warn({ teamId, err: (err as Error).message }, 'slack custom profile fields unavailable');
        return new Map<string, string>();
      });
    fieldLabels.set(teamId, { at: Date.now(), labels });
    return labels;
  }

  async function botTokenFor(workspace: WorkspaceRef): Promise<string> {
    const token = workspace.credentials.botToken ?? (await resolveBot(workspace.externalId))?.token;
    if (!token) throw new AdapterError(AdapterErrorCode.InvalidToken, `no Slack bot token for workspace ${workspace.externalId}`);
    return token;
  }

  async function tokenFor(workspace: WorkspaceRef, as: SendAs): Promise<string> {
    return as.kind === 'user' ? as.accessToken : botTokenFor(workspace);
  }

  app.use(async (args: Args) => {
    const body = args.body as Record<string, unknown>;
    const { context } = args;
    const ack = 'ack' in args ? (args.ack as (response?: unknown) => Promise<void>) : undefined;
    const respond = 'respond' in args ? (args.respond as ((message: Record<string, unknown>) => Promise<unknown>) | undefined) : undefined;

    let event: InboundEvent | undefined;
    if (body.type === 'event_callback') {
      const inner = body.event as { type?: string } | undefined;
      const labels = inner?.type === 'user_change' && context.botToken ? await labelsFor(String(context.teamId), context.botToken) : undefined;
      event = parseEventEnvelope(body, { botUserId: context.botUserId, botId: context.botId, fieldLabels: labels });
    } else if (typeof body.command === 'string') {
      event = parseSlashCommand(body);
    } else if (body.type === 'block_actions') {
      event = parseBlockActions(body);
    }
    if (!event) {
      await ack?.();
      return;
    }

    if (event.kind === 'command') {
      try {
        const result = await deps.sink.handle(event);
        await ack!(result.reply ? { response_type: 'ephemeral', ...toSlackMessage(result.reply) } : undefined);
      } catch (err) {
        log.error({ err, eventId: event.eventId }, 'slack command failed');
        await ack!({ response_type: 'ephemeral', text: 'Sorry, Crosstalk could not run that command just now. Please try again.' });
      }
      return;
    }

    // Events API: an error here becomes a 500, so Slack retries with the same event_id.
    const result = await deps.sink.handle(event);
    await ack?.();
    const reply = result.reply;
    if (!reply) return;
    if (event.kind === 'action' && respond) {
      await respond({ response_type: 'ephemeral', replace_original: false, ...toSlackMessage(reply) }).catch((err: unknown) =>
        log.warn({ err: (err as Error).message }, 'slack respond() failed'),
      );
      return;
    }
    if (event.conversationId && context.botToken) {
      const token = context.botToken;
      const channel = event.conversationId;
      void api
        .call('chat.postMessage', () => api.client(token).chat.postMessage({ channel, ...toSlackMessage(reply) }))
        .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'slack reply failed'));
    }
  });

  app.error(async (err) => {
    log.error({ err: err.message, code: err.code }, 'slack inbound handling failed');
    throw err;
  });

  const readRaw = express.raw({ type: () => true, limit: options.bodyLimit ?? '1mb' });
  const verifyFirst = (req: Request, res: Response, next: NextFunction) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifySlackRequest({
      signingSecret,
      rawBody: raw,
      timestamp: req.get('x-slack-request-timestamp'),
      signature: req.get('x-slack-signature'),
    });
    if (!verdict.ok) {
      log.warn({ path: req.path, reason: verdict.reason }, 'slack request refused');
      res.status(401).end();
      return;
    }
    (req as Request & { rawBody?: Buffer }).rawBody = raw;
    next();
  };

  return {
    platform: 'slack',
    ...slackMembers(api, botTokenFor),
    userOAuth: useOAuth,
    // chat.postMessage truncates `text` at 40,000 characters (docs.slack.dev/reference/methods/chat.postMessage).
    capabilities: { threads: true, edits: true, deletes: true, reactions: true, postAsUser: true, maxTextLength: 40_000, userLookup: true, tokenRefresh: false },
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

    mount(router: Router) {
      router.post(Object.values(SLACK_PATHS), readRaw, verifyFirst);
      router.use(receiver.router);
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
        userScopes: options.userScopes ?? USER_SCOPES,
      });
    },

    async exchangeCode(params) {
      if (!slack.clientId || !slack.clientSecret) {
        throw new AdapterError(AdapterErrorCode.NotSupported, 'SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are needed for user sync');
      }
      return exchangeUserCode(api, { clientId: slack.clientId, clientSecret: slack.clientSecret, code: params.code, redirectUri: params.redirectUri });
    },

    checkUserToken: (_workspace, accessToken) => checkSlackUserToken(slack, accessToken),

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

    toNeutral: slackToNeutral,
    fromNeutral: neutralToSlack,
  };
}
