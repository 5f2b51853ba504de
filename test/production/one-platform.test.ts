/**
 * Production mode with one platform configured (Slack, single workspace): nothing of the sandbox
 * exists. Crosstalk runs as `npm start` in its own process; Slack is a separate process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUri } from '../helpers/db.js';
import { listeningPorts, newEncryptionKey, startPlatform, startProductionService, type PlatformProcess, type ProductionService } from '../helpers/production.js';

const ADMIN = 'root@globex.example';
let slack: PlatformProcess;
let service: ProductionService;
let teamId: string;
let env: Record<string, string>;

beforeAll(async () => {
  slack = await startPlatform('slack', {
    workspaces: [
      {
        name: 'Globex',
        domain: 'globex',
        users: [
          { name: 'root', realName: 'Rhea Root', email: ADMIN },
          { name: 'ivy', realName: 'Ivy Ito', email: 'ivy@globex.example' },
        ],
      },
    ],
  });
  teamId = ((await slack.get<Array<{ id: string }>>('state.workspaces'))[0]).id;
  env = {
    MONGODB_URI: freshDatabaseUri('prod-one'),
    CROSSTALK_ENCRYPTION_KEY: newEncryptionKey(),
    CROSSTALK_ADMINS: ADMIN,
    CROSSTALK_METRICS_TOKEN: 'metrics-token-0123456789',
    SLACK_SIGNING_SECRET: slack.settings.signingSecret,
    SLACK_BOT_TOKEN: slack.settings.botToken,
    SLACK_API_URL: slack.settings.apiUrl,
  };
  service = await startProductionService(env);
});

afterAll(async () => {
  await service?.stop();
  await slack?.stop();
});

async function slashCommand(userName: string, text: string): Promise<string> {
  const ws = (await slack.get<Array<{ id: string; users: Array<{ id: string; name: string }> }>>('state.workspaces'))[0];
  const user = ws.users.find((u) => u.name === userName)!;
  const delivery = await slack.call<{ status: number; text: string }>('sendSlashCommand', service.url, { teamId, userId: user.id, text });
  expect(delivery.status).toBe(200);
  return (JSON.parse(delivery.text) as { text: string }).text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

describe('production mode with only Slack configured', () => {
  it('listens on its one port only: no simulator, no sandbox page, no demo sign-in', async () => {
    expect(listeningPorts(service.pid)).toEqual([Number(new URL(service.url).port)]);
    expect((await fetch(`${service.url}/sandbox`)).status).toBe(404);
    expect((await fetch(`${service.url}/admin/sign-in/demo`, { method: 'POST' })).status).toBe(404);
    expect(service.output()).not.toMatch(/simulat|sandbox/i);
  });

  it('serves the product, privacy and terms pages the app listings link to', async () => {
    for (const [path, needle] of [['/', 'Crosstalk'], ['/privacy', 'Privacy'], ['/terms', 'Terms']]) {
      const res = await fetch(`${service.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toContain(needle);
    }
  });

  it('reports the unconfigured platforms as not configured in /readyz', async () => {
    const ready = await (await fetch(`${service.url}/readyz`)).json();
    expect(ready).toMatchObject({ status: 'ready', platforms: { slack: 'on', teams: 'not configured', webex: 'not configured', zoom: 'not configured' } });
  });

  it('asks for the metrics token', async () => {
    expect((await fetch(`${service.url}/metrics`)).status).toBe(401);
    const ok = await fetch(`${service.url}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('http_requests_total');
  });

  it("answers the admin's very first command, before any directory import, with the workspace registered from the bot token", async () => {
    const status = await slashCommand('root', 'directory status');
    expect(status).toContain('*Globex* (Slack): token ✔ · bot ✔');
    expect(status).toContain('webhooks ? (not readable through the API)');
    expect(status).toContain('Not configured: Microsoft Teams, Webex, Zoom');
  });

  it('refuses admin verbs to someone else, and knows them without an import', async () => {
    const reply = await slashCommand('ivy', 'directory status');
    expect(reply).toContain('is for Crosstalk admins only');
  });

  it('offers no "Connect Slack" on the Sync now page when Slack user OAuth is not set up', async () => {
    const ws = (await slack.get<Array<{ users: Array<{ id: string; name: string }> }>>('state.workspaces'))[0];
    const res = await slack.call<{ status: number; text: string }>('sendSlashCommand', service.url, { teamId, userId: ws.users.find((u) => u.name === 'ivy')!.id, text: 'sync' });
    const link = /https?:\/\/[^"\s|>]+\/sync\/[\w-]+/.exec(res.text)![0];
    const page = await (await fetch(link)).text();
    expect(page).not.toContain('Connect Slack');
    expect(page).toContain('Posting as you is not set up on Slack; the bot posts for you.');
  });

  it('starts a directory sync of the one workspace', async () => {
    const before = await slack.lastSeq();
    expect(await slashCommand('root', 'directory sync all')).toContain('Directory sync started for 1 workspace (Globex)');
    await slack.waitForCall((c) => c.path === '/api/chat.postMessage' && JSON.stringify(c.body).includes('Directory sync of Globex (Slack) finished'), {
      after: before,
      what: 'the directory sync summary',
    });
  });

  it('says in one line that the port is taken, and stops', async () => {
    const port = new URL(service.url).port;
    const second = await startProductionService({ ...env, PORT: port }).then(
      (svc) => svc.stop().then(() => 'started'),
      (err: Error) => err.message,
    );
    expect(second).toContain(`crosstalk: could not start: port ${port} is already in use; stop the other process or set PORT to a free port`);
  });

  it('registers the same workspace again after a restart, without a duplicate', async () => {
    await service.stop();
    service = await startProductionService(env);
    const status = await slashCommand('root', 'directory status');
    expect(status.match(/\*Globex\* \(Slack\)/g)).toHaveLength(1);
  });
});
