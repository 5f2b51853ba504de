/**
 * One platform simulator in its own process, as a real platform is to Crosstalk: reached only over
 * HTTP (REST calls in, signed webhooks out). Used by the production end-to-end tests and the
 * benchmarks, which start Crosstalk with `npm start` and only the documented environment variables.
 *
 *   tsx sandbox/simulators/serve.ts <slack|teams|webex|zoom> [options-json]
 *
 * Prints one JSON line when ready: `{ platform, url, controlUrl, settings }`, where `settings` are
 * the credentials and addresses an admin would copy from the platform's app pages. The platform's
 * own API listens on `url`; the simulator's controls (what a user does in the platform's client:
 * type a DM, run a slash command, click a button; and what a test reads back) are on a separate
 * loopback port, `controlUrl`, so the platform's API surface stays exactly the platform's:
 *
 *   POST {controlUrl}/call  { "method": "sendDirectMessage", "args": [...] }  → { "result": ... }
 *   POST {controlUrl}/get   { "path": "state.workspaces" }                   → { "value": ... }
 *   GET  {controlUrl}/calls?after=<seq>                                        → recorded API calls
 *
 * Teams takes `{ "tls": { "key", "cert" } }` to serve Microsoft's login over https, as MSAL needs.
 *
 * `method` and `path` are dotted paths on the simulator object (e.g. `sim.fault`). Maps and Sets
 * are sent as arrays. The process exits when its stdin closes, so a test's crash leaves nothing.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { createSlackSimulator } from './slack/server.js';
import { createTeamsSimulator } from './teams/server.js';
import { createWebexSimulator } from './webex/server.js';
import { createZoomSimulator } from './zoom/server.js';
import type { SimServer } from './sim-core.js';
import { isPlatform } from '../../src/chat-adapter.js';

type Platform = 'slack' | 'teams' | 'webex' | 'zoom';

interface Running {
  target: Record<string, unknown>;
  sim: SimServer;
  url: string;
  settings: Record<string, unknown>;
  close(): Promise<void>;
}

async function start(platform: Platform, options: Record<string, unknown>): Promise<Running> {
  switch (platform) {
    case 'slack': {
      const s = await createSlackSimulator(options);
      return { target: s as unknown as Record<string, unknown>, sim: s.sim, url: s.url, settings: { ...s.sandboxSettings() }, close: () => s.close() };
    }
    case 'teams': {
      const { tls, ...rest } = options as { tls?: { key: string; cert: string } };
      const s = await createTeamsSimulator(rest);
      const { sandbox: _s, configured: _c, ...settings } = s.sandboxSettings();
      // Microsoft's login is https only (MSAL refuses anything else): with `tls`, the login (and
      // the rest of the API) is also served over https with the given certificate.
      if (tls) settings.loginUrl = `${await s.listenHttps(tls)}/login`;
      return { target: s as unknown as Record<string, unknown>, sim: s.sim, url: s.url, settings, close: () => s.close() };
    }
    case 'webex': {
      const s = createWebexSimulator(options);
      await s.start(0);
      return { target: s as unknown as Record<string, unknown>, sim: s.sim, url: s.server.url, settings: { ...s.sandboxSettings() }, close: () => s.close() };
    }
    case 'zoom': {
      const s = await createZoomSimulator(options);
      return { target: s as unknown as Record<string, unknown>, sim: s.sim, url: s.url, settings: { ...s.sandboxSettings() }, close: () => s.close() };
    }
  }
}

/** JSON-safe copy: Maps and Sets become arrays, functions are dropped, cycles cut. */
function plain(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof Map) return [...value.values()].map((v) => plain(v, seen));
  if (value instanceof Set || Array.isArray(value)) return [...value].map((v) => plain(v, seen));
  if (Buffer.isBuffer(value)) return value.toString('base64');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'app' || k === 'server') continue;
    const p = plain(v, seen);
    if (p !== undefined) out[k] = p;
  }
  return out;
}

function resolvePath(root: Record<string, unknown>, path: string): { owner: Record<string, unknown>; value: unknown } {
  const parts = path.split('.');
  let owner: Record<string, unknown> = root;
  for (const part of parts.slice(0, -1)) owner = owner[part] as Record<string, unknown>;
  const last = parts[parts.length - 1];
  if (!owner || !(last in owner)) throw new Error(`the simulator has no ${path}`);
  return { owner, value: owner[last] };
}

/** Regular expressions travel as `{ "$regex": "..." }` (fault rules match paths with them). */
function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.$regex === 'string' && Object.keys(o).length === 1) return new RegExp(o.$regex);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, revive(v)]));
  }
  return value;
}

async function main(): Promise<void> {
  const platform = process.argv[2];
  if (!isPlatform(platform)) {
    process.stderr.write('usage: serve.ts <slack|teams|webex|zoom> [options-json]\n');
    process.exit(2);
  }
  const options = process.argv[3] ? (JSON.parse(process.argv[3]) as Record<string, unknown>) : {};
  const running = await start(platform, options);

  const control = express();
  control.use(express.json({ limit: '5mb' }));
  control.post('/call', async (req, res) => {
    try {
      const { method, args } = req.body as { method: string; args?: unknown[] };
      const { owner, value } = resolvePath(running.target, method);
      if (typeof value !== 'function') throw new Error(`${method} is not a method`);
      const result = await (value as (...a: unknown[]) => unknown).apply(owner, (revive(args ?? []) as unknown[]) ?? []);
      res.json({ result: plain(result) ?? null });
    } catch (err) {
      res.status(400).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });
  control.post('/get', (req, res) => {
    try {
      const { value } = resolvePath(running.target, String((req.body as { path: string }).path));
      res.json({ value: plain(value) ?? null });
    } catch (err) {
      res.status(400).json({ error: err instanceof Error ? err.message : String(err) });
    }
  });
  control.get('/calls', (req, res) => {
    const after = Number(req.query.after ?? 0);
    res.json({ calls: plain(running.sim.calls.filter((c) => c.seq > after)) });
  });
  const server = control.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const controlUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stop = async () => {
    server.close();
    await running.close().catch(() => {});
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdout.write(`${JSON.stringify({ platform, url: running.url, controlUrl, settings: running.settings })}\n`);
}

void main();
