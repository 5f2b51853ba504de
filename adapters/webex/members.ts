/**
 * Space membership beyond `addMember`: listing a space's members and removing someone a group sync
 * added. Webex deletes a membership by its id, so the membership is looked up first
 * (`GET /memberships?roomId=&personId=`), then `DELETE /memberships/{id}`.
 */
import { AdapterError, AdapterErrorCode, type WorkspaceRef } from '../../src/chat-adapter.js';
import type { WebexApi } from './api.js';
import type { BotSession } from './sdk.js';

interface WebexMembership {
  id: string;
  personId: string;
}

const MEMBERS_PAGE_SIZE = 100;

/** `removeMember` and `listMembers` for the Webex adapter. */
export function webexMembers(api: WebexApi, apiUrl: string, session: (workspace?: WorkspaceRef) => Promise<BotSession>) {
  const base = apiUrl.replace(/\/+$/, '');
  return {
    async listMembers(workspace: WorkspaceRef, conversationId: string, cursor?: string): Promise<{ userIds: string[]; nextCursor?: string }> {
      const uri = cursor?.startsWith(`${base}/`) ? cursor : `${base}/memberships?roomId=${encodeURIComponent(conversationId)}&max=${MEMBERS_PAGE_SIZE}`;
      const res = await api.asBot<{ items: WebexMembership[] }>(await session(workspace), 'memberships.list', { uri });
      const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.link ?? '')?.[1];
      return { userIds: (res.body.items ?? []).map((m) => m.personId), ...(next ? { nextCursor: next } : {}) };
    },

    async removeMember(workspace: WorkspaceRef, conversationId: string, userId: string): Promise<'removed' | 'not_member'> {
      const s = await session(workspace);
      const query = `roomId=${encodeURIComponent(conversationId)}&${userId.includes('@') ? 'personEmail' : 'personId'}=${encodeURIComponent(userId)}`;
      const found = await api.asBot<{ items: WebexMembership[] }>(s, 'memberships.list', { uri: `${base}/memberships?${query}` });
      const membership = found.body.items?.[0];
      if (!membership) return 'not_member';
      try {
        await api.asBot(s, 'memberships.delete', { method: 'DELETE', resource: `memberships/${membership.id}` });
        return 'removed';
      } catch (err) {
        if (err instanceof AdapterError && err.code === AdapterErrorCode.NotFound) return 'not_member';
        throw err;
      }
    },
  };
}
