/** Contact sync jobs: one sync now (create with run=now, `contactsync run`), and each organization's daily run. */
import { Types } from 'mongoose';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/runner.js';
import { ContactSyncModel } from './contact.model.js';
import { notifyRequester, type NotifyTarget } from '../directory/notify.js';
import { CONTACT_DAILY_JOB, runContactSync, type ContactRunResult } from './contact-sync.service.js';

export const CONTACT_RUN_JOB = 'contactsync.run';

/** Data of `contactsync.run`. */
export interface ContactRunJobData {
  organizationId: string;
  contactSyncId: string;
  notify?: NotifyTarget;
}

function summary(name: string, r: ContactRunResult): string {
  const problems = r.problems.length ? `\n${r.problems.slice(0, 5).map((p) => `⚠ ${p}`).join('\n')}` : '';
  return `Contact sync ${name}: ${r.contacts} contacts now reach ${r.destinations} people (${r.joined} joined, ${r.left} left).${problems}`;
}

/** The contact sync job definitions. */
export function contactSyncJobs(core: Core): JobDefinition<any>[] {
  const run: JobDefinition<ContactRunJobData> = {
    name: CONTACT_RUN_JOB,
    concurrency: 2,
    lockLifetimeMs: 30 * 60_000,
    handler: async (job) => {
      const data = job.attrs.data;
      const organizationId = new Types.ObjectId(data.organizationId);
      const sync = await ContactSyncModel.findOne({ organizationId, _id: data.contactSyncId }, { name: 1 }).lean();
      if (!sync) return;
      try {
        const result = await runContactSync(core, organizationId, sync._id);
        if (result) await notifyRequester(core, data.notify, summary(sync.name, result));
      } catch (err) {
        await notifyRequester(core, data.notify, `Contact sync ${sync.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        throw err;
      }
    },
  };
  const daily: JobDefinition<{ organizationId: string }> = {
    name: CONTACT_DAILY_JOB,
    lockLifetimeMs: 60 * 60_000,
    handler: async (job, { log }) => {
      const organizationId = new Types.ObjectId(job.attrs.data.organizationId);
      for (const sync of await ContactSyncModel.find({ organizationId }, { _id: 1, name: 1 }).lean()) {
        try {
          await runContactSync(core, organizationId, sync._id);
        } catch (err) {
          log.warn({ err, contactSync: sync.name }, 'daily contact sync failed');
        }
      }
    },
  };
  return [run, daily];
}
