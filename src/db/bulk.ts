/**
 * Bulk writes in chunks, and inserts coalesced across concurrent callers.
 *
 * FerretDB 1.24 (the embedded database) holds one backend connection per statement of an `update`
 * command until the whole command returns, so a command with more statements than the pool (100
 * on SQLite, 50 by default on PostgreSQL) never answers; every bulk write therefore goes through
 * here in chunks below the pool size. On MongoDB the chunking costs a few round trips.
 */
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { Model } from 'mongoose';

/** Statements per bulk command (below FerretDB's backend pool, see above). */
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

/** A write error of one document of a batch (e.g. code 11000, duplicate key). */
export class BatchedWriteError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
  ) {
    super(message);
    this.name = 'BatchedWriteError';
  }
}

interface Waiting {
  doc: Document;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Appends documents to one collection, coalescing concurrent callers into unordered `insertMany`
 * commands: while one command is out, everything that arrives waits and goes in the next one. Each
 * caller learns its own document's outcome (a duplicate key fails only that caller). Documents are
 * written as given (raw driver, no casting): callers build them complete, `_id` included.
 */
export class InsertBatcher {
  private queue: Waiting[] = [];
  private flushing = false;

  constructor(
    private readonly model: Model<any>,
    private readonly maxBatch = BULK_CHUNK,
  ) {}

  /** Resolves once `doc` is durably inserted. */
  insert(doc: Document): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ doc, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        await this.model.collection.insertMany(
          batch.map((w) => w.doc),
          { ordered: false },
        );
        for (const w of batch) w.resolve();
      } catch (err) {
        const failed = new Map<number, { code?: number; errmsg?: string }>();
        const writeErrors = (err as { writeErrors?: unknown }).writeErrors;
        const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
        for (const e of list as Array<{ index: number; code?: number; errmsg?: string; err?: { code?: number; errmsg?: string } }>) {
          failed.set(e.index, { code: e.code ?? e.err?.code, errmsg: e.errmsg ?? e.err?.errmsg });
        }
        if (failed.size === 0) {
          for (const w of batch) w.reject(err);
          continue;
        }
        batch.forEach((w, i) => {
          const f = failed.get(i);
          if (f) w.reject(new BatchedWriteError(f.errmsg ?? 'write failed', f.code));
          else w.resolve();
        });
      }
    }
    this.flushing = false;
  }
}
