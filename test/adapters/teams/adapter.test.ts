import { createHash, randomBytes } from 'node:crypto';
import { adapterDeps } from '../../helpers/test-adapters.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AdapterError,
  AdapterErrorCode,
  type AdapterStore,
  type ChatAdapter,
  type HandleResult,
  type InboundEvent,
  type WorkspaceDirectory,
  type WorkspaceRef,
} from '../../../src/chat-adapter.js';
import { loadConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { createTeamsSimulator, type TeamsSimulator } from '../../../sandbox/simulators/teams/server.js';
import { createTeamsAdapter } from '../../../adapters/teams/index.js';
import { cardSubmit, messageDelete, messageEdit, personalInstall, personalMessage } from '../../fixtures/teams/activities.js';

class MemoryStore implements AdapterStore {
  readonly data = new Map<string, unknown>();
  async get<T>(p: string, w: string, k: string) {
    return this.data.get(`${p}|${w}|${k}`) as T | undefined;
  }
  async set<T>(p: string, w: string, k: string, v: T) {
    this.data.set(`${p}|${w}|${k}`, structuredClone(v));
  }
  async delete(p: string, w: string, k: string) {
    this.data.delete(`${p}|${w}|${k}`);
  }
}

class RecordingSink {
  readonly events: InboundEvent[] = [];
  reply?: (e: InboundEvent) => HandleResult;
  async handle(event: InboundEvent): Promise<HandleResult> {
    this.events.push(event);
    return this.reply?.(event) ?? {};
  }
}

let sim: TeamsSimulator;
let server: Server;
let base: string;
let adapter: ChatAdapter;
let workspace: WorkspaceRef;
const sink = new RecordingSink();
const store = new MemoryStore();
let tenantId: string;
let megan: { id: string; mri: string };
let adele: { id: string; mri: string };

beforeAll(async () => {
  sim = await createTeamsSimulator();
  tenantId = [...sim.tenants.keys()][0]!;
  megan = sim.findUser('megan.bowen@contoso.com')!.user;
  adele = sim.findUser('adele.vance@contoso.com')!.user;
  workspace = { externalId: tenantId, credentials: {} };
  const workspaces: WorkspaceDirectory = { get: async () => workspace, upsert: async () => {} };
  const config = { ...loadConfig({ NODE_ENV: 'test' }), teams: sim.sandboxSettings() };
  adapter = createTeamsAdapter(
    adapterDeps(config, 'teams', { log: createLogger('silent'), sink, workspaces, store }),
    { outbound: { minBackoffMs: 10, maxBackoffMs: 50, timeoutMs: 5000 }, pageSize: 2 },
  );
  const app = express();
  const router = express.Router();
  adapter.mount(router);
  app.use(router);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await sim.close();
});

beforeEach(() => {
  sink.events.length = 0;
  sink.reply = undefined;
  sim.sim.clearFaults();
});

/** A documented activity with the simulator's ids, tenant and serviceUrl. */
function fromFixture(fixture: Record<string, unknown>, user: { id: string; mri: string }, extra: Record<string, unknown> = {}) {
  const conv = sim.personalConversation(tenantId, user.id);
  return {
    ...structuredClone(fixture),
    serviceUrl: sim.serviceUrl,
    from: { id: user.mri, name: 'Someone', aadObjectId: user.id },
    recipient: { id: `28:${sim.defaultApp.appId}`, name: 'Crosstalk' },
    conversation: { conversationType: 'personal', tenantId, id: conv.id },
    channelData: { ...((fixture.channelData as object) ?? {}), tenant: { id: tenantId } },
    ...extra,
  };
}

describe('inbound verification', () => {
  it('refuses a forged token with 401 and hands nothing to the core', async () => {
    const res = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'forged hello', auth: 'forged' });
    expect(res.status).toBe(401);
    expect(sink.events).toEqual([]);
  });

  it('refuses an expired (replayed) token and one for another bot', async () => {
    const expired = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'old', auth: 'expired' });
    const other = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'not for us', auth: 'wrong-audience' });
    const none = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'anonymous', auth: 'none' });
    expect([expired.status, other.status, none.status]).toEqual([401, 401, 401]);
    expect(sink.events).toEqual([]);
  });
});

describe('inbound events', () => {
  it('turns a documented personal message into a direct message event', async () => {
    const res = await sim.sendActivity(base, fromFixture(personalMessage, megan));
    expect(res.status).toBe(200);
    expect(sink.events).toEqual([
      expect.objectContaining({
        kind: 'message',
        platform: 'teams',
        workspaceId: tenantId,
        userId: megan.id,
        messageId: '1485983408511',
        text: 'Hello Teams TestBot',
        isDirect: true,
      }),
    ]);
  });

  it('strips the bot mention from a command and answers with the reply in the same chat', async () => {
    sink.reply = (e) => (e.kind === 'message' && e.text === '/crosstalk help' ? { reply: { text: 'Commands: **help**, `status`' } } : {});
    const botId = `28:${sim.defaultApp.appId}`;
    const activity = fromFixture(personalMessage, megan, {
      id: '900001',
      text: '<at>Crosstalk</at> /crosstalk help',
      entities: [{ type: 'mention', text: '<at>Crosstalk</at>', mentioned: { id: botId, name: 'Crosstalk' } }],
    });
    const res = await sim.sendActivity(base, activity);
    expect(res.status).toBe(200);
    expect(sink.events[0]).toMatchObject({ kind: 'message', text: '/crosstalk help', isDirect: true });
    const conv = sim.personalConversation(tenantId, megan.id);
    expect(sim.botMessages(conv.id).at(-1)?.text).toBe('Commands: <b>help</b>, <code>status</code>');
  });

  it('gives a redelivered activity the same event id', async () => {
    const first = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'once', id: '777' });
    const again = await sim.sendDirectMessage(base, { tenantId, userId: megan.id, text: 'once', id: '777' });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(sink.events).toHaveLength(2);
    expect(sink.events[0]!.eventId).toBe(sink.events[1]!.eventId);
  });

  it('maps formatted text and user mentions from the HTML attachment', async () => {
    await sim.sendDirectMessage(base, { tenantId, userId: adele.id, text: 'hi' });
    sink.events.length = 0;
    await sim.sendDirectMessage(base, {
      tenantId,
      userId: megan.id,
      text: 'Ask Adele Vance about the bold plan',
      html: '<p>Ask <at>Adele Vance</at> about the <b>bold</b> plan</p>',
      mentions: [{ id: adele.mri, name: 'Adele Vance' }],
    });
    expect(sink.events[0]).toMatchObject({ kind: 'message', text: `Ask <@${adele.id}|Adele Vance> about the **bold** plan` });
  });

  it('reports edits and deletes', async () => {
    const edit = await sim.sendActivity(base, fromFixture(messageEdit, megan));
    const del = await sim.sendActivity(base, fromFixture(messageDelete, megan));
    expect([edit.status, del.status]).toEqual([200, 200]);
    expect(sink.events).toEqual([
      expect.objectContaining({ kind: 'message_edited', messageId: '1485983408511', text: 'This is the updated message content.', userId: megan.id }),
      expect.objectContaining({ kind: 'message_deleted', messageId: '1485983408511', userId: megan.id }),
    ]);
    const helperEdit = await sim.sendEdit(base, { tenantId, userId: megan.id, messageId: '42', text: 'fixed *typo*' });
    expect(helperEdit.status).toBe(200);
    expect(sink.events.at(-1)).toMatchObject({ kind: 'message_edited', messageId: '42' });
  });

  it('turns an Adaptive Card submit into a button action', async () => {
    const res = await sim.sendActivity(base, fromFixture(cardSubmit, megan));
    expect(res.status).toBe(200);
    expect(sink.events).toEqual([
      expect.objectContaining({ kind: 'action', actionId: 'confirm_reset', value: 'person-42', messageId: '1485983408600', userId: megan.id }),
    ]);
  });

  it('records an install and remembers the chat for later messages', async () => {
    const isaiah = sim.findUser('isaiah.langer@contoso.com')!.user;
    const activity = fromFixture(personalInstall, isaiah, {
      membersAdded: [{ id: `28:${sim.defaultApp.appId}` }, { id: isaiah.mri, aadObjectId: isaiah.id }],
    });
    const res = await sim.sendActivity(base, activity);
    expect(res.status).toBe(200);
    expect(sink.events).toEqual([expect.objectContaining({ kind: 'app_installed', userId: isaiah.id, workspaceId: tenantId })]);
    const conversationId = await adapter.openDirect(workspace, isaiah.id);
    expect(conversationId).toBe(sim.personalConversation(tenantId, isaiah.id).id);
  });
});

describe('outbound through the Bot Connector', () => {
  it('opens a 1:1 chat with someone who never wrote and shows who a bot-synced message is from', async () => {
    const nestor = sim.findUser('nestor.wilke@contoso.com')!.user;
    const conversationId = await adapter.openDirect(workspace, nestor.id);
    const create = sim.sim.callsTo('/connector/v3/conversations', 'POST').at(-1)!;
    expect(create.body).toMatchObject({ tenantId, members: [{ id: nestor.id }], channelData: { tenant: { id: tenantId } } });

    const ref = await adapter.send(
      { workspace, conversationId },
      { text: 'Lunch at **noon**? :tada:' },
      { kind: 'bot', displayName: 'Ada Lovelace', avatarUrl: 'https://example.com/ada.png', fromPlatform: 'slack' },
    );
    const shown = sim.botMessages(conversationId).find((m) => m.id === ref.messageId)!;
    expect(shown.text).toBe(
      '<img src="https://example.com/ada.png" alt="Ada Lovelace" width="20" height="20"> <b>Ada Lovelace</b> <i>via Slack</i><br>Lunch at <b>noon</b>? 🎉',
    );

    await adapter.update(ref, { text: 'Lunch at **one**' }, { kind: 'bot', displayName: 'Ada Lovelace', fromPlatform: 'slack' });
    expect(sim.botMessages(conversationId).find((m) => m.id === ref.messageId)!.text).toBe('<b>Ada Lovelace</b> <i>via Slack</i><br>Lunch at <b>one</b>');
    await adapter.delete(ref, { kind: 'bot' });
    expect(sim.botMessages(conversationId).find((m) => m.id === ref.messageId)!.deleted).toBe(true);
  });

  it('sends buttons as an Adaptive Card whose submit comes back as an action', async () => {
    const conversationId = await adapter.openDirect(workspace, megan.id);
    const ref = await adapter.send(
      { workspace, conversationId },
      { text: 'Reset Megan?', buttons: [{ label: 'Reset', actionId: 'confirm_reset', value: 'p1', style: 'danger' }, { label: 'Sync now', url: 'https://x.test/sync/abc' }] },
      { kind: 'bot' },
    );
    const card = (sim.botMessages(conversationId).find((m) => m.id === ref.messageId)!.attachments![0] as { content: { actions: unknown[] } }).content;
    expect(card.actions).toEqual([
      { type: 'Action.Submit', title: 'Reset', style: 'destructive', data: { actionId: 'confirm_reset', value: 'p1' } },
      { type: 'Action.OpenUrl', title: 'Sync now', url: 'https://x.test/sync/abc' },
    ]);
  });

  it('retries a 429 from the connector after its Retry-After', async () => {
    const conversationId = await adapter.openDirect(workspace, megan.id);
    sim.sim.inject({ method: 'POST', path: /\/activities\/[^/]+$/, fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const started = Date.now();
    const ref = await adapter.send({ workspace, conversationId }, { text: 'patience' }, { kind: 'bot' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(sim.botMessages(conversationId).find((m) => m.id === ref.messageId)?.text).toBe('patience');
  });

  it('reports an unknown conversation as not found', async () => {
    await expect(adapter.send({ workspace, conversationId: 'a:unknown' }, { text: 'x' }, { kind: 'bot' })).rejects.toMatchObject({
      code: AdapterErrorCode.NotFound,
    });
  });
});

describe('user sync through Graph', () => {
  it('posts, edits and deletes a chat message with the person’s own token', async () => {
    const chat = sim.addChat(tenantId, [megan.id, adele.id]);
    const token = sim.issueUserToken(tenantId, megan.id);
    const ref = await adapter.send({ workspace, conversationId: chat.id }, { text: 'hey <@' + adele.id + '|Adele Vance>, _see_ this' }, { kind: 'user', accessToken: token });
    const posted = chat.messages.get(ref.messageId)!;
    expect(posted).toMatchObject({ from: megan.id, contentType: 'html', content: 'hey <at id="0">Adele Vance</at>, <i>see</i> this' });
    const call = sim.sim.callsTo(/^\/graph\/v1\.0\/chats\/[^/]+\/messages$/, 'POST').at(-1)!;
    expect((call.body as { mentions: unknown[] }).mentions).toEqual([
      { id: 0, mentionText: 'Adele Vance', mentioned: { user: { id: adele.id, displayName: 'Adele Vance', userIdentityType: 'aadUser' } } },
    ]);
    await adapter.update(ref, { text: 'edited' }, { kind: 'user', accessToken: token });
    expect(chat.messages.get(ref.messageId)!.content).toBe('edited');
    await adapter.delete(ref, { kind: 'user', accessToken: token });
    expect(chat.messages.get(ref.messageId)!.deleted).toBe(true);
  });

  it('reports a revoked user token as invalid', async () => {
    const chat = sim.addChat(tenantId, [megan.id, adele.id]);
    const token = sim.issueUserToken(tenantId, megan.id);
    sim.revokeToken(token);
    await expect(adapter.send({ workspace, conversationId: chat.id }, { text: 'x' }, { kind: 'user', accessToken: token })).rejects.toMatchObject({
      code: AdapterErrorCode.InvalidToken,
    });
  });
});

describe('directory and membership', () => {
  it('lists every user across several pages', async () => {
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await adapter.listUsers(workspace, cursor);
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toHaveLength(3);
    const users = pages.flatMap((p) => p.users);
    expect(users.map((u) => u.email)).toEqual([
      'megan.bowen@contoso.com',
      'adele.vance@contoso.com',
      'lee.gu@contoso.com',
      'isaiah.langer@contoso.com',
      'nestor.wilke@contoso.com',
    ]);
    expect(users[0]).toEqual({
      userId: megan.id,
      email: 'megan.bowen@contoso.com',
      name: 'Megan Bowen',
      deactivated: false,
      isBot: false,
      buildings: ['Building 1'],
      department: 'Marketing',
    });
  });

  it('retries a Graph 429 after its Retry-After', async () => {
    sim.sim.inject({ method: 'GET', path: '/graph/v1.0/users', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const started = Date.now();
    const page = await adapter.listUsers(workspace);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(page.users).toHaveLength(2);
  });

  it('adds a manager as team owner and recognizes an existing member', async () => {
    const team = [...sim.tenant(tenantId).teams.values()][0]!;
    expect(await adapter.addMember(workspace, team.id, adele.id, 'manager')).toBe('added');
    expect(team.members.get(adele.id)).toEqual(['owner']);
    expect(await adapter.addMember(workspace, team.id, adele.id, 'member')).toBe('already_member');
    const channel = [...team.channels.values()][0]!;
    expect(await adapter.addMember(workspace, `${team.id}/${channel.id}`, adele.id, 'member')).toBe('added');
    expect(channel.members.get(adele.id)).toEqual([]);
  });

  it('reports a healthy workspace', async () => {
    expect(await adapter.checkHealth(workspace)).toMatchObject({ tokenValid: true, botPresent: true, scopesGranted: true });
  });
});

describe('personal OAuth with PKCE', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');

  async function authorize(loginHint: string): Promise<{ code: string; state: string }> {
    const url = new URL(adapter.authorizeUrl({ state: 'st-1', redirectUri: 'https://crosstalk.test/oauth/teams/callback', codeChallenge: challenge }));
    expect(url.pathname).toMatch(/\/login\/common\/oauth2\/v2\.0\/authorize$/);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    url.searchParams.set('login_hint', loginHint);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    return { code: back.searchParams.get('code')!, state: back.searchParams.get('state')! };
  }

  it('exchanges the code for the person’s tokens and identity', async () => {
    const { code, state } = await authorize('adele.vance@contoso.com');
    expect(state).toBe('st-1');
    const grant = await adapter.exchangeCode({ code, redirectUri: 'https://crosstalk.test/oauth/teams/callback', codeVerifier: verifier });
    expect(grant).toMatchObject({ userId: adele.id, email: 'adele.vance@contoso.com', workspaceExternalId: tenantId });
    expect(grant.refreshToken).toBeTruthy();
    const chat = sim.addChat(tenantId, [adele.id, megan.id]);
    const ref = await adapter.send({ workspace, conversationId: chat.id }, { text: 'from my own account' }, { kind: 'user', accessToken: grant.accessToken });
    expect(chat.messages.get(ref.messageId)!.from).toBe(adele.id);
  });

  it('refuses a code with the wrong verifier', async () => {
    const { code } = await authorize('megan.bowen@contoso.com');
    const err = await adapter
      .exchangeCode({ code, redirectUri: 'https://crosstalk.test/oauth/teams/callback', codeVerifier: 'wrong-verifier-wrong-verifier-wrong-verifier' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdapterError);
    expect((err as AdapterError).code).toBe(AdapterErrorCode.InvalidToken);
  });
});
