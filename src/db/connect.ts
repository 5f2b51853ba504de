/**
 * Opens the database: a real MONGODB_URI always wins and starts nothing; otherwise the embedded
 * FerretDB is started with its files in the data folder. Indexes are created at start so every
 * unique fact is enforced before the first request.
 */
import path from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import type { Logger } from '../log.js';
import { startEmbeddedDb, type EmbeddedDb } from './embedded.js';

/** An open database and how to close it (and the embedded server, if one was started). */
export interface Database {
  connection: Connection;
  uri: string;
  embedded?: EmbeddedDb;
  close(): Promise<void>;
}

/** Connects mongoose and builds every model's indexes. */
export async function openDatabase(options: {
  mongodbUri?: string;
  dataDir: string;
  log: Logger;
}): Promise<Database> {
  let embedded: EmbeddedDb | undefined;
  let uri = options.mongodbUri;
  if (!uri) {
    embedded = await startEmbeddedDb({
      dataDir: path.join(options.dataDir, 'ferretdb'),
      onProgress: (line) => options.log.info(line),
    });
    uri = embedded.uri;
    options.log.info({ port: embedded.port, dataDir: embedded.dataDir }, 'embedded database (FerretDB) started');
  }
  try {
    await mongoose.connect(uri, { serverSelectionTimeoutMS: 10_000, autoIndex: false });
    await ensureIndexes();
  } catch (err) {
    await mongoose.disconnect().catch(() => {});
    await embedded?.stop();
    throw err;
  }
  return {
    connection: mongoose.connection,
    uri,
    embedded,
    close: async () => {
      await mongoose.disconnect();
      await embedded?.stop();
    },
  };
}

/**
 * Creates the indexes every registered model declares (idempotent). Each feature's models register
 * themselves with mongoose when the composition root imports the feature.
 */
export async function ensureIndexes(): Promise<void> {
  for (const name of mongoose.modelNames()) await mongoose.model(name).createIndexes();
}

/** True when the database answers a ping. */
export async function pingDatabase(connection: Connection): Promise<boolean> {
  try {
    if (connection.readyState !== 1 || !connection.db) return false;
    await connection.db.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
