/**
 * The service in a child process (see fixtures/relay-service.ts) against simulators and a
 * database connection in the test process: a test can SIGKILL the service mid-send, start it
 * again on the same database and port, or run several instances side by side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { Cipher, resolveEncryptionKey } from '../../src/crypto.js';
import { openDatabase, type Database } from '../../src/db/connect.js';
import { freePort } from '../../src/db/embedded.js';
import { createLogger } from '../../src/log.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import type { Service } from '../../src/service.js';
import { freshDatabaseUri } from '../helpers/db.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'relay-service.ts');
const READY_WITHIN_MS = 45_000;

/** A service process started by `spawnService`. */
export interface ChildService {
  url: string;
  organizationId: Types.ObjectId;
  process: ChildProcess;
  /** Resolves when the process has exited (after `kill` or `stop`). */
  exited: Promise<void>;
  /** Kills the process at once (no shutdown of any kind). */
  kill(): Promise<void>;
  /** Asks the process to shut down in order and waits for it. */
  stop(): Promise<void>;
}

/** Simulators and a database connection here, for services run in child processes. */
export interface ChildWorld {
  sandbox: Sandbox;
  cipher: Cipher;
  db: Database;
  /** The configuration of one instance listening on `port` (a free one if omitted). */
  configFor(port?: number): Promise<AppConfig>;
  /** Registers the simulated workspaces once the first service has created the organization. */
  attach(organizationId: Types.ObjectId): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the simulators and connects to a fresh database shared by every instance started later. */
export async function startChildWorld(label: string): Promise<ChildWorld> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-child-test-'));
  const base = loadConfig({
    PORT: '0',
    MONGODB_URI: freshDatabaseUri(label),
    CROSSTALK_DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  });
  const log = createLogger(base.logLevel);
  const sandbox = await startSandbox(base, log, { demo: false });
  const db = await openDatabase({ mongodbUri: base.mongodbUri, dataDir, log });
  // Created here, before any child runs, so every process reads the same key file.
  const cipher = new Cipher(resolveEncryptionKey(undefined, dataDir));
  return {
    sandbox,
    cipher,
    db,
    async configFor(port) {
      const p = port ?? (await freePort());
      return { ...sandbox.config, port: p, publicUrl: `http://127.0.0.1:${p}` };
    },
    async attach(organizationId) {
      // With `demo: false` attaching reads only these two fields of the service.
      await sandbox.attach({ organizationId, cipher } as unknown as Service);
    },
    async stop() {
      await sandbox.stop();
      await db.close();
    },
  };
}

/** Spawns the service with `config` (and extra environment) and waits until it listens. */
export async function spawnService(config: AppConfig, env: Record<string, string> = {}): Promise<ChildService> {
  // Relay settings given as environment are validated like the service's own start-up would.
  config = { ...config, relay: loadConfig(env).relay };
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, ...env, CROSSTALK_TEST_SERVICE_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const ready = await new Promise<{ url: string; organizationId: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`the service did not start within ${READY_WITHIN_MS} ms: ${stderr}`)), READY_WITHIN_MS);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('READY '));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('READY '.length)));
    });
    child.once('exit', (code) => fail(new Error(`the service exited (${code}) before it was ready: ${stderr}`)));
  });
  return {
    url: ready.url,
    organizationId: new Types.ObjectId(ready.organizationId),
    process: child,
    exited,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end();
      await exited;
    },
  };
}
