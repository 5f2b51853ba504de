import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient, ErrorCode, type WebAPIPlatformError } from '@slack/web-api';
import { createSlackSimulator, signSlackRequest, type SlackSimulator } from '../../sandbox/simulators/slack/server.js';

describe('Slack simulator driven by @slack/web-api', () => {
  let slack: SlackSimulator;
  let teamId: string;
  let bot: WebClient;

  beforeAll(async () => {
    slack = await createSlackSimulator({
      workspaces: [
        {
          name: 'Acme',
          users: Array.from({ length: 5 }, (_, i) => ({ name: `user${i}`, realName: `User ${i}`, email: `user${i}@acme.example` })),
        },
        { name: 'Globex', users: [{ name: 'hank', email: 'hank@globex.example' }] },
      ],
    });
    teamId = [...slack.state.workspaces.keys()][0];
    bot = new WebClient(slack.sandboxSettings(teamId).botToken, {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 },
    });
  });

  afterAll(async () => {
    await slack.close();
  });

  it('signs requests exactly like the Slack docs worked example', () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe(
      'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    );
  });

  it('answers auth.test for the bot with its ids and granted scopes', async () => {
    const res = await bot.auth.test();
    const ws = slack.state.workspace(teamId);
    expect(res).toMatchObject({ ok: true, team_id: teamId, user_id: ws.botUserId, bot_id: ws.botId });
    expect(res.response_metadata?.scopes).toContain('chat:write');
  });

  it('records a posted message with the custom sender name and avatar', async () => {
    const user = [...slack.state.workspace(teamId).users.values()].find((u) => !u.isBot)!;
    const opened = await bot.conversations.open({ users: user.id });
    const posted = await bot.chat.postMessage({
      channel: opened.channel!.id!,
      text: 'hello *there*',
      username: 'Grace Hopper (Teams)',
      icon_url: 'https://avatars.example/grace.png',
    });
    expect(posted.message).toMatchObject({ username: 'Grace Hopper (Teams)', icons: { image_48: 'https://avatars.example/grace.png' } });

    const call = slack.sim.callsTo('/api/chat.postMessage').at(-1)!;
    expect(call.headers['content-type']).toContain('application/x-www-form-urlencoded');
    expect(call.body).toMatchObject({ channel: opened.channel!.id, text: 'hello *there*', username: 'Grace Hopper (Teams)' });
    expect(slack.state.messagesIn(teamId, opened.channel!.id!).map((m) => m.text)).toEqual(['hello *there*']);
  });

  it('refuses a wrong token with Slack’s own error shape', async () => {
    const stranger = new WebClient('xoxb-not-a-real-token', { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const err = (await stranger.auth.test().catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(err.code).toBe(ErrorCode.PlatformError);
    expect(err.data).toMatchObject({ ok: false, error: 'invalid_auth' });
  });

  it('keeps workspaces apart: one bot cannot see another workspace’s users', async () => {
    const globexUser = [...[...slack.state.workspaces.values()][1].users.values()].find((u) => !u.isBot)!;
    const err = (await bot.users.info({ user: globexUser.id }).catch((e: unknown) => e)) as WebAPIPlatformError;
    expect(err.data?.error).toBe('user_not_found');
  });

  it('pages users.list with next_cursor until the last page', async () => {
    const pages: number[] = [];
    for await (const page of bot.paginate('users.list', { limit: 2 })) {
      pages.push(((page as { members?: unknown[] }).members ?? []).length);
    }
    expect(pages).toEqual([2, 2, 2]);
    const cursors = slack.sim.callsTo('/api/users.list').map((c) => (c.body as Record<string, string>).cursor);
    expect(cursors[0]).toBeUndefined();
    expect(cursors.slice(1).every((c) => typeof c === 'string' && c.length > 0)).toBe(true);
  });

  it('answers 429 with Retry-After and the client waits that long before retrying', async () => {
    slack.sim.inject({ path: '/api/users.lookupByEmail', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 } });
    const started = Date.now();
    const res = await bot.users.lookupByEmail({ email: 'user3@acme.example' });
    const elapsed = Date.now() - started;
    expect(res.user?.name).toBe('user3');
    expect(elapsed).toBeGreaterThanOrEqual(950);
    const calls = slack.sim.callsTo('/api/users.lookupByEmail');
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
    expect(calls[1].at.getTime() - calls[0].at.getTime()).toBeGreaterThanOrEqual(950);
  });

  it('runs the OAuth v2 authorize redirect and code exchange', async () => {
    const ws = slack.state.workspace(teamId);
    const person = [...ws.users.values()].find((u) => u.name === 'user1')!;
    slack.signInAs(teamId, person.id);
    const authorize = new URL('/oauth/v2/authorize', slack.url);
    authorize.search = new URLSearchParams({
      client_id: slack.clientId,
      user_scope: 'chat:write,im:write',
      redirect_uri: 'http://127.0.0.1:1/oauth/slack/callback',
      state: 'st4te',
    }).toString();
    const res = await fetch(authorize, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st4te');

    const anonymous = new WebClient(undefined, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const grant = await anonymous.oauth.v2.access({
      client_id: slack.clientId,
      client_secret: slack.clientSecret,
      code: back.searchParams.get('code')!,
      redirect_uri: 'http://127.0.0.1:1/oauth/slack/callback',
    });
    expect(grant.authed_user).toMatchObject({ id: person.id, token_type: 'user', scope: 'chat:write,im:write' });
    expect(grant.team?.id).toBe(teamId);

    const asUser = new WebClient(grant.authed_user!.access_token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    const who = await asUser.auth.test();
    expect(who.user_id).toBe(person.id);
    expect(who.bot_id).toBeUndefined();

    const reused = await anonymous.oauth.v2
      .access({ client_id: slack.clientId, client_secret: slack.clientSecret, code: back.searchParams.get('code')! })
      .catch((e: WebAPIPlatformError) => e.data?.error);
    expect(reused).toBe('invalid_code');
  });
});
