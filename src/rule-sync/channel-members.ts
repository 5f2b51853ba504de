/**
 * Channel membership operations rule syncs need beyond `ChatAdapter.addMember`: listing a
 * channel's members (what a contact sync's `group:` destination selects) and removing a member
 * (what `group undo` does). Adapters that can list members expose `listMembers`; this module
 * checks for it by shape.
 */
import { AdapterError, AdapterErrorCode, type ChatAdapter, type WorkspaceRef } from '../chat-adapter.js';
import { adapterFor, workspaceRef, type Core } from '../core/core.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';

/** One page of a channel's members (platform user ids). */
export interface MemberPage {
  userIds: string[];
  nextCursor?: string;
}

/** What an adapter offers when it can list a channel's members. */
export interface MemberListing {
  listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<MemberPage>;
}

/** A guard against a channel that pages forever. */
const MAX_MEMBER_PAGES = 2000;

function canList(adapter: ChatAdapter): adapter is ChatAdapter & MemberListing {
  return typeof (adapter as Partial<MemberListing>).listMembers === 'function';
}

/** Every member of a channel/space/team, as platform user ids. */
export async function listChannelMembers(core: Core, workspace: WorkspaceDoc, conversationId: string): Promise<string[]> {
  const adapter = adapterFor(core, workspace.platform);
  if (!canList(adapter)) {
    throw new AdapterError(AdapterErrorCode.NotSupported, `listing channel members is not supported on ${workspace.platform}`);
  }
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
  if (!adapter.removeMember) {
    throw new AdapterError(AdapterErrorCode.NotSupported, `removing members is not supported on ${workspace.platform}`);
  }
  return adapter.removeMember(workspaceRef(core, workspace), conversationId, userId);
}
