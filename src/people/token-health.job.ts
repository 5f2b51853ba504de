import { OrganizationModel } from '../directory/organization.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import type { Core } from '../core/core.js';
import { checkAccountToken } from './token-health.js';
import type { JobDefinition } from '../jobs/runner.js';

export const TOKEN_HEALTH_JOB = 'token.health';

/** Every 6 hours: every stored user token is checked, refreshed or retired. */
export function tokenHealthJob(core: Core): JobDefinition<Record<string, never>> {
  return {
    name: TOKEN_HEALTH_JOB,
    every: '6 hours',
    lockLifetimeMs: 30 * 60_000,
    handler: async (job) => {
      const counts = { ok: 0, refreshed: 0, retired: 0, unknown: 0 };
      for (const org of await OrganizationModel.find({}, { _id: 1 }).lean()) {
        const cursor = PlatformAccountModel.find({ organizationId: org._id, userToken: { $exists: true } }).cursor();
        for await (const account of cursor) {
          counts[await checkAccountToken(core, account)] += 1;
          await job.touch();
        }
      }
      core.log.info(counts, 'user tokens checked');
    },
  };
}
