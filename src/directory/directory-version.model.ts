import { Schema, model } from 'mongoose';

/**
 * The directory's change signal: one tiny document per organization (`_id` = organization id, or
 * `*` for changes not tied to one) whose `stamp` is replaced by a fresh random value on every write
 * to workspaces, people, accounts, conversations or adapter state. Service instances read this
 * small collection about once a second and drop their in-memory directory when a stamp moved.
 * A random stamp, not a counter: `$inc` is not atomic on FerretDB 1.x, and two racing `$set`s of
 * fresh values still leave a value no reader has seen before.
 */
const directoryVersionSchema = new Schema(
  {
    _id: { type: String, required: true },
    stamp: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false, collection: 'directoryversions' },
);

/** Per-organization change stamps of the directory. */
export const DirectoryVersionModel = model('DirectoryVersion', directoryVersionSchema);
