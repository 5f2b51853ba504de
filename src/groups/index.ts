/** Group syncs: rule-driven channel membership. */
import type { CommandSpec } from '../commands/registry.js';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/runner.js';
import { GroupSyncModel } from './group-sync.model.js';
import { peopleEvents, type PeopleImported } from '../people/people-events.js';
import { GROUP_PEOPLE_JOB, groupSyncJobs, type GroupPeopleJobData } from './group-sync.jobs.js';
import { groupVerbs as verbs } from './group-verbs.js';

/** Group sync jobs. */
export function groupJobs(core: Core): JobDefinition<any>[] {
  return groupSyncJobs(core);
}

/** `group ...` verbs. */
export const groupVerbs: CommandSpec[] = verbs;

/** Queues the people job when there is an enabled sync to add them to; failures are caught by the periodic job. */
async function queuePeople(core: Core, event: PeopleImported): Promise<void> {
  if (event.personIds.length === 0) return;
  // A stopped service (tests start several in one process) must not react any more.
  if (!core.agenda?.isActiveJobProcessor()) return;
  try {
    if (!(await GroupSyncModel.exists({ organizationId: event.organizationId, enabled: true }))) return;
    const data: GroupPeopleJobData = { organizationId: String(event.organizationId), personIds: event.personIds.map(String) };
    await core.agenda.now(GROUP_PEOPLE_JOB, data);
  } catch (err) {
    core.log.warn({ err }, 'could not queue group syncs for new or changed people');
  }
}

/** Reacts to people being imported or changed (adds them to matching syncs within seconds). */
export function registerGroupListeners(core: Core): void {
  const listener = (event: PeopleImported) => void queuePeople(core, event);
  peopleEvents.on('imported', listener);
  peopleEvents.on('changed', listener);
}
