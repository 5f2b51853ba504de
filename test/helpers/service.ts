/** Starts the real service on a fresh database for a test file. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startService, type AdapterFactory, type Service } from '../../src/service.js';
import type { JobDefinition } from '../../src/jobs/runner.js';
import type { Core } from '../../src/core/core.js';
import { freshDatabaseUri } from './db.js';

/** Options for a test service. */
export interface TestServiceOptions {
  label: string;
  env?: Record<string, string>;
  adapterFactories?: AdapterFactory[];
  jobs?: (core: Core) => JobDefinition<any>[];
  configure?: (config: AppConfig) => AppConfig;
}

/** Starts Crosstalk with a fresh database and a throwaway data folder, listening on a free port. */
export async function startTestService(options: TestServiceOptions): Promise<Service> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-test-data-'));
  let config = loadConfig({
    PORT: '0',
    MONGODB_URI: freshDatabaseUri(options.label),
    CROSSTALK_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  if (options.configure) config = options.configure(config);
  return startService({
    config,
    log: createLogger(config.logLevel),
    adapterFactories: options.adapterFactories,
    jobs: options.jobs,
    processEvery: 200,
    host: '127.0.0.1',
    drainMs: 2000,
  });
}
