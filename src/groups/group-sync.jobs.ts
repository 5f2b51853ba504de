/**
 * Group sync jobs: a full run of one sync, undo of one sync, the reaction to new or changed
 * people (queued by the `peopleEvents` listener), and the periodic catch-up.
 */
import { Types } from 'mongoose';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/runner.js';
import { GroupSyncModel } from './group-sync.model.js';
import { OrganizationModel } from '../directory/organization.model.js';
import { notifyRequester, type NotifyTarget } from '../directory/notify.js';
import { catchUpGroupSyncs, runGroupSync, syncPeopleIntoGroups, undoGroupSync, type GroupRunResult } from './group-sync.service.js';

export const GROUP_RUN_JOB = 'group.run';
export const GROUP_UNDO_JOB = 'group.undo';
export const GROUP_PEOPLE_JOB = 'group.people';
export const GROUP_CATCH_UP_JOB = 'group.catch-up';

/** Data of `group.run` and `group.undo`. */
export interface GroupSyncJobData {
  organizationId: string;
  groupSyncId: string;
  notify?: NotifyTarget;
  actorPersonId?: string;
}

/** Data of `group.people`. */
export interface GroupPeopleJobData {
  organizationId: string;
  personIds: string[];
}

/** "3 added, 1 already there, 2 not added", then one line per cause: "⚠ 2 not added: channel_not_found (Ada, Sam)". */
export function summarizeRun(name: string, result: GroupRunResult): string {
  const head = `Group sync ${name}: ${result.added} added, ${result.alreadyMembers} already there, ${result.failed} not added.`;
  const causes = Object.entries(result.causes ?? {})
    .sort((a, b) => b[1].count - a[1].count)
    .map(([cause, { count, people }]) => `⚠ ${count} not added: ${cause} (${people.join(', ')}${count > people.length ? ', …' : ''})`);
  const reasons = causes.length ? `\n${causes.join('\n')}` : '';
  return `${head}${reasons}${result.failed ? `\nFailures are retried every 15 minutes; see \`/crosstalk group show ${name}\`.` : ''}`;
}

/** The group sync job definitions. */
export function groupSyncJobs(core: Core): JobDefinition<any>[] {
  const run: JobDefinition<GroupSyncJobData> = {
    name: GROUP_RUN_JOB,
    concurrency: 2,
    lockLifetimeMs: 30 * 60_000,
    handler: async (job) => {
      const data = job.attrs.data;
      const organizationId = new Types.ObjectId(data.organizationId);
      const sync = await GroupSyncModel.findOne({ organizationId, _id: data.groupSyncId }, { name: 1 }).lean();
      const result = await runGroupSync(core, organizationId, new Types.ObjectId(data.groupSyncId));
      if (sync) {
        await notifyRequester(core, data.notify, result ? summarizeRun(sync.name, result) : `Group sync ${sync.name} is off; nothing was run.`);
      }
    },
  };
  const undo: JobDefinition<GroupSyncJobData> = {
    name: GROUP_UNDO_JOB,
    concurrency: 2,
    lockLifetimeMs: 30 * 60_000,
    handler: async (job) => {
      const data = job.attrs.data;
      const organizationId = new Types.ObjectId(data.organizationId);
      const sync = await GroupSyncModel.findOne({ organizationId, _id: data.groupSyncId }, { name: 1 }).lean();
      const result = await undoGroupSync(
        core,
        organizationId,
        new Types.ObjectId(data.groupSyncId),
        data.actorPersonId ? new Types.ObjectId(data.actorPersonId) : undefined,
      );
      if (sync && result) {
        const errors = result.errors.length ? `\n${result.errors.map((e) => `⚠ ${e}`).join('\n')}\nRun \`/crosstalk group undo ${sync.name}\` again to retry.` : '';
        await notifyRequester(
          core,
          data.notify,
          `Group sync ${sync.name} undone: ${result.removed} removed, ${result.alreadyGone} had already left. The sync is off.${errors}`,
        );
      }
    },
  };
  const people: JobDefinition<GroupPeopleJobData> = {
    name: GROUP_PEOPLE_JOB,
    concurrency: 4,
    handler: async (job) => {
      const organizationId = new Types.ObjectId(job.attrs.data.organizationId);
      await syncPeopleIntoGroups(core, organizationId, job.attrs.data.personIds.map((id) => new Types.ObjectId(id)));
    },
  };
  const catchUp: JobDefinition<Record<string, never>> = {
    name: GROUP_CATCH_UP_JOB,
    every: '15 minutes',
    lockLifetimeMs: 30 * 60_000,
    handler: async () => {
      for (const org of await OrganizationModel.find({}, { _id: 1 }).lean()) await catchUpGroupSyncs(core, org._id);
    },
  };
  return [run, undo, people, catchUp];
}
