/**
 * The Zoom Team Chat adapter: `POST /zoom/webhook` (signed events), the Zoom App page, and
 * outbound chatbot messages, user messages, users, channel members, OAuth and health.
 *
 * Conversation ids (see also `parse.ts`):
 * - as the bot, a conversation is a JID: `openDirect` gives the user's JID (Zoom's JID is the
 *   lower-cased user id at the bot's XMPP domain), a channel is its `…@conference.…` JID;
 * - as a user, a conversation is the other person's user id (or email), or a channel id/JID.
 */
import type { AppConfig } from '../../src/config.js';
import { createHash } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import {
  AdapterError,
  AdapterErrorCode,
  notSupported,
  PLATFORM_NAMES,
  type AdapterDeps,
  type AuthorizeParams,
  type Button,
  type ChatAdapter,
  type ConversationTarget,
  type DirectoryPage,
  type DirectoryUser,
  type ExchangeParams,
  type HealthReport,
  type InboundEvent,
  type MessageRef,
  type OutboundMessage,
  type SendAs,
  type UserGrant,
  type WorkspaceRef,
} from '../../src/chat-adapter.js';
import { ZOOM as ZOOM_SCOPES } from '../../manifests/source.js';
import { OutboundPolicy, type OutboundPolicyOptions } from '../../src/outbound.js';
import { ZoomApi, type ZoomApiUser, type ZoomCardContent } from './api.js';
import { mountZoomAppPage, type ZoomAppPageParams } from './app-page.js';
import { neutralToUserMessage, neutralToZoomMarkdown, userMessageToNeutral, zoomMarkdownToNeutral } from './format.js';
import { exchangeZoomCode, refreshZoomUserToken, zoomAuthorizeUrl } from './oauth.js';
import { bareJid, encodeActionValue, isChannelJid, parseZoomEvent, type ZoomReplyTarget } from './parse.js';
import { urlValidationResponse, verifyZoomSignature } from './verify.js';
import { zoomMembers } from './members.js';
import { zoomReadBack } from './read-back.js';
import { checkZoomUserToken } from './user-token.js';

/** Options beyond `AdapterDeps`. */
export interface ZoomAdapterOptions {
  policy?: OutboundPolicyOptions;
  /** Parameters of the Zoom App page for one request; default reads `state` and `code_challenge` from the query. */
  appPage?: (req: Request) => Promise<ZoomAppPageParams | undefined> | ZoomAppPageParams | undefined;
  now?: () => number;
}

/** The Zoom adapter, with Zoom-only extras next to the `ChatAdapter` contract. */
export interface ZoomAdapter extends ChatAdapter {
  /** Refreshes a user token (Zoom rotates the refresh token; store the new one). */
  refreshUserToken(refreshToken: string): Promise<UserGrant>;
}

const USERS_PAGE_SIZE = 300;
const REQUIRED_ACCOUNT_SCOPES: readonly string[] = ZOOM_SCOPES.s2sScopes;
const SENT_KEY = (messageId: string) => `sent-user-message:${messageId}`;
/** Zoom may announce a user message before the send call returns its id, so sends are also keyed by content. */
const PENDING_KEY = (contact: string, neutralText: string) =>
  `pending-user-send:${createHash('sha256').update(`${contact.toLowerCase()}\n${neutralText}`).digest('base64url')}`;

/** Creates the Zoom adapter. */
export function createZoomAdapter(deps: AdapterDeps<AppConfig['zoom']>, options: ZoomAdapterOptions = {}): ZoomAdapter {
  const { settings: zoom, log, sink, store, workspaces } = deps;
  const now = options.now ?? Date.now;
  const policy = new OutboundPolicy('zoom', options.policy);
  const api = new ZoomApi({
    apiUrl: zoom.apiUrl,
    oauthUrl: zoom.oauthUrl,
    defaults: { clientId: zoom.clientId, clientSecret: zoom.clientSecret, botJid: zoom.botJid },
    s2s: zoom.s2s,
    policy,
    log,
    now,
  });

  const appCreds = () => {
    if (!zoom.clientId || !zoom.clientSecret) throw new AdapterError(AdapterErrorCode.NotSupported, 'zoom: ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET are not set');
    return { clientId: zoom.clientId, clientSecret: zoom.clientSecret };
  };

  const workspaceFor = async (accountId: string): Promise<WorkspaceRef> =>
    (await workspaces.get('zoom', accountId)) ?? { externalId: accountId, credentials: {} };

  const jidDomain = (workspace: WorkspaceRef) => api.credentials(workspace).botJid.split('@')[1] ?? 'xmpp.zoom.us';

  /** A bot conversation id as a JID: user ids become user JIDs. */
  const toBotJid = (workspace: WorkspaceRef, conversationId: string) =>
    conversationId.includes('@') ? bareJid(conversationId) : `${conversationId.toLowerCase()}@${jidDomain(workspace)}`;

  /** A user conversation id as Zoom's `to_contact`/`to_channel`. */
  const toUserTarget = (conversationId: string): { to_contact?: string; to_channel?: string } => {
    if (isChannelJid(conversationId)) return { to_channel: conversationId.split('@')[0]! };
    if (/@xmpp\./.test(conversationId)) {
      throw new AdapterError(AdapterErrorCode.BadRequest, 'zoom: a user message needs a user id or email, not a JID');
    }
    return { to_contact: conversationId };
  };

  const card = (message: OutboundMessage, as: SendAs): ZoomCardContent => {
    const body: ZoomCardContent['body'] = [];
    if (message.text) body.push({ type: 'message', text: neutralToZoomMarkdown(message.text) });
    const actions = (message.buttons ?? []).filter((b) => b.actionId);
    for (const link of (message.buttons ?? []).filter((b) => b.url && !b.actionId)) {
      body.push({ type: 'message', text: link.label, link: link.url });
    }
    if (actions.length) {
      body.push({ type: 'actions', items: actions.map((b: Button) => ({ text: b.label, value: encodeActionValue(b.actionId!, b.value), style: b.style === 'danger' ? 'Danger' : b.style === 'primary' ? 'Primary' : 'Default' })) });
    }
    const content: ZoomCardContent = { body };
    if (as.kind === 'bot' && as.displayName) {
      content.head = { text: as.displayName };
      if (as.fromPlatform) content.head.sub_head = { text: `via ${PLATFORM_NAMES[as.fromPlatform]}` };
    }
    if (!content.head && body.length === 0) body.push({ type: 'message', text: ' ' });
    return content;
  };

  const sendReply = async (target: ZoomReplyTarget, message: OutboundMessage) => {
    const workspace = await workspaceFor(target.accountId);
    await api.sendBotMessage(workspace, {
      toJid: target.toJid,
      content: card(message, { kind: 'bot' }),
      visibleToUser: target.visibleToUser,
    });
  };

  const webhook = async (req: Request, res: Response) => {
    const secret = zoom.webhookSecretToken;
    if (!secret) {
      log.error('zoom webhook received but ZOOM_WEBHOOK_SECRET_TOKEN is not set');
      res.status(503).json({ error: 'not configured' });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifyZoomSignature({
      rawBody: raw,
      signature: req.header('x-zm-signature'),
      timestamp: req.header('x-zm-request-timestamp'),
      secret,
      nowSeconds: Math.floor(now() / 1000),
    });
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason }, 'zoom webhook refused');
      res.status(401).json({ error: 'invalid signature' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'invalid JSON' });
      return;
    }
    const parsed = parseZoomEvent(body);
    if (parsed.kind === 'url_validation') {
      res.status(200).json(urlValidationResponse(parsed.plainToken, secret));
      return;
    }
    if (parsed.kind === 'ignored') {
      log.debug({ reason: parsed.reason }, 'zoom event ignored');
      res.status(200).json({});
      return;
    }
    const event = parsed.event;
    if (await isOwnUserMessage(event)) {
      res.status(200).json({});
      return;
    }
    let result;
    try {
      result = await sink.handle(event);
    } catch (err) {
      log.error({ err, eventId: event.eventId }, 'zoom event could not be recorded');
      res.status(500).json({ error: 'not recorded' });
      return;
    }
    res.status(200).json({});
    if (result.reply && parsed.reply) {
      sendReply(parsed.reply, result.reply).catch((err: unknown) => log.error({ err, eventId: event.eventId }, 'zoom reply failed'));
    }
  };

  /** Messages Crosstalk posted with a person's token come back as their DM events; they are not relayed again. */
  const isOwnUserMessage = async (event: InboundEvent): Promise<boolean> => {
    if (event.kind !== 'message' && event.kind !== 'message_edited' && event.kind !== 'message_deleted') return false;
    if (await store.get<boolean>('zoom', event.workspaceId, SENT_KEY(event.messageId))) return true;
    if (event.kind !== 'message') return false;
    return Boolean(await store.get<boolean>('zoom', event.workspaceId, PENDING_KEY(event.conversationId, event.text)));
  };

  const defaultAppPage = (req: Request): ZoomAppPageParams | undefined => {
    const state = typeof req.query.state === 'string' ? req.query.state : undefined;
    const codeChallenge = typeof req.query.code_challenge === 'string' ? req.query.code_challenge : undefined;
    if (!state || !codeChallenge || !zoom.clientId) return undefined;
    const callbackUrl = `${deps.publicUrl}/oauth/zoom/callback`;
    return { state, codeChallenge, callbackUrl, authorizeUrl: zoomAuthorizeUrl(zoom.oauthUrl, zoom.clientId, { state, codeChallenge, redirectUri: callbackUrl }) };
  };

  const toDirectoryUser = (u: ZoomApiUser): DirectoryUser => ({
    userId: u.id,
    email: u.email?.toLowerCase() || undefined,
    name: u.display_name || [u.first_name, u.last_name].filter(Boolean).join(' ') || u.email || u.id,
    deactivated: u.status === 'inactive',
    isBot: false,
    ...(u.location ? { buildings: [u.location] } : {}),
    ...(u.dept ? { department: u.dept } : {}),
    ...(u.pic_url ? { avatarUrl: u.pic_url } : {}),
  });

  return {
    platform: 'zoom',
    ...zoomMembers(api, log),

    userOAuth: Boolean(zoom.clientId && zoom.clientSecret),
    // Zoom Team Chat "Send a chat message": `message` of at most 4,096 characters (developers.zoom.us/docs/api/team-chat/).
    capabilities: { threads: true, edits: true, deletes: true, reactions: false, managerRole: 'admin', postAsUser: true, maxTextLength: 4_096, userLookup: false, tokenRefresh: true },
    async react(): Promise<void> {
      return notSupported('zoom', 'reactions from a chatbot');
    },
    async getUser(): Promise<DirectoryUser | undefined> {
      return notSupported('zoom', 'looking up one user');
    },

    async configuredWorkspaces() {
      // The Zoom account the app is installed on (ZOOM_ACCOUNT_ID); events carry the same accountId.
      if (!zoom.accountId) return [];
      return [{ externalId: zoom.accountId, name: 'Zoom', credentials: {} }];
    },

    mount(router: Router) {
      router.post('/zoom/webhook', express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
        webhook(req, res).catch(next);
      });
      mountZoomAppPage(router, options.appPage ?? defaultAppPage);
    },

    async openDirect(workspace, userId, as) {
      // A user message addresses the contact by id; the chatbot addresses their JID.
      return as?.kind === 'user' ? userId : toBotJid(workspace, userId);
    },

    async send(target: ConversationTarget, message: OutboundMessage, as: SendAs): Promise<MessageRef> {
      const { workspace, conversationId } = target;
      if (as.kind === 'user') {
        const target = toUserTarget(conversationId);
        const body = { ...neutralToUserMessage(message.text), ...target, ...(message.threadId ? { reply_main_message_id: message.threadId } : {}) };
        const pending = target.to_contact ? PENDING_KEY(target.to_contact, userMessageToNeutral(body.message, body.rich_text)) : undefined;
        if (pending) await store.set('zoom', workspace.externalId, pending, true);
        try {
          const { id } = await api.sendUserMessage(workspace.externalId, as.accessToken, body, Boolean(message.relayTag));
          await store.set('zoom', workspace.externalId, SENT_KEY(id), true);
          return { workspace, conversationId, messageId: id };
        } finally {
          if (pending) await store.delete('zoom', workspace.externalId, pending);
        }
      }
      const toJid = toBotJid(workspace, conversationId);
      const { message_id } = await api.sendBotMessage(workspace, {
        toJid,
        content: card(message, as),
        replyTo: message.threadId,
      });
      return { workspace, conversationId, messageId: message_id };
    },

    findRelayedCopy: zoomReadBack(api, toUserTarget),

    async update(ref: MessageRef, message: OutboundMessage, as: SendAs) {
      if (as.kind === 'user') {
        await api.editUserMessage(ref.workspace.externalId, as.accessToken, ref.messageId, { ...neutralToUserMessage(message.text), ...toUserTarget(ref.conversationId) });
        return;
      }
      const toJid = toBotJid(ref.workspace, ref.conversationId);
      await api.editBotMessage(ref.workspace, ref.messageId, { content: card(message, as), userJid: isChannelJid(toJid) ? undefined : toJid });
    },

    async delete(ref: MessageRef, as: SendAs) {
      if (as.kind === 'user') {
        await api.deleteUserMessage(ref.workspace.externalId, as.accessToken, ref.messageId, toUserTarget(ref.conversationId));
        return;
      }
      const toJid = toBotJid(ref.workspace, ref.conversationId);
      await api.deleteBotMessage(ref.workspace, ref.messageId, isChannelJid(toJid) ? undefined : toJid);
    },

    /** Active users first, then deactivated ones (Zoom lists them separately); the cursor says which. */
    async listUsers(workspace, cursor): Promise<DirectoryPage> {
      let status: 'active' | 'inactive' = 'active';
      let token: string | undefined;
      if (cursor) {
        const decoded = /^(active|inactive):(.*)$/s.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (!decoded) throw new AdapterError(AdapterErrorCode.BadRequest, 'zoom: invalid directory cursor');
        status = decoded[1] as 'active' | 'inactive';
        token = decoded[2] || undefined;
      }
      const page = await api.listUsers(workspace, { status, pageSize: USERS_PAGE_SIZE, nextPageToken: token });
      const users = (page.users ?? []).map(toDirectoryUser);
      let next: string | undefined;
      if (page.next_page_token) next = `${status}:${page.next_page_token}`;
      else if (status === 'active') next = 'inactive:';
      return { users, ...(next ? { nextCursor: Buffer.from(next).toString('base64url') } : {}) };
    },

    authorizeUrl(params: AuthorizeParams) {
      return zoomAuthorizeUrl(zoom.oauthUrl, appCreds().clientId, params);
    },

    async exchangeCode(params: ExchangeParams) {
      return exchangeZoomCode(api, appCreds(), params, now);
    },

    async refreshUserToken(refreshToken: string) {
      return refreshZoomUserToken(api, appCreds(), refreshToken, now);
    },

    checkUserToken: (_workspace, accessToken) => checkZoomUserToken(zoom, accessToken),

    async checkHealth(workspace): Promise<HealthReport> {
      const missing: string[] = [];
      const problems: string[] = [];
      let tokenValid = true;
      try {
        const bot = await api.botToken(workspace, true);
        if (!bot.scopes.includes('imchat:bot')) missing.push('imchat:bot');
      } catch (err) {
        tokenValid = false;
        problems.push(`chatbot token: ${(err as Error).message}`);
      }
      try {
        const account = await api.accountToken(workspace, true);
        for (const s of REQUIRED_ACCOUNT_SCOPES) if (!account.scopes.includes(s)) missing.push(s);
      } catch (err) {
        // Without a Server-to-Server OAuth app the chatbot still works; the report says what does not.
        if (err instanceof AdapterError && err.code === AdapterErrorCode.NotSupported) {
          missing.push(...REQUIRED_ACCOUNT_SCOPES);
          problems.push(err.message);
        } else {
          tokenValid = false;
          problems.push(`account token: ${(err as Error).message}`);
        }
      }
      let botPresent = false;
      try {
        botPresent = Boolean(api.credentials(workspace).botJid);
      } catch {
        botPresent = false;
      }
      // Event subscriptions live in the Zoom Marketplace app page; no API reads them back.
      return { tokenValid, botPresent, scopesGranted: tokenValid && missing.length === 0, webhooksRegistered: 'unknown', missingScopes: missing, detail: problems.join('; ') || undefined };
    },

    toNeutral(platformText: string) {
      return zoomMarkdownToNeutral(platformText);
    },

    fromNeutral(neutralText: string) {
      return neutralToZoomMarkdown(neutralText);
    },
  };
}
