/**
 * The directory change signal (see src/directory/directory-version.model.ts). Writers call
 * `directoryChanged` (the `directoryChanges` schema plugin does it for every write through a
 * watched model); in this process every cache listening is told at once, other processes learn it
 * from the stamp within about a second.
 */
import { randomUUID } from 'node:crypto';
import type { Schema, Types } from 'mongoose';
import { isDatabaseBusy } from '../db/bulk.js';
import { DirectoryVersionModel } from './directory-version.model.js';

/** Key of changes that cannot be tied to one organization. */
export const ANY_ORGANIZATION = '*';

/** Key of adapter-state changes (Slack installations, Teams conversation references): not the directory proper. */
export const ADAPTER_STATE = 'adapter-state';

type Listener = (organizationKey: string) => void;
const listeners = new Set<Listener>();

/** Subscribes to this process's own directory writes; returns the unsubscribe function. */
export function onLocalDirectoryChange(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}

async function writeStamp(key: string): Promise<void> {
  const set = { $set: { stamp: randomUUID(), at: new Date() } };
  for (let attempt = 1; ; attempt++) {
    try {
      await DirectoryVersionModel.updateOne({ _id: key }, set, { upsert: true });
      return;
    } catch (err) {
      // Two first writers racing to create the document (one insert wins), or the embedded
      // database's single writer busy: both pass on a retry.
      if (attempt >= 8 || !(isDuplicateKey(err) || isDatabaseBusy(err))) throw err;
      await new Promise((r) => setTimeout(r, 10 * attempt));
    }
  }
}

const running = new Map<string, Promise<void>>();
const queued = new Map<string, Promise<void>>();

/** One stamp write per key at a time; writers arriving meanwhile share the next one. */
function bump(key: string): Promise<void> {
  const waiting = queued.get(key);
  if (waiting) return waiting;
  const start = (): Promise<void> => {
    queued.delete(key);
    const write = writeStamp(key).finally(() => {
      if (running.get(key) === write) running.delete(key);
    });
    running.set(key, write);
    return write;
  };
  const current = running.get(key);
  if (!current) return start();
  const next = current.catch(() => undefined).then(start);
  queued.set(key, next);
  return next;
}

/**
 * Tells this process's caches now and moves the organization's stamp for the other processes.
 * Never throws: the write it follows has happened; a stamp that cannot be written is reported.
 */
export async function directoryChanged(organizationId: Types.ObjectId | string | undefined | null, key = organizationId ? String(organizationId) : ANY_ORGANIZATION): Promise<void> {
  for (const listener of listeners) listener(key);
  try {
    await bump(key);
  } catch (err) {
    process.emitWarning(`directory change signal not written: ${err instanceof Error ? err.message : String(err)}`);
  }
  // Caches that reloaded between the local notice and the stamp's write must not keep what they read.
  for (const listener of listeners) listener(key);
}

const QUERY_WRITES = ['updateOne', 'updateMany', 'findOneAndUpdate', 'findOneAndDelete', 'deleteOne', 'deleteMany', 'replaceOne'] as const;

function organizationOf(value: unknown): Types.ObjectId | string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const id = (value as { organizationId?: unknown }).organizationId;
  return typeof id === 'string' || (id && typeof id === 'object' && !('$in' in (id as object))) ? (id as Types.ObjectId) : undefined;
}

/**
 * Schema plugin: every write through the model (document saves, query writes, insertMany,
 * bulkWrite) signals a directory change for the organization it names.
 */
export function directoryChanges(schema: Schema): void {
  schema.post('save', async function (doc: unknown) {
    await directoryChanged(organizationOf(doc));
  });
  schema.post('deleteOne', { document: true, query: false }, async function (doc: unknown) {
    await directoryChanged(organizationOf(doc));
  });
  for (const op of QUERY_WRITES) {
    schema.post(op, async function (this: { getFilter(): unknown }) {
      await directoryChanged(organizationOf(this.getFilter()));
    });
  }
  schema.post('insertMany', async function (docs: unknown) {
    const first = Array.isArray(docs) ? docs[0] : undefined;
    const orgs = new Set((Array.isArray(docs) ? docs : []).map((d) => String(organizationOf(d) ?? ANY_ORGANIZATION)));
    await directoryChanged(orgs.size === 1 ? organizationOf(first) : undefined);
  });
  schema.post('bulkWrite', async function () {
    await directoryChanged(undefined);
  });
}
