/** Contact groups and contact syncs. */
import type { CommandSpec } from '../commands/registry.js';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/registry.js';

/** Contact sync jobs. */
export function contactJobs(_core: Core): JobDefinition<any>[] {
  return [];
}

/** `contacts ...` and `contactsync ...` verbs. */
export const contactVerbs: CommandSpec[] = [];
