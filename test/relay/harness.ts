/**
 * Drives and observes the relay through the four simulators: people with accounts (and, for user
 * sync, tokens) on chosen platforms, messages sent the way each platform delivers them, and what
 * each recipient actually sees.
 */
import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Platform } from '../../src/chat-adapter.js';
import { MessageLinkModel } from '../../src/relay/message-link.model.js';
import { PersonModel } from '../../src/directory/person.model.js';
import { PlatformAccountModel } from '../../src/directory/platform-account.model.js';
import { RelayReceiptModel } from '../../src/relay/relay-receipt.model.js';
import { WorkspaceModel } from '../../src/directory/workspace.model.js';
import type { WorkspaceDoc } from '../../src/directory/workspace.model.js';
import type { Cipher } from '../../src/crypto.js';
import type { Sandbox } from '../../sandbox/index.js';

/** A person of the test organization with their platform user ids. */
export interface TestPerson {
  personId: Types.ObjectId;
  name: string;
  email: string;
  primary: Platform;
  ids: Partial<Record<Platform, string>>;
}

/** A message a test person sent natively: its platform id and conversation (empty id: not editable). */
export interface Sent {
  id: string;
  conversationId: string;
}

/** What a recipient sees of one message. */
export interface Seen {
  messageId: string;
  conversationId: string;
  text: string;
  by: 'user' | 'bot';
  authorId?: string;
  deleted: boolean;
  threadOf?: string;
  reactions: string[];
}

/** True while some outbox record of the organization has no delivery receipt yet. */
export async function hasPending(organizationId: Types.ObjectId): Promise<boolean> {
  const [records, receipts] = await Promise.all([MessageLinkModel.countDocuments({ organizationId }), RelayReceiptModel.countDocuments({ organizationId })]);
  return records > receipts;
}

/** Polls `probe` until it returns a value (not undefined/false) or the deadline passes. */
export async function eventually<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * What the harness needs of a running service and its simulators (a `SandboxService`, or a
 * service in a child process with the simulators here).
 */
export interface RelayTarget {
  service: { organizationId: Types.ObjectId; cipher: Cipher };
  sandbox: Pick<Sandbox, 'simulators'>;
  url: string;
}

/** The harness over one running sandbox service. */
export class RelayHarness {
  readonly workspaces = new Map<Platform, WorkspaceDoc>();
  private counter = 0;

  constructor(readonly s: RelayTarget) {}

  get sims() {
    return this.s.sandbox.simulators;
  }

  get url(): string {
    return this.s.url;
  }

  async init(): Promise<this> {
    const all = await WorkspaceModel.find({ organizationId: this.s.service.organizationId });
    for (const ws of all) if (!this.workspaces.has(ws.platform as Platform)) this.workspaces.set(ws.platform as Platform, ws);
    return this;
  }

  ws(platform: Platform): WorkspaceDoc {
    const ws = this.workspaces.get(platform);
    if (!ws) throw new Error(`no ${platform} workspace`);
    return ws;
  }

  /** A unique word to find a message by. */
  token(label: string): string {
    return `${label}-${++this.counter}-${randomBytes(3).toString('hex')}`;
  }

  /** Adds the user to the platform's simulator; returns their platform id. */
  private addSimUser(platform: Platform, name: string, email: string): string {
    const [first, ...rest] = name.split(' ');
    const ext = this.ws(platform).externalId;
    switch (platform) {
      case 'slack':
        return this.sims.slack!.state.addUser(ext, { name: first.toLowerCase() + this.counter, realName: name, email }).id;
      case 'teams':
        return this.sims.teams!.addUser(ext, { displayName: name, mail: email }).id;
      case 'webex':
        return this.sims.webex!.addPerson({ email, displayName: name, orgId: ext }).id;
      case 'zoom':
        return this.sims.zoom!.addUser(ext, { email, firstName: first, lastName: rest.join(' ') || 'X' }).id;
    }
  }

  private issueToken(platform: Platform, userId: string): string {
    const ext = this.ws(platform).externalId;
    switch (platform) {
      case 'slack':
        return this.sims.slack!.state.issueUserToken(ext, userId, ['chat:write', 'im:write', 'im:history', 'reactions:write']).token;
      case 'teams':
        return this.sims.teams!.issueUserToken(ext, userId);
      case 'webex':
        return this.sims.webex!.issueUserToken(userId);
      case 'zoom':
        return this.sims.zoom!.issueUserToken(ext, userId);
    }
  }

  /**
   * A synced person with a primary platform, accounts on `accounts` (default: the primary only),
   * and an authorized token on each of `tokens` (user sync there).
   */
  async person(
    label: string,
    primary: Platform,
    options: { accounts?: Platform[]; tokens?: Platform[]; syncState?: 'on' | 'off' } = {},
  ): Promise<TestPerson> {
    const organizationId = this.s.service.organizationId;
    const tag = this.token(label).toLowerCase();
    const name = `${label} ${tag.split('-').pop()}`;
    const email = `${tag}@relay.example`;
    const accounts = [...new Set([primary, ...(options.accounts ?? []), ...(options.tokens ?? [])])];
    const person = await PersonModel.create({
      organizationId,
      email,
      name,
      primaryWorkspaceId: this.ws(primary)._id,
      syncState: options.syncState ?? 'on',
    });
    const ids: Partial<Record<Platform, string>> = {};
    for (const platform of accounts) {
      const id = this.addSimUser(platform, name, email);
      ids[platform] = id;
      const token = options.tokens?.includes(platform) ? this.issueToken(platform, id) : undefined;
      await PlatformAccountModel.create({
        organizationId,
        workspaceId: this.ws(platform)._id,
        platform,
        externalUserId: id,
        personId: person._id,
        email,
        name,
        ...(token ? { userToken: this.s.service.cipher.encryptJson({ accessToken: token, scopes: [] }) } : {}),
        secondary: { status: 'on', type: platform === primary || token ? 'user' : 'bot', updatedAt: new Date() },
      });
    }
    return { personId: person._id, name, email, primary, ids };
  }

  // ---- sending, per platform -----------------------------------------------------------------

  /** `dm <person> <text>` typed by `from` on their primary platform. */
  async dmVerb(from: TestPerson, to: TestPerson, text: string): Promise<void> {
    const line = `dm ${to.email} ${text}`;
    const id = from.ids[from.primary]!;
    const ext = this.ws(from.primary).externalId;
    switch (from.primary) {
      case 'slack':
        await this.sims.slack!.sendSlashCommand(this.url, { teamId: ext, userId: id, text: line });
        return;
      case 'teams':
        await this.sims.teams!.sendDirectMessage(this.url, { tenantId: ext, userId: id, text: line });
        return;
      case 'webex':
        await this.sims.webex!.sendDirectMessage({ from: id, text: line });
        return;
      case 'zoom':
        await this.sims.zoom!.sendCommand(this.url, { accountId: ext, userId: id, cmd: line });
        return;
    }
  }

  /**
   * `from` answers what they saw (`seen`) the way their platform allows: in the same DM where the
   * copy was posted as a person, else in the bot's chat; as a thread reply when `thread`.
   */
  async reply(from: TestPerson, to: TestPerson, seen: Seen, text: string, thread?: Sent): Promise<Sent> {
    const platform = from.primary;
    const id = from.ids[platform]!;
    const ext = this.ws(platform).externalId;
    switch (platform) {
      case 'slack': {
        const slack = this.sims.slack!;
        if (seen.by === 'user') {
          const ts = slack.state.nextTs();
          const msg = { teamId: ext, channel: seen.conversationId, ts, text, user: id, reactions: new Map<string, Set<string>>(), ...(thread ? { threadTs: thread.id } : {}) };
          slack.state.workspace(ext).messages.push(msg);
          await slack.sendEvent(this.url, ext, {
            type: 'message', channel: seen.conversationId, user: id, text, ts, event_ts: ts, channel_type: 'im', team: ext,
            ...(thread ? { thread_ts: thread.id } : {}),
          });
          return { id: ts, conversationId: seen.conversationId };
        }
        const d = await slack.sendDirectMessage(this.url, { teamId: ext, userId: id, text, ...(thread ? { threadTs: thread.id } : {}) });
        return { id: d.ts!, conversationId: d.channel! };
      }
      case 'teams': {
        const d = await this.sims.teams!.sendDirectMessage(this.url, { tenantId: ext, userId: id, text });
        return { id: String(d.activity.id), conversationId: String((d.activity.conversation as { id: string }).id) };
      }
      case 'webex': {
        const d = await this.sims.webex!.sendDirectMessage({ from: id, text, ...(thread ? { parentId: thread.id } : {}) });
        return { id: d.resource.id, conversationId: d.resource.roomId };
      }
      case 'zoom': {
        const zoom = this.sims.zoom!;
        const toZoomId = to.ids.zoom;
        if (toZoomId) {
          const d = await zoom.postDirectMessage(this.url, { accountId: ext, fromUserId: id, toUserId: toZoomId, text, ...(thread ? { replyTo: thread.id } : {}) });
          return { id: d.messageId, conversationId: toZoomId };
        }
        await zoom.sendCommand(this.url, { accountId: ext, userId: id, cmd: text });
        return { id: '', conversationId: '' };
      }
    }
  }

  /** `from` edits a message they sent natively. */
  async edit(from: TestPerson, messageId: string, conversationId: string | undefined, text: string): Promise<void> {
    const platform = from.primary;
    const ext = this.ws(platform).externalId;
    switch (platform) {
      case 'slack':
        await this.sims.slack!.editMessage(this.url, { teamId: ext, channel: conversationId!, ts: messageId, text });
        return;
      case 'teams':
        await this.sims.teams!.sendEdit(this.url, { tenantId: ext, userId: from.ids.teams!, messageId, text });
        return;
      case 'webex':
        await this.sims.webex!.editMessage({ messageId, text });
        return;
      case 'zoom':
        await this.sims.zoom!.editDirectMessage(this.url, { messageId, text });
        return;
    }
  }

  /** `from` deletes a message they sent natively. */
  async remove(from: TestPerson, messageId: string, conversationId: string | undefined): Promise<void> {
    const platform = from.primary;
    const ext = this.ws(platform).externalId;
    switch (platform) {
      case 'slack':
        await this.sims.slack!.deleteMessage(this.url, { teamId: ext, channel: conversationId!, ts: messageId });
        return;
      case 'teams':
        await this.sims.teams!.sendDelete(this.url, { tenantId: ext, userId: from.ids.teams!, messageId });
        return;
      case 'webex':
        await this.sims.webex!.deleteMessage({ messageId });
        return;
      case 'zoom':
        await this.sims.zoom!.deleteDirectMessage(this.url, { messageId });
        return;
    }
  }

  /** A Slack user reacts to a message in a Slack conversation. */
  async slackReact(from: TestPerson, seen: Seen, emoji: string): Promise<void> {
    const ext = this.ws('slack').externalId;
    await this.sims.slack!.sendEvent(this.url, ext, {
      type: 'reaction_added',
      user: from.ids.slack,
      reaction: emoji,
      item: { type: 'message', channel: seen.conversationId, ts: seen.messageId },
      event_ts: this.sims.slack!.state.nextTs(),
    });
  }

  // ---- observing -----------------------------------------------------------------------------

  /** Every message on `platform` whose text contains `needle`, as the people there see it. */
  seen(platform: Platform, needle: string): Seen[] {
    const out: Seen[] = [];
    switch (platform) {
      case 'slack':
        for (const ws of this.sims.slack!.state.workspaces.values()) {
          for (const m of ws.messages) {
            if (!m.text.includes(needle) && !JSON.stringify(m.blocks ?? []).includes(needle)) continue;
            out.push({
              messageId: m.ts,
              conversationId: m.channel,
              text: m.text,
              by: m.botId ? 'bot' : 'user',
              authorId: m.botId ? m.username : m.user,
              deleted: m.deleted === true,
              threadOf: m.threadTs,
              reactions: [...m.reactions.keys()],
            });
          }
        }
        return out;
      case 'teams': {
        const teams = this.sims.teams!;
        for (const conv of teams.conversations.values()) {
          for (const a of conv.activities.values()) {
            if (!a.from?.id?.startsWith('28:') || !(a.text ?? '').includes(needle)) continue;
            out.push({ messageId: a.id, conversationId: conv.id, text: a.text ?? '', by: 'bot', deleted: a.deleted === true, reactions: [], threadOf: (a.raw.replyToId as string | undefined) });
          }
        }
        for (const chat of teams.chats.values()) {
          for (const m of chat.messages.values()) {
            if (!m.content.includes(needle)) continue;
            out.push({ messageId: m.id, conversationId: chat.id, text: m.content, by: 'user', authorId: m.from, deleted: m.deleted, reactions: [] });
          }
        }
        return out;
      }
      case 'webex': {
        const webex = this.sims.webex!;
        const bots = new Set([...webex.orgs.values()].map((o) => o.bot.id));
        for (const m of webex.messages.values()) {
          const text = m.markdown ?? m.text ?? '';
          if (!text.includes(needle)) continue;
          out.push({ messageId: m.id, conversationId: m.roomId, text, by: bots.has(m.personId) ? 'bot' : 'user', authorId: m.personId, deleted: false, threadOf: m.parentId, reactions: [] });
        }
        return out;
      }
      case 'zoom': {
        const zoom = this.sims.zoom!;
        for (const m of zoom.botMessages.values()) {
          const text = JSON.stringify(m.content);
          if (!text.includes(needle)) continue;
          out.push({ messageId: m.messageId, conversationId: m.toJid, text, by: 'bot', deleted: m.deleted, threadOf: m.replyTo, reactions: [] });
        }
        for (const m of zoom.userMessages.values()) {
          if (!m.viaApi || !m.message.includes(needle)) continue;
          out.push({ messageId: m.id, conversationId: m.toContact ?? '', text: m.message, by: 'user', authorId: m.senderId, deleted: m.deleted, threadOf: m.replyMainMessageId, reactions: [] });
        }
        return out;
      }
    }
  }

  /** Waits for exactly one copy containing `needle` on `platform` (more is a doubled message). */
  async arrives(platform: Platform, needle: string, what = needle): Promise<Seen> {
    const copies = await eventually(() => {
      const found = this.seen(platform, needle);
      return found.length > 0 ? found : undefined;
    }, `${what} on ${platform}`);
    if (copies.length !== 1) throw new Error(`${what} arrived ${copies.length} times on ${platform}`);
    return copies[0];
  }

  /** Waits until the relay has no pending work left. */
  async settled(): Promise<void> {
    const organizationId = this.s.service.organizationId;
    await eventually(async () => !(await hasPending(organizationId)), 'the relay to settle');
  }
}
