/**
 * The bookkeeping of whom a group sync added, on the rule sync records (`rule-sync/records.ts`):
 * every add is an insert of its own record under the unique (sync, person) key before the platform
 * call, outcomes are set on that record by its id, and records are replaced by delete-by-id +
 * insert. Nothing depends on a conditional update or an upsert being atomic.
 */
import { Types } from 'mongoose';
import { bulkWriteChunked } from '../db/bulk.js';
import { claimRemovals, deleteByIds, insertUnique, releaseRemoval as releaseSharedRemoval } from '../rule-sync/records.js';
import { GroupSyncMemberModel, GroupSyncRemovalModel } from './group-sync.model.js';

/** How long an `adding` claim may stay unsettled before it counts as interrupted (crash) and is retried. */
export const CLAIM_LIFETIME_MS = 10 * 60_000;

/** Record statuses. */
export type MemberStatus = 'adding' | 'added' | 'already_member' | 'failed' | 'removed';

/** A sync's record of one person, as the planner needs it. */
export interface MemberRecord {
  _id: Types.ObjectId;
  groupSyncId: Types.ObjectId;
  personId: Types.ObjectId;
  status: MemberStatus;
  attempts?: number | null;
  createdAt?: Date | null;
}

/** `syncId:personId`. */
export const recordKey = (syncId: unknown, personId: unknown) => `${String(syncId)}:${String(personId)}`;

/** True when nothing more is to be done for the person: added, already there, or an add in flight. */
export function isSettled(record: MemberRecord | undefined, now = Date.now()): boolean {
  if (!record) return false;
  if (record.status === 'added' || record.status === 'already_member') return true;
  return record.status === 'adding' && now - (record.createdAt?.getTime() ?? 0) < CLAIM_LIFETIME_MS;
}

/** The records matching `filter`, by `syncId:personId`. */
export async function loadRecords(filter: Record<string, unknown>): Promise<Map<string, MemberRecord>> {
  const records = await GroupSyncMemberModel.find(filter, { groupSyncId: 1, personId: 1, status: 1, attempts: 1, createdAt: 1 }).lean();
  return new Map(records.map((r) => [recordKey(r.groupSyncId, r.personId), r as MemberRecord]));
}

/** A new record to insert under the (sync, person) key, replacing `replaces` if given. */
export interface Claim {
  organizationId: Types.ObjectId;
  groupSyncId: Types.ObjectId;
  personId: Types.ObjectId;
  accountId?: Types.ObjectId;
  role: 'member' | 'manager';
  status: 'adding' | 'failed';
  error?: string;
  attempts: number;
  replaces?: Types.ObjectId;
}

/**
 * Inserts the claims (after deleting, by id, the records they replace). Returns the ids of the
 * claims that were inserted; a claim whose key another writer holds is simply not returned.
 */
export async function insertClaims(organizationId: Types.ObjectId, claims: Claim[]): Promise<Map<number, Types.ObjectId>> {
  await deleteByIds(GroupSyncMemberModel, organizationId, claims.map((c) => c.replaces).filter((id): id is Types.ObjectId => Boolean(id)));
  const now = new Date();
  const docs = claims.map(({ replaces: _replaces, ...fields }) => ({ _id: new Types.ObjectId(), ...fields, createdAt: now, updatedAt: now }));
  const won = await insertUnique(GroupSyncMemberModel, docs);
  return new Map([...won].map((j) => [j, docs[j]._id]));
}

/** The outcome of one claimed add, set on the claim by its id. */
export interface Outcome {
  claimId: Types.ObjectId;
  status: 'added' | 'already_member' | 'failed';
  error?: string;
  at: Date;
}

/** Writes outcomes onto their own claims (by id only). */
export async function settleClaims(organizationId: Types.ObjectId, outcomes: Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await bulkWriteChunked(
    GroupSyncMemberModel,
    outcomes.map((o) => ({
      updateOne: {
        filter: { organizationId, _id: o.claimId },
        update:
          o.status === 'failed'
            ? { $set: { status: 'failed', error: o.error, updatedAt: o.at } }
            : { $set: { status: o.status, updatedAt: o.at, ...(o.status === 'added' ? { addedAt: o.at } : {}) }, $unset: { error: 1 } },
      },
    })),
  );
}

/** Gives claims back (their sync was turned off before the platform call). */
export async function releaseClaims(organizationId: Types.ObjectId, claimIds: Types.ObjectId[]): Promise<void> {
  await deleteByIds(GroupSyncMemberModel, organizationId, claimIds, { status: 'adding' });
}

/** Waits until a sync has no add in flight (claims younger than their lifetime), up to `timeoutMs`. */
export async function waitForInFlightAdds(organizationId: Types.ObjectId, groupSyncId: Types.ObjectId, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = await GroupSyncMemberModel.exists({
      organizationId,
      groupSyncId,
      status: 'adding',
      createdAt: { $gt: new Date(Date.now() - CLAIM_LIFETIME_MS) },
    });
    if (!fresh) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Claims the removal of one added member; false when another undo holds it. */
export async function claimRemoval(organizationId: Types.ObjectId, groupSyncId: Types.ObjectId, memberRecordId: Types.ObjectId): Promise<Types.ObjectId | undefined> {
  const now = new Date();
  return (await claimRemovals(GroupSyncRemovalModel, organizationId, [memberRecordId], { groupSyncId, createdAt: now, updatedAt: now })).get(0);
}

/** Marks a member removed (by record id), freeing its key for a later add. */
export async function markRemoved(organizationId: Types.ObjectId, memberRecordId: Types.ObjectId, at: Date): Promise<void> {
  await GroupSyncMemberModel.updateOne({ organizationId, _id: memberRecordId }, { $set: { status: 'removed', removedAt: at } });
}

/** Gives a removal claim back after the platform call failed, so a later undo retries it. */
export async function releaseRemoval(organizationId: Types.ObjectId, removalId: Types.ObjectId): Promise<void> {
  await releaseSharedRemoval(GroupSyncRemovalModel, organizationId, removalId);
}
