/**
 * The Zoom simulator on its own: OAuth grants, chatbot and user messages, users paging, Zoom's
 * error shape, signed inbound events, and an injected 429 that a client retries after Retry-After.
 * Zoom's server-side SDK (`@zoom/rivet`) is not a dependency, so the client here is plain `fetch`
 * through the shared `OutboundPolicy`, exactly what the adapter uses.
 */
import { createHash, createHmac } from 'node:crypto';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpStatusError, OutboundPolicy, parseRetryAfter } from '../../src/outbound.js';
import { createZoomSimulator, userJidOf, zoomSignature, type ZoomSimulator } from '../../sandbox/simulators/zoom/server.js';

let zoom: ZoomSimulator;
const accountId = 'acctSandboxTest';

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

async function form(url: string, body: Record<string, string>, auth: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function api(method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${zoom.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

beforeAll(async () => {
  zoom = await createZoomSimulator({
    accounts: [
      {
        accountId,
        name: 'Acme',
        users: Array.from({ length: 7 }, (_, i) => ({
          id: `User${i}Id`,
          email: `user${i}@acme.test`,
          firstName: `First${i}`,
          lastName: `Last${i}`,
          deactivated: i === 6,
          dept: i % 2 ? 'Sales' : 'Engineering',
          location: 'Building A',
        })),
        channels: [{ id: 'chan1', name: 'general', members: [{ userId: 'User0Id', role: 'owner' }] }],
      },
    ],
  });
});

afterAll(async () => {
  await zoom.close();
});

describe('Zoom simulator', () => {
  it('hands out settings that point at itself', () => {
    const s = zoom.sandboxSettings();
    expect(s.apiUrl).toBe(`${zoom.url}/v2`);
    expect(s.oauthUrl).toBe(zoom.url);
    expect(s.accountId).toBe(accountId);
    expect(s.botJid).toMatch(/@xmpp\.zoom\.us$/);
  });

  it('issues a chatbot token for client credentials and refuses a wrong secret', async () => {
    const s = zoom.sandboxSettings();
    const ok = await form(`${zoom.url}/oauth/token`, { grant_type: 'client_credentials' }, basic(s.clientId, s.clientSecret));
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'imchat:bot' });
    const bad = await form(`${zoom.url}/oauth/token`, { grant_type: 'client_credentials' }, basic(s.clientId, 'wrong'));
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe('invalid_client');
  });

  it('sends a chatbot message, records the call, and answers a bad token in Zoom’s shape', async () => {
    const s = zoom.sandboxSettings();
    const { json: tok } = await form(`${zoom.url}/oauth/token`, { grant_type: 'client_credentials' }, basic(s.clientId, s.clientSecret));
    const body = {
      robot_jid: s.botJid,
      to_jid: userJidOf('User1Id'),
      account_id: accountId,
      is_markdown_support: true,
      content: { head: { text: 'Ada Lovelace', sub_head: { text: 'via Slack' } }, body: [{ type: 'message', text: '*hi*' }] },
    };
    const sent = await api('POST', '/im/chat/messages', String(tok.access_token), body);
    expect(sent.status).toBe(201);
    expect(sent.json).toMatchObject({ robot_jid: s.botJid, to_jid: userJidOf('User1Id') });
    const recorded = zoom.sim.callsTo('/v2/im/chat/messages', 'POST').at(-1)!;
    expect(recorded.body).toEqual(body);
    expect(zoom.botMessagesTo(userJidOf('User1Id')).at(-1)?.content.head?.text).toBe('Ada Lovelace');

    const missing = await api('POST', '/im/chat/messages', String(tok.access_token), { ...body, account_id: undefined });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ code: 7001 });

    const forged = await api('POST', '/im/chat/messages', 'not-a-token', body);
    expect(forged.status).toBe(401);
    expect(forged.json).toEqual({ code: 124, message: 'Invalid access token.' });
  });

  it('grants each token only to the app kind that may use it', async () => {
    const s = zoom.sandboxSettings();
    const general = basic(s.clientId, s.clientSecret);
    const s2s = basic(s.s2s.clientId, s.s2s.clientSecret);
    const refused = await form(`${zoom.url}/oauth/token`, { grant_type: 'account_credentials', account_id: accountId }, general);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('unsupported_grant_type');
    const noChatbot = await form(`${zoom.url}/oauth/token`, { grant_type: 'client_credentials' }, s2s);
    expect(noChatbot.status).toBe(400);
    expect(noChatbot.json.error).toBe('unsupported_grant_type');
    const otherAccount = await form(`${zoom.url}/oauth/token`, { grant_type: 'account_credentials', account_id: 'someoneElse' }, s2s);
    expect(otherAccount.status).toBe(400);
    const ok = await form(`${zoom.url}/oauth/token`, { grant_type: 'account_credentials', account_id: accountId }, s2s);
    expect(ok.status).toBe(200);
    expect(String(ok.json.scope).split(' ')).toEqual(expect.arrayContaining(['user:read:list_users:admin', 'team_chat:write:members:admin']));
    expect(ok.json.refresh_token).toBeUndefined();
  });

  it('pages through active users, then inactive ones, with an account token', async () => {
    const s = zoom.sandboxSettings();
    const { json: tok } = await form(`${zoom.url}/oauth/token`, { grant_type: 'account_credentials', account_id: accountId }, basic(s.s2s.clientId, s.s2s.clientSecret));
    const token = String(tok.access_token);
    const seen: string[] = [];
    let next = '';
    let pages = 0;
    do {
      const page = await api('GET', `/users?page_size=2${next ? `&next_page_token=${next}` : ''}`, token);
      expect(page.status).toBe(200);
      seen.push(...(page.json!.users as Array<{ email: string }>).map((u) => u.email));
      next = String(page.json!.next_page_token);
      pages += 1;
    } while (next);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(6);
    const inactive = await api('GET', '/users?status=inactive', token);
    expect((inactive.json!.users as Array<{ email: string; status: string }>)[0]).toMatchObject({ email: 'user6@acme.test', status: 'inactive' });

    const { json: botTok } = await form(`${zoom.url}/oauth/token`, { grant_type: 'client_credentials' }, basic(s.clientId, s.clientSecret));
    const noScope = await api('GET', '/users', String(botTok.access_token));
    expect(noScope.status).toBe(400);
    expect(noScope.json).toMatchObject({ code: 4711 });
  });

  it('runs the authorization-code flow with PKCE and rotates refresh tokens', async () => {
    const s = zoom.sandboxSettings();
    const verifier = 'a'.repeat(64);
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorize = new URL(`${zoom.url}/oauth/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: s.clientId,
      redirect_uri: 'http://127.0.0.1:9/cb',
      state: 'st4te',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      login_hint: 'user3@acme.test',
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const back = new URL(redirect.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st4te');
    const code = back.searchParams.get('code')!;

    const wrong = await form(`${zoom.url}/oauth/token`, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/cb', code_verifier: 'b'.repeat(64) }, basic(s.clientId, s.clientSecret));
    expect(wrong.status).toBe(400);
    const ok = await form(`${zoom.url}/oauth/token`, { grant_type: 'authorization_code', code, redirect_uri: 'http://127.0.0.1:9/cb', code_verifier: verifier }, basic(s.clientId, s.clientSecret));
    expect(ok.status).toBe(200);
    const me = await api('GET', '/users/me', String(ok.json.access_token));
    expect(me.json).toMatchObject({ email: 'user3@acme.test', account_id: accountId });

    const refreshed = await form(`${zoom.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(ok.json.refresh_token) }, basic(s.clientId, s.clientSecret));
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).not.toBe(ok.json.refresh_token);
    const reused = await form(`${zoom.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: String(ok.json.refresh_token) }, basic(s.clientId, s.clientSecret));
    expect(reused.status).toBe(400);
  });

  it('retries an injected 429 only after its Retry-After', async () => {
    const s = zoom.sandboxSettings();
    const { json: tok } = await form(`${zoom.url}/oauth/token`, { grant_type: 'client_credentials' }, basic(s.clientId, s.clientSecret));
    zoom.rateLimitNext('/v2/im/chat/messages', 1);
    const policy = new OutboundPolicy('zoom', { minBackoffMs: 10, maxBackoffMs: 20 });
    const started = Date.now();
    const result = await policy.run('acct', 'send', async (signal) => {
      const res = await fetch(`${zoom.apiUrl}/im/chat/messages`, {
        method: 'POST',
        signal,
        headers: { authorization: `Bearer ${String(tok.access_token)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ robot_jid: s.botJid, to_jid: userJidOf('User2Id'), account_id: accountId, content: { body: [{ type: 'message', text: 'x' }] } }),
      });
      if (!res.ok) throw new HttpStatusError(res.status, await res.text(), parseRetryAfter(res.headers.get('retry-after')));
      return (await res.json()) as { message_id: string };
    });
    const waited = Date.now() - started;
    expect(result.message_id).toBeTruthy();
    const calls = zoom.sim.callsTo('/v2/im/chat/messages', 'POST').slice(-2);
    expect(calls[0]).toMatchObject({ status: 429, fault: 'status' });
    expect(calls[0]!.response).toMatchObject({ code: 429 });
    expect(calls[1]!.status).toBe(201);
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(calls[1]!.at.getTime() - calls[0]!.at.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('signs inbound events the way Zoom documents', async () => {
    expect(zoomSignature('whsecret', '1739923528', '{"event":"bot_notification","payload":{"cmd":"hi"},"event_ts":1}')).toBe(
      'v0=c0a07938252399b4b8d44c1fbd403dbb7a46289612d8d2a6d3e078bf60559308',
    );
    const received: Array<{ headers: Record<string, unknown>; raw: string }> = [];
    const app = express();
    app.post('/zoom/webhook', express.raw({ type: '*/*' }), (req, res) => {
      received.push({ headers: req.headers, raw: (req.body as Buffer).toString('utf8') });
      res.status(200).json({ ok: true });
    });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const first = await zoom.sendCommand(base, { accountId, userId: 'User1Id', cmd: 'status' });
      expect(first.status).toBe(200);
      await zoom.redeliver(first.delivery);
      expect(received).toHaveLength(2);
      expect(received[1]!.raw).toBe(received[0]!.raw);
      for (const r of received) {
        const ts = String(r.headers['x-zm-request-timestamp']);
        const expected = `v0=${createHmac('sha256', zoom.app.webhookSecretToken).update(`v0:${ts}:${r.raw}`).digest('hex')}`;
        expect(r.headers['x-zm-signature']).toBe(expected);
        expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
        expect(r.headers['user-agent']).toBe('Zoom Marketplace/1.0a');
      }
      const body = JSON.parse(received[0]!.raw) as { event: string; payload: Record<string, unknown> };
      expect(body.event).toBe('bot_notification');
      expect(body.payload).toMatchObject({ accountId, cmd: 'status', userId: 'User1Id', userJid: userJidOf('User1Id') });
      expect(received[0]!.raw).toBe(JSON.stringify(body));
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('Zoom simulator lifecycle', () => {
  it('does not listen twice when started again after createZoomSimulator', async () => {
    const sim = await createZoomSimulator();
    try {
      const first = sim.url;
      await sim.start(0);
      expect(sim.url).toBe(first);
      const res = await fetch(`${sim.url}/v2/users`, { headers: { authorization: 'Bearer nope' } });
      expect(res.status).toBe(401);
    } finally {
      await sim.close();
    }
  });
});
