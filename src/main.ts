/**
 * `npm start`: validates the configuration, then starts the service in one of two modes.
 *
 * - Production (some platform has credentials, `CROSSTALK_SANDBOX` unset): only the configured
 *   platforms are on; no simulator or demo code is even loaded.
 * - Sandbox (no credentials, or `CROSSTALK_SANDBOX=1`): the platforms without credentials run
 *   against local simulators with a demo organization, loaded here with a dynamic import.
 *
 * Ctrl-C or SIGTERM shuts everything down in order.
 */
import { ConfigError, configuredPlatforms, loadConfig, type AppConfig } from './config.js';
import { createLogger } from './log.js';
import { startService, type Service } from './service.js';
import { adapterFactories } from './adapters.js';

/** What sandbox mode adds around the service; absent in production. */
interface SandboxRun {
  config: AppConfig;
  attach(service: Service): Promise<void>;
  stop(): Promise<void>;
  serviceOptions: Partial<Parameters<typeof startService>[0]>;
}

async function startSandboxMode(config: AppConfig, log: ReturnType<typeof createLogger>): Promise<SandboxRun> {
  const [{ startSandbox }, { sandboxWeb }] = await Promise.all([import('../sandbox/index.js'), import('../sandbox/web/index.js')]);
  const sandbox = await startSandbox(config, log);
  return {
    config: sandbox.config,
    attach: (service) => sandbox.attach(service),
    stop: () => sandbox.stop(),
    serviceOptions: sandboxWeb(sandbox),
  };
}

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

  let sandbox: SandboxRun | undefined;
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

  const configured = configuredPlatforms(config);
  if (config.sandboxForced) {
    log.warn(
      { configured },
      `CROSSTALK_SANDBOX=1 BESIDE REAL CREDENTIALS: simulated platforms, demo people and a demo admin run next to ${configured.join(', ')}. Never do this in production.`,
    );
  }
  try {
    if (config.sandbox) sandbox = await startSandboxMode(config, log);
    service = await startService({ config: sandbox?.config ?? config, log, adapterFactories, ...sandbox?.serviceOptions });
    await sandbox?.attach(service);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`crosstalk: could not start: ${message}\n`);
    await service?.stop().catch(() => {});
    await sandbox?.stop().catch(() => {});
    process.exit(1);
  }
  const base = config.publicUrl ?? service.url.replace('127.0.0.1', 'localhost');
  log.info({ url: base, mode: config.sandbox ? 'sandbox' : 'production', platforms: configured }, 'Crosstalk is running');
  process.stdout.write(
    config.sandbox
      ? `\nCrosstalk sandbox is running: open ${base}/sandbox (admin page: ${base}/admin, health: ${base}/healthz)\n\n`
      : `\nCrosstalk is running at ${base} (production mode: ${configured.join(', ')}; listening on port ${new URL(service.url).port})\n\n`,
  );
}

void main();
