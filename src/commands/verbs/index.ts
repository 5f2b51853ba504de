import type { CommandRegistry } from '../registry.js';
import { generalVerbs } from './general.js';
import { peopleVerbs } from './people.js';
import { directoryVerbs } from './directory.js';

/** Registers every verb, in the order `help` lists them. */
export function registerVerbs(registry: CommandRegistry): CommandRegistry {
  return registry.register(...generalVerbs(registry), ...peopleVerbs, ...directoryVerbs);
}
