/**
 * The adapters the service runs, one per platform. This file is part of the composition root:
 * it is the only place in src/ that names the adapter packages.
 */
import { createSlackAdapter } from '../adapters/slack/index.js';
import { createTeamsAdapter } from '../adapters/teams/index.js';
import { createWebexAdapter } from '../adapters/webex/index.js';
import { createZoomAdapter } from '../adapters/zoom/index.js';
import type { AdapterFactory } from './service.js';

/** Every platform adapter, in the order their routes are mounted. */
export const adapterFactories: AdapterFactory[] = [
  (deps) => createSlackAdapter(deps),
  (deps) => createTeamsAdapter(deps),
  (deps) => createWebexAdapter(deps),
  (deps) => createZoomAdapter(deps),
];
