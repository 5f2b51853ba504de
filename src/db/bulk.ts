/**
 * Bulk writes in chunks. FerretDB 1.24 (the embedded database) stops answering an `update`
 * command that carries about 100 statements or more (50 work; measured), so every bulk write goes
 * through here in chunks small enough for it. On MongoDB the chunking costs a few round trips.
 */
import type { AnyBulkWriteOperation } from 'mongodb';
import type { Model } from 'mongoose';

/** Statements per bulk command. */
export const BULK_CHUNK = 50;

/** Runs `ops` as unordered bulk writes of at most `BULK_CHUNK` statements; returns modified + upserted counts. */
export async function bulkWriteChunked<T>(model: Model<T>, ops: AnyBulkWriteOperation<any>[]): Promise<{ modified: number; upserted: number }> {
  let modified = 0;
  let upserted = 0;
  for (let i = 0; i < ops.length; i += BULK_CHUNK) {
    const result = await model.bulkWrite(ops.slice(i, i + BULK_CHUNK) as never, { ordered: false });
    modified += result.modifiedCount;
    upserted += result.upsertedCount;
  }
  return { modified, upserted };
}

/**
 * True for "database is locked" (SQLITE_BUSY) from the embedded database: SQLite has one writer
 * at a time, and a read that must upgrade to a write under contention fails at once instead of
 * waiting. Retrying such an idempotent step is safe.
 */
export function isDatabaseBusy(err: unknown): boolean {
  return err instanceof Error && /SQLITE_BUSY|database is locked/.test(err.message);
}
