/**
 * The relay's outbox records and conversations. A record is appended once per relayed operation,
 * with the conversation's next sequence number, before the platform is answered; its unique
 * source key (source message + operation) makes a second recording of the same event a no-op.
 * Sequence numbers come from memory while this instance holds the conversation's lease (see
 * delivery.ts); without the lease they are read from the outbox, and the unique (conversation,
 * sequence) index decides any race.
 */
import { Types } from 'mongoose';
import type { DirectoryCache, CachedConversation } from '../directory/cache.js';
import { ConversationModel } from '../directory/conversation.model.js';
import { MessageLinkModel } from './message-link.model.js';
import type { MessageLink, RelayOp } from './message-link.model.js';

/** True for a duplicate-key error (code 11000) from mongoose, the driver or a batched insert. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

/** The unique key of the conversation between two people. */
export function conversationKey(a: Types.ObjectId, b: Types.ObjectId): string {
  return [String(a), String(b)].sort().join(':');
}

/** Finds (from the cache) or creates the conversation of a pair of people. */
export async function ensureConversation(
  cache: DirectoryCache,
  organizationId: Types.ObjectId,
  a: Types.ObjectId,
  b: Types.ObjectId,
): Promise<CachedConversation> {
  const key = conversationKey(a, b);
  const known = await cache.conversation(organizationId, key);
  if (known) return known;
  try {
    const created = await ConversationModel.create({ organizationId, key, personIds: [a, b] });
    return created.toObject() as CachedConversation;
  } catch (err) {
    // Two instances creating the same conversation at once: the unique key lets one insert win.
    if (!isDuplicateKey(err)) throw err;
    const existing = await ConversationModel.findOne({ organizationId, key }).lean();
    if (!existing) throw err;
    return existing as CachedConversation;
  }
}

/** What a new outbox entry says; the conversation and sequence are filled in when it is recorded. */
export type OutboxEntry = Omit<MessageLink, 'conversationId' | 'sequence' | 'createdAt'> & {
  op: RelayOp;
  opKey: string;
};

/** The outbox document for `entry`, complete for a raw insert (undefined fields left out). */
export function outboxDocument(entry: OutboxEntry, conversationId: Types.ObjectId, sequence: number): Record<string, unknown> {
  const doc: Record<string, unknown> = { _id: new Types.ObjectId(), ...entry, conversationId, sequence, createdAt: new Date() };
  for (const [k, v] of Object.entries(doc)) if (v === undefined) delete doc[k];
  return doc;
}

/** The next sequence number as the outbox says, for an instance that does not hold the lease. */
export async function sequenceFromOutbox(organizationId: Types.ObjectId, conversationId: Types.ObjectId): Promise<number> {
  const last = await MessageLinkModel.findOne({ organizationId, conversationId }, { sequence: 1 }).sort({ sequence: -1 }).lean();
  return (last?.sequence ?? 0) + 1;
}
