/**
 * Verified Zoom event bodies → neutral `InboundEvent`s.
 *
 * Conversation ids:
 * - chatbot events: the JID the bot answers to, i.e. the user's JID for the bot's 1:1 chat or
 *   the channel JID (`…@conference.…`); an XMPP resource (`/robot_…`) is dropped;
 * - `team_chat.dm_*` events (a person's own DMs, seen through their authorization): the other
 *   person's Zoom user id (`contact_id`), which is what `to_contact` takes when answering as them.
 * Event ids are built from fields Zoom repeats unchanged when it retries a delivery.
 */
import { z } from 'zod';
import type { InboundEvent } from '../../src/chat-adapter.js';
import { userMessageToNeutral } from './format.js';

/** Where a command or button reply goes: the chatbot conversation of the event. */
export interface ZoomReplyTarget {
  accountId: string;
  toJid: string;
  userId: string;
  userJid: string;
  /** In a channel the reply is shown to the acting user only. */
  visibleToUser?: string;
}

/** What one verified body means. */
export type ZoomParsed =
  | { kind: 'url_validation'; plainToken: string }
  | { kind: 'event'; event: InboundEvent; reply?: ZoomReplyTarget }
  | { kind: 'ignored'; reason: string };

const envelope = z.object({ event: z.string(), event_ts: z.number().optional(), payload: z.unknown() });

const chatbotActor = z.object({
  accountId: z.string().min(1),
  userId: z.string().min(1),
  userJid: z.string().min(1),
  userName: z.string().optional(),
  robotJid: z.string().optional(),
  timestamp: z.number(),
});

const botNotification = chatbotActor.extend({
  cmd: z.string(),
  toJid: z.string().min(1),
  channelName: z.string().optional(),
  triggerId: z.string().optional(),
});

const interactiveAction = chatbotActor.extend({
  actionItem: z.object({ text: z.string().optional(), value: z.string() }),
  messageId: z.string().min(1),
  toJid: z.string().min(1),
  channelName: z.string().optional(),
});

const botInstalled = chatbotActor;

const richText = z.array(
  z.object({ start_position: z.number(), end_position: z.number(), format_type: z.string(), format_attr: z.string().optional() }),
);

const dmPayload = z.object({
  account_id: z.string(),
  operator: z.string().optional(),
  operator_id: z.string(),
  by_external_user: z.boolean().optional(),
  object: z.object({
    message_id: z.string().min(1),
    contact_id: z.string(),
    contact_email: z.string().optional(),
    message: z.string().optional(),
    rich_text: richText.optional(),
    reply_main_message_id: z.string().optional(),
    timestamp: z.number().optional(),
  }),
});

/** Separates the action id from its value in a button's `value` (Zoom has one field for both). */
export const ACTION_VALUE_SEPARATOR = '|';

/** Packs a neutral button's action id and value into Zoom's single `value`. */
export function encodeActionValue(actionId: string, value = ''): string {
  return `${actionId}${ACTION_VALUE_SEPARATOR}${value}`;
}

function decodeActionValue(raw: string): { actionId: string; value: string } {
  const at = raw.indexOf(ACTION_VALUE_SEPARATOR);
  return at < 0 ? { actionId: raw, value: raw } : { actionId: raw.slice(0, at), value: raw.slice(at + 1) };
}

/** Drops an XMPP resource: `user@xmpp.zoom.us/robot_bot@xmpp.zoom.us` → `user@xmpp.zoom.us`. */
export function bareJid(jid: string): string {
  const slash = jid.indexOf('/');
  return slash < 0 ? jid : jid.slice(0, slash);
}

/** True for a channel JID. */
export function isChannelJid(jid: string): boolean {
  return /@conference\./.test(jid);
}

function replyTarget(p: { accountId: string; userId: string; userJid: string; toJid: string }): ZoomReplyTarget {
  const toJid = bareJid(p.toJid);
  return {
    accountId: p.accountId,
    toJid,
    userId: p.userId,
    userJid: p.userJid,
    ...(isChannelJid(toJid) ? { visibleToUser: p.userId } : {}),
  };
}

/** Parses one verified body; anything Crosstalk does not use is `ignored`, never an error. */
export function parseZoomEvent(body: unknown): ZoomParsed {
  const env = envelope.safeParse(body);
  if (!env.success) return { kind: 'ignored', reason: 'not a Zoom event envelope' };
  const { event, payload } = env.data;

  switch (event) {
    case 'endpoint.url_validation': {
      const p = z.object({ plainToken: z.string().min(1) }).safeParse(payload);
      return p.success ? { kind: 'url_validation', plainToken: p.data.plainToken } : { kind: 'ignored', reason: 'url_validation without plainToken' };
    }
    case 'bot_notification': {
      const p = botNotification.safeParse(payload);
      if (!p.success) return { kind: 'ignored', reason: 'malformed bot_notification' };
      const d = p.data;
      return {
        kind: 'event',
        event: {
          kind: 'command',
          platform: 'zoom',
          workspaceId: d.accountId,
          eventId: `bot_notification:${d.accountId}:${d.userId}:${d.timestamp}`,
          userId: d.userId,
          conversationId: bareJid(d.toJid),
          text: d.cmd.trim(),
        },
        reply: replyTarget(d),
      };
    }
    case 'interactive_message_actions': {
      const p = interactiveAction.safeParse(payload);
      if (!p.success) return { kind: 'ignored', reason: 'malformed interactive_message_actions' };
      const d = p.data;
      return {
        kind: 'event',
        event: {
          kind: 'action',
          platform: 'zoom',
          workspaceId: d.accountId,
          eventId: `interactive_message_actions:${d.messageId}:${d.userId}:${d.timestamp}`,
          userId: d.userId,
          conversationId: bareJid(d.toJid),
          messageId: d.messageId,
          ...decodeActionValue(d.actionItem.value),
        },
        reply: replyTarget(d),
      };
    }
    case 'bot_installed': {
      const p = botInstalled.safeParse(payload);
      if (!p.success) return { kind: 'ignored', reason: 'malformed bot_installed' };
      const d = p.data;
      return {
        kind: 'event',
        event: {
          kind: 'app_installed',
          platform: 'zoom',
          workspaceId: d.accountId,
          eventId: `bot_installed:${d.accountId}:${d.userId}:${d.timestamp}`,
          userId: d.userId,
          conversationId: d.userJid,
        },
      };
    }
    case 'team_chat.dm_message_posted':
    case 'team_chat.dm_message_updated':
    case 'team_chat.dm_message_deleted': {
      const p = dmPayload.safeParse(payload);
      if (!p.success) return { kind: 'ignored', reason: `malformed ${event}` };
      const d = p.data;
      if (d.by_external_user || !d.account_id || !d.operator_id || !d.object.contact_id) {
        return { kind: 'ignored', reason: 'DM with an external user' };
      }
      const base = {
        platform: 'zoom' as const,
        workspaceId: d.account_id,
        userId: d.operator_id,
        conversationId: d.object.contact_id,
        messageId: d.object.message_id,
      };
      if (event === 'team_chat.dm_message_deleted') {
        return { kind: 'event', event: { ...base, kind: 'message_deleted', eventId: `${event}:${d.object.message_id}` } };
      }
      if (d.object.message === undefined) return { kind: 'ignored', reason: 'file-only DM' };
      const text = userMessageToNeutral(d.object.message, d.object.rich_text);
      if (event === 'team_chat.dm_message_updated') {
        return {
          kind: 'event',
          event: { ...base, kind: 'message_edited', eventId: `${event}:${d.object.message_id}:${env.data.event_ts ?? d.object.timestamp ?? ''}`, text },
        };
      }
      return {
        kind: 'event',
        event: {
          ...base,
          kind: 'message',
          eventId: `${event}:${d.object.message_id}`,
          text,
          isDirect: true,
          ...(d.object.reply_main_message_id ? { threadId: d.object.reply_main_message_id } : {}),
        },
      };
    }
    default:
      return { kind: 'ignored', reason: `event ${event} not used` };
  }
}
