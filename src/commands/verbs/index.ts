import type { CommandRegistry } from '../registry.js';
import { generalVerbs } from '../../people/general-verbs.js';
import { peopleVerbs } from '../../people/people-verbs.js';
import { directoryVerbs } from '../../people/directory-verbs.js';
import { relayVerbs } from '../../relay/index.js';
import { groupVerbs } from '../../groups/index.js';
import { contactVerbs } from '../../contacts/index.js';

/** Registers every verb, in the order `help` lists them. */
export function registerVerbs(registry: CommandRegistry): CommandRegistry {
  return registry.register(...generalVerbs(registry), ...relayVerbs, ...contactVerbs, ...peopleVerbs, ...directoryVerbs, ...groupVerbs);
}
