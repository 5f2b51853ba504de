/**
 * `npm run sandbox:reset`: starts the sandbox over. Deletes the saved simulators and empties the
 * sandbox's database, so the next `npm start` builds a fresh demo organization. Stop the running
 * sandbox first. Refuses outside sandbox mode: it never touches a production database.
 */
import mongoose from 'mongoose';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/connect.js';
import { createLogger } from '../src/log.js';
import { SandboxStore, sandboxStateDir } from './persist/store.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) process.stderr.write(`sandbox:reset: invalid setting ${problem}\n`);
      process.exit(1);
    }
    throw err;
  }
  if (!config.sandbox) {
    process.stderr.write('sandbox:reset: platform credentials are set, so this is not a sandbox; nothing was deleted.\n');
    process.exit(1);
  }
  const log = createLogger('warn');
  const db = await openDatabase({ mongodbUri: config.mongodbUri, dataDir: config.dataDir, log });
  try {
    await mongoose.connection.dropDatabase();
  } finally {
    await db.close();
  }
  const store = new SandboxStore(sandboxStateDir(config.dataDir));
  store.clear();
  process.stdout.write(`Sandbox reset: database emptied and ${store.dir} deleted. Run npm start for a fresh demo organization.\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`sandbox:reset failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
