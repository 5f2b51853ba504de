import type { CommandRegistry } from '../registry.js';
import { generalVerbs } from './general.js';
import { peopleVerbs } from './people.js';
import { directoryVerbs } from './directory.js';
import { relayVerbs } from '../../relay/index.js';
import { groupVerbs } from '../../groups/index.js';
import { contactVerbs } from '../../contacts/index.js';

/** Registers every verb, in the order `help` lists them. */
export function registerVerbs(registry: CommandRegistry): CommandRegistry {
  return registry.register(...generalVerbs(registry), ...relayVerbs, ...contactVerbs, ...peopleVerbs, ...directoryVerbs, ...groupVerbs);
}
