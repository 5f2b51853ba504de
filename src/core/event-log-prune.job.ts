import { EventModel } from './event.model.js';
import { OrganizationModel } from '../directory/organization.model.js';
import type { JobDefinition } from '../jobs/runner.js';

/** How long event log entries are kept. */
export const EVENT_LOG_RETENTION_DAYS = 180;

/** Daily: removes event log entries older than the retention period, organization by organization. */
export const eventLogPruneJob: JobDefinition<{ retentionDays?: number }> = {
  name: 'event-log.prune',
  every: '1 day',
  handler: async (job, { log }) => {
    const days = job.attrs.data?.retentionDays ?? EVENT_LOG_RETENTION_DAYS;
    const cutoff = new Date(Date.now() - days * 86_400_000);
    let removed = 0;
    for (const org of await OrganizationModel.find({}, { _id: 1 }).lean()) {
      const result = await EventModel.deleteMany({ organizationId: org._id, at: { $lt: cutoff } });
      removed += result.deletedCount;
    }
    log.info({ removed, cutoff }, 'event log pruned');
  },
};
