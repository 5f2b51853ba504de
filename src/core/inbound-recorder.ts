/**
 * The core's `InboundSink`: records every verified inbound event durably (the adapter acknowledges
 * only after this resolves), recognizes platform retries and duplicate deliveries by their unique
 * (platform, eventId), and dispatches new events to the handler registered for their kind. A
 * "first" handler may take an event before that (the relay's hot path records a relayable DM in
 * its own outbox, keyed by the source message, and nothing else).
 */
import type { HandleResult, InboundEvent, InboundKind, InboundSink } from '../chat-adapter.js';
import type { Logger } from '../log.js';
import { InboundEventModel } from './inbound-event.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import { inboundEventsTotal } from '../http/metrics.js';

/** Handles one kind of new inbound event. */
export type InboundHandler = (event: InboundEvent) => Promise<HandleResult>;

/**
 * Tried before the general path: returns a result when it recorded the event durably itself (e.g.
 * the relay's outbox append, which carries the event's unique key), or undefined to let the
 * general path record and handle it.
 */
export type FirstHandler = (event: InboundEvent) => Promise<HandleResult | undefined>;

/**
 * Tried after the event is recorded and before the kind's handler: returns a result to take the
 * event, or undefined to pass it on (the relay takes replies typed in Zoom's chatbot chat before
 * the command registry sees them).
 */
export type BeforeHandler = (event: InboundEvent) => Promise<HandleResult | undefined>;

/**
 * The recorder plus its handler registry. Each kind has at most one handler of each sort:
 * registering a second one throws, so two features can never silently replace each other.
 */
export interface InboundRecorder extends InboundSink {
  on(kind: InboundKind, handler: InboundHandler): void;
  first(kind: InboundKind, handler: FirstHandler): void;
  before(kind: InboundKind, handler: BeforeHandler): void;
}

/** A second handler of the same sort for the same event kind. */
export class DuplicateHandlerError extends Error {
  override name = 'DuplicateHandlerError';
}

function register<H>(map: Map<InboundKind, H>, sort: string, kind: InboundKind, handler: H): void {
  if (map.has(kind)) throw new DuplicateHandlerError(`a ${sort} handler for '${kind}' events is already registered`);
  map.set(kind, handler);
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/** Creates the sink the composition root hands to every adapter. */
export function createInboundRecorder(log: Logger): InboundRecorder {
  const handlers = new Map<InboundKind, InboundHandler>();
  const firsts = new Map<InboundKind, FirstHandler>();
  const befores = new Map<InboundKind, BeforeHandler>();
  return {
    on(kind, handler) {
      register(handlers, 'main', kind, handler);
    },
    first(kind, handler) {
      register(firsts, 'first', kind, handler);
    },
    before(kind, handler) {
      register(befores, 'before', kind, handler);
    },
    async handle(event) {
      const first = firsts.get(event.kind);
      if (first) {
        try {
          const result = await first(event);
          if (result) {
            inboundEventsTotal.inc({ platform: event.platform, kind: event.kind, result: 'processed' });
            return result;
          }
        } catch (err) {
          log.warn({ err: err instanceof Error ? err.message : String(err), platform: event.platform, kind: event.kind }, 'inbound fast path failed; taking the general path');
        }
      }
      const ws = await WorkspaceModel.findOne({ platform: event.platform, externalId: event.workspaceId })
        .setOptions({ crossOrganization: true })
        .select({ organizationId: 1 })
        .lean();
      let record;
      try {
        record = await InboundEventModel.create({
          platform: event.platform,
          eventId: event.eventId,
          workspaceExternalId: event.workspaceId,
          organizationId: ws?.organizationId,
          kind: event.kind,
          event,
        });
      } catch (err) {
        if (isDuplicateKey(err)) {
          inboundEventsTotal.inc({ platform: event.platform, kind: event.kind, result: 'duplicate' });
          log.info({ platform: event.platform, eventId: event.eventId }, 'duplicate inbound event ignored');
          return {};
        }
        throw err;
      }
      const before = befores.get(event.kind);
      const main = handlers.get(event.kind);
      if (!before && !main) {
        await InboundEventModel.updateOne({ _id: record._id }, { $set: { status: 'ignored' } });
        inboundEventsTotal.inc({ platform: event.platform, kind: event.kind, result: 'ignored' });
        return {};
      }
      try {
        const result = (await before?.(event)) ?? (await main?.(event)) ?? {};
        await InboundEventModel.updateOne({ _id: record._id }, { $set: { status: 'processed' } });
        inboundEventsTotal.inc({ platform: event.platform, kind: event.kind, result: 'processed' });
        return result;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await InboundEventModel.updateOne({ _id: record._id }, { $set: { status: 'failed', error: message } });
        inboundEventsTotal.inc({ platform: event.platform, kind: event.kind, result: 'failed' });
        log.error({ err, platform: event.platform, kind: event.kind }, 'inbound event handler failed');
        return { reply: { text: 'Sorry, something went wrong handling that. It has been logged; please try again in a moment.' } };
      }
    },
  };
}
