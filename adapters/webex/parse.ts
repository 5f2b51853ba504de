/**
 * Webex webhook notification → neutral `InboundEvent`. Webhooks carry only ids; the message text
 * and card inputs are fetched by the caller (`GET messages/{id}`, `GET attachment/actions/{id}`)
 * and handed in here, so this module stays pure.
 */
import { z } from 'zod';
import type { InboundEvent } from '../../src/chat-adapter.js';
import { htmlToNeutral, toNeutral } from './format.js';

/** The webhook envelope, validated at the edge. */
export const webhookEnvelopeSchema = z.object({
  id: z.string(),
  name: z.string(),
  resource: z.string(),
  event: z.string(),
  orgId: z.string(),
  actorId: z.string().optional(),
  createdBy: z.string().optional(),
  filter: z.string().optional(),
  data: z.looseObject({
    id: z.string(),
    roomId: z.string().optional(),
    roomType: z.string().optional(),
    personId: z.string().optional(),
    personEmail: z.string().optional(),
    messageId: z.string().optional(),
    created: z.string().optional(),
    updated: z.string().optional(),
  }),
});

/** A validated webhook notification. */
export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;

/** A message as `GET /v1/messages/{id}` returns it (fields used here). */
export interface WebexMessage {
  id: string;
  roomId: string;
  roomType?: string;
  parentId?: string;
  text?: string;
  markdown?: string;
  html?: string;
  files?: string[];
  personId: string;
  updated?: string;
  created?: string;
}

/** A card submission as `GET /v1/attachment/actions/{id}` returns it. */
export interface WebexAttachmentAction {
  id: string;
  messageId?: string;
  personId: string;
  roomId: string;
  inputs?: Record<string, unknown>;
}

/** Who the bot is, to drop its own messages and strip its mention. */
export interface BotIdentity {
  id: string;
  displayName: string;
}

/** The notification kinds Crosstalk handles; anything else is acknowledged and ignored. */
export type Handled =
  | 'messages.created'
  | 'messages.updated'
  | 'messages.deleted'
  | 'attachmentActions.created'
  | 'memberships.created';

/** Which notification this is, or undefined when Crosstalk does not handle it. */
export function notificationKind(envelope: WebhookEnvelope): Handled | undefined {
  const key = `${envelope.resource}.${envelope.event}`;
  const handled: string[] = ['messages.created', 'messages.updated', 'messages.deleted', 'attachmentActions.created', 'memberships.created'];
  return handled.includes(key) ? (key as Handled) : undefined;
}

/** Neutral text of a fetched message: from `html` when present (it carries mentions), else markdown or text. */
export function messageText(message: WebexMessage): string {
  if (message.html) return htmlToNeutral(message.html);
  if (message.markdown) return toNeutral(message.markdown);
  return message.text ?? '';
}

/** Removes a leading mention of the bot (neutral `<@id|Name>`, or the plain name Webex puts in `text`). */
export function stripBotMention(text: string, bot: BotIdentity): string {
  const escaped = bot.id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const byId = new RegExp(`^\\s*<@${escaped}(?:\\|[^>]*)?>[\\s,:]*`);
  if (byId.test(text)) return text.replace(byId, '');
  const name = bot.displayName.trim();
  if (name && text.trimStart().toLowerCase().startsWith(name.toLowerCase())) {
    return text.trimStart().slice(name.length).replace(/^[\s,:]+/, '');
  }
  return text;
}

function fileName(url: string): string {
  const last = url.split('?')[0].split('/').filter(Boolean).pop();
  return last ? decodeURIComponent(last) : 'file';
}

/** `messages.created` → a `message` event (undefined for the bot's own messages). */
export function parseMessageCreated(envelope: WebhookEnvelope, message: WebexMessage, bot: BotIdentity): InboundEvent | undefined {
  if (message.personId === bot.id) return undefined;
  const isDirect = (message.roomType ?? envelope.data.roomType) === 'direct';
  const text = stripBotMention(messageText(message), bot);
  return {
    kind: 'message',
    platform: 'webex',
    workspaceId: envelope.orgId,
    eventId: `messages.created:${message.id}`,
    userId: message.personId,
    conversationId: message.roomId,
    messageId: message.id,
    text,
    threadId: message.parentId,
    isDirect,
    files: message.files?.length ? message.files.map((url) => ({ name: fileName(url), url })) : undefined,
  };
}

/** `messages.updated` → `message_edited`; the edit time keeps each edit's id distinct but stable across duplicates. */
export function parseMessageUpdated(envelope: WebhookEnvelope, message: WebexMessage, bot: BotIdentity): InboundEvent | undefined {
  if (message.personId === bot.id) return undefined;
  const version = message.updated ?? envelope.data.updated ?? envelope.data.created ?? '';
  return {
    kind: 'message_edited',
    platform: 'webex',
    workspaceId: envelope.orgId,
    eventId: `messages.updated:${message.id}:${version}`,
    userId: message.personId,
    conversationId: message.roomId,
    messageId: message.id,
    text: stripBotMention(messageText(message), bot),
  };
}

/** `messages.deleted` → `message_deleted` (the message is gone, so only the envelope is used). */
export function parseMessageDeleted(envelope: WebhookEnvelope, bot: BotIdentity): InboundEvent | undefined {
  const { data } = envelope;
  if (data.personId === bot.id) return undefined;
  return {
    kind: 'message_deleted',
    platform: 'webex',
    workspaceId: envelope.orgId,
    eventId: `messages.deleted:${data.id}`,
    userId: data.personId ?? envelope.actorId ?? '',
    conversationId: data.roomId ?? '',
    messageId: data.id,
  };
}

/** `attachmentActions.created` → `action`, with the button's `actionId`/`value` from the card inputs. */
export function parseAttachmentAction(envelope: WebhookEnvelope, action: WebexAttachmentAction): InboundEvent {
  const inputs = action.inputs ?? {};
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));
  return {
    kind: 'action',
    platform: 'webex',
    workspaceId: envelope.orgId,
    eventId: `attachmentActions.created:${action.id}`,
    userId: action.personId,
    conversationId: action.roomId,
    actionId: str(inputs.actionId),
    value: str(inputs.value),
    messageId: action.messageId ?? envelope.data.messageId,
  };
}

/** `memberships.created` → `app_installed` when the bot was added, else `member_joined`. */
export function parseMembershipCreated(envelope: WebhookEnvelope, bot: BotIdentity): InboundEvent {
  const { data } = envelope;
  const botAdded = data.personId === bot.id;
  return {
    kind: botAdded ? 'app_installed' : 'member_joined',
    platform: 'webex',
    workspaceId: envelope.orgId,
    eventId: `memberships.created:${data.id}`,
    userId: botAdded ? (envelope.actorId ?? data.personId ?? '') : (data.personId ?? ''),
    conversationId: data.roomId ?? '',
  };
}
