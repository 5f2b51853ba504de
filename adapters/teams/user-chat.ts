/**
 * User sync on Teams: the 1:1 Graph chat between the token owner and another user, where messages
 * posted with the owner's token appear as theirs. `POST /chats` returns the existing chat when
 * the pair already has one, so this is safe to call again.
 */
import type { WorkspaceRef } from '../../src/chat-adapter.js';
import type { GraphApi } from './api.js';

const bind = (base: string, userId: string) => ({
  '@odata.type': '#microsoft.graph.aadUserConversationMember',
  roles: ['owner'],
  'user@odata.bind': `${base}/users('${userId}')`,
});

/** Opens (or finds) the token owner's 1:1 chat with `userId`; returns the Graph chat id. */
export async function openUserChat(graph: GraphApi, workspace: WorkspaceRef, token: string, userId: string): Promise<string> {
  const key = `graph:user:${workspace.externalId}`;
  const { body: me } = await graph.request<{ id: string }>(key, 'read own profile', 'GET', `${graph.base}/me`, token);
  const { body: chat } = await graph.request<{ id: string }>(key, 'open chat', 'POST', `${graph.base}/chats`, token, {
    chatType: 'oneOnOne',
    members: [bind(graph.base, me.id), bind(graph.base, userId)],
  });
  return chat.id;
}
