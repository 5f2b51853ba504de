/**
 * Team and channel membership beyond `addMember`: listing members and removing someone a group
 * sync added. Graph removes a member by its conversationMember id, so the member is looked up
 * first by user id. `conversationId` is a team id, or `teamId/channelId` for a private or shared channel.
 */
import { AdapterError, AdapterErrorCode, type WorkspaceRef } from '../../src/chat-adapter.js';
import type { GraphApi } from './api.js';

interface GraphMember {
  id: string;
  userId?: string | null;
  roles?: string[];
}

function membersPath(conversationId: string): string {
  const slash = conversationId.indexOf('/');
  if (slash < 0) return `/teams/${encodeURIComponent(conversationId)}/members`;
  return `/teams/${encodeURIComponent(conversationId.slice(0, slash))}/channels/${encodeURIComponent(conversationId.slice(slash + 1))}/members`;
}

/** `removeMember` and `listMembers` for the Teams adapter. */
export function teamsMembers(graph: GraphApi) {
  async function page(workspace: WorkspaceRef, conversationId: string, cursor?: string) {
    const url = cursor ?? `${graph.base}${membersPath(conversationId)}`;
    const { body } = await graph.request<{ value: GraphMember[]; '@odata.nextLink'?: string }>(
      `graph:${workspace.externalId}`,
      'list members',
      'GET',
      url,
      graph.appToken(workspace),
    );
    return body;
  }

  return {
    async listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      const body = await page(workspace, conversationId, cursor);
      const userIds = body.value.map((m) => m.userId).filter((id): id is string => Boolean(id));
      return { userIds, ...(body['@odata.nextLink'] ? { nextCursor: body['@odata.nextLink'] } : {}) };
    },

    async removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'> {
      let cursor: string | undefined;
      let member: GraphMember | undefined;
      do {
        const body = await page(workspace, conversationId, cursor);
        member = body.value.find((m) => m.userId === userId);
        cursor = body['@odata.nextLink'];
      } while (!member && cursor);
      if (!member) return 'not_member';
      try {
        await graph.request(
          `graph:${workspace.externalId}`,
          'remove member',
          'DELETE',
          `${graph.base}${membersPath(conversationId)}/${encodeURIComponent(member.id)}`,
          graph.appToken(workspace),
        );
        return 'removed';
      } catch (err) {
        if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) return 'not_member';
        throw err;
      }
    },
  };
}
