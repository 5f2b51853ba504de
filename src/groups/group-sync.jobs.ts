/**
 * Group sync jobs: a full run of one sync, undo of one sync, the reaction to new or changed
 * people (queued when the service's event bus reports people imported or changed), and the periodic catch-up.
 */
import { Types } from 'mongoose';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/runner.js';
import { GroupSyncModel } from './group-sync.model.js';
import { syncActionJob, syncSweepJob, type SyncJobData } from '../rule-sync/jobs.js';
import { causeLines, withLines } from '../rule-sync/summary.js';
import { catchUpGroupSyncs, runGroupSync, syncPeopleIntoGroups, undoGroupSync, type GroupRunResult, type UndoResult } from './group-sync.service.js';

export const GROUP_RUN_JOB = 'group.run';
export const GROUP_UNDO_JOB = 'group.undo';
export const GROUP_PEOPLE_JOB = 'group.people';
export const GROUP_CATCH_UP_JOB = 'group.catch-up';

/** Data of `group.run` and `group.undo`. */
export interface GroupSyncJobData extends SyncJobData {
  groupSyncId: string;
}

/** Data of `group.people`. */
export interface GroupPeopleJobData {
  organizationId: string;
  personIds: string[];
}

/** "3 added, 1 already there, 2 not added", then one line per cause: "⚠ 2 not added: channel_not_found (Ada, Sam)". */
export function summarizeRun(name: string, result: GroupRunResult): string {
  const head = `Group sync ${name}: ${result.added} added, ${result.alreadyMembers} already there, ${result.failed} not added.`;
  const retry = result.failed ? [`Failures are retried every 15 minutes; see \`/crosstalk group show ${name}\`.`] : [];
  return withLines(head, [...causeLines(result, 'not added'), ...retry]);
}

function summarizeUndo(name: string, result: UndoResult): string {
  const errors = result.errors.length ? [...result.errors.map((e) => `⚠ ${e}`), `Run \`/crosstalk group undo ${name}\` again to retry.`] : [];
  return withLines(`Group sync ${name} undone: ${result.removed} removed, ${result.alreadyGone} had already left. The sync is off.`, errors);
}

/** The group sync job definitions. */
export function groupSyncJobs(core: Core): JobDefinition<any>[] {
  const run = syncActionJob<GroupSyncJobData, GroupRunResult>(core, {
    name: GROUP_RUN_JOB,
    syncs: GroupSyncModel,
    syncId: (data) => data.groupSyncId,
    act: (organizationId, syncId) => runGroupSync(core, organizationId, syncId),
    report: (name, result) => (result ? summarizeRun(name, result) : `Group sync ${name} is off; nothing was run.`),
  });
  const undo = syncActionJob<GroupSyncJobData, UndoResult>(core, {
    name: GROUP_UNDO_JOB,
    syncs: GroupSyncModel,
    syncId: (data) => data.groupSyncId,
    act: (organizationId, syncId, data) => undoGroupSync(core, organizationId, syncId, data.actorPersonId ? new Types.ObjectId(data.actorPersonId) : undefined),
    report: (name, result) => (result ? summarizeUndo(name, result) : undefined),
  });
  const people: JobDefinition<GroupPeopleJobData> = {
    name: GROUP_PEOPLE_JOB,
    concurrency: 4,
    handler: async (job) => {
      const organizationId = new Types.ObjectId(job.attrs.data.organizationId);
      await syncPeopleIntoGroups(core, organizationId, job.attrs.data.personIds.map((id) => new Types.ObjectId(id)));
    },
  };
  const catchUp = syncSweepJob({
    name: GROUP_CATCH_UP_JOB,
    every: '15 minutes',
    lockLifetimeMs: 30 * 60_000,
    sweep: (organizationId) => catchUpGroupSyncs(core, organizationId),
  });
  return [run, undo, people, catchUp];
}
