/**
 * What the core does with each kind of inbound event. Commands (slash commands, and the command
 * words typed in the bot's 1:1 chat) go to the command language; buttons go to whoever issued them.
 */
import type { InboundEvent } from '../chat-adapter.js';
import { CANCEL_ACTION, CONFIRM_ACTION, CommandRegistry } from '../commands/registry.js';
import { registerVerbs } from '../commands/verbs/index.js';
import type { InboundRecorder } from './inbound-recorder.js';
import type { Core } from './core.js';
import { registerRelay } from '../relay/index.js';
import { registerGroupListeners } from '../groups/index.js';

/** Registers the core's inbound handlers on the recorder. */
export function registerCoreHandlers(core: Core, inbound: InboundRecorder): CommandRegistry {
  const commands = registerVerbs(new CommandRegistry(core));
  inbound.on('command', (event) => commands.handleText(event, (event as Extract<InboundEvent, { kind: 'command' }>).text));
  registerRelay(core, inbound, commands);
  registerGroupListeners(core);
  inbound.on('action', async (event) => {
    const action = event as Extract<InboundEvent, { kind: 'action' }>;
    if (action.actionId === CONFIRM_ACTION || action.actionId === CANCEL_ACTION) return commands.handleAction(action);
    return {};
  });
  return commands;
}
