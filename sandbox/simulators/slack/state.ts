/**
 * The simulated Slack's in-memory world: workspaces (each with its own bot), users, conversations,
 * messages, issued tokens and OAuth codes. Tests and the sandbox seed it; the Web API routes read
 * and change it.
 */
import { randomBytes } from 'node:crypto';

/** A seeded user; `fields` are custom profile fields keyed by label (e.g. "Office location"). */
export interface SimUserSeed {
  id?: string;
  name: string;
  realName?: string;
  displayName?: string;
  email?: string;
  deleted?: boolean;
  isBot?: boolean;
  isAdmin?: boolean;
  title?: string;
  imageUrl?: string;
  fields?: Record<string, string>;
}

export interface SimUser extends Required<Omit<SimUserSeed, 'fields' | 'email' | 'imageUrl'>> {
  teamId: string;
  email?: string;
  imageUrl?: string;
  fields: Record<string, string>;
  updated: number;
}

export interface SimConversation {
  id: string;
  teamId: string;
  name?: string;
  kind: 'im' | 'mpim' | 'public' | 'private';
  members: Set<string>;
  created: number;
}

export interface SimMessage {
  teamId: string;
  channel: string;
  ts: string;
  text: string;
  user?: string;
  botId?: string;
  appId?: string;
  username?: string;
  iconUrl?: string;
  iconEmoji?: string;
  threadTs?: string;
  blocks?: unknown[];
  /** Message metadata an app attached (`chat.postMessage` `metadata`). */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  edited?: { user: string; ts: string };
  deleted?: boolean;
  reactions: Map<string, Set<string>>;
}

export interface SimWorkspaceSeed {
  id?: string;
  name: string;
  domain?: string;
  botToken?: string;
  botScopes?: string[];
  users?: SimUserSeed[];
  channels?: Array<{ id?: string; name: string; isPrivate?: boolean; members?: string[] }>;
}

export interface SimWorkspace {
  id: string;
  name: string;
  domain: string;
  botToken: string;
  botUserId: string;
  botId: string;
  botScopes: string[];
  users: Map<string, SimUser>;
  conversations: Map<string, SimConversation>;
  messages: SimMessage[];
  /** Ids of custom profile fields by label, as `team.profile.get` reports them. */
  profileFields: Map<string, string>;
}

/** Who a token belongs to. */
export interface SimToken {
  token: string;
  kind: 'bot' | 'user';
  teamId: string;
  userId: string;
  scopes: string[];
}

export interface SimOAuthCode {
  code: string;
  clientId: string;
  redirectUri?: string;
  teamId: string;
  userId: string;
  scopes: string[];
  userScopes: string[];
  expiresAt: number;
  used: boolean;
}

/** Default bot scopes a simulated install grants. */
export const DEFAULT_BOT_SCOPES = [
  'chat:write',
  'chat:write.customize',
  'commands',
  'im:history',
  'im:read',
  'im:write',
  'reactions:write',
  'users:read',
  'users:read.email',
  'users.profile:read',
  'channels:manage',
  'channels:read',
  'groups:read',
  'groups:write',
  'reactions:read',
];

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A Slack-looking id: prefix plus upper-case alphanumerics. */
export function slackId(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const b of bytes) id += ALPHANUM[b % ALPHANUM.length];
  return id;
}

/** The simulator's whole world. */
export class SlackSimState {
  readonly workspaces = new Map<string, SimWorkspace>();
  readonly tokens = new Map<string, SimToken>();
  readonly codes = new Map<string, SimOAuthCode>();
  private lastTs = 0;

  constructor(readonly appId: string) {}

  /** A fresh, strictly increasing message timestamp (`seconds.micros`). */
  nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}`;
  }

  addWorkspace(seed: SimWorkspaceSeed): SimWorkspace {
    const id = seed.id ?? slackId('T');
    const ws: SimWorkspace = {
      id,
      name: seed.name,
      domain: seed.domain ?? seed.name.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      botToken: seed.botToken ?? `xoxb-${randomBytes(6).toString('hex')}-${randomBytes(12).toString('hex')}`,
      botUserId: slackId('U'),
      botId: slackId('B'),
      botScopes: seed.botScopes ?? DEFAULT_BOT_SCOPES,
      users: new Map(),
      conversations: new Map(),
      messages: [],
      profileFields: new Map(),
    };
    this.workspaces.set(id, ws);
    this.tokens.set(ws.botToken, { token: ws.botToken, kind: 'bot', teamId: id, userId: ws.botUserId, scopes: ws.botScopes });
    ws.users.set(ws.botUserId, {
      id: ws.botUserId,
      teamId: id,
      name: 'crosstalk',
      realName: 'Crosstalk',
      displayName: 'Crosstalk',
      deleted: false,
      isBot: true,
      isAdmin: false,
      title: '',
      fields: {},
      updated: Math.floor(Date.now() / 1000),
    });
    for (const user of seed.users ?? []) this.addUser(id, user);
    for (const ch of seed.channels ?? []) this.addChannel(id, ch);
    return ws;
  }

  workspace(teamId: string): SimWorkspace {
    const ws = this.workspaces.get(teamId);
    if (!ws) throw new Error(`Slack simulator: no workspace ${teamId}`);
    return ws;
  }

  addUser(teamId: string, seed: SimUserSeed): SimUser {
    const ws = this.workspace(teamId);
    const user: SimUser = {
      id: seed.id ?? slackId('U'),
      teamId,
      name: seed.name,
      realName: seed.realName ?? seed.name,
      displayName: seed.displayName ?? seed.name,
      email: seed.email,
      deleted: seed.deleted ?? false,
      isBot: seed.isBot ?? false,
      isAdmin: seed.isAdmin ?? false,
      title: seed.title ?? '',
      imageUrl: seed.imageUrl,
      fields: { ...(seed.fields ?? {}) },
      updated: Math.floor(Date.now() / 1000),
    };
    for (const label of Object.keys(user.fields)) {
      if (!ws.profileFields.has(label)) ws.profileFields.set(label, slackId('Xf'));
    }
    ws.users.set(user.id, user);
    return user;
  }

  addChannel(teamId: string, seed: { id?: string; name: string; isPrivate?: boolean; members?: string[] }): SimConversation {
    const ws = this.workspace(teamId);
    const conv: SimConversation = {
      id: seed.id ?? slackId(seed.isPrivate ? 'G' : 'C'),
      teamId,
      name: seed.name,
      kind: seed.isPrivate ? 'private' : 'public',
      members: new Set(seed.members ?? []),
      created: Math.floor(Date.now() / 1000),
    };
    ws.conversations.set(conv.id, conv);
    return conv;
  }

  /** The 1:1 conversation between two members (created on first use, like `conversations.open`). */
  openIm(teamId: string, a: string, b: string): SimConversation {
    const ws = this.workspace(teamId);
    for (const conv of ws.conversations.values()) {
      if (conv.kind === 'im' && conv.members.has(a) && conv.members.has(b) && conv.members.size === (a === b ? 1 : 2)) return conv;
    }
    const conv: SimConversation = {
      id: slackId('D'),
      teamId,
      kind: 'im',
      members: new Set([a, b]),
      created: Math.floor(Date.now() / 1000),
    };
    ws.conversations.set(conv.id, conv);
    return conv;
  }

  /** Issues a user token (as an OAuth exchange would). */
  issueUserToken(teamId: string, userId: string, scopes: string[]): SimToken {
    const token: SimToken = {
      token: `xoxp-${randomBytes(6).toString('hex')}-${randomBytes(12).toString('hex')}`,
      kind: 'user',
      teamId,
      userId,
      scopes,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  findMessage(teamId: string, channel: string, ts: string): SimMessage | undefined {
    return this.workspace(teamId).messages.find((m) => m.channel === channel && m.ts === ts && !m.deleted);
  }

  /** Messages in a conversation, oldest first, deleted ones left out. */
  messagesIn(teamId: string, channel: string): SimMessage[] {
    return this.workspace(teamId).messages.filter((m) => m.channel === channel && !m.deleted);
  }
}
