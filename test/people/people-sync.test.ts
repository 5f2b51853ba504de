/**
 * People sync and user sync on the whole product: real service, real database, the four real
 * adapters against the four simulators, the demo organization imported. Commands are typed as
 * Slack slash commands by the demo admin (Ada) or by ordinary people.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/chat-adapter.js';
import { EventModel } from '../../src/core/event.model.js';
import { PersonModel } from '../../src/directory/person.model.js';
import { PlatformAccountModel } from '../../src/directory/platform-account.model.js';
import { PromptTokenModel } from '../../src/people/prompt-token.model.js';
import { issuePromptLink, maybeAutoPrompt } from '../../src/people/prompts.js';
import { TOKEN_HEALTH_JOB } from '../../src/people/token-health.job.js';
import { TestBrowser } from '../helpers/browser.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { eventually, lastSeq, personByEmail, slackCommand, syncLinkIn, userIdOn, waitForPost, workspaceOf } from './helpers.js';

const ADA = 'ada.lovelace@northwind.example';
const ALAN = 'alan.turing@northwind.example';
const FRANCES = 'frances.allen@northwind.example';
const RADIA = 'radia.perlman@northwind.example';
const EVELYN = 'evelyn.berezin@northwind.example';

let s: SandboxService;

beforeAll(async () => {
  s = await startSandboxService({ label: 'people' });
});
afterAll(async () => {
  await s?.stop();
});

function connectLinks(html: string): Map<string, string> {
  const links = new Map<string, string>();
  for (const m of html.matchAll(/href="(\/sync\/[\w-]+\/connect\/[a-f0-9]{24})">Connect ([^<]+)</g)) links.set(m[2], m[1]);
  return links;
}

function radioValues(html: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const m of html.matchAll(/value="([a-f0-9]{24})"[^>]*> <span><strong>([^<]+)<\/strong>/g)) values.set(m[2], m[1]);
  return values;
}

/**
 * Opens a person's fresh Sync now link in a new browser: from `/crosstalk sync` on Slack for
 * people on Slack, else as a prompt would issue it.
 */
async function openOwnLink(email: string): Promise<{ browser: TestBrowser; link: string; html: string }> {
  const { person, accounts } = await personByEmail(s, email);
  let link: string;
  if (accounts.some((a) => a.platform === 'slack')) {
    const reply = await slackCommand(s, email, 'sync');
    expect(reply.text).toContain('personal Sync now link');
    link = /https?:\/\/[^"\s]+\/sync\/[\w-]+/.exec(JSON.stringify(reply.blocks))![0];
  } else {
    link = await issuePromptLink(s.service.core, person);
  }
  const browser = new TestBrowser();
  const page = await browser.request(link);
  expect(page.status).toBe(200);
  return { browser, link, html: page.text };
}

/** Adds the `login_hint` a simulated Microsoft/Webex/Zoom sign-in page uses to know who signs in. */
function signInAs(email: string) {
  return (next: string) => {
    const url = new URL(next);
    if (/\/(authorize)$/.test(url.pathname) && !url.searchParams.has('login_hint')) url.searchParams.set('login_hint', email);
    return url.toString();
  };
}

describe('directory import', () => {
  it('imports several pages from two platforms sharing emails, matches people, and reports to the admin', async () => {
    const slack = s.sandbox.simulators.slack!;
    const teams = s.sandbox.simulators.teams!;
    const teamId = (await workspaceOf(s, 'slack')).externalId;
    const tenantId = (await workspaceOf(s, 'teams')).externalId;
    for (let i = 0; i < 230; i++) slack.state.addUser(teamId, { name: `bulk${i}`, realName: `Bulk Person ${i}`, email: `bulk${i}@northwind.example` });
    for (let i = 150; i < 270; i++) teams.addUser(tenantId, { displayName: `Bulk Person ${i}`, mail: `Bulk${i}@Northwind.example` });

    const before = lastSeq(s, 'slack');
    const reply = await slackCommand(s, ADA, 'directory sync all');
    expect(reply.text).toMatch(/^Directory sync started for 4 workspaces \(/);

    const slackDone = await waitForPost(s, 'slack', 'Directory sync of Acme Slack (Slack) finished', before, 15000);
    expect(JSON.stringify(slackDone.body)).toMatch(/\d+ accounts on 2 page\(s\)/);
    await waitForPost(s, 'slack', 'Directory sync of Contoso (Microsoft Teams) finished', before, 15000);

    const org = s.service.organizationId;
    const shared = await personByEmail(s, 'bulk200@northwind.example');
    expect(shared.accounts.map((a) => a.platform).sort()).toEqual(['slack', 'teams']);
    expect(shared.person.primaryWorkspaceId).toBeUndefined();
    const slackOnly = await personByEmail(s, 'bulk10@northwind.example');
    expect(String(slackOnly.person.primaryWorkspaceId)).toBe(String((await workspaceOf(s, 'slack'))._id));
    const teamsOnly = await personByEmail(s, 'bulk260@northwind.example');
    expect(String(teamsOnly.person.primaryWorkspaceId)).toBe(String((await workspaceOf(s, 'teams'))._id));
    expect(await PersonModel.countDocuments({ organizationId: org, email: /^bulk\d+@/ })).toBe(270);

    const events = await EventModel.find({ organizationId: org, type: 'directory.sync', at: { $gte: new Date(Date.now() - 60_000) } }).lean();
    expect(events.filter((e) => e.outcome === 'succeeded').length).toBeGreaterThanOrEqual(4);
    const log = await slackCommand(s, ADA, 'events type=directory.sync limit=3');
    expect(log.text).toMatch(/^\*Events\* \(newest first, type directory.sync\)/);
    expect(log.text.split('\n')).toHaveLength(4);
  });

  it('marks an account deactivated when the platform does', async () => {
    const slack = s.sandbox.simulators.slack!;
    const teamId = (await workspaceOf(s, 'slack')).externalId;
    const user = [...slack.state.workspace(teamId).users.values()].find((u) => u.name === 'bulk3')!;
    user.deleted = true;
    const before = lastSeq(s, 'slack');
    await slackCommand(s, ADA, 'directory sync "Acme Slack"');
    await waitForPost(s, 'slack', 'Directory sync of Acme Slack (Slack) finished', before, 15000);
    const { accounts } = await personByEmail(s, 'bulk3@northwind.example');
    expect(accounts[0].deactivated).toBe(true);
  });

  it('keeps the same person when their email is renamed on the platform', async () => {
    const slack = s.sandbox.simulators.slack!;
    const teamId = (await workspaceOf(s, 'slack')).externalId;
    const before = await personByEmail(s, 'bulk7@northwind.example');
    const user = [...slack.state.workspace(teamId).users.values()].find((u) => u.name === 'bulk7')!;
    user.email = 'bulk7.renamed@northwind.example';
    const seq = lastSeq(s, 'slack');
    await slackCommand(s, ADA, 'directory sync "Acme Slack"');
    await waitForPost(s, 'slack', 'Directory sync of Acme Slack (Slack) finished', seq, 15000);
    const after = await personByEmail(s, 'bulk7.renamed@northwind.example');
    expect(String(after.person._id)).toBe(String(before.person._id));
    expect(await PersonModel.countDocuments({ organizationId: s.service.organizationId, email: 'bulk7@northwind.example' })).toBe(0);
  });

  it('shows each workspace\'s health and last sync', async () => {
    const reply = await slackCommand(s, ADA, 'directory status');
    for (const name of ['Acme Slack', 'Contoso', 'Acme', 'Zoom sandbox']) expect(reply.text).toContain(`*${name}*`);
    expect(reply.text).toMatch(/token ✔ · bot ✔/);
    expect(reply.text).toContain('last sync: succeeded');
  });
});

describe('prompts', () => {
  const onePerPlatform: Array<[Platform, string, string]> = [
    ['slack', ALAN, 'Alan Turing'],
    ['teams', 'margaret.hamilton@northwind.example', 'Margaret Hamilton'],
    ['webex', 'niklaus.wirth@northwind.example', 'Niklaus Wirth'],
    ['zoom', 'guido.van.rossum@northwind.example', 'Guido van Rossum'],
  ];

  it.each(onePerPlatform)('a %s person gets the prompt from the bot with a working Sync now link', async (platform, email, name) => {
    const before = lastSeq(s, platform);
    const reply = await slackCommand(s, ADA, `prompt ${email}`);
    expect(reply.text).toBe(`✔ prompted ${name}`);
    const post = await waitForPost(s, platform, '/sync/', before);
    expect(JSON.stringify(post.body)).toContain('Sync now');
    const page = await new TestBrowser().request(syncLinkIn(post));
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Hi ${name.split(' ')[0]}.`);
    expect((await personByEmail(s, email)).person.syncState).toBe('pending');
  });

  it('prompts everyone not synced on one platform once each, with a final count', async () => {
    const before = lastSeq(s, 'zoom');
    const adaBefore = lastSeq(s, 'slack');
    const reply = await slackCommand(s, ADA, 'prompt all platform=zoom');
    expect(reply.text).toMatch(/^Prompting up to \d+ people who are not synced on Zoom/);
    const done = await waitForPost(s, 'slack', 'Bulk prompt finished', adaBefore, 15000);
    const count = Number(/Bulk prompt finished: (\d+) people prompted on zoom/.exec(JSON.stringify(done.body))![1]);
    const prompts = s.sandbox.simulators.zoom!.sim.calls.filter(
      (c) => c.seq > before && c.path === '/v2/im/chat/messages' && JSON.stringify(c.body).includes('/sync/'),
    );
    const recipients = prompts.map((c) => (c.body as { to_jid: string }).to_jid);
    expect(count).toBeGreaterThanOrEqual(6);
    expect(recipients).toHaveLength(count);
    expect(new Set(recipients).size).toBe(count);
  });

  it('auto-prompts a sync-off person at most once per cool-down', async () => {
    expect((await slackCommand(s, ADA, 'autoprompt on')).text).toContain('Auto-prompt is on');
    const { person } = await personByEmail(s, 'ken.thompson@northwind.example');
    const before = lastSeq(s, 'slack');
    expect(await maybeAutoPrompt(s.service.core, person)).toBe(true);
    expect(await maybeAutoPrompt(s.service.core, person)).toBe(false);
    const kenId = await userIdOn(s, person.email, 'slack');
    await waitForPost(s, 'slack', 'tried to message you', before);
    const prompts = s.sandbox.simulators.slack!.sim.calls.filter(
      (c) => c.seq > before && c.path === '/api/chat.postMessage' && JSON.stringify(c.body).includes('tried to message you'),
    );
    expect(prompts).toHaveLength(1);
    expect(kenId).toBeTruthy();
  });
});

describe('the Sync now flow', () => {
  it('connects two platforms through their OAuth, then the chosen primary turns sync on', async () => {
    const { browser, link, html } = await openOwnLink(FRANCES);
    const links = connectLinks(html);
    expect([...links.keys()].sort()).toEqual(['Microsoft Teams', 'Slack']);

    const slack = s.sandbox.simulators.slack!;
    slack.signInAs((await workspaceOf(s, 'slack')).externalId, await userIdOn(s, FRANCES, 'slack'));
    const afterSlack = await browser.follow(new URL(links.get('Slack')!, s.url).toString());
    expect(afterSlack.status).toBe(200);
    expect(afterSlack.text).toContain('✔ Acme Slack is connected.');
    expect(browser.history.some((u) => u.includes('/oauth/v2/authorize') && u.includes('code_challenge') === false)).toBe(true);

    const afterTeams = await browser.follow(new URL(links.get('Microsoft Teams')!, s.url).toString(), {}, signInAs(FRANCES));
    expect(afterTeams.text).toContain('✔ Contoso is connected.');
    expect(browser.history.some((u) => u.includes('/oauth2/v2.0/authorize') && u.includes('code_challenge_method=S256'))).toBe(true);

    const choices = radioValues(afterTeams.text);
    const done = await browser.request(`${link}/primary`, { form: { workspaceId: choices.get('Contoso')! } });
    expect(done.status).toBe(200);
    expect(done.text).toContain("You're synced");
    expect(done.text).toContain('Your primary team is <strong>Contoso</strong>');
    expect(done.text).toMatch(/Posted as you<\/h2><ul><li>Acme Slack \(Slack\)/);

    const { person, accounts } = await personByEmail(s, FRANCES);
    expect(person.syncState).toBe('on');
    expect(person.primarySource).toBe('self');
    expect(String(person.primaryWorkspaceId)).toBe(choices.get('Contoso'));
    for (const a of accounts) {
      expect(a.userToken).toMatch(/^enc:v1:/);
      expect(a.secondary?.status).toBe('on');
    }
    const raw = await PlatformAccountModel.collection.find({ personId: person._id }).toArray();
    expect(JSON.stringify(raw)).not.toMatch(/xoxp-|"accessToken"/);

    const status = await slackCommand(s, FRANCES, 'status');
    expect(status.text).toContain('Sync: *on*');
    expect(status.text).toContain('Primary team: Contoso (Microsoft Teams)');

    const again = await browser.request(link);
    expect(again.status).toBe(410);
    expect(again.text).toContain('already been used');
  });

  it.each([
    ['webex', RADIA, 'Webex', 'Acme'],
    ['zoom', EVELYN, 'Zoom', 'Zoom sandbox'],
  ] as const)('connects a %s account with PKCE', async (_platform, email, label, workspace) => {
    const { browser, html } = await openOwnLink(email);
    const page = await browser.follow(new URL(connectLinks(html).get(label)!, s.url).toString(), {}, signInAs(email));
    expect(page.text).toContain(`✔ ${workspace} is connected.`);
    expect(browser.history.some((u) => u.includes('code_challenge='))).toBe(true);
    const { accounts } = await personByEmail(s, email);
    expect(accounts.find((a) => a.platform === _platform)?.userToken).toMatch(/^enc:v1:/);
  });

  it('refuses a sign-in as someone else and stores nothing', async () => {
    const { browser, html } = await openOwnLink(RADIA);
    const slack = s.sandbox.simulators.slack!;
    slack.signInAs((await workspaceOf(s, 'slack')).externalId, await userIdOn(s, ALAN, 'slack'));
    const page = await browser.follow(new URL(connectLinks(html).get('Slack')!, s.url).toString());
    expect(page.status).toBe(403);
    expect(page.text).toContain('but this link is for radia.perlman@northwind.example. Nothing was stored.');
    const { accounts } = await personByEmail(s, RADIA);
    expect(accounts.find((a) => a.platform === 'slack')?.userToken).toBeUndefined();
  });

  it('shows a forged link a clear page and no data', async () => {
    const page = await new TestBrowser().request(`${s.url}/sync/not-a-real-token-aaaaaaaaaaaaaaaa`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('This Sync now link is not valid');
    expect(page.text).not.toMatch(/@northwind\.example|Connect /);
  });

  it('refuses an expired link', async () => {
    const { link } = await openOwnLink(ALAN);
    const { person } = await personByEmail(s, ALAN);
    await PromptTokenModel.updateMany({ organizationId: person.organizationId, personId: person._id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const page = await new TestBrowser().request(link);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This Sync now link has expired');
  });

  it('refuses an OAuth return with a forged state, or from another browser', async () => {
    const forged = await new TestBrowser().request(`${s.url}/oauth/slack/callback?code=abc&state=forged`);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('does not match any Sync now link');

    const { browser, html } = await openOwnLink(EVELYN);
    const start = await browser.request(new URL(connectLinks(html).get('Webex')!, s.url).toString());
    const authorize = await new TestBrowser().request(signInAs(EVELYN)(start.location!));
    const stolen = await new TestBrowser().request(authorize.location!);
    expect(stolen.status).toBe(400);
    expect(stolen.text).toContain('started in another browser');
  });
});

describe('token health', () => {
  it('notices a revoked token, falls back to bot sync and asks the person to sync again', async () => {
    const { person, accounts } = await personByEmail(s, FRANCES);
    const slackAccount = accounts.find((a) => a.platform === 'slack')!;
    const { accessToken } = s.service.cipher.decryptJson<{ accessToken: string }>(slackAccount.userToken!);
    s.sandbox.simulators.slack!.state.tokens.delete(accessToken);

    const before = lastSeq(s, 'teams');
    const finished = new Promise((resolve) => s.service.agenda.once(`complete:${TOKEN_HEALTH_JOB}`, resolve));
    await s.service.agenda.now(TOKEN_HEALTH_JOB, {});
    await finished;

    const after = await PlatformAccountModel.findOne({ organizationId: person.organizationId, _id: slackAccount._id });
    expect(after?.secondary?.status).toBe('failed');
    expect(after?.userToken).toBeUndefined();
    const prompt = await waitForPost(s, 'teams', 'no longer use one of your authorized accounts', before);
    expect(syncLinkIn(prompt)).toContain('/sync/');
    const failed = await slackCommand(s, ADA, 'people status=failed');
    expect(failed.text).toContain('Frances Allen');
    expect(failed.text).toContain('⚠slack');
    const event = await EventModel.findOne({ organizationId: person.organizationId, type: 'sync.token_failed', subject: FRANCES });
    expect(event?.message).toContain('stopped working');
  });
});

describe('admin commands', () => {
  it('refuses admin verbs to everyone else and hides them from their help', async () => {
    const refused = await slackCommand(s, ALAN, 'people');
    expect(refused.text).toBe('`people` is for Crosstalk admins only. Ask an admin if you need it.');
    const help = await slackCommand(s, ALAN, 'help');
    expect(help.text).toContain('/crosstalk status');
    expect(help.text).not.toContain('/crosstalk people');
    const adminHelp = await slackCommand(s, ADA, 'help');
    expect(adminHelp.text).toContain('/crosstalk people');
    expect(adminHelp.text).toContain('You are a Crosstalk admin.');
  });

  it('filters people by primary platform, status and sync type, with counts and pages', async () => {
    const org = s.service.organizationId;
    const webexWs = await workspaceOf(s, 'webex');
    const onWebex = await PersonModel.countDocuments({ organizationId: org, primaryWorkspaceId: webexWs._id });
    const byPlatform = await slackCommand(s, ADA, 'people platform=webex');
    expect(byPlatform.text).toContain(`of ${onWebex} (page 1 of 1)`);
    expect(byPlatform.text).toContain('Niklaus Wirth');
    expect(byPlatform.text).not.toContain('Alan Turing');

    const pending = await slackCommand(s, ADA, 'people status=pending');
    expect(pending.text).toContain('Alan Turing');
    expect(pending.text).not.toContain('Frances Allen');

    const userSynced = await slackCommand(s, ADA, 'people type=user');
    expect(userSynced.text).toContain('Radia Perlman');
    expect(userSynced.text).not.toContain('Alan Turing');

    const all = await slackCommand(s, ADA, 'people page=2');
    expect(all.text).toMatch(/^\*People\* 21–40 of \d+ \(page 2 of \d+\)/);

    const wrong = await slackCommand(s, ADA, 'people status=maybe');
    expect(wrong.text).toBe('status: must be on, pending, off or failed.\nUsage: `/crosstalk people [platform=slack|teams|webex|zoom] [status=on|pending|off|failed] [type=bot|user] [page=N]`');
  });

  it('sets a primary for someone on several platforms, and person attributes', async () => {
    const reply = await slackCommand(s, ADA, `primary ${RADIA} webex`);
    expect(reply.text).toBe("Radia Perlman's primary team is now Acme (Webex). Sync: off.");
    const set = await slackCommand(s, ADA, `person set "Radia Perlman" buildings=North,Lab type=student`);
    expect(set.text).toBe('Radia Perlman now has buildings North, Lab and type student.');
    const { person } = await personByEmail(s, RADIA);
    expect(person.buildings).toEqual(['North', 'Lab']);
    expect(person.memberType).toBe('student');
    const ambiguous = await slackCommand(s, ADA, 'prompt Bulk');
    expect(ambiguous.text).toMatch(/"Bulk" matches several people: Bulk Person \d+ \(bulk\d+@northwind\.example\)/);
  });

  it('resets a person only after the confirmation button, and they can sync again', async () => {
    const slack = s.sandbox.simulators.slack!;
    const teamId = (await workspaceOf(s, 'slack')).externalId;
    const asked = await slackCommand(s, ADA, `reset ${EVELYN}`);
    expect(asked.text).toContain('Reset Evelyn Berezin (evelyn.berezin@northwind.example)?');
    expect((await personByEmail(s, EVELYN)).accounts.some((a) => a.userToken)).toBe(true);

    const buttons = JSON.stringify(asked.blocks);
    const value = /"action_id":"crosstalk\.confirm"[^}]*"value":"([^"]+)"/.exec(buttons)?.[1] ?? /"value":"([^"]+)"[^}]*"action_id":"crosstalk\.confirm"/.exec(buttons)![1];
    const click = await slack.clickButton(s.url, {
      teamId,
      userId: await userIdOn(s, ADA, 'slack'),
      channelId: 'D0ADMIN',
      messageTs: '1.000001',
      actionId: 'crosstalk.confirm',
      value,
    });
    expect(click.status).toBe(200);
    const answer = await slack.waitForResponse(click.responseUrl!);
    expect(JSON.stringify(answer.body)).toContain('Evelyn Berezin was reset');

    const { person, accounts } = await personByEmail(s, EVELYN);
    expect(person.syncState).toBe('off');
    expect(person.primaryWorkspaceId).toBeUndefined();
    expect(accounts.every((a) => !a.userToken && a.secondary?.status === 'not_created')).toBe(true);
    expect(await PromptTokenModel.countDocuments({ organizationId: person.organizationId, personId: person._id })).toBe(0);

    const otherAdmin = await slack.clickButton(s.url, {
      teamId,
      userId: await userIdOn(s, ALAN, 'slack'),
      channelId: 'D0ADMIN',
      messageTs: '1.000001',
      actionId: 'crosstalk.confirm',
      value,
    });
    const refusal = await slack.waitForResponse(otherAdmin.responseUrl!);
    expect(JSON.stringify(refusal.body)).toContain('Only the person who asked can confirm this.');

    const again = await openOwnLink(EVELYN);
    expect(again.html).toContain('Choose your primary team');
  });
});
