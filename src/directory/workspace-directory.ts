import type { Types } from 'mongoose';
import type { Platform, WorkspaceDirectory, WorkspaceRef } from '../chat-adapter.js';
import type { Cipher } from '../crypto.js';
import type { DirectoryCache } from './cache.js';
import { WorkspaceModel } from './workspace.model.js';

/**
 * Workspaces with their bot credentials sealed at rest. Lookups by platform id cross
 * organizations on purpose: that is how an inbound event finds its organization.
 */
export function createWorkspaceDirectory(cipher: Cipher, cache: DirectoryCache, defaultOrganizationId: () => Types.ObjectId): WorkspaceDirectory {
  return {
    async get(platform: Platform, externalId: string): Promise<WorkspaceRef | undefined> {
      // Asked on every inbound event (e.g. Slack's authorize): served by the directory cache.
      const ws = await cache.workspaceByExternal(platform, externalId);
      return ws ? cache.workspaceRef(ws) : undefined;
    },
    async upsert(platform: Platform, workspace: WorkspaceRef & { name: string }) {
      const existing = await WorkspaceModel.findOne({ platform, externalId: workspace.externalId })
        .setOptions({ crossOrganization: true })
        .lean();
      const organizationId = existing?.organizationId ?? defaultOrganizationId();
      await WorkspaceModel.updateOne(
        { organizationId, platform, externalId: workspace.externalId },
        { $set: { name: workspace.name, credentials: cipher.encryptJson(workspace.credentials) } },
        { upsert: true },
      );
    },
  };
}
