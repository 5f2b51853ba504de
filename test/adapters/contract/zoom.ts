/** The Zoom adapter (test-sized retries) against the Zoom simulator, for the adapter contract. */
import { FAST_POLICY } from '../../helpers/test-adapters.js';
import { startZoomHarness } from '../zoom/harness.js';
import { CROWD, type ContractHarness, type PlatformExpectations } from './harness.js';

/**
 * Zoom: the chatbot API (`/im/chat/messages`) sends, edits and deletes cards but has no reactions;
 * REST errors carry a `message` (e.g. "Channel does not exist: …").
 */
export const ZOOM_EXPECTATIONS: PlatformExpectations = {
  capabilities: { threads: true, edits: true, deletes: true, reactions: false, managerRole: 'admin', postAsUser: true, maxTextLength: 4_096, userLookup: false, tokenRefresh: true },
  // Chatbot cards with `is_markdown_support`: *bold* (developers.zoom.us chatbot message markdown).
  shown: { sent: 'Lunch at *noon*', edited: 'Lunch at *one*' },
  unknownConversationReason: /Recipient not found/,
  unknownChannelReason: /Channel does not exist/,
};

const accountId = 'acctContract';

/**
 * Starts the Zoom pair: one account with `CROWD` people and a deactivated one (Zoom lists those
 * separately), all active ones but the newcomer in one channel.
 */
export async function startZoomContract(): Promise<ContractHarness> {
  const ids = Array.from({ length: CROWD }, (_, i) => `Person${String(i).padStart(4, '0')}Id`);
  const h = await startZoomHarness(
    {
      accounts: [
        {
          accountId,
          name: 'Acme',
          users: [
            ...ids.map((id, i) => ({ id, email: `person${i}@acme.test`, firstName: 'Person', lastName: String(i) })),
            { id: 'GoneUserId', email: 'gone@acme.test', firstName: 'Gone', lastName: 'Away', deactivated: true },
          ],
          channels: [{ id: 'chanEveryone', name: 'everyone', members: ids.slice(1).map((userId) => ({ userId })) }],
        },
      ],
    },
    { policy: FAST_POLICY },
  );
  const [newcomer, recipient, patient, speaker, sender] = ids as [string, string, string, string, string];
  const account = h.zoom.account(accountId);
  const channel = account.channels.get('chanEveryone')!;

  return {
    platform: 'zoom',
    adapter: h.adapter,
    workspace: h.workspace,
    sink: h.sink,
    expectations: ZOOM_EXPECTATIONS,
    sim: h.zoom.sim,
    sendPath: '/v2/im/chat/messages',
    people: { recipient, patient, speaker, newcomer },
    channel: channel.id,
    unknown: { conversation: 'nobody@xmpp.zoom.us', channel: 'chanNowhere' },
    botMessages: (toJid) =>
      h.zoom
        .botMessagesTo(toJid)
        .filter((m) => !m.deleted)
        .map((m) => ({ id: m.messageId, text: (m.content.body ?? []).map((b) => b.text).join('\n') })),
    directory: () => account.users.map((u) => u.id),
    members: () => [...channel.members.keys()],
    async personWrites(userId, text) {
      return (await h.zoom.postDirectMessage(h.baseUrl, { accountId, fromUserId: userId, toUserId: sender, text })).status;
    },
    async ownPostComesBack(userId, text) {
      // A chatbot's cards never come back; a message posted with a person's token (user sync) does,
      // as that person's `team_chat.dm_message_posted`.
      h.zoom.eventSubscriptionUrl = h.baseUrl;
      const before = h.zoom.announced.length;
      try {
        const accessToken = h.zoom.issueUserToken(accountId, sender);
        await h.adapter.send({ workspace: h.workspace, conversationId: userId }, { text }, { kind: 'user', accessToken });
        await h.zoom.flushEvents();
        return h.zoom.announced[before]?.status ?? 0;
      } finally {
        h.zoom.eventSubscriptionUrl = undefined;
      }
    },
    rateLimitNextSend(retryAfterSeconds) {
      h.zoom.rateLimitNext('/v2/im/chat/messages', retryAfterSeconds);
    },
    close: () => h.close(),
  };
}
