/** Group syncs: rule-driven channel membership. */
import type { Core } from '../core/core.js';
import type { PeopleImported } from '../core/events.js';
import type { Feature } from '../core/feature.js';
import { GroupSyncModel } from './group-sync.model.js';
import { GROUP_PEOPLE_JOB, groupSyncJobs, type GroupPeopleJobData } from './group-sync.jobs.js';
import { groupVerbs } from './group-verbs.js';

/** Queues the people job when there is an enabled sync to add them to; failures are caught by the periodic job. */
async function queuePeople(core: Core, event: PeopleImported): Promise<void> {
  if (event.personIds.length === 0) return;
  try {
    if (!(await GroupSyncModel.exists({ organizationId: event.organizationId, enabled: true }))) return;
    const data: GroupPeopleJobData = { organizationId: String(event.organizationId), personIds: event.personIds.map(String) };
    await core.agenda.now(GROUP_PEOPLE_JOB, data);
  } catch (err) {
    core.log.warn({ err }, 'could not queue group syncs for new or changed people');
  }
}

/** `group …` verbs, the group sync jobs, and the reaction to new or changed people (within seconds). */
export function groupsFeature(core: Core): Feature {
  return {
    name: 'groups',
    jobs: groupSyncJobs(core),
    verbs: () => groupVerbs,
    wire() {
      const listener = (event: PeopleImported) => void queuePeople(core, event);
      core.events.on('people.imported', listener);
      core.events.on('people.changed', listener);
    },
  };
}
