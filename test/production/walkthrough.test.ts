/**
 * The whole product on the production path: Crosstalk started as `npm start` in its own process,
 * configured only through the documented environment variables, with Slack, Teams, Webex and Zoom
 * each played by a separate simulator process. Walks what a new customer does: the admin's first
 * command, a directory import of every platform, prompts, Sync now with each platform's OAuth,
 * a DM in each of the 12 directions, a reply, and a group sync with its undo.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/chat-adapter.js';
import type { RecordedCall } from '../../sandbox/simulators/sim-core.js';
import { TestBrowser } from '../helpers/browser.js';
import { freshDatabaseUri } from '../helpers/db.js';
import { selfSignedCertificate } from '../helpers/self-signed.js';
import { newEncryptionKey, startPlatform, startProductionService, type PlatformProcess, type ProductionService } from '../helpers/production.js';

const ADMIN = 'root@globex.example';
let tls: ReturnType<typeof selfSignedCertificate>;

/** One person per platform, each only there (so that platform is their primary). */
const PEOPLE = {
  slack: { email: 'alice@globex.example', name: 'Alice Abbott' },
  teams: { email: 'bob@globex.example', name: 'Bob Barros' },
  webex: { email: 'carol@globex.example', name: 'Carol Chen' },
  zoom: { email: 'dave@globex.example', name: 'Dave Dunn' },
} as const;
const PLATFORMS = Object.keys(PEOPLE) as Platform[];

/** The API calls that put a message in front of someone, per platform (bot or user posts). */
const POSTS: Record<Platform, RegExp> = {
  slack: /^\/api\/chat\.postMessage$/,
  teams: /^\/connector\/v3\/conversations\/[^/]+\/activities|^\/graph\/v1\.0\/chats\/[^/]+\/messages$/,
  webex: /^\/v1\/messages$/,
  zoom: /^\/v2\/im\/chat\/messages$|^\/v2\/chat\/users\/me\/messages$/,
};

let sims: Record<Platform, PlatformProcess>;
let service: ProductionService;
/** Platform user ids, by platform. */
const ids = {} as Record<Platform, string> & { admin: string; teamId: string; tenantId: string; zoomAccount: string };

beforeAll(async () => {
  // Microsoft's login is https only; the service trusts the simulated one's certificate the way a
  // host trusts a corporate CA, through Node's NODE_EXTRA_CA_CERTS.
  tls = selfSignedCertificate();
  const [slack, teams, webex, zoom] = await Promise.all([
    startPlatform('slack', {
      workspaces: [
        {
          name: 'Globex Slack',
          domain: 'globex',
          users: [
            { name: 'root', realName: 'Rhea Root', email: ADMIN },
            { name: 'alice', realName: PEOPLE.slack.name, email: PEOPLE.slack.email },
          ],
        },
      ],
    }),
    startPlatform('teams', { tls: { key: tls.key, cert: tls.cert } }),
    startPlatform('webex'),
    startPlatform('zoom'),
  ]);
  sims = { slack, teams, webex, zoom };

  const slackWs = (await slack.get<Array<{ id: string; users: Array<{ id: string; name: string }> }>>('state.workspaces'))[0];
  ids.teamId = slackWs.id;
  ids.admin = slackWs.users.find((u) => u.name === 'root')!.id;
  ids.slack = slackWs.users.find((u) => u.name === 'alice')!.id;
  ids.tenantId = (await teams.get<Array<{ id: string }>>('tenants'))[0].id;
  ids.teams = (await teams.call<{ id: string }>('addUser', ids.tenantId, { displayName: PEOPLE.teams.name, mail: PEOPLE.teams.email })).id;
  ids.webex = (await webex.call<{ id: string }>('addPerson', { email: PEOPLE.webex.email, displayName: PEOPLE.webex.name })).id;
  ids.zoomAccount = (await zoom.get<Array<{ accountId: string }>>('accounts'))[0].accountId;
  const [first, last] = PEOPLE.zoom.name.split(' ');
  ids.zoom = (await zoom.call<{ id: string }>('addUser', ids.zoomAccount, { email: PEOPLE.zoom.email, firstName: first, lastName: last })).id;

  const s = (p: Platform, k: string) => sims[p].settings[k];
  const zoomS2s = zoom.settings.s2s as unknown as { accountId: string; clientId: string; clientSecret: string };
  service = await startProductionService({
    MONGODB_URI: freshDatabaseUri('prod-walk'),
    CROSSTALK_ENCRYPTION_KEY: newEncryptionKey(),
    CROSSTALK_ADMINS: ADMIN,
    CROSSTALK_RELAY_RETRY_BASE_MS: '200',
    NODE_EXTRA_CA_CERTS: tls.certPath,
    SLACK_SIGNING_SECRET: s('slack', 'signingSecret'),
    SLACK_BOT_TOKEN: s('slack', 'botToken'),
    SLACK_CLIENT_ID: s('slack', 'clientId'),
    SLACK_CLIENT_SECRET: s('slack', 'clientSecret'),
    SLACK_API_URL: s('slack', 'apiUrl'),
    MICROSOFT_APP_ID: s('teams', 'appId'),
    MICROSOFT_APP_PASSWORD: s('teams', 'appPassword'),
    MICROSOFT_APP_TENANT_ID: ids.tenantId,
    MICROSOFT_APP_TYPE: 'SingleTenant',
    MS_GRAPH_URL: s('teams', 'graphUrl'),
    MS_LOGIN_URL: s('teams', 'loginUrl'),
    MS_BOT_SERVICE_URL: s('teams', 'serviceUrl'),
    BOTFRAMEWORK_OPENID_METADATA: s('teams', 'openIdMetadata'),
    WEBEX_BOT_TOKEN: s('webex', 'botToken'),
    WEBEX_WEBHOOK_SECRET: s('webex', 'webhookSecret'),
    WEBEX_CLIENT_ID: s('webex', 'clientId'),
    WEBEX_CLIENT_SECRET: s('webex', 'clientSecret'),
    WEBEX_API_URL: s('webex', 'apiUrl'),
    ZOOM_CLIENT_ID: s('zoom', 'clientId'),
    ZOOM_CLIENT_SECRET: s('zoom', 'clientSecret'),
    ZOOM_BOT_JID: s('zoom', 'botJid'),
    ZOOM_ACCOUNT_ID: ids.zoomAccount,
    ZOOM_WEBHOOK_SECRET_TOKEN: s('zoom', 'webhookSecretToken'),
    ZOOM_API_URL: s('zoom', 'apiUrl'),
    ZOOM_OAUTH_URL: s('zoom', 'oauthUrl'),
    ZOOM_S2S_ACCOUNT_ID: zoomS2s.accountId,
    ZOOM_S2S_CLIENT_ID: zoomS2s.clientId,
    ZOOM_S2S_CLIENT_SECRET: zoomS2s.clientSecret,
  });
}, 240_000);

afterAll(async () => {
  if (process.env.CROSSTALK_TEST_SERVICE_LOG) (await import('node:fs')).writeFileSync(process.env.CROSSTALK_TEST_SERVICE_LOG, service?.output() ?? '');
  await service?.stop();
  await Promise.all(Object.values(sims ?? {}).map((p) => p.stop()));
});

const bodyOf = (c: RecordedCall) => JSON.stringify(c.body);

/** Waits until `platform` is asked to post something containing `needle`. */
async function posted(platform: Platform, needle: string, after: number, timeoutMs = 20_000): Promise<RecordedCall> {
  return sims[platform].waitForCall((c) => c.method === 'POST' && POSTS[platform].test(c.path) && bodyOf(c).includes(needle), {
    after,
    timeoutMs,
    what: `a post containing "${needle}"`,
  });
}

/** The admin types a slash command on Slack and reads the reply. */
async function admin(text: string): Promise<{ text: string; confirm?: string; channel: string }> {
  const res = await sims.slack.call<{ status: number; text: string; channel: string }>('sendSlashCommand', service.url, { teamId: ids.teamId, userId: ids.admin, text });
  expect(res.status, res.text).toBe(200);
  const body = JSON.parse(res.text) as { text: string; blocks?: Array<{ elements?: Array<{ action_id: string; value?: string }> }> };
  const confirm = body.blocks?.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'crosstalk.confirm')?.value;
  return { text: body.text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'), confirm, channel: res.channel };
}

/** Someone types `words` to Crosstalk the way their platform does it (slash command or bot chat). */
async function say(platform: Platform, words: string): Promise<void> {
  let status: number;
  switch (platform) {
    case 'slack':
      status = (await sims.slack.call<{ status: number }>('sendSlashCommand', service.url, { teamId: ids.teamId, userId: ids.slack, text: words })).status;
      break;
    case 'teams':
      status = (await sims.teams.call<{ status: number }>('sendDirectMessage', service.url, { tenantId: ids.tenantId, userId: ids.teams, text: words })).status;
      break;
    case 'webex': {
      const notified = await sims.webex.call<{ deliveries: Array<{ status: number }> }>('sendDirectMessage', { from: ids.webex, text: words });
      status = notified.deliveries[0]?.status ?? 0;
      break;
    }
    case 'zoom':
      status = (await sims.zoom.call<{ status: number }>('sendCommand', service.url, { accountId: ids.zoomAccount, userId: ids.zoom, cmd: words })).status;
      break;
  }
  expect(status, `${platform} delivery`).toBe(200);
}

describe('a new deployment, configured only through the environment', () => {
  it('refuses a Teams request without a Bot Framework token before reading its body', async () => {
    for (const headers of [{}, { authorization: 'Bearer not.a.jwt' }] as Array<Record<string, string>>) {
      const res = await fetch(`${service.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{not json' });
      expect(res.status).toBe(401);
    }
  });

  it("answers the admin's first command and imports every platform's directory", async () => {
    // Without an admin token, Webex's directory is the people in the bot's spaces: Carol has
    // written to the bot once (her 1:1 space with it), as anyone who adds the bot does.
    await say('webex', 'help');
    const before = await sims.slack.lastSeq();
    const started = await admin('directory sync all');
    expect(started.text).toMatch(/Directory sync started for 4 workspaces/);
    const summaries = async () =>
      (await sims.slack.calls(before)).filter((c) => POSTS.slack.test(c.path)).map((c) => /Directory sync of ([^"]+?) finished/.exec(bodyOf(c))?.[1]).filter(Boolean);
    const deadline = Date.now() + 60_000;
    while ((await summaries()).length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await summaries()).sort()).toEqual(['Globex Slack (Slack)', 'Webex (Webex)', 'Teams (Microsoft Teams)', 'Zoom (Zoom)'].sort());

    const status = await admin('directory status');
    for (const platform of ['Slack', 'Microsoft Teams', 'Webex', 'Zoom']) expect(status.text).toMatch(new RegExp(`\\(${platform}\\): token ✔`));
    expect(status.text).not.toContain('Not configured');
  });

  it('prompts each person on their own platform, and each syncs through that platform’s OAuth', async () => {
    const seqs = Object.fromEntries(await Promise.all(PLATFORMS.map(async (p) => [p, await sims[p].lastSeq()]))) as Record<Platform, number>;
    const adminSeq = await sims.slack.lastSeq();
    const reply = await admin(`prompt ${PLATFORMS.map((p) => PEOPLE[p].email).join(' ')}`);
    // Prompting four platforms may outlast Slack's 3 s: the answer then arrives in the bot's chat.
    const answer = /Working on it/.test(reply.text) ? bodyOf(await posted('slack', `prompted ${PEOPLE.zoom.name}`, adminSeq)) : reply.text;
    for (const platform of PLATFORMS) expect(answer).toContain(`✔ prompted ${PEOPLE[platform].name}`);
    for (const platform of PLATFORMS) {
      const prompt = await posted(platform, '/sync/', seqs[platform]);
      const link = /https?:\/\/[^"\s\\)]+\/sync\/[\w-]+/.exec(bodyOf(prompt))![0];
      const browser = new TestBrowser({ ca: tls.cert });
      const page = await browser.request(link);
      expect(page.status, page.text).toBe(200);
      const connect = /href="(\/sync\/[\w-]+\/connect\/[a-f0-9]{24})">Connect ([^<]+)</.exec(page.text);
      expect(connect, `Connect offered on ${platform}`).toBeTruthy();
      if (platform === 'slack') await sims.slack.call('signInAs', ids.teamId, ids.slack);
      const email = PEOPLE[platform].email;
      const afterConnect = await browser.follow(new URL(connect![1], service.url).toString(), {}, (next: string) => {
        const url = new URL(next);
        if (/\/authorize$/.test(url.pathname) && !url.searchParams.has('login_hint')) url.searchParams.set('login_hint', email);
        return url.toString();
      });
      expect(afterConnect.text, `${platform} connect`).toContain('is connected.');
      const choice = /value="([a-f0-9]{24})"/.exec(afterConnect.text)![1];
      const done = await browser.request(`${link}/primary`, { form: { workspaceId: choice } });
      expect(done.text).toContain("You're synced");
    }
    const people = await admin('people status=on');
    for (const platform of PLATFORMS) expect(people.text).toContain(PEOPLE[platform].name);
  });

  it('delivers a DM in each of the 12 directions on the recipient’s own platform', async () => {
    for (const from of PLATFORMS) {
      for (const to of PLATFORMS) {
        if (from === to) continue;
        const text = `hello ${from} to ${to} ${Math.random().toString(36).slice(2, 8)}`;
        const before = Object.fromEntries(await Promise.all(PLATFORMS.map(async (p) => [p, await sims[p].lastSeq()]))) as Record<Platform, number>;
        await say(from, `dm ${PEOPLE[to].email} ${text}`);
        const delivered = await posted(to, text, before[to]);
        expect(bodyOf(delivered)).toContain(text);
        for (const other of PLATFORMS.filter((p) => p !== to && p !== from)) {
          expect((await sims[other].calls(before[other])).some((c) => bodyOf(c).includes(text)), `${text} must not reach ${other}`).toBe(false);
        }
      }
    }
  });

  it('sends a plain reply back to whoever wrote last', async () => {
    const text = `ping from teams ${Date.now()}`;
    let before = await sims.slack.lastSeq();
    await say('teams', `dm ${PEOPLE.slack.email} ${text}`);
    await posted('slack', text, before);
    const reply = `pong from slack ${Date.now()}`;
    const teamsBefore = await sims.teams.lastSeq();
    before = await sims.slack.lastSeq();
    const res = await sims.slack.call<{ status: number }>('sendDirectMessage', service.url, { teamId: ids.teamId, userId: ids.slack, text: reply });
    expect(res.status).toBe(200);
    await posted('teams', reply, teamsBefore);
  });

  it('adds everyone with a Slack account to a channel by rule, and undo removes exactly them', async () => {
    const ws = (await sims.slack.get<Array<{ botUserId: string }>>('state.workspaces'))[0];
    const channel = await sims.slack.call<{ id: string }>('state.addChannel', ids.teamId, { name: 'all-hands', members: [ws.botUserId] });
    const created = await admin(`group create allhands channel=slack:${channel.id} type=organization`);
    expect(created.text).toMatch(/allhands/);
    const before = await sims.slack.lastSeq();
    await admin('group run allhands');
    const invited = async () =>
      (await sims.slack.calls(before)).filter((c) => c.path === '/api/conversations.invite' && (c.response as { ok?: boolean }).ok).flatMap((c) => String((c.body as { users: string }).users).split(','));
    const deadline = Date.now() + 20_000;
    while ((await invited()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect((await invited()).sort()).toEqual([ids.admin, ids.slack].sort());

    const undo = await admin('group undo allhands');
    expect(undo.confirm).toBeTruthy();
    const afterUndo = await sims.slack.lastSeq();
    const click = await sims.slack.call<{ status: number; responseUrl: string }>('clickButton', service.url, {
      teamId: ids.teamId,
      userId: ids.admin,
      channelId: undo.channel,
      messageTs: await sims.slack.call<string>('state.nextTs'),
      actionId: 'crosstalk.confirm',
      value: undo.confirm,
    });
    expect(click.status).toBe(200);
    const kicked = async () => (await sims.slack.calls(afterUndo)).filter((c) => c.path === '/api/conversations.kick' && (c.response as { ok?: boolean }).ok).map((c) => (c.body as { user: string }).user);
    const until = Date.now() + 20_000;
    while ((await kicked()).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect((await kicked()).sort()).toEqual([ids.admin, ids.slack].sort());
  });
});
