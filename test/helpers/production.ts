/**
 * The production path as a customer runs it: Crosstalk started with `npm start`'s entry point in
 * its own process, configured only through the documented environment variables, and each
 * platform played by a simulator in its own process (sandbox/simulators/serve.ts), reached only
 * over HTTP: signed webhooks in, REST calls out.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import type { Platform } from '../../src/chat-adapter.js';
import { freePort } from '../../src/db/embedded.js';
import type { RecordedCall } from '../../sandbox/simulators/sim-core.js';

const root = path.resolve(import.meta.dirname, '..', '..');
/** What `npm start` runs: node itself with tsx's loader, so Ctrl-C reaches the service directly. */
const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;

/** A platform simulator running in its own process. */
export interface PlatformProcess {
  platform: Platform;
  /** The platform's API base (what `*_API_URL` points at). */
  url: string;
  /** Credentials and addresses, as an admin copies them from the platform's app pages. */
  settings: Record<string, string>;
  pid: number;
  /** Runs a method of the simulator (what a user does in the platform's client). */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** Reads a property of the simulator. */
  get<T = unknown>(path: string): Promise<T>;
  /** The API calls the platform received after `after` (a sequence number). */
  calls(after?: number): Promise<RecordedCall[]>;
  /** Waits for a recorded call that matches, after `after`. */
  waitForCall(match: (c: RecordedCall) => boolean, options?: { after?: number; timeoutMs?: number; what?: string }): Promise<RecordedCall>;
  lastSeq(): Promise<number>;
  stop(): Promise<void>;
}

function lines(child: ChildProcess, onLine: (line: string) => void): () => string {
  let all = '';
  let partial = '';
  child.stdout!.on('data', (d: Buffer) => {
    all += d;
    partial += d;
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const line of parts) onLine(line);
  });
  child.stderr!.on('data', (d: Buffer) => (all += d));
  return () => all;
}

async function post<T>(url: string, body: unknown): Promise<T> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as T & { error?: string };
  expect(res.status, `simulator control ${url}: ${json.error ?? res.status}`).toBe(200);
  return json;
}

/** Starts one platform simulator as a separate process. */
export async function startPlatform(platform: Platform, options: Record<string, unknown> = {}): Promise<PlatformProcess> {
  const child = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), 'sandbox/simulators/serve.ts', platform, JSON.stringify(options)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const ready = new Promise<{ url: string; controlUrl: string; settings: Record<string, string> }>((resolve, reject) => {
    const output = lines(child, (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`${platform} simulator exited (${code}):\n${output()}`)));
    setTimeout(() => reject(new Error(`${platform} simulator did not start:\n${output()}`)), 60_000).unref();
  });
  const { url, controlUrl, settings } = await ready;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const calls = async (after = 0) => (await (await fetch(`${controlUrl}/calls?after=${after}`)).json() as { calls: RecordedCall[] }).calls;
  return {
    platform,
    url,
    settings,
    pid: child.pid!,
    call: async (method, ...args) => (await post<{ result: never }>(`${controlUrl}/call`, { method, args })).result,
    get: async (p) => (await post<{ value: never }>(`${controlUrl}/get`, { path: p })).value,
    calls,
    async lastSeq() {
      const all = await calls(0);
      return all.length ? all[all.length - 1].seq : 0;
    },
    async waitForCall(match, { after = 0, timeoutMs = 15_000, what = 'a matching call' } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = (await calls(after)).find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`${platform}: timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}

/** Crosstalk running in its own process. */
export interface ProductionService {
  url: string;
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

/** A fresh 32-byte key, as `openssl rand -base64 32` makes. */
export function newEncryptionKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * Starts `src/main.ts` (what `npm start` runs) with exactly `env` (plus PATH/HOME), on a free
 * port whose address is also the public URL; resolves once it says it is running.
 */
export async function startProductionService(env: Record<string, string>): Promise<ProductionService> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-production-'));
  const child = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), 'src/main.ts'], {
    cwd: root,
    detached: true,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      CROSSTALK_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = lines(child, () => {});
  let gone = false;
  void exited.then(() => (gone = true));
  for (let i = 0; ; i++) {
    if (/Crosstalk is running at/.test(output())) break;
    if (gone || i > 1200) {
      child.kill('SIGKILL');
      throw new Error(`Crosstalk did not start:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    output,
    async stop() {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        // already gone
      }
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** TCP ports a process and its children listen on (read from /proc: sockets in LISTEN state). */
export function listeningPorts(pid: number): number[] {
  const tree = new Set([String(pid)]);
  const ps = spawnSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of ps) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  const inodes = new Set<string>();
  for (const p of tree) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue;
      ports.add(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return [...ports].sort((a, b) => a - b);
}
