/**
 * The whole product in one call: the real service on a fresh database, the four real adapters
 * with their real SDKs, and the four platform simulators they talk to, with the simulated
 * workspaces registered. Retries and backoffs are shrunk so injected faults resolve quickly.
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
  stop(): Promise<void>;
}

/** Starts simulators, then the service pointed at them, then registers the simulated workspaces. */
export async function startSandboxService(options: { label: string; env?: Record<string, string> }): Promise<SandboxService> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-sandbox-test-'));
  // Adapters register webhook URLs at start, before the server listens: fix the port up front.
  const port = await freePort();
  const base = loadConfig({
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    MONGODB_URI: freshDatabaseUri(options.label),
    CROSSTALK_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    ...options.env,
  });
  const log = createLogger(base.logLevel);
  const sandbox = await startSandbox(base, log);
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
  return {
    service,
    sandbox,
    url: service.url,
    stop: async () => {
      await service.stop();
      await sandbox.stop();
    },
  };
}
