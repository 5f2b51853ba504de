import type { AddressInfo } from 'node:net';
import { adapterDeps } from '../../helpers/test-adapters.js';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSlackAdapter } from '../../../adapters/slack/index.js';
import {
  AdapterError,
  AdapterErrorCode,
  type AdapterStore,
  type ChatAdapter,
  type HandleResult,
  type InboundEvent,
  type Platform,
  type WorkspaceDirectory,
  type WorkspaceRef,
} from '../../../src/chat-adapter.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { createSlackSimulator, type SlackSimulator } from '../../../sandbox/simulators/slack/server.js';

class RecordingSink {
  readonly events: InboundEvent[] = [];
  replies = new Map<InboundEvent['kind'], HandleResult>();
  async handle(event: InboundEvent): Promise<HandleResult> {
    this.events.push(event);
    return this.replies.get(event.kind) ?? {};
  }
}

class MemoryStore implements AdapterStore {
  readonly values = new Map<string, { value: unknown; secret: boolean }>();
  async get<T>(p: Platform, ws: string, key: string) {
    return this.values.get(`${p}/${ws}/${key}`)?.value as T | undefined;
  }
  async set<T>(p: Platform, ws: string, key: string, value: T, options?: { secret?: boolean }) {
    this.values.set(`${p}/${ws}/${key}`, { value, secret: options?.secret === true });
  }
  async delete(p: Platform, ws: string, key: string) {
    this.values.delete(`${p}/${ws}/${key}`);
  }
}

class MemoryWorkspaces implements WorkspaceDirectory {
  readonly byId = new Map<string, WorkspaceRef & { name: string }>();
  async get(_p: Platform, externalId: string) {
    return this.byId.get(externalId);
  }
  async upsert(_p: Platform, ws: WorkspaceRef & { name: string }) {
    this.byId.set(ws.externalId, ws);
  }
}

describe('Slack adapter against the simulator', () => {
  let slack: SlackSimulator;
  let server: Server;
  let base: string;
  let adapter: ChatAdapter;
  const sink = new RecordingSink();
  const store = new MemoryStore();
  const workspaces = new MemoryWorkspaces();
  let acme: string;
  let globex: string;
  let ada: string;
  let grace: string;
  let acmeRef: WorkspaceRef;

  beforeAll(async () => {
    slack = await createSlackSimulator({
      workspaces: [
        {
          name: 'Acme',
          users: [
            { name: 'ada', realName: 'Ada Lovelace', email: 'Ada@acme.example', fields: { 'Office location': 'North, Lab 2', Department: 'Engineering' } },
            { name: 'grace', realName: 'Grace Hopper', email: 'grace@acme.example' },
            ...Array.from({ length: 6 }, (_, i) => ({ name: `p${i}`, email: `p${i}@acme.example`, deleted: i === 0 })),
          ],
          channels: [{ name: 'general' }],
        },
        { name: 'Globex', users: [{ name: 'hank', email: 'hank@globex.example' }] },
      ],
    });
    [acme, globex] = [...slack.state.workspaces.keys()];
    const acmeWs = slack.state.workspace(acme);
    ada = [...acmeWs.users.values()].find((u) => u.name === 'ada')!.id;
    grace = [...acmeWs.users.values()].find((u) => u.name === 'grace')!.id;
    const general = [...acmeWs.conversations.values()].find((c) => c.name === 'general')!;
    general.members.add(acmeWs.botUserId);

    const host = express();
    server = await new Promise<Server>((resolve) => {
      const s = host.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const settings = slack.sandboxSettings(acme);
    const config = loadConfig({ NODE_ENV: 'test' });
    config.publicUrl = base;
    config.slack = { ...config.slack, ...settings, sandbox: true };
    // Acme is known through the core's directory; Globex only through an install (below).
    const acmeCreds = slack.installedWorkspaces().find((w) => w.externalId === acme)!;
    await workspaces.upsert('slack', acmeCreds);
    acmeRef = { externalId: acme, credentials: acmeCreds.credentials };

    adapter = createSlackAdapter(
      adapterDeps(config, 'slack', { log: createLogger('silent'), sink, workspaces, store }),
      { retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 } },
    );
    const router = express.Router();
    adapter.mount(router);
    host.use(router);
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await slack.close();
  });

  beforeEach(() => {
    sink.events.length = 0;
    sink.replies.clear();
    slack.sim.clearFaults();
  });

  it('answers url_verification with the challenge', async () => {
    const res = await slack.sendUrlVerification(base, 'chal-123');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'chal-123' });
  });

  it('refuses a forged signature and a stale timestamp with 401, and nothing reaches the core', async () => {
    const forged = await slack.sendDirectMessage(base, { teamId: acme, userId: ada, text: 'forged' }, { signingSecret: 'not-the-secret' });
    const stale = await slack.sendDirectMessage(base, { teamId: acme, userId: ada, text: 'stale' }, { timestamp: Math.floor(Date.now() / 1000) - 600 });
    const future = await slack.sendSlashCommand(base, { teamId: acme, userId: ada, text: 'help' }, { timestamp: Math.floor(Date.now() / 1000) + 3600 });
    expect([forged.status, stale.status, future.status]).toEqual([401, 401, 401]);
    expect(sink.events).toEqual([]);
  });

  it('delivers a DM as a message event; a retry carries the same event id', async () => {
    const dm = await slack.sendDirectMessage(base, { teamId: acme, userId: ada, text: 'hi *there* <https://x.example|x>' });
    expect(dm.status).toBe(200);
    const retry = await slack.redeliver(dm, 1, 'http_timeout');
    expect(retry.status).toBe(200);
    expect(sink.events).toHaveLength(2);
    expect(sink.events[0]).toEqual({
      platform: 'slack',
      kind: 'message',
      workspaceId: acme,
      eventId: dm.eventId,
      userId: ada,
      conversationId: dm.channel,
      messageId: dm.ts,
      text: 'hi **there** [x](https://x.example)',
      isDirect: true,
    });
    expect(sink.events[1].eventId).toBe(dm.eventId);
  });

  it('keeps thread replies threaded, and normalizes edits and deletes', async () => {
    const root = await slack.sendDirectMessage(base, { teamId: acme, userId: ada, text: 'root' });
    const reply = await slack.sendDirectMessage(base, { teamId: acme, userId: ada, text: 'reply', threadTs: root.ts });
    await slack.editMessage(base, { teamId: acme, channel: reply.channel!, ts: reply.ts!, text: 'reply, _edited_' });
    await slack.deleteMessage(base, { teamId: acme, channel: root.channel!, ts: root.ts! });
    expect(sink.events.map((e) => e.kind)).toEqual(['message', 'message', 'message_edited', 'message_deleted']);
    expect(sink.events[1]).toMatchObject({ threadId: root.ts });
    expect(sink.events[2]).toMatchObject({ messageId: reply.ts, text: 'reply, _edited_', userId: ada });
    expect(sink.events[3]).toMatchObject({ messageId: root.ts, conversationId: root.channel });
  });

  it('never turns the bot’s own message into a message event', async () => {
    const ws = slack.state.workspace(acme);
    const res = await slack.sendEvent(base, acme, {
      type: 'message',
      channel: 'D0000BOT',
      user: ws.botUserId,
      bot_id: ws.botId,
      subtype: 'bot_message',
      text: 'relayed',
      ts: slack.state.nextTs(),
      channel_type: 'im',
    });
    expect(res.status).toBe(200);
    expect(sink.events).toEqual([]);
  });

  it('normalizes app_home_opened, team_join and user_change with profile facts', async () => {
    await slack.sendAppHomeOpened(base, { teamId: acme, userId: grace });
    await slack.sendTeamJoin(base, { teamId: acme, user: { id: 'UNEWBIE01', name: 'newbie', email: 'newbie@acme.example' } });
    await slack.sendUserChange(base, { teamId: acme, userId: grace, changes: { fields: { 'Office location': 'South' }, deleted: true } });
    expect(sink.events.map((e) => e.kind)).toEqual(['app_installed', 'member_joined', 'user_changed']);
    expect(sink.events[1]).toMatchObject({ userId: 'UNEWBIE01' });
    expect(sink.events[2]).toMatchObject({ user: { userId: grace, deactivated: true, buildings: ['South'] } });
  });

  it('runs /crosstalk as a command and shows the core’s reply to the caller', async () => {
    sink.replies.set('command', { reply: { text: '**Status**: sync is _on_' } });
    const res = await slack.sendSlashCommand(base, { teamId: acme, userId: ada, text: '  status  ' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toMatchObject({ response_type: 'ephemeral', text: '*Status*: sync is _on_' });
    expect(sink.events).toEqual([
      { platform: 'slack', kind: 'command', workspaceId: acme, eventId: expect.stringMatching(/^command:/), userId: ada, conversationId: res.channel, text: 'status' },
    ]);
  });

  it('turns a button click into an action and answers through response_url', async () => {
    const dm = await adapter.openDirect(acmeRef, ada);
    const prompt = await adapter.send(
      { workspace: acmeRef, conversationId: dm },
      { text: 'Reset Ada?', buttons: [{ label: 'Yes, reset', actionId: 'confirm_reset', value: 'person-1', style: 'danger' }, { label: 'Sync now', url: 'https://x.example/sync/t' }] },
      { kind: 'bot' },
    );
    const posted = slack.state.findMessage(acme, dm, prompt.messageId)!;
    expect(posted.blocks).toHaveLength(2);

    sink.replies.set('action', { reply: { text: 'Done.' } });
    const click = await slack.clickButton(base, { teamId: acme, userId: ada, channelId: dm, messageTs: prompt.messageId, actionId: 'confirm_reset', value: 'person-1' });
    expect(click.status).toBe(200);
    expect(sink.events).toEqual([
      { platform: 'slack', kind: 'action', workspaceId: acme, eventId: expect.stringMatching(/^action:/), userId: ada, conversationId: dm, actionId: 'confirm_reset', value: 'person-1', messageId: prompt.messageId },
    ]);
    const answered = await slack.waitForResponse(click.responseUrl!);
    expect(answered.body).toMatchObject({ text: 'Done.', response_type: 'ephemeral', replace_original: false });

    const linkClick = await slack.clickButton(base, { teamId: acme, userId: ada, channelId: dm, messageTs: prompt.messageId, actionId: 'link:1' });
    expect(linkClick.status).toBe(200);
    expect(sink.events).toHaveLength(1);
  });

  it('answers 500 when the core cannot record an event, so Slack retries it', async () => {
    const failing = { handle: async () => Promise.reject(new Error('database down')) };
    const original = sink.handle.bind(sink);
    sink.handle = failing.handle;
    try {
      const res = await slack.sendDirectMessage(base, { teamId: acme, userId: ada, text: 'lost?' });
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      sink.handle = original;
    }
  });

  it('posts as the bot with the sender’s name, avatar and platform, then edits and deletes it', async () => {
    const dm = await adapter.openDirect(acmeRef, grace);
    const ref = await adapter.send(
      { workspace: acmeRef, conversationId: dm },
      { text: 'Hello **Grace** from <@U123>' },
      { kind: 'bot', displayName: 'Lin Teams', avatarUrl: 'https://avatars.example/lin.png', fromPlatform: 'teams' },
    );
    const msg = slack.state.findMessage(acme, dm, ref.messageId)!;
    expect(msg).toMatchObject({ text: 'Hello *Grace* from <@U123>', username: 'Lin Teams (Teams)', iconUrl: 'https://avatars.example/lin.png' });
    expect(msg.botId).toBe(slack.state.workspace(acme).botId);

    await adapter.update(ref, { text: 'Hello again' }, { kind: 'bot' });
    expect(slack.state.findMessage(acme, dm, ref.messageId)!.text).toBe('Hello again');
    await adapter.delete(ref, { kind: 'bot' });
    expect(slack.state.findMessage(acme, dm, ref.messageId)).toBeUndefined();
  });

  it('posts as the user with their own token (user sync)', async () => {
    const token = slack.state.issueUserToken(acme, ada, ['chat:write', 'im:write']).token;
    const ref = await adapter.send({ workspace: acmeRef, conversationId: grace }, { text: 'from ada herself' }, { kind: 'user', accessToken: token });
    const msg = slack.state.findMessage(acme, ref.conversationId, ref.messageId)!;
    expect(msg).toMatchObject({ user: ada, text: 'from ada herself' });
    expect(msg.botId).toBeUndefined();
    expect(slack.state.workspace(acme).conversations.get(ref.conversationId)!.members).toEqual(new Set([ada, grace]));
  });

  it('retries a 429 after Retry-After and the message arrives once', async () => {
    const dm = await adapter.openDirect(acmeRef, ada);
    slack.sim.inject({ path: '/api/chat.postMessage', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const started = Date.now();
    const ref = await adapter.send({ workspace: acmeRef, conversationId: dm }, { text: 'patience' }, { kind: 'bot' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(slack.state.messagesIn(acme, dm).filter((m) => m.text === 'patience').map((m) => m.ts)).toEqual([ref.messageId]);
  });

  it('maps Slack errors to typed adapter errors', async () => {
    const err = await adapter
      .send({ workspace: acmeRef, conversationId: 'C_DOES_NOT_EXIST' }, { text: 'x' }, { kind: 'bot' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).code).toBe(AdapterErrorCode.NotFound);
    const dead = await adapter.send({ workspace: acmeRef, conversationId: ada }, { text: 'x' }, { kind: 'user', accessToken: 'xoxp-revoked' }).catch((e: unknown) => e);
    expect((dead as AdapterError).code).toBe(AdapterErrorCode.InvalidToken);
  });

  it('lists users across several pages with emails, deactivation and profile facts', async () => {
    const seen: Array<{ userId: string; email?: string; deactivated: boolean; isBot: boolean; buildings?: string[]; department?: string }> = [];
    let cursor: string | undefined;
    let pages = 0;
    const ws = slack.state.workspace(acme);
    for (let i = 0; i < 4; i++) ws.users.set(`UBULK${i}`, { ...ws.users.get(grace)!, id: `UBULK${i}`, name: `bulk${i}`, email: `bulk${i}@acme.example` });
    const big = Array.from({ length: 400 }, (_, i) => `UMANY${String(i).padStart(3, '0')}`);
    for (const id of big) ws.users.set(id, { ...ws.users.get(grace)!, id, name: id.toLowerCase(), email: `${id.toLowerCase()}@acme.example` });
    do {
      const page = await adapter.listUsers(acmeRef, cursor);
      seen.push(...page.users);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(ws.users.size);
    expect(seen.find((u) => u.userId === ada)).toMatchObject({ email: 'ada@acme.example', buildings: ['North', 'Lab 2'], department: 'Engineering' });
    expect(seen.find((u) => u.email === 'p0@acme.example')?.deactivated).toBe(true);
    expect(seen.find((u) => u.userId === ws.botUserId)?.isBot).toBe(true);
    for (const id of [...big, 'UBULK0', 'UBULK1', 'UBULK2', 'UBULK3']) ws.users.delete(id);
  });

  it('looks up one user, and answers undefined for an unknown id', async () => {
    expect(await adapter.getUser!(acmeRef, ada)).toMatchObject({ userId: ada, name: 'Ada Lovelace', department: 'Engineering' });
    expect(await adapter.getUser!(acmeRef, 'UNOBODY00')).toBeUndefined();
  });

  it('adds a channel member, and reports an existing one', async () => {
    const general = [...slack.state.workspace(acme).conversations.values()].find((c) => c.name === 'general')!;
    expect(await adapter.addMember(acmeRef, general.id, ada, 'member')).toBe('added');
    expect(await adapter.addMember(acmeRef, general.id, ada, 'manager')).toBe('already_member');
    expect(general.members.has(ada)).toBe(true);
  });

  it('checks workspace health from auth.test and the granted scopes', async () => {
    const health = await adapter.checkHealth(acmeRef);
    expect(health).toMatchObject({ tokenValid: true, botPresent: true, scopesGranted: true, missingScopes: [] });
    const broken = await adapter.checkHealth({ externalId: acme, credentials: { botToken: 'xoxb-revoked' } });
    expect(broken.tokenValid).toBe(false);
  });

  it('runs the personal OAuth flow: authorize URL on the simulator, code exchanged for a user token', async () => {
    slack.signInAs(acme, grace);
    const url = adapter.authorizeUrl({ state: 'st-1', redirectUri: `${base}/oauth/slack/callback` });
    expect(url.startsWith(`${slack.url}/oauth/v2/authorize?`)).toBe(true);
    const res = await fetch(url, { redirect: 'manual' });
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st-1');
    const grant = await adapter.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: `${base}/oauth/slack/callback` });
    expect(grant).toMatchObject({ userId: grace, email: 'grace@acme.example', workspaceExternalId: acme });
    expect(grant.accessToken.startsWith('xoxp-')).toBe(true);
    expect(grant.scopes).toContain('chat:write');
  });

  it('installs a new workspace through /slack/install and then accepts its events', async () => {
    const hank = [...slack.state.workspace(globex).users.values()].find((u) => u.name === 'hank')!;
    slack.signInAs(globex, hank.id);
    const install = await fetch(`${base}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const cookie = install.headers.get('set-cookie')!.split(';')[0];
    const authorize = await fetch(install.headers.get('location')!, { redirect: 'manual' });
    const callback = await fetch(authorize.headers.get('location')!, { redirect: 'manual', headers: { cookie } });
    expect(callback.status).toBeLessThan(400);

    expect((await workspaces.get('slack', globex))?.credentials.botToken).toBe(slack.state.workspace(globex).botToken);
    expect(store.values.get(`slack/${globex}/installation`)?.secret).toBe(true);

    const dm = await slack.sendDirectMessage(base, { teamId: globex, userId: hank.id, text: 'hello from globex' });
    expect(dm.status).toBe(200);
    expect(sink.events.at(-1)).toMatchObject({ workspaceId: globex, userId: hank.id, text: 'hello from globex' });
  });
});
