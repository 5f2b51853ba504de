/**
 * Idempotent resend on Webex. A Webex message keeps no field a sender may fill for its own use, so
 * a relayed copy is recognized by what it is: in the same 1:1 conversation, posted by the same
 * poster, with exactly the markdown the send carried, created no earlier than the relay recorded it.
 *
 * - A 1:1 room Webex has not opened yet (`direct:<personId|email>`, the first message to someone) is
 *   read with `GET /messages/direct?personId=|personEmail=`
 *   (https://developer.webex.com/docs/api/v1/messages/list-direct-messages);
 * - a known room with `GET /messages?roomId=&max=`
 *   (https://developer.webex.com/docs/api/v1/messages/list-messages: newest first; a bot sees every
 *   message of a 1:1 room, and in group spaces only those that mention it).
 * A bot may call both without any scope; a person's token needs `spark:messages_read`, which user
 * sync already asks for.
 */
import type { ConversationTarget, MessageRef, RelayedCopyProbe, WorkspaceRef } from '../../src/chat-adapter.js';
import { DIRECT_PREFIX, composeMessage, type WebexApi } from './api.js';
import type { BotSession } from './sdk.js';

/** Messages read back per call: a retry follows its failure within minutes, so the copy is recent. */
const READ_BACK_MAX = 100;

/** A message as the list answers it (the fields the match needs). */
interface ListedMessage {
  id: string;
  roomId: string;
  parentId?: string;
  personId?: string;
  personEmail?: string;
  markdown?: string;
  text?: string;
  created?: string;
}

/** `ChatAdapter.findRelayedCopy` for Webex. */
export function webexReadBack(api: WebexApi, apiUrl: string, session: (workspace?: WorkspaceRef) => Promise<BotSession>) {
  const base = apiUrl.replace(/\/+$/, '');
  return async (target: ConversationTarget, probe: RelayedCopyProbe): Promise<MessageRef[]> => {
    const conversation = target.conversationId;
    const direct = conversation.startsWith(DIRECT_PREFIX) ? conversation.slice(DIRECT_PREFIX.length) : undefined;
    const query = direct
      ? `messages/direct?${direct.includes('@') ? 'personEmail' : 'personId'}=${encodeURIComponent(direct)}`
      : `messages?roomId=${encodeURIComponent(conversation)}&max=${READ_BACK_MAX}`;
    let items: ListedMessage[];
    let poster: ((m: ListedMessage) => boolean) | undefined;
    if (probe.as.kind === 'user') {
      items = (await api.withToken<{ items?: ListedMessage[] }>(probe.as.accessToken, 'messages.list', 'GET', query)).body?.items ?? [];
      // In the 1:1 conversation with the recipient, what the recipient did not write, the token's owner did.
      if (direct) poster = (m) => m.personId !== direct && m.personEmail?.toLowerCase() !== direct.toLowerCase();
    } else {
      const s = await session(target.workspace);
      items = (await api.asBot<{ items?: ListedMessage[] }>(s, 'messages.list', { uri: `${base}/${query}` })).body?.items ?? [];
      poster = (m) => m.personId === s.bot.id;
    }
    const markdown = composeMessage(probe.message, probe.as).markdown.trim();
    const since = probe.since.getTime();
    return items
      .filter(
        (m) =>
          (m.markdown ?? m.text ?? '').trim() === markdown &&
          (!poster || poster(m)) &&
          (probe.message.threadId ? m.parentId === probe.message.threadId : !m.parentId) &&
          Date.parse(m.created ?? '') >= since,
      )
      .sort((a, b) => Date.parse(b.created!) - Date.parse(a.created!))
      .map((m) => ({ workspace: target.workspace, conversationId: m.roomId, messageId: m.id }));
  };
}
