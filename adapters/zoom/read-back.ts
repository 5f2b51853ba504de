/**
 * Idempotent resend on Zoom, for messages posted with a person's own token (user sync). They can
 * be listed: `GET /chat/users/me/messages?to_contact=|to_channel=&from=&to=&page_size=` ("List
 * user's chat messages", https://developers.zoom.us/docs/api/team-chat/#tag/chat-messages/GET/chat/users/{userId}/messages;
 * `me` for a user-level app; answers `{from, to, page_size, next_page_token, messages:[{id, message,
 * sender, date_time, timestamp, reply_main_message_id}]}`; granular scope
 * `team_chat:read:list_user_messages`). A Zoom message keeps no field for a sender's own use, so the
 * copy is the one with exactly the text the send carried, sent by the token's owner (`sender` is
 * their email, read from `GET /users/me`) since the relay recorded it.
 *
 * Chatbot messages (`/im/chat/messages`) cannot be read back: the chatbot API has no list call and
 * a chatbot token no read scope (https://developers.zoom.us/docs/api/chatbot/), so for them this
 * answers `undefined` and the relay sends again.
 */
import type { ConversationTarget, MessageRef, RelayedCopyProbe } from '../../src/chat-adapter.js';
import type { ZoomApi } from './api.js';
import { neutralToUserMessage } from './format.js';

/** Messages read back per call (Zoom's largest page for this list). */
const READ_BACK_PAGE = 50;

/** A message as the list answers it (the fields the match needs). */
interface ListedMessage {
  id: string;
  message?: string;
  sender?: string;
  date_time?: string;
  timestamp?: number;
  reply_main_message_id?: string;
}

/** `ChatAdapter.findRelayedCopy` for Zoom; `target` maps a conversation id to `to_contact`/`to_channel` as `send` does. */
export function zoomReadBack(api: ZoomApi, target: (conversationId: string) => { to_contact?: string; to_channel?: string }) {
  return async (where: ConversationTarget, probe: RelayedCopyProbe): Promise<MessageRef[] | undefined> => {
    if (probe.as.kind !== 'user') return undefined;
    const token = probe.as.accessToken;
    const key = where.workspace.externalId;
    const me = await api.me(token);
    const listed = await api.request<{ messages?: ListedMessage[] }>(key, 'list user messages', token, 'GET', '/chat/users/me/messages', {
      query: {
        ...target(where.conversationId),
        from: probe.since.toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
        page_size: String(READ_BACK_PAGE),
      },
    });
    const text = neutralToUserMessage(probe.message.text).message;
    const since = probe.since.getTime();
    const email = me.email?.toLowerCase();
    const found = (listed?.messages ?? [])
      .filter(
        (m) =>
          m.message === text &&
          (!email || m.sender?.toLowerCase() === email) &&
          (probe.message.threadId ? m.reply_main_message_id === probe.message.threadId : !m.reply_main_message_id) &&
          sentAt(m) >= since,
      )
      .sort((a, b) => sentAt(b) - sentAt(a));
    return found.map((m) => ({ workspace: where.workspace, conversationId: where.conversationId, messageId: m.id }));
  };
}

function sentAt(m: ListedMessage): number {
  return m.timestamp ?? Date.parse(m.date_time ?? '');
}
