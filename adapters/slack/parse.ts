/**
 * Raw Slack payloads (Events API envelopes, slash commands, block_actions) → neutral inbound
 * events. Pure: everything it needs about the bot comes in `ParseContext`. Returns `undefined` for
 * payloads Crosstalk does not act on, including the bot's own messages.
 */
import type { DirectoryUser, InboundEvent } from '../../src/chat-adapter.js';
import { slackToNeutral } from './format.js';

/** Who the bot is in the workspace the payload came from, and its custom profile field labels. */
export interface ParseContext {
  botUserId?: string;
  botId?: string;
  /** Custom profile field id → label, from `team.profile.get`. */
  fieldLabels?: Map<string, string>;
}

/** The subset of a Slack user object Crosstalk reads. */
export interface SlackUser {
  id: string;
  team_id?: string;
  name?: string;
  real_name?: string;
  deleted?: boolean;
  is_bot?: boolean;
  profile?: {
    email?: string;
    real_name?: string;
    display_name?: string;
    image_192?: string;
    image_72?: string;
    fields?: Record<string, { value?: string; alt?: string }> | null;
  };
}

interface SlackMessage {
  type?: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  files?: Array<{ name?: string; title?: string; url_private?: string; permalink?: string; size?: number }>;
}

interface SlackEvent extends SlackMessage {
  channel?: string;
  channel_type?: string;
  message?: SlackMessage;
  previous_message?: SlackMessage;
  deleted_ts?: string;
  item?: { type?: string; channel?: string; ts?: string };
  reaction?: string;
  tab?: string;
  team?: string;
}

type Body = Record<string, unknown>;

const BUILDING_LABEL = /office|location|building|campus|site/i;
const DEPARTMENT_LABEL = /department|dept|division/i;
/** Action ids of link buttons: Slack still posts a click to us, but nothing should happen. */
export const LINK_ACTION_PREFIX = 'link:';

/** A Slack user object → the neutral directory entry. */
export function toDirectoryUser(user: SlackUser, fieldLabels?: Map<string, string>): DirectoryUser {
  const profile = user.profile ?? {};
  const buildings: string[] = [];
  let department: string | undefined;
  for (const [fieldId, field] of Object.entries(profile.fields ?? {})) {
    const label = fieldLabels?.get(fieldId);
    const value = field?.value?.trim();
    if (!label || !value) continue;
    if (BUILDING_LABEL.test(label)) buildings.push(...value.split(/[,;]/).map((v) => v.trim()).filter(Boolean));
    else if (DEPARTMENT_LABEL.test(label)) department = value;
  }
  return {
    userId: user.id,
    email: profile.email?.toLowerCase(),
    name: profile.real_name || user.real_name || profile.display_name || user.name || user.id,
    deactivated: user.deleted === true,
    isBot: user.is_bot === true || user.id === 'USLACKBOT',
    ...(buildings.length > 0 ? { buildings } : {}),
    ...(department ? { department } : {}),
    ...(profile.image_192 || profile.image_72 ? { avatarUrl: profile.image_192 || profile.image_72 } : {}),
  };
}

function isOwn(msg: SlackMessage | undefined, ctx: ParseContext): boolean {
  if (!msg) return false;
  return (!!msg.bot_id && msg.bot_id === ctx.botId) || (!!msg.user && msg.user === ctx.botUserId);
}

const RELAYED_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast', 'me_message']);

/** An Events API `event_callback` envelope → a neutral event. */
export function parseEventEnvelope(body: Body, ctx: ParseContext): InboundEvent | undefined {
  if (body.type !== 'event_callback') return undefined;
  const event = body.event as SlackEvent | undefined;
  const eventId = typeof body.event_id === 'string' ? body.event_id : undefined;
  const authorizations = body.authorizations as Array<{ team_id?: string }> | undefined;
  const workspaceId = authorizations?.[0]?.team_id ?? (body.team_id as string | undefined) ?? event?.team;
  if (!event || !eventId || !workspaceId) return undefined;
  const base = { platform: 'slack' as const, workspaceId, eventId };

  switch (event.type) {
    case 'message': {
      const channel = event.channel ?? '';
      const isDirect = event.channel_type === 'im' || channel.startsWith('D');
      if (event.subtype === 'message_changed') {
        const msg = event.message;
        if (!msg?.ts || !msg.user || isOwn(msg, ctx) || msg.bot_id) return undefined;
        if (event.previous_message && event.previous_message.text === msg.text) return undefined;
        return { ...base, kind: 'message_edited', userId: msg.user, conversationId: channel, messageId: msg.ts, text: slackToNeutral(msg.text ?? '') };
      }
      if (event.subtype === 'message_deleted') {
        if (!event.deleted_ts || isOwn(event.previous_message, ctx)) return undefined;
        return {
          ...base,
          kind: 'message_deleted',
          userId: event.previous_message?.user ?? '',
          conversationId: channel,
          messageId: event.deleted_ts,
        };
      }
      if (!RELAYED_SUBTYPES.has(event.subtype) || isOwn(event, ctx) || event.bot_id || !event.user || !event.ts) return undefined;
      const files = (event.files ?? [])
        .filter((f) => f.url_private || f.permalink)
        .map((f) => ({ name: f.name ?? f.title ?? 'file', url: (f.url_private ?? f.permalink)!, ...(f.size !== undefined ? { size: f.size } : {}) }));
      return {
        ...base,
        kind: 'message',
        userId: event.user,
        conversationId: channel,
        messageId: event.ts,
        text: slackToNeutral(event.text ?? ''),
        isDirect,
        ...(event.thread_ts && event.thread_ts !== event.ts ? { threadId: event.thread_ts } : {}),
        ...(files.length > 0 ? { files } : {}),
      };
    }
    case 'reaction_added':
    case 'reaction_removed': {
      if (!event.user || event.user === ctx.botUserId || !event.item?.ts || !event.reaction) return undefined;
      return {
        ...base,
        kind: 'reaction',
        userId: event.user,
        conversationId: event.item.channel ?? '',
        messageId: event.item.ts,
        emoji: `:${event.reaction}:`,
        added: event.type === 'reaction_added',
      };
    }
    case 'app_home_opened': {
      // The closest Slack has to "the user added the bot": they opened its DM or Home tab.
      if (!event.user || !event.channel) return undefined;
      return { ...base, kind: 'app_installed', userId: event.user, conversationId: event.channel };
    }
    case 'team_join': {
      const user = (event as unknown as { user?: SlackUser }).user;
      if (!user?.id) return undefined;
      return { ...base, kind: 'member_joined', userId: user.id, conversationId: '' };
    }
    case 'member_joined_channel': {
      const ev = event as unknown as { user?: string; channel?: string };
      if (!ev.user || !ev.channel) return undefined;
      return { ...base, kind: 'member_joined', userId: ev.user, conversationId: ev.channel };
    }
    case 'user_change': {
      const user = (event as unknown as { user?: SlackUser }).user;
      if (!user?.id) return undefined;
      return { ...base, kind: 'user_changed', userId: user.id, conversationId: '', user: toDirectoryUser(user, ctx.fieldLabels) };
    }
    default:
      return undefined;
  }
}

/** A slash command form body → a `command` event; `text` is what follows the command word. */
export function parseSlashCommand(body: Body): InboundEvent | undefined {
  const { team_id, user_id, channel_id, text, trigger_id } = body as Record<string, string | undefined>;
  if (!team_id || !user_id || !trigger_id) return undefined;
  // Slack never retries a slash command, and each invocation gets its own trigger_id.
  return {
    platform: 'slack',
    kind: 'command',
    workspaceId: team_id,
    eventId: `command:${trigger_id}`,
    userId: user_id,
    conversationId: channel_id ?? '',
    text: (text ?? '').trim(),
  };
}

/** A `block_actions` payload → an `action` event (link buttons give nothing). */
export function parseBlockActions(body: Body): InboundEvent | undefined {
  if (body.type !== 'block_actions') return undefined;
  const p = body as {
    team?: { id?: string } | null;
    user?: { id?: string; team_id?: string };
    trigger_id?: string;
    channel?: { id?: string };
    container?: { channel_id?: string; message_ts?: string };
    message?: { ts?: string };
    actions?: Array<{ action_id?: string; value?: string; action_ts?: string; selected_option?: { value?: string } }>;
  };
  const action = p.actions?.[0];
  const workspaceId = p.team?.id ?? p.user?.team_id;
  if (!action?.action_id || !p.user?.id || !workspaceId) return undefined;
  if (action.action_id.startsWith(LINK_ACTION_PREFIX)) return undefined;
  const messageId = p.container?.message_ts ?? p.message?.ts;
  return {
    platform: 'slack',
    kind: 'action',
    workspaceId,
    eventId: `action:${p.trigger_id ?? `${p.user.id}:${action.action_ts}`}`,
    userId: p.user.id,
    conversationId: p.channel?.id ?? p.container?.channel_id ?? '',
    actionId: action.action_id,
    value: action.value ?? action.selected_option?.value ?? '',
    ...(messageId ? { messageId } : {}),
  };
}
