/**
 * The service under benchmark, in its own process (started by relay.bench.ts with `fork`). It
 * counts every database command it sends (the driver's command monitoring, enabled by
 * `monitorCommands=true` in the connection string), samples its own RSS, and can record a CPU
 * profile, all reported over the IPC channel on request, so the benchmark measures the service
 * alone, apart from the simulators that drive it.
 */
import { Session } from 'node:inspector/promises';
import mongoose from 'mongoose';
import { adapterFactories } from '../../src/adapters.js';
import type { AppConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';
import { startService } from '../../src/service.js';

/** Requests the benchmark sends. */
export type ServiceRequest = { kind: 'stats' } | { kind: 'profile-start' } | { kind: 'profile-stop' } | { kind: 'idle' } | { kind: 'stop' };

/** Database commands by `command collection`, e.g. `insert messagelinks`. */
export type CommandCounts = Record<string, number>;

const config = JSON.parse(process.env.CROSSTALK_BENCH_SERVICE_CONFIG ?? '{}') as AppConfig;
const log = createLogger('warn');
const service = await startService({ config, log, adapterFactories, host: '127.0.0.1', drainMs: 1000 });

const commands: CommandCounts = {};
/** Total milliseconds the database took to answer, by the same keys. */
const commandMs: CommandCounts = {};
const client = mongoose.connection.getClient();
const keyOf = (name: string, command: Record<string, unknown> | undefined) => {
  const target = command?.[name];
  return `${name} ${typeof target === 'string' ? target : ''}`.trim();
};
const started = new Map<number, string>();
client.on('commandSucceeded', (event) => {
  const key = started.get(event.requestId);
  started.delete(event.requestId);
  if (key) commandMs[key] = (commandMs[key] ?? 0) + event.duration;
});
client.on('commandFailed', (event) => started.delete(event.requestId));
client.on('commandStarted', (event) => {
  const key = keyOf(event.commandName, event.command);
  started.set(event.requestId, key);
  commands[key] = (commands[key] ?? 0) + 1;
});

let peakRss = process.memoryUsage().rss;
setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50).unref();

const session = new Session();
session.connect();

process.on('message', async (request: ServiceRequest) => {
  try {
    switch (request.kind) {
      case 'stats': {
        const cpu = process.cpuUsage();
        process.send!({ commands: { ...commands }, commandMs: { ...commandMs }, cpuMs: (cpu.user + cpu.system) / 1000, peakRss, cacheMisses: service.relay.engine.cache.misses, cacheClears: { ...service.relay.engine.cache.clears } });
        break;
      }
      case 'profile-start':
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        process.send!({ ok: true });
        break;
      case 'profile-stop': {
        const { profile } = await session.post('Profiler.stop');
        process.send!({ profile });
        break;
      }
      case 'idle':
        await service.relay.engine.idle();
        process.send!({ ok: true });
        break;
      case 'stop':
        await service.stop();
        process.send!({ ok: true });
        process.exit(0);
    }
  } catch (err) {
    process.send!({ error: err instanceof Error ? err.message : String(err) });
  }
});
process.send!({ ready: true, url: service.url, organizationId: String(service.organizationId) });
