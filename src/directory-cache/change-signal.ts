/**
 * The directory change signal (see src/models/directory-version.model.ts). Writers call
 * `directoryChanged` (the `directoryChanges` schema plugin does it for every write through a
 * watched model); in this process every cache listening is told at once, other processes learn it
 * from the stamp within about a second.
 */
import { randomUUID } from 'node:crypto';
import type { Schema, Types } from 'mongoose';
import { DirectoryVersionModel } from '../models/directory-version.model.js';

/** Key of changes that cannot be tied to one organization. */
export const ANY_ORGANIZATION = '*';

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

/** Tells this process's caches now and moves the organization's stamp for the other processes. */
export async function directoryChanged(organizationId: Types.ObjectId | string | undefined | null): Promise<void> {
  const key = organizationId ? String(organizationId) : ANY_ORGANIZATION;
  for (const listener of listeners) listener(key);
  const set = { $set: { stamp: randomUUID(), at: new Date() } };
  try {
    await DirectoryVersionModel.updateOne({ _id: key }, set, { upsert: true });
  } catch (err) {
    // Two first writers racing to create the document: one insert wins, the other updates it.
    if (!isDuplicateKey(err)) throw err;
    await DirectoryVersionModel.updateOne({ _id: key }, set);
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
