/**
 * The cross-platform DM relay: its inbound handlers, its command verbs and its jobs.
 */
import type { CommandRegistry, CommandSpec } from '../commands/registry.js';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/registry.js';
import type { InboundRecorder } from '../services/inbound-recorder.js';

/** Relay jobs (delivery retries). */
export function relayJobs(_core: Core): JobDefinition<any>[] {
  return [];
}

/** Relay verbs (`dm`). */
export const relayVerbs: CommandSpec[] = [];

/**
 * Registers the relay's handlers for message, message_edited, message_deleted and reaction
 * events. Text typed in the bot's 1:1 chat that is a command goes to `commands`.
 */
export function registerRelay(_core: Core, inbound: InboundRecorder, commands: CommandRegistry): void {
  inbound.on('message', async (event) => {
    if (event.kind !== 'message' || !event.isDirect) return {};
    return commands.handleText(event, event.text);
  });
}
