/**
 * The job shapes every rule sync has: an action on one sync asked for by someone (run, undo) whose
 * outcome is posted back in the requester's chat with the bot, and a sweep over every sync of an
 * organization (catch-up, daily run) that no one waits for.
 */
import { Types, type Model } from 'mongoose';
import type { Core } from '../core/core.js';
import type { JobContext, JobDefinition } from '../jobs/runner.js';
import type { Logger } from '../log.js';
import { OrganizationModel } from '../directory/organization.model.js';
import { notifyRequester, type NotifyTarget } from '../directory/notify.js';

/** What every action job carries besides the sync's id. */
export interface SyncJobData {
  organizationId: string;
  /** Where to post the outcome (the requester's chat with the bot). */
  notify?: NotifyTarget;
  actorPersonId?: string;
}

/** One action on one sync, with its wording. */
export interface SyncAction<DATA extends SyncJobData, RESULT> {
  name: string;
  /** The syncs' model: the sync's name is read from it before acting. */
  syncs: Model<any>;
  /** The sync's id in the job data (queued jobs keep their field names). */
  syncId(data: DATA): string;
  /** Carries the action out; undefined when there was nothing to do. */
  act(organizationId: Types.ObjectId, syncId: Types.ObjectId, data: DATA): Promise<RESULT | undefined>;
  /** What the requester is told; undefined tells nothing. */
  report(syncName: string, result: RESULT | undefined): string | undefined;
  /** What the requester is told when the action throws (the job then fails); without it, nothing. */
  failed?(syncName: string, err: unknown): string;
  concurrency?: number;
  lockLifetimeMs?: number;
}

/** A job running one action on one sync and posting its outcome to whoever asked; a sync deleted meanwhile is skipped. */
export function syncActionJob<DATA extends SyncJobData, RESULT>(core: Core, action: SyncAction<DATA, RESULT>): JobDefinition<DATA> {
  return {
    name: action.name,
    concurrency: action.concurrency ?? 2,
    lockLifetimeMs: action.lockLifetimeMs ?? 30 * 60_000,
    handler: async (job) => {
      const data = job.attrs.data;
      const organizationId = new Types.ObjectId(data.organizationId);
      const sync = await action.syncs.findOne({ organizationId, _id: action.syncId(data) }, { name: 1 }).lean<{ _id: Types.ObjectId; name: string }>();
      if (!sync) return;
      let result: RESULT | undefined;
      try {
        result = await action.act(organizationId, sync._id, data);
      } catch (err) {
        if (action.failed) await notifyRequester(core, data.notify, action.failed(sync.name, err));
        throw err;
      }
      const text = action.report(sync.name, result);
      if (text) await notifyRequester(core, data.notify, text);
    },
  };
}

/** A periodic pass over the syncs of one organization (named in the job data) or, without one, of every organization. */
export interface SyncSweep {
  name: string;
  /** Registered at start for every organization at once (human interval or cron); per-organization schedules are saved by the feature. */
  every?: string;
  lockLifetimeMs: number;
  sweep(organizationId: Types.ObjectId, log: Logger): Promise<void>;
}

/** The job for a sweep. */
export function syncSweepJob(sweep: SyncSweep): JobDefinition<{ organizationId?: string } | undefined> {
  return {
    name: sweep.name,
    every: sweep.every,
    lockLifetimeMs: sweep.lockLifetimeMs,
    handler: async (job, { log }: JobContext) => {
      const one = job.attrs.data?.organizationId;
      const organizations = one ? [new Types.ObjectId(one)] : (await OrganizationModel.find({}, { _id: 1 }).lean()).map((o) => o._id);
      for (const organizationId of organizations) await sweep.sweep(organizationId, log);
    },
  };
}
