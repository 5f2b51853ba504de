/** Contact groups and contact syncs. */
import type { CommandSpec } from '../commands/registry.js';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/runner.js';
import { contactSyncJobs } from './contact-sync.jobs.js';
import { contactVerbs as verbs } from './contact-verbs.js';

/** Contact sync jobs. */
export function contactJobs(core: Core): JobDefinition<any>[] {
  return contactSyncJobs(core);
}

/** `contacts ...` and `contactsync ...` verbs. */
export const contactVerbs: CommandSpec[] = verbs;
