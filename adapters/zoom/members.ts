/**
 * Channel membership beyond `addMember`: listing a channel's members and removing someone a group
 * sync added (`DELETE /chat/channels/{channelId}/members/{identifier}`, where Zoom accepts a
 * user id, member id or email). `conversationId` is a channel id or channel JID.
 */
import { AdapterError, AdapterErrorCode, type WorkspaceRef } from '../../src/chat-adapter.js';
import type { ZoomApi } from './api.js';
import { bareJid } from './parse.js';

const MEMBERS_PAGE_SIZE = 100;

function channelIdOf(conversationId: string): string {
  return encodeURIComponent(bareJid(conversationId).split('@')[0]!);
}

/** `removeMember` and `listMembers` for the Zoom adapter. */
export function zoomMembers(api: ZoomApi) {
  return {
    async listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      const { token } = await api.accountToken(workspace);
      const page = await api.request<{ members?: Array<{ id: string }>; next_page_token?: string }>(
        workspace.externalId,
        'list channel members',
        token,
        'GET',
        `/chat/channels/${channelIdOf(conversationId)}/members`,
        { query: { page_size: String(MEMBERS_PAGE_SIZE), next_page_token: cursor || undefined } },
      );
      return { userIds: (page.members ?? []).map((m) => m.id), ...(page.next_page_token ? { nextCursor: page.next_page_token } : {}) };
    },

    async removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'> {
      const { token } = await api.accountToken(workspace);
      try {
        await api.request(
          workspace.externalId,
          'remove channel member',
          token,
          'DELETE',
          `/chat/channels/${channelIdOf(conversationId)}/members/${encodeURIComponent(userId)}`,
        );
        return 'removed';
      } catch (err) {
        if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) return 'not_member';
        throw err;
      }
    },
  };
}
