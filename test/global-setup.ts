/**
 * Starts one embedded database (FerretDB, building it first if needed) for the whole test run, in
 * throwaway storage, and hands its address to the tests. Each test file uses its own database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDb } from '../src/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.MONGODB_URI) {
    project.provide('mongoUri', process.env.MONGODB_URI);
    return async () => {};
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-test-db-'));
  const db = await startEmbeddedDb({ dataDir, onProgress: (line) => process.stdout.write(`${line}\n`) });
  project.provide('mongoUri', db.uri);
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
