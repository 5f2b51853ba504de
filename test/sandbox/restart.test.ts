/**
 * The sandbox as `npm start` runs it survives restarts: the same organization comes back (same
 * workspaces, people, accounts, ids and tokens), the demo people who started synced can still
 * DM each other, and a pane's history is still there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PersonModel } from '../../src/directory/person.model.js';
import { PlatformAccountModel } from '../../src/directory/platform-account.model.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';
import { DEMO_PENDING, DEMO_SYNCED, DEMO_WORKSPACE_NAMES } from '../../sandbox/demo-org.js';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';

let s: SandboxService;

async function counts() {
  const organizationId = s.service.organizationId;
  return {
    workspaces: await WorkspaceModel.countDocuments({ organizationId }),
    people: await PersonModel.countDocuments({ organizationId }),
    accounts: await PlatformAccountModel.countDocuments({ organizationId }),
    synced: await PersonModel.countDocuments({ organizationId, syncState: 'on' }),
  };
}

async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  s = await startSandboxService({ label: 'restart', guided: true });
});

afterAll(async () => {
  await s?.stop();
});

describe('the guided sandbox across restarts', () => {
  it('starts with one Northwind workspace per platform, a few people synced and one prompted', async () => {
    const names = (await WorkspaceModel.find({ organizationId: s.service.organizationId })).map((w) => w.name).sort();
    expect(names).toEqual(Object.values(DEMO_WORKSPACE_NAMES).sort());
    const synced = await PersonModel.find({ organizationId: s.service.organizationId, syncState: 'on' });
    expect(synced.map((p) => p.email).sort()).toEqual(Object.values(DEMO_SYNCED).sort());
    const pending = await PersonModel.findOne({ organizationId: s.service.organizationId, email: DEMO_PENDING });
    expect(pending?.syncState).toBe('pending');
    expect(existsSync(path.join(s.dataDir, 'sandbox', 'simulators.json'))).toBe(true);
  });

  it('resumes the same organization after two restarts, and DMs still reach people', async () => {
    const before = await counts();
    const slack = s.sandbox.simulators.slack!;
    const team = [...slack.state.workspaces.values()][0];
    const ada = [...team.users.values()].find((u) => u.email === DEMO_SYNCED.slack)!;
    await slack.sendSlashCommand(s.url, { teamId: team.id, userId: ada.id, text: `dm ${DEMO_SYNCED.teams} before the restart` });
    const teamsHas = (text: string) =>
      [...s.sandbox.simulators.teams!.conversations.values()].some((c) => [...c.activities.values()].some((a) => String(a.text ?? '').includes(text)));
    await eventually(() => teamsHas('before the restart'), 'the first DM');

    s = await s.restart();
    s = await s.restart();
    expect(await counts()).toEqual(before);
    const slackAgain = s.sandbox.simulators.slack!;
    const teamAgain = [...slackAgain.state.workspaces.values()][0];
    expect(teamAgain.id).toBe(team.id);
    expect(teamAgain.botToken).toBe(team.botToken);
    expect(teamsHas('before the restart')).toBe(true);

    await slackAgain.sendSlashCommand(s.url, { teamId: team.id, userId: ada.id, text: `dm ${DEMO_SYNCED.teams} after the restart` });
    await eventually(() => teamsHas('after the restart'), 'the DM after restarts');
  });
});
