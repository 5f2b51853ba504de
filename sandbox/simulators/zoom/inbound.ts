/**
 * What Zoom POSTs to an app's event endpoint: the payload shapes of the chatbot events
 * (`bot_notification`, `interactive_message_actions`, `bot_installed`), the Team Chat DM events
 * (`team_chat.dm_message_posted|updated|deleted`) and `endpoint.url_validation`, signed the way
 * Zoom signs them (`x-zm-signature: v0=HMAC_SHA256(secret, "v0:" + ts + ":" + body)`).
 * Bodies are compact JSON because receivers that re-serialize the parsed body (Zoom's own sample,
 * Rivet) only verify when the bytes match `JSON.stringify`.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';

/** Where the app receives Zoom events, relative to its base URL (the design's contract). */
export const ZOOM_WEBHOOK_PATH = '/zoom/webhook';

/** Zoom's event envelope. */
export interface ZoomEventEnvelope {
  event: string;
  event_ts: number;
  payload: Record<string, unknown>;
  [key: string]: unknown;
}

/** One signed POST as it went over the wire, kept so a test can replay it as Zoom's retry. */
export interface ZoomDelivery {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** The app's answer to a delivery. */
export interface ZoomDeliveryResult {
  status: number;
  text: string;
  delivery: ZoomDelivery;
}

/** `v0=` + hex HMAC-SHA256 over `v0:{timestamp}:{body}`. */
export function zoomSignature(secret: string, timestampSeconds: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
}

/** The headers Zoom sends with an event, signed for `body` at `timestampSeconds`. */
export function zoomEventHeaders(secret: string, body: string, timestampSeconds: number): Record<string, string> {
  const ts = String(timestampSeconds);
  return {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Zoom Marketplace/1.0a',
    'x-zm-request-timestamp': ts,
    'x-zm-signature': zoomSignature(secret, ts, body),
    'x-zm-trackingid': `v=2.0&s=${randomUUID()}`,
  };
}

/** Signs and POSTs one event envelope; `timestampSeconds` lets tests send stale or future ones. */
export async function deliverZoomEvent(
  url: string,
  envelope: ZoomEventEnvelope,
  options: { secret: string; timestampSeconds?: number; signatureOverride?: string },
): Promise<ZoomDeliveryResult> {
  const body = JSON.stringify(envelope);
  const headers = zoomEventHeaders(options.secret, body, options.timestampSeconds ?? Math.floor(Date.now() / 1000));
  if (options.signatureOverride !== undefined) headers['x-zm-signature'] = options.signatureOverride;
  return send({ url, body, headers });
}

/**
 * Sends a delivery again the way Zoom retries after a failure: the same body, signed again with a
 * fresh timestamp (or byte-for-byte the same request with `sameHeaders`).
 */
export async function redeliverZoomEvent(
  delivery: ZoomDelivery,
  options: { secret: string; sameHeaders?: boolean },
): Promise<ZoomDeliveryResult> {
  const headers = options.sameHeaders
    ? { ...delivery.headers }
    : zoomEventHeaders(options.secret, delivery.body, Math.floor(Date.now() / 1000));
  return send({ url: delivery.url, body: delivery.body, headers });
}

async function send(delivery: ZoomDelivery): Promise<ZoomDeliveryResult> {
  const res = await fetch(delivery.url, { method: 'POST', body: delivery.body, headers: delivery.headers });
  return { status: res.status, text: await res.text(), delivery };
}

/** `endpoint.url_validation` with a fresh plain token. */
export function urlValidationEvent(plainToken = randomBytes(16).toString('base64url')): ZoomEventEnvelope {
  return { payload: { plainToken }, event_ts: Date.now(), event: 'endpoint.url_validation' };
}

/** Who acted, as the chatbot events name them. */
export interface ZoomActor {
  accountId: string;
  userId: string;
  userJid: string;
  userName: string;
}

/** `bot_notification`: a slash command, or a message typed in the bot's 1:1 chat. */
export function botNotificationEvent(input: {
  actor: ZoomActor;
  robotJid: string;
  botName: string;
  cmd: string;
  toJid: string;
  channelName: string;
  timestamp?: number;
  triggerId?: string;
}): ZoomEventEnvelope {
  const ts = input.timestamp ?? Date.now();
  const payload: Record<string, unknown> = {
    accountId: input.actor.accountId,
    channelName: input.channelName,
    cmd: input.cmd,
    name: input.botName,
    robotJid: input.robotJid,
    timestamp: ts,
    toJid: input.toJid,
    userId: input.actor.userId,
    userJid: input.actor.userJid,
    userName: input.actor.userName,
  };
  if (input.triggerId) payload.triggerId = input.triggerId;
  return { event: 'bot_notification', event_ts: ts, payload };
}

/** `interactive_message_actions`: a button on a chatbot message was clicked. */
export function interactiveActionEvent(input: {
  actor: ZoomActor;
  robotJid: string;
  apiBaseUrl: string;
  messageId: string;
  actionItem: { text: string; value: string };
  original: unknown;
  toJid: string;
  channelName: string;
  timestamp?: number;
}): ZoomEventEnvelope {
  const ts = input.timestamp ?? Date.now();
  return {
    event: 'interactive_message_actions',
    event_ts: ts,
    callback_url: `${input.apiBaseUrl}/im/chat/callback/${randomBytes(16).toString('base64url')}`,
    callback_token: randomBytes(32).toString('base64url'),
    payload: {
      accountId: input.actor.accountId,
      actionItem: input.actionItem,
      channelName: input.channelName,
      messageId: input.messageId,
      original: input.original,
      robotJid: input.robotJid,
      timestamp: ts,
      toJid: input.toJid,
      userId: input.actor.userId,
      userJid: input.actor.userJid,
      userName: input.actor.userName,
    },
  };
}

/** `bot_installed`: someone added the chatbot. */
export function botInstalledEvent(input: { actor: ZoomActor; robotJid: string; timestamp?: number }): ZoomEventEnvelope {
  const ts = input.timestamp ?? Date.now();
  return {
    event: 'bot_installed',
    event_ts: ts,
    payload: {
      accountId: input.actor.accountId,
      robotJid: input.robotJid,
      timestamp: ts,
      userId: input.actor.userId,
      userJid: input.actor.userJid,
      userName: input.actor.userName,
    },
  };
}

/** Sender and contact of a Team Chat DM, as the `team_chat.dm_*` events describe them. */
export interface ZoomDmParties {
  accountId: string;
  operator: { id: string; email: string; memberId: string };
  contact: { id: string; email: string; memberId: string; accountId: string };
}

/** A rich-text range of a Team Chat message. */
export interface ZoomRichText {
  start_position: number;
  end_position: number;
  format_type: string;
  format_attr?: string;
}

type DmEventName = 'team_chat.dm_message_posted' | 'team_chat.dm_message_updated' | 'team_chat.dm_message_deleted';

/** `team_chat.dm_message_posted|updated|deleted` for one DM between two users. */
export function dmMessageEvent(
  event: DmEventName,
  input: ZoomDmParties & {
    messageId: string;
    sessionId: string;
    message?: string;
    richText?: ZoomRichText[];
    replyMainMessageId?: string;
    timestamp?: number;
  },
): ZoomEventEnvelope {
  const ts = input.timestamp ?? Date.now();
  const object: Record<string, unknown> = {};
  if (event !== 'team_chat.dm_message_deleted' && input.richText?.length) object.rich_text = input.richText;
  object.message_id = input.messageId;
  if (event !== 'team_chat.dm_message_deleted') object.session_id = input.sessionId;
  object.date_time = new Date(ts).toISOString().replace(/\.\d{3}Z$/, 'Z');
  object.timestamp = ts;
  object.contact_email = input.contact.email;
  object.contact_id = input.contact.id;
  object.contact_account_id = input.contact.accountId;
  object.contact_member_id = input.contact.memberId;
  if (event !== 'team_chat.dm_message_deleted' && input.message !== undefined) object.message = input.message;
  if (input.replyMainMessageId) object.reply_main_message_id = input.replyMainMessageId;
  return {
    event,
    event_ts: ts,
    payload: {
      account_id: input.accountId,
      operator: input.operator.email,
      operator_id: input.operator.id,
      operator_member_id: input.operator.memberId,
      by_external_user: false,
      object,
    },
  };
}
