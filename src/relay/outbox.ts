/**
 * The relay's outbox: every relayed operation is written as a pending `MessageLink` with the
 * conversation's next sequence number before anything is sent. Recording is idempotent per
 * (source message, operation), so a handler run twice for one event records it once.
 */
import type { Types } from 'mongoose';
import { ConversationModel, MessageLinkModel } from '../models/index.js';
import type { MessageLink, MessageLinkDoc, RelayOp } from '../models/message-link.model.js';

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/** The unique key of the conversation between two people. */
export function conversationKey(a: Types.ObjectId, b: Types.ObjectId): string {
  return [String(a), String(b)].sort().join(':');
}

/** Finds or creates the pair's conversation and takes its next sequence number (a first try: see `recordOutbox`). */
export async function nextSequence(
  organizationId: Types.ObjectId,
  a: Types.ObjectId,
  b: Types.ObjectId,
): Promise<{ conversationId: Types.ObjectId; sequence: number }> {
  const key = conversationKey(a, b);
  for (let attempt = 0; ; attempt++) {
    try {
      const conv = await ConversationModel.findOneAndUpdate(
        { organizationId, key },
        { $inc: { sequence: 1 }, $setOnInsert: { personIds: [a, b] } },
        { upsert: true, returnDocument: 'after' },
      ).lean();
      return { conversationId: conv!._id, sequence: conv!.sequence };
    } catch (err) {
      // Two instances creating the same conversation at once: one insert wins, the other retries as an update.
      if (!isDuplicateKey(err) || attempt > 2) throw err;
    }
  }
}

/** What a new outbox entry says; the conversation and sequence are filled in here. */
export type OutboxEntry = Omit<MessageLink, 'conversationId' | 'sequence' | 'status' | 'attempts' | 'createdAt' | 'updatedAt' | 'copy'> & {
  op: RelayOp;
  opKey: string;
  copy?: Partial<NonNullable<MessageLink['copy']>>;
};

/** Sequence numbers tried before giving up when concurrent recorders keep taking the same one. */
const SEQUENCE_ATTEMPTS = 20;

/**
 * Records one operation for delivery; returns the existing entry when it was recorded before.
 *
 * The unique (conversation, sequence) index, not the counter, decides who gets a number: the
 * counter's `$inc` is not atomic on FerretDB 1.24 (concurrent increments return the same value),
 * so an insert that collides on the sequence takes the next number and tries again.
 */
export async function recordOutbox(
  entry: OutboxEntry,
  between: [Types.ObjectId, Types.ObjectId],
): Promise<{ link: MessageLinkDoc; created: boolean }> {
  const organizationId = entry.organizationId;
  const bySource = {
    organizationId,
    'source.workspaceId': entry.source.workspaceId,
    'source.messageId': entry.source.messageId,
    opKey: entry.opKey,
  };
  const existing = await MessageLinkModel.findOne(bySource);
  if (existing) return { link: existing, created: false };
  for (let attempt = 1; ; attempt++) {
    const { conversationId, sequence } = await nextSequence(organizationId, between[0], between[1]);
    try {
      const link = await MessageLinkModel.create({ ...entry, conversationId, sequence, status: 'pending', attempts: 0 });
      return { link, created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      const link = await MessageLinkModel.findOne(bySource);
      if (link) return { link, created: false };
      if (attempt >= SEQUENCE_ATTEMPTS) throw err;
    }
  }
}
