/**
 * The Zoom adapter's outbound half: chatbot messages (cards, with the app's token) and user
 * messages (with a person's own token), users, channel members, OAuth and the health check.
 *
 * Conversation ids (see also `parse.ts`):
 * - as the bot, a conversation is a JID: `openDirect` gives the user's JID (Zoom's JID is the
 *   lower-cased user id at the bot's XMPP domain), a channel is its `…@conference.…` JID;
 * - as a user, a conversation is the other person's user id (or email), or a channel id/JID.
 */
import {
  AdapterError,
  AdapterErrorCode,
  notSupported,
  PLATFORM_NAMES,
  type AuthorizeParams,
  type Button,
  type ConversationTarget,
  type DirectoryPage,
  type DirectoryUser,
  type ExchangeParams,
  type HealthReport,
  type MessageRef,
  type OutboundMessage,
  type SendAs,
  type WorkspaceRef,
} from '../../src/chat-adapter.js';
import { ZOOM as ZOOM_SCOPES } from '../../manifests/source.js';
import type { ZoomApiUser, ZoomCardContent } from './api.js';
import { neutralToUserMessage, neutralToZoomMarkdown, userMessageToNeutral } from './format.js';
import type { ZoomAdapter } from './index.js';
import { zoomMembers } from './members.js';
import { exchangeZoomCode, refreshZoomUserToken, zoomAuthorizeUrl } from './oauth.js';
import { bareJid, encodeActionValue, isChannelJid, type ZoomReplyTarget } from './parse.js';
import { zoomReadBack } from './read-back.js';
import { PENDING_KEY, SENT_KEY, type ZoomShared } from './shared.js';
import { checkZoomUserToken } from './user-token.js';

/** Everything of the `ZoomAdapter` that talks to Zoom rather than listens to it. */
export type ZoomOutbound = Omit<ZoomAdapter, 'platform' | 'capabilities' | 'userOAuth' | 'mount' | 'toNeutral'>;

const USERS_PAGE_SIZE = 300;
const REQUIRED_ACCOUNT_SCOPES: readonly string[] = ZOOM_SCOPES.s2sScopes;

/** A user conversation id as Zoom's `to_contact`/`to_channel`. */
function toUserTarget(conversationId: string): { to_contact?: string; to_channel?: string } {
  if (isChannelJid(conversationId)) return { to_channel: conversationId.split('@')[0]! };
  if (/@xmpp\./.test(conversationId)) {
    throw new AdapterError(AdapterErrorCode.BadRequest, 'zoom: a user message needs a user id or email, not a JID');
  }
  return { to_contact: conversationId };
}

/** A neutral message as a chatbot card: text, links, buttons, and the poster's name in the head. */
function card(message: OutboundMessage, as: SendAs): ZoomCardContent {
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
}

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

/** Posts the core's answer to an inbound event as a chatbot card (to one person when Zoom said so). */
export function zoomReply({ deps, api }: ZoomShared): (target: ZoomReplyTarget, message: OutboundMessage) => Promise<void> {
  return async (target, message) => {
    const workspace = (await deps.workspaces.get('zoom', target.accountId)) ?? { externalId: target.accountId, credentials: {} };
    await api.sendBotMessage(workspace, {
      toJid: target.toJid,
      content: card(message, { kind: 'bot' }),
      visibleToUser: target.visibleToUser,
    });
  };
}

/** The outbound methods of the Zoom adapter. */
export function zoomOutbound({ deps, now, api }: ZoomShared): ZoomOutbound {
  const { settings: zoom, log, store } = deps;

  const appCreds = () => {
    if (!zoom.clientId || !zoom.clientSecret) throw new AdapterError(AdapterErrorCode.NotSupported, 'zoom: ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET are not set');
    return { clientId: zoom.clientId, clientSecret: zoom.clientSecret };
  };

  const jidDomain = (workspace: WorkspaceRef) => api.credentials(workspace).botJid.split('@')[1] ?? 'xmpp.zoom.us';

  /** A bot conversation id as a JID: user ids become user JIDs. */
  const toBotJid = (workspace: WorkspaceRef, conversationId: string) =>
    conversationId.includes('@') ? bareJid(conversationId) : `${conversationId.toLowerCase()}@${jidDomain(workspace)}`;

  return {
    ...zoomMembers(api, log),

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

    checkUserToken: (_workspace, accessToken) => checkZoomUserToken(api, accessToken),

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

    fromNeutral(neutralText: string) {
      return neutralToZoomMarkdown(neutralText);
    },
  };
}
