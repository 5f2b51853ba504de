/**
 * What each sandbox pane shows and does, per platform, read straight from the simulators: the
 * users to act as, their chats (the bot's 1:1 chat and user-to-user DMs), and the messages in
 * them as the real adapters posted them (text converted from the platform's own dialect with the
 * adapters' converters, buttons from Block Kit, Adaptive Cards or Zoom cards). Typing and clicking
 * go through each simulator's signed inbound helpers to the service, like the real client would.
 */
import type { Platform } from '../../src/chat-adapter.js';
import { slackToNeutral } from '../../adapters/slack/format.js';
import { toNeutral as teamsToNeutral } from '../../adapters/teams/format.js';
import { unicodeFor } from '../../src/format/emoji.js';
import { toNeutral as webexToNeutral } from '../../adapters/webex/format.js';
import { userMessageToNeutral, zoomMarkdownToNeutral } from '../../adapters/zoom/format.js';
import type { Simulators } from '../index.js';
import type { SimServer } from '../simulators/sim-core.js';
import type { SlackSimulator } from '../simulators/slack/server.js';
import type { TeamsSimulator } from '../simulators/teams/server.js';
import type { WebexSimulator } from '../simulators/webex/server.js';
import { userJidOf, type ZoomSimulator } from '../simulators/zoom/server.js';

/** Someone a pane can act as. */
export interface PaneUser {
  id: string;
  name: string;
  email?: string;
}

/** A button on a message: a link to open, or an action the platform sends back to the app. */
export interface PaneButton {
  label: string;
  url?: string;
  style?: 'primary' | 'danger';
}

/** One message as the pane's user sees it; `text` is neutral text. */
export interface PaneMessage {
  id: string;
  author: string;
  /** The bot posted it (possibly under someone's name). */
  bot: boolean;
  mine: boolean;
  text: string;
  at?: string;
  buttons: PaneButton[];
  /** "Only visible to you" and similar platform notes. */
  note?: string;
  /** The author changed it after sending (platforms show "(edited)"). */
  edited?: boolean;
  /** Emoji reactions, as the platform shows them under the message. */
  reactions?: PaneReaction[];
  /** What the pane's user may do to it, as that platform's client allows. */
  can?: { edit?: boolean; delete?: boolean; react?: boolean };
}

/** One reaction under a message: `label` is how the platform shows `name`. */
export interface PaneReaction {
  name: string;
  label: string;
  count: number;
  mine: boolean;
}

/** A channel (team, space) the sandbox has, with the `channel=` value group syncs name it by. */
export interface PaneChannel {
  name: string;
  ref: string;
  members: number;
}

/** One chat in the pane's list. */
export interface PaneChat {
  /** `bot` for the bot's 1:1 chat; otherwise the platform's conversation id. */
  id: string;
  title: string;
  kind: 'bot' | 'dm';
  /** False where the simulator has no way to type into this chat. */
  canType: boolean;
  messages: PaneMessage[];
}

/** The chats of one user on one platform. */
export interface PaneView {
  platform: Platform;
  user?: PaneUser;
  chats: PaneChat[];
}

/** One platform's pane: its people, their chats, and the inbound actions a user can take. */
export interface PlatformPane {
  platform: Platform;
  sim: SimServer;
  users(): PaneUser[];
  chats(userId: string): PaneChat[];
  /** Types `text` into a chat (a `/crosstalk ...` line becomes that platform's command). */
  send(userId: string, chatId: string, text: string): Promise<void>;
  /** Clicks action button `index` of a message. */
  click(userId: string, chatId: string, messageId: string, index: number): Promise<void>;
  /** Edits one of the user's messages (where the platform's client can). */
  edit?(userId: string, chatId: string, messageId: string, text: string): Promise<void>;
  /** Deletes one of the user's messages (where the platform's client can). */
  remove?(userId: string, chatId: string, messageId: string): Promise<void>;
  /** Toggles the user's reaction `name` on a message (where the platform has reactions). */
  react?(userId: string, chatId: string, messageId: string, name: string): Promise<void>;
  /** The reactions offered, when `react` exists. */
  reactionChoices?: Array<{ name: string; label: string }>;
  /** The channels (teams, spaces) a group sync can fill. */
  channels(): PaneChannel[];
  /** Makes `userId` the person who signs in at the simulated OAuth authorize page. */
  signInAs(userId: string): void;
}

/** The service's base URL, read at call time (known once it listens). */
export type Target = () => string;

/** An invalid request from the page: which user, chat, message or button it named. */
export class PaneInputError extends Error {
  override name = 'PaneInputError';
}

const COMMAND = /^\/crosstalk\b\s*/i;

function byName(a: PaneUser, b: PaneUser): number {
  return a.name.localeCompare(b.name);
}

interface ActionButton extends PaneButton {
  act?: () => Promise<unknown>;
}

function visible(buttons: ActionButton[]): PaneButton[] {
  return buttons.map(({ label, url, style }) => ({ label, url, style }));
}

/** The reactions a Slack pane offers (Slack names; shown as the adapters render them). */
const SLACK_REACTIONS = ['+1', 'tada', 'eyes', 'heart'];

function slackPane(slack: SlackSimulator, target: Target, changed: () => void): PlatformPane {
  const ws = () => [...slack.state.workspaces.values()][0]!;

  const nameOf = (id?: string) => (id ? (ws().users.get(id)?.realName ?? id) : 'Unknown');
  const botChat = (userId: string) =>
    [...ws().conversations.values()].find((c) => c.kind === 'im' && c.members.has(ws().botUserId) && c.members.has(userId));
  const channelOf = (userId: string, chatId: string) => (chatId === 'bot' ? botChat(userId)?.id : chatId);
  const slackButtons = (blocks: unknown[] | undefined): Array<ActionButton & { actionId: string; value?: string }> =>
    ((blocks ?? []) as Array<{ type: string; elements?: Array<Record<string, unknown>> }>)
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? [])
      .filter((e) => e.type === 'button')
      .map((e) => ({
        label: String((e.text as { text?: string } | undefined)?.text ?? 'Button'),
        url: typeof e.url === 'string' ? e.url : undefined,
        style: e.style === 'primary' || e.style === 'danger' ? e.style : undefined,
        actionId: String(e.action_id ?? ''),
        value: typeof e.value === 'string' ? e.value : undefined,
      }));
  const reactionLabel = (name: string) => slackToNeutral(`:${name}:`);

  const messagesOf = (userId: string, channel: string): PaneMessage[] => {
    const own: PaneMessage[] = slack.state.messagesIn(ws().id, channel).map((m) => {
      const mine = !m.botId && m.user === userId;
      return {
        id: m.ts,
        author: m.botId ? (m.username ?? 'Crosstalk') : nameOf(m.user),
        bot: Boolean(m.botId),
        mine,
        text: showEmoji(slackToNeutral(m.text)),
        at: new Date(Number(m.ts) * 1000).toISOString(),
        buttons: visible(slackButtons(m.blocks)),
        edited: Boolean(m.edited) && !m.botId ? true : undefined,
        reactions: [...m.reactions].map(([name, who]) => ({ name, label: reactionLabel(name), count: who.size, mine: who.has(userId) })),
        can: { edit: mine, delete: mine, react: true },
      };
    });
    // Slack shows "Only visible to you" answers in the conversation where the command was typed.
    const ephemeral: PaneMessage[] = slack.ephemerals.visibleTo(ws().id, channel, userId).map((e) => ({
      id: e.ts,
      author: 'Crosstalk',
      bot: true,
      mine: false,
      text: showEmoji(slackToNeutral(e.text)),
      at: new Date(Number(e.ts) * 1000).toISOString(),
      buttons: visible(slackButtons(e.blocks)),
      note: 'Only visible to you',
    }));
    return [...own, ...ephemeral].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
  };
  const ownMessage = (userId: string, chatId: string, messageId: string) => {
    const channel = channelOf(userId, chatId);
    const msg = channel ? slack.state.findMessage(ws().id, channel, messageId) : undefined;
    if (!channel || !msg) throw new PaneInputError('That message is no longer there.');
    return { channel, msg };
  };

  return {
    platform: 'slack',
    sim: slack.sim,
    reactionChoices: SLACK_REACTIONS.map((name) => ({ name, label: reactionLabel(name) })),
    users: () =>
      [...ws().users.values()].filter((u) => !u.isBot && !u.deleted).map((u) => ({ id: u.id, name: u.realName, email: u.email })).sort(byName),
    channels: () =>
      [...ws().conversations.values()]
        .filter((c) => c.kind === 'public' || c.kind === 'private')
        .map((c) => ({ name: `#${c.name}`, ref: `slack:${c.id}`, members: [...c.members].filter((m) => m !== ws().botUserId).length })),
    chats(userId) {
      const bot = botChat(userId);
      const chats: PaneChat[] = [{ id: 'bot', title: 'Crosstalk', kind: 'bot', canType: true, messages: bot ? messagesOf(userId, bot.id) : [] }];
      for (const conv of ws().conversations.values()) {
        if (conv.kind !== 'im' || !conv.members.has(userId) || conv.members.has(ws().botUserId)) continue;
        const other = [...conv.members].find((m) => m !== userId) ?? userId;
        chats.push({ id: conv.id, title: nameOf(other), kind: 'dm', canType: true, messages: messagesOf(userId, conv.id) });
      }
      return chats;
    },
    async send(userId, chatId, text) {
      const teamId = ws().id;
      if (COMMAND.test(text)) {
        const channelId = chatId === 'bot' ? undefined : chatId;
        await slack.sendSlashCommand(target(), { teamId, userId, text: text.replace(COMMAND, ''), channelId });
        changed();
        return;
      }
      if (chatId === 'bot') {
        await slack.sendDirectMessage(target(), { teamId, userId, text });
        return;
      }
      const conv = ws().conversations.get(chatId);
      if (!conv?.members.has(userId)) throw new PaneInputError('That chat is not one of yours.');
      // A message typed in a DM between two people: Slack stores it and sends `message.im`.
      const ts = slack.state.nextTs();
      ws().messages.push({ teamId, channel: chatId, ts, text, user: userId, reactions: new Map() });
      changed();
      await slack.sendEvent(target(), teamId, { type: 'message', channel: chatId, user: userId, text, ts, event_ts: ts, channel_type: 'im', team: teamId });
    },
    async click(userId, chatId, messageId, index) {
      const channel = channelOf(userId, chatId);
      const msg = channel ? (slack.state.findMessage(ws().id, channel, messageId) ?? slack.ephemerals.find(ws().id, channel, messageId)) : undefined;
      const button = msg ? slackButtons(msg.blocks).filter((b) => !b.url)[index] : undefined;
      if (!channel || !button) throw new PaneInputError('That button is no longer there.');
      await slack.clickButton(target(), { teamId: ws().id, userId, channelId: channel, messageTs: messageId, actionId: button.actionId, value: button.value });
      changed();
    },
    async edit(userId, chatId, messageId, text) {
      const { channel, msg } = ownMessage(userId, chatId, messageId);
      if (msg.user !== userId || msg.botId) throw new PaneInputError('Slack lets you edit only your own messages.');
      await slack.editMessage(target(), { teamId: ws().id, channel, ts: messageId, text });
      changed();
    },
    async remove(userId, chatId, messageId) {
      const { channel, msg } = ownMessage(userId, chatId, messageId);
      if (msg.user !== userId || msg.botId) throw new PaneInputError('Slack lets you delete only your own messages.');
      await slack.deleteMessage(target(), { teamId: ws().id, channel, ts: messageId });
      changed();
    },
    async react(userId, chatId, messageId, name) {
      if (!SLACK_REACTIONS.includes(name)) throw new PaneInputError('Pick one of the offered reactions.');
      const { channel, msg } = ownMessage(userId, chatId, messageId);
      const who = msg.reactions.get(name) ?? new Set<string>();
      const added = !who.has(userId);
      if (added) who.add(userId);
      else who.delete(userId);
      if (who.size) msg.reactions.set(name, who);
      else msg.reactions.delete(name);
      changed();
      // Slack's Events API: `reaction_added` / `reaction_removed` on a message item.
      await slack.sendEvent(target(), ws().id, {
        type: added ? 'reaction_added' : 'reaction_removed',
        user: userId,
        reaction: name,
        item: { type: 'message', channel, ts: messageId },
        item_user: msg.user,
        event_ts: slack.state.nextTs(),
      });
    },
    signInAs(userId) {
      slack.signInAs(ws().id, userId);
    },
  };
}

/**
 * Emoji as every platform's client draws them: the picture (Unicode), not the `:shortcode:`; an
 * inline avatar image (Teams' bot-sync header) is drawn by the client, not shown as markup.
 */
function showEmoji(text: string): string {
  return text.replace(/!\[[^\]]*\]\([^)]*\)\s*/g, '').replace(/:([a-z0-9_+-]+(?:::skin-tone-[2-6])?):/g, (whole, code: string) => unicodeFor(code) ?? whole);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

interface CardAction {
  type?: string;
  title?: string;
  url?: string;
  style?: string;
  data?: Record<string, unknown>;
}

function cardActions(attachments: unknown): CardAction[] {
  if (!Array.isArray(attachments)) return [];
  return attachments.flatMap((a) => ((a as { content?: { actions?: CardAction[] } }).content?.actions ?? []) as CardAction[]);
}

function cardButtons(attachments: unknown): PaneButton[] {
  return cardActions(attachments).map((a) => ({
    label: a.title ?? 'Button',
    url: a.type === 'Action.OpenUrl' ? a.url : undefined,
    style: a.style === 'destructive' ? 'danger' : a.style === 'positive' ? 'primary' : undefined,
  }));
}

function teamsPane(teams: TeamsSimulator, target: Target): PlatformPane {
  const tenant = () => [...teams.tenants.values()][0]!;
  const nameOf = (id: string) => teams.findUser(id.replace(/^29:/, ''))?.user.displayName ?? tenant().users.get(id)?.displayName ?? id;
  const personal = (userId: string) => [...teams.conversations.values()].find((c) => c.userId === userId && c.tenantId === tenant().id);

  const userActivity = (userId: string, chatId: string, messageId: string) => {
    const activity = chatId === 'bot' ? personal(userId)?.activities.get(messageId) : undefined;
    if (!activity || activity.deleted || activity.from?.id?.startsWith('28:')) throw new PaneInputError('Teams lets you change only your own messages.');
    return activity;
  };

  return {
    platform: 'teams',
    sim: teams.sim,
    users: () =>
      [...tenant().users.values()].filter((u) => u.accountEnabled).map((u) => ({ id: u.id, name: u.displayName, email: u.mail })).sort(byName),
    channels: () =>
      [...tenant().teams.values()].map((t) => ({ name: t.displayName, ref: `teams:${t.id}`, members: t.members.size })),
    async edit(userId, chatId, messageId, text) {
      const activity = userActivity(userId, chatId, messageId);
      activity.text = text;
      activity.raw = { ...activity.raw, text, edited: true };
      await teams.sendEdit(target(), { tenantId: tenant().id, userId, messageId, text });
    },
    async remove(userId, chatId, messageId) {
      const activity = userActivity(userId, chatId, messageId);
      activity.deleted = true;
      await teams.sendDelete(target(), { tenantId: tenant().id, userId, messageId });
    },
    chats(userId) {
      const conv = personal(userId);
      const botMessages: PaneMessage[] = [...(conv?.activities.values() ?? [])]
        .filter((a) => a.type === 'message' && !a.deleted && (a.text || a.attachments || a.raw.attachments))
        .map((a) => {
          const bot = Boolean(a.from?.id?.startsWith('28:'));
          const attachments = a.attachments ?? a.raw.attachments;
          return {
            id: a.id,
            author: bot ? a.from?.name || 'Crosstalk' : a.from?.name || nameOf(userId),
            bot,
            mine: !bot,
            text: a.text ? showEmoji(teamsToNeutral(a.text)) : '',
            at: typeof a.raw.timestamp === 'string' ? a.raw.timestamp : undefined,
            buttons: cardButtons(attachments),
            edited: a.raw.edited === true ? true : undefined,
            can: { edit: !bot, delete: !bot },
          };
        });
      const chats: PaneChat[] = [{ id: 'bot', title: 'Crosstalk', kind: 'bot', canType: true, messages: botMessages }];
      for (const chat of teams.chats.values()) {
        if (!chat.memberIds.includes(userId)) continue;
        const other = chat.memberIds.find((m) => m !== userId) ?? userId;
        chats.push({
          id: chat.id,
          title: nameOf(other),
          kind: 'dm',
          canType: false,
          messages: [...chat.messages.values()]
            .filter((m) => !m.deleted)
            .map((m) => ({
              id: m.id,
              author: nameOf(m.from),
              bot: false,
              mine: m.from === userId,
              text: showEmoji(m.contentType === 'html' ? teamsToNeutral(m.content) : m.content),
              at: m.lastModified,
              buttons: [],
            })),
        });
      }
      return chats;
    },
    async send(userId, chatId, text) {
      if (chatId !== 'bot') throw new PaneInputError('In Teams, type in the Crosstalk chat.');
      await teams.sendDirectMessage(target(), { tenantId: tenant().id, userId, text });
    },
    async click(userId, chatId, messageId, index) {
      const activity = chatId === 'bot' ? personal(userId)?.activities.get(messageId) : undefined;
      const action = activity ? cardActions(activity.attachments ?? activity.raw.attachments).filter((a) => a.type === 'Action.Submit')[index] : undefined;
      if (!activity || !action) throw new PaneInputError('That button is no longer there.');
      await teams.sendCardSubmit(target(), { tenantId: tenant().id, userId, value: action.data ?? {}, replyToId: activity.id });
    },
    signInAs(userId) {
      teams.authorizingUser = userId;
    },
  };
}

function webexPane(webex: WebexSimulator, changed: () => void): PlatformPane {
  const org = () => webex.defaultOrg;
  const nameOf = (id: string) => webex.people.get(id)?.displayName ?? id;
  const directWith = (userId: string) =>
    [...webex.rooms.values()].filter((r) => r.type === 'direct' && webex.membersOf(r.id).some((m) => m.personId === userId));
  const otherIn = (roomId: string, userId: string) => webex.membersOf(roomId).find((m) => m.personId !== userId)?.personId;
  const isBot = (id?: string) => Boolean(id && webex.people.get(id)?.type === 'bot');

  const ownMessage = (userId: string, messageId: string) => {
    const message = webex.messages.get(messageId);
    if (!message || message.personId !== userId) throw new PaneInputError('Webex lets you change only your own messages.');
    return message;
  };

  return {
    platform: 'webex',
    sim: webex.sim,
    channels: () =>
      [...webex.rooms.values()]
        .filter((r) => r.type === 'group')
        .map((r) => ({ name: r.title, ref: `webex:${r.id}`, members: webex.membersOf(r.id).filter((m) => !isBot(m.personId)).length })),
    async edit(userId, _chatId, messageId, text) {
      ownMessage(userId, messageId);
      await webex.editMessage({ messageId, text, markdown: text });
      changed();
    },
    async remove(userId, _chatId, messageId) {
      ownMessage(userId, messageId);
      await webex.deleteMessage({ messageId });
      changed();
    },
    users: () =>
      [...webex.people.values()]
        .filter((p) => p.type === 'person' && p.loginEnabled && p.orgId === org().id)
        .map((p) => ({ id: p.id, name: p.displayName, email: p.emails[0] }))
        .sort(byName),
    chats(userId) {
      const toMessages = (roomId: string): PaneMessage[] =>
        webex.messagesIn(roomId).map((m) => ({
          id: m.id,
          author: nameOf(m.personId),
          bot: isBot(m.personId),
          mine: m.personId === userId,
          text: showEmoji(m.markdown ? webexToNeutral(m.markdown) : (m.text ?? '')),
          at: m.created,
          buttons: cardButtons(m.attachments),
          edited: m.edits > 0 ? true : undefined,
          can: { edit: m.personId === userId, delete: m.personId === userId },
        }));
      const rooms = directWith(userId);
      const botRoom = rooms.find((r) => isBot(otherIn(r.id, userId)));
      const chats: PaneChat[] = [{ id: 'bot', title: 'Crosstalk', kind: 'bot', canType: true, messages: botRoom ? toMessages(botRoom.id) : [] }];
      for (const room of rooms) {
        if (room === botRoom) continue;
        const other = otherIn(room.id, userId);
        if (isBot(other)) continue;
        chats.push({ id: room.id, title: other ? nameOf(other) : room.title, kind: 'dm', canType: true, messages: toMessages(room.id) });
      }
      return chats;
    },
    async send(userId, chatId, text) {
      if (chatId === 'bot') {
        await webex.sendDirectMessage({ from: userId, text });
      } else {
        const to = otherIn(chatId, userId);
        if (!to || !webex.membersOf(chatId).some((m) => m.personId === userId)) throw new PaneInputError('That chat is not one of yours.');
        await webex.sendDirectMessage({ from: userId, to, text });
      }
      changed();
    },
    async click(userId, _chatId, messageId, index) {
      const message = webex.messages.get(messageId);
      const action = message ? cardActions(message.attachments).filter((a) => a.type === 'Action.Submit')[index] : undefined;
      if (!message || !action || !webex.membersOf(message.roomId).some((m) => m.personId === userId)) {
        throw new PaneInputError('That button is no longer there.');
      }
      await webex.submitCard({ from: userId, messageId, inputs: action.data ?? {} });
      changed();
    },
    signInAs(userId) {
      webex.authorizingPersonId = userId;
    },
  };
}

function zoomPane(zoom: ZoomSimulator, target: Target, changed: () => void): PlatformPane {
  const account = () => [...zoom.accounts.values()][0]!;
  const typed: Array<{ userId: string; message: PaneMessage }> = [];
  let seq = 0;
  const userOf = (idOrEmail: string) => account().users.find((u) => u.id === idOrEmail || u.email.toLowerCase() === idOrEmail.toLowerCase());
  const nameOf = (id: string) => userOf(id)?.displayName ?? id;
  const zoomButtons = (content: { body?: Array<Record<string, unknown>> }): Array<ActionButton & { value?: string }> => {
    const out: Array<ActionButton & { value?: string }> = [];
    for (const item of content.body ?? []) {
      if (item.type === 'message' && typeof item.link === 'string') out.push({ label: String(item.text ?? item.link), url: item.link });
      if (item.type === 'actions') {
        for (const a of (item.items as Array<{ text: string; value: string; style?: string }> | undefined) ?? []) {
          out.push({ label: a.text, value: a.value, style: a.style === 'Danger' ? 'danger' : a.style === 'Primary' ? 'primary' : undefined });
        }
      }
    }
    return out;
  };

  const ownDirect = (userId: string, messageId: string) => {
    const message = zoom.userMessages.get(messageId);
    if (!message || message.deleted || message.senderId !== userId) throw new PaneInputError('Zoom lets you change only your own messages.');
    return message;
  };

  return {
    platform: 'zoom',
    sim: zoom.sim,
    channels: () =>
      [...account().channels.values()].map((c) => ({ name: c.name, ref: `zoom:${c.id}`, members: c.members.size })),
    async edit(userId, _chatId, messageId, text) {
      ownDirect(userId, messageId);
      await zoom.editDirectMessage(target(), { messageId, text });
      changed();
    },
    async remove(userId, _chatId, messageId) {
      ownDirect(userId, messageId);
      await zoom.deleteDirectMessage(target(), { messageId });
      changed();
    },
    users: () =>
      account()
        .users.filter((u) => u.status === 'active')
        .map((u) => ({ id: u.id, name: u.displayName, email: u.email }))
        .sort(byName),
    chats(userId) {
      const jid = userJidOf(userId);
      const fromBot: PaneMessage[] = [...zoom.botMessages.values()]
        .filter((m) => !m.deleted && (m.toJid === jid || m.toJid.startsWith(`${jid}/`)))
        .map((m) => ({
          id: m.messageId,
          author: m.content.head?.text ?? account().app.name,
          bot: true,
          mine: false,
          text: [
            m.content.head?.sub_head?.text ? `_${m.content.head.sub_head.text}_` : '',
            ...(m.content.body ?? []).filter((b) => b.type === 'message' && typeof b.link !== 'string').map((b) => zoomMarkdownToNeutral(String(b.text ?? ''))),
          ]
            .filter((t) => t.trim())
            .join('\n'),
          at: m.sentAt.toISOString(),
          buttons: visible(zoomButtons(m.content)),
          note: m.visibleToUser ? 'Only visible to you' : undefined,
        }));
      const mine = typed.filter((t) => t.userId === userId).map((t) => t.message);
      const chats: PaneChat[] = [
        { id: 'bot', title: account().app.name, kind: 'bot', canType: true, messages: [...fromBot, ...mine].sort((a, b) => (a.at ?? '').localeCompare(b.at ?? '')) },
      ];
      const byOther = new Map<string, PaneMessage[]>();
      for (const m of zoom.userMessages.values()) {
        if (m.deleted || m.toChannel || !m.toContact || m.accountId !== account().accountId) continue;
        const to = userOf(m.toContact)?.id ?? m.toContact;
        if (m.senderId !== userId && to !== userId) continue;
        const other = m.senderId === userId ? to : m.senderId;
        const list = byOther.get(other) ?? [];
        list.push({
          id: m.id,
          author: nameOf(m.senderId),
          bot: false,
          mine: m.senderId === userId,
          text: showEmoji(userMessageToNeutral(m.message, (m.richText ?? []) as never)),
          at: m.sentAt.toISOString(),
          buttons: [],
          edited: m.edits > 0 ? true : undefined,
          can: { edit: m.senderId === userId, delete: m.senderId === userId },
        });
        byOther.set(other, list);
      }
      for (const [other, messages] of byOther) chats.push({ id: other, title: nameOf(other), kind: 'dm', canType: true, messages });
      return chats;
    },
    async send(userId, chatId, text) {
      const accountId = account().accountId;
      if (chatId === 'bot') {
        // Zoom shows what you typed to a chatbot in your own client only; the app gets the command.
        typed.push({ userId, message: { id: `typed-${++seq}`, author: nameOf(userId), bot: false, mine: true, text, at: new Date().toISOString(), buttons: [] } });
        changed();
        await zoom.sendCommand(target(), { accountId, userId, cmd: text.replace(COMMAND, '') || 'help' });
        return;
      }
      if (!userOf(chatId)) throw new PaneInputError('That chat is not one of yours.');
      await zoom.postDirectMessage(target(), { accountId, fromUserId: userId, toUserId: chatId, text });
      changed();
    },
    async click(userId, _chatId, messageId, index) {
      const message = zoom.botMessages.get(messageId);
      const button = message ? zoomButtons(message.content).filter((b) => !b.url)[index] : undefined;
      if (!message || !button) throw new PaneInputError('That button is no longer there.');
      await zoom.clickButton(target(), { userId, messageId, value: button.value });
    },
    signInAs(userId) {
      zoom.authorizingUser = { accountId: account().accountId, userId };
    },
  };
}

/** The panes of the running simulators, in the order the page shows them. */
export function createPanes(sims: Simulators, target: Target, changed: (platform: Platform) => void): PlatformPane[] {
  const panes: PlatformPane[] = [];
  if (sims.slack) panes.push(slackPane(sims.slack, target, () => changed('slack')));
  if (sims.teams) panes.push(teamsPane(sims.teams, target));
  if (sims.webex) panes.push(webexPane(sims.webex, () => changed('webex')));
  if (sims.zoom) panes.push(zoomPane(sims.zoom, target, () => changed('zoom')));
  return panes;
}
