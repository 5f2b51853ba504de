/**
 * The embedded database used when MONGODB_URI is unset: FerretDB v1.24.2 with its SQLite backend,
 * a real MongoDB wire-protocol server, built from source once into `.cache/ferretdb/` and reused.
 *
 * Why a vendored build instead of a plain `go install …@v1.24.2`: the module proxy refuses the
 * version-list lookup `go install` makes for deprecation checks, and a binary whose main module is
 * FerretDB itself panics at start unless `build/version/version.txt` exists, which the module
 * archive does not ship. So the pinned go.mod/go.sum in `scripts/ferretdb/` are vendored into the
 * cache folder, the missing version file is written there, and the binary is built from that.
 *
 * The server runs under a small `sh` watchdog reading our stdin: when this process exits for any
 * reason (Ctrl-C, crash, SIGKILL) the pipe closes and the watchdog stops FerretDB, so no orphan
 * process outlives us.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, cpSync, writeFileSync, renameSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

export const FERRETDB_VERSION = 'v1.24.2';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const defaultCacheDir = path.join(projectRoot, '.cache', 'ferretdb', FERRETDB_VERSION);
const moduleDir = path.join(projectRoot, 'scripts', 'ferretdb');

/** A clear, one-line failure of the embedded database, with what to do about it. */
export class EmbeddedDbError extends Error {
  override name = 'EmbeddedDbError';
}

/** Where the Go toolchain is: PATH first, then the usual install location. */
export function findGo(
  candidates = ['go', '/usr/local/go/bin/go', path.join(process.env.HOME ?? '', 'go', 'bin', 'go')],
): string | undefined {
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function binaryWorks(binaryPath: string): boolean {
  if (!existsSync(binaryPath)) return false;
  const probe = spawnSync(binaryPath, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes(FERRETDB_VERSION);
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const result = spawnSync(cmd, args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new EmbeddedDbError(`building FerretDB failed at \`${cmd} ${args.join(' ')}\`: ${output || result.error?.message}`);
  }
}

/**
 * Returns the path of the FerretDB binary, building it first if the cache has none.
 * `onProgress` receives human-readable progress lines.
 */
export async function ensureFerretDb(
  onProgress: (line: string) => void = () => {},
  options: { cacheDir?: string; goCandidates?: string[] } = {},
): Promise<string> {
  const cacheDir = options.cacheDir ?? defaultCacheDir;
  const binaryPath = path.join(cacheDir, 'ferretdb');
  if (binaryWorks(binaryPath)) return binaryPath;
  const go = findGo(options.goCandidates);
  if (!go) {
    throw new EmbeddedDbError(
      'Go is not installed, so the embedded database (FerretDB) cannot be built: install Go 1.24 or newer (https://go.dev/dl/), or set MONGODB_URI to a MongoDB server.',
    );
  }
  mkdirSync(cacheDir, { recursive: true });
  const lockDir = path.join(cacheDir, 'build.lock');
  const started = Date.now();
  // Another process (a parallel test run, a second `npm start`) may be building: wait for it.
  while (true) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (binaryWorks(binaryPath)) return binaryPath;
      if (Date.now() - started > 15 * 60_000) {
        throw new EmbeddedDbError(`timed out waiting for another FerretDB build; remove ${lockDir} if no build is running`);
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    if (binaryWorks(binaryPath)) return binaryPath;
    onProgress(`Building the embedded database (FerretDB ${FERRETDB_VERSION}) with Go; this happens once and takes about 2 minutes…`);
    const buildDir = path.join(cacheDir, `build-${process.pid}`);
    rmSync(buildDir, { recursive: true, force: true });
    mkdirSync(buildDir, { recursive: true });
    for (const file of ['go.mod', 'go.sum', 'tools.go']) cpSync(path.join(moduleDir, file), path.join(buildDir, file));
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-buildvcs=false', CGO_ENABLED: '0' };
    run(go, ['mod', 'vendor'], buildDir, env);
    writeFileSync(path.join(buildDir, 'vendor/github.com/FerretDB/FerretDB/build/version/version.txt'), `${FERRETDB_VERSION}\n`);
    const tmpBinary = path.join(buildDir, 'ferretdb');
    run(go, ['build', '-mod=vendor', '-trimpath', '-o', tmpBinary, 'github.com/FerretDB/FerretDB/cmd/ferretdb'], buildDir, env);
    renameSync(tmpBinary, binaryPath);
    rmSync(buildDir, { recursive: true, force: true });
    onProgress(`Embedded database built in ${Math.round((Date.now() - started) / 1000)} s (cached in ${path.relative(projectRoot, cacheDir)}).`);
    return binaryPath;
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running embedded database. */
export interface EmbeddedDb {
  uri: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

async function waitUntilAnswering(uri: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 500, connectTimeoutMS: 500 });
    try {
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      await client.close().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-3).join(' | ') : '';
  throw new EmbeddedDbError(`the embedded database did not start: ${log || lastError}`);
}

/**
 * Starts FerretDB on free loopback ports with its SQLite files in `dataDir`, waits until it
 * answers, and returns its connection string. `stop()` shuts it down and waits for it.
 */
export async function startEmbeddedDb(options: {
  dataDir: string;
  database?: string;
  onProgress?: (line: string) => void;
}): Promise<EmbeddedDb> {
  const binary = await ensureFerretDb(options.onProgress);
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const logFile = path.join(dataDir, 'ferretdb.log');
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const debugPort = await freePort();
    const args = [
      '--handler=sqlite',
      `--sqlite-url=file:${dataDir}/`,
      `--state-dir=${dataDir}`,
      `--listen-addr=127.0.0.1:${port}`,
      `--debug-addr=127.0.0.1:${debugPort}`,
      '--telemetry=disable',
      '--log-level=warn',
      '--log-format=json',
    ];
    // The watchdog: SIGINT is ignored so a terminal Ctrl-C lets us stop FerretDB in order; when our
    // stdin closes (we exited, however) it sends FerretDB SIGTERM and waits for it.
    const script = 'trap "" INT; "$0" "$@" >>"$FERRETDB_LOG" 2>&1 & p=$!; cat >/dev/null; kill $p 2>/dev/null; wait $p';
    const child = spawn('sh', ['-c', script, binary, ...args], {
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, FERRETDB_LOG: logFile },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const uri = `mongodb://127.0.0.1:${port}/${options.database ?? 'crosstalk'}`;
    try {
      await waitUntilAnswering(uri, child, logFile, 30_000);
    } catch (err) {
      child.stdin?.end();
      await exited;
      // A port taken between probing and binding is the likely cause of an early exit: try again.
      if (attempt < 3) continue;
      throw err;
    }
    let stopping: Promise<void> | undefined;
    return {
      uri,
      port,
      dataDir,
      stop: () => {
        stopping ??= (async () => {
          child.stdin?.end();
          await exited;
        })();
        return stopping;
      },
    };
  }
}

/** Writes a marker so a crash report can show which database a data folder belongs to. */
export function markDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path.join(dataDir, 'README.txt'), `Crosstalk embedded database files (FerretDB ${FERRETDB_VERSION}, SQLite). Safe to delete to start over.\n`);
}
