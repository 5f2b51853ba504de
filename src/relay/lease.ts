/**
 * Per-conversation delivery leases: one service instance at a time delivers a conversation.
 *
 * Only a unique key can decide a race here. The development database (FerretDB 1.24 on SQLite)
 * evaluates an update's filter and then writes without isolation, so two instances can both "win"
 * a conditional update (measured: 25 of 30 rounds of ten concurrent claims had several winners);
 * inserts of one `_id` always have exactly one winner. So a lease is a document whose `_id` is the
 * conversation id, inserted to take it and deleted to give it back. An expired lease (its holder
 * died or stalled) is taken over by whoever first inserts a marker naming that exact lease, so of
 * several instances noticing the same expiry only one replaces it. The collection holds only the
 * leases held right now, which keeps every lookup cheap on a database that scans.
 */
import { Schema, model, type Types } from 'mongoose';

const leaseSchema = new Schema(
  {
    /** The conversation id, or `takeover:<conversation>:<expired until>:<slot>` for a takeover marker. */
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { versionKey: false, collection: 'relayleases' },
);

/** Leases currently held (and short-lived takeover markers). */
export const RelayLeaseModel = model('RelayLease', leaseSchema);

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

async function insert(id: string, owner: string, until: Date): Promise<boolean> {
  try {
    await RelayLeaseModel.create({ _id: id, owner, until });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Takes the conversation's lease for `owner` for `ms`; false when another live holder has it. */
export async function claimLease(conversationId: Types.ObjectId, owner: string, ms: number): Promise<boolean> {
  const id = String(conversationId);
  const until = new Date(Date.now() + ms);
  if (await insert(id, owner, until)) return true;
  const held = await RelayLeaseModel.findById(id).lean();
  if (!held) return insert(id, owner, until);
  if (held.owner === owner) return renewLease(conversationId, owner, ms);
  if (held.until.getTime() > Date.now()) return false;
  // The marker names the expired lease and a lease-long time slot: a taker that died holding a
  // marker blocks the takeover only until the next slot.
  const marker = `takeover:${id}:${held.until.getTime()}:${Math.floor(Date.now() / ms)}`;
  if (!(await insert(marker, owner, until))) return false;
  try {
    await RelayLeaseModel.deleteOne({ _id: id, owner: held.owner, until: held.until });
    return await insert(id, owner, until);
  } finally {
    await RelayLeaseModel.deleteOne({ _id: marker }).catch(() => {});
  }
}

/** Extends a lease `owner` holds; false when it was lost (taken over after it expired). */
export async function renewLease(conversationId: Types.ObjectId, owner: string, ms: number): Promise<boolean> {
  const result = await RelayLeaseModel.updateOne({ _id: String(conversationId), owner }, { $set: { until: new Date(Date.now() + ms) } });
  return result.matchedCount === 1;
}

/** Gives a lease back. */
export async function releaseLease(conversationId: Types.ObjectId, owner: string): Promise<void> {
  await RelayLeaseModel.deleteOne({ _id: String(conversationId), owner });
}
