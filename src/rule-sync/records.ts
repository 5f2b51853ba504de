/**
 * Insert-only bookkeeping shared by every rule sync. The embedded database (FerretDB on SQLite)
 * makes no conditional update, upsert or `$addToSet` atomic, but it does enforce unique indexes;
 * so membership is an insert under a unique (sync, person) key, a removal is claimed by an insert
 * under a unique key on the member record before anything is removed, and records are replaced by
 * delete-by-id + insert. Of two concurrent writers exactly one wins each key, and nothing here reads
 * a record to decide how to update it.
 */
import type { Model, Types } from 'mongoose';
import { Types as MongooseTypes } from 'mongoose';
import { BULK_CHUNK } from '../db/bulk.js';

/**
 * For an insert that failed only on unique keys (E11000): the indexes of the documents that lost
 * (empty for a single-document insert); undefined for any other failure.
 */
export function duplicateKeyOnly(err: unknown): number[] | undefined {
  const e = err as { code?: number; writeErrors?: Array<{ index: number; code?: number; err?: { code?: number } }> | { index: number; code?: number } };
  const list = Array.isArray(e?.writeErrors) ? e.writeErrors : e?.writeErrors ? [e.writeErrors] : [];
  if (list.length === 0) return e?.code === 11000 ? [] : undefined;
  return list.every((w) => (w.code ?? (w as { err?: { code?: number } }).err?.code) === 11000) ? list.map((w) => w.index) : undefined;
}

/**
 * Inserts `docs` (each with its own `_id`) in unordered chunks; returns the indexes of the ones
 * that were stored. A document whose unique key another writer holds is simply not returned; any
 * other failure is thrown.
 */
export async function insertUnique<T extends { _id: Types.ObjectId }>(model: Model<any>, docs: T[]): Promise<Set<number>> {
  const won = new Set<number>();
  for (let i = 0; i < docs.length; i += BULK_CHUNK) {
    const chunk = docs.slice(i, i + BULK_CHUNK);
    let lost = new Set<number>();
    try {
      await model.collection.insertMany(chunk, { ordered: false });
    } catch (err) {
      const indexes = duplicateKeyOnly(err);
      if (!indexes) throw err;
      lost = new Set(indexes);
    }
    chunk.forEach((_, j) => {
      if (!lost.has(j)) won.add(i + j);
    });
  }
  return won;
}

/** Deletes records by id, in chunks; `filter` narrows further (e.g. only unsettled claims). */
export async function deleteByIds(model: Model<any>, organizationId: Types.ObjectId, ids: Types.ObjectId[], filter: Record<string, unknown> = {}): Promise<void> {
  for (let i = 0; i < ids.length; i += BULK_CHUNK) {
    await model.deleteMany({ organizationId, _id: { $in: ids.slice(i, i + BULK_CHUNK) }, ...filter });
  }
}

/**
 * Claims the removal of each member record by inserting a removal keyed on it (unique per
 * record): of two removers at once, exactly one gets each record. Returns, by the index in
 * `memberRecordIds`, the id of each removal claim this call won. `fields` is stored on every claim
 * (the sync it belongs to, timestamps).
 */
export async function claimRemovals(
  removals: Model<any>,
  organizationId: Types.ObjectId,
  memberRecordIds: Types.ObjectId[],
  fields: Record<string, unknown>,
): Promise<Map<number, Types.ObjectId>> {
  const claims = memberRecordIds.map((memberRecordId) => ({ _id: new MongooseTypes.ObjectId(), organizationId, memberRecordId, ...fields }));
  const won = await insertUnique(removals, claims);
  return new Map([...won].map((j) => [j, claims[j]._id]));
}

/** Gives a removal claim back (the removal failed), so a later removal retries it. */
export async function releaseRemoval(removals: Model<any>, organizationId: Types.ObjectId, removalId: Types.ObjectId): Promise<void> {
  await removals.deleteOne({ organizationId, _id: removalId });
}
