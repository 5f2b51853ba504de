/**
 * The cross-platform DM relay: its inbound handlers, its command verbs and its jobs.
 */
import type { HandleResult, InboundEvent, InboundKind } from '../chat-adapter.js';
import type { CommandRegistry, CommandSpec } from '../commands/registry.js';
import type { Core } from '../core/core.js';
import type { JobDefinition } from '../jobs/runner.js';
import { InboundEventModel } from '../core/inbound-event.model.js';
import type { InboundRecorder } from '../core/inbound-recorder.js';
import { dmVerb } from './dm-verb.js';
import { relayJobDefinitions } from './relay-jobs.js';
import { relayEngine } from './delivery.js';
import { handleChange, handleDirectMessage, handleReaction, recordDirectMessage } from './router.js';

export { relayEngine, stopRelay } from './delivery.js';
export { findLink, findLinks, type RelayLink } from './links.js';

/** Inbound events older than this and still unhandled were interrupted (e.g. a crash) and are run again. */
const UNHANDLED_AFTER_MS = 30_000;
const RELAY_KINDS: InboundKind[] = ['message', 'message_edited', 'message_deleted', 'reaction'];

type Handler = (event: InboundEvent) => Promise<HandleResult>;
const handlersByCore = new WeakMap<Core, { handle: Handler; isCommand: (text: string) => boolean }>();

/** Runs relay events that were recorded but never handled (the process died in between). */
async function replayUnhandled(core: Core): Promise<number> {
  const registered = handlersByCore.get(core);
  if (!registered) return 0;
  const stale = await InboundEventModel.find({
    status: 'received',
    kind: { $in: RELAY_KINDS },
    createdAt: { $lt: new Date(Date.now() - UNHANDLED_AFTER_MS) },
  })
    .sort({ createdAt: 1 })
    .limit(100)
    .lean();
  for (const record of stale) {
    const event = record.event as InboundEvent;
    const isCommandText = event.kind === 'message' && registered.isCommand(event.text);
    if (!isCommandText) {
      try {
        await registered.handle(event);
      } catch (err) {
        core.log.warn({ err, eventId: event.eventId }, 'relay: replay of an unhandled event failed');
        await InboundEventModel.updateOne({ _id: record._id }, { $set: { status: 'failed', error: String(err) } });
        continue;
      }
    }
    await InboundEventModel.updateOne({ _id: record._id, status: 'received' }, { $set: { status: 'processed' } });
  }
  return stale.length;
}

/** Relay jobs (delivery retries, the sweeper). */
export function relayJobs(core: Core): JobDefinition<any>[] {
  return relayJobDefinitions(core, () => replayUnhandled(core));
}

/** Relay verbs (`dm`). */
export const relayVerbs: CommandSpec[] = [dmVerb];

/** True for a Zoom chatbot 1:1 chat (its conversation is the user's own JID, not a channel). */
function isZoomBotChat(event: InboundEvent): boolean {
  return event.platform === 'zoom' && !event.conversationId.includes('@conference.');
}

/**
 * Registers the relay's handlers for message, message_edited, message_deleted and reaction
 * events. A direct message that can be relayed is recorded straight in the outbox before the
 * platform is answered (its one durable append); everything else takes the recorder's general path. Text typed in the bot's 1:1 chat that is a command goes to `commands`. Zoom delivers
 * everything typed in the chatbot's chat as a command event, so a Zoom reply to a relayed
 * message is recognized there too.
 */
export function registerRelay(core: Core, inbound: InboundRecorder, commands: CommandRegistry): void {
  const isCommand = (text: string) => commands.looksLikeCommand(text);
  const onMessage: Handler = async (event) => {
    if (event.kind !== 'message' || !event.isDirect) return {};
    return handleDirectMessage(core, event, { isCommand, run: () => commands.handleText(event, event.text) });
  };
  const onChange: Handler = async (event) => {
    if (event.kind !== 'message_edited' && event.kind !== 'message_deleted') return {};
    return handleChange(core, event);
  };
  const onReaction: Handler = async (event) => (event.kind === 'reaction' ? handleReaction(core, event) : {});
  // The hot path: a relayable direct message is recorded in the outbox and answered at once.
  inbound.first('message', async (event) => {
    if (event.kind !== 'message' || !event.isDirect || isCommand(event.text)) return undefined;
    return recordDirectMessage(core, event, isCommand);
  });
  inbound.on('message', onMessage);
  inbound.on('message_edited', onChange);
  inbound.on('message_deleted', onChange);
  inbound.on('reaction', onReaction);
  inbound.on('command', async (event) => {
    if (event.kind !== 'command') return {};
    if (!isZoomBotChat(event) || isCommand(event.text)) return commands.handleText(event, event.text);
    return handleDirectMessage(
      core,
      { ...event, messageId: event.eventId },
      { isCommand, run: () => commands.handleText(event, event.text), unrouted: () => commands.handleText(event, event.text) },
    );
  });
  // Whatever a dead instance left (expired leases, handoffs) is taken over at start, not at the first sweep job.
  setTimeout(() => void relayEngine(core).sweep().catch(() => {}), 500).unref();
  handlersByCore.set(core, {
    isCommand,
    handle: (event) => (event.kind === 'message' ? onMessage(event) : event.kind === 'reaction' ? onReaction(event) : onChange(event)),
  });
}
