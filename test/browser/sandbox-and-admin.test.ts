/**
 * The sandbox page and the admin page in a real browser (Debian's Chromium, headless), against the
 * real service, the real adapters and the four simulators: commands and DMs typed in the panes,
 * the Sync now flow opened from a prompt button, and the admin People table filtered. Each page is
 * screenshotted into test-output/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonModel } from '../../src/models/index.js';
import { DEMO_ADMIN_EMAIL } from '../../sandbox/index.js';
import { TestBrowser } from '../helpers/browser.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';

const SHOTS = path.resolve('test-output/screenshots');
const RECIPIENT = 'margaret.hamilton@northwind.example';

let s: SandboxService;
let context: BrowserContext;
let page: Page;
let profile: string;

async function shot(p: Page, name: string): Promise<void> {
  await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

function pane(platform: string): Locator {
  return page.locator(`[data-pane="${platform}"]`);
}

async function type(platform: string, text: string): Promise<void> {
  const input = pane(platform).locator('input[name="text"]');
  await input.fill(text);
  await input.press('Enter');
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  s = await startSandboxService({ label: 'browser' });
  profile = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    viewport: { width: 1760, height: 980 },
  });
  context.setDefaultTimeout(10_000);
  page = context.pages()[0] ?? (await context.newPage());
});

afterAll(async () => {
  await context?.close();
  await s?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the sandbox page', () => {
  it('shows four panes and runs /crosstalk people from the Slack pane as the demo admin', async () => {
    await page.goto(`${s.url}/sandbox`);
    for (const name of ['Slack', 'Teams', 'Webex', 'Zoom']) await expect(page.getByRole('heading', { name, level: 2 }).isVisible()).resolves.toBe(true);
    await expect(pane('slack').getByLabel('You are').inputValue()).resolves.toMatch(/^U/);
    await type('slack', '/crosstalk people');
    const table = pane('slack').locator('.msg-text pre').last();
    await table.waitFor();
    const text = await table.innerText();
    expect(text).toMatch(/Name\s+Email\s+Primary team\s+Sync\s+Secondaries/);
    expect(text).toContain('ada.lovelace@northwind.exam');
    expect(text).toMatch(/Alan Turing\s+alan\.turing@northwind\.examp… Acme Slack \(Slack\)\s+off\s+↻teams ↻webex ↻zoom/);
    await expect(pane('slack').locator('.msg-text').last().innerText()).resolves.toMatch(/People 1–20 of \d+ \(page 1 of 2\)/);
    await expect(pane('slack').getByText('Only visible to you').last().isVisible()).resolves.toBe(true);
  });

  it('completes a Sync now flow opened from the prompt button', async () => {
    await type('slack', '/crosstalk sync');
    const button = pane('slack').getByRole('link', { name: 'Sync now' }).last();
    const [sync] = await Promise.all([context.waitForEvent('page'), button.click()]);
    await sync.getByRole('heading', { name: 'Sync your chat accounts' }).waitFor();
    await sync.getByRole('link', { name: 'Connect Slack' }).click();
    await sync.getByText(/is connected/).waitFor();
    await expect(sync.getByText('✔ Authorized').count()).resolves.toBe(1);
    await shot(sync, 'sync-now');
    await sync.getByLabel(/\(Slack\)/).check();
    await sync.getByRole('button', { name: 'Finish sync' }).click();
    await sync.getByRole('heading', { name: "You're synced" }).waitFor();
    await expect(sync.getByRole('status').innerText()).resolves.toMatch(/Your primary team is .+\. Messages from colleagues/);
    await shot(sync, 'synced');
    await sync.close();
    const ada = await PersonModel.findOne({ organizationId: s.service.organizationId, email: DEMO_ADMIN_EMAIL });
    expect(ada?.syncState).toBe('on');
  });

  it('relays a DM typed in the Slack pane into the Teams pane, live', async () => {
    await type('slack', '/crosstalk autosync on');
    await pane('slack').getByText(/Auto-sync mode is on/).waitFor();
    await pane('teams').getByLabel('You are').selectOption({ label: `Margaret Hamilton · ${RECIPIENT}` });
    await type('slack', `/crosstalk dm ${RECIPIENT} hello from Slack`);
    await pane('slack').getByText(/On its way to Margaret Hamilton/).waitFor();
    const arrived = pane('teams').locator('.msg', { hasText: 'hello from Slack' });
    await arrived.waitFor();
    await expect(arrived.innerText()).resolves.toContain('Ada Lovelace');

    // Webex and Zoom people talk to the bot in their own chats; replies come back natively.
    await type('webex', 'status');
    await pane('webex').locator('.msg.from-bot', { hasText: /Sync: off/ }).waitFor();
    await type('zoom', '/crosstalk status');
    await pane('zoom').locator('.msg.mine', { hasText: '/crosstalk status' }).waitFor();
    await pane('zoom').locator('.msg.from-bot', { hasText: /Primary team: Zoom sandbox/ }).waitFor();
    await shot(page, 'sandbox');
  });
});

describe('the admin page', () => {
  it('signs in as the demo admin and filters the People table', async () => {
    await page.goto(`${s.url}/admin`);
    await page.getByRole('heading', { name: 'Crosstalk admin' }).waitFor();
    await shot(page, 'admin-sign-in');
    await page.getByRole('button', { name: 'Sign in as the demo admin' }).click();
    await page.getByRole('heading', { name: 'People Sync' }).waitFor();
    await expect(page.getByText('Signed in as Ada Lovelace').isVisible()).resolves.toBe(true);
    await expect(page.locator('#people-count').innerText()).resolves.toMatch(/of \d+ people \(page 1 of 2\)/);

    await page.getByLabel('Primary platform').selectOption('teams');
    await page.getByLabel('Sync status').selectOption('on');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/platform=teams&status=on/);
    const names = await page.locator('table.people tbody tr td:first-child strong').allInnerTexts();
    expect(names).toContain('Margaret Hamilton');
    expect(names).not.toContain('Ada Lovelace');
    await expect(page.locator('table.people').innerText()).resolves.toContain('✔');
    await shot(page, 'admin');
  });

  it('resets a person after confirmation, exactly as /crosstalk reset does', async () => {
    const row = page.locator('table.people tbody tr', { hasText: 'Margaret Hamilton' });
    await row.getByRole('button', { name: 'Reset Margaret Hamilton' }).click();
    await page.getByText(/Reset Margaret Hamilton <margaret\.hamilton@northwind\.example>\?/).waitFor();
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/Margaret Hamilton was reset: every sync broken/).waitFor();
    const names = await page.locator('table.people tbody tr td:first-child strong').allInnerTexts();
    expect(names).not.toContain('Margaret Hamilton');
    const margaret = await PersonModel.findOne({ organizationId: s.service.organizationId, email: RECIPIENT });
    expect(margaret?.syncState).toBe('off');
  });

  it('refuses a signed-in non-admin, and forms without the session token', async () => {
    const slack = s.sandbox.simulators.slack!;
    const team = [...slack.state.workspaces.values()][0];
    const alan = [...team.users.values()].find((u) => u.email === 'alan.turing@northwind.example')!;
    slack.signInAs(team.id, alan.id);
    const browser = new TestBrowser();
    const refused = await browser.follow(`${s.url}/admin/sign-in/slack`);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('the admin page is for Crosstalk admins only');
    const still = await browser.follow(`${s.url}/admin`);
    expect(still.text).toContain('Sign in with Slack');

    const forged = await browser.request(`${s.url}/admin/action`, { form: { action: 'reset', person: DEMO_ADMIN_EMAIL, csrf: 'guess' } });
    expect(forged.status).toBe(403);
    const before = await PersonModel.findOne({ organizationId: s.service.organizationId, email: DEMO_ADMIN_EMAIL });
    expect(before?.syncState).toBe('on');
  });
});
