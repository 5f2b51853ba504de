/**
 * The Webex adapter: `webex-node-bot-framework` in webhook mode for the bot's identity, webhook
 * registration and SDK; Crosstalk's own handling of `POST /webex/webhook`.
 *
 * Inbound notifications are verified here over the raw bytes and then processed through the
 * framework's SDK instance rather than the framework's webhook handler, because that handler
 * answers 200 before doing anything (so the event could not be recorded before the
 * acknowledgement), swallows fetch failures, re-spawns bot objects with extra room and membership
 * calls per unknown room, ignores `messages updated`, and hands events to listeners through an
 * emitter that cannot be awaited.
 */
import type { AppConfig } from '../../src/config.js';
import express, { type Request, type Response, type Router } from 'express';
import type {
  AdapterDeps,
  AuthorizeParams,
  ChatAdapter,
  ConversationTarget,
  DirectoryPage,
  DirectoryUser,
  ExchangeParams,
  HealthReport,
  InboundEvent,
  MessageRef,
  OutboundMessage,
  SendAs,
  UserGrant,
  WorkspaceRef,
} from '../../src/chat-adapter.js';
import { AdapterError, AdapterErrorCode, notSupported } from '../../src/chat-adapter.js';
import { OutboundPolicy, type OutboundPolicyOptions, type RunOptions } from '../../src/outbound.js';
import { webexReadBack } from './read-back.js';
import { DIRECT_PREFIX, WebexApi, composeMessage, destination, type WebexResponse } from './api.js';
import { fromNeutral, toNeutral } from './format.js';
import { buildAuthorizeUrl, exchangeAuthorizationCode, refreshUserToken } from './oauth.js';
import { checkWebexUserToken } from './user-token.js';
import {
  notificationKind,
  parseAttachmentAction,
  parseMembershipCreated,
  parseMessageCreated,
  parseMessageDeleted,
  parseMessageUpdated,
  webhookEnvelopeSchema,
  type WebexAttachmentAction,
  type WebexMessage,
  type WebhookEnvelope,
} from './parse.js';
import { BotSessions, type BotSession } from './sdk.js';
import { verifyWebexSignature } from './verify.js';
import { webexMembers } from './members.js';

/** Tunables (tests shrink them). */
export interface WebexAdapterOptions {
  policy?: OutboundPolicyOptions;
  /**
   * A `created` notification whose resource is older than this is refused as a replay. Webex does
   * not sign a timestamp, so this is the only freshness signal; duplicates inside the window keep
   * their event id and are de-duplicated by the core.
   */
  maxEventAgeMs?: number;
  /** Bound on waiting for the framework's webhook registration at start. */
  registrationTimeoutMs?: number;
  /** People per directory page (Webex allows up to 1000). */
  directoryPageSize?: number;
}

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

/** Creates the Webex `ChatAdapter`. */
export function createWebexAdapter(deps: AdapterDeps<AppConfig['webex']>, options: WebexAdapterOptions = {}): ChatAdapter {
  const { settings: cfg, log, sink, workspaces, store } = deps;
  const apiUrl = cfg.apiUrl.replace(/\/+$/, '');
  const maxEventAgeMs = options.maxEventAgeMs ?? 15 * 60_000;
  const policy = new OutboundPolicy('webex', options.policy);
  const api = new WebexApi(apiUrl, policy);
  const webhookUrl = () => `${deps.publicUrl}/webex/webhook`;
  let sessions: BotSessions | undefined;
  const knownDirectRooms = new Set<string>();

  const sessionsOnce = () =>
    (sessions ??= new BotSessions({ apiUrl, webhookUrl: webhookUrl(), log, registrationTimeoutMs: options.registrationTimeoutMs }));

  function botToken(workspace?: WorkspaceRef): string {
    const token = workspace?.credentials.botToken ?? cfg.botToken;
    if (!token) throw new AdapterError(AdapterErrorCode.InvalidToken, 'no Webex bot token for this workspace');
    return token;
  }

  function session(workspace?: WorkspaceRef): Promise<BotSession> {
    return sessionsOnce().get(botToken(workspace), workspace?.credentials.webhookSecret ?? cfg.webhookSecret);
  }

  async function rememberDirectRoom(workspaceId: string, personId: string, roomId: string): Promise<void> {
    const key = `${workspaceId}:${personId}:${roomId}`;
    if (knownDirectRooms.has(key)) return;
    await store.set('webex', workspaceId, `dm:${personId}`, roomId);
    knownDirectRooms.add(key);
  }

  async function normalize(envelope: WebhookEnvelope, s: BotSession): Promise<InboundEvent | undefined> {
    const kind = notificationKind(envelope);
    const bot = { id: s.bot.id, displayName: s.bot.displayName };
    switch (kind) {
      case 'messages.created':
      case 'messages.updated': {
        if (envelope.data.personId === bot.id) return undefined;
        const res = await api.asBot<WebexMessage>(s, 'messages.get', { resource: `messages/${envelope.data.id}` });
        return kind === 'messages.created' ? parseMessageCreated(envelope, res.body, bot) : parseMessageUpdated(envelope, res.body, bot);
      }
      case 'messages.deleted':
        return parseMessageDeleted(envelope, bot);
      case 'attachmentActions.created': {
        const res = await api.asBot<WebexAttachmentAction>(s, 'attachmentActions.get', { resource: `attachment/actions/${envelope.data.id}` });
        return parseAttachmentAction(envelope, res.body);
      }
      case 'memberships.created':
        return parseMembershipCreated(envelope, bot);
      default:
        return undefined;
    }
  }

  async function handleWebhook(req: Request, res: Response): Promise<void> {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('x-spark-signature');
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const orgId = typeof (parsed as { orgId?: unknown })?.orgId === 'string' ? (parsed as { orgId: string }).orgId : undefined;
    const workspace = orgId ? await workspaces.get('webex', orgId) : undefined;
    if (!verifyWebexSignature(raw, signature, [cfg.webhookSecret, workspace?.credentials.webhookSecret])) {
      log.warn({ path: req.path }, 'webex webhook refused: bad or missing X-Spark-Signature');
      res.status(401).json({ message: 'invalid signature' });
      return;
    }
    const envelope = webhookEnvelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      res.status(400).json({ message: 'not a Webex webhook notification' });
      return;
    }
    const n = envelope.data;
    const created = n.event === 'created' && n.data.created ? Date.parse(n.data.created) : NaN;
    if (Number.isFinite(created) && Date.now() - created > maxEventAgeMs) {
      log.warn({ resource: n.resource, id: n.data.id }, 'webex webhook refused: stale notification');
      res.status(401).json({ message: 'stale notification' });
      return;
    }
    if (!notificationKind(n)) {
      res.status(200).send('OK');
      return;
    }
    try {
      const s = await session(workspace);
      const event = await normalize(n, s);
      if (event) {
        if (event.kind === 'message' && event.isDirect) await rememberDirectRoom(event.workspaceId, event.userId, event.conversationId);
        const result = await sink.handle(event);
        if (result.reply) {
          const ws = workspace ?? { externalId: n.orgId, credentials: {} };
          await adapter
            .send({ workspace: ws, conversationId: event.conversationId }, result.reply, { kind: 'bot' })
            .catch((err: unknown) => log.error({ err, eventId: event.eventId }, 'webex reply failed'));
        }
      }
      res.status(200).send('OK');
    } catch (err) {
      if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) {
        res.status(200).send('OK');
        return;
      }
      log.error({ err, resource: n.resource, event: n.event }, 'webex webhook handling failed');
      res.status(500).json({ message: 'could not handle notification' });
    }
  }

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
    const roomsUri = cursor?.startsWith(SPACES_CURSOR) ? cursor.slice(SPACES_CURSOR.length) : `${apiUrl}/rooms?max=${options.directoryPageSize ?? 100}`;
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

  const adapter: ChatAdapter = {
    platform: 'webex',
    ...webexMembers(api, apiUrl, session),
    userOAuth: Boolean(cfg.clientId && cfg.clientSecret),
    // Webex accepts up to 7,439 bytes of text or markdown per message (developer.webex.com/docs/api/v1/messages/create-a-message).
    capabilities: { threads: true, edits: true, deletes: true, reactions: false, managerRole: 'moderator', postAsUser: true, maxTextLength: 7_439, userLookup: false, tokenRefresh: true },
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

    mount(router: Router): void {
      router.post('/webex/webhook', express.raw({ type: () => true, limit: '1mb' }), (req, res, next) => {
        handleWebhook(req, res).catch(next);
      });
    },

    async start(): Promise<void> {
      if (cfg.botToken) await session();
    },

    async stop(): Promise<void> {
      await sessions?.stopAll();
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
      const query = cursor && cursor.startsWith('?') ? cursor : `?max=${options.directoryPageSize ?? 100}`;
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

    checkUserToken: (_workspace, accessToken) => checkWebexUserToken(cfg, accessToken),

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

    toNeutral,
    fromNeutral,
  };
  return adapter;
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
