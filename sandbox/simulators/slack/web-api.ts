/**
 * The simulated Slack Web API: `POST /api/<method>` with a form or JSON body, the token from
 * `Authorization: Bearer` or a `token` field, errors as HTTP 200 `{ok:false,error}` — the shapes
 * the official docs and the OpenAPI spec show, including `x-oauth-scopes` on every authed answer.
 */
import type { Request, Response } from 'express';
import type { SimConversation, SimMessage, SimToken, SimUser, SimWorkspace, SlackSimState } from './state.js';

type Body = Record<string, unknown>;
type Handler = (ctx: { body: Body; auth: SimToken; ws: SimWorkspace; req: Request }) => Body;

/** What the Web API needs besides the state: the OAuth app it recognises. */
export interface WebApiOptions {
  clientId: string;
  clientSecret: string;
  /** Base URL used in `auth.test`'s `url` field, e.g. `https://acme.slack.com/`. */
  baseUrl: () => string;
}

class SlackError extends Error {
  constructor(readonly code: string, readonly extra: Body = {}) {
    super(code);
  }
}

const fail = (code: string, extra: Body = {}): never => {
  throw new SlackError(code, extra);
};

function str(body: Body, key: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  return String(v);
}

function required(body: Body, key: string, error = `invalid_arguments`): string {
  return str(body, key) ?? fail(error, { response_metadata: { messages: [`[ERROR] missing required field: ${key}`] } });
}

function parseList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function needScope(auth: SimToken, ...anyOf: string[]): void {
  if (!anyOf.some((s) => auth.scopes.includes(s))) fail('missing_scope', { needed: anyOf.join(','), provided: auth.scopes.join(',') });
}

/** A user object as `users.list`/`users.info` return it. */
export function userObject(user: SimUser, ws: SimWorkspace, withEmail: boolean): Body {
  const fields: Record<string, { value: string; alt: string }> = {};
  for (const [label, value] of Object.entries(user.fields)) {
    const id = ws.profileFields.get(label);
    if (id) fields[id] = { value, alt: '' };
  }
  const image = user.imageUrl ?? `https://avatars.slack-edge.example/${user.id}_192.png`;
  return {
    id: user.id,
    team_id: user.teamId,
    name: user.name,
    deleted: user.deleted,
    color: '9f69e7',
    real_name: user.realName,
    tz: 'Europe/London',
    tz_label: 'Greenwich Mean Time',
    tz_offset: 0,
    profile: {
      title: user.title,
      phone: '',
      skype: '',
      real_name: user.realName,
      real_name_normalized: user.realName,
      display_name: user.displayName,
      display_name_normalized: user.displayName,
      fields: Object.keys(fields).length > 0 ? fields : null,
      status_text: '',
      status_emoji: '',
      avatar_hash: 'ge3b51ca72de',
      ...(withEmail && user.email ? { email: user.email } : {}),
      image_24: image,
      image_48: image,
      image_72: image,
      image_192: image,
      team: user.teamId,
      ...(user.isBot ? { bot_id: ws.botId, api_app_id: '' } : {}),
    },
    is_admin: user.isAdmin,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: user.isBot,
    is_app_user: false,
    updated: user.updated,
  };
}

function conversationObject(conv: SimConversation, callerId: string): Body {
  const isIm = conv.kind === 'im';
  return {
    id: conv.id,
    created: conv.created,
    is_archived: false,
    is_im: isIm,
    is_mpim: conv.kind === 'mpim',
    is_channel: conv.kind === 'public',
    is_group: conv.kind === 'private',
    is_private: conv.kind !== 'public',
    is_member: conv.members.has(callerId),
    ...(isIm ? { user: [...conv.members].find((m) => m !== callerId) ?? callerId } : { name: conv.name, name_normalized: conv.name }),
  };
}

function messageObject(msg: SimMessage, withMetadata = false): Body {
  return {
    type: 'message',
    ...(msg.botId ? { subtype: 'bot_message', bot_id: msg.botId, app_id: msg.appId } : {}),
    ...(msg.user ? { user: msg.user } : {}),
    text: msg.text,
    ts: msg.ts,
    ...(msg.username ? { username: msg.username } : {}),
    ...(msg.iconUrl || msg.iconEmoji ? { icons: msg.iconUrl ? { image_48: msg.iconUrl } : { emoji: msg.iconEmoji } } : {}),
    ...(msg.threadTs ? { thread_ts: msg.threadTs } : {}),
    ...(msg.blocks ? { blocks: msg.blocks } : {}),
    ...(msg.edited ? { edited: msg.edited } : {}),
    ...(withMetadata && msg.metadata ? { metadata: msg.metadata } : {}),
    team: msg.teamId,
  };
}

/**
 * `metadata` of chat.postMessage: `{event_type, event_payload}`, sent as a JSON string in a form
 * body (https://docs.slack.dev/messaging/message-metadata); a malformed one is `invalid_metadata_format`.
 */
function parseMetadata(body: Body): SimMessage['metadata'] {
  const raw = body.metadata;
  if (raw === undefined || raw === '') return undefined;
  let parsed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return fail('invalid_metadata_format');
    }
  }
  const m = parsed as { event_type?: unknown; event_payload?: unknown };
  if (typeof m?.event_type !== 'string' || typeof m.event_payload !== 'object' || m.event_payload === null) fail('invalid_metadata_format');
  return { event_type: m.event_type as string, event_payload: m.event_payload as Record<string, unknown> };
}

/** The history scope a conversation's kind needs (conversations.history / .replies "Required scopes"). */
const HISTORY_SCOPE: Record<SimConversation['kind'], string> = { public: 'channels:history', private: 'groups:history', im: 'im:history', mpim: 'mpim:history' };

/**
 * Messages of a conversation between `oldest` and `latest` (exclusive unless `inclusive`), newest
 * first, `limit` of them (default 100, at most 999), as conversations.history and .replies page them.
 */
function timeline(messages: SimMessage[], body: Body): { messages: Body[]; has_more: boolean } {
  const oldest = Number(str(body, 'oldest') ?? 0);
  const latest = Number(str(body, 'latest') ?? Number.POSITIVE_INFINITY);
  const inclusive = ['true', '1'].includes(String(body.inclusive));
  const limit = Number(str(body, 'limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 0 || limit > 999) fail('invalid_limit');
  const withMetadata = ['true', '1'].includes(String(body.include_all_metadata));
  const inRange = messages.filter((m) => {
    const ts = Number(m.ts);
    return inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest;
  });
  const newestFirst = inRange.sort((a, b) => Number(b.ts) - Number(a.ts));
  const slice = newestFirst.slice(0, limit || 100);
  return { messages: slice.map((m) => messageObject(m, withMetadata)), has_more: newestFirst.length > slice.length };
}

function parseJsonField(body: Body, key: string): unknown[] | undefined {
  const v = body[key];
  if (v === undefined || v === '') return undefined;
  if (Array.isArray(v)) return v;
  try {
    const parsed = JSON.parse(String(v));
    return Array.isArray(parsed) ? parsed : fail(`invalid_${key}`);
  } catch (err) {
    if (err instanceof SlackError) throw err;
    return fail(`invalid_${key}`);
  }
}

/** Finds a conversation the caller may post to; a user id means "my DM with that user". */
function resolveChannel(state: SlackSimState, ws: SimWorkspace, auth: SimToken, channel: string): SimConversation {
  const conv = ws.conversations.get(channel);
  if (conv) {
    if (conv.kind !== 'public' && !conv.members.has(auth.userId)) fail('channel_not_found');
    return conv;
  }
  if (/^[UW]/.test(channel) && ws.users.has(channel)) return state.openIm(ws.id, auth.userId, channel);
  return fail('channel_not_found');
}

function ownMessage(state: SlackSimState, ws: SimWorkspace, auth: SimToken, body: Body, tsKey: string, notMine: string): SimMessage {
  const channel = required(body, 'channel');
  const ts = required(body, tsKey);
  if (!ws.conversations.has(channel)) fail('channel_not_found');
  const msg = state.findMessage(ws.id, channel, ts) ?? fail('message_not_found');
  const mine = auth.kind === 'bot' ? msg.botId === ws.botId : msg.user === auth.userId && !msg.botId;
  if (!mine) fail(notMine);
  return msg;
}

function page<T>(items: T[], body: Body, prefix: string, idOf: (t: T) => string): { items: T[]; next: string } {
  const limit = Number(str(body, 'limit') ?? 0);
  if (!Number.isInteger(limit) || limit < 0) fail('invalid_limit');
  const cursor = str(body, 'cursor');
  let start = 0;
  if (cursor) {
    const decoded = Buffer.from(cursor, 'base64').toString('utf8');
    if (!decoded.startsWith(`${prefix}:`)) fail('invalid_cursor');
    const at = items.findIndex((t) => idOf(t) === decoded.slice(prefix.length + 1));
    if (at < 0) fail('invalid_cursor');
    start = at;
  }
  const slice = limit > 0 ? items.slice(start, start + limit) : items.slice(start);
  const nextItem = items[start + slice.length];
  const next = nextItem ? Buffer.from(`${prefix}:${idOf(nextItem)}`).toString('base64') : '';
  return { items: slice, next };
}

function handlers(state: SlackSimState, opts: WebApiOptions): Record<string, Handler> {
  return {
    'auth.test': ({ auth, ws }) => ({
      url: `${opts.baseUrl()}/`,
      team: ws.name,
      user: ws.users.get(auth.userId)?.name ?? 'unknown',
      team_id: ws.id,
      user_id: auth.userId,
      ...(auth.kind === 'bot' ? { bot_id: ws.botId } : {}),
      is_enterprise_install: false,
    }),

    'chat.postMessage': ({ body, auth, ws }) => {
      needScope(auth, 'chat:write');
      const conv = resolveChannel(state, ws, auth, required(body, 'channel', 'channel_not_found'));
      const blocks = parseJsonField(body, 'blocks');
      const text = str(body, 'text') ?? '';
      if (!text && !blocks) fail('no_text');
      const username = str(body, 'username');
      const iconUrl = str(body, 'icon_url');
      const iconEmoji = str(body, 'icon_emoji');
      const threadTs = str(body, 'thread_ts');
      if (threadTs && !state.findMessage(ws.id, conv.id, threadTs)) fail('thread_not_found');
      const metadata = parseMetadata(body);
      const isBot = auth.kind === 'bot';
      const customized = isBot && (username || iconUrl || iconEmoji);
      if (customized) needScope(auth, 'chat:write.customize');
      const msg: SimMessage = {
        teamId: ws.id,
        channel: conv.id,
        ts: state.nextTs(),
        text,
        user: auth.userId,
        botId: isBot ? ws.botId : undefined,
        appId: isBot ? state.appId : undefined,
        username: isBot ? (username ?? 'Crosstalk') : undefined,
        iconUrl: customized ? iconUrl : undefined,
        iconEmoji: customized && !iconUrl ? iconEmoji : undefined,
        threadTs,
        blocks,
        ...(metadata ? { metadata } : {}),
        reactions: new Map(),
      };
      ws.messages.push(msg);
      return { channel: conv.id, ts: msg.ts, message: messageObject(msg) };
    },

    'chat.update': ({ body, auth, ws }) => {
      needScope(auth, 'chat:write');
      const msg = ownMessage(state, ws, auth, body, 'ts', 'cant_update_message');
      const blocks = parseJsonField(body, 'blocks');
      const text = str(body, 'text');
      if (text === undefined && !blocks) fail('no_text');
      if (text !== undefined) msg.text = text;
      if (blocks) msg.blocks = blocks;
      msg.edited = { user: auth.userId, ts: state.nextTs() };
      return { channel: msg.channel, ts: msg.ts, text: msg.text, message: messageObject(msg) };
    },

    'chat.delete': ({ body, auth, ws }) => {
      needScope(auth, 'chat:write');
      const msg = ownMessage(state, ws, auth, body, 'ts', 'cant_delete_message');
      msg.deleted = true;
      return { channel: msg.channel, ts: msg.ts };
    },

    'reactions.add': ({ body, auth, ws }) => {
      needScope(auth, 'reactions:write');
      const channel = required(body, 'channel');
      const ts = required(body, 'timestamp');
      const name = required(body, 'name').replace(/^:|:$/g, '');
      if (!/^[a-z0-9_+\-']+$/.test(name)) fail('invalid_name');
      if (!ws.conversations.has(channel)) fail('channel_not_found');
      const msg = state.findMessage(ws.id, channel, ts) ?? fail('message_not_found');
      const who = msg.reactions.get(name) ?? new Set<string>();
      if (who.has(auth.userId)) fail('already_reacted');
      who.add(auth.userId);
      msg.reactions.set(name, who);
      return {};
    },

    'reactions.remove': ({ body, auth, ws }) => {
      needScope(auth, 'reactions:write');
      const channel = required(body, 'channel');
      const name = required(body, 'name').replace(/^:|:$/g, '');
      const msg = state.findMessage(ws.id, channel, required(body, 'timestamp')) ?? fail('message_not_found');
      const who = msg.reactions.get(name);
      if (!who?.has(auth.userId)) return fail('no_reaction');
      who.delete(auth.userId);
      if (who.size === 0) msg.reactions.delete(name);
      return {};
    },

    'conversations.open': ({ body, auth, ws }) => {
      needScope(auth, 'im:write', 'mpim:write');
      const channel = str(body, 'channel');
      if (channel) {
        const conv = ws.conversations.get(channel) ?? fail('channel_not_found');
        return { channel: conversationObject(conv, auth.userId) };
      }
      const users = parseList(str(body, 'users'));
      if (users.length === 0) fail('users_list_not_supplied');
      if (users.length > 8) fail('too_many_users');
      for (const u of users) if (!ws.users.has(u)) fail('user_not_found');
      if (users.length === 1) {
        const conv = state.openIm(ws.id, auth.userId, users[0]);
        const full = str(body, 'return_im') === 'true';
        return full
          ? { no_op: false, already_open: false, channel: conversationObject(conv, auth.userId) }
          : { no_op: false, already_open: false, channel: { id: conv.id } };
      }
      const members = new Set([auth.userId, ...users]);
      const existing = [...ws.conversations.values()].find(
        (c) => c.kind === 'mpim' && c.members.size === members.size && [...members].every((m) => c.members.has(m)),
      );
      const conv =
        existing ??
        (() => {
          const created = state.addChannel(ws.id, { name: `mpdm-${[...members].join('--')}-1`, isPrivate: true, members: [...members] });
          created.kind = 'mpim';
          return created;
        })();
      return { channel: { id: conv.id } };
    },

    'users.list': ({ body, auth, ws }) => {
      needScope(auth, 'users:read');
      const withEmail = auth.scopes.includes('users:read.email');
      const { items, next } = page([...ws.users.values()], body, 'user', (u) => u.id);
      return {
        members: items.map((u) => userObject(u, ws, withEmail)),
        cache_ts: Math.floor(Date.now() / 1000),
        response_metadata: { next_cursor: next },
      };
    },

    'users.info': ({ body, auth, ws }) => {
      needScope(auth, 'users:read');
      const user = ws.users.get(required(body, 'user', 'user_not_found')) ?? fail('user_not_found');
      return { user: userObject(user, ws, auth.scopes.includes('users:read.email')) };
    },

    'users.lookupByEmail': ({ body, auth, ws }) => {
      needScope(auth, 'users:read.email');
      const email = required(body, 'email', 'users_not_found').toLowerCase();
      const user = [...ws.users.values()].find((u) => u.email?.toLowerCase() === email) ?? fail('users_not_found');
      return { user: userObject(user, ws, true) };
    },

    'team.profile.get': ({ auth, ws }) => {
      needScope(auth, 'users.profile:read');
      let ordering = 0;
      return {
        profile: {
          fields: [...ws.profileFields.entries()].map(([label, id]) => ({
            id,
            ordering: ordering++,
            label,
            hint: '',
            type: 'text',
            possible_values: null,
            options: null,
            is_hidden: false,
          })),
        },
      };
    },

    'conversations.invite': ({ body, auth, ws }) => {
      const conv = ws.conversations.get(required(body, 'channel', 'channel_not_found')) ?? fail('channel_not_found');
      if (conv.kind === 'im' || conv.kind === 'mpim') fail('method_not_supported_for_channel_type');
      needScope(auth, conv.kind === 'public' ? 'channels:manage' : 'groups:write', 'channels:write');
      if (!conv.members.has(auth.userId)) fail('not_in_channel');
      const users = parseList(str(body, 'users'));
      if (users.length === 0) fail('no_user');
      if (users.length > 1000) fail('too_many_users');
      const errors: Body[] = [];
      for (const u of users) {
        const user = ws.users.get(u);
        if (!user) errors.push({ user: u, ok: false, error: 'user_not_found' });
        else if (u === auth.userId) errors.push({ user: u, ok: false, error: 'cant_invite_self' });
        else if (user.deleted) errors.push({ user: u, ok: false, error: 'user_is_deactivated' });
        else if (conv.members.has(u)) errors.push({ user: u, ok: false, error: 'already_in_channel' });
      }
      if (errors.length > 0) fail(String(errors[0].error), { errors });
      for (const u of users) conv.members.add(u);
      return { channel: conversationObject(conv, auth.userId) };
    },

    'conversations.kick': ({ body, auth, ws }) => {
      const conv = ws.conversations.get(required(body, 'channel', 'channel_not_found')) ?? fail('channel_not_found');
      if (conv.kind === 'im' || conv.kind === 'mpim') fail('method_not_supported_for_channel_type');
      needScope(auth, conv.kind === 'public' ? 'channels:manage' : 'groups:write', 'channels:write');
      if (!conv.members.has(auth.userId)) fail('not_in_channel');
      const target = required(body, 'user', 'user_not_found');
      if (!ws.users.has(target)) fail('user_not_found');
      if (target === auth.userId) fail('cant_kick_self');
      if (!conv.members.has(target)) fail('not_in_channel');
      conv.members.delete(target);
      return {};
    },

    // conversations.info / conversations.list (docs.slack.dev reference; slack_kit's
    // conversations.info.json and conversations.list.json method specs): scopes by channel type
    // (`channels:read` public, `groups:read` private); a private channel the caller is not in is
    // `channel_not_found`; `types` defaults to `public_channel`; `limit` ≤ 1000; cursor paging
    // through `response_metadata.next_cursor`; `exclude_archived` (nothing is archived here).
    'conversations.info': ({ body, auth, ws }) => {
      const conv = ws.conversations.get(required(body, 'channel', 'channel_not_found')) ?? fail('channel_not_found');
      if (conv.kind !== 'public' && !conv.members.has(auth.userId)) fail('channel_not_found');
      needScope(auth, conv.kind === 'public' ? 'channels:read' : conv.kind === 'private' ? 'groups:read' : conv.kind === 'im' ? 'im:read' : 'mpim:read');
      return { channel: conversationObject(conv, auth.userId) };
    },

    'conversations.list': ({ body, auth, ws }) => {
      const types = parseList(str(body, 'types') ?? 'public_channel');
      const kinds: Record<string, { kind: SimConversation['kind']; scope: string }> = {
        public_channel: { kind: 'public', scope: 'channels:read' },
        private_channel: { kind: 'private', scope: 'groups:read' },
        im: { kind: 'im', scope: 'im:read' },
        mpim: { kind: 'mpim', scope: 'mpim:read' },
      };
      if (types.some((t) => !kinds[t])) fail('invalid_types');
      for (const t of types) needScope(auth, kinds[t]!.scope);
      if (Number(str(body, 'limit') ?? 0) > 1000) fail('invalid_limit');
      const wanted = new Set(types.map((t) => kinds[t]!.kind));
      const visible = [...ws.conversations.values()].filter((c) => wanted.has(c.kind) && (c.kind === 'public' || c.members.has(auth.userId)));
      const { items, next } = page(visible, body, 'channel', (c) => c.id);
      return { channels: items.map((c) => conversationObject(c, auth.userId)), response_metadata: { next_cursor: next } };
    },

    // https://docs.slack.dev/reference/methods/conversations.history: the conversation's top-level
    // messages (thread replies stay in their thread), newest first, `metadata` only with include_all_metadata.
    'conversations.history': ({ body, auth, ws }) => {
      const conv = ws.conversations.get(required(body, 'channel', 'channel_not_found')) ?? fail('channel_not_found');
      needScope(auth, HISTORY_SCOPE[conv.kind]);
      if (conv.kind !== 'public' && !conv.members.has(auth.userId)) fail('channel_not_found');
      const top = state.messagesIn(ws.id, conv.id).filter((m) => !m.threadTs || m.threadTs === m.ts);
      return { ...timeline(top, body), pin_count: 0, response_metadata: { next_cursor: '' } };
    },

    // https://docs.slack.dev/reference/methods/conversations.replies: a thread's parent and replies.
    'conversations.replies': ({ body, auth, ws }) => {
      const conv = ws.conversations.get(required(body, 'channel', 'channel_not_found')) ?? fail('channel_not_found');
      needScope(auth, HISTORY_SCOPE[conv.kind]);
      if (conv.kind !== 'public' && !conv.members.has(auth.userId)) fail('channel_not_found');
      const ts = required(body, 'ts', 'thread_not_found');
      if (!state.findMessage(ws.id, conv.id, ts)) fail('thread_not_found');
      const thread = state.messagesIn(ws.id, conv.id).filter((m) => m.ts === ts || m.threadTs === ts);
      const { messages, has_more } = timeline(thread, body);
      // Slack answers a thread oldest first, the parent leading.
      return { messages: messages.reverse(), has_more, response_metadata: { next_cursor: '' } };
    },

    'conversations.members': ({ body, ws, auth }) => {
      const conv = ws.conversations.get(required(body, 'channel', 'channel_not_found')) ?? fail('channel_not_found');
      if (conv.kind !== 'public' && !conv.members.has(auth.userId)) fail('channel_not_found');
      const { items, next } = page([...conv.members], body, 'member', (m) => m);
      return { members: items, response_metadata: { next_cursor: next } };
    },
  };
}

/** Answers `POST /api/:method`; `oauth.v2.access` is unauthenticated and handled by the OAuth module. */
export function createWebApiHandler(state: SlackSimState, opts: WebApiOptions) {
  const table = handlers(state, opts);
  return (req: Request, res: Response): void => {
    const method = String(req.params.method);
    const body: Body = typeof req.body === 'object' && req.body !== null ? (req.body as Body) : {};
    const handler = table[method];
    if (!handler) {
      res.status(200).json({ ok: false, error: 'unknown_method', req_method: method });
      return;
    }
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer ?? str(body, 'token');
    if (!token) {
      res.status(200).json({ ok: false, error: 'not_authed' });
      return;
    }
    const auth = state.tokens.get(token);
    const ws = auth && state.workspaces.get(auth.teamId);
    if (!auth || !ws) {
      res.status(200).json({ ok: false, error: 'invalid_auth' });
      return;
    }
    res.setHeader('x-oauth-scopes', auth.scopes.join(','));
    try {
      res.status(200).json({ ok: true, ...handler({ body, auth, ws, req }) });
    } catch (err) {
      if (err instanceof SlackError) {
        res.status(200).json({ ok: false, error: err.code, ...err.extra });
        return;
      }
      throw err;
    }
  };
}
