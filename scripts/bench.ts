/**
 * `npm run bench [-- <name>...]`: runs the benchmark modules (all, or those named), prints their
 * figures, and writes them to docs/benchmarks.json (an array of {name, value, unit, target, met})
 * and docs/BENCHMARKS.md (the same figures as a table, with the machine and the command).
 * Figures of modules not run this time are kept from the previous file.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchModule, BenchResult } from './bench/types.js';

const MODULES: Record<string, () => Promise<BenchModule>> = {
  relay: () => import('./bench/relay.bench.js').then((m) => m.default),
  people: () => import('./bench/people.bench.js').then((m) => m.default),
  groups: () => import('./bench/groups.bench.js').then((m) => m.default),
  contacts: () => import('./bench/contacts.bench.js').then((m) => m.default),
};

const root = path.resolve(import.meta.dirname, '..');
const jsonPath = path.join(root, 'docs', 'benchmarks.json');
const mdPath = path.join(root, 'docs', 'BENCHMARKS.md');
const notesPath = path.join(root, 'docs', 'benchmark-notes.json');

// Each module runs in its own process: some SDKs (Webex) bind their API address once per process.
const childIndex = process.argv.indexOf('--child');
if (childIndex !== -1) {
  const mod = await MODULES[process.argv[childIndex + 1]]();
  const out = await mod.run();
  process.stdout.write(`\n@@RESULT@@${JSON.stringify(out)}\n`);
  process.exit(0);
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !(w in MODULES));
if (unknown.length) {
  process.stderr.write(`crosstalk bench: unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(MODULES).join(', ')}\n`);
  process.exit(2);
}
const names = wanted.length ? wanted : Object.keys(MODULES);

const previous: BenchResult[] = existsSync(jsonPath) ? JSON.parse(readFileSync(jsonPath, 'utf8')) : [];
const previousNotes: Record<string, string[]> = existsSync(notesPath) ? JSON.parse(readFileSync(notesPath, 'utf8')) : {};
const byModule = new Map<string, BenchResult[]>();
const notes: Record<string, string[]> = { ...previousNotes };

for (const name of names) {
  process.stdout.write(`\n▶ ${name}\n`);
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', name], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const marker = child.stdout.lastIndexOf('@@RESULT@@');
  if (child.status !== 0 || marker === -1) {
    process.stderr.write(`crosstalk bench: ${name} failed (exit ${child.status})\n${child.stdout.slice(-2000)}\n`);
    process.exitCode = 1;
    continue;
  }
  const out = JSON.parse(child.stdout.slice(marker + '@@RESULT@@'.length)) as { results: BenchResult[]; notes?: string[] };
  byModule.set(name, out.results);
  notes[name] = out.notes ?? [];
  for (const r of out.results) {
    process.stdout.write(`  ${r.met ? '✔' : '✘'} ${r.name}: ${r.value} ${r.unit} (target ${r.target})\n`);
  }
  process.stdout.write(`  (${Math.round((Date.now() - started) / 1000)} s)\n`);
}

const ranNames = new Set([...byModule.values()].flat().map((r) => r.name));
// A module that ran replaces all its figures, also those it no longer reports (their names start with the module's).
const ranModules = [...byModule.keys()];
const merged = [
  ...previous.filter((r) => !ranNames.has(r.name) && !ranModules.some((m) => r.name.toLowerCase().startsWith(m))),
  ...[...byModule.values()].flat(),
];
mkdirSync(path.dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify(merged, null, 2)}\n`);
writeFileSync(notesPath, `${JSON.stringify(notes, null, 2)}\n`);

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const md = [
  '# Benchmarks',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}, embedded FerretDB (SQLite) unless MONGODB_URI was set.`,
  '',
  'Reproduce with `npm run bench` (all) or `npm run bench -- <name>` (one of: ' + Object.keys(MODULES).join(', ') + ').',
  '',
  'Against MongoDB (or any MongoDB-compatible server with real indexes) instead of the embedded database, set `MONGODB_URI`, e.g. ' +
    '`MONGODB_URI=mongodb://127.0.0.1:27017/crosstalk-bench npm run bench -- relay`. Use a throwaway database: the benchmark writes its own ' +
    'organization, people and 100,000 relayed messages into it. The relay benchmark starts the service in its own process with ' +
    '`monitorCommands=true` added to that URI, so its database round trips are counted by the driver.',
  '',
  '| Benchmark | Value | Unit | Target | Met |',
  '|---|---:|---|---|---|',
  ...merged.map((r) => `| ${r.name} | ${r.value} | ${r.unit} | ${r.target} | ${r.met ? 'yes' : '**no**'} |`),
  '',
  ...Object.entries(notes).flatMap(([name, lines]) => (lines.length ? [`## ${name}`, '', ...lines.map((l) => `- ${l}`), ''] : [])),
].join('\n');
writeFileSync(mdPath, md);
process.stdout.write(`\nWrote ${path.relative(root, jsonPath)} and ${path.relative(root, mdPath)}\n`);
process.exit(process.exitCode ?? 0);
