/** Shared steps for people-sync tests on the sandboxed service. */
import type { Types } from 'mongoose';
import { expect } from 'vitest';
import type { Platform } from '../../src/chat-adapter.js';
import { PersonModel } from '../../src/directory/person.model.js';
import { PlatformAccountModel } from '../../src/directory/platform-account.model.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';
import type { RecordedCall } from '../../sandbox/simulators/sim-core.js';
import type { SandboxService } from '../helpers/sandbox-service.js';
import { laterAnswer, WORKING } from '../groups/helpers.js';

/** The simulator server of a platform. */
export function simOf(s: SandboxService, platform: Platform) {
  const sims = s.sandbox.simulators;
  const sim = { slack: sims.slack?.sim, teams: sims.teams?.sim, webex: sims.webex?.sim, zoom: sims.zoom?.sim }[platform];
  if (!sim) throw new Error(`${platform} simulator not running`);
  return sim;
}

/** The calls that post a bot message on each platform. */
export const POST_PATHS: Record<Platform, RegExp> = {
  slack: /^\/api\/chat\.postMessage$/,
  teams: /^\/connector\/v3\/conversations\/[^/]+\/activities/,
  webex: /^\/v1\/messages$/,
  zoom: /^\/v2\/im\/chat\/messages$/,
};

/** Waits for a bot post on `platform` whose body mentions `needle`, after call number `afterSeq`. */
export function waitForPost(s: SandboxService, platform: Platform, needle: string | RegExp, afterSeq = 0, timeoutMs = 8000): Promise<RecordedCall> {
  const sim = simOf(s, platform);
  return sim.waitForCall(
    (c) =>
      c.seq > afterSeq &&
      c.method === 'POST' &&
      c.path.match(POST_PATHS[platform]) !== null &&
      (typeof needle === 'string' ? JSON.stringify(c.body).includes(needle) : JSON.stringify(c.body).match(needle) !== null),
    timeoutMs,
  );
}

/** The latest recorded call number on a platform (to wait only for what comes next). */
export function lastSeq(s: SandboxService, platform: Platform): number {
  const calls = simOf(s, platform).calls;
  return calls.length ? calls[calls.length - 1].seq : 0;
}

/** Extracts the Sync now link from a recorded bot post. */
export function syncLinkIn(call: RecordedCall): string {
  const match = /https?:\/\/[^"\s\\)]+\/sync\/[\w-]+/.exec(JSON.stringify(call.body));
  if (!match) throw new Error(`no Sync now link in ${JSON.stringify(call.body).slice(0, 300)}`);
  return match[0];
}

/** A person and their accounts by email. */
export async function personByEmail(s: SandboxService, email: string) {
  const organizationId = s.service.organizationId;
  const person = await PersonModel.findOne({ organizationId, email });
  if (!person) throw new Error(`no person ${email}`);
  const accounts = await PlatformAccountModel.find({ organizationId, personId: person._id });
  return { person, accounts };
}

/** The platform user id of a person on a platform. */
export async function userIdOn(s: SandboxService, email: string, platform: Platform): Promise<string> {
  const { accounts } = await personByEmail(s, email);
  const account = accounts.find((a) => a.platform === platform);
  if (!account) throw new Error(`${email} has no ${platform} account`);
  return account.externalUserId;
}

/** The registered workspace of a platform. */
export async function workspaceOf(s: SandboxService, platform: Platform) {
  const ws = await WorkspaceModel.findOne({ organizationId: s.service.organizationId, platform });
  if (!ws) throw new Error(`no ${platform} workspace`);
  return ws;
}

/** Polls until `check` returns a value (bounded); for state written by background jobs. */
export async function eventually<T>(check: () => Promise<T | undefined | null | false>, timeoutMs = 8000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends `/crosstalk <text>` as a Slack slash command and returns the reply text. */
export async function slackCommand(s: SandboxService, email: string, commandText: string): Promise<{ text: string; blocks: unknown[] }> {
  const slack = s.sandbox.simulators.slack!;
  const teamId = (await workspaceOf(s, 'slack')).externalId;
  const userId = await userIdOn(s, email, 'slack');
  const before = lastSeq(s, 'slack');
  const delivery = await slack.sendSlashCommand(s.url, { teamId, userId, text: commandText });
  expect(delivery.status, `slash command answered ${delivery.status}: ${delivery.text}`).toBe(200);
  let body = JSON.parse(delivery.text) as { text: string; blocks?: unknown[] };
  if (WORKING.test(body.text)) body = await laterAnswer(s, teamId, userId, before);
  // What the person reads: Slack shows &lt; &gt; &amp; as the characters.
  const text = body.text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return { text, blocks: body.blocks ?? [] };
}

/** Makes a person an admin directly (as `admin add` would). */
export async function makeAdmin(organizationId: Types.ObjectId, email: string): Promise<void> {
  await PersonModel.updateOne({ organizationId, email }, { $set: { isAdmin: true } });
}
