/**
 * The DM relay end to end: Slack users write in their bot chat (signed Events API deliveries), the
 * relay posts to their colleagues on Teams (bot sync), and each copy is observed arriving at the
 * Teams simulator. The service runs in its own process (relay-service.ts); the simulators and the
 * load run here, so the service's own cost is what is measured:
 * - sustained throughput: `PAIRS` senders each keep one message in flight;
 * - database round trips per message, counted by the driver's command monitoring in the service;
 * - service CPU per message (the service process's own CPU time), with a CPU profile;
 * - added latency at 200 msg/s (request sent → copy posted at Teams) and the platform's
 *   acknowledgement latency (request sent → 200 received);
 * - sustained throughput again with 100,000 relayed messages (outbox records and receipts) stored;
 * - lost and doubled copies over the whole run, and the service's peak RSS.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Types } from 'mongoose';
import { loadConfig } from '../../src/config.js';
import { Cipher, resolveEncryptionKey } from '../../src/crypto.js';
import { openDatabase } from '../../src/db/connect.js';
import { freePort, startEmbeddedDb } from '../../src/db/embedded.js';
import { createLogger } from '../../src/log.js';
import { MessageLinkModel } from '../../src/relay/message-link.model.js';
import { PersonModel } from '../../src/directory/person.model.js';
import { PlatformAccountModel } from '../../src/directory/platform-account.model.js';
import { RelayReceiptModel } from '../../src/relay/relay-receipt.model.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';
import type { Service } from '../../src/service.js';
import { startSandbox } from '../../sandbox/index.js';
import type { RecordedCall } from '../../sandbox/simulators/sim-core.js';
import type { CommandCounts, ServiceRequest } from './relay-service.js';
import { figure, type BenchModule, type BenchResult } from './types.js';

/** `RELAY_BENCH_QUICK=1`: a small, short run to check the benchmark itself (figures not comparable). */
const QUICK = process.env.RELAY_BENCH_QUICK === '1';
const PAIRS = QUICK ? 8 : 32;
const WARMUP_MS = QUICK ? 1_000 : 3_000;
const THROUGHPUT_MS = QUICK ? 3_000 : 10_000;
const LATENCY_RATE = 200;
const LATENCY_MS = QUICK ? 2_000 : 8_000;
const SETTLE_MS = 30_000;
const STORED = QUICK ? 2_000 : 100_000;
const ACTIVITIES = /^\/connector\/v3\/conversations\/[^/]+\/activities(\/[^/]+)?$/;
const MARK = /rb(\d+)x/;

interface Stats {
  commands: CommandCounts;
  commandMs: CommandCounts;
  cpuMs: number;
  peakRss: number;
  cacheMisses: number;
  cacheClears: Record<string, number>;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  hitCount?: number;
}

/** A progress line on stderr (the figures go to stdout). */
function progress(line: string): void {
  process.stderr.write(`  relay: ${line}\n`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Adds `monitorCommands=true` to a connection string. */
function withMonitoring(uri: string): string {
  const url = new URL(uri);
  url.searchParams.set('monitorCommands', 'true');
  return url.toString();
}

/** The request/answer channel to the service process (one request at a time). */
function channel(child: ChildProcess) {
  return <T>(request: ServiceRequest): Promise<T> =>
    new Promise((resolve, reject) => {
      child.once('message', (answer: T & { error?: string }) => (answer.error ? reject(new Error(answer.error)) : resolve(answer)));
      child.send(request);
    });
}

function delta(after: CommandCounts, before: CommandCounts): CommandCounts {
  const out: CommandCounts = {};
  for (const [k, v] of Object.entries(after)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

/** Self time of a CPU profile by where the code lives (a package, a project file, Node itself). */
function whereTimeGoes(profile: { nodes: ProfileNode[]; samples?: number[] }): Array<{ where: string; share: number }> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const hits = new Map<string, number>();
  let total = 0;
  const count = (node: ProfileNode, n: number) => {
    const url = node.callFrame.url;
    let where: string;
    if (!url) where = node.callFrame.functionName.startsWith('(') ? node.callFrame.functionName : '(native)';
    else if (url.includes('node_modules/')) {
      const rest = url.split('node_modules/').pop()!;
      where = rest.startsWith('@') ? rest.split('/').slice(0, 2).join('/') : rest.split('/')[0];
    } else if (url.startsWith('node:')) where = 'node internals';
    else where = path.relative(process.cwd(), url.replace('file://', ''));
    hits.set(where, (hits.get(where) ?? 0) + n);
    total += n;
  };
  if (profile.samples?.length) for (const id of profile.samples) count(byId.get(id)!, 1);
  else for (const node of profile.nodes) count(node, node.hitCount ?? 0);
  return [...hits]
    .filter(([where]) => where !== '(idle)')
    .map(([where, n]) => ({ where, share: n / total }))
    .sort((a, b) => b.share - a.share);
}

const bench: BenchModule = {
  name: 'Relay: Slack → Teams DMs through the simulators',
  async run() {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crosstalk-bench-relay-'));
    const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedDb({ dataDir: path.join(dir, 'db') });
    const uri = process.env.MONGODB_URI ?? embedded!.uri;
    const log = createLogger('warn');
    const base = loadConfig({ PORT: '0', MONGODB_URI: uri, CROSSTALK_DATA_DIR: dir, LOG_LEVEL: 'warn' });
    const sandbox = await startSandbox(base, log, { demo: false });
    const cipher = new Cipher(resolveEncryptionKey(undefined, dir));
    const database = await openDatabase({ mongodbUri: uri, dataDir: dir, log });
    const port = await freePort();
    const serviceConfig = { ...sandbox.config, port, publicUrl: `http://127.0.0.1:${port}`, mongodbUri: withMonitoring(uri) };
    const child = fork(path.join(import.meta.dirname, 'relay-service.ts'), {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, CROSSTALK_BENCH_SERVICE_CONFIG: JSON.stringify(serviceConfig) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ask = channel(child);
    const results: BenchResult[] = [];
    const notes: string[] = [];
    try {
      const ready = await new Promise<{ url: string; organizationId: string }>((resolve, reject) => {
        child.once('message', resolve);
        child.once('exit', (code) => reject(new Error(`the service exited (${code}) before it was ready`)));
      });
      const organizationId = new Types.ObjectId(ready.organizationId);
      await sandbox.attach({ organizationId, cipher } as unknown as Service);
      const slack = sandbox.simulators.slack!;
      const teams = sandbox.simulators.teams!;
      const slackWs = (await WorkspaceModel.findOne({ organizationId, platform: 'slack' }))!;
      const teamsWs = (await WorkspaceModel.findOne({ organizationId, platform: 'teams' }))!;
      const tenantId = teamsWs.externalId;
      const senders: string[] = [];
      const bobs: string[] = [];
      for (let i = 0; i < PAIRS; i++) {
        const ann = { name: `Ann ${i}`, email: `ann${i}@bench.example` };
        const bob = { name: `Bob ${i}`, email: `bob${i}@bench.example` };
        const annId = slack.state.addUser(slackWs.externalId, { name: `ann${i}`, realName: ann.name, email: ann.email }).id;
        const bobId = teams.addUser(tenantId, { displayName: bob.name, mail: bob.email }).id;
        const [annP, bobP] = await PersonModel.create([
          { organizationId, ...ann, primaryWorkspaceId: slackWs._id, syncState: 'on' },
          { organizationId, ...bob, primaryWorkspaceId: teamsWs._id, syncState: 'on' },
        ]);
        await PlatformAccountModel.create([
          { organizationId, workspaceId: slackWs._id, platform: 'slack', externalUserId: annId, personId: annP._id, ...ann, secondary: { status: 'on', type: 'user', updatedAt: new Date() } },
          { organizationId, workspaceId: teamsWs._id, platform: 'teams', externalUserId: bobId, personId: bobP._id, ...bob, secondary: { status: 'on', type: 'user', updatedAt: new Date() } },
        ]);
        senders.push(annId);
        if (i === 0) progress('seeding people');
        bobs.push(bobId);
      }
      // Each Bob opens the conversation, so what Ann then types in her bot chat goes back to him.
      for (const [i, userId] of bobs.entries()) await teams.sendDirectMessage(ready.url, { tenantId, userId, text: `dm ann${i}@bench.example hello` });
      const deadline = Date.now() + SETTLE_MS;
      while ((await RelayReceiptModel.countDocuments({ organizationId, status: 'delivered' })) < PAIRS) {
        if (Date.now() > deadline) throw new Error('the opening messages were not delivered');
        await new Promise((r) => setTimeout(r, 100));
      }

      // Every copy arriving at Teams, by its mark: when it arrived and how many times.
      const arrivals = new Map<number, number[]>();
      const onCall = (call: RecordedCall) => {
        if (call.method !== 'POST' || !ACTIVITIES.test(call.path)) return;
        const mark = MARK.exec(JSON.stringify(call.body));
        if (!mark) return;
        const n = Number(mark[1]);
        const list = arrivals.get(n) ?? [];
        list.push(call.at.getTime());
        arrivals.set(n, list);
      };
      teams.sim.on('call', onCall);
      const sentAt = new Map<number, number>();
      const acks = new Map<number, number>();
      const rejected: number[] = [];
      let next = 0;
      const send = async (sender: string): Promise<number> => {
        const n = next++;
        const t = performance.now();
        sentAt.set(n, Date.now());
        const res = await slack.sendDirectMessage(ready.url, { teamId: slackWs.externalId, userId: sender, text: `message rb${n}x` });
        if (res.status === 200) acks.set(n, performance.now() - t);
        else rejected.push(n);
        return n;
      };
      const arrived = (n: number) => (arrivals.get(n)?.length ?? 0) > 0;
      const waitFor = async (ns: number[], until: number) => {
        while (ns.some((n) => acks.has(n) && !arrived(n)) && Date.now() < until) await new Promise((r) => setTimeout(r, 2));
      };
      const closedLoop = async (ms: number) => {
        const first = next;
        const start = Date.now();
        const end = start + ms;
        await Promise.all(
          senders.map(async (sender) => {
            do await waitFor([await send(sender)], end + SETTLE_MS);
            while (Date.now() < end);
          }),
        );
        const marks = Array.from({ length: next - first }, (_, k) => first + k).filter(arrived);
        const last = Math.max(...marks.map((n) => arrivals.get(n)![0]));
        return { delivered: marks.length, seconds: (last - start) / 1000 };
      };

      progress('opening messages delivered; warming up');
      // Every sender's first messages fill the service's caches; the figures are about the steady state.
      await closedLoop(0);
      await closedLoop(0);
      await closedLoop(WARMUP_MS);
      progress('sustained run');

      // Sustained throughput, with round trips, CPU and a CPU profile of the service.
      await ask({ kind: 'profile-start' });
      const before = await ask<Stats>({ kind: 'stats' });
      const sustained = await closedLoop(THROUGHPUT_MS);
      const after = await ask<Stats>({ kind: 'stats' });
      const { profile } = await ask<{ profile: { nodes: ProfileNode[]; samples?: number[] } }>({ kind: 'profile-stop' });
      const rate = sustained.delivered / sustained.seconds;
      const commands = delta(after.commands, before.commands);
      const roundTrips = Object.values(commands).reduce((a, b) => a + b, 0);
      const perMessage = roundTrips / sustained.delivered;
      const cpuPerMessage = (after.cpuMs - before.cpuMs) / sustained.delivered;
      results.push(figure('relay sustained', rate, 'msg/s', '>=', 500));
      results.push(figure('relay db round trips per message', perMessage, 'round trips', '<=', 3));
      results.push(figure('relay service cpu per message', cpuPerMessage, 'ms', '<=', 2));
      const byCollection = Object.entries(commands)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${(v / sustained.delivered).toFixed(3)}`)
        .join(', ');
      notes.push(
        `Sustained: ${sustained.delivered} messages from ${PAIRS} senders in ${sustained.seconds.toFixed(1)} s; the service used ${(after.cpuMs - before.cpuMs).toFixed(0)} ms of CPU ` +
          `(${(((after.cpuMs - before.cpuMs) / 1000 / sustained.seconds) * 100).toFixed(0)} % of one core). ` +
          `Database commands per message, by command and collection: ${byCollection || 'none'} (directory cache misses in the window: ${after.cacheMisses - before.cacheMisses}; cache dropped by change signals: ${JSON.stringify(delta(after.cacheClears, before.cacheClears))}).`,
      );
      progress(notes[notes.length - 1]);
      const waited = delta(after.commandMs, before.commandMs);
      notes.push(
        `Database answer time per command during the sustained run (mean): ${Object.entries(waited)
          .sort((x, y) => y[1] - x[1])
          .slice(0, 6)
          .map(([k, ms]) => `${k} ${(ms / commands[k]).toFixed(1)} ms`)
          .join(', ')}; the outbox append is awaited before the platform's 200, so the acknowledgement latency follows it.`,
      );
      const top = whereTimeGoes(profile).slice(0, 8);
      notes.push(`Service CPU profile (self time) during the sustained run: ${top.map((t) => `${t.where} ${(t.share * 100).toFixed(0)} %`).join(', ')}.`);

      progress(`sustained ${rate.toFixed(0)} msg/s, ${perMessage.toFixed(2)} round trips and ${cpuPerMessage.toFixed(2)} ms CPU per message; fixed-rate run`);
      // Added latency and acknowledgement latency at a fixed rate.
      const latencyRate = rate >= LATENCY_RATE ? LATENCY_RATE : Math.max(1, Math.floor(rate * 0.8));
      const firstOfLatency = next;
      const sends: Promise<number>[] = [];
      const intervalMs = 1000 / latencyRate;
      const lStart = Date.now();
      for (let k = 0; Date.now() - lStart < LATENCY_MS; k++) {
        const wait = lStart + k * intervalMs - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sends.push(send(senders[k % senders.length]));
      }
      await Promise.all(sends);
      const latencyMarks = Array.from({ length: next - firstOfLatency }, (_, k) => firstOfLatency + k);
      await waitFor(latencyMarks, Date.now() + SETTLE_MS);
      const added = latencyMarks.filter((n) => arrived(n)).map((n) => arrivals.get(n)![0] - sentAt.get(n)!);
      const ackTimes = latencyMarks.filter((n) => acks.has(n)).map((n) => acks.get(n)!);
      results.push(figure(`relay added latency p99 at 200 msg/s`, percentile(added, 99), 'ms', '<=', 25));
      results.push(figure('relay ack latency p99', percentile(ackTimes, 99), 'ms', '<=', 50));
      notes.push(
        `At ${latencyRate} msg/s for ${LATENCY_MS / 1000} s: added latency (request sent → copy posted at Teams) p50 ${percentile(added, 50).toFixed(1)} ms, p99 ${percentile(added, 99).toFixed(1)} ms; ` +
          `acknowledgement (request sent → 200) p50 ${percentile(ackTimes, 50).toFixed(1)} ms, p99 ${percentile(ackTimes, 99).toFixed(1)} ms.` +
          (latencyRate !== LATENCY_RATE ? ' 200 msg/s could not be sustained, so this rate is 80 % of the sustained rate.' : ''),
      );

      // The same with 100k relayed messages already stored (outbox records and their receipts).
      progress(`storing ${STORED} relayed messages`);
      const fillStart = Date.now();
      const CHUNK = 1000;
      for (let i = 0; i < STORED; i += CHUNK) {
        const conversationId = new Types.ObjectId();
        const links = Array.from({ length: Math.min(CHUNK, STORED - i) }, (_, k) => ({
          _id: new Types.ObjectId(),
          organizationId,
          conversationId,
          sequence: k + 1,
          op: 'post',
          opKey: 'post',
          source: { platform: 'slack', workspaceId: slackWs._id, conversationId: 'D-stored', messageId: `stored-${i + k}`, userId: 'U-stored' },
          target: { workspaceId: teamsWs._id, userId: 'stored' },
          text: `stored message ${i + k}`,
          createdAt: new Date(),
        }));
        await MessageLinkModel.collection.insertMany(links, { ordered: false });
        await RelayReceiptModel.collection.insertMany(
          links.map((l) => ({
            _id: l._id,
            organizationId,
            conversationId,
            sequence: l.sequence,
            op: 'post',
            status: 'delivered',
            source: { workspaceId: slackWs._id, messageId: l.source.messageId },
            target: { workspaceId: teamsWs._id },
            copy: { platform: 'teams', workspaceId: teamsWs._id, conversationId: 'a:stored', messageId: `copy-${l.source.messageId}`, as: 'bot' },
            attempts: 0,
            at: new Date(),
          })),
          { ordered: false },
        );
      }
      const fillSeconds = (Date.now() - fillStart) / 1000;
      progress(`stored in ${fillSeconds.toFixed(0)} s; sustained run with them`);
      await closedLoop(WARMUP_MS);
      const loaded = await closedLoop(THROUGHPUT_MS);
      const loadedRate = loaded.delivered / loaded.seconds;
      results.push(figure('relay sustained with 100k links stored', loadedRate, 'msg/s', '>=', 400));
      const stored = await MessageLinkModel.countDocuments({ organizationId });
      notes.push(`With ${stored} outbox records (and as many receipts) stored (${STORED} written in ${fillSeconds.toFixed(0)} s): ${loaded.delivered} messages in ${loaded.seconds.toFixed(1)} s.`);

      // Lost and doubled over the whole run, once everything has settled.
      await ask({ kind: 'idle' });
      const all = Array.from({ length: next }, (_, n) => n).filter((n) => acks.has(n));
      await waitFor(all, Date.now() + SETTLE_MS);
      teams.sim.off('call', onCall);
      const lost = all.filter((n) => !arrived(n)).length;
      const doubled = all.filter((n) => (arrivals.get(n)?.length ?? 0) > 1).length;
      const final = await ask<Stats>({ kind: 'stats' });
      results.push(figure('relay lost', lost, 'messages', '<=', 0));
      results.push(figure('relay doubled', doubled, 'messages', '<=', 0));
      results.push(figure('relay peak RSS', final.peakRss / 2 ** 20, 'MB', '<=', 300));
      notes.push(
        `${all.length} messages acknowledged over the run (${rejected.length} inbound requests refused), ${lost} lost, ${doubled} doubled. ` +
          `Service and simulators in separate processes; database: ${process.env.MONGODB_URI ? 'MONGODB_URI' : 'embedded FerretDB 1.24 on SQLite'}.`,
      );
      return { results, notes };
    } finally {
      await ask({ kind: 'stop' }).catch(() => undefined);
      if (child.exitCode === null) child.kill('SIGKILL');
      await sandbox.stop();
      await database.close();
      await embedded?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;
