/**
 * Channel membership operations rule syncs need beyond `ChatAdapter.addMember`: listing a
 * channel's members (what a contact sync's `group:` destination selects) and removing a member
 * (what `group undo` does). Every adapter lists and removes members (`listMembers`, `removeMember`).
 */
import { adapterFor, workspaceRef, type Core } from '../core/core.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';

/** A guard against a channel that pages forever. */
const MAX_MEMBER_PAGES = 2000;

/** Every member of a channel/space/team, as platform user ids. */
export async function listChannelMembers(core: Core, workspace: WorkspaceDoc, conversationId: string): Promise<string[]> {
  const adapter = adapterFor(core, workspace.platform);
  const ref = workspaceRef(core, workspace);
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_MEMBER_PAGES; page++) {
    const result = await adapter.listMembers(ref, conversationId, cursor);
    ids.push(...result.userIds);
    if (!result.nextCursor) break;
    cursor = result.nextCursor;
  }
  return ids;
}

/** Removes one member; `not_member` when they had already left. */
export async function removeChannelMember(
  core: Core,
  workspace: WorkspaceDoc,
  conversationId: string,
  userId: string,
): Promise<'removed' | 'not_member'> {
  const adapter = adapterFor(core, workspace.platform);
  return adapter.removeMember(workspaceRef(core, workspace), conversationId, userId);
}
