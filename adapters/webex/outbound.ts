/**
 * Webex outbound: posting, editing and deleting as the bot (through the framework's SDK) or as a
 * person (straight to REST with their token), the directory, members, health and user OAuth.
 */
import type { AppConfig } from '../../src/config.js';
import type {
  AdapterDeps,
  AuthorizeParams,
  ChatAdapter,
  ConversationTarget,
  DirectoryPage,
  DirectoryUser,
  ExchangeParams,
  HealthReport,
  MessageRef,
  OutboundMessage,
  SendAs,
  UserGrant,
  WorkspaceRef,
} from '../../src/chat-adapter.js';
import { AdapterError, AdapterErrorCode, notSupported } from '../../src/chat-adapter.js';
import type { OutboundPolicy, RunOptions } from '../../src/outbound.js';
import { DIRECT_PREFIX, composeMessage, destination, type WebexApi, type WebexResponse } from './api.js';
import { webexMembers } from './members.js';
import { buildAuthorizeUrl, exchangeAuthorizationCode, refreshUserToken } from './oauth.js';
import { webexReadBack } from './read-back.js';
import type { BotSession } from './sdk.js';
import { checkWebexUserToken } from './user-token.js';

/** What the outbound half needs from the adapter's shared pieces. */
export interface WebexOutboundShared {
  /** The REST base URL without a trailing slash. */
  apiUrl: string;
  policy: OutboundPolicy;
  api: WebexApi;
  /** The bot session for a workspace (the configured bot without one). */
  session(workspace?: WorkspaceRef): Promise<BotSession>;
  /** Records the 1:1 room Webex opened for a person, so later messages go to it. */
  rememberDirectRoom(workspaceId: string, personId: string, roomId: string): Promise<void>;
  /** Where the webhooks should point (the health check compares). */
  webhookUrl(): string;
  /** People per directory page (Webex allows up to 1000). */
  directoryPageSize?: number;
}

/** The `ChatAdapter` methods that call Webex. */
export type WebexOutbound = Omit<ChatAdapter, 'platform' | 'capabilities' | 'userOAuth' | 'mount' | 'start' | 'stop' | 'toNeutral' | 'fromNeutral'>;

interface WebexPerson {
  id: string;
  emails?: string[];
  displayName?: string;
  avatar?: string;
  type?: string;
  orgId?: string;
  loginEnabled?: boolean;
  department?: string;
  addresses?: Array<{ type?: string; locality?: string; streetAddress?: string }>;
}

interface WebexWebhook {
  id: string;
  targetUrl: string;
  resource: string;
  event: string;
  status: string;
}

/** Builds the outbound half of the Webex adapter. */
export function createWebexOutbound(deps: AdapterDeps<AppConfig['webex']>, shared: WebexOutboundShared): WebexOutbound {
  const { settings: cfg, store } = deps;
  const { apiUrl, policy, api, session, rememberDirectRoom, webhookUrl } = shared;
  const pageSize = shared.directoryPageSize ?? 100;

  async function viaBotOrUser<T>(
    workspace: WorkspaceRef,
    as: SendAs,
    what: string,
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    resource: string,
    body?: unknown,
    options: RunOptions = {},
  ): Promise<T> {
    if (as.kind === 'user') return (await api.withToken<T>(as.accessToken, what, method, resource, body, options)).body;
    const s = await session(workspace);
    return (await api.asBot<T>(s, what, { method, resource, body }, options)).body;
  }

  /** Directory without an admin token: the members of the bot's spaces, one page of spaces at a time. */
  async function listSpaceMembers(workspace: WorkspaceRef, cursor?: string): Promise<DirectoryPage> {
    const s = await session(workspace);
    const roomsUri = cursor?.startsWith(SPACES_CURSOR) ? cursor.slice(SPACES_CURSOR.length) : `${apiUrl}/rooms?max=${pageSize}`;
    const rooms = await api.asBot<{ items: Array<{ id: string }> }>(s, 'rooms.list', { uri: roomsUri });
    const ids = new Set<string>();
    for (const room of rooms.body.items ?? []) {
      let uri: string | undefined = `${apiUrl}/memberships?roomId=${encodeURIComponent(room.id)}&max=100`;
      while (uri) {
        const page: WebexResponse<{ items: Array<{ personId: string }> }> = await api.asBot(s, 'memberships.list', { uri });
        for (const m of page.body.items ?? []) ids.add(m.personId);
        uri = nextLink(page.headers.link);
      }
    }
    const users: DirectoryUser[] = [];
    const all = [...ids];
    // Anyone may list people by id, up to 85 ids a call.
    for (let i = 0; i < all.length; i += PEOPLE_BY_ID) {
      const chunk = all.slice(i, i + PEOPLE_BY_ID).map(encodeURIComponent).join(',');
      const res = await api.asBot<{ items: WebexPerson[] }>(s, 'people.list', { uri: `${apiUrl}/people?id=${chunk}` });
      users.push(...(res.body.items ?? []).map(toDirectoryUser).filter((u) => !u.isBot));
    }
    const next = nextLink(rooms.headers.link);
    return { users, ...(next ? { nextCursor: `${SPACES_CURSOR}${next}` } : {}) };
  }

  return {
    ...webexMembers(api, apiUrl, session),
    async react(): Promise<void> {
      return notSupported('webex', 'reactions through the API');
    },
    async getUser(): Promise<DirectoryUser | undefined> {
      return notSupported('webex', 'looking up one user');
    },

    async configuredWorkspaces() {
      // The bot's own person record names its organization (GET /people/me → orgId).
      if (!cfg.botToken) return [];
      const s = await session();
      const me = await api.asBot<WebexPerson>(s, 'people.me', { resource: 'people/me' });
      const orgId = me.body.orgId;
      if (!orgId) throw new AdapterError(AdapterErrorCode.InvalidToken, 'webex people/me returned no orgId for WEBEX_BOT_TOKEN');
      let name = 'Webex';
      try {
        const org = await api.asBot<{ displayName?: string }>(s, 'organizations.get', { resource: `organizations/${encodeURIComponent(orgId)}` });
        if (org.body.displayName) name = org.body.displayName;
      } catch {
        // Reading an organization needs an admin's scope on some sites; the generic name will do.
      }
      return [{ externalId: orgId, name, credentials: { botToken: cfg.botToken } }];
    },

    async openDirect(workspace: WorkspaceRef, userId: string, as?: SendAs): Promise<string> {
      if (as?.kind === 'user') return `${DIRECT_PREFIX}${userId}`;
      const known = await store.get<string>('webex', workspace.externalId, `dm:${userId}`);
      return known ?? `${DIRECT_PREFIX}${userId}`;
    },

    async send(target: ConversationTarget, message: OutboundMessage, as: SendAs): Promise<MessageRef> {
      const body = {
        ...destination(target.conversationId),
        ...composeMessage(message, as),
        ...(message.threadId ? { parentId: message.threadId } : {}),
      };
      const sent = await viaBotOrUser<{ id: string; roomId: string }>(target.workspace, as, 'messages.create', 'POST', 'messages', body, {
        once: Boolean(message.relayTag),
      });
      if (target.conversationId.startsWith(DIRECT_PREFIX) && as.kind === 'bot') {
        const who = target.conversationId.slice(DIRECT_PREFIX.length);
        if (!who.includes('@')) await rememberDirectRoom(target.workspace.externalId, who, sent.roomId);
      }
      return { workspace: target.workspace, conversationId: sent.roomId, messageId: sent.id };
    },

    findRelayedCopy: webexReadBack(api, apiUrl, session),

    async update(ref: MessageRef, message: OutboundMessage, as: SendAs): Promise<void> {
      const { markdown, attachments } = composeMessage(message, as);
      if (attachments) throw new AdapterError(AdapterErrorCode.NotSupported, 'Webex cannot edit a message into a card');
      await viaBotOrUser(ref.workspace, as, 'messages.update', 'PUT', `messages/${ref.messageId}`, { roomId: ref.conversationId, markdown });
    },

    async delete(ref: MessageRef, as: SendAs): Promise<void> {
      await viaBotOrUser(ref.workspace, as, 'messages.delete', 'DELETE', `messages/${ref.messageId}`);
    },

    /**
     * The whole organization with an administrator's token (`WEBEX_ADMIN_TOKEN`, or the workspace's
     * `adminToken`): Webex lets only admins list people without an email or name filter
     * (https://developer.webex.com/docs/api/v1/people/list-people). Without one, the people in the
     * bot's spaces: each page is one page of the bot's spaces, their members, then their profiles.
     */
    async listUsers(workspace: WorkspaceRef, cursor?: string): Promise<DirectoryPage> {
      const adminToken = workspace.credentials.adminToken ?? cfg.adminToken;
      if (!adminToken) return listSpaceMembers(workspace, cursor);
      const query = cursor && cursor.startsWith('?') ? cursor : `?max=${pageSize}`;
      const res = await api.withToken<{ items: WebexPerson[] }>(adminToken, 'people.list', 'GET', `people${query}`);
      const next = nextLink(res.headers.link);
      return {
        users: (res.body.items ?? []).map(toDirectoryUser),
        nextCursor: next ? new URL(next).search : undefined,
      };
    },

    async addMember(workspace, conversationId, userId, role): Promise<'added' | 'already_member'> {
      const s = await session(workspace);
      try {
        await api.asBot(s, 'memberships.create', {
          method: 'POST',
          resource: 'memberships',
          body: { roomId: conversationId, ...(userId.includes('@') ? { personEmail: userId } : { personId: userId }), isModerator: role === 'manager' },
        });
        return 'added';
      } catch (err) {
        if (err instanceof AdapterError && (err.options.cause as { status?: number } | undefined)?.status === 409) return 'already_member';
        throw err;
      }
    },

    authorizeUrl(params: AuthorizeParams): string {
      return buildAuthorizeUrl({ apiUrl, clientId: cfg.clientId, clientSecret: cfg.clientSecret }, params);
    },

    exchangeCode(params: ExchangeParams): Promise<UserGrant> {
      return exchangeAuthorizationCode({ apiUrl, clientId: cfg.clientId, clientSecret: cfg.clientSecret }, policy, params);
    },

    checkUserToken: (_workspace, accessToken) => checkWebexUserToken(cfg, policy, accessToken),

    refreshUserToken: (refreshToken) => refreshUserToken({ apiUrl, clientId: cfg.clientId, clientSecret: cfg.clientSecret }, policy, refreshToken),

    async checkHealth(workspace: WorkspaceRef): Promise<HealthReport> {
      const report: HealthReport = { tokenValid: false, botPresent: false, scopesGranted: false, webhooksRegistered: false, missingScopes: [] };
      let s: BotSession;
      try {
        s = await session(workspace);
        const me = await api.asBot<WebexPerson>(s, 'people.me', { resource: 'people/me' });
        report.tokenValid = true;
        report.botPresent = me.body.type === 'bot';
        // A bot's scopes are fixed by Webex; there is nothing to grant.
        report.scopesGranted = true;
      } catch (err) {
        report.detail = err instanceof Error ? err.message : String(err);
        return report;
      }
      const hooks = await api.asBot<{ items: WebexWebhook[] }>(s, 'webhooks.list', { resource: 'webhooks' });
      const ours = hooks.body.items.filter((w) => w.targetUrl === webhookUrl() && w.status === 'active');
      const has = (resource: string, event: string) => ours.some((w) => w.resource === resource && w.event === event);
      report.webhooksRegistered = has('all', 'all') && has('attachmentActions', 'created');
      if (!report.botPresent) report.detail = 'the token belongs to a person, not a bot';
      else if (!report.webhooksRegistered) report.detail = `webhooks to ${webhookUrl()} are missing or inactive`;
      return report;
    },
  };
}

/** Marks a directory cursor that walks the bot's spaces (the rest is the next rooms page). */
const SPACES_CURSOR = 'spaces:';
/** Webex lists at most 85 people by id in one call. */
const PEOPLE_BY_ID = 85;

/** The `rel="next"` URL of a Link header. */
function nextLink(link: string | undefined): string | undefined {
  return /<([^>]+)>;\s*rel="next"/.exec(link ?? '')?.[1];
}

function toDirectoryUser(p: WebexPerson): DirectoryUser {
  const buildings = (p.addresses ?? [])
    .filter((a) => (a.type ?? 'work') === 'work')
    .map((a) => a.locality ?? a.streetAddress)
    .filter((b): b is string => !!b);
  return {
    userId: p.id,
    email: p.emails?.[0],
    name: p.displayName ?? p.emails?.[0] ?? p.id,
    deactivated: p.loginEnabled === false,
    isBot: p.type === 'bot',
    buildings: buildings.length ? buildings : undefined,
    department: p.department,
    avatarUrl: p.avatar,
  };
}
