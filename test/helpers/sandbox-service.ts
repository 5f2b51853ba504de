/**
 * The whole product in one call: the real service on a fresh database, the four real adapters
 * with their real SDKs, and the four platform simulators they talk to, with the simulated
 * workspaces registered. Retries and backoffs are shrunk so injected faults resolve quickly.
 *
 * By default the simulators carry their own test seeds and nothing is kept on disk; `guided`
 * runs the sandbox exactly as `npm start` does (the Northwind demo, saved in the data folder),
 * and `restart()` stops everything and starts it again on the same data folder, database and port.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { freePort } from '../../src/db/embedded.js';
import { createLogger } from '../../src/log.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { startService, type Service } from '../../src/service.js';
import { sandboxWeb } from '../../sandbox/web/index.js';
import { freshDatabaseUri } from './db.js';
import { testAdapterFactories } from './test-adapters.js';

export { FAST_POLICY, testAdapterFactories } from './test-adapters.js';

/** A running sandboxed service. */
export interface SandboxService {
  service: Service;
  sandbox: Sandbox;
  url: string;
  /** The data folder (simulator state, encryption key). */
  dataDir: string;
  stop(): Promise<void>;
  /** Stops the service and the simulators, then starts both again from the same data folder and database. */
  restart(): Promise<SandboxService>;
}

interface StartOptions {
  label: string;
  env?: Record<string, string>;
  /** Run the guided Northwind demo, persisted, as `npm start` does. */
  guided?: boolean;
}

async function launch(options: StartOptions, fixed: { dataDir: string; port: number; mongodbUri: string }): Promise<SandboxService> {
  const base = loadConfig({
    PORT: String(fixed.port),
    PUBLIC_URL: `http://127.0.0.1:${fixed.port}`,
    MONGODB_URI: fixed.mongodbUri,
    CROSSTALK_DATA_DIR: fixed.dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const log = createLogger(base.logLevel);
  const sandbox = await startSandbox(base, log, options.guided ? {} : { guided: false, persist: false });
  let service: Service;
  try {
    service = await startService({
      config: sandbox.config,
      log,
      adapterFactories: testAdapterFactories,
      processEvery: 200,
      host: '127.0.0.1',
      drainMs: 2000,
      ...sandboxWeb(sandbox),
    });
  } catch (err) {
    await sandbox.stop();
    throw err;
  }
  await sandbox.attach(service);
  const stop = async () => {
    await service.stop();
    await sandbox.stop();
  };
  return {
    service,
    sandbox,
    url: service.url,
    dataDir: fixed.dataDir,
    stop,
    async restart() {
      await stop();
      return launch(options, fixed);
    },
  };
}

/** Starts simulators, then the service pointed at them, then registers the simulated workspaces. */
export async function startSandboxService(options: StartOptions): Promise<SandboxService> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-sandbox-test-'));
  // Adapters register webhook URLs at start, before the server listens: fix the port up front.
  const port = await freePort();
  return launch(options, { dataDir, port, mongodbUri: freshDatabaseUri(options.label) });
}
