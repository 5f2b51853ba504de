/**
 * Bot Framework activity (as Teams sends it) → neutral `InboundEvent`. Pure: the caller resolves
 * Teams user ids (`29:…`) to Entra object ids beforehand and passes them in.
 */
import { createHash } from 'node:crypto';
import type { InboundEvent } from '../../src/chat-adapter.js';
import { toNeutral } from './format.js';

/** The activity fields parse reads (a subset of botframework-schema's `Activity`). */
export interface TeamsActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  value?: unknown;
  replyToId?: string;
  serviceUrl?: string;
  timestamp?: string | Date;
  from?: { id: string; name?: string; aadObjectId?: string };
  recipient?: { id: string; name?: string };
  conversation?: { id: string; conversationType?: string; tenantId?: string };
  channelData?: { tenant?: { id?: string }; eventType?: string; [k: string]: unknown };
  entities?: unknown[];
  attachments?: Array<{ contentType: string; content?: unknown; name?: string; contentUrl?: string }>;
  membersAdded?: Array<{ id: string; aadObjectId?: string }>;
}

/** The tenant an activity belongs to (Teams puts it in two places). */
export function tenantOf(activity: TeamsActivity): string | undefined {
  return activity.conversation?.tenantId ?? activity.channelData?.tenant?.id;
}

/** The id Crosstalk uses for the acting user: the Entra object id when Teams sends it. */
export function userOf(activity: TeamsActivity): string | undefined {
  return activity.from?.aadObjectId ?? activity.from?.id;
}

/** Teams user ids mentioned in an activity (to resolve before parsing). */
export function mentionedIds(activity: TeamsActivity): string[] {
  return (activity.entities ?? [])
    .filter((e): e is { type: 'mention'; mentioned: { id: string } } => (e as { type?: string })?.type === 'mention')
    .map((e) => e.mentioned?.id)
    .filter((id): id is string => typeof id === 'string');
}

function messageHtml(activity: TeamsActivity): string {
  const html = activity.attachments?.find((a) => a.contentType === 'text/html' && typeof a.content === 'string');
  return (html?.content as string | undefined) ?? activity.text ?? '';
}

/** Removes `<at>Bot</at>` so a DM reads like the command the person typed. */
function stripBotMention(html: string, activity: TeamsActivity): { html: string; entities: unknown[] } {
  const botId = activity.recipient?.id;
  const entities = activity.entities ?? [];
  let out = html;
  const rest = entities.filter((e) => {
    const m = e as { type?: string; text?: string; mentioned?: { id?: string } };
    if (m.type === 'mention' && botId && m.mentioned?.id === botId) {
      if (m.text) out = out.split(m.text).join('');
      return false;
    }
    return true;
  });
  return { html: out, entities: rest };
}

function hash(...parts: Array<string | undefined>): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 16);
}

function actionFrom(value: unknown): { actionId: string; value: string } | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const data = (v.action as { data?: unknown } | undefined)?.data ?? v;
  if (!data || typeof data !== 'object') return undefined;
  const d = data as Record<string, unknown>;
  const actionId = typeof d.actionId === 'string' ? d.actionId : 'submit';
  const raw = d.value;
  return { actionId, value: typeof raw === 'string' ? raw : JSON.stringify(raw ?? d) };
}

/** Normalizes one activity; `null` when it is nothing the core handles (or the bot's own). */
export function parseActivity(activity: TeamsActivity, ids: ReadonlyMap<string, string> = new Map()): InboundEvent | null {
  const workspaceId = tenantOf(activity);
  const userId = userOf(activity);
  const conversationId = activity.conversation?.id;
  if (!workspaceId || !userId || !conversationId) return null;
  const fromBot = activity.from?.id?.startsWith('28:') || (activity.recipient && activity.from?.id === activity.recipient.id);
  if (fromBot) return null;
  const base = { platform: 'teams' as const, workspaceId, userId, conversationId };
  const id = activity.id ?? '';

  switch (activity.type) {
    case 'message': {
      const hasText = typeof activity.text === 'string' && activity.text.trim() !== '';
      if (activity.value !== undefined && !hasText) {
        const action = actionFrom(activity.value);
        if (!action) return null;
        return { ...base, kind: 'action', eventId: `action:${conversationId}:${id}`, ...action, messageId: activity.replyToId };
      }
      const { html, entities } = stripBotMention(messageHtml(activity), activity);
      const files = (activity.attachments ?? [])
        .filter((a) => a.contentType === 'application/vnd.microsoft.teams.file.download.info')
        .map((a) => ({ name: a.name ?? 'file', url: (a.content as { downloadUrl?: string } | undefined)?.downloadUrl ?? a.contentUrl ?? '' }))
        .filter((f) => f.url);
      return {
        ...base,
        kind: 'message',
        eventId: `message:${conversationId}:${id}`,
        messageId: id,
        text: toNeutral(html, entities, ids).trim(),
        isDirect: activity.conversation?.conversationType === 'personal',
        ...(files.length ? { files } : {}),
      };
    }
    case 'messageUpdate': {
      if (activity.channelData?.eventType && activity.channelData.eventType !== 'editMessage') return null;
      const { html, entities } = stripBotMention(messageHtml(activity), activity);
      const text = toNeutral(html, entities, ids).trim();
      // A message can be edited many times; the same edit redelivered keeps the same id.
      return { ...base, kind: 'message_edited', eventId: `edit:${conversationId}:${id}:${hash(html)}`, messageId: id, text };
    }
    case 'messageDelete':
      if (activity.channelData?.eventType && activity.channelData.eventType !== 'softDeleteMessage') return null;
      return { ...base, kind: 'message_deleted', eventId: `delete:${conversationId}:${id}`, messageId: id };
    case 'invoke': {
      if (activity.name !== 'adaptiveCard/action') return null;
      const action = actionFrom(activity.value);
      if (!action) return null;
      return { ...base, kind: 'action', eventId: `action:${conversationId}:${id}`, ...action, messageId: activity.replyToId };
    }
    case 'conversationUpdate': {
      const added = activity.membersAdded ?? [];
      if (added.some((m) => m.id === activity.recipient?.id)) {
        return { ...base, kind: 'app_installed', eventId: `install:${conversationId}:${id}` };
      }
      const person = added[0];
      if (!person) return null;
      return { ...base, userId: person.aadObjectId ?? person.id, kind: 'member_joined', eventId: `joined:${conversationId}:${id}:${person.id}` };
    }
    default:
      return null;
  }
}
