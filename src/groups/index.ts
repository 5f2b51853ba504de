/** Group syncs: rule-driven channel membership. */
import type { CommandSpec } from '../commands/registry.js';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/registry.js';

/** Group sync jobs. */
export function groupJobs(_core: Core): JobDefinition<any>[] {
  return [];
}

/** `group ...` verbs. */
export const groupVerbs: CommandSpec[] = [];

/** Reacts to people being imported or changed (adds them to matching syncs within seconds). */
export function registerGroupListeners(_core: Core): void {}
