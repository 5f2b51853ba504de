/**
 * The adapters the service runs, one per platform. This file is part of the composition root:
 * it is the only place in src/ that names the adapter packages.
 */
import { createSlackAdapter } from '../adapters/slack/index.js';
import { createTeamsAdapter } from '../adapters/teams/index.js';
import { createWebexAdapter } from '../adapters/webex/index.js';
import { createZoomAdapter } from '../adapters/zoom/index.js';
import { platformAdapter, type AdapterFactory } from './service.js';

/** Every platform adapter, in the order their routes are mounted; each is built only when its platform is on. */
export const adapterFactories: AdapterFactory[] = [
  platformAdapter('slack', (deps) => createSlackAdapter(deps)),
  platformAdapter('teams', (deps) => createTeamsAdapter(deps)),
  platformAdapter('webex', (deps) => createWebexAdapter(deps)),
  platformAdapter('zoom', (deps) => createZoomAdapter(deps)),
];
