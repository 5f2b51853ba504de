/**
 * A local Zoom: the OAuth host (`/oauth/token`, `/oauth/authorize`) and the part of the REST API
 * under `/v2` that Crosstalk uses (chatbot messages, user chat messages, users, channel members),
 * with Zoom's error shape `{code, message}`, plus helpers that POST correctly signed events to an
 * app. Several accounts (Zoom's "workspaces") can be seeded, each with its own users, channels
 * and, if wanted, its own chatbot app credentials. Every call is recorded by the shared `SimServer`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { SimServer } from '../sim-core.js';
import { zoomUnknownRoute } from './unknown-route.js';
import { listUserMessages, type UserMessageListHost } from './user-messages.js';
import {
  ZOOM_WEBHOOK_PATH,
  botInstalledEvent,
  botNotificationEvent,
  deliverZoomEvent,
  dmMessageEvent,
  interactiveActionEvent,
  redeliverZoomEvent,
  urlValidationEvent,
  type ZoomActor,
  type ZoomDelivery,
  type ZoomDeliveryResult,
  type ZoomEventEnvelope,
  type ZoomRichText,
} from './inbound.js';

export * from './inbound.js';

/** The chatbot app: client credentials, bot JID and the webhook secret token. */
export interface ZoomSimApp {
  clientId: string;
  clientSecret: string;
  botJid: string;
  webhookSecretToken: string;
  name: string;
}

/**
 * A Server-to-Server OAuth app: internal to one account, and the only app type Zoom lets use the
 * `account_credentials` grant (https://developers.zoom.us/docs/internal-apps/s2s-oauth/).
 */
export interface ZoomSimS2sApp {
  clientId: string;
  clientSecret: string;
  /** The scopes the account's admin gave the app; its tokens carry exactly these. */
  scopes: string[];
}

/** A user of one account. */
export interface ZoomSimUser {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  displayName: string;
  /** `inactive` = deactivated; Zoom lists these only with `status=inactive`. */
  status: 'active' | 'inactive';
  dept?: string;
  location?: string;
  picUrl?: string;
  /** 1 basic, 2 licensed. */
  type: number;
  memberId: string;
}

/** A channel and its members with their roles. */
export interface ZoomSimChannel {
  id: string;
  name: string;
  members: Map<string, 'owner' | 'admin' | 'member'>;
}

/** A message a chatbot posted. */
export interface ZoomSimBotMessage {
  messageId: string;
  accountId: string;
  robotJid: string;
  toJid: string;
  userJid?: string;
  visibleToUser?: string;
  replyTo?: string;
  content: ZoomCardContent;
  isMarkdownSupport: boolean;
  sentAt: Date;
  edits: number;
  deleted: boolean;
}

/** A message a user posted (through the API with their token, or typed in the simulated client). */
export interface ZoomSimUserMessage {
  id: string;
  accountId: string;
  senderId: string;
  toContact?: string;
  toChannel?: string;
  message: string;
  atItems?: ZoomAtItem[];
  richText?: ZoomRichText[];
  replyMainMessageId?: string;
  sentAt: Date;
  edits: number;
  deleted: boolean;
  /** True when it came in through `/chat/users/me/messages`. */
  viaApi: boolean;
}

/** An @mention range of a user message. */
export interface ZoomAtItem {
  at_contact?: string;
  at_type: number;
  start_position: number;
  end_position: number;
}

/** A chatbot message card: `{head: {text, sub_head}, body: [...]}`. */
export interface ZoomCardContent {
  head?: { text: string; sub_head?: { text: string }; style?: unknown };
  body?: Array<Record<string, unknown> & { type: string }>;
}

/** One account (a Zoom "workspace"). */
export interface ZoomSimAccount {
  accountId: string;
  name: string;
  app: ZoomSimApp;
  /** The account's Server-to-Server OAuth app (account-level users and channel membership). */
  s2sApp: ZoomSimS2sApp;
  users: ZoomSimUser[];
  channels: Map<string, ZoomSimChannel>;
}

interface TokenRecord {
  kind: 'bot' | 'account' | 'user';
  clientId: string;
  accountId?: string;
  userId?: string;
  scopes: string[];
  expiresAt: number;
}

interface CodeRecord {
  clientId: string;
  accountId: string;
  userId: string;
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  expiresAt: number;
  used: boolean;
}

/** Seed for one account. */
export interface ZoomAccountSeed {
  accountId?: string;
  name?: string;
  /** A separate chatbot app for this account; default: the simulator's shared app. */
  app?: Partial<ZoomSimApp>;
  /** This account's Server-to-Server OAuth app; default: generated credentials with the granular admin scopes. */
  s2sApp?: Partial<ZoomSimS2sApp>;
  users?: ZoomUserSeed[];
  channels?: Array<{ id?: string; name: string; members?: Array<{ userId: string; role?: 'owner' | 'admin' | 'member' }> }>;
}

/** Seed for one user. */
export interface ZoomUserSeed {
  id?: string;
  email: string;
  firstName: string;
  lastName: string;
  displayName?: string;
  deactivated?: boolean;
  dept?: string;
  location?: string;
  picUrl?: string;
}

/** Options of `createZoomSimulator`. */
export interface ZoomSimulatorOptions {
  app?: Partial<ZoomSimApp>;
  accounts?: ZoomAccountSeed[];
  /** Token lifetime in seconds (Zoom: 3600). */
  tokenTtlSeconds?: number;
  port?: number;
}

/** The values the composition root puts into `AppConfig.zoom` to run the real adapter here. */
export interface ZoomSandboxSettings {
  clientId: string;
  clientSecret: string;
  botJid: string;
  accountId: string;
  webhookSecretToken: string;
  /** The first account's Server-to-Server OAuth app (`ZOOM_S2S_*`). */
  s2s: { accountId: string; clientId: string; clientSecret: string };
  apiUrl: string;
  oauthUrl: string;
}

const USER_SCOPES = ['user:read', 'chat_message:write', 'chat_message:read', 'chat_channel:read'];
/**
 * Granular scopes of the account-level APIs the simulator serves, as Zoom's scope reference lists
 * them (https://developers.zoom.us/docs/integrations/oauth-scopes-granular/: Users, Chat Channels).
 */
const S2S_SCOPES = [
  'team_chat:read:channel:admin',
  'team_chat:read:list_channels:admin',
  'user:read:list_users:admin',
  'user:read:user:admin',
  'team_chat:read:list_members:admin',
  'team_chat:write:members:admin',
  'team_chat:write:administrator:admin',
  'team_chat:delete:member:admin',
];
const JID_DOMAIN = 'xmpp.zoom.us';

/** The JID Zoom gives a user: the lower-cased user id at the XMPP domain. */
export function userJidOf(userId: string): string {
  return `${userId.toLowerCase()}@${JID_DOMAIN}`;
}

/** The JID of a channel. */
export function channelJidOf(channelId: string): string {
  return `${channelId}@conference.${JID_DOMAIN}`;
}

function zoomId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

function zoomMessageId(): string {
  return randomUUID().toUpperCase();
}

function zerr(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ code, message });
}

/** A running Zoom simulator: state to seed, recorded calls, and inbound helpers. */
export class ZoomSimulator {
  readonly sim: SimServer;
  readonly app: ZoomSimApp;
  readonly accounts = new Map<string, ZoomSimAccount>();
  readonly botMessages = new Map<string, ZoomSimBotMessage>();
  readonly userMessages = new Map<string, ZoomSimUserMessage>();
  /** When set, user messages sent through the API are announced here as `team_chat.dm_message_*`. */
  eventSubscriptionUrl?: string;
  /** Who logs in at `/oauth/authorize` when the request does not say (`login_hint` = email). */
  authorizingUser?: { accountId: string; userId: string };
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly refreshTokens = new Map<string, Omit<TokenRecord, 'expiresAt'>>();
  private readonly codes = new Map<string, CodeRecord>();
  private readonly ttlSeconds: number;
  private listening = false;
  private readonly pendingEvents: Array<Promise<unknown>> = [];
  /** Answers the app gave to events announced through `eventSubscriptionUrl`. */
  readonly announced: ZoomDeliveryResult[] = [];

  constructor(options: ZoomSimulatorOptions = {}) {
    this.sim = new SimServer('zoom');
    this.ttlSeconds = options.tokenTtlSeconds ?? 3600;
    this.app = {
      clientId: options.app?.clientId ?? 'zoomSimClientId',
      clientSecret: options.app?.clientSecret ?? 'zoomSimClientSecret',
      botJid: options.app?.botJid ?? 'v1crosstalkbot0000000000@xmpp.zoom.us',
      webhookSecretToken: options.app?.webhookSecretToken ?? 'zoomSimWebhookSecretToken',
      name: options.app?.name ?? 'Crosstalk',
    };
    const seeds = options.accounts?.length ? options.accounts : [{ accountId: 'zoomSimAccount01', name: 'Zoom sandbox' }];
    for (const seed of seeds) this.addAccount(seed);
    this.routes();
  }

  /** Base URL of the simulator. */
  get url(): string {
    return this.sim.url;
  }

  /** The REST base, `{url}/v2`. */
  get apiUrl(): string {
    return `${this.sim.url}/v2`;
  }

  /** Settings for `AppConfig.zoom` (first account is the default workspace). */
  sandboxSettings(): ZoomSandboxSettings {
    const first = [...this.accounts.values()][0]!;
    return {
      clientId: this.app.clientId,
      clientSecret: this.app.clientSecret,
      botJid: this.app.botJid,
      accountId: first.accountId,
      webhookSecretToken: this.app.webhookSecretToken,
      s2s: { accountId: first.accountId, clientId: first.s2sApp.clientId, clientSecret: first.s2sApp.clientSecret },
      apiUrl: this.apiUrl,
      oauthUrl: this.url,
    };
  }

  /**
   * Listens on `port` (0 = a free one). Already listening: a no-op for port 0 or the same port,
   * otherwise it moves to the requested port, so `createZoomSimulator()` then `start(port)` works.
   */
  async start(port = 0): Promise<this> {
    if (this.listening) {
      if (port === 0 || Number(new URL(this.sim.url).port) === port) return this;
      await this.sim.close();
    }
    await this.sim.start(port);
    this.listening = true;
    return this;
  }

  async close(): Promise<void> {
    await this.flushEvents();
    await this.sim.close();
  }

  // ---- seeding ------------------------------------------------------------------------------

  /** Adds an account with its users and channels. */
  addAccount(seed: ZoomAccountSeed): ZoomSimAccount {
    const accountId = seed.accountId ?? zoomId();
    const account: ZoomSimAccount = {
      accountId,
      name: seed.name ?? accountId,
      app: seed.app ? { ...this.app, ...seed.app } : this.app,
      s2sApp: {
        clientId: seed.s2sApp?.clientId ?? `s2s${accountId}`,
        clientSecret: seed.s2sApp?.clientSecret ?? `s2sSecret${accountId}`,
        scopes: seed.s2sApp?.scopes ?? [...S2S_SCOPES],
      },
      users: [],
      channels: new Map(),
    };
    this.accounts.set(accountId, account);
    for (const u of seed.users ?? []) this.addUser(accountId, u);
    for (const c of seed.channels ?? []) this.addChannel(accountId, c);
    return account;
  }

  /** Adds a user to an account. */
  addUser(accountId: string, seed: ZoomUserSeed): ZoomSimUser {
    const account = this.account(accountId);
    const user: ZoomSimUser = {
      id: seed.id ?? zoomId(),
      email: seed.email.toLowerCase(),
      firstName: seed.firstName,
      lastName: seed.lastName,
      displayName: seed.displayName ?? `${seed.firstName} ${seed.lastName}`.trim(),
      status: seed.deactivated ? 'inactive' : 'active',
      dept: seed.dept,
      location: seed.location,
      picUrl: seed.picUrl,
      type: 2,
      memberId: randomBytes(24).toString('base64url'),
    };
    account.users.push(user);
    return user;
  }

  /** Adds a channel; members default to role `member`. */
  addChannel(
    accountId: string,
    seed: { id?: string; name: string; members?: Array<{ userId: string; role?: 'owner' | 'admin' | 'member' }> },
  ): ZoomSimChannel {
    const channel: ZoomSimChannel = { id: seed.id ?? randomBytes(16).toString('hex'), name: seed.name, members: new Map() };
    for (const m of seed.members ?? []) channel.members.set(m.userId, m.role ?? 'member');
    this.account(accountId).channels.set(channel.id, channel);
    return channel;
  }

  account(accountId: string): ZoomSimAccount {
    const account = this.accounts.get(accountId);
    if (!account) throw new Error(`zoom simulator: no account ${accountId}`);
    return account;
  }

  /** Finds a user by id, email or JID in one account. */
  user(accountId: string, idOrEmail: string): ZoomSimUser {
    const found = this.findUser(this.account(accountId), idOrEmail);
    if (!found) throw new Error(`zoom simulator: no user ${idOrEmail} in ${accountId}`);
    return found;
  }

  /** Issues a user OAuth token directly (as if the user had authorized the app already). */
  issueUserToken(accountId: string, userId: string): string {
    const account = this.account(accountId);
    return this.issue({ kind: 'user', clientId: account.app.clientId, accountId, userId, scopes: USER_SCOPES });
  }

  /** Makes every token issued so far expired (for refresh tests). */
  expireAllTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  /** Chatbot messages sent to a JID (user or channel), oldest first. */
  botMessagesTo(toJid: string): ZoomSimBotMessage[] {
    return [...this.botMessages.values()].filter((m) => m.toJid === toJid);
  }

  /** The next call to `path` answers 429 with Zoom's body and `Retry-After`. */
  rateLimitNext(path: string | RegExp, retryAfterSeconds: number, times = 1): void {
    this.sim.inject({
      path,
      times,
      fault: {
        kind: 'status',
        status: 429,
        retryAfterSeconds,
        body: { code: 429, message: "You have reached the maximum per-second rate limit for this API. Try again later." },
      },
    });
  }

  // ---- inbound helpers (Zoom → app) ---------------------------------------------------------

  /** `endpoint.url_validation`; returns the app's answer and the plain token that was sent. */
  async validateEndpoint(targetBaseUrl: string, accountId?: string): Promise<ZoomDeliveryResult & { plainToken: string }> {
    const envelope = urlValidationEvent();
    const result = await this.deliver(targetBaseUrl, envelope, accountId);
    return { ...result, plainToken: (envelope.payload as { plainToken: string }).plainToken };
  }

  /** A slash command (or a message typed to the bot) from `userId`; in a channel when `channelId` is given. */
  async sendCommand(
    targetBaseUrl: string,
    input: { accountId: string; userId: string; cmd: string; channelId?: string; timestamp?: number },
  ): Promise<ZoomDeliveryResult> {
    const account = this.account(input.accountId);
    const user = this.user(input.accountId, input.userId);
    const channel = input.channelId ? this.channel(account, input.channelId) : undefined;
    const envelope = botNotificationEvent({
      actor: this.actor(account, user),
      robotJid: account.app.botJid,
      botName: account.app.name,
      cmd: input.cmd,
      toJid: channel ? channelJidOf(channel.id) : userJidOf(user.id),
      channelName: channel ? channel.name : account.app.name,
      timestamp: input.timestamp,
    });
    return this.deliver(targetBaseUrl, envelope, input.accountId);
  }

  /** A click on a button of a chatbot message the app sent earlier (`messageId` from the API). */
  async clickButton(
    targetBaseUrl: string,
    input: { userId: string; messageId: string; value?: string; text?: string; timestamp?: number },
  ): Promise<ZoomDeliveryResult> {
    const message = this.botMessages.get(input.messageId);
    if (!message) throw new Error(`zoom simulator: no chatbot message ${input.messageId}`);
    const account = this.account(message.accountId);
    const user = this.user(message.accountId, input.userId);
    const items = (message.content.body ?? [])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => (b.items as Array<{ text: string; value: string }> | undefined) ?? []);
    const item = items.find((i) => (input.value ? i.value === input.value : i.text === input.text));
    if (!item) throw new Error(`zoom simulator: message ${input.messageId} has no button ${input.value ?? input.text}`);
    const isChannel = message.toJid.includes('@conference.');
    const envelope = interactiveActionEvent({
      actor: this.actor(account, user),
      robotJid: message.robotJid,
      apiBaseUrl: this.apiUrl,
      messageId: message.messageId,
      actionItem: { text: item.text, value: item.value },
      original: message.content,
      toJid: isChannel ? message.toJid : `${message.toJid}/robot_${message.robotJid}`,
      channelName: isChannel ? this.channelNameOf(account, message.toJid) : user.displayName,
      timestamp: input.timestamp,
    });
    return this.deliver(targetBaseUrl, envelope, message.accountId);
  }

  /** `bot_installed` by `userId`. */
  async installBot(targetBaseUrl: string, input: { accountId: string; userId: string }): Promise<ZoomDeliveryResult> {
    const account = this.account(input.accountId);
    const user = this.user(input.accountId, input.userId);
    return this.deliver(targetBaseUrl, botInstalledEvent({ actor: this.actor(account, user), robotJid: account.app.botJid }), input.accountId);
  }

  /** A user types a DM to another user in the Zoom client; the app gets `team_chat.dm_message_posted`. */
  async postDirectMessage(
    targetBaseUrl: string,
    input: { accountId: string; fromUserId: string; toUserId: string; text: string; richText?: ZoomRichText[]; replyTo?: string },
  ): Promise<ZoomDeliveryResult & { messageId: string }> {
    const from = this.user(input.accountId, input.fromUserId);
    const to = this.user(input.accountId, input.toUserId);
    const msg: ZoomSimUserMessage = {
      id: zoomMessageId(),
      accountId: input.accountId,
      senderId: from.id,
      toContact: to.id,
      message: input.text,
      richText: input.richText,
      replyMainMessageId: input.replyTo,
      sentAt: new Date(),
      edits: 0,
      deleted: false,
      viaApi: false,
    };
    this.userMessages.set(msg.id, msg);
    const result = await this.deliver(targetBaseUrl, this.dmEvent('team_chat.dm_message_posted', msg), input.accountId);
    return { ...result, messageId: msg.id };
  }

  /** The sender edits a DM; the app gets `team_chat.dm_message_updated`. */
  async editDirectMessage(
    targetBaseUrl: string,
    input: { messageId: string; text: string; richText?: ZoomRichText[] },
  ): Promise<ZoomDeliveryResult> {
    const msg = this.userMessage(input.messageId);
    msg.message = input.text;
    msg.richText = input.richText;
    msg.edits += 1;
    return this.deliver(targetBaseUrl, this.dmEvent('team_chat.dm_message_updated', msg), msg.accountId);
  }

  /** The sender deletes a DM; the app gets `team_chat.dm_message_deleted`. */
  async deleteDirectMessage(targetBaseUrl: string, input: { messageId: string }): Promise<ZoomDeliveryResult> {
    const msg = this.userMessage(input.messageId);
    msg.deleted = true;
    return this.deliver(targetBaseUrl, this.dmEvent('team_chat.dm_message_deleted', msg), msg.accountId);
  }

  /** Signs with the account's webhook secret (or the shared one) and POSTs to `{base}/zoom/webhook`. */
  async deliver(
    targetBaseUrl: string,
    envelope: ZoomEventEnvelope,
    accountId?: string,
    options: { timestampSeconds?: number; signatureOverride?: string } = {},
  ): Promise<ZoomDeliveryResult> {
    const secret = accountId ? this.account(accountId).app.webhookSecretToken : this.app.webhookSecretToken;
    return deliverZoomEvent(`${targetBaseUrl.replace(/\/+$/, '')}${ZOOM_WEBHOOK_PATH}`, envelope, { secret, ...options });
  }

  /** Zoom's retry of an earlier delivery (same body, re-signed), or an exact duplicate. */
  async redeliver(delivery: ZoomDelivery, options: { sameHeaders?: boolean; accountId?: string } = {}): Promise<ZoomDeliveryResult> {
    const secret = options.accountId ? this.account(options.accountId).app.webhookSecretToken : this.app.webhookSecretToken;
    return redeliverZoomEvent(delivery, { secret, sameHeaders: options.sameHeaders });
  }

  // ---- internals ----------------------------------------------------------------------------

  private actor(account: ZoomSimAccount, user: ZoomSimUser): ZoomActor {
    return { accountId: account.accountId, userId: user.id, userJid: userJidOf(user.id), userName: user.displayName };
  }

  private channel(account: ZoomSimAccount, idOrJid: string): ZoomSimChannel {
    const id = idOrJid.replace(/@conference\..*$/, '');
    const channel = account.channels.get(id);
    if (!channel) throw new Error(`zoom simulator: no channel ${idOrJid}`);
    return channel;
  }

  private channelNameOf(account: ZoomSimAccount, jid: string): string {
    return account.channels.get(jid.replace(/@conference\..*$/, ''))?.name ?? '';
  }

  private userMessage(id: string): ZoomSimUserMessage {
    const msg = this.userMessages.get(id);
    if (!msg) throw new Error(`zoom simulator: no user message ${id}`);
    return msg;
  }

  private dmEvent(
    event: 'team_chat.dm_message_posted' | 'team_chat.dm_message_updated' | 'team_chat.dm_message_deleted',
    msg: ZoomSimUserMessage,
  ): ZoomEventEnvelope {
    const account = this.account(msg.accountId);
    const from = this.user(msg.accountId, msg.senderId);
    const to = this.user(msg.accountId, msg.toContact!);
    return dmMessageEvent(event, {
      accountId: account.accountId,
      operator: { id: from.id, email: from.email, memberId: from.memberId },
      contact: { id: to.id, email: to.email, memberId: to.memberId, accountId: account.accountId },
      messageId: msg.id,
      sessionId: [from.id, to.id].sort().join(':'),
      message: msg.message,
      richText: msg.richText,
      replyMainMessageId: msg.replyMainMessageId,
    });
  }

  private announce(
    event: 'team_chat.dm_message_posted' | 'team_chat.dm_message_updated' | 'team_chat.dm_message_deleted',
    msg: ZoomSimUserMessage,
  ): void {
    if (!this.eventSubscriptionUrl || !msg.toContact) return;
    const pending = this.deliver(this.eventSubscriptionUrl, this.dmEvent(event, msg), msg.accountId)
      .then((result) => this.announced.push(result))
      .catch(() => undefined);
    this.pendingEvents.push(pending);
  }

  /** Resolves once every event announced so far has been answered by the app. */
  async flushEvents(): Promise<void> {
    await Promise.allSettled(this.pendingEvents.splice(0));
  }

  private findUser(account: ZoomSimAccount, idOrEmail: string): ZoomSimUser | undefined {
    const key = idOrEmail.toLowerCase();
    return account.users.find((u) => u.id === idOrEmail || u.email === key || userJidOf(u.id) === key);
  }

  private issue(record: Omit<TokenRecord, 'expiresAt'>): string {
    const token = `zsim.${record.kind}.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { ...record, expiresAt: Date.now() + this.ttlSeconds * 1000 });
    return token;
  }

  private appByClientId(clientId: string): ZoomSimApp | undefined {
    if (this.app.clientId === clientId) return this.app;
    return [...this.accounts.values()].map((a) => a.app).find((a) => a.clientId === clientId);
  }

  /** Resolves the bearer token or answers Zoom's 401 (code 124) and returns undefined. */
  /**
   * `needScope`: any one of these (or its `:admin` form) suffices; Zoom documents each endpoint with
   * its classic and its granular scopes.
   */
  private auth(req: Request, res: Response, needScope?: string | string[]): TokenRecord | undefined {
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    const record = match ? this.tokens.get(match[1]!.trim()) : undefined;
    if (!record) {
      zerr(res, 401, 124, 'Invalid access token.');
      return undefined;
    }
    if (record.expiresAt <= Date.now()) {
      zerr(res, 401, 124, 'Access token is expired.');
      return undefined;
    }
    const wanted = needScope === undefined ? [] : Array.isArray(needScope) ? needScope : [needScope];
    if (wanted.length && !record.scopes.some((s) => wanted.some((w) => s === w || s === `${w}:admin`))) {
      zerr(res, 400, 4711, `Invalid access token, does not contain scopes:[${wanted.join(', ')}].`);
      return undefined;
    }
    return record;
  }

  private routes(): void {
    const app = this.sim.app;
    this.sim.unknownRoute = zoomUnknownRoute;

    app.post('/oauth/token', (req, res) => this.token(req, res));
    app.get('/oauth/authorize', (req, res) => this.authorize(req, res));

    app.post('/v2/im/chat/messages', (req, res) => this.sendBotMessage(req, res));
    app.put('/v2/im/chat/messages/:messageId', (req, res) => this.editBotMessage(req, res));
    app.delete('/v2/im/chat/messages/:messageId', (req, res) => this.deleteBotMessage(req, res));

    app.post('/v2/chat/users/me/messages', (req, res) => this.sendUserMessage(req, res));
    app.get('/v2/chat/users/me/messages', (req, res) => listUserMessages(this.userMessageList(), req, res));
    app.put('/v2/chat/users/me/messages/:messageId', (req, res) => this.editUserMessage(req, res));
    app.delete('/v2/chat/users/me/messages/:messageId', (req, res) => this.deleteUserMessage(req, res));

    app.get('/v2/users', (req, res) => this.listUsers(req, res));
    app.get('/v2/users/:userId', (req, res) => this.getUser(req, res));

    // Channels, from the Team Chat API reference's endpoint inventory
    // (https://developers.zoom.us/api-hub/team-chat/methods/endpoints.json): `GET /chat/channels`
    // (getAccountChannels), `GET /chat/channels/{channelId}` (getUserLevelChannel), members under
    // `/chat/channels/{channelId}/members`, and promotion only under
    // `/chat/users/{userId}/channels/{channelId}/admins` (promoteChannelMembersAsAdmin); Zoom has
    // no `/chat/channels/{channelId}/admins`, so it is not served.
    app.get('/v2/chat/channels', (req, res) => this.listChannels(req, res));
    app.get('/v2/chat/channels/:channelId', (req, res) => this.getChannel(req, res));
    app.get('/v2/chat/channels/:channelId/members', (req, res) => this.listMembers(req, res));
    app.post('/v2/chat/channels/:channelId/members', (req, res) => this.addMembers(req, res, 'members'));
    app.post('/v2/chat/users/:userId/channels/:channelId/admins', (req, res) => this.promoteAdmins(req, res));
    app.delete('/v2/chat/channels/:channelId/members/:identifier', (req, res) => this.removeMember(req, res));
  }

  // ---- OAuth --------------------------------------------------------------------------------

  private token(req: Request, res: Response): void {
    const basic = /^Basic\s+(.+)$/i.exec(req.header('authorization') ?? '');
    const [clientId, clientSecret] = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':') : [];
    const params = { ...(req.query as Record<string, string>), ...((req.body ?? {}) as Record<string, string>) };
    const s2sAccount = clientId ? [...this.accounts.values()].find((a) => a.s2sApp.clientId === clientId) : undefined;
    if (s2sAccount) {
      this.s2sToken(res, s2sAccount, clientSecret, params);
      return;
    }
    const app = clientId ? this.appByClientId(clientId) : undefined;
    if (!app || app.clientSecret !== clientSecret) {
      res.status(401).json({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      return;
    }
    const grant = params.grant_type;
    const apiUrl = this.url;

    if (grant === 'client_credentials') {
      const accessToken = this.issue({ kind: 'bot', clientId: app.clientId, scopes: ['imchat:bot'] });
      res.json({ access_token: accessToken, token_type: 'bearer', expires_in: this.ttlSeconds, scope: 'imchat:bot', api_url: apiUrl });
      return;
    }
    // A General (Team Chat) app has no account_credentials grant: that grant is Server-to-Server
    // OAuth only (https://developers.zoom.us/docs/internal-apps/s2s-oauth/), so it falls through
    // to Zoom's "unsupported grant type" below.
    if (grant === 'authorization_code') {
      const code = params.code ? this.codes.get(params.code) : undefined;
      if (!code || code.used || code.expiresAt <= Date.now() || code.clientId !== app.clientId) {
        res.status(400).json({ reason: 'Invalid authorization code', error: 'invalid_grant' });
        return;
      }
      if (params.redirect_uri !== code.redirectUri) {
        res.status(400).json({ reason: 'Redirect URI mismatch.', error: 'invalid_request' });
        return;
      }
      if (code.codeChallenge) {
        const verifier = params.code_verifier ?? '';
        const computed = createHash('sha256').update(verifier).digest('base64url');
        const ok = code.codeChallengeMethod?.toUpperCase() === 'PLAIN' ? verifier === code.codeChallenge : computed === code.codeChallenge;
        if (!ok) {
          res.status(400).json({ reason: 'Invalid code_verifier', error: 'invalid_request' });
          return;
        }
      }
      code.used = true;
      this.userGrant(res, { kind: 'user', clientId: app.clientId, accountId: code.accountId, userId: code.userId, scopes: USER_SCOPES });
      return;
    }
    if (grant === 'refresh_token') {
      const record = params.refresh_token ? this.refreshTokens.get(params.refresh_token) : undefined;
      if (!record || record.clientId !== app.clientId) {
        res.status(400).json({ reason: 'Invalid Token!', error: 'invalid_grant' });
        return;
      }
      this.refreshTokens.delete(params.refresh_token!);
      this.userGrant(res, record);
      return;
    }
    res.status(400).json({ reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
  }

  /**
   * A Server-to-Server OAuth app's only grant: `account_credentials` for its own account, an
   * hour-long token with no refresh token, carrying the scopes the admin gave the app.
   */
  private s2sToken(res: Response, account: ZoomSimAccount, clientSecret: string | undefined, params: Record<string, string>): void {
    if (account.s2sApp.clientSecret !== clientSecret) {
      res.status(401).json({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
      return;
    }
    if (params.grant_type !== 'account_credentials') {
      res.status(400).json({ reason: 'Unsupported grant type', error: 'unsupported_grant_type' });
      return;
    }
    if (params.account_id !== account.accountId) {
      res.status(400).json({ reason: 'Invalid account_id', error: 'invalid_request' });
      return;
    }
    const scopes = account.s2sApp.scopes;
    const accessToken = this.issue({ kind: 'account', clientId: account.s2sApp.clientId, accountId: account.accountId, scopes });
    res.json({ access_token: accessToken, token_type: 'bearer', expires_in: this.ttlSeconds, scope: scopes.join(' '), api_url: this.url });
  }

  private userGrant(res: Response, record: Omit<TokenRecord, 'expiresAt'>): void {
    const accessToken = this.issue(record);
    const refreshToken = `zsim.refresh.${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.set(refreshToken, record);
    res.json({
      access_token: accessToken,
      token_type: 'bearer',
      refresh_token: refreshToken,
      expires_in: this.ttlSeconds,
      scope: record.scopes.join(' '),
      api_url: this.url,
    });
  }

  private authorize(req: Request, res: Response): void {
    const q = req.query as Record<string, string | undefined>;
    const app = q.client_id ? this.appByClientId(q.client_id) : undefined;
    if (q.response_type !== 'code' || !app || !q.redirect_uri) {
      res.status(400).type('text/plain').send('Invalid client_id, redirect_uri or response_type (4700)');
      return;
    }
    if (q.code_challenge && (q.code_challenge_method ?? 'plain').toUpperCase() !== 'S256' && q.code_challenge_method?.toLowerCase() !== 'plain') {
      res.status(400).type('text/plain').send('Unsupported code_challenge_method');
      return;
    }
    const who = this.resolveAuthorizingUser(app, q.login_hint);
    if (!who) {
      res.status(400).type('text/plain').send('No simulated user to sign in: seed a user or pass login_hint');
      return;
    }
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, {
      clientId: app.clientId,
      accountId: who.accountId,
      userId: who.userId,
      redirectUri: q.redirect_uri,
      codeChallenge: q.code_challenge,
      codeChallengeMethod: q.code_challenge_method,
      expiresAt: Date.now() + 5 * 60_000,
      used: false,
    });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    res.redirect(302, target.toString());
  }

  private resolveAuthorizingUser(app: ZoomSimApp, loginHint?: string): { accountId: string; userId: string } | undefined {
    for (const account of this.accounts.values()) {
      if (account.app.clientId !== app.clientId) continue;
      if (loginHint) {
        const user = this.findUser(account, loginHint);
        if (user) return { accountId: account.accountId, userId: user.id };
      }
    }
    if (loginHint) return undefined;
    if (this.authorizingUser) return this.authorizingUser;
    const account = [...this.accounts.values()].find((a) => a.app.clientId === app.clientId && a.users.length > 0);
    const user = account?.users.find((u) => u.status === 'active');
    return account && user ? { accountId: account.accountId, userId: user.id } : undefined;
  }

  // ---- chatbot messages ---------------------------------------------------------------------

  private botToken(req: Request, res: Response): { token: TokenRecord; app: ZoomSimApp } | undefined {
    const token = this.auth(req, res, 'imchat:bot');
    if (!token) return undefined;
    if (token.kind !== 'bot') {
      zerr(res, 401, 7010, 'Invalid authorization token: a chatbot token is required.');
      return undefined;
    }
    return { token, app: this.appByClientId(token.clientId)! };
  }

  private validContent(content: unknown): content is ZoomCardContent {
    if (!content || typeof content !== 'object') return false;
    const c = content as ZoomCardContent;
    if (c.head !== undefined && typeof c.head?.text !== 'string') return false;
    if (c.body !== undefined && (!Array.isArray(c.body) || c.body.some((b) => typeof b?.type !== 'string'))) return false;
    return c.head !== undefined || (c.body?.length ?? 0) > 0;
  }

  private sendBotMessage(req: Request, res: Response): void {
    const ctx = this.botToken(req, res);
    if (!ctx) return;
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const field of ['robot_jid', 'to_jid', 'account_id', 'content']) {
      if (b[field] === undefined || b[field] === '') return zerr(res, 400, 7001, `Invalid request: ${field} is required.`);
    }
    if (b.robot_jid !== ctx.app.botJid) return zerr(res, 403, 7003, 'Chatbot not allowed: robot_jid does not belong to this app.');
    const account = this.accounts.get(String(b.account_id));
    if (!account || account.app.clientId !== ctx.app.clientId) return zerr(res, 403, 7004, 'The chatbot is not installed on this account.');
    const toJid = String(b.to_jid);
    if (!this.jidExists(account, toJid)) return zerr(res, 404, 7002, `Recipient not found: ${toJid}`);
    if (!this.validContent(b.content)) return zerr(res, 400, 7001, 'Invalid request: content must have a head or a non-empty body.');
    const message: ZoomSimBotMessage = {
      messageId: zoomMessageId(),
      accountId: account.accountId,
      robotJid: ctx.app.botJid,
      toJid,
      userJid: typeof b.user_jid === 'string' ? b.user_jid : undefined,
      visibleToUser: typeof b.visible_to_user === 'string' ? b.visible_to_user : undefined,
      replyTo: typeof b.reply_to === 'string' ? b.reply_to : undefined,
      content: b.content as ZoomCardContent,
      isMarkdownSupport: b.is_markdown_support === true,
      sentAt: new Date(),
      edits: 0,
      deleted: false,
    };
    this.botMessages.set(message.messageId, message);
    res.status(201).json({
      message_id: message.messageId,
      robot_jid: message.robotJid,
      sent_time: message.sentAt.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ''),
      to_jid: message.toJid,
      user_jid: message.userJid ?? message.toJid,
    });
  }

  private editBotMessage(req: Request, res: Response): void {
    const ctx = this.botToken(req, res);
    if (!ctx) return;
    const b = (req.body ?? {}) as Record<string, unknown>;
    for (const field of ['robot_jid', 'content']) {
      if (b[field] === undefined || b[field] === '') return zerr(res, 400, 7001, `Invalid request: ${field} is required.`);
    }
    const message = this.botMessages.get(String(req.params.messageId));
    if (!message || message.deleted || message.robotJid !== b.robot_jid) return zerr(res, 404, 7002, 'Message not found.');
    if (!this.validContent(b.content)) return zerr(res, 400, 7001, 'Invalid request: content must have a head or a non-empty body.');
    message.content = b.content as ZoomCardContent;
    message.isMarkdownSupport = b.is_markdown_support === true;
    message.edits += 1;
    res.status(204).end();
  }

  private deleteBotMessage(req: Request, res: Response): void {
    const ctx = this.botToken(req, res);
    if (!ctx) return;
    const q = req.query as Record<string, string | undefined>;
    if (!q.robot_jid) return zerr(res, 400, 7001, 'Invalid request: robot_jid is required.');
    const message = this.botMessages.get(String(req.params.messageId));
    if (!message || message.deleted || message.robotJid !== q.robot_jid) return zerr(res, 404, 7002, 'Message not found.');
    message.deleted = true;
    res.status(204).end();
  }

  private jidExists(account: ZoomSimAccount, jid: string): boolean {
    if (jid.includes('@conference.')) return account.channels.has(jid.replace(/@conference\..*$/, ''));
    return account.users.some((u) => userJidOf(u.id) === jid.toLowerCase() && u.status === 'active');
  }

  // ---- user chat messages -------------------------------------------------------------------

  private userToken(req: Request, res: Response, scope: string | string[]): { token: TokenRecord; account: ZoomSimAccount; me: ZoomSimUser } | undefined {
    const token = this.auth(req, res, scope);
    if (!token) return undefined;
    if (token.kind !== 'user' || !token.accountId || !token.userId) {
      zerr(res, 400, 4711, 'This API requires a user-level access token.');
      return undefined;
    }
    const account = this.account(token.accountId);
    return { token, account, me: this.user(token.accountId, token.userId) };
  }

  private sendUserMessage(req: Request, res: Response): void {
    const ctx = this.userToken(req, res, 'chat_message:write');
    if (!ctx) return;
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.message !== 'string' || b.message.length === 0) return zerr(res, 400, 300, 'Message is required.');
    if (b.message.length > 4096) return zerr(res, 400, 300, 'Message is too long.');
    if (!!b.to_contact === !!b.to_channel) return zerr(res, 400, 300, 'Either to_contact or to_channel is required.');
    let toContact: string | undefined;
    if (b.to_contact) {
      const contact = this.findUser(ctx.account, String(b.to_contact));
      if (!contact) return zerr(res, 404, 1001, `User does not exist: ${String(b.to_contact)}.`);
      toContact = contact.id;
    } else {
      const channel = ctx.account.channels.get(String(b.to_channel));
      if (!channel) return zerr(res, 404, 4130, `Channel does not exist: ${String(b.to_channel)}.`);
      if (!channel.members.has(ctx.me.id)) return zerr(res, 403, 4130, 'You are not a member of this channel.');
    }
    const atItems = b.at_items as ZoomAtItem[] | undefined;
    if (atItems !== undefined) {
      if (!Array.isArray(atItems)) return zerr(res, 400, 300, 'at_items must be an array.');
      for (const item of atItems) {
        const bad =
          typeof item?.start_position !== 'number' ||
          typeof item.end_position !== 'number' ||
          item.start_position < 0 ||
          item.end_position < item.start_position ||
          item.end_position > (b.message as string).length ||
          (item.at_type === 1 && !item.at_contact);
        if (bad) return zerr(res, 400, 300, 'Invalid at_items.');
      }
    }
    const msg: ZoomSimUserMessage = {
      id: zoomMessageId(),
      accountId: ctx.account.accountId,
      senderId: ctx.me.id,
      toContact,
      toChannel: b.to_channel ? String(b.to_channel) : undefined,
      message: b.message,
      atItems,
      richText: b.rich_text as ZoomRichText[] | undefined,
      replyMainMessageId: typeof b.reply_main_message_id === 'string' ? b.reply_main_message_id : undefined,
      sentAt: new Date(),
      edits: 0,
      deleted: false,
      viaApi: true,
    };
    this.userMessages.set(msg.id, msg);
    res.status(201).json({ id: msg.id });
    this.announce('team_chat.dm_message_posted', msg);
  }

  /** What `GET /chat/users/me/messages` needs of the simulator's state. */
  private userMessageList(): UserMessageListHost {
    return {
      caller: (req, res) => this.userToken(req, res, ['chat_message:read', 'team_chat:read:list_user_messages']),
      findUser: (account, idOrEmail) => this.findUser(account, idOrEmail),
      messages: () => this.userMessages.values(),
      fail: (res, status, code, message) => zerr(res, status, code, message),
    };
  }

  private ownMessage(ctx: { me: ZoomSimUser }, id: string, res: Response): ZoomSimUserMessage | undefined {
    const msg = this.userMessages.get(id);
    if (!msg || msg.deleted || msg.senderId !== ctx.me.id) {
      zerr(res, 404, 5301, 'Message does not exist.');
      return undefined;
    }
    return msg;
  }

  private editUserMessage(req: Request, res: Response): void {
    const ctx = this.userToken(req, res, 'chat_message:write');
    if (!ctx) return;
    const msg = this.ownMessage(ctx, String(req.params.messageId), res);
    if (!msg) return;
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.message !== 'string' || b.message.length === 0) return zerr(res, 400, 300, 'Message is required.');
    if (!b.to_contact && !b.to_channel) return zerr(res, 400, 300, 'Either to_contact or to_channel is required.');
    msg.message = b.message;
    msg.richText = b.rich_text as ZoomRichText[] | undefined;
    msg.atItems = b.at_items as ZoomAtItem[] | undefined;
    msg.edits += 1;
    res.status(204).end();
    this.announce('team_chat.dm_message_updated', msg);
  }

  private deleteUserMessage(req: Request, res: Response): void {
    const ctx = this.userToken(req, res, 'chat_message:write');
    if (!ctx) return;
    const q = req.query as Record<string, string | undefined>;
    if (!q.to_contact && !q.to_channel) return zerr(res, 400, 300, 'Either to_contact or to_channel is required.');
    const msg = this.ownMessage(ctx, String(req.params.messageId), res);
    if (!msg) return;
    msg.deleted = true;
    res.status(204).end();
    this.announce('team_chat.dm_message_deleted', msg);
  }

  // ---- users --------------------------------------------------------------------------------

  private userJson(account: ZoomSimAccount, u: ZoomSimUser): Record<string, unknown> {
    return {
      id: u.id,
      first_name: u.firstName,
      last_name: u.lastName,
      display_name: u.displayName,
      email: u.email,
      type: u.type,
      status: u.status,
      dept: u.dept ?? '',
      location: u.location ?? '',
      pic_url: u.picUrl ?? '',
      timezone: 'America/New_York',
      verified: 1,
      language: 'en-US',
      role_id: '2',
      account_id: account.accountId,
      jid: userJidOf(u.id),
      user_created_at: '2024-01-01T00:00:00Z',
    };
  }

  private listUsers(req: Request, res: Response): void {
    const token = this.auth(req, res, ['user:read:admin', 'user:read:list_users:admin']);
    if (!token) return;
    if (token.kind !== 'account' || !token.accountId) return zerr(res, 400, 4711, 'Invalid access token, does not contain scopes:[user:read:list_users:admin].');
    const account = this.account(token.accountId);
    const q = req.query as Record<string, string | undefined>;
    const status = q.status ?? 'active';
    if (!['active', 'inactive', 'pending'].includes(status)) return zerr(res, 400, 300, `Invalid field: status.`);
    const pageSize = Math.min(Math.max(Number(q.page_size ?? 30) || 30, 1), 300);
    let offset = 0;
    if (q.next_page_token) {
      const decoded = /^(\w+):(\d+)$/.exec(Buffer.from(q.next_page_token, 'base64url').toString('utf8'));
      if (!decoded || decoded[1] !== status) return zerr(res, 400, 300, 'Invalid next_page_token.');
      offset = Number(decoded[2]);
    }
    const all = account.users.filter((u) => u.status === status);
    const page = all.slice(offset, offset + pageSize);
    const next = offset + pageSize < all.length ? Buffer.from(`${status}:${offset + pageSize}`).toString('base64url') : '';
    res.json({
      page_count: Math.ceil(all.length / pageSize),
      page_number: Math.floor(offset / pageSize) + 1,
      page_size: pageSize,
      total_records: all.length,
      next_page_token: next,
      users: page.map((u) => this.userJson(account, u)),
    });
  }

  private getUser(req: Request, res: Response): void {
    const token = this.auth(req, res, ['user:read', 'user:read:user']);
    if (!token) return;
    const account = this.account(token.accountId ?? '');
    const wanted = req.params.userId === 'me' ? token.userId : String(req.params.userId);
    if (req.params.userId !== 'me' && token.kind !== 'account' && wanted !== token.userId) {
      return zerr(res, 400, 4711, 'Invalid access token, does not contain scopes:[user:read:admin].');
    }
    const user = wanted ? this.findUser(account, wanted) : undefined;
    if (!user) return zerr(res, 404, 1001, 'User does not exist.');
    res.json(this.userJson(account, user));
  }

  // ---- channel members ----------------------------------------------------------------------

  /** Account tokens act as an admin; user tokens must belong to a channel owner or admin. */
  private channelAccess(req: Request, res: Response, scope: string | string[], write: boolean): { account: ZoomSimAccount; channel: ZoomSimChannel } | undefined {
    const token = this.auth(req, res, scope);
    if (!token) return undefined;
    if (!token.accountId) {
      zerr(res, 400, 4711, `Invalid access token, does not contain scopes:[${[scope].flat().join(', ')}].`);
      return undefined;
    }
    const account = this.account(token.accountId);
    const channel = account.channels.get(String(req.params.channelId));
    if (!channel) {
      zerr(res, 404, 4130, `Channel does not exist: ${String(req.params.channelId)}.`);
      return undefined;
    }
    if (token.kind === 'user') {
      const role = channel.members.get(token.userId!);
      if (!role || (write && role === 'member')) {
        zerr(res, 403, 4130, 'Only channel owners and administrators can do this.');
        return undefined;
      }
    }
    return { account, channel };
  }

  private listMembers(req: Request, res: Response): void {
    const ctx = this.channelAccess(req, res, ['chat_channel:read', 'team_chat:read:list_members'], false);
    if (!ctx) return;
    const q = req.query as Record<string, string | undefined>;
    const pageSize = Math.min(Math.max(Number(q.page_size ?? 30) || 30, 1), 100);
    const offset = q.next_page_token ? Number(Buffer.from(q.next_page_token, 'base64url').toString('utf8')) || 0 : 0;
    const entries = [...ctx.channel.members.entries()];
    const page = entries.slice(offset, offset + pageSize);
    res.json({
      members: page.map(([userId, role]) => {
        const u = this.findUser(ctx.account, userId);
        return {
          id: userId,
          email: u?.email ?? '',
          first_name: u?.firstName ?? '',
          last_name: u?.lastName ?? '',
          name: u?.displayName ?? '',
          member_id: u?.memberId ?? '',
          role,
          is_external: false,
        };
      }),
      next_page_token: offset + pageSize < entries.length ? Buffer.from(String(offset + pageSize)).toString('base64url') : '',
      page_size: pageSize,
      total_records: entries.length,
    });
  }

  /** Removes a member (by user id, email or member id): 204, or 404 when they are not in the channel. */
  private removeMember(req: Request, res: Response): void {
    const ctx = this.channelAccess(req, res, ['chat_channel:write', 'team_chat:delete:member'], true);
    if (!ctx) return;
    const identifier = String(req.params.identifier);
    const user = this.findUser(ctx.account, identifier) ?? ctx.account.users.find((u) => u.memberId === identifier);
    if (!user || !ctx.channel.members.has(user.id)) return zerr(res, 404, 4130, `Member does not exist: ${identifier}.`);
    if (ctx.channel.members.get(user.id) === 'owner') return zerr(res, 400, 300, 'The channel owner cannot be removed.');
    ctx.channel.members.delete(user.id);
    res.status(204).end();
  }

  private channelJson(channel: ZoomSimChannel) {
    // Rivet `ChatChannelsAccountLevelListAccountsPublicChannelsResponse`: id, jid, name, type (3 = public).
    return { id: channel.id, jid: channelJidOf(channel.id), name: channel.name, type: 3 };
  }

  /** `GET /chat/channels`: the account's channels, paged by `next_page_token`. */
  private listChannels(req: Request, res: Response): void {
    const token = this.auth(req, res, ['chat_channel:read', 'team_chat:read:list_channels']);
    if (!token) return;
    if (!token.accountId) return zerr(res, 400, 4711, 'Invalid access token, does not contain scopes:[chat_channel:read:admin].');
    const q = req.query as Record<string, string | undefined>;
    const pageSize = Math.min(Math.max(Number(q.page_size ?? 10) || 10, 1), 100);
    const offset = q.next_page_token ? Number(Buffer.from(q.next_page_token, 'base64url').toString('utf8')) || 0 : 0;
    const all = [...this.account(token.accountId).channels.values()];
    res.json({
      channels: all.slice(offset, offset + pageSize).map((c) => this.channelJson(c)),
      next_page_token: offset + pageSize < all.length ? Buffer.from(String(offset + pageSize)).toString('base64url') : '',
      page_size: pageSize,
      total_records: all.length,
    });
  }

  /** `GET /chat/channels/{channelId}`. */
  private getChannel(req: Request, res: Response): void {
    const ctx = this.channelAccess(req, res, ['chat_channel:read', 'team_chat:read:channel'], false);
    if (!ctx) return;
    res.json(this.channelJson(ctx.channel));
  }

  /**
   * `POST /chat/users/{userId}/channels/{channelId}/admins`: promotes members, on behalf of the
   * channel's owner or an admin (`{userId}`); body `{admins:[{email}|{member_id}]}` (at most 10).
   */
  private promoteAdmins(req: Request, res: Response): void {
    const ctx = this.channelAccess(req, res, ['chat_channel:write', 'team_chat:write:administrator'], true);
    if (!ctx) return;
    const actor = this.findUser(ctx.account, String(req.params.userId));
    if (!actor) return zerr(res, 404, 1001, `User does not exist: ${String(req.params.userId)}.`);
    const actorRole = ctx.channel.members.get(actor.id);
    if (actorRole !== 'owner' && actorRole !== 'admin') return zerr(res, 400, 300, 'Only the channel owner or an administrator can promote members.');
    this.addMembers(req, res, 'admins', ctx);
  }

  private addMembers(req: Request, res: Response, kind: 'members' | 'admins', checked?: { account: ZoomSimAccount; channel: ZoomSimChannel }): void {
    const ctx =
      checked ??
      this.channelAccess(req, res, kind === 'members' ? ['chat_channel:write', 'team_chat:write:members'] : ['chat_channel:write', 'team_chat:write:administrator'], true);
    if (!ctx) return;
    const list = ((req.body ?? {}) as Record<string, unknown>)[kind];
    if (!Array.isArray(list) || list.length === 0) return zerr(res, 400, 300, `${kind} is required.`);
    if (list.length > (kind === 'members' ? 5 : 10)) return zerr(res, 400, 300, `Too many ${kind} in one request.`);
    const users: ZoomSimUser[] = [];
    for (const entry of list as Array<{ email?: string; member_id?: string }>) {
      const user = entry.email
        ? this.findUser(ctx.account, entry.email)
        : ctx.account.users.find((u) => u.memberId === entry.member_id);
      if (!user) return zerr(res, 404, 1001, `User does not exist: ${entry.email ?? entry.member_id ?? ''}.`);
      users.push(user);
    }
    const changed: ZoomSimUser[] = [];
    for (const user of users) {
      const role = ctx.channel.members.get(user.id);
      if (kind === 'members') {
        if (role) continue;
        ctx.channel.members.set(user.id, 'member');
        changed.push(user);
      } else {
        if (!role) return zerr(res, 400, 300, `User is not a channel member: ${user.email}.`);
        if (role !== 'member') continue;
        ctx.channel.members.set(user.id, 'admin');
        changed.push(user);
      }
    }
    res.status(201).json({
      ids: changed.map((u) => u.id).join(','),
      member_ids: changed.map((u) => u.memberId).join(','),
      added_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
  }
}

/** Creates and starts a Zoom simulator on a free loopback port. */
export async function createZoomSimulator(options: ZoomSimulatorOptions = {}): Promise<ZoomSimulator> {
  const simulator = new ZoomSimulator(options);
  await simulator.start(options.port ?? 0);
  return simulator;
}
