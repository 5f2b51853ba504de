/**
 * A local stand-in for Slack: the Web API methods Crosstalk calls, the OAuth v2 authorize page and
 * token exchange, the `response_url` endpoints it hands out, and helpers that POST correctly
 * signed Events API, slash command and interactivity requests to the app, shaped like Slack's
 * documented payloads (see platforms/CONTRACTS.md section 1).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Request, Response } from 'express';
import { SimServer, deliver } from '../sim-core.js';
import {
  SlackSimState,
  slackId,
  type SimMessage,
  type SimUser,
  type SimUserSeed,
  type SimWorkspace,
  type SimWorkspaceSeed,
} from './state.js';
import { createWebApiHandler, userObject } from './web-api.js';
import { slackUnknownRoute } from './unknown-route.js';
import { EphemeralMessages } from './ephemeral.js';

export { EphemeralMessages, type SimEphemeral } from './ephemeral.js';
export { SlackSimState, type SimUser, type SimUserSeed, type SimWorkspace, type SimWorkspaceSeed, type SimMessage } from './state.js';

/** How to build the simulator. */
export interface SlackSimulatorOptions {
  signingSecret?: string;
  clientId?: string;
  clientSecret?: string;
  appId?: string;
  /** Workspaces to create; one demo workspace when omitted. */
  workspaces?: SimWorkspaceSeed[];
  /** Fixed port (the sandbox); 0 = a free one. */
  port?: number;
}

/** Per-delivery knobs, mostly for forging: a wrong secret, a stale timestamp, retry headers. */
export interface DeliveryOptions {
  signingSecret?: string;
  /** Unix seconds to sign with (default now). */
  timestamp?: number;
  retryNum?: number;
  retryReason?: string;
}

/** One inbound request the simulator sent, with the app's answer; enough to send it again. */
export interface SlackDelivery {
  url: string;
  status: number;
  text: string;
  contentType: string;
  rawBody: string;
  eventId?: string;
  /** The message created by the action (DMs, edits), when there is one. */
  channel?: string;
  ts?: string;
  responseUrl?: string;
}

/** What `response_url` received. */
export interface RecordedResponse {
  id: string;
  url: string;
  body: unknown;
  at: Date;
}

/** The values the composition root puts in `AppConfig.slack` to run against this simulator. */
export interface SlackSandboxSettings {
  signingSecret: string;
  botToken: string;
  clientId: string;
  clientSecret: string;
  apiUrl: string;
}

/** `v0=` + hex HMAC-SHA256 of `v0:<ts>:<body>`, as Slack signs every request it sends. */
export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A running simulated Slack. */
export interface SlackSimulator {
  readonly sim: SimServer;
  readonly state: SlackSimState;
  readonly signingSecret: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Web API base with trailing slash, as `slackApiUrl` wants it. */
  readonly apiUrl: string;
  /** Everything posted to the `response_url`s handed out so far. */
  readonly responses: RecordedResponse[];
  /** "Only visible to you" messages (slash command answers, `response_url` posts). */
  readonly ephemerals: EphemeralMessages;
  sandboxSettings(teamId?: string): SlackSandboxSettings;
  /** Workspaces as the core's workspace directory should know them (bot credentials included). */
  installedWorkspaces(): Array<{ externalId: string; name: string; credentials: Record<string, string> }>;
  /** Who "signs in" on the next `/oauth/v2/authorize` (default: the first human of the first workspace). */
  signInAs(teamId: string, userId: string): void;
  /** The next authorization is refused by the user (`error=access_denied`). */
  denyNextAuthorization(): void;
  /** Waits until `responseUrl` has received a post. */
  waitForResponse(responseUrl: string, timeoutMs?: number): Promise<RecordedResponse>;

  sendEvent(target: string, teamId: string, event: Record<string, unknown>, opts?: DeliveryOptions & { eventId?: string }): Promise<SlackDelivery>;
  /** Sends the same body again, freshly signed, with Slack's retry headers. */
  redeliver(delivery: SlackDelivery, retryNum: number, reason?: string): Promise<SlackDelivery>;
  sendUrlVerification(target: string, challenge?: string, opts?: DeliveryOptions): Promise<SlackDelivery>;
  sendDirectMessage(
    target: string,
    msg: { teamId: string; userId: string; text: string; threadTs?: string; files?: Array<{ name: string; url: string; size?: number }> },
    opts?: DeliveryOptions,
  ): Promise<SlackDelivery>;
  editMessage(target: string, edit: { teamId: string; channel: string; ts: string; text: string }, opts?: DeliveryOptions): Promise<SlackDelivery>;
  deleteMessage(target: string, del: { teamId: string; channel: string; ts: string }, opts?: DeliveryOptions): Promise<SlackDelivery>;
  sendAppHomeOpened(target: string, ev: { teamId: string; userId: string; tab?: 'home' | 'messages' }, opts?: DeliveryOptions): Promise<SlackDelivery>;
  sendTeamJoin(target: string, ev: { teamId: string; user: SimUserSeed }, opts?: DeliveryOptions): Promise<SlackDelivery>;
  sendUserChange(target: string, ev: { teamId: string; userId: string; changes: Partial<SimUserSeed> }, opts?: DeliveryOptions): Promise<SlackDelivery>;
  sendSlashCommand(
    target: string,
    cmd: { teamId: string; userId: string; text: string; channelId?: string; command?: string },
    opts?: DeliveryOptions,
  ): Promise<SlackDelivery>;
  clickButton(
    target: string,
    click: { teamId: string; userId: string; channelId: string; messageTs: string; actionId: string; value?: string; blockId?: string },
    opts?: DeliveryOptions,
  ): Promise<SlackDelivery>;
  close(): Promise<void>;
}

const DEMO_WORKSPACE: SimWorkspaceSeed = {
  name: 'Acme Slack',
  domain: 'acme',
  users: [
    { name: 'ada', realName: 'Ada Lovelace', email: 'ada@acme.example', fields: { 'Office location': 'North Campus', Department: 'Engineering' } },
    { name: 'grace', realName: 'Grace Hopper', email: 'grace@acme.example', fields: { 'Office location': 'South Campus', Department: 'Research' } },
  ],
};

/** Creates and starts a simulated Slack with its own state. */
export async function createSlackSimulator(options: SlackSimulatorOptions = {}): Promise<SlackSimulator> {
  const signingSecret = options.signingSecret ?? randomBytes(16).toString('hex');
  const clientId = options.clientId ?? `${Date.now()}.${randomBytes(5).readUInt32BE()}`;
  const clientSecret = options.clientSecret ?? randomBytes(16).toString('hex');
  const state = new SlackSimState(options.appId ?? slackId('A'));
  for (const seed of options.workspaces ?? [DEMO_WORKSPACE]) state.addWorkspace(seed);

  const sim = new SimServer('slack');
  sim.unknownRoute = slackUnknownRoute;
  const responses: RecordedResponse[] = [];
  const ephemerals = new EphemeralMessages(state);
  let signedIn: { teamId: string; userId: string } | undefined;
  let denyNext = false;

  sim.app.get('/oauth/v2/authorize', (req: Request, res: Response) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.client_id !== clientId) {
      res.status(400).type('text/html').send('<h1>Something went wrong when authorizing this app.</h1><p>Error details: invalid_client_id</p>');
      return;
    }
    if (!q.redirect_uri) {
      res.status(400).type('text/html').send('<h1>Something went wrong when authorizing this app.</h1><p>Error details: bad_redirect_uri</p>');
      return;
    }
    const redirect = new URL(q.redirect_uri);
    if (q.state !== undefined) redirect.searchParams.set('state', q.state);
    if (denyNext) {
      denyNext = false;
      redirect.searchParams.set('error', 'access_denied');
      res.redirect(302, redirect.toString());
      return;
    }
    const who = pickAuthorizer(q.team, q.sim_user);
    if (!who) {
      res.status(400).type('text/html').send('<h1>No one is signed in to the simulated workspace.</h1>');
      return;
    }
    const code = `${Date.now()}.${randomBytes(12).toString('hex')}`;
    state.codes.set(code, {
      code,
      clientId,
      redirectUri: q.redirect_uri,
      teamId: who.teamId,
      userId: who.userId,
      scopes: (q.scope ?? '').split(/[,\s]+/).filter(Boolean),
      userScopes: (q.user_scope ?? '').split(/[,\s]+/).filter(Boolean),
      expiresAt: Date.now() + 10 * 60_000,
      used: false,
    });
    redirect.searchParams.set('code', code);
    res.redirect(302, redirect.toString());
  });

  sim.app.post('/api/oauth.v2.access', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    let id = body.client_id;
    let secret = body.client_secret;
    const basic = req.headers.authorization;
    if (typeof basic === 'string' && basic.startsWith('Basic ')) {
      const [u, p] = Buffer.from(basic.slice(6), 'base64').toString('utf8').split(':');
      id = id ?? u;
      secret = secret ?? p;
    }
    const answer = (payload: Record<string, unknown>) => res.status(200).json(payload);
    if (!id) return answer({ ok: false, error: 'invalid_arguments' });
    if (id !== clientId) return answer({ ok: false, error: 'invalid_client_id' });
    if (secret !== clientSecret) return answer({ ok: false, error: 'bad_client_secret' });
    const grant = body.code ? state.codes.get(body.code) : undefined;
    if (!grant || grant.used || grant.expiresAt < Date.now()) return answer({ ok: false, error: 'invalid_code' });
    if (grant.redirectUri && body.redirect_uri !== grant.redirectUri) return answer({ ok: false, error: 'bad_redirect_uri' });
    grant.used = true;
    const ws = state.workspace(grant.teamId);
    const userToken = grant.userScopes.length > 0 ? state.issueUserToken(ws.id, grant.userId, grant.userScopes) : undefined;
    const hasBot = grant.scopes.length > 0;
    return answer({
      ok: true,
      app_id: state.appId,
      authed_user: {
        id: grant.userId,
        ...(userToken ? { scope: grant.userScopes.join(','), access_token: userToken.token, token_type: 'user' } : {}),
      },
      ...(hasBot
        ? { scope: ws.botScopes.join(','), token_type: 'bot', access_token: ws.botToken, bot_user_id: ws.botUserId }
        : {}),
      team: { id: ws.id, name: ws.name },
      enterprise: null,
      is_enterprise_install: false,
    });
  });

  sim.app.post(
    '/api/:method',
    createWebApiHandler(state, { clientId, clientSecret, baseUrl: () => sim.url }),
  );

  sim.app.post('/sim/response/:id', (req: Request, res: Response) => {
    const id = String(req.params.id);
    responses.push({ id, url: `${sim.url}/sim/response/${id}`, body: req.body, at: new Date() });
    const outcome = ephemerals.respond(id, req.body);
    if (outcome.status !== 200) {
      res.status(outcome.status).type('text/plain').send(outcome.error);
      return;
    }
    res.status(200).type('text/plain').send('ok');
  });

  await sim.start(options.port ?? 0);

  function pickAuthorizer(team?: string, user?: string): { teamId: string; userId: string } | undefined {
    if (user) {
      for (const ws of state.workspaces.values()) if (ws.users.has(user) && (!team || ws.id === team)) return { teamId: ws.id, userId: user };
      return undefined;
    }
    if (signedIn && (!team || signedIn.teamId === team)) return signedIn;
    const ws = team ? state.workspaces.get(team) : state.workspaces.values().next().value;
    const human = ws && [...ws.users.values()].find((u) => !u.isBot && !u.deleted);
    return ws && human ? { teamId: ws.id, userId: human.id } : undefined;
  }

  const newResponseUrl = (target: Parameters<EphemeralMessages['issue']>[0]) => `${sim.url}/sim/response/${ephemerals.issue(target)}`;

  async function post(url: string, rawBody: string, contentType: string, opts: DeliveryOptions = {}): Promise<SlackDelivery> {
    const ts = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'Content-Type': contentType,
      'User-Agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      'X-Slack-Request-Timestamp': String(ts),
      'X-Slack-Signature': signSlackRequest(opts.signingSecret ?? signingSecret, ts, rawBody),
    };
    if (opts.retryNum !== undefined) {
      headers['X-Slack-Retry-Num'] = String(opts.retryNum);
      headers['X-Slack-Retry-Reason'] = opts.retryReason ?? 'http_timeout';
    }
    const answer = await deliver(url, rawBody, headers);
    return { url, status: answer.status, text: answer.text, contentType, rawBody };
  }

  function envelope(ws: SimWorkspace, event: Record<string, unknown>, eventId: string): Record<string, unknown> {
    return {
      token: 'one-long-verification-token',
      team_id: ws.id,
      api_app_id: state.appId,
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: ws.id, user_id: ws.botUserId, is_bot: true, is_enterprise_install: false }],
      is_ext_shared_channel: false,
      event_context: `4-${Buffer.from(JSON.stringify({ team: ws.id, app: state.appId })).toString('base64url')}`,
    };
  }

  const sendEvent: SlackSimulator['sendEvent'] = async (target, teamId, event, opts = {}) => {
    const ws = state.workspace(teamId);
    const eventId = opts.eventId ?? slackId('Ev', 10);
    const rawBody = JSON.stringify(envelope(ws, event, eventId));
    const result = await post(`${target}/slack/events`, rawBody, 'application/json', opts);
    return { ...result, eventId };
  };

  function user(ws: SimWorkspace, id: string): SimUser {
    const u = ws.users.get(id);
    if (!u) throw new Error(`Slack simulator: no user ${id} in ${ws.id}`);
    return u;
  }

  function applyChanges(u: SimUser, ws: SimWorkspace, changes: Partial<SimUserSeed>): void {
    if (changes.name !== undefined) u.name = changes.name;
    if (changes.realName !== undefined) u.realName = changes.realName;
    if (changes.displayName !== undefined) u.displayName = changes.displayName;
    if (changes.email !== undefined) u.email = changes.email;
    if (changes.deleted !== undefined) u.deleted = changes.deleted;
    if (changes.title !== undefined) u.title = changes.title;
    if (changes.imageUrl !== undefined) u.imageUrl = changes.imageUrl;
    if (changes.fields) {
      u.fields = { ...u.fields, ...changes.fields };
      for (const label of Object.keys(changes.fields)) if (!ws.profileFields.has(label)) ws.profileFields.set(label, slackId('Xf'));
    }
    u.updated = Math.floor(Date.now() / 1000);
  }

  const simulator: SlackSimulator = {
    sim,
    state,
    signingSecret,
    clientId,
    clientSecret,
    get url() {
      return sim.url;
    },
    get apiUrl() {
      return `${sim.url}/api/`;
    },
    responses,
    ephemerals,

    sandboxSettings(teamId) {
      const ws = teamId ? state.workspace(teamId) : state.workspaces.values().next().value!;
      return { signingSecret, botToken: ws.botToken, clientId, clientSecret, apiUrl: `${sim.url}/api/` };
    },

    installedWorkspaces() {
      return [...state.workspaces.values()].map((ws) => ({
        externalId: ws.id,
        name: ws.name,
        credentials: { botToken: ws.botToken, botUserId: ws.botUserId, botId: ws.botId },
      }));
    },

    signInAs(teamId, userId) {
      user(state.workspace(teamId), userId);
      signedIn = { teamId, userId };
    },

    denyNextAuthorization() {
      denyNext = true;
    },

    async waitForResponse(responseUrl, timeoutMs = 5000) {
      const path = new URL(responseUrl).pathname;
      await sim.waitForCall((c) => c.path === path && c.status !== undefined, timeoutMs);
      return responses.find((r) => r.url === responseUrl)!;
    },

    sendEvent,

    async redeliver(delivery, retryNum, reason = 'http_timeout') {
      const again = await post(delivery.url, delivery.rawBody, delivery.contentType, { retryNum, retryReason: reason });
      return { ...delivery, ...again };
    },

    async sendUrlVerification(target, challenge = randomBytes(24).toString('base64url'), opts = {}) {
      const rawBody = JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge, type: 'url_verification' });
      return post(`${target}/slack/events`, rawBody, 'application/json', opts);
    },

    async sendDirectMessage(target, msg, opts = {}) {
      const ws = state.workspace(msg.teamId);
      user(ws, msg.userId);
      const conv = state.openIm(ws.id, ws.botUserId, msg.userId);
      const ts = state.nextTs();
      ws.messages.push({ teamId: ws.id, channel: conv.id, ts, text: msg.text, user: msg.userId, threadTs: msg.threadTs, reactions: new Map() });
      const event: Record<string, unknown> = {
        type: 'message',
        channel: conv.id,
        user: msg.userId,
        text: msg.text,
        ts,
        event_ts: ts,
        channel_type: 'im',
        team: ws.id,
      };
      if (msg.threadTs) event.thread_ts = msg.threadTs;
      if (msg.files?.length) {
        event.subtype = 'file_share';
        event.files = msg.files.map((f) => ({
          id: slackId('F'),
          name: f.name,
          title: f.name,
          size: f.size ?? 0,
          url_private: f.url,
          permalink: f.url,
        }));
      }
      const delivery = await sendEvent(target, ws.id, event, opts);
      return { ...delivery, channel: conv.id, ts };
    },

    async editMessage(target, edit, opts = {}) {
      const ws = state.workspace(edit.teamId);
      const msg = state.findMessage(ws.id, edit.channel, edit.ts);
      if (!msg) throw new Error(`Slack simulator: no message ${edit.ts} in ${edit.channel}`);
      const previous = { type: 'message', user: msg.user, text: msg.text, ts: msg.ts };
      const editTs = state.nextTs();
      msg.text = edit.text;
      msg.edited = { user: msg.user ?? '', ts: editTs };
      const conv = ws.conversations.get(edit.channel);
      const event = {
        type: 'message',
        subtype: 'message_changed',
        hidden: true,
        channel: edit.channel,
        ts: editTs,
        event_ts: editTs,
        channel_type: conv?.kind === 'im' ? 'im' : 'channel',
        message: { type: 'message', user: msg.user, text: msg.text, ts: msg.ts, edited: msg.edited, team: ws.id },
        previous_message: previous,
      };
      const delivery = await sendEvent(target, ws.id, event, opts);
      return { ...delivery, channel: edit.channel, ts: msg.ts };
    },

    async deleteMessage(target, del, opts = {}) {
      const ws = state.workspace(del.teamId);
      const msg = state.findMessage(ws.id, del.channel, del.ts);
      if (!msg) throw new Error(`Slack simulator: no message ${del.ts} in ${del.channel}`);
      msg.deleted = true;
      const eventTs = state.nextTs();
      const conv = ws.conversations.get(del.channel);
      const event = {
        type: 'message',
        subtype: 'message_deleted',
        hidden: true,
        channel: del.channel,
        ts: eventTs,
        deleted_ts: del.ts,
        event_ts: eventTs,
        channel_type: conv?.kind === 'im' ? 'im' : 'channel',
        previous_message: { type: 'message', user: msg.user, text: msg.text, ts: msg.ts },
      };
      const delivery = await sendEvent(target, ws.id, event, opts);
      return { ...delivery, channel: del.channel, ts: del.ts };
    },

    async sendAppHomeOpened(target, ev, opts = {}) {
      const ws = state.workspace(ev.teamId);
      user(ws, ev.userId);
      const conv = state.openIm(ws.id, ws.botUserId, ev.userId);
      const event = { type: 'app_home_opened', user: ev.userId, channel: conv.id, tab: ev.tab ?? 'messages', event_ts: state.nextTs() };
      return { ...(await sendEvent(target, ws.id, event, opts)), channel: conv.id };
    },

    async sendTeamJoin(target, ev, opts = {}) {
      const ws = state.workspace(ev.teamId);
      const joined = state.addUser(ws.id, ev.user);
      const event = { type: 'team_join', user: userObject(joined, ws, true), cache_ts: Math.floor(Date.now() / 1000), event_ts: state.nextTs() };
      return sendEvent(target, ws.id, event, opts);
    },

    async sendUserChange(target, ev, opts = {}) {
      const ws = state.workspace(ev.teamId);
      const changed = user(ws, ev.userId);
      applyChanges(changed, ws, ev.changes);
      const event = { type: 'user_change', user: userObject(changed, ws, true), cache_ts: changed.updated, event_ts: state.nextTs() };
      return sendEvent(target, ws.id, event, opts);
    },

    async sendSlashCommand(target, cmd, opts = {}) {
      const ws = state.workspace(cmd.teamId);
      const caller = user(ws, cmd.userId);
      const channelId = cmd.channelId ?? state.openIm(ws.id, ws.botUserId, caller.id).id;
      const conv = ws.conversations.get(channelId);
      const responseUrl = newResponseUrl({ teamId: ws.id, channel: channelId, userId: caller.id });
      const form = new URLSearchParams({
        token: 'gIkuvaNzQIHg97ATvDxqgjtO',
        team_id: ws.id,
        team_domain: ws.domain,
        channel_id: channelId,
        channel_name: conv?.kind === 'im' ? 'directmessage' : (conv?.name ?? 'unknown'),
        user_id: caller.id,
        user_name: caller.name,
        command: cmd.command ?? '/crosstalk',
        text: cmd.text,
        api_app_id: state.appId,
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
      });
      const result = await post(`${target}/slack/commands`, form.toString(), 'application/x-www-form-urlencoded', opts);
      // A JSON answer is shown to the caller like a post to the response URL (ephemeral by default).
      if (result.status === 200 && result.text.trim().startsWith('{')) {
        const answer = JSON.parse(result.text) as Record<string, unknown>;
        if (answer.text || answer.blocks) ephemerals.respond(new URL(responseUrl).pathname.split('/').pop()!, answer);
      }
      return { ...result, responseUrl, channel: channelId };
    },

    async clickButton(target, click, opts = {}) {
      const ws = state.workspace(click.teamId);
      const clicker = user(ws, click.userId);
      const ephemeral = ephemerals.find(ws.id, click.channelId, click.messageTs);
      const msg = state.findMessage(ws.id, click.channelId, click.messageTs) ?? (ephemeral && { ...ephemeral, botId: ws.botId, user: ws.botUserId });
      const conv = ws.conversations.get(click.channelId);
      const responseUrl = newResponseUrl({
        teamId: ws.id,
        channel: click.channelId,
        userId: clicker.id,
        original: { ts: click.messageTs, ephemeral: Boolean(ephemeral) },
      });
      const payload = {
        type: 'block_actions',
        team: { id: ws.id, domain: ws.domain },
        user: { id: clicker.id, username: clicker.name, name: clicker.name, team_id: ws.id },
        api_app_id: state.appId,
        token: '9s8d9as89d8as9d8as989',
        container: { type: 'message', message_ts: click.messageTs, channel_id: click.channelId, is_ephemeral: Boolean(ephemeral) },
        trigger_id: `${Date.now()}.${randomBytes(4).readUInt32BE()}.${randomBytes(16).toString('hex')}`,
        channel: { id: click.channelId, name: conv?.kind === 'im' ? 'directmessage' : (conv?.name ?? 'unknown') },
        message: {
          type: 'message',
          ...(msg?.botId ? { bot_id: msg.botId } : {}),
          user: msg?.user,
          text: msg?.text ?? '',
          ts: click.messageTs,
          ...(msg?.blocks ? { blocks: msg.blocks } : {}),
        },
        state: { values: {} },
        response_url: responseUrl,
        actions: [
          {
            action_id: click.actionId,
            block_id: click.blockId ?? slackId('', 5),
            text: { type: 'plain_text', text: 'Button', emoji: true },
            ...(click.value !== undefined ? { value: click.value } : {}),
            type: 'button',
            action_ts: state.nextTs(),
          },
        ],
      };
      const form = new URLSearchParams({ payload: JSON.stringify(payload) });
      const result = await post(`${target}/slack/interactions`, form.toString(), 'application/x-www-form-urlencoded', opts);
      return { ...result, responseUrl, channel: click.channelId, ts: click.messageTs };
    },

    close: () => sim.close(),
  };
  return simulator;
}
