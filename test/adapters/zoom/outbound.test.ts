/**
 * The adapter's outbound side against the simulator: bot-sync messages with the sender in the
 * card head, user-token messages with real mentions, edit/delete, the chatbot token fetched once
 * for many sends, a 429 retried after Retry-After, a refused token replaced, users across pages,
 * channel members and admins, user OAuth with PKCE, and the health check.
 */
import { adapterDeps } from '../../helpers/test-adapters.js';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdapterErrorCode } from '../../../src/chat-adapter.js';
import { userJidOf } from '../../../sandbox/simulators/zoom/server.js';
import { startZoomHarness, type ZoomHarness } from './harness.js';

const accountId = 'acctOutbound';
let h: ZoomHarness;

beforeAll(async () => {
  h = await startZoomHarness({
    accounts: [
      {
        accountId,
        name: 'Acme',
        users: [
          { id: 'AdaUserId01', email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace', dept: 'Engineering', location: 'HQ North' },
          { id: 'BobUserId02', email: 'bob@acme.test', firstName: 'Bob', lastName: 'Babbage' },
          { id: 'CyUserId03', email: 'cy@acme.test', firstName: 'Cy', lastName: 'Gone', deactivated: true },
          ...Array.from({ length: 650 }, (_, i) => ({ email: `person${i}@acme.test`, firstName: 'Person', lastName: String(i) })),
        ],
        channels: [{ id: 'chanEng', name: 'engineering', members: [{ userId: 'AdaUserId01', role: 'owner' as const }] }],
      },
    ],
  });
});

afterAll(async () => {
  await h.close();
});

const tokenCalls = () => h.zoom.sim.callsTo('/oauth/token', 'POST');

describe('Zoom adapter: sending', () => {
  it('posts a bot-synced DM with the sender’s name and platform in the card head', async () => {
    const conversationId = await h.adapter.openDirect(h.workspace, 'BobUserId02');
    expect(conversationId).toBe(userJidOf('BobUserId02'));
    const ref = await h.adapter.send(
      { workspace: h.workspace, conversationId },
      { text: 'Standup moved to **10:30** — see [agenda](https://ex.test/a) :tada:' },
      { kind: 'bot', displayName: 'Grace Hopper', fromPlatform: 'slack', avatarUrl: 'https://ex.test/grace.png' },
    );
    const sent = h.zoom.botMessages.get(ref.messageId)!;
    expect(sent.toJid).toBe(userJidOf('BobUserId02'));
    expect(sent.isMarkdownSupport).toBe(true);
    expect(sent.content).toEqual({
      head: { text: 'Grace Hopper', sub_head: { text: 'via Slack' } },
      body: [{ type: 'message', text: 'Standup moved to *10:30* — see <https://ex.test/a|agenda> 🎉' }],
    });

    await h.adapter.update(ref, { text: 'Standup moved to **11:00**' }, { kind: 'bot', displayName: 'Grace Hopper', fromPlatform: 'slack' });
    expect(h.zoom.botMessages.get(ref.messageId)!.content.body![0]!.text).toBe('Standup moved to *11:00*');
    await h.adapter.delete(ref, { kind: 'bot' });
    expect(h.zoom.botMessages.get(ref.messageId)!.deleted).toBe(true);
  });

  it('posts as the person with their token, with a real @mention and rich text', async () => {
    const token = h.zoom.issueUserToken(accountId, 'AdaUserId01');
    const ref = await h.adapter.send(
      { workspace: h.workspace, conversationId: 'BobUserId02' },
      { text: 'Hi <@BobUserId02|Bob Babbage>, **please** review' },
      { kind: 'user', accessToken: token },
    );
    const msg = h.zoom.userMessages.get(ref.messageId)!;
    expect(msg).toMatchObject({ senderId: 'AdaUserId01', toContact: 'BobUserId02', message: 'Hi @Bob Babbage, please review' });
    expect(msg.atItems).toEqual([{ at_contact: 'BobUserId02', at_type: 1, start_position: 3, end_position: 14 }]);
    expect(msg.richText).toEqual([{ start_position: 17, end_position: 22, format_type: 'Bold' }]);

    await h.adapter.update(ref, { text: 'Hi Bob, please review today' }, { kind: 'user', accessToken: token });
    expect(h.zoom.userMessages.get(ref.messageId)!.message).toBe('Hi Bob, please review today');
    await h.adapter.delete(ref, { kind: 'user', accessToken: token });
    expect(h.zoom.userMessages.get(ref.messageId)!.deleted).toBe(true);

    await expect(
      h.adapter.send({ workspace: h.workspace, conversationId: 'BobUserId02' }, { text: 'x' }, { kind: 'user', accessToken: 'revoked' }),
    ).rejects.toMatchObject({ code: AdapterErrorCode.InvalidToken });
  });

  it('fetches the chatbot token once for many sends, even concurrent ones', async () => {
    const fresh = (await import('../../../adapters/zoom/index.js')).createZoomAdapter(
      adapterDeps(h.config, 'zoom', { log: (await import('../../../src/log.js')).createLogger('silent'), sink: h.sink, store: h.store, workspaces: h.workspaces }),
      { policy: { minBackoffMs: 10 } },
    );
    const before = tokenCalls().length;
    const conversationId = await fresh.openDirect(h.workspace, 'AdaUserId01');
    await Promise.all(Array.from({ length: 10 }, (_, i) => fresh.send({ workspace: h.workspace, conversationId }, { text: `n${i}` }, { kind: 'bot' })));
    await fresh.send({ workspace: h.workspace, conversationId }, { text: 'one more' }, { kind: 'bot' });
    const grants = tokenCalls().slice(before).map((c) => (c.body as { grant_type: string }).grant_type);
    expect(grants).toEqual(['client_credentials']);
  });

  it('gets a new token when Zoom refuses the cached one', async () => {
    const conversationId = await h.adapter.openDirect(h.workspace, 'AdaUserId01');
    await h.adapter.send({ workspace: h.workspace, conversationId }, { text: 'warm' }, { kind: 'bot' });
    h.zoom.expireAllTokens();
    const before = tokenCalls().length;
    const ref = await h.adapter.send({ workspace: h.workspace, conversationId }, { text: 'after expiry' }, { kind: 'bot' });
    expect(h.zoom.botMessages.get(ref.messageId)).toBeDefined();
    expect(tokenCalls().length).toBe(before + 1);
  });

  it('retries a 429 after its Retry-After and delivers once', async () => {
    const conversationId = await h.adapter.openDirect(h.workspace, 'BobUserId02');
    await h.adapter.send({ workspace: h.workspace, conversationId }, { text: 'token warm-up' }, { kind: 'bot' });
    h.zoom.rateLimitNext('/v2/im/chat/messages', 1);
    const started = Date.now();
    const ref = await h.adapter.send({ workspace: h.workspace, conversationId }, { text: 'rate limited once' }, { kind: 'bot' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    const attempts = h.zoom.sim.callsTo('/v2/im/chat/messages', 'POST').filter((c) => JSON.stringify(c.body).includes('rate limited once'));
    expect(attempts.map((c) => c.status)).toEqual([429, 201]);
    expect(h.zoom.botMessagesTo(conversationId).filter((m) => m.messageId === ref.messageId)).toHaveLength(1);
  });

  it('sends a prompt with a link button and an action button', async () => {
    const conversationId = await h.adapter.openDirect(h.workspace, 'AdaUserId01');
    const ref = await h.adapter.send(
      { workspace: h.workspace, conversationId },
      {
        text: 'Sync your accounts',
        buttons: [
          { label: 'Sync now', url: 'https://crosstalk.test/sync/abc' },
          { label: 'Not now', actionId: 'snooze', value: '7d', style: 'primary' },
        ],
      },
      { kind: 'bot' },
    );
    expect(h.zoom.botMessages.get(ref.messageId)!.content.body).toEqual([
      { type: 'message', text: 'Sync your accounts' },
      { type: 'message', text: 'Sync now', link: 'https://crosstalk.test/sync/abc' },
      { type: 'actions', items: [{ text: 'Not now', value: 'snooze|7d', style: 'Primary' }] },
    ]);
  });
});

describe('Zoom adapter: directory and channels', () => {
  it('without a Server-to-Server OAuth app, says which settings are missing and what is unavailable, and stays healthy for chat', async () => {
    const { createZoomAdapter } = await import('../../../adapters/zoom/index.js');
    const { createLogger } = await import('../../../src/log.js');
    const config = { ...h.config, zoom: { ...h.config.zoom, s2s: undefined } };
    const adapter = createZoomAdapter(adapterDeps(config, 'zoom', { log: createLogger('silent'), sink: h.sink, store: h.store, workspaces: h.workspaces }));
    const before = tokenCalls().length;
    await expect(adapter.listUsers(h.workspace)).rejects.toThrow(/ZOOM_S2S_ACCOUNT_ID, ZOOM_S2S_CLIENT_ID and ZOOM_S2S_CLIENT_SECRET are not set.*directory sync/);
    const health = await adapter.checkHealth(h.workspace);
    expect(health.tokenValid).toBe(true);
    expect(health.missingScopes).toContain('user:read:list_users:admin');
    expect(health.detail).toMatch(/no Server-to-Server OAuth app/);
    // The chatbot app's credentials were never offered for the account grant.
    const grants = tokenCalls().slice(before).map((c) => (c.body as { grant_type: string }).grant_type);
    expect(grants).toEqual(['client_credentials']);
  });

  it('lists every user across several pages, deactivated ones last', async () => {
    const users = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await h.adapter.listUsers(h.workspace, cursor);
      users.push(...page.users);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(4);
    expect(users).toHaveLength(653);
    expect(users[0]).toEqual({
      userId: 'AdaUserId01',
      email: 'ada@acme.test',
      name: 'Ada Lovelace',
      deactivated: false,
      isBot: false,
      buildings: ['HQ North'],
      department: 'Engineering',
    });
    expect(users.at(-1)).toMatchObject({ userId: 'CyUserId03', deactivated: true });
    expect(new Set(users.map((u) => u.userId)).size).toBe(653);
  });

  it('adds a member, makes a manager a channel admin, and notices an existing member', async () => {
    expect(await h.adapter.addMember(h.workspace, 'chanEng', 'BobUserId02', 'member')).toBe('added');
    expect(await h.adapter.addMember(h.workspace, 'chanEng@conference.xmpp.zoom.us', 'BobUserId02', 'member')).toBe('already_member');
    const channel = h.zoom.account(accountId).channels.get('chanEng')!;
    expect(channel.members.get('BobUserId02')).toBe('member');
    const someone = h.zoom.account(accountId).users.find((u) => u.email === 'person7@acme.test')!;
    expect(await h.adapter.addMember(h.workspace, 'chanEng', someone.id, 'manager')).toBe('added');
    expect(channel.members.get(someone.id)).toBe('admin');
    // Zoom promotes through the account-level POST /chat/users/{userId}/channels/{channelId}/admins.
    expect(h.zoom.sim.callsTo(/^\/v2\/chat\/users\/[^/]+\/channels\/chanEng\/admins$/, 'POST').at(-1)!.body).toEqual({ admins: [{ email: 'person7@acme.test' }] });
  });
});

describe('Zoom adapter: OAuth and health', () => {
  it('authorizes a person with PKCE and refreshes with a rotated token', async () => {
    const verifier = 'v'.repeat(50);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const url = new URL(h.adapter.authorizeUrl({ state: 'st-1', redirectUri: 'https://crosstalk.test/oauth/zoom/callback', codeChallenge: challenge }));
    expect(url.origin + url.pathname).toBe(`${h.zoom.url}/oauth/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    url.searchParams.set('login_hint', 'bob@acme.test');
    const redirect = await fetch(url, { redirect: 'manual' });
    const back = new URL(redirect.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st-1');

    const grant = await h.adapter.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: 'https://crosstalk.test/oauth/zoom/callback', codeVerifier: verifier });
    expect(grant).toMatchObject({ userId: 'BobUserId02', email: 'bob@acme.test', workspaceExternalId: accountId });
    expect(grant.scopes).toContain('chat_message:write');
    expect(grant.expiresAt!.getTime()).toBeGreaterThan(Date.now());

    const refreshed = await h.adapter.refreshUserToken(grant.refreshToken!);
    expect(refreshed.refreshToken).not.toBe(grant.refreshToken);
    await expect(h.adapter.refreshUserToken(grant.refreshToken!)).rejects.toMatchObject({ code: AdapterErrorCode.InvalidToken });

    const ref = await h.adapter.send({ workspace: h.workspace, conversationId: 'AdaUserId01' }, { text: 'as Bob' }, { kind: 'user', accessToken: refreshed.accessToken });
    expect(h.zoom.userMessages.get(ref.messageId)!.senderId).toBe('BobUserId02');
  });

  it('refuses a code exchange with the wrong verifier', async () => {
    const challenge = createHash('sha256').update('right-verifier-right-verifier-right-verifier').digest('base64url');
    const url = new URL(h.adapter.authorizeUrl({ state: 's', redirectUri: 'https://crosstalk.test/cb', codeChallenge: challenge }));
    const back = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!);
    await expect(
      h.adapter.exchangeCode({ code: back.searchParams.get('code')!, redirectUri: 'https://crosstalk.test/cb', codeVerifier: 'wrong-verifier-wrong-verifier-wrong-verifier' }),
    ).rejects.toMatchObject({ code: AdapterErrorCode.InvalidToken });
  });

  it('reports a healthy workspace, and a broken one when the app secret is wrong', async () => {
    const healthy = await h.adapter.checkHealth(h.workspace);
    expect(healthy).toMatchObject({ tokenValid: true, botPresent: true, scopesGranted: true, webhooksRegistered: 'unknown', missingScopes: [] });
    const broken = await h.adapter.checkHealth({ externalId: accountId, credentials: { clientSecret: 'wrong' } });
    expect(broken.tokenValid).toBe(false);
    expect(broken.scopesGranted).toBe(false);
  });
});
