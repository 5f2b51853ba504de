import { createHash, randomBytes } from 'node:crypto';
import { adapterDeps } from '../../helpers/test-adapters.js';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebexAdapter } from '../../../adapters/webex/index.js';
import type {
  AdapterStore,
  ChatAdapter,
  HandleResult,
  InboundEvent,
  Platform,
  WorkspaceDirectory,
  WorkspaceRef,
} from '../../../src/chat-adapter.js';
import { loadConfig, type AppConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { createWebexSimulator, WebexSimulator, type SimPerson } from '../../../sandbox/simulators/webex/server.js';

class RecordingSink {
  events: InboundEvent[] = [];
  reply?: (e: InboundEvent) => HandleResult;
  async handle(event: InboundEvent): Promise<HandleResult> {
    this.events.push(event);
    return this.reply?.(event) ?? {};
  }
}

class MemoryStore implements AdapterStore {
  readonly data = new Map<string, unknown>();
  async get<T>(p: Platform, w: string, k: string) {
    return this.data.get(`${p}/${w}/${k}`) as T | undefined;
  }
  async set<T>(p: Platform, w: string, k: string, v: T) {
    this.data.set(`${p}/${w}/${k}`, v);
  }
  async delete(p: Platform, w: string, k: string) {
    this.data.delete(`${p}/${w}/${k}`);
  }
}

class MemoryWorkspaces implements WorkspaceDirectory {
  readonly items = new Map<string, WorkspaceRef>();
  async get(p: Platform, id: string) {
    return this.items.get(`${p}/${id}`);
  }
  async upsert(p: Platform, w: WorkspaceRef & { name: string }) {
    this.items.set(`${p}/${w.externalId}`, w);
  }
}

let sim: WebexSimulator;
let server: Server;
let baseUrl = '';
let adapter: ChatAdapter;
let config: AppConfig;
let workspace: WorkspaceRef;
const sink = new RecordingSink();
const store = new MemoryStore();
const workspaces = new MemoryWorkspaces();
let ada: SimPerson;
let bob: SimPerson;

beforeAll(async () => {
  sim = await createWebexSimulator().start();
  const app = express();
  const router = express.Router();
  app.use(router);
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const s = sim.sandboxSettings();
  config = loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: baseUrl,
    CROSSTALK_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    WEBEX_BOT_TOKEN: s.botToken,
    WEBEX_WEBHOOK_SECRET: s.webhookSecret,
    WEBEX_CLIENT_ID: s.clientId,
    WEBEX_CLIENT_SECRET: s.clientSecret,
    WEBEX_API_URL: s.apiUrl,
  });
  workspace = { externalId: sim.defaultOrg.id, credentials: { botToken: s.botToken } };
  await workspaces.upsert('webex', { ...workspace, name: 'Acme' });

  ada = sim.addPerson({ email: 'ada@acme.example', displayName: 'Ada Lovelace', department: 'Research', buildings: ['North'] });
  bob = sim.addPerson({ email: 'bob@acme.example', displayName: 'Bob Byte' });

  adapter = createWebexAdapter(
    adapterDeps(config, 'webex', { log: createLogger('silent'), sink, workspaces, store }),
    { policy: { minBackoffMs: 10, maxBackoffMs: 50 }, directoryPageSize: 2 },
  );
  adapter.mount(router);
  await adapter.start!();
});

afterAll(async () => {
  await adapter?.stop?.();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sim.close();
});

beforeEach(() => {
  sink.events = [];
  sink.reply = undefined;
  sim.server.clearFaults();
});

async function postRaw(body: string, headers: Record<string, string>) {
  const res = await fetch(`${baseUrl}/webex/webhook`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return res.status;
}

describe('start and health', () => {
  it('registers the firehose and card webhooks at our URL and reports a healthy workspace', async () => {
    const hooks = [...sim.webhooks.values()];
    expect(hooks.map((h) => `${h.resource}/${h.event} → ${h.targetUrl}`).sort()).toEqual([
      `all/all → ${baseUrl}/webex/webhook`,
      `attachmentActions/created → ${baseUrl}/webex/webhook`,
    ]);
    expect(hooks.every((h) => h.secret === config.webex.webhookSecret)).toBe(true);
    const health = await adapter.checkHealth(workspace);
    expect(health).toMatchObject({ tokenValid: true, botPresent: true, scopesGranted: true, webhooksRegistered: true });
  });

  it('reports a revoked token', async () => {
    const health = await adapter.checkHealth({ externalId: 'other', credentials: { botToken: 'revoked_PF84_x' } });
    expect(health.tokenValid).toBe(false);
    expect(health.detail).toMatch(/401/);
  });
});

describe('inbound verification', () => {
  it('refuses a forged body (signature of another body) and a missing signature with 401; nothing reaches the core', async () => {
    const { deliveries } = await sim.sendDirectMessage({ from: ada.id, text: 'genuine' });
    expect(deliveries[0].status).toBe(200);
    sink.events = [];
    const forged = deliveries[0].body.replace(ada.id, bob.id);
    expect(await postRaw(forged, { 'x-spark-signature': deliveries[0].headers['x-spark-signature'] })).toBe(401);
    expect(await postRaw(deliveries[0].body, {})).toBe(401);
    expect(await postRaw(forged, { 'x-spark-signature': WebexSimulator.sign('guessed-secret', forged) })).toBe(401);
    expect(sink.events).toEqual([]);
  });

  it('refuses a replayed notification whose message is older than the freshness window', async () => {
    const { deliveries } = await sim.sendDirectMessage({ from: ada.id, text: 'old news' });
    sink.events = [];
    const body = JSON.parse(deliveries[0].body) as { data: { created: string } };
    body.data.created = new Date(Date.now() - 60 * 60_000).toISOString();
    const stale = JSON.stringify(body);
    expect(await postRaw(stale, { 'x-spark-signature': WebexSimulator.sign(sim.webhookSecret, stale) })).toBe(401);
    expect(sink.events).toEqual([]);
  });

  it('a duplicate delivery keeps the same event id, so the core records it once', async () => {
    const { deliveries } = await sim.sendDirectMessage({ from: ada.id, text: 'twice' }, { duplicate: true });
    expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
    expect(sink.events).toHaveLength(2);
    expect(sink.events[0].eventId).toBe(sink.events[1].eventId);
  });
});

describe('inbound events', () => {
  it('a DM arrives as a direct message with neutral text, fetched through GET messages/{id}', async () => {
    const { resource } = await sim.sendDirectMessage({ from: ada.id, markdown: 'hello **there** *friend* 👍' });
    expect(sink.events).toEqual([
      expect.objectContaining({
        kind: 'message',
        platform: 'webex',
        workspaceId: sim.defaultOrg.id,
        userId: ada.id,
        conversationId: resource.roomId,
        messageId: resource.id,
        isDirect: true,
        text: 'hello **there** _friend_ :+1:',
      }),
    ]);
    expect(sim.server.callsTo(`/v1/messages/${resource.id}`, 'GET')).toHaveLength(1);
  });

  it('the core’s reply is shown to the user in the same conversation', async () => {
    sink.reply = () => ({ reply: { text: 'Your sync status: **off**' } });
    const { resource } = await sim.sendDirectMessage({ from: bob.id, text: 'status' });
    const seen = sim.messagesIn(resource.roomId).at(-1)!;
    expect(seen.personId).toBe(sim.defaultOrg.bot.id);
    expect(seen.markdown).toBe('Your sync status: **off**');
  });

  it('a command typed at the bot in a space arrives with the mention stripped', async () => {
    const space = sim.createSpace({ title: 'Ops', creatorId: ada.id, memberIds: [sim.defaultOrg.bot.id, bob.id] });
    await sim.sendSpaceMessage({ from: ada.id, roomId: space.id, text: '/crosstalk people status=pending' });
    expect(sink.events).toEqual([
      expect.objectContaining({ kind: 'message', isDirect: false, conversationId: space.id, text: '/crosstalk people status=pending' }),
    ]);
    // A space message that does not mention the bot never reaches it.
    const quiet = await sim.sendSpaceMessage({ from: bob.id, roomId: space.id, text: 'lunch?', mentionBot: false });
    expect(quiet.deliveries).toEqual([]);
  });

  it('an edit arrives as message_edited with the new text and its own event id', async () => {
    const { resource } = await sim.sendDirectMessage({ from: ada.id, text: 'draft' });
    const created = sink.events[0];
    await sim.editMessage({ messageId: resource.id, markdown: 'final ~~draft~~' });
    const edited = sink.events[1];
    expect(edited).toMatchObject({ kind: 'message_edited', messageId: resource.id, text: 'final ~~draft~~', userId: ada.id });
    expect(edited.eventId).not.toBe(created.eventId);
  });

  it('a delete arrives as message_deleted', async () => {
    const { resource } = await sim.sendDirectMessage({ from: ada.id, text: 'oops' });
    await sim.deleteMessage({ messageId: resource.id });
    expect(sink.events[1]).toMatchObject({ kind: 'message_deleted', messageId: resource.id, conversationId: resource.roomId });
  });

  it('a button click on our card arrives as an action with its id and value', async () => {
    const conversationId = await adapter.openDirect(workspace, ada.id);
    const card = await adapter.send(
      { workspace, conversationId },
      { text: 'Confirm reset?', buttons: [{ label: 'Reset', actionId: 'reset.confirm', value: 'ada', style: 'danger' }] },
      { kind: 'bot' },
    );
    await sim.submitCard({ from: ada.id, messageId: card.messageId, inputs: { actionId: 'reset.confirm', value: 'ada' } });
    expect(sink.events).toEqual([
      expect.objectContaining({ kind: 'action', actionId: 'reset.confirm', value: 'ada', userId: ada.id, messageId: card.messageId }),
    ]);
    expect(sim.server.callsTo(/^\/v1\/attachment\/actions\//, 'GET')).toHaveLength(1);
  });

  it('people joining a space and the bot being added arrive as member_joined and app_installed', async () => {
    const space = sim.createSpace({ title: 'Design', creatorId: ada.id, memberIds: [sim.defaultOrg.bot.id] });
    await sim.joinSpace({ roomId: space.id, personId: bob.id, by: ada.id });
    const other = sim.createSpace({ title: 'New', creatorId: bob.id });
    await sim.joinSpace({ roomId: other.id, personId: sim.defaultOrg.bot.id, by: bob.id });
    expect(sink.events.map((e) => [e.kind, e.userId, e.conversationId])).toEqual([
      ['member_joined', bob.id, space.id],
      ['app_installed', bob.id, other.id],
    ]);
  });

  it('the bot’s own messages are never events (and are not even fetched)', async () => {
    const before = sim.server.callsTo(/^\/v1\/messages\//, 'GET').length;
    const { deliveries } = await sim.sendDirectMessage({ from: sim.defaultOrg.bot.id, to: ada.id, text: 'from the bot' });
    expect(deliveries[0].status).toBe(200);
    expect(sink.events).toEqual([]);
    expect(sim.server.callsTo(/^\/v1\/messages\//, 'GET').length).toBe(before);
  });
});

describe('outbound', () => {
  it('bot sync: the bot posts with the sender’s name and home platform; edit and delete follow', async () => {
    const carol = sim.addPerson({ email: 'carol@acme.example', displayName: 'Carol Chen' });
    const first = await adapter.openDirect(workspace, carol.id);
    expect(first).toBe(`direct:${carol.id}`);
    const as = { kind: 'bot' as const, displayName: 'Grace Hopper', avatarUrl: 'https://a.example/g.png', fromPlatform: 'slack' as const };
    const ref = await adapter.send({ workspace, conversationId: first }, { text: 'hi _there_ :wave:' }, as);
    const seen = sim.messagesIn(ref.conversationId);
    expect(seen.map((m) => m.markdown)).toEqual(['**Grace Hopper** (Slack)\nhi *there* 👋']);
    expect(sim.membersOf(ref.conversationId).map((m) => m.personId).sort()).toEqual([sim.defaultOrg.bot.id, carol.id].sort());
    // The 1:1 room Webex opened is remembered.
    expect(await adapter.openDirect(workspace, carol.id)).toBe(ref.conversationId);

    await adapter.update(ref, { text: 'hi _again_' }, as);
    expect(sim.messagesIn(ref.conversationId)[0].markdown).toBe('**Grace Hopper** (Slack)\nhi *again*');
    await adapter.delete(ref, as);
    expect(sim.messagesIn(ref.conversationId)).toEqual([]);
  });

  it('user sync: the message is posted, edited and deleted as the person with their own token', async () => {
    const token = sim.issueUserToken(ada.id);
    const room = sim.directRoom(ada.id, bob.id);
    const as = { kind: 'user' as const, accessToken: token };
    const ref = await adapter.send({ workspace, conversationId: room.id }, { text: 'from **Ada** herself' }, as);
    const [message] = sim.messagesIn(room.id);
    expect(message.personId).toBe(ada.id);
    expect(message.markdown).toBe('from **Ada** herself');
    const call = sim.server.callsTo('/v1/messages', 'POST').at(-1)!;
    expect(call.headers.authorization).toBe(`Bearer ${token}`);
    await adapter.update(ref, { text: 'edited' }, as);
    expect(sim.messagesIn(room.id)[0].text).toBe('edited');
    await adapter.delete(ref, as);
    expect(sim.messagesIn(room.id)).toEqual([]);
  });

  it('a 429 with Retry-After is retried after about that long and the message arrives once', async () => {
    const room = sim.directRoom(sim.defaultOrg.bot.id, bob.id);
    const before = sim.messagesIn(room.id).length;
    sim.server.inject({ method: 'POST', path: '/v1/messages', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const started = Date.now();
    await adapter.send({ workspace, conversationId: room.id }, { text: 'patience' }, { kind: 'bot' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.server.callsTo('/v1/messages', 'POST').slice(-2).map((c) => c.status)).toEqual([429, 200]);
    expect(sim.messagesIn(room.id).length).toBe(before + 1);
  });

  it('without an admin token, lists the people in the bot\'s spaces, across pages of spaces', async () => {
    const outsider = sim.addPerson({ email: 'olive@acme.example', displayName: 'Olive Outside' });
    sim.createSpace({ title: 'Lab', creatorId: sim.defaultOrg.bot.id, memberIds: [ada.id] });
    sim.createSpace({ title: 'Ops', creatorId: sim.defaultOrg.bot.id, memberIds: [bob.id] });
    const emails = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await adapter.listUsers(workspace, cursor);
      for (const u of page.users) emails.add(u.email!);
      expect(page.users.every((u) => !u.isBot)).toBe(true);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(emails).toContain('ada@acme.example');
    expect(emails).toContain('bob@acme.example');
    expect(emails).not.toContain(outsider.emails[0]);
    expect(sim.server.callsTo('/v1/rooms', 'GET').length).toBeGreaterThan(0);
  });

  it('with an admin token, lists the whole directory across several Link-header pages with profile facts', async () => {
    sim.addPerson({ email: 'dee@acme.example', displayName: 'Dee Gone', deactivated: true });
    const admin = sim.addPerson({ email: 'root@acme.example', displayName: 'Root Admin' });
    const withAdmin = { ...workspace, credentials: { ...workspace.credentials, adminToken: sim.issueUserToken(admin.id, ['spark-admin:people_read']) } };
    const users = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await adapter.listUsers(withAdmin, cursor);
      users.push(...page.users);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    const expected = [...sim.people.values()].filter((p) => p.type === 'person' && p.orgId === sim.defaultOrg.id);
    expect(pages).toBe(Math.ceil(expected.length / 2));
    expect(pages).toBeGreaterThan(1);
    expect(users.map((u) => u.email).sort()).toEqual(expected.map((p) => p.emails[0]).sort());
    expect(users.find((u) => u.email === 'ada@acme.example')).toMatchObject({ name: 'Ada Lovelace', department: 'Research', buildings: ['North'], deactivated: false, isBot: false });
    expect(users.find((u) => u.email === 'dee@acme.example')?.deactivated).toBe(true);
  });

  it('adds members with the moderator role for managers, and says when someone is already in', async () => {
    const space = sim.createSpace({ title: 'Managed', creatorId: sim.defaultOrg.bot.id });
    expect(await adapter.addMember(workspace, space.id, ada.id, 'manager')).toBe('added');
    expect(await adapter.addMember(workspace, space.id, bob.id, 'member')).toBe('added');
    expect(await adapter.addMember(workspace, space.id, bob.id, 'member')).toBe('already_member');
    const roles = Object.fromEntries(sim.membersOf(space.id).map((m) => [m.personId, m.isModerator]));
    expect(roles[ada.id]).toBe(true);
    expect(roles[bob.id]).toBe(false);
  });
});

describe('user OAuth (integration) with PKCE', () => {
  it('authorizes, comes back with code and state, and exchanges the code for the person’s identity', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUri = `${baseUrl}/oauth/webex/callback`;
    const url = new URL(adapter.authorizeUrl({ state: 'st-1', redirectUri, codeChallenge: challenge }));
    expect(url.origin + url.pathname).toBe(`${sim.apiUrl}/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    url.searchParams.set('login_hint', 'ada@acme.example');
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;

    const grant = await adapter.exchangeCode({ code, redirectUri, codeVerifier: verifier });
    expect(grant).toMatchObject({ userId: ada.id, email: 'ada@acme.example', workspaceExternalId: sim.defaultOrg.id });
    expect(grant.refreshToken).toBeTruthy();
    expect(grant.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 13 * 24 * 3600_000);
    const me = await fetch(`${sim.apiUrl}/people/me`, { headers: { authorization: `Bearer ${grant.accessToken}` } });
    expect(((await me.json()) as { id: string }).id).toBe(ada.id);
  });

  it('a wrong PKCE verifier is refused', async () => {
    const redirectUri = `${baseUrl}/oauth/webex/callback`;
    const url = new URL(adapter.authorizeUrl({ state: 's', redirectUri, codeChallenge: 'x'.repeat(43) }));
    url.searchParams.set('login_hint', 'bob@acme.example');
    const res = await fetch(url, { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    await expect(adapter.exchangeCode({ code, redirectUri, codeVerifier: 'wrong' })).rejects.toMatchObject({ code: 'bad_request' });
  });
});
