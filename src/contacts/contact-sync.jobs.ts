/** Contact sync jobs: one sync now (create with run=now, `contactsync run`), and each organization's daily run. */
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/runner.js';
import { ContactSyncModel } from './contact.model.js';
import { syncActionJob, syncSweepJob, type SyncJobData } from '../rule-sync/jobs.js';
import { CONTACT_DAILY_JOB, runContactSync, summarizeContactRun, type ContactRunResult } from './contact-sync.service.js';

export const CONTACT_RUN_JOB = 'contactsync.run';

/** Data of `contactsync.run`. */
export interface ContactRunJobData extends SyncJobData {
  contactSyncId: string;
}

/** The contact sync job definitions. */
export function contactSyncJobs(core: Core): JobDefinition<any>[] {
  const run = syncActionJob<ContactRunJobData, ContactRunResult>(core, {
    name: CONTACT_RUN_JOB,
    syncs: ContactSyncModel,
    syncId: (data) => data.contactSyncId,
    act: (organizationId, syncId) => runContactSync(core, organizationId, syncId),
    report: (name, result) => (result ? summarizeContactRun(name, result) : undefined),
    failed: (name, err) => `Contact sync ${name} failed: ${err instanceof Error ? err.message : String(err)}`,
  });
  // Scheduled per organization (its own hour) by `ensureDailySchedule`; one failing sync does not stop the others.
  const daily = syncSweepJob({
    name: CONTACT_DAILY_JOB,
    lockLifetimeMs: 60 * 60_000,
    sweep: async (organizationId, log) => {
      for (const sync of await ContactSyncModel.find({ organizationId }, { _id: 1, name: 1 }).lean()) {
        try {
          await runContactSync(core, organizationId, sync._id);
        } catch (err) {
          log.warn({ err, contactSync: sync.name }, 'daily contact sync failed');
        }
      }
    },
  });
  return [run, daily];
}
