/**
 * The sandbox as a newcomer meets it, in a real browser (Debian's Chromium, headless), against
 * the real service, adapters and simulators run exactly as `npm start` runs them: the five
 * "Try this" journeys from a fresh start at 1280×800, then again after a restart of the service
 * at 1920×1080. Each step is screenshotted into test-output/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonModel } from '../../src/directory/person.model.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';
import { DEMO_PENDING, DEMO_SYNCED } from '../../sandbox/demo-org.js';
import { DEMO_ADMIN_EMAIL } from '../../sandbox/index.js';
import { TestBrowser } from '../helpers/browser.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';

const SHOTS = path.resolve('test-output/screenshots');

let s: SandboxService;
let context: BrowserContext;
let page: Page;
let profile: string;
let phase = 'fresh';

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: path.join(SHOTS, `${phase}-${name}.png`) });
}

function pane(platform: string): Locator {
  return page.locator(`[data-pane="${platform}"]`);
}

async function type(platform: string, text: string): Promise<void> {
  const input = pane(platform).locator('input[name="text"]');
  await input.fill(text);
  await input.press('Enter');
}

/** Opens a journey in the Try this panel, clicks its `n`-th "Type it" button, then sends. */
async function typeIt(journey: string, n: number): Promise<void> {
  const details = page.locator(`[data-journey="${journey}"]`);
  if (!(await details.evaluate((d) => (d as HTMLDetailsElement).open))) await details.locator('summary').click();
  const button = details.locator('[data-fill]').nth(n);
  const platform = (await button.getAttribute('data-fill'))!;
  await button.click();
  await pane(platform).locator('input[name="text"]').press('Enter');
}

async function closeJourneys(): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('details[name="journey"]').forEach((d) => ((d as HTMLDetailsElement).open = false)));
}

async function choose(platform: string, name: string): Promise<void> {
  await pane(platform).getByLabel('You are').selectOption({ label: name });
}

async function members(platform: string): Promise<number> {
  return Number(await pane(platform).locator('.channel .count').first().getAttribute('data-members'));
}

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  s = await startSandboxService({ label: 'journeys', guided: true });
  profile = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    viewport: { width: 1280, height: 800 },
  });
  context.setDefaultTimeout(10_000);
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await s?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** The five journeys; `again` is the run after a restart (new names, a person not yet synced). */
function journeys(again: boolean) {
  it('opens at / on four panes that fit the window, each showing a synced person', async () => {
    await page.goto(`${s.url}/`);
    await page.waitForURL(/\/sandbox$/);
    for (const name of ['Slack', 'Teams', 'Webex', 'Zoom']) await pane(name.toLowerCase()).getByRole('heading', { name, level: 2 }).waitFor();
    const width = page.viewportSize()!.width;
    for (const platform of ['slack', 'teams', 'webex', 'zoom']) {
      const box = (await pane(platform).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(width);
    }
    await expect(pane('slack').getByLabel('You are').locator('option:checked').innerText()).resolves.toBe('Ada Lovelace');
    await expect(pane('teams').getByLabel('You are').locator('option:checked').innerText()).resolves.toBe('Margaret Hamilton');
    const icon = await page.request.get(`${s.url}/favicon.ico`);
    expect(icon.headers()['content-type']).toContain('image/svg+xml');
    await shot(page, 'sandbox');
  });

  it('1 · DMs across platforms, replies, and follows an edit, a reaction and a delete', async () => {
    const hello = again ? 'Hello again from Slack' : 'Hello from Slack';
    if (again) await type('slack', `/crosstalk dm ${DEMO_SYNCED.teams} ${hello}`);
    else await typeIt('dm', 0);
    await pane('slack').getByText(/On its way to Margaret Hamilton/).last().waitFor();
    await pane('teams').locator('.msg', { hasText: hello }).waitFor();
    const reply = again ? 'Welcome back, Ada' : 'Hi Ada, got it!';
    if (again) await type('teams', reply);
    else await typeIt('dm', 1);
    const copy = pane('slack').locator('.msg.from-bot', { hasText: reply });
    await copy.waitFor();
    await expect(copy.innerText()).resolves.toContain('Margaret Hamilton');
    await shot(page, 'dm');

    // Margaret edits her reply in Teams; Ada's copy in Slack follows.
    const mine = pane('teams').locator('.msg.mine', { hasText: reply });
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    await pane('teams').getByLabel('Edit message').fill(`${reply} (typo fixed)`);
    await pane('teams').getByRole('button', { name: 'Save' }).click();
    const edited = pane('slack').locator('.msg.from-bot', { hasText: `${reply} (typo fixed)` });
    await edited.waitFor();
    // Ada reacts to the copy in Slack.
    await edited.hover();
    await edited.getByRole('button', { name: 'React with tada' }).click();
    await edited.locator('.reaction.mine').waitFor();
    await shot(page, 'dm-edited');
    // Margaret deletes it; the copy goes too.
    const fixed = pane('teams').locator('.msg.mine', { hasText: `${reply} (typo fixed)` });
    await fixed.hover();
    await fixed.getByRole('button', { name: 'Delete message' }).click();
    await until(async () => (await pane('slack').locator('.msg', { hasText: `${reply} (typo fixed)` }).count()) === 0, 'the deleted copy to go');
  });

  it('2 · completes Sync now for a person who was not synced', async () => {
    const who = again ? 'Katherine Johnson' : 'Alan Turing';
    await choose('slack', who);
    if (again) await type('slack', '/crosstalk sync');
    const button = pane('slack').getByRole('link', { name: 'Sync now' }).last();
    await button.waitFor();
    const [sync] = await Promise.all([context.waitForEvent('page'), button.click()]);
    await sync.setViewportSize(page.viewportSize()!);
    await sync.getByRole('heading', { name: 'Sync your chat accounts' }).waitFor();
    await sync.getByRole('link', { name: 'Connect Slack' }).click();
    await sync.getByText(/is connected/).waitFor();
    await sync.getByLabel(/\(Slack\)/).check();
    await sync.getByRole('button', { name: 'Finish sync' }).click();
    await sync.getByRole('heading', { name: "You're synced" }).waitFor();
    await shot(sync, 'synced');
    await sync.close();
    const email = again ? 'katherine.johnson@northwind.example' : DEMO_PENDING;
    const person = await PersonModel.findOne({ organizationId: s.service.organizationId, email });
    expect(person?.syncState).toBe('on');
    await choose('slack', 'Ada Lovelace');
  });

  it('3 · fills a channel with a group sync, then empties it with undo and Confirm', async () => {
    const name = again ? 'everyone-again' : 'everyone';
    const channel = (await pane('slack').locator('.channel').first().getAttribute('data-ref'))!;
    expect(await members('slack')).toBe(0);
    if (again) await type('slack', `/crosstalk group create ${name} channel=${channel} type=organization`);
    else await typeIt('group', 0);
    await pane('slack').getByText(new RegExp(`Group sync ${name} created`)).first().waitFor();
    await until(async () => (await members('slack')) > 5, 'the channel to fill');
    await shot(page, 'group-filled');
    if (again) await type('slack', `/crosstalk group undo ${name}`);
    else await typeIt('group', 1);
    await pane('slack').getByRole('button', { name: 'Confirm' }).last().click();
    await until(async () => (await members('slack')) === 0, 'the channel to empty');
    await expect(pane('slack').locator('[data-status]').innerText()).resolves.toBe('');
    await shot(page, 'group-undone');
  });

  it('4 · pushes a contact group to a person on Zoom', async () => {
    const group = again ? 'leads-again' : 'leads';
    if (again) {
      await type('slack', `/crosstalk contacts group add ${group} ${DEMO_SYNCED.teams} ${DEMO_SYNCED.webex}`);
      await pane('slack').getByText(`to "${group}"`).waitFor();
      await type('slack', `/crosstalk contactsync create ${group}-to-guido source=${DEMO_SYNCED.slack} group=${group} to=${DEMO_SYNCED.zoom}`);
    } else {
      await typeIt('contacts', 0);
      await pane('slack').getByText('to "leads"').waitFor();
      await typeIt('contacts', 1);
    }
    await pane('slack').getByText(/Contact sync .* created/).last().waitFor();
    await closeJourneys();
    await until(async () => {
      await type('zoom', '/crosstalk contacts');
      return pane('zoom')
        .locator('.msg.from-bot', { hasText: new RegExp(`${group} \\(synced by contact sync`) })
        .first()
        .waitFor({ timeout: 2000 })
        .then(
          () => true,
          () => false,
        );
    }, 'the contacts to reach Guido', 15_000);
    await shot(page, 'contacts');
  });

  it('5 · signs in to the admin page as the demo admin', async () => {
    // Signed out, as a newcomer arrives (the first run's admin session would skip the sign-in).
    await context.clearCookies();
    const admin = await context.newPage();
    await admin.setViewportSize(page.viewportSize()!);
    await admin.goto(`${s.url}/admin`, { waitUntil: 'domcontentloaded' });
    await admin.getByRole('button', { name: 'Sign in as the demo admin' }).click();
    await admin.getByRole('heading', { name: 'People Sync' }).waitFor();
    await expect(admin.getByText('Signed in as Ada Lovelace').isVisible()).resolves.toBe(true);
    await admin.getByLabel('Sync status').selectOption('on');
    await admin.getByRole('button', { name: 'Apply filters' }).click();
    await admin.waitForURL(/status=on/);
    const names = await admin.locator('table.people tbody tr td:first-child strong').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining(['Ada Lovelace', 'Margaret Hamilton', 'Alan Turing']));
    await shot(admin, 'admin');
    await admin.close();
  });
}

describe('from a fresh start at 1280×800', () => {
  journeys(false);
});

describe('after a restart of the service, at 1920×1080', () => {
  it('comes back with the same organization and the panes’ history', async () => {
    const workspaces = () => WorkspaceModel.countDocuments({ organizationId: s.service.organizationId });
    const people = () => PersonModel.countDocuments({ organizationId: s.service.organizationId });
    const before = { workspaces: await workspaces(), people: await people() };
    s = await s.restart();
    phase = 'restarted';
    expect({ workspaces: await workspaces(), people: await people() }).toEqual(before);
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${s.url}/sandbox`);
    await pane('teams').locator('.msg', { hasText: 'Hello from Slack' }).waitFor();
  });
  journeys(true);

  it('refuses a signed-in non-admin on the admin page', async () => {
    const slack = s.sandbox.simulators.slack!;
    const team = [...slack.state.workspaces.values()][0];
    const barbara = [...team.users.values()].find((u) => u.email === 'barbara.liskov@northwind.example')!;
    slack.signInAs(team.id, barbara.id);
    const browser = new TestBrowser();
    const refused = await browser.follow(`${s.url}/admin/sign-in/slack`);
    expect(refused.status).toBe(403);
    const forged = await browser.request(`${s.url}/admin/action`, { form: { action: 'reset', person: DEMO_ADMIN_EMAIL, csrf: 'guess' } });
    expect(forged.status).toBe(403);
  });
});
