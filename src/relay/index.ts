/**
 * The cross-platform DM relay: its inbound handlers, its command verbs and its jobs, around one
 * delivery engine per running service.
 */
import type { HandleResult, InboundEvent, InboundKind } from '../chat-adapter.js';
import type { Core } from '../core/core.js';
import type { Feature, FeatureWiring } from '../core/feature.js';
import { InboundEventModel } from '../core/inbound-event.model.js';
import { dmVerb } from './dm-verb.js';
import { relayJobDefinitions } from './relay-jobs.js';
import { RelayEngine } from './delivery.js';
import { handleChange, handleDirectMessage, handleReaction, recordDirectMessage } from './router.js';

export { RelayEngine } from './delivery.js';
export { findLink, findLinks, type RelayLink } from './links.js';

/** Inbound events older than this and still unhandled were interrupted (e.g. a crash) and are run again. */
const UNHANDLED_AFTER_MS = 30_000;
const RELAY_KINDS: InboundKind[] = ['message', 'message_edited', 'message_deleted', 'reaction'];

type Handler = (event: InboundEvent) => Promise<HandleResult>;

/** The relay feature of one running service; `engine` is exposed for benchmarks and tests. */
export interface RelayFeature extends Feature {
  engine: RelayEngine;
}

/** True for a Zoom chatbot 1:1 chat (its conversation is the user's own JID, not a channel). */
function isZoomBotChat(event: InboundEvent): boolean {
  return event.platform === 'zoom' && !event.conversationId.includes('@conference.');
}

/** Runs relay events that were recorded but never handled (the process died in between). */
async function replayUnhandled(core: Core, handle: Handler | undefined, isCommand: (text: string) => boolean): Promise<number> {
  if (!handle) return 0;
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
    const isCommandText = event.kind === 'message' && isCommand(event.text);
    if (!isCommandText) {
      try {
        await handle(event);
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

/**
 * The relay: handlers for message, message_edited, message_deleted and reaction events, the `dm`
 * verb and the delivery jobs. A direct message that can be relayed is recorded straight in the
 * outbox before the platform is answered (its one durable append); everything else takes the
 * recorder's general path. Text typed in the bot's 1:1 chat that is a command goes to the command
 * registry. Zoom delivers everything typed in the chatbot's chat as a command event, so a Zoom
 * reply to a relayed message is recognized there too, before the command registry sees it.
 */
export function relayFeature(core: Core): RelayFeature {
  const engine = new RelayEngine(core);
  let handle: Handler | undefined;
  let isCommand: (text: string) => boolean = () => false;
  return {
    name: 'relay',
    engine,
    jobs: relayJobDefinitions(engine, () => replayUnhandled(core, handle, isCommand)),
    verbs: () => [dmVerb(engine)],
    wire({ inbound, commands }: FeatureWiring) {
      isCommand = (text: string) => commands.looksLikeCommand(text);
      const onMessage: Handler = async (event) => {
        if (event.kind !== 'message' || !event.isDirect) return {};
        return handleDirectMessage(engine, event, { isCommand, run: () => commands.handleText(event, event.text) });
      };
      const onChange: Handler = async (event) => {
        if (event.kind !== 'message_edited' && event.kind !== 'message_deleted') return {};
        return handleChange(engine, event);
      };
      const onReaction: Handler = async (event) => (event.kind === 'reaction' ? handleReaction(engine, event) : {});
      // The hot path: a relayable direct message is recorded in the outbox and answered at once.
      inbound.first('message', async (event) => {
        if (event.kind !== 'message' || !event.isDirect || isCommand(event.text)) return undefined;
        return recordDirectMessage(engine, event, isCommand);
      });
      inbound.on('message', onMessage);
      inbound.on('message_edited', onChange);
      inbound.on('message_deleted', onChange);
      inbound.on('reaction', onReaction);
      // Zoom's chatbot chat: text that is not a command may be a reply to a relayed message.
      inbound.before('command', async (event) => {
        if (event.kind !== 'command' || !isZoomBotChat(event) || isCommand(event.text)) return undefined;
        return handleDirectMessage(
          engine,
          { ...event, messageId: event.eventId },
          { isCommand, run: () => commands.handleText(event, event.text), unrouted: () => commands.handleText(event, event.text) },
        );
      });
      // Whatever a dead instance left (expired leases, handoffs) is taken over at start, not at the first sweep job.
      setTimeout(() => void engine.sweep().catch(() => {}), 500).unref();
      handle = (event) => (event.kind === 'message' ? onMessage(event) : event.kind === 'reaction' ? onReaction(event) : onChange(event));
    },
    stop: () => engine.stop(),
  };
}
