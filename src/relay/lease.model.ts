/**
 * Per-conversation delivery leases: one service instance at a time delivers a conversation, and
 * holds its lease across messages (renewed by a heartbeat, given back once the conversation has
 * been idle for a while), so the hot path pays for a lease only once per busy period.
 *
 * Only a unique key can decide a race here. The development database (FerretDB 1.24 on SQLite)
 * evaluates an update's filter and then writes without isolation, so two instances can both "win"
 * a conditional update (measured: 25 of 30 rounds of ten concurrent claims had several winners);
 * inserts of one `_id` always have exactly one winner. So a lease is a document whose `_id` is the
 * conversation id, inserted to take it and deleted to give it back. An expired lease (its holder
 * died or stalled) is taken over by whoever first inserts a marker naming that exact lease, so of
 * several instances noticing the same expiry only one replaces it. The collection holds only the
 * leases held right now, which keeps every lookup cheap on a database that scans.
 *
 * The heartbeat also records how far the holder has delivered (`delivered`, a sequence number), so
 * whoever takes over after a crash starts reading the outbox from there.
 */
import { Schema, model, type Types } from 'mongoose';

const leaseSchema = new Schema(
  {
    /** The conversation id, or `takeover:<conversation>:<expired until>:<slot>` for a takeover marker. */
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    until: { type: Date, required: true },
    organizationId: { type: Schema.Types.ObjectId },
    /** Every outbox record of the conversation up to this sequence number had its receipt (as last renewed). */
    delivered: { type: Number },
  },
  { versionKey: false, collection: 'relayleases' },
);

/** Leases currently held (and short-lived takeover markers). */
export const RelayLeaseModel = model('RelayLease', leaseSchema);

/** What a successful claim learned about the previous holder. */
export interface Claimed {
  /** The expired lease's `delivered` mark, when one was taken over. */
  delivered?: number;
  /** True when the lease was taken over from a holder that stopped renewing it. */
  takenOver?: boolean;
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

async function insert(id: string, owner: string, until: Date, organizationId?: Types.ObjectId): Promise<boolean> {
  try {
    await RelayLeaseModel.create({ _id: id, owner, until, ...(organizationId ? { organizationId } : {}) });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Takes the conversation's lease for `owner` for `ms`; undefined when another live holder has it. */
export async function claimLease(
  conversationId: Types.ObjectId,
  owner: string,
  ms: number,
  organizationId?: Types.ObjectId,
): Promise<Claimed | undefined> {
  const id = String(conversationId);
  const until = new Date(Date.now() + ms);
  if (await insert(id, owner, until, organizationId)) return {};
  const held = await RelayLeaseModel.findById(id).lean();
  if (!held) return (await insert(id, owner, until, organizationId)) ? {} : undefined;
  if (held.owner === owner) return (await renewLease(conversationId, owner, ms)) ? { delivered: held.delivered ?? undefined } : undefined;
  if (held.until.getTime() > Date.now()) return undefined;
  // The marker names the expired lease and a lease-long time slot: a taker that died holding a
  // marker blocks the takeover only until the next slot.
  const marker = `takeover:${id}:${held.until.getTime()}:${Math.floor(Date.now() / ms)}`;
  if (!(await insert(marker, owner, until))) return undefined;
  try {
    await RelayLeaseModel.deleteOne({ _id: id, owner: held.owner, until: held.until });
    return (await insert(id, owner, until, organizationId)) ? { delivered: held.delivered ?? undefined, takenOver: true } : undefined;
  } finally {
    await RelayLeaseModel.deleteOne({ _id: marker }).catch(() => {});
  }
}

/** Extends a lease `owner` holds (recording its delivered mark); false when it was lost. */
export async function renewLease(conversationId: Types.ObjectId, owner: string, ms: number, delivered?: number): Promise<boolean> {
  const result = await RelayLeaseModel.updateOne(
    { _id: String(conversationId), owner },
    { $set: { until: new Date(Date.now() + ms), ...(delivered !== undefined ? { delivered } : {}) } },
  );
  return result.matchedCount === 1;
}

/** Gives a lease back. */
export async function releaseLease(conversationId: Types.ObjectId, owner: string): Promise<void> {
  await RelayLeaseModel.deleteOne({ _id: String(conversationId), owner });
}

/** Leases whose holder stopped renewing them (died or stalled): the sweeper takes them over. */
export async function expiredLeases(): Promise<Array<{ conversationId: string; organizationId?: Types.ObjectId }>> {
  const rows = await RelayLeaseModel.find({ until: { $lt: new Date() } }, { _id: 1, organizationId: 1 }).lean();
  return rows.filter((r) => !r._id.startsWith('takeover:')).map((r) => ({ conversationId: r._id, organizationId: r.organizationId ?? undefined }));
}
