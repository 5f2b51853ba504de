/**
 * `npm start`: validates the configuration, starts platform simulators for every platform without
 * credentials (sandbox mode), then the service; Ctrl-C or SIGTERM shuts everything down in order.
 */
import { ConfigError, loadConfig, type AppConfig } from './config.js';
import { createLogger } from './log.js';
import { startService, type Service } from './service.js';
import { adapterFactories } from './adapters.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { sandboxWeb } from '../sandbox/web/index.js';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) process.stderr.write(`crosstalk: invalid setting ${problem}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);

  let sandbox: Sandbox | undefined;
  let service: Service | undefined;
  let exiting = false;
  const shutdown = async (signal: string) => {
    if (exiting) return;
    exiting = true;
    log.info({ signal }, 'received signal');
    await service?.stop();
    await sandbox?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    sandbox = await startSandbox(config, log);
    service = await startService({ config: sandbox.config, log, adapterFactories, ...sandboxWeb(sandbox) });
    await sandbox.attach(service);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`crosstalk: could not start: ${message}\n`);
    await service?.stop().catch(() => {});
    await sandbox?.stop().catch(() => {});
    process.exit(1);
  }
  const base = config.publicUrl ?? service.url.replace('127.0.0.1', 'localhost');
  log.info({ url: base, sandbox: config.sandbox }, 'Crosstalk is running');
  process.stdout.write(
    config.sandbox
      ? `\nCrosstalk sandbox is running: open ${base}/sandbox (admin page: ${base}/admin, health: ${base}/healthz)\n\n`
      : `\nCrosstalk is running at ${base}\n\n`,
  );
}

void main();
