/**
 * Idempotent resend on Slack. Every relayed copy carries message metadata naming its relay tag
 * (`chat.postMessage` `metadata: {event_type, event_payload}`, https://docs.slack.dev/messaging/message-metadata;
 * CONTRACTS.md 1.10 lists `metadata` among chat.postMessage's arguments). After a send that failed
 * without saying whether Slack took it, the relay asks for the copy: the DM is read back with
 * `conversations.history`, or `conversations.replies` for a thread reply, both with
 * `include_all_metadata` and `oldest` (https://docs.slack.dev/reference/methods/conversations.history,
 * https://docs.slack.dev/reference/methods/conversations.replies). In a DM both need `im:history`,
 * for the bot token and for a person's user-sync token alike, and Crosstalk already asks for it.
 */
import type { MessageMetadata } from '@slack/web-api';
import type { ConversationTarget, MessageRef, OutboundMessage, RelayedCopyProbe, SendAs, WorkspaceRef } from '../../src/chat-adapter.js';
import type { SlackApi } from './api.js';

/** The metadata `event_type` of relayed copies (alphanumeric and `_`, as Slack asks). */
export const RELAY_EVENT_TYPE = 'crosstalk_relayed_copy';

/** Messages read back per call: a retry follows its failure within minutes, so the copy is recent. */
const READ_BACK_LIMIT = 200;

/** The `metadata` argument of a relayed copy's `chat.postMessage`, none for other messages. */
export function relayMetadata(message: OutboundMessage): { metadata?: MessageMetadata } {
  if (!message.relayTag) return {};
  return { metadata: { event_type: RELAY_EVENT_TYPE, event_payload: { tag: message.relayTag } } };
}

interface ListedMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: Record<string, unknown> };
}

/** `ChatAdapter.findRelayedCopy` for Slack: the message whose metadata carries the tag. */
export function slackReadBack(api: SlackApi, tokenFor: (workspace: WorkspaceRef, as: SendAs) => Promise<string>) {
  return async (target: ConversationTarget, probe: RelayedCopyProbe): Promise<MessageRef[]> => {
    const token = await tokenFor(target.workspace, probe.as);
    let channel = target.conversationId;
    if (probe.as.kind === 'user' && /^[UW]/.test(channel)) {
      // `send` addressed the person; the DM it posted in is the one `conversations.open` names.
      const opened = await api.call('conversations.open', () => api.client(token).conversations.open({ users: channel }));
      channel = opened.channel?.id ?? channel;
    }
    const oldest = (probe.since.getTime() / 1000).toFixed(6);
    const threadTs = probe.message.threadId;
    const res = threadTs
      ? await api.call('conversations.replies', () =>
          api.client(token).conversations.replies({ channel, ts: threadTs, oldest, include_all_metadata: true, limit: READ_BACK_LIMIT }),
        )
      : await api.call('conversations.history', () =>
          api.client(token).conversations.history({ channel, oldest, include_all_metadata: true, limit: READ_BACK_LIMIT }),
        );
    return ((res.messages ?? []) as ListedMessage[])
      .filter((m) => m.ts && m.metadata?.event_type === RELAY_EVENT_TYPE && m.metadata.event_payload?.tag === probe.tag)
      .sort((a, b) => Number(b.ts) - Number(a.ts))
      .map((m) => ({ workspace: target.workspace, conversationId: channel, messageId: m.ts! }));
  };
}
