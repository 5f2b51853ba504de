/**
 * The service as a person starts it: the `npm start` entry point in its own process, with the
 * embedded database, stopped with Ctrl-C (SIGINT to the process group) or killed outright.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
/** What `npm start` runs: node itself with tsx's loader, so Ctrl-C reaches the service directly. */
const NODE_TSX = [process.execPath, '--import', 'tsx'] as const;
const dirs: string[] = [];

function start(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  let out = '';
  const child = spawn(NODE_TSX[0], [...NODE_TSX.slice(1), 'src/main.ts'], {
    cwd: root,
    detached: true,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitForUrl(output: () => string, exited: Promise<unknown>): Promise<string> {
  let done = false;
  void exited.then(() => (done = true));
  for (let i = 0; i < 600 && !done; i++) {
    const match = /open (http:\/\/localhost:\d+)\/sandbox/.exec(output());
    if (match) return match[1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service did not print its address:\n${output()}`);
}

function processesUsing(dir: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(dir) && !line.includes('ps -eo'));
}

async function waitUntilGone(dir: string): Promise<string[]> {
  for (let i = 0; i < 100; i++) {
    const left = processesUsing(dir);
    if (left.length === 0) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
  return processesUsing(dir);
}

function dataDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-start-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('refuses a bad setting with one line naming it, and starts nothing', async () => {
    const dir = dataDir();
    const { output, exited } = start({ CROSSTALK_ENCRYPTION_KEY: 'short', CROSSTALK_DATA_DIR: dir });
    expect(await exited).toBe(1);
    const lines = output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^crosstalk: invalid setting CROSSTALK_ENCRYPTION_KEY: must be 32 bytes encoded as base64/);
    expect(processesUsing(dir)).toEqual([]);
  });

  it('serves health, readiness and metrics with no settings, and Ctrl-C leaves no process behind', async () => {
    const dir = dataDir();
    const { child, output, exited } = start({ PORT: '0', CROSSTALK_DATA_DIR: dir });
    const url = await waitForUrl(output, exited);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${url}/metrics`);
    expect(metrics.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(processesUsing(dir).some((p) => p.includes('ferretdb'))).toBe(true);

    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(await waitUntilGone(dir)).toEqual([]);
  });

  it('does not leave the embedded database running even when the service is killed outright', async () => {
    const dir = dataDir();
    const { child, output, exited } = start({ PORT: '0', CROSSTALK_DATA_DIR: dir });
    await waitForUrl(output, exited);
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
    expect(await waitUntilGone(dir)).toEqual([]);
  });
});
