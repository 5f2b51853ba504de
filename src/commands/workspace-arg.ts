import type { Types } from 'mongoose';
import { isPlatform } from '../chat-adapter.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { UsageError } from './registry.js';

/**
 * Finds a workspace by name (case-insensitive), platform id, or platform name when the
 * organization has only one workspace on that platform.
 */
export async function findWorkspace(organizationId: Types.ObjectId, token: string): Promise<WorkspaceDoc> {
  const all = await WorkspaceModel.find({ organizationId });
  const lower = token.toLowerCase();
  const byName = all.filter((w) => w.name.toLowerCase() === lower || w.externalId === token);
  if (byName.length === 1) return byName[0];
  if (isPlatform(lower)) {
    const onPlatform = all.filter((w) => w.platform === lower);
    if (onPlatform.length === 1) return onPlatform[0];
  }
  const names = all.map((w) => `"${w.name}" (${w.platform})`).join(', ');
  throw new UsageError(`no workspace called "${token}"; connected: ${names || 'none'}`);
}
