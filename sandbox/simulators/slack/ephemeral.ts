/**
 * "Only visible to you" messages and the `response_url`s Slack hands an app with each slash
 * command and button click. What an app posts there becomes, as on Slack
 * (https://docs.slack.dev/messaging/modifying-messages and
 * https://docs.slack.dev/interactivity/handling-user-interaction#message_responses):
 * - `delete_original: true` — the message the button was on is deleted;
 * - `replace_original: true` — that message is replaced by the new text/blocks (ephemeral ones too:
 *   `chat.update` cannot change an ephemeral message, its `response_url` can);
 * - otherwise a new message: ephemeral for the user unless `response_type: "in_channel"`.
 * A URL may be used up to 5 times within 30 minutes; after that Slack answers `used_url` /
 * `expired_url`. The immediate JSON answer to a slash command is shown the same way.
 * Ephemeral messages are not saved: like Slack's, they are gone once the client reloads.
 */
import { randomBytes } from 'node:crypto';
import type { SlackSimState } from './state.js';

/** One ephemeral message: shown to `userId` in `channel` only. */
export interface SimEphemeral {
  teamId: string;
  channel: string;
  userId: string;
  ts: string;
  text: string;
  blocks?: unknown[];
}

/** Where a response URL's posts go. */
export interface ResponseTarget {
  teamId: string;
  channel: string;
  userId: string;
  /** The message the interaction came from (a button's message), for replace/delete. */
  original?: { ts: string; ephemeral: boolean };
}

interface IssuedUrl extends ResponseTarget {
  uses: number;
  expiresAt: number;
}

const MAX_USES = 5;
const LIFETIME_MS = 30 * 60_000;

/** The outcome of a post to a response URL, as Slack answers it. */
export type ResponseOutcome = { status: 200 } | { status: 404; error: 'expired_url' | 'used_url' } | { status: 400; error: 'no_text' };

/** Ephemeral messages and response URLs of one simulated Slack. */
export class EphemeralMessages {
  readonly messages: SimEphemeral[] = [];
  private readonly urls = new Map<string, IssuedUrl>();

  constructor(private readonly state: SlackSimState) {}

  /** A new response URL id bound to where the interaction happened. */
  issue(target: ResponseTarget): string {
    const id = randomBytes(9).toString('hex');
    this.urls.set(id, { ...target, uses: 0, expiresAt: Date.now() + LIFETIME_MS });
    return id;
  }

  /** Shows a message to one user only. */
  add(target: Omit<SimEphemeral, 'ts'>): SimEphemeral {
    const message = { ...target, ts: this.state.nextTs() };
    this.messages.push(message);
    return message;
  }

  find(teamId: string, channel: string, ts: string): SimEphemeral | undefined {
    return this.messages.find((m) => m.teamId === teamId && m.channel === channel && m.ts === ts);
  }

  /** What `userId` sees in `channel` that nobody else does, oldest first. */
  visibleTo(teamId: string, channel: string, userId: string): SimEphemeral[] {
    return this.messages.filter((m) => m.teamId === teamId && m.channel === channel && m.userId === userId);
  }

  /** Applies a post to response URL `id`. */
  respond(id: string, body: unknown): ResponseOutcome {
    const url = this.urls.get(id);
    if (!url || url.expiresAt < Date.now()) return { status: 404, error: 'expired_url' };
    if (url.uses >= MAX_USES) return { status: 404, error: 'used_url' };
    url.uses += 1;
    const reply = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const text = typeof reply.text === 'string' ? reply.text : '';
    const blocks = Array.isArray(reply.blocks) ? reply.blocks : undefined;
    const flag = (key: string) => reply[key] === true || reply[key] === 'true';
    const original = url.original;
    if (flag('delete_original')) {
      if (original) this.remove(url.teamId, url.channel, original);
      return { status: 200 };
    }
    if (!text && !blocks) return { status: 400, error: 'no_text' };
    if (flag('replace_original') && original) {
      if (original.ephemeral) {
        const message = this.find(url.teamId, url.channel, original.ts);
        if (message) Object.assign(message, { text, blocks });
      } else {
        const message = this.state.findMessage(url.teamId, url.channel, original.ts);
        if (message) Object.assign(message, { text, blocks, edited: { user: message.user ?? '', ts: this.state.nextTs() } });
      }
      return { status: 200 };
    }
    if (reply.response_type === 'in_channel') {
      const ws = this.state.workspace(url.teamId);
      this.state.workspace(url.teamId).messages.push({
        teamId: url.teamId,
        channel: url.channel,
        ts: this.state.nextTs(),
        text,
        blocks,
        user: ws.botUserId,
        botId: ws.botId,
        appId: this.state.appId,
        username: 'Crosstalk',
        reactions: new Map(),
      });
      return { status: 200 };
    }
    this.add({ teamId: url.teamId, channel: url.channel, userId: url.userId, text, blocks });
    return { status: 200 };
  }

  private remove(teamId: string, channel: string, original: { ts: string; ephemeral: boolean }): void {
    if (original.ephemeral) {
      const at = this.messages.findIndex((m) => m.teamId === teamId && m.channel === channel && m.ts === original.ts);
      if (at >= 0) this.messages.splice(at, 1);
      return;
    }
    const message = this.state.findMessage(teamId, channel, original.ts);
    if (message) message.deleted = true;
  }
}
