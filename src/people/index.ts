/**
 * People: directory imports, the Sync now prompt and flow, token health, and the verbs everyone
 * and admins use about people (`help`, `status`, `sync`, `people …`, `prompt …`, `directory …`).
 */
import type { Core } from '../core/core.js';
import type { Feature } from '../core/feature.js';
import { directorySyncJobs } from './directory-sync.job.js';
import { directoryVerbs } from './directory-verbs.js';
import { generalVerbs } from './general-verbs.js';
import { peopleVerbs } from './people-verbs.js';
import { promptBulkJob } from './prompt-bulk.job.js';
import { syncRoutes, type OAuthReturnHandler } from './sync-routes.js';
import { tokenHealthJob } from './token-health.job.js';

/** The people feature; `otherReturns` are OAuth flows sharing its return address (the admin sign-in). */
export function peopleFeature(core: Core, options: { otherReturns?: OAuthReturnHandler[] } = {}): Feature {
  return {
    name: 'people',
    jobs: [...directorySyncJobs(core), promptBulkJob(core), tokenHealthJob(core)],
    verbs: (commands) => [...generalVerbs(commands), ...peopleVerbs, ...directoryVerbs],
    routes: () => syncRoutes(core, { otherReturns: options.otherReturns }),
  };
}
