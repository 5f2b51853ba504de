/**
 * Channel membership beyond `addMember`: removing someone a group sync added
 * (`conversations.kick`) and listing a channel's members (`conversations.members`), page by page.
 */
import type { WorkspaceRef } from '../../src/chat-adapter.js';
import { toAdapterError, type SlackApi } from './api.js';

const MEMBERS_PAGE_SIZE = 200;

/** `removeMember` and `listMembers` for the Slack adapter. */
export function slackMembers(api: SlackApi, botTokenFor: (workspace: WorkspaceRef) => Promise<string>) {
  return {
    async removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'> {
      const token = await botTokenFor(workspace);
      try {
        await api.client(token).conversations.kick({ channel: conversationId, user: userId });
        return 'removed';
      } catch (err) {
        if ((err as { data?: { error?: string } }).data?.error === 'not_in_channel') return 'not_member';
        throw toAdapterError('conversations.kick', err);
      }
    },

    async listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      const token = await botTokenFor(workspace);
      const res = await api.call('conversations.members', () =>
        api.client(token).conversations.members({ channel: conversationId, limit: MEMBERS_PAGE_SIZE, ...(cursor ? { cursor } : {}) }),
      );
      const next = res.response_metadata?.next_cursor;
      return { userIds: res.members ?? [], ...(next ? { nextCursor: next } : {}) };
    },
  };
}
