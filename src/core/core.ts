/**
 * What domain services, commands, jobs and web pages share: configuration, the adapters by
 * platform, the cipher for secrets at rest, and the job queue. Built once by the composition root
 * and passed in as a plain object.
 */
import type { Agenda } from 'agenda';
import type { Types } from 'mongoose';
import { AdapterError, AdapterErrorCode, type ChatAdapter, type Platform, type WorkspaceRef } from '../chat-adapter.js';
import type { AppConfig } from '../config.js';
import type { Cipher } from '../crypto.js';
import type { Logger } from '../log.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import type { DirectoryCache } from '../directory/cache.js';
import type { ServiceEvents } from './events.js';

/** The shared core context. */
export interface Core {
  config: AppConfig;
  log: Logger;
  cipher: Cipher;
  adapters: Map<Platform, ChatAdapter>;
  agenda: Agenda;
  /** This service's event bus (cleared at stop). */
  events: ServiceEvents;
  /** This service's cache of workspaces, people, accounts and conversations. */
  directory: DirectoryCache;
  defaultOrganizationId: Types.ObjectId;
  /** Base URL people's browsers reach (Sync now links, OAuth redirects). */
  publicUrl: string;
}

/** The adapter for a platform; a typed error if that platform is not connected. */
export function adapterFor(core: Core, platform: Platform): ChatAdapter {
  const adapter = core.adapters.get(platform);
  if (!adapter) throw new AdapterError(AdapterErrorCode.NotSupported, `${platform} is not connected to this Crosstalk`);
  return adapter;
}

/** A workspace as its adapter needs it, with credentials decrypted. */
export function workspaceRef(core: Core, ws: Pick<WorkspaceDoc, 'externalId' | 'credentials'>): WorkspaceRef {
  return {
    externalId: ws.externalId,
    credentials: ws.credentials ? core.cipher.decryptJson<Record<string, string>>(ws.credentials) : {},
  };
}
