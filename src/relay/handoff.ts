/**
 * Handoffs: a conversation whose outbox has records no lease holder may know of (recorded by an
 * instance that did not hold its lease, or left pending at shutdown). One small document per such
 * conversation; the sweeper delivers them, and whoever takes the lease and reads the outbox
 * removes the handoff first.
 */
import { Schema, model, type Types } from 'mongoose';
import { isDuplicateKey } from './outbox.js';

const handoffSchema = new Schema(
  {
    /** The conversation id. */
    _id: { type: String, required: true },
    organizationId: { type: Schema.Types.ObjectId, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'relayhandoffs' },
);

/** Conversations waiting for a lease holder to read their outbox. */
export const RelayHandoffModel = model('RelayHandoff', handoffSchema);

/** Marks a conversation for the sweeper (idempotent). */
export async function handOff(organizationId: Types.ObjectId, conversationId: Types.ObjectId): Promise<void> {
  try {
    await RelayHandoffModel.create({ _id: String(conversationId), organizationId, at: new Date() });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** Clears a conversation's handoff (its outbox is about to be read by the lease holder). */
export async function clearHandoff(conversationId: Types.ObjectId): Promise<void> {
  await RelayHandoffModel.deleteOne({ _id: String(conversationId) });
}

/** True when the conversation has a pending handoff. */
export async function hasHandoff(conversationId: Types.ObjectId): Promise<boolean> {
  return Boolean(await RelayHandoffModel.exists({ _id: String(conversationId) }));
}

/** Every pending handoff. */
export async function pendingHandoffs(): Promise<Array<{ conversationId: string; organizationId: Types.ObjectId }>> {
  const rows = await RelayHandoffModel.find({}, { organizationId: 1 }).lean();
  return rows.map((r) => ({ conversationId: r._id, organizationId: r.organizationId }));
}
