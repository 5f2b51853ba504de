/** Contact groups and contact syncs. */
import type { Core } from '../core/core.js';
import type { Feature } from '../core/feature.js';
import { contactSyncJobs } from './contact-sync.jobs.js';
import { contactVerbs } from './contact-verbs.js';

/** `contacts …` and `contactsync …` verbs and the contact sync jobs. */
export function contactsFeature(core: Core): Feature {
  return { name: 'contacts', jobs: contactSyncJobs(core), verbs: () => contactVerbs };
}
