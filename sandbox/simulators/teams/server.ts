/**
 * Simulated Microsoft Teams: Bot Connector (`/connector/v3/...`), Microsoft identity platform
 * (`/login/...`, plus the Bot Framework OpenID metadata and signing keys under `/botframework/...`)
 * and Microsoft Graph (`/graph/v1.0/...`) on one `SimServer`. It issues and checks its own tokens,
 * signs inbound activities with an RSA key it publishes, and keeps tenants, users, teams,
 * conversations and messages in memory so tests and the sandbox can seed and inspect them.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { deliver, SimServer } from '../sim-core.js';
import { teamsUnknownRoute } from './unknown-route.js';
import type { AppConfig } from '../../../src/config.js';

/** The Bot Framework token issuer, as the real channel service signs it. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';
const CONNECTOR_SCOPE = 'https://api.botframework.com/.default';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const TOKEN_TTL_SECONDS = 3600;

/** A person in a simulated tenant, with the Graph profile fields Crosstalk reads. */
export interface SimTeamsUser {
  /** Entra (AAD) object id, a GUID: Graph `id` and activity `from.aadObjectId`. */
  id: string;
  /** The Teams user id the Bot Connector uses (`29:…`). */
  mri: string;
  displayName: string;
  mail: string;
  userPrincipalName: string;
  officeLocation?: string;
  department?: string;
  accountEnabled: boolean;
}

/** A team with channels; member roles are Graph's (`["owner"]` or `[]`). */
export interface SimTeam {
  id: string;
  displayName: string;
  members: Map<string, string[]>;
  channels: Map<string, { id: string; displayName: string; membershipType: 'standard' | 'private' | 'shared'; members: Map<string, string[]> }>;
}

/** A tenant (a Crosstalk "workspace" on Teams). */
export interface SimTenant {
  id: string;
  name: string;
  users: Map<string, SimTeamsUser>;
  teams: Map<string, SimTeam>;
  /** App ids (client ids) an admin consented to; only these get Graph tokens here. */
  consentedApps: Set<string>;
}

/** An app registration: the bot's Microsoft app id and client secret. */
export interface SimApp {
  appId: string;
  password: string;
  botName: string;
  /** Registered OAuth redirect URIs; empty accepts any (sandbox convenience). */
  redirectUris: string[];
}

/** An activity the bot posted (or a user message the simulator delivered). */
export interface SimActivity {
  id: string;
  type: string;
  text?: string;
  textFormat?: string;
  attachments?: unknown[];
  entities?: unknown[];
  from?: { id: string; name?: string };
  deleted?: boolean;
  raw: Record<string, unknown>;
}

/** A personal (1:1) bot conversation. */
export interface SimConversation {
  id: string;
  tenantId: string;
  botId: string;
  userId: string;
  activities: Map<string, SimActivity>;
}

/** A Graph chat between users, used when a person posts with their own token. */
export interface SimChat {
  id: string;
  tenantId: string;
  memberIds: string[];
  messages: Map<string, { id: string; from: string; contentType: string; content: string; deleted: boolean; lastModified: string }>;
}

type IssuedToken =
  | { kind: 'connector'; appId: string; exp: number }
  | { kind: 'graph-app'; appId: string; tenantId: string; exp: number }
  | { kind: 'graph-user'; appId: string; tenantId: string; userId: string; scopes: string[]; exp: number };

interface PendingCode {
  appId: string;
  tenantId: string;
  userId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  codeChallengeMethod?: string;
  exp: number;
}

/** How an inbound activity's `Authorization` header is made. */
export type InboundAuth = 'valid' | 'forged' | 'expired' | 'wrong-audience' | 'none';

/** Options for `createTeamsSimulator`. */
export interface TeamsSimulatorOptions {
  /** Seed the default demo tenant (`contoso`) and app; default true. */
  seed?: boolean;
}

/** Options shared by the inbound helpers. */
export interface InboundOptions {
  auth?: InboundAuth;
  /** Override the activity id (e.g. to resend the same activity as a duplicate). */
  id?: string;
}

/** Result of an inbound delivery: the bot's HTTP answer and the activity that was sent. */
export interface DeliveryResult {
  status: number;
  text: string;
  activity: Record<string, unknown>;
}

function guidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function mriFor(userId: string): string {
  return `29:1${createHash('sha256').update(`mri:${userId}`).digest('base64url').slice(0, 40)}`;
}

function aadError(res: Response, status: number, error: string, description: string): void {
  res.status(status).json({
    error,
    error_description: description,
    error_codes: [status === 401 ? 7000215 : 50000],
    timestamp: new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z',
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}

function connectorError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message } });
}

function graphError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({
    error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': randomUUID(), 'client-request-id': randomUUID() } },
  });
}

function bearer(req: Request): string | undefined {
  const h = req.headers.authorization;
  if (!h || !/^Bearer /i.test(h)) return undefined;
  return h.slice(7).trim();
}

/** The simulated Teams platform; see the module comment. */
export class TeamsSimulator {
  readonly sim = new SimServer('teams');
  readonly tenants = new Map<string, SimTenant>();
  readonly apps = new Map<string, SimApp>();
  readonly conversations = new Map<string, SimConversation>();
  readonly chats = new Map<string, SimChat>();
  /** Who signs in at the authorize page when the request has no `login_hint` (id or email). */
  authorizingUser?: string;
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, { appId: string; tenantId: string; userId: string; scopes: string[] }>();
  private signingKey!: CryptoKey;
  private forgeryKey!: CryptoKey;
  private jwk!: JWK;
  private readonly kid = `sim-${randomBytes(6).toString('hex')}`;
  private activitySeq = Date.now();
  private https?: HttpsServer;

  /** The app the sandbox runs as (the first registered). */
  get defaultApp(): SimApp {
    const app = this.apps.values().next().value;
    if (!app) throw new Error('teams simulator: no app registered');
    return app;
  }

  get url(): string {
    return this.sim.url;
  }
  /** What activities carry as `serviceUrl` (trailing slash, as Teams sends it). */
  get serviceUrl(): string {
    return `${this.sim.url}/connector/`;
  }
  get loginUrl(): string {
    return `${this.sim.url}/login`;
  }
  get graphUrl(): string {
    return `${this.sim.url}/graph/v1.0`;
  }
  get openIdMetadataUrl(): string {
    return `${this.sim.url}/botframework/v1/.well-known/openidconfiguration`;
  }

  async init(options: TeamsSimulatorOptions): Promise<void> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    this.signingKey = privateKey;
    this.jwk = await exportJWK(publicKey);
    this.forgeryKey = (await generateKeyPair('RS256')).privateKey;
    this.routes();
    if (options.seed !== false) this.seedDemo();
  }

  /** The values for `AppConfig.teams` that point the real adapter at this simulator. */
  sandboxSettings(): AppConfig['teams'] {
    const app = this.defaultApp;
    return {
      configured: false,
      sandbox: true,
      appId: app.appId,
      appPassword: app.password,
      tenantId: undefined,
      appType: 'MultiTenant',
      graphUrl: this.graphUrl,
      loginUrl: this.loginUrl,
      openIdMetadata: this.openIdMetadataUrl,
      serviceUrl: this.serviceUrl,
    };
  }

  // ---- seeding ----------------------------------------------------------------------------

  /** Registers an app (bot) registration. */
  addApp(app: Partial<SimApp> & { appId?: string }): SimApp {
    const full: SimApp = {
      appId: app.appId ?? randomUUID(),
      password: app.password ?? `sim~${randomBytes(18).toString('base64url')}`,
      botName: app.botName ?? 'Crosstalk',
      redirectUris: app.redirectUris ?? [],
    };
    this.apps.set(full.appId, full);
    for (const t of this.tenants.values()) t.consentedApps.add(full.appId);
    return full;
  }

  /** Adds a tenant; every registered app is consented unless `consentedApps` says otherwise. */
  addTenant(t: { id?: string; name: string; consentedApps?: string[] }): SimTenant {
    const tenant: SimTenant = {
      id: t.id ?? guidFrom(`tenant:${t.name}`),
      name: t.name,
      users: new Map(),
      teams: new Map(),
      consentedApps: new Set(t.consentedApps ?? [...this.apps.keys()]),
    };
    this.tenants.set(tenant.id, tenant);
    return tenant;
  }

  /** Adds a user to a tenant; ids are derived from the email unless given. */
  addUser(tenantId: string, u: Partial<SimTeamsUser> & { displayName: string; mail: string }): SimTeamsUser {
    const tenant = this.tenant(tenantId);
    const id = u.id ?? guidFrom(`user:${tenantId}:${u.mail.toLowerCase()}`);
    const user: SimTeamsUser = {
      id,
      mri: u.mri ?? mriFor(id),
      displayName: u.displayName,
      mail: u.mail,
      userPrincipalName: u.userPrincipalName ?? u.mail,
      officeLocation: u.officeLocation,
      department: u.department,
      accountEnabled: u.accountEnabled ?? true,
    };
    tenant.users.set(id, user);
    return user;
  }

  /** Adds a team (with optional channels) to a tenant. */
  addTeam(tenantId: string, t: { id?: string; displayName: string; channels?: Array<{ id?: string; displayName: string; membershipType?: 'standard' | 'private' | 'shared' }> }): SimTeam {
    const tenant = this.tenant(tenantId);
    const team: SimTeam = { id: t.id ?? guidFrom(`team:${tenantId}:${t.displayName}`), displayName: t.displayName, members: new Map(), channels: new Map() };
    for (const c of t.channels ?? []) {
      const id = c.id ?? `19:${createHash('sha256').update(`${team.id}:${c.displayName}`).digest('hex').slice(0, 32)}@thread.tacv2`;
      team.channels.set(id, { id, displayName: c.displayName, membershipType: c.membershipType ?? 'private', members: new Map() });
    }
    tenant.teams.set(team.id, team);
    return team;
  }

  /** Creates a Graph one-on-one chat between two users (for user-token posts). */
  addChat(tenantId: string, memberIds: string[]): SimChat {
    const id = `19:${[...memberIds].sort().join('_')}@unq.gbl.spaces`;
    const existing = this.chats.get(id);
    if (existing) return existing;
    const chat: SimChat = { id, tenantId, memberIds, messages: new Map() };
    this.chats.set(id, chat);
    return chat;
  }

  tenant(id: string): SimTenant {
    const t = this.tenants.get(id);
    if (!t) throw new Error(`teams simulator: unknown tenant ${id}`);
    return t;
  }

  /** Finds a user by Entra id, Teams id (`29:…`), email or UPN, in one tenant or any. */
  findUser(idOrEmail: string, tenantId?: string): { tenant: SimTenant; user: SimTeamsUser } | undefined {
    const wanted = idOrEmail.toLowerCase();
    for (const tenant of this.tenants.values()) {
      if (tenantId && tenant.id !== tenantId) continue;
      for (const user of tenant.users.values()) {
        if ([user.id, user.mri.toLowerCase(), user.mail.toLowerCase(), user.userPrincipalName.toLowerCase()].includes(wanted)) {
          return { tenant, user };
        }
      }
    }
    return undefined;
  }

  /** The bot's personal conversation with a user, created on first use (Teams keeps one per pair). */
  personalConversation(tenantId: string, userId: string, appId = this.defaultApp.appId): SimConversation {
    const found = this.findUser(userId, tenantId);
    if (!found) throw new Error(`teams simulator: unknown user ${userId}`);
    const id = `a:1${createHash('sha256').update(`${appId}:${found.user.id}`).digest('base64url')}`;
    let conv = this.conversations.get(id);
    if (!conv) {
      conv = { id, tenantId, botId: `28:${appId}`, userId: found.user.id, activities: new Map() };
      this.conversations.set(id, conv);
    }
    return conv;
  }

  /** Messages the bot posted into a conversation (what the user sees), oldest first. */
  botMessages(conversationId: string): SimActivity[] {
    const conv = this.conversations.get(conversationId);
    if (!conv) return [];
    return [...conv.activities.values()].filter((a) => a.from?.id?.startsWith('28:'));
  }

  private seedDemo(): void {
    const app = this.addApp({ appId: '8c4f1e52-3b7a-4d0e-9f61-2a5b7c9d0e11', botName: 'Crosstalk' });
    const contoso = this.addTenant({ id: '72f988bf-86f1-41af-91ab-2d7cd011db47', name: 'Contoso', consentedApps: [app.appId] });
    const people: Array<[string, string, string, string]> = [
      ['Megan Bowen', 'megan.bowen@contoso.com', 'Building 1', 'Marketing'],
      ['Adele Vance', 'adele.vance@contoso.com', 'Building 2', 'Retail'],
      ['Lee Gu', 'lee.gu@contoso.com', 'Building 1', 'Manufacturing'],
      ['Isaiah Langer', 'isaiah.langer@contoso.com', 'Building 3', 'Sales'],
      ['Nestor Wilke', 'nestor.wilke@contoso.com', 'Building 2', 'Operations'],
    ];
    for (const [displayName, mail, officeLocation, department] of people) {
      this.addUser(contoso.id, { displayName, mail, officeLocation, department });
    }
    this.addTeam(contoso.id, { displayName: 'All Company', channels: [{ displayName: 'Leadership', membershipType: 'private' }] });
  }

  // ---- tokens -------------------------------------------------------------------------------

  private issue(token: IssuedToken): string {
    const value = `eyJ0eXAiOiJKV1QiLCJzaW0iOiJ0ZWFtcyJ9.${randomBytes(24).toString('base64url')}`;
    this.tokens.set(value, token);
    return value;
  }

  private check<K extends IssuedToken['kind']>(req: Request, kinds: K[]): Extract<IssuedToken, { kind: K }> | undefined {
    const value = bearer(req);
    if (!value) return undefined;
    const token = this.tokens.get(value);
    if (!token || token.exp < Date.now() / 1000 || !kinds.includes(token.kind as K)) return undefined;
    return token as Extract<IssuedToken, { kind: K }>;
  }

  /** Makes an outstanding token fail from now on (a revoked or expired user token). */
  revokeToken(value: string): void {
    this.tokens.delete(value);
  }

  /** Issues a user Graph token directly (tests that skip the OAuth dance). */
  issueUserToken(tenantId: string, userId: string, scopes = ['Chat.ReadWrite', 'User.Read']): string {
    return this.issue({ kind: 'graph-user', appId: this.defaultApp.appId, tenantId, userId, scopes, exp: Date.now() / 1000 + TOKEN_TTL_SECONDS });
  }

  /** Signs an inbound activity the way the Bot Framework channel service does. */
  async signInbound(serviceUrl: string, auth: InboundAuth = 'valid', appId = this.defaultApp.appId): Promise<string | undefined> {
    if (auth === 'none') return undefined;
    const now = Math.floor(Date.now() / 1000);
    // botbuilder allows 5 minutes of clock skew, so an "expired" token is well past that.
    const exp = auth === 'expired' ? now - 15 * 60 : now + 5 * 60;
    const iat = auth === 'expired' ? now - 20 * 60 : now;
    const jwt = await new SignJWT({ serviceurl: serviceUrl })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(BOT_FRAMEWORK_ISSUER)
      .setAudience(auth === 'wrong-audience' ? randomUUID() : appId)
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(exp)
      .sign(auth === 'forged' ? this.forgeryKey : this.signingKey);
    return `Bearer ${jwt}`;
  }

  // ---- inbound helpers ----------------------------------------------------------------------

  /** POSTs a signed activity to the bot's messaging endpoint (`{targetBaseUrl}/api/messages`). */
  async sendActivity(targetBaseUrl: string, activity: Record<string, unknown>, options: InboundOptions = {}): Promise<DeliveryResult> {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    const authorization = await this.signInbound(String(activity.serviceUrl), options.auth ?? 'valid');
    if (authorization) headers.authorization = authorization;
    const res = await deliver(`${targetBaseUrl.replace(/\/+$/, '')}/api/messages`, JSON.stringify(activity), headers);
    return { status: res.status, text: res.text, activity };
  }

  private baseActivity(type: string, tenantId: string, userId: string, id: string | undefined): Record<string, unknown> {
    const found = this.findUser(userId, tenantId);
    if (!found) throw new Error(`teams simulator: unknown user ${userId}`);
    const conv = this.personalConversation(tenantId, found.user.id);
    const now = new Date();
    return {
      type,
      id: id ?? String(++this.activitySeq),
      timestamp: now.toISOString(),
      localTimestamp: now.toISOString(),
      serviceUrl: this.serviceUrl,
      channelId: 'msteams',
      from: { id: found.user.mri, name: found.user.displayName, aadObjectId: found.user.id },
      conversation: { conversationType: 'personal', tenantId, id: conv.id },
      recipient: { id: conv.botId, name: this.defaultApp.botName },
      entities: [{ locale: 'en-US', country: 'US', platform: 'Web', timezone: 'America/Los_Angeles', type: 'clientInfo' }],
      channelData: { tenant: { id: tenantId } },
      locale: 'en-US',
    };
  }

  /** A personal-chat message from a user to the bot; `html` adds Teams' text/html attachment. */
  async sendDirectMessage(
    targetBaseUrl: string,
    m: { tenantId: string; userId: string; text: string; html?: string; mentions?: Array<{ id: string; name: string }> } & InboundOptions,
  ): Promise<DeliveryResult> {
    const activity = this.baseActivity('message', m.tenantId, m.userId, m.id);
    activity.textFormat = 'plain';
    activity.text = m.text;
    if (m.html) activity.attachments = [{ contentType: 'text/html', content: m.html }];
    if (m.mentions?.length) {
      (activity.entities as unknown[]).push(
        ...m.mentions.map((x) => ({ type: 'mention', text: `<at>${x.name}</at>`, mentioned: { id: x.id, name: x.name } })),
      );
    }
    this.recordUserActivity(activity);
    return this.sendActivity(targetBaseUrl, activity, m);
  }

  /** A user edited one of their messages: `messageUpdate` with `channelData.eventType: editMessage`. */
  async sendEdit(targetBaseUrl: string, m: { tenantId: string; userId: string; messageId: string; text: string } & InboundOptions): Promise<DeliveryResult> {
    const activity = this.baseActivity('messageUpdate', m.tenantId, m.userId, m.messageId);
    activity.textFormat = 'plain';
    activity.text = m.text;
    activity.channelData = { eventType: 'editMessage', tenant: { id: m.tenantId } };
    return this.sendActivity(targetBaseUrl, activity, m);
  }

  /** A user deleted one of their messages: `messageDelete` with `channelData.eventType: softDeleteMessage`. */
  async sendDelete(targetBaseUrl: string, m: { tenantId: string; userId: string; messageId: string } & InboundOptions): Promise<DeliveryResult> {
    const activity = this.baseActivity('messageDelete', m.tenantId, m.userId, m.messageId);
    activity.channelData = { eventType: 'softDeleteMessage', tenant: { id: m.tenantId } };
    delete activity.entities;
    return this.sendActivity(targetBaseUrl, activity, m);
  }

  /** Adaptive Card `Action.Submit`: a `message` with `value` (the card's data) and no text. */
  async sendCardSubmit(
    targetBaseUrl: string,
    m: { tenantId: string; userId: string; value: Record<string, unknown>; replyToId?: string } & InboundOptions,
  ): Promise<DeliveryResult> {
    const activity = this.baseActivity('message', m.tenantId, m.userId, m.id);
    activity.value = m.value;
    activity.channelData = { tenant: { id: m.tenantId }, source: { name: 'message' }, legacy: { replyToId: m.replyToId } };
    if (m.replyToId) activity.replyToId = m.replyToId;
    return this.sendActivity(targetBaseUrl, activity, m);
  }

  /** The app was installed in a user's personal scope: `conversationUpdate` with `membersAdded`. */
  async sendInstall(targetBaseUrl: string, m: { tenantId: string; userId: string } & InboundOptions): Promise<DeliveryResult> {
    const activity = this.baseActivity('conversationUpdate', m.tenantId, m.userId, m.id ?? `f:${randomBytes(4).toString('hex')}`);
    const from = activity.from as { id: string; aadObjectId: string };
    activity.membersAdded = [{ id: (activity.recipient as { id: string }).id }, { id: from.id, aadObjectId: from.aadObjectId }];
    delete activity.entities;
    delete activity.locale;
    return this.sendActivity(targetBaseUrl, activity, m);
  }

  private recordUserActivity(activity: Record<string, unknown>): void {
    const conv = this.conversations.get((activity.conversation as { id: string }).id);
    if (!conv) return;
    const id = String(activity.id);
    conv.activities.set(id, {
      id,
      type: String(activity.type),
      text: activity.text as string | undefined,
      from: activity.from as { id: string; name?: string },
      raw: activity,
    });
  }

  // ---- routes -------------------------------------------------------------------------------

  private routes(): void {
    const app = this.sim.app;
    this.sim.unknownRoute = teamsUnknownRoute;

    // Bot Framework OpenID metadata and signing keys (what botbuilder validates inbound JWTs with).
    app.get('/botframework/v1/.well-known/openidconfiguration', (_req, res) => {
      res.json({
        issuer: BOT_FRAMEWORK_ISSUER,
        authorization_endpoint: 'https://invalid.botframework.com',
        jwks_uri: `${this.sim.url}/botframework/v1/.well-known/keys`,
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
      });
    });
    app.get('/botframework/v1/.well-known/keys', (_req, res) => {
      res.json({ keys: [{ ...this.jwk, kid: this.kid, use: 'sig', alg: 'RS256', endorsements: ['msteams', 'skype', 'webchat'] }] });
    });

    // Microsoft identity platform.
    app.get('/login/:tenant/v2.0/.well-known/openid-configuration', (req, res) => {
      // Endpoints on the origin asked (http, or the https listener MSAL talks to).
      const base = `${req.protocol}://${req.get('host')}/login/${req.params.tenant}`;
      res.json({
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      });
    });
    app.get('/login/:tenant/oauth2/v2.0/authorize', (req, res) => this.authorize(req, res));
    app.post('/login/:tenant/oauth2/v2.0/token', (req, res) => this.token(req, res));
    app.get('/login/:tenant/discovery/v2.0/keys', (_req, res) => {
      res.json({ keys: [{ ...this.jwk, kid: this.kid, use: 'sig', alg: 'RS256' }] });
    });

    // Bot Connector.
    const c = '/connector/v3/conversations';
    app.post(c, (req, res) => this.createConversation(req, res));
    app.post(`${c}/:cid/activities`, (req, res) => this.postActivity(req, res));
    app.post(`${c}/:cid/activities/:aid`, (req, res) => this.postActivity(req, res));
    app.put(`${c}/:cid/activities/:aid`, (req, res) => this.updateActivity(req, res));
    app.delete(`${c}/:cid/activities/:aid`, (req, res) => this.deleteActivity(req, res));
    app.get(`${c}/:cid/members`, (req, res) => this.members(req, res));
    app.get(`${c}/:cid/members/:mid`, (req, res) => this.members(req, res));

    // Microsoft Graph.
    const g = '/graph/v1.0';
    app.get(`${g}/users`, (req, res) => this.listUsers(req, res));
    app.get(`${g}/users/:id`, (req, res) => this.getUser(req, res));
    app.get(`${g}/me`, (req, res) => this.me(req, res));
    app.get(`${g}/teams/:tid/members`, (req, res) => this.listTeamMembers(req, res));
    app.post(`${g}/teams/:tid/members`, (req, res) => this.addMember(req, res, false));
    app.post(`${g}/teams/:tid/channels/:cid/members`, (req, res) => this.addMember(req, res, true));
    app.get(`${g}/teams/:tid/channels/:cid/members`, (req, res) => this.listChannelMembers(req, res));
    app.delete(`${g}/teams/:tid/members/:mid`, (req, res) => this.removeMember(req, res, false));
    app.delete(`${g}/teams/:tid/channels/:cid/members/:mid`, (req, res) => this.removeMember(req, res, true));
    this.teamAndChannelRoutes(g);
    app.post(`${g}/chats`, (req, res) => this.createChat(req, res));
    app.post(`${g}/chats/:cid/messages`, (req, res) => this.postChatMessage(req, res));
    app.patch(`${g}/chats/:cid/messages/:mid`, (req, res) => this.patchChatMessage(req, res));
    app.post(`${g}/me/chats/:cid/messages/:mid/softDelete`, (req, res) => this.softDeleteChatMessage(req, res));
    app.post(`${g}/users/:uid/chats/:cid/messages/:mid/softDelete`, (req, res) => this.softDeleteChatMessage(req, res));
  }

  private authorize(req: Request, res: Response): void {
    const q = req.query as Record<string, string | undefined>;
    const app = q.client_id ? this.apps.get(q.client_id) : undefined;
    if (!app) return aadError(res, 400, 'unauthorized_client', `AADSTS700016: Application with identifier '${q.client_id}' was not found.`);
    if (q.response_type !== 'code') return aadError(res, 400, 'unsupported_response_type', 'AADSTS70005: response_type must be code.');
    if (!q.redirect_uri || (app.redirectUris.length > 0 && !app.redirectUris.includes(q.redirect_uri))) {
      return aadError(res, 400, 'invalid_request', 'AADSTS50011: The redirect URI specified in the request does not match.');
    }
    if (q.code_challenge && q.code_challenge_method !== 'S256') {
      return aadError(res, 400, 'invalid_request', 'AADSTS501491: Invalid code_challenge_method.');
    }
    const tenantParam = String(req.params.tenant);
    const tenantId = ['common', 'organizations'].includes(tenantParam) ? undefined : tenantParam;
    const hint = q.login_hint ?? this.authorizingUser;
    const found = hint ? this.findUser(hint, tenantId) : this.firstUser(tenantId);
    if (!found) return aadError(res, 400, 'invalid_request', 'AADSTS50034: The user account does not exist in this directory.');
    const code = `0.sim${randomBytes(24).toString('base64url')}`;
    this.codes.set(code, {
      appId: app.appId,
      tenantId: found.tenant.id,
      userId: found.user.id,
      redirectUri: q.redirect_uri,
      scopes: (q.scope ?? '').split(' ').filter(Boolean),
      codeChallenge: q.code_challenge,
      codeChallengeMethod: q.code_challenge_method,
      exp: Date.now() / 1000 + 600,
    });
    const target = new URL(q.redirect_uri);
    target.searchParams.set('code', code);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    target.searchParams.set('session_state', randomUUID());
    res.redirect(302, target.toString());
  }

  private firstUser(tenantId?: string): { tenant: SimTenant; user: SimTeamsUser } | undefined {
    for (const tenant of this.tenants.values()) {
      if (tenantId && tenant.id !== tenantId) continue;
      const user = tenant.users.values().next().value;
      if (user) return { tenant, user };
    }
    return undefined;
  }

  private async token(req: Request, res: Response): Promise<void> {
    const b = (req.body ?? {}) as Record<string, string | undefined>;
    let clientId = b.client_id;
    let secret = b.client_secret;
    const basic = req.headers.authorization;
    if (basic?.startsWith('Basic ')) {
      const [id, pw] = Buffer.from(basic.slice(6), 'base64').toString().split(':');
      clientId = decodeURIComponent(id ?? '');
      secret = decodeURIComponent(pw ?? '');
    }
    const app = clientId ? this.apps.get(clientId) : undefined;
    if (!app) return aadError(res, 400, 'unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory.`);
    if (secret !== app.password) {
      return aadError(res, 401, 'invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.appId}'.`);
    }
    const tenantParam = String(req.params.tenant);
    const exp = Date.now() / 1000 + TOKEN_TTL_SECONDS;
    const scope = b.scope ?? '';

    switch (b.grant_type) {
      case 'client_credentials': {
        if (scope.split(' ').includes(CONNECTOR_SCOPE)) {
          return void res.json({ token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS, ext_expires_in: TOKEN_TTL_SECONDS, access_token: this.issue({ kind: 'connector', appId: app.appId, exp }) });
        }
        if (scope.split(' ').includes(GRAPH_SCOPE)) {
          const tenant = this.tenants.get(tenantParam) ?? [...this.tenants.values()].find((t) => t.name.toLowerCase() === tenantParam.toLowerCase());
          if (!tenant) return aadError(res, 400, 'invalid_request', `AADSTS90002: Tenant '${tenantParam}' not found.`);
          if (!tenant.consentedApps.has(app.appId)) {
            return aadError(res, 400, 'invalid_client', `AADSTS7000229: The client application ${app.appId} is missing service principal in the tenant ${tenant.id}.`);
          }
          return void res.json({
            token_type: 'Bearer',
            expires_in: TOKEN_TTL_SECONDS,
            ext_expires_in: TOKEN_TTL_SECONDS,
            access_token: this.issue({ kind: 'graph-app', appId: app.appId, tenantId: tenant.id, exp }),
          });
        }
        return aadError(res, 400, 'invalid_scope', `AADSTS70011: The provided value for the input parameter 'scope' is not valid: ${scope}`);
      }
      case 'authorization_code': {
        const pending = b.code ? this.codes.get(b.code) : undefined;
        if (b.code) this.codes.delete(b.code);
        if (!pending || pending.exp < Date.now() / 1000 || pending.appId !== app.appId) {
          return aadError(res, 400, 'invalid_grant', 'AADSTS70008: The provided authorization code or refresh token has expired or was already redeemed.');
        }
        if (b.redirect_uri !== pending.redirectUri) {
          return aadError(res, 400, 'invalid_grant', 'AADSTS70002: The reply URL does not match the one used to obtain the authorization code.');
        }
        if (pending.codeChallenge) {
          const computed = b.code_verifier ? createHash('sha256').update(b.code_verifier).digest('base64url') : undefined;
          if (computed !== pending.codeChallenge) {
            return aadError(res, 400, 'invalid_grant', 'AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.');
          }
        }
        return void res.json(await this.userTokenResponse(app.appId, pending.tenantId, pending.userId, pending.scopes));
      }
      case 'refresh_token': {
        const grant = b.refresh_token ? this.refreshTokens.get(b.refresh_token) : undefined;
        if (!grant || grant.appId !== app.appId) {
          return aadError(res, 400, 'invalid_grant', 'AADSTS700082: The refresh token has expired due to inactivity.');
        }
        this.refreshTokens.delete(b.refresh_token!);
        return void res.json(await this.userTokenResponse(app.appId, grant.tenantId, grant.userId, grant.scopes));
      }
      default:
        return aadError(res, 400, 'unsupported_grant_type', `AADSTS70003: The app requested an unsupported grant type '${b.grant_type}'.`);
    }
  }

  private async userTokenResponse(appId: string, tenantId: string, userId: string, requested: string[]): Promise<Record<string, unknown>> {
    const scopes = requested.filter((s) => !['openid', 'profile', 'email', 'offline_access'].includes(s));
    const access = this.issue({ kind: 'graph-user', appId, tenantId, userId, scopes, exp: Date.now() / 1000 + TOKEN_TTL_SECONDS });
    const refresh = `0.sim-rt.${randomBytes(24).toString('base64url')}`;
    this.refreshTokens.set(refresh, { appId, tenantId, userId, scopes: requested });
    const user = this.tenant(tenantId).users.get(userId);
    const idToken = await new SignJWT({ tid: tenantId, oid: userId, name: user?.displayName, preferred_username: user?.userPrincipalName, email: user?.mail, ver: '2.0' })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setIssuer(`${this.loginUrl}/${tenantId}/v2.0`)
      .setAudience(appId)
      .setSubject(createHash('sha256').update(`${appId}:${userId}`).digest('base64url'))
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.signingKey);
    return {
      id_token: idToken,
      token_type: 'Bearer',
      scope: scopes.join(' '),
      expires_in: TOKEN_TTL_SECONDS,
      ext_expires_in: TOKEN_TTL_SECONDS,
      access_token: access,
      refresh_token: refresh,
    };
  }

  // Bot Connector -----------------------------------------------------------------------------

  private connectorAuth(req: Request, res: Response): boolean {
    if (this.check(req, ['connector'])) return true;
    connectorError(res, 401, 'Unauthorized', 'Authorization has been denied for this request.');
    return false;
  }

  private createConversation(req: Request, res: Response): void {
    if (!this.connectorAuth(req, res)) return;
    const b = (req.body ?? {}) as {
      bot?: { id?: string };
      members?: Array<{ id?: string }>;
      tenantId?: string;
      channelData?: { tenant?: { id?: string } };
      isGroup?: boolean;
    };
    const tenantId = b.tenantId ?? b.channelData?.tenant?.id;
    if (!tenantId) return connectorError(res, 400, 'BadArgument', 'Tenant Id is required for msteams.');
    if (!this.tenants.has(tenantId)) return connectorError(res, 403, 'Forbidden', 'The bot is not installed in this tenant.');
    const memberId = b.members?.[0]?.id;
    if (b.isGroup || !memberId || (b.members?.length ?? 0) !== 1) {
      return connectorError(res, 400, 'BadArgument', 'Exactly one member is required to create a personal conversation.');
    }
    const found = this.findUser(memberId, tenantId);
    if (!found) return connectorError(res, 404, 'NotFound', 'User not found in tenant.');
    const appId = b.bot?.id?.replace(/^28:/, '') ?? this.defaultApp.appId;
    const conv = this.personalConversation(tenantId, found.user.id, appId);
    res.status(201).json({ id: conv.id, activityId: String(++this.activitySeq), serviceUrl: this.serviceUrl });
  }

  private conversationOr404(req: Request, res: Response): SimConversation | undefined {
    const conv = this.conversations.get(String(req.params.cid));
    if (!conv) connectorError(res, 404, 'ConversationNotFound', 'Conversation not found.');
    return conv;
  }

  private postActivity(req: Request, res: Response): void {
    if (!this.connectorAuth(req, res)) return;
    const conv = this.conversationOr404(req, res);
    if (!conv) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!body.type) return connectorError(res, 400, 'BadArgument', 'Activity type is required.');
    if (body.type === 'message' && !body.text && !(Array.isArray(body.attachments) && body.attachments.length)) {
      return connectorError(res, 400, 'BadArgument', 'Unknown activity type or missing content.');
    }
    if (body.type !== 'message') return void res.status(200).json({});
    const id = String(++this.activitySeq);
    conv.activities.set(id, {
      id,
      type: 'message',
      text: body.text as string | undefined,
      textFormat: body.textFormat as string | undefined,
      attachments: body.attachments as unknown[] | undefined,
      entities: body.entities as unknown[] | undefined,
      from: body.from as { id: string; name?: string } | undefined ?? { id: conv.botId },
      // The channel service stamps every activity it accepts with its own UTC time.
      raw: { ...body, timestamp: new Date().toISOString() },
    });
    res.status(201).json({ id });
  }

  private updateActivity(req: Request, res: Response): void {
    if (!this.connectorAuth(req, res)) return;
    const conv = this.conversationOr404(req, res);
    if (!conv) return;
    const existing = conv.activities.get(String(req.params.aid));
    if (!existing || existing.deleted) return connectorError(res, 404, 'NotFound', 'Activity not found.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    existing.text = body.text as string | undefined;
    existing.attachments = body.attachments as unknown[] | undefined;
    existing.entities = body.entities as unknown[] | undefined;
    existing.raw = { ...body, timestamp: existing.raw.timestamp };
    res.status(200).json({ id: existing.id });
  }

  private deleteActivity(req: Request, res: Response): void {
    if (!this.connectorAuth(req, res)) return;
    const conv = this.conversationOr404(req, res);
    if (!conv) return;
    const existing = conv.activities.get(String(req.params.aid));
    if (!existing || existing.deleted) return connectorError(res, 404, 'NotFound', 'Activity not found.');
    existing.deleted = true;
    res.status(200).end();
  }

  private members(req: Request, res: Response): void {
    if (!this.connectorAuth(req, res)) return;
    const conv = this.conversationOr404(req, res);
    if (!conv) return;
    const user = this.tenant(conv.tenantId).users.get(conv.userId)!;
    const account = {
      id: user.mri,
      name: user.displayName,
      aadObjectId: user.id,
      email: user.mail,
      userPrincipalName: user.userPrincipalName,
      tenantId: conv.tenantId,
      userRole: 'user',
    };
    if (req.params.mid) {
      const mid = String(req.params.mid);
      if (mid !== user.mri && mid !== user.id) return connectorError(res, 404, 'MemberNotFoundInConversation', 'The member was not found in the conversation.');
      return void res.json(account);
    }
    res.json([account]);
  }

  // Graph -------------------------------------------------------------------------------------

  private graphAuth<K extends 'graph-app' | 'graph-user'>(req: Request, res: Response, kinds: K[]): Extract<IssuedToken, { kind: K }> | undefined {
    const token = this.check(req, kinds);
    if (!token) {
      const value = bearer(req);
      graphError(res, 401, 'InvalidAuthenticationToken', value ? 'Access token validation failure. Invalid audience.' : 'Access token is empty.');
    }
    return token;
  }

  private graphUser(u: SimTeamsUser): Record<string, unknown> {
    return {
      businessPhones: [],
      displayName: u.displayName,
      givenName: u.displayName.split(' ')[0] ?? null,
      jobTitle: null,
      mail: u.mail,
      mobilePhone: null,
      officeLocation: u.officeLocation ?? null,
      department: u.department ?? null,
      accountEnabled: u.accountEnabled,
      preferredLanguage: null,
      surname: u.displayName.split(' ').slice(1).join(' ') || null,
      userPrincipalName: u.userPrincipalName,
      id: u.id,
    };
  }

  private select(obj: Record<string, unknown>, select: unknown): Record<string, unknown> {
    if (typeof select !== 'string' || !select) return obj;
    const fields = select.split(',').map((s) => s.trim());
    return Object.fromEntries(Object.entries(obj).filter(([k]) => fields.includes(k) || k === 'id'));
  }

  private listUsers(req: Request, res: Response): void {
    const token = this.graphAuth(req, res, ['graph-app', 'graph-user']);
    if (!token) return;
    const tenant = this.tenant(token.tenantId);
    const top = Math.min(Math.max(Number(req.query.$top ?? 100) || 100, 1), 999);
    const offset = req.query.$skiptoken ? Number(Buffer.from(String(req.query.$skiptoken), 'base64url').toString()) : 0;
    const all = [...tenant.users.values()];
    const page = all.slice(offset, offset + top);
    const body: Record<string, unknown> = {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users',
      value: page.map((u) => this.select(this.graphUser(u), req.query.$select)),
    };
    if (offset + top < all.length) {
      const next = new URL(`${this.graphUrl}/users`);
      next.searchParams.set('$top', String(top));
      if (req.query.$select) next.searchParams.set('$select', String(req.query.$select));
      next.searchParams.set('$skiptoken', Buffer.from(String(offset + top)).toString('base64url'));
      body['@odata.nextLink'] = next.toString();
    }
    res.json(body);
  }

  private getUser(req: Request, res: Response): void {
    const token = this.graphAuth(req, res, ['graph-app', 'graph-user']);
    if (!token) return;
    const found = this.findUser(String(req.params.id), token.tenantId);
    if (!found) return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${req.params.id}' does not exist or one of its queried reference-property objects are not present.`);
    res.json({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...this.select(this.graphUser(found.user), req.query.$select) });
  }

  private me(req: Request, res: Response): void {
    const token = this.graphAuth(req, res, ['graph-user']);
    if (!token) return;
    const user = this.tenant(token.tenantId).users.get(token.userId);
    if (!user) return graphError(res, 404, 'Request_ResourceNotFound', 'User not found.');
    res.json({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity', ...this.graphUser(user) });
  }

  /**
   * Teams and channels as Graph v1.0 describes them (learn.microsoft.com/graph/api/teams-list,
   * team-get, channel-list, channel-get): `GET /teams` lists the tenant's teams with only `id`,
   * `displayName`, `description` and `visibility` filled in, supports `$filter`, `$select`,
   * `$top` and `$skiptoken`; `GET /teams/{id}` gives the whole team (`isArchived` included);
   * channels carry `membershipType`. Only `displayName eq '…'` filters are understood here; other
   * filters get Graph's 400 `BadRequest` "Invalid filter clause". Unknown ids are 404 `NotFound`.
   */
  private teamAndChannelRoutes(g: string): void {
    const app = this.sim.app;
    const nameFilter = (req: Request, res: Response): { ok: boolean; name?: string } => {
      const filter = req.query.$filter;
      if (filter === undefined) return { ok: true };
      const m = /^\s*displayName\s+eq\s+'((?:[^']|'')*)'\s*$/.exec(String(filter));
      if (!m) {
        graphError(res, 400, 'BadRequest', 'Invalid filter clause');
        return { ok: false };
      }
      return { ok: true, name: m[1]!.replace(/''/g, "'") };
    };
    const teamJson = (t: SimTeam, full: boolean) => ({
      id: t.id,
      createdDateTime: null,
      displayName: t.displayName,
      description: null,
      visibility: 'private',
      isArchived: full ? false : null,
      webUrl: full ? `https://teams.microsoft.com/l/team/${encodeURIComponent(t.id)}` : null,
    });
    const channelJson = (c: SimTeam['channels'] extends Map<string, infer C> ? C : never) => ({
      id: c.id,
      createdDateTime: null,
      displayName: c.displayName,
      description: null,
      membershipType: c.membershipType,
      isArchived: false,
    });
    const teamOf = (req: Request, res: Response): SimTeam | undefined => {
      const token = this.graphAuth(req, res, ['graph-app', 'graph-user']);
      if (!token) return undefined;
      const team = this.tenant(token.tenantId).teams.get(String(req.params.tid));
      if (!team) graphError(res, 404, 'NotFound', 'No team found with Group Id ' + req.params.tid);
      return team;
    };

    app.get(`${g}/teams`, (req, res) => {
      const token = this.graphAuth(req, res, ['graph-app', 'graph-user']);
      if (!token) return;
      const filter = nameFilter(req, res);
      if (!filter.ok) return;
      const teams = [...this.tenant(token.tenantId).teams.values()].filter((t) => filter.name === undefined || t.displayName.toLowerCase() === filter.name.toLowerCase());
      this.graphPage(req, res, teams, '/teams', 'teams', (t) => teamJson(t, false));
    });
    app.get(`${g}/teams/:tid`, (req, res) => {
      const team = teamOf(req, res);
      if (team) res.json({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#teams/$entity', ...teamJson(team, true) });
    });
    app.get(`${g}/teams/:tid/channels`, (req, res) => {
      const team = teamOf(req, res);
      if (!team) return;
      const filter = nameFilter(req, res);
      if (!filter.ok) return;
      const channels = [...team.channels.values()].filter((c) => filter.name === undefined || c.displayName.toLowerCase() === filter.name.toLowerCase());
      this.graphPage(req, res, channels, `/teams/${encodeURIComponent(team.id)}/channels`, `teams('${team.id}')/channels`, channelJson);
    });
    app.get(`${g}/teams/:tid/channels/:cid`, (req, res) => {
      const team = teamOf(req, res);
      if (!team) return;
      const channel = team.channels.get(String(req.params.cid));
      if (!channel) return graphError(res, 404, 'NotFound', 'Channel not found.');
      res.json({ '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#teams('${team.id}')/channels/$entity`, ...channelJson(channel) });
    });
  }

  /**
   * One page of a Graph collection: `$top` (default 100, at most 999) and an `@odata.nextLink`
   * carrying `$skiptoken` while more remain, as Graph pages lists (learn.microsoft.com/graph/paging).
   */
  private graphPage<T>(req: Request, res: Response, items: T[], path: string, context: string, shape: (t: T) => Record<string, unknown>): void {
    const top = Math.min(Math.max(Number(req.query.$top ?? 100) || 100, 1), 999);
    const offset = req.query.$skiptoken ? Number(Buffer.from(String(req.query.$skiptoken), 'base64url').toString()) || 0 : 0;
    const body: Record<string, unknown> = {
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${context}`,
      value: items.slice(offset, offset + top).map((t) => this.select(shape(t), req.query.$select)),
    };
    if (offset + top < items.length) {
      const next = new URL(`${this.graphUrl}${path}`);
      for (const k of ['$filter', '$select'] as const) if (req.query[k]) next.searchParams.set(k, String(req.query[k]));
      next.searchParams.set('$top', String(top));
      next.searchParams.set('$skiptoken', Buffer.from(String(offset + top)).toString('base64url'));
      body['@odata.nextLink'] = next.toString();
    }
    res.json(body);
  }

  private listTeamMembers(req: Request, res: Response): void {
    const token = this.graphAuth(req, res, ['graph-app', 'graph-user']);
    if (!token) return;
    const team = this.tenant(token.tenantId).teams.get(String(req.params.tid));
    if (!team) return graphError(res, 404, 'NotFound', 'No team found with Group Id ' + req.params.tid);
    const users = this.tenant(token.tenantId).users;
    // team-list-members: "default and maximum page sizes are 100 and 999 objects", so a large
    // team comes back in pages linked by `@odata.nextLink`.
    this.graphPage(req, res, [...team.members.entries()], `/teams/${encodeURIComponent(team.id)}/members`, `teams('${team.id}')/members`, ([userId, roles]) => ({
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      id: Buffer.from(`${team.id}##${userId}`).toString('base64'),
      roles,
      displayName: users.get(userId)?.displayName ?? null,
      userId,
      email: users.get(userId)?.mail ?? null,
    }));
  }

  private listChannelMembers(req: Request, res: Response): void {
    const token = this.graphAuth(req, res, ['graph-app', 'graph-user']);
    if (!token) return;
    const tenant = this.tenant(token.tenantId);
    const team = tenant.teams.get(String(req.params.tid));
    const ch = team?.channels.get(String(req.params.cid));
    if (!team || !ch) return graphError(res, 404, 'NotFound', 'Channel not found.');
    const value = [...ch.members.entries()].map(([userId, roles]) => ({
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      id: Buffer.from(`${ch.id}##${userId}`).toString('base64'),
      roles,
      displayName: tenant.users.get(userId)?.displayName ?? null,
      userId,
      email: tenant.users.get(userId)?.mail ?? null,
    }));
    res.json({ '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#teams('${team.id}')/channels('${ch.id}')/members`, '@odata.count': value.length, value });
  }

  /** DELETE a conversationMember by its id (base64 of `<team or channel id>##<user id>`): 204. */
  private removeMember(req: Request, res: Response, channel: boolean): void {
    const token = this.graphAuth(req, res, ['graph-app', 'graph-user']);
    if (!token) return;
    const team = this.tenant(token.tenantId).teams.get(String(req.params.tid));
    if (!team) return graphError(res, 404, 'NotFound', 'No team found with Group Id ' + req.params.tid);
    const ch = channel ? team.channels.get(String(req.params.cid)) : undefined;
    if (channel && !ch) return graphError(res, 404, 'NotFound', 'Channel not found.');
    const [owner, userId] = Buffer.from(String(req.params.mid), 'base64').toString('utf8').split('##');
    const members = ch ? ch.members : team.members;
    if (owner !== (ch ? ch.id : team.id) || !userId || !members.has(userId)) {
      return graphError(res, 404, 'NotFound', 'The requested member was not found.');
    }
    members.delete(userId);
    if (!ch) for (const c of team.channels.values()) c.members.delete(userId);
    res.status(204).end();
  }

  private addMember(req: Request, res: Response, channel: boolean): void {
    const token = this.graphAuth(req, res, ['graph-app', 'graph-user']);
    if (!token) return;
    const tenant = this.tenant(token.tenantId);
    const team = tenant.teams.get(String(req.params.tid));
    if (!team) return graphError(res, 404, 'NotFound', 'No team found with Group Id ' + req.params.tid);
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (b['@odata.type'] !== '#microsoft.graph.aadUserConversationMember') {
      return graphError(res, 400, 'BadRequest', "The '@odata.type' property must be '#microsoft.graph.aadUserConversationMember'.");
    }
    const roles = b.roles;
    if (!Array.isArray(roles) || roles.some((r) => r !== 'owner')) {
      return graphError(res, 400, 'BadRequest', "Roles must be ['owner'] or [].");
    }
    const bind = typeof b['user@odata.bind'] === 'string' ? (b['user@odata.bind'] as string) : '';
    const match = /users\('([^']+)'\)$/.exec(bind);
    if (!match) return graphError(res, 400, 'BadRequest', "Bind requires 'user@odata.bind' of the form https://graph.microsoft.com/v1.0/users('id').");
    const found = this.findUser(match[1]!, tenant.id);
    if (!found) return graphError(res, 404, 'NotFound', `User ${match[1]} not found.`);
    let members = team.members;
    if (channel) {
      const ch = team.channels.get(String(req.params.cid));
      if (!ch) return graphError(res, 404, 'NotFound', 'Channel not found.');
      if (ch.membershipType === 'standard') {
        return graphError(res, 400, 'BadRequest', 'Adding members is only supported for private and shared channels.');
      }
      if (!team.members.has(found.user.id)) return graphError(res, 400, 'BadRequest', 'User must be a member of the team first.');
      members = ch.members;
    }
    if (members.has(found.user.id)) {
      return graphError(res, 409, 'Conflict', 'The user is already a member.');
    }
    members.set(found.user.id, roles as string[]);
    res.status(201).json({
      '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#teams('${team.id}')/members/$entity`,
      '@odata.type': '#microsoft.graph.aadUserConversationMember',
      id: Buffer.from(`${team.id}##${found.user.id}`).toString('base64'),
      roles,
      userId: found.user.id,
      displayName: found.user.displayName,
      email: found.user.mail,
    });
  }

  private createChat(req: Request, res: Response): void {
    const token = this.graphAuth(req, res, ['graph-user', 'graph-app']);
    if (!token) return;
    const b = (req.body ?? {}) as { chatType?: string; members?: Array<Record<string, unknown>> };
    if (b.chatType !== 'oneOnOne' || b.members?.length !== 2) return graphError(res, 400, 'BadRequest', 'A oneOnOne chat needs exactly two members.');
    const ids: string[] = [];
    for (const m of b.members) {
      const bind = String(m['user@odata.bind'] ?? '');
      const found = this.findUser(/users\('([^']+)'\)$/.exec(bind)?.[1] ?? '', token.tenantId);
      if (!found) return graphError(res, 404, 'NotFound', `User in ${bind} not found.`);
      ids.push(found.user.id);
    }
    const chat = this.addChat(token.tenantId, ids);
    res.status(201).json({ id: chat.id, chatType: 'oneOnOne', tenantId: token.tenantId });
  }

  private chatFor(req: Request, res: Response): { chat: SimChat; userId: string } | undefined {
    const token = this.graphAuth(req, res, ['graph-user']);
    if (!token) return undefined;
    const chat = this.chats.get(String(req.params.cid));
    if (!chat || chat.tenantId !== token.tenantId) {
      graphError(res, 404, 'NotFound', 'Chat not found.');
      return undefined;
    }
    if (!chat.memberIds.includes(token.userId)) {
      graphError(res, 403, 'Forbidden', 'The caller is not a member of this chat.');
      return undefined;
    }
    return { chat, userId: token.userId };
  }

  private chatMessageJson(chatId: string, m: SimChat['messages'] extends Map<string, infer V> ? V : never, tenantId: string): Record<string, unknown> {
    const user = this.tenant(tenantId).users.get(m.from);
    return {
      id: m.id,
      chatId,
      messageType: 'message',
      createdDateTime: m.lastModified,
      lastModifiedDateTime: m.lastModified,
      deletedDateTime: m.deleted ? m.lastModified : null,
      from: { user: { '@odata.type': '#microsoft.graph.teamworkUserIdentity', id: m.from, displayName: user?.displayName ?? null, userIdentityType: 'aadUser', tenantId } },
      body: { contentType: m.contentType, content: m.content },
    };
  }

  private postChatMessage(req: Request, res: Response): void {
    const ctx = this.chatFor(req, res);
    if (!ctx) return;
    const body = (req.body ?? {}) as { body?: { contentType?: string; content?: string } };
    if (!body.body?.content) return graphError(res, 400, 'BadRequest', 'Message body content is required.');
    const id = String(++this.activitySeq);
    const m = { id, from: ctx.userId, contentType: body.body.contentType ?? 'text', content: body.body.content, deleted: false, lastModified: new Date().toISOString() };
    ctx.chat.messages.set(id, m);
    res.status(201).json({ '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#chats('${ctx.chat.id}')/messages/$entity`, ...this.chatMessageJson(ctx.chat.id, m, ctx.chat.tenantId) });
  }

  private patchChatMessage(req: Request, res: Response): void {
    const ctx = this.chatFor(req, res);
    if (!ctx) return;
    const m = ctx.chat.messages.get(String(req.params.mid));
    if (!m || m.deleted) return graphError(res, 404, 'NotFound', 'Message not found.');
    if (m.from !== ctx.userId) return graphError(res, 403, 'Forbidden', 'Only the sender can edit a message.');
    const body = (req.body ?? {}) as { body?: { contentType?: string; content?: string } };
    if (!body.body?.content) return graphError(res, 400, 'BadRequest', 'Message body content is required.');
    m.content = body.body.content;
    m.contentType = body.body.contentType ?? m.contentType;
    m.lastModified = new Date().toISOString();
    res.status(204).end();
  }

  private softDeleteChatMessage(req: Request, res: Response): void {
    const ctx = this.chatFor(req, res);
    if (!ctx) return;
    const m = ctx.chat.messages.get(String(req.params.mid));
    if (!m || m.deleted) return graphError(res, 404, 'NotFound', 'Message not found.');
    if (m.from !== ctx.userId) return graphError(res, 403, 'Forbidden', 'Only the sender can delete a message.');
    m.deleted = true;
    m.lastModified = new Date().toISOString();
    res.status(204).end();
  }

  async start(port = 0): Promise<this> {
    await this.sim.start(port);
    return this;
  }

  /**
   * Serves every route over https too, with the given certificate, and returns the https base URL:
   * MSAL, the token client a real deployment uses, accepts only https authorities.
   */
  async listenHttps(tls: { key: string; cert: string }): Promise<string> {
    const server = createHttpsServer(tls, this.sim.app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.https = server;
    return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const https = this.https;
    this.https = undefined;
    if (https) {
      https.closeAllConnections();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    }
    await this.sim.close();
  }
}

/** Creates and starts a Teams simulator on a free loopback port (or `port`). */
export async function createTeamsSimulator(options: TeamsSimulatorOptions & { port?: number } = {}): Promise<TeamsSimulator> {
  const sim = new TeamsSimulator();
  await sim.init(options);
  return sim.start(options.port);
}
