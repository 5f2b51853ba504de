/**
 * Test harness: the Zoom simulator, the real Zoom adapter mounted on an express app on a free
 * port, a recording sink and in-memory store and workspace directory passed in through `deps`.
 */
import { adapterDeps } from '../../helpers/test-adapters.js';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  AdapterStore,
  HandleResult,
  InboundEvent,
  InboundSink,
  Platform,
  WorkspaceDirectory,
  WorkspaceRef,
} from '../../../src/chat-adapter.js';
import { loadConfig, type AppConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { createZoomAdapter, type ZoomAdapter, type ZoomAdapterOptions } from '../../../adapters/zoom/index.js';
import { createZoomSimulator, type ZoomSimulator, type ZoomSimulatorOptions } from '../../../sandbox/simulators/zoom/server.js';

/** Records every event; commands get a reply echoing their text. */
export class RecordingSink implements InboundSink {
  readonly events: InboundEvent[] = [];
  fail = false;
  async handle(event: InboundEvent): Promise<HandleResult> {
    if (this.fail) throw new Error('database down');
    this.events.push(event);
    if (event.kind === 'command') return { reply: { text: `**${event.text}** received` } };
    if (event.kind === 'action') return { reply: { text: `You chose ${event.value}` } };
    return {};
  }
}

/** A store kept in a map. */
export class MemoryStore implements AdapterStore {
  readonly data = new Map<string, unknown>();
  async get<T>(platform: Platform, ws: string, key: string): Promise<T | undefined> {
    return this.data.get(`${platform}/${ws}/${key}`) as T | undefined;
  }
  async set<T>(platform: Platform, ws: string, key: string, value: T): Promise<void> {
    this.data.set(`${platform}/${ws}/${key}`, value);
  }
  async delete(platform: Platform, ws: string, key: string): Promise<void> {
    this.data.delete(`${platform}/${ws}/${key}`);
  }
}

/** Workspaces kept in a map. */
export class MemoryWorkspaces implements WorkspaceDirectory {
  readonly data = new Map<string, WorkspaceRef & { name: string }>();
  async get(platform: Platform, externalId: string): Promise<WorkspaceRef | undefined> {
    return this.data.get(`${platform}/${externalId}`);
  }
  async upsert(platform: Platform, workspace: WorkspaceRef & { name: string }): Promise<void> {
    this.data.set(`${platform}/${workspace.externalId}`, workspace);
  }
}

/** Everything a Zoom adapter test needs. */
export interface ZoomHarness {
  zoom: ZoomSimulator;
  adapter: ZoomAdapter;
  sink: RecordingSink;
  store: MemoryStore;
  workspaces: MemoryWorkspaces;
  config: AppConfig;
  baseUrl: string;
  workspace: WorkspaceRef;
  close(): Promise<void>;
}

/** Starts the simulator and the adapter; the first account becomes `workspace`. */
export async function startZoomHarness(
  simOptions: ZoomSimulatorOptions,
  adapterOptions: ZoomAdapterOptions = {},
): Promise<ZoomHarness> {
  const zoom = await createZoomSimulator(simOptions);
  const s = zoom.sandboxSettings();
  const base = loadConfig({ NODE_ENV: 'test' });
  const config: AppConfig = {
    ...base,
    publicUrl: 'https://crosstalk.test',
    zoom: { configured: false, sandbox: true, ...s },
  };
  const sink = new RecordingSink();
  const store = new MemoryStore();
  const workspaces = new MemoryWorkspaces();
  for (const account of zoom.accounts.values()) {
    await workspaces.upsert('zoom', { externalId: account.accountId, name: account.name, credentials: {} });
  }
  const adapter = createZoomAdapter(
    adapterDeps(config, 'zoom', { log: createLogger('silent'), sink, store, workspaces }),
    { policy: { minBackoffMs: 10, maxBackoffMs: 50, timeoutMs: 5000 }, ...adapterOptions },
  );
  const app = express();
  const router = express.Router();
  adapter.mount(router);
  app.use(router);
  const server: Server = await new Promise((resolve) => {
    const srv = app.listen(0, '127.0.0.1', () => resolve(srv));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    zoom,
    adapter,
    sink,
    store,
    workspaces,
    config,
    baseUrl,
    workspace: (await workspaces.get('zoom', s.accountId))!,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await zoom.close();
    },
  };
}
