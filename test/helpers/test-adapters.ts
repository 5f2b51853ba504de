/**
 * The four real adapters with test-sized retry settings, importable outside vitest (a child
 * process running the service for restart tests loads this too).
 */
import { createSlackAdapter } from '../../adapters/slack/index.js';
import { createTeamsAdapter } from '../../adapters/teams/index.js';
import { createWebexAdapter } from '../../adapters/webex/index.js';
import { createZoomAdapter } from '../../adapters/zoom/index.js';
import type { OutboundPolicyOptions } from '../../src/outbound.js';
import type { AdapterDeps, Platform } from '../../src/chat-adapter.js';
import type { AppConfig } from '../../src/config.js';
import { platformAdapter, type AdapterFactory } from '../../src/service.js';

/** Fast retry settings for tests: a 429 with Retry-After: 1 resolves in about a second. */
export const FAST_POLICY: OutboundPolicyOptions = { timeoutMs: 3000, retries: 3, minBackoffMs: 20, maxBackoffMs: 200 };

/** The four adapters with test-sized retry settings. */
export const testAdapterFactories: AdapterFactory[] = [
  platformAdapter('slack', (deps) => createSlackAdapter(deps, { retryConfig: { retries: 3, minTimeout: 20, maxTimeout: 200 }, timeoutMs: 3000 })),
  platformAdapter('teams', (deps) => createTeamsAdapter(deps, { outbound: FAST_POLICY })),
  platformAdapter('webex', (deps) => createWebexAdapter(deps, { policy: FAST_POLICY })),
  platformAdapter('zoom', (deps) => createZoomAdapter(deps, { policy: FAST_POLICY })),
];

/** An adapter's dependencies from a whole test configuration: its own section and the public URL. */
export function adapterDeps<P extends Platform>(config: AppConfig, platform: P, shared: Omit<AdapterDeps, 'settings' | 'publicUrl'>): AdapterDeps<AppConfig[P]> {
  return { ...shared, settings: config[platform], publicUrl: config.publicUrl ?? `http://localhost:${config.port}` };
}
