/**
 * "Undo removes exactly whom the sync added" under any timing: `group run` races the run that
 * `group create` queues, `group off`/`on` and people changes, many times over; then two undos race
 * each other. The truth is what the platform saw: every invite that succeeded is kicked exactly
 * once, and nobody else is kicked.
 */
import { pause, seededRandom } from '../helpers/seeded.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types } from 'mongoose';
import { startSandboxService, type SandboxService } from '../helpers/sandbox-service.js';
import { GroupSyncMemberModel, GroupSyncModel } from '../../src/groups/group-sync.model.js';
import { PersonModel } from '../../src/directory/person.model.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';
import { createGroupSync, setGroupSyncEnabled, undoGroupSync } from '../../src/groups/group-sync.service.js';
import { GROUP_RUN_JOB, GROUP_UNDO_JOB } from '../../src/groups/group-sync.jobs.js';
import { eventually, importAll } from './helpers.js';

const ROUNDS = 6;
const PEOPLE = 8;
/** Generous: the embedded database on a busy machine is slow, and this waits for a condition, not a guess. */
const SETTLE_MS = 180_000;

describe('group sync bookkeeping under concurrency', () => {
  let env: SandboxService;
  let orgId: Types.ObjectId;
  let teamId: string;
  const emails: string[] = [];
  const racerIds: string[] = [];

  const slack = () => env.sandbox.simulators.slack!;

  // The racing steps take the paths `group run`, `group off`/`on` and `person set` take, without
  // the chat round trip, so a loaded machine cannot turn them into Slack's 3-second timeout.
  async function groupRun(syncId: Types.ObjectId) {
    await env.service.core.agenda.now(GROUP_RUN_JOB, { organizationId: String(orgId), groupSyncId: String(syncId) });
  }
  async function groupToggle(syncId: Types.ObjectId, enabled: boolean) {
    const sync = await GroupSyncModel.findOne({ organizationId: orgId, _id: syncId });
    await setGroupSyncEnabled(sync!, enabled);
    if (enabled) await groupRun(syncId);
  }
  async function personSet(email: string, memberType: 'staff' | 'student') {
    const person = await PersonModel.findOne({ organizationId: orgId, email });
    await PersonModel.updateOne({ organizationId: orgId, _id: person!._id }, { $set: { memberType } });
    env.service.core.events.emit('people.changed', { organizationId: orgId, personIds: [person!._id] });
  }

  /** No group job queued or running. */
  async function groupJobsIdle(): Promise<boolean> {
    const jobs = mongoose.connection.db!.collection('agendaJobs');
    const busy = await jobs.countDocuments({
      name: { $in: ['group.run', 'group.undo', 'group.people'] },
      $or: [{ lockedAt: { $ne: null } }, { nextRunAt: { $ne: null } }],
    });
    return busy === 0;
  }

  beforeAll(async () => {
    env = await startSandboxService({ label: 'group-concurrency', env: { CROSSTALK_ADMINS: 'ada@acme.example' } });
    orgId = env.service.organizationId;
    const s = slack().state;
    teamId = [...s.workspaces.keys()][0];
    for (let i = 0; i < PEOPLE; i++) {
      const email = `racer${i}@acme.example`;
      racerIds.push(s.addUser(teamId, { name: `racer${i}`, realName: `Racer ${i}`, email, fields: { 'Office location': 'Race Track' } }).id);
      emails.push(email);
    }
    await importAll(env);
    await PersonModel.updateMany({ organizationId: orgId, email: { $in: emails } }, { $set: { memberType: 'staff' } });
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  it('kicks on undo exactly the people whose invite succeeded, once each, whatever the interleaving', async () => {
    const seed = Number(process.env.GROUP_RACE_SEED ?? Date.now() % 100_000);
    const rnd = seededRandom(seed);
    const s = slack().state;
    const ws = s.workspace(teamId);

    for (let round = 0; round < ROUNDS; round++) {
      const name = `race-${round}`;
      // One person is in the channel before any sync: never added by it, never kicked.
      const bystander = racerIds[round % PEOPLE]!;
      const channel = s.addChannel(teamId, { name: `race-${round}`, members: [ws.botUserId, bystander] }).id;
      const context = `seed ${seed}, round ${round}`;

      const workspace = await WorkspaceModel.findOne({ organizationId: orgId, platform: 'slack' });
      const sync = await createGroupSync(orgId, {
        name,
        workspace: workspace!,
        channelId: channel,
        rule: { type: 'buildings', buildings: ['Race Track'], members: 'staff', role: 'member' },
      });
      await groupRun(sync._id); // as `group create` queues its first run
      const actions: Array<Promise<unknown>> = [];
      const later = (ms: number, work: () => Promise<unknown>) => actions.push(pause(ms).then(work));
      later(600 + rnd() * 1200, () => groupRun(sync._id));
      later(rnd() * 1800, () => groupRun(sync._id));
      if (rnd() < 0.5) {
        later(rnd() * 1500, async () => {
          await groupToggle(sync._id, false);
          await pause(rnd() * 300);
          await groupToggle(sync._id, true);
        });
      }
      // People changes: someone becomes a student and back to staff; each change queues the people job.
      const changed = emails[Math.floor(rnd() * PEOPLE)];
      later(rnd() * 1500, async () => {
        await personSet(changed, 'student');
        await pause(rnd() * 400);
        await personSet(changed, 'staff');
      });
      await Promise.all(actions);
      await eventually(groupJobsIdle, SETTLE_MS, `group jobs to finish (${context})`);
      // Anyone missing (a change raced the runs) is added by one more run.
      await groupRun(sync._id);
      await eventually(groupJobsIdle, SETTLE_MS, `last run (${context})`);

      // Two undos at once: the job `group undo` queues, and a direct call.
      await GroupSyncModel.updateOne({ organizationId: orgId, _id: sync._id }, { $set: { enabled: false } });
      await env.service.core.agenda.now(GROUP_UNDO_JOB, { organizationId: String(orgId), groupSyncId: String(sync._id) });
      await undoGroupSync(env.service.core, orgId, sync._id);
      await eventually(groupJobsIdle, SETTLE_MS, `undo (${context})`);

      const ok = (path: string) =>
        slack()
          .sim.callsTo(path, 'POST')
          .filter((c) => (c.body as { channel?: string }).channel === channel && (c.response as { ok?: boolean } | undefined)?.ok === true);
      const invited = ok('/api/conversations.invite').flatMap((c) => String((c.body as { users: string }).users).split(','));
      const kicked = ok('/api/conversations.kick').map((c) => String((c.body as { user: string }).user));

      expect(new Set(invited).size, `each person invited successfully at most once (${context})`).toBe(invited.length);
      expect([...kicked].sort(), `kicked exactly the successful invites, once each (${context})`).toEqual([...invited].sort());
      expect(kicked, context).not.toContain(bystander);
      expect([...s.workspace(teamId).conversations.get(channel)!.members].sort(), context).toEqual([ws.botUserId, bystander].sort());
      expect(await GroupSyncMemberModel.countDocuments({ organizationId: orgId, groupSyncId: sync._id, status: 'added' }), context).toBe(0);
      expect(invited.length, `the sync added the other people (${context})`).toBe(PEOPLE - 1);
    }
  }, 600_000);
});
