/**
 * The command language, the same on every platform: `/crosstalk <verb> ...` as a slash command, or
 * the same words in the bot's 1:1 chat. One dispatcher resolves who is asking, refuses admin verbs
 * to everyone else, answers a wrong command with what was wrong and the usage line, and turns a
 * destructive verb into a confirmation button whose click runs it.
 */
import type { Types } from 'mongoose';
import { z } from 'zod';
import type { HandleResult, InboundEvent, OutboundMessage } from '../chat-adapter.js';
import type { Core } from '../core/core.js';
import { OrganizationModel } from '../directory/organization.model.js';
import { PersonModel } from '../directory/person.model.js';
import { PlatformAccountModel } from '../directory/platform-account.model.js';
import { WorkspaceModel } from '../directory/workspace.model.js';
import type { OrganizationDoc } from '../directory/organization.model.js';
import type { PersonDoc } from '../directory/person.model.js';
import type { PlatformAccountDoc } from '../directory/platform-account.model.js';
import type { WorkspaceDoc } from '../directory/workspace.model.js';
import { identifyCaller } from '../directory/caller.js';
import { sendToUser } from '../directory/notify.js';
import { parseCommandLine, stripCommandPrefix, type CommandLine } from './tokenize.js';

/** Who is asking, where. */
export interface CommandContext {
  core: Core;
  organization: OrganizationDoc;
  workspace: WorkspaceDoc;
  account?: PlatformAccountDoc;
  person?: PersonDoc;
  isAdmin: boolean;
  event: InboundEvent;
  /** True when this run comes from a confirmation button. */
  confirmed: boolean;
}

/** A wrong command: the message says what was wrong; the usage line is added by the dispatcher. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One verb of the command language. */
export interface CommandSpec {
  /** The words that name it, e.g. `['directory', 'sync']`. */
  path: string[];
  usage: string;
  summary: string;
  admin: boolean;
  /** Named options it accepts, validated before `run`. */
  options?: z.ZodObject<Record<string, z.ZodType>>;
  /** Asks for a confirmation button first; the text says what will happen. */
  confirm?: (ctx: CommandContext, line: CommandLine) => Promise<string>;
  run(ctx: CommandContext, line: CommandLine): Promise<OutboundMessage | string>;
}

/** Action id of confirmation buttons. */
export const CONFIRM_ACTION = 'crosstalk.confirm';
export const CANCEL_ACTION = 'crosstalk.cancel';
const CONFIRM_TTL_MS = 15 * 60_000;
/** How long a command may run before it is answered "working on it" (Slack's deadline is 3 s). */
const COMMAND_ANSWER_MS = 2_500;

interface ConfirmPayload {
  line: string;
  personId: string;
  exp: number;
}

function asMessage(reply: OutboundMessage | string): OutboundMessage {
  return typeof reply === 'string' ? { text: reply } : reply;
}

/** The command dispatcher over a set of verbs. */
export class CommandRegistry {
  private readonly specs: CommandSpec[] = [];

  constructor(private readonly core: Core) {}

  register(...specs: CommandSpec[]): this {
    this.specs.push(...specs);
    return this;
  }

  /** Verbs the caller may use, in registration order. */
  visibleTo(isAdmin: boolean): CommandSpec[] {
    return this.specs.filter((s) => isAdmin || !s.admin);
  }

  /** Finds the longest verb path matching the words. */
  find(words: string[]): { spec: CommandSpec; rest: string[] } | undefined {
    const lower = words.map((w) => w.toLowerCase());
    let best: CommandSpec | undefined;
    for (const spec of this.specs) {
      if (spec.path.length <= lower.length && spec.path.every((p, i) => p === lower[i])) {
        if (!best || spec.path.length > best.path.length) best = spec;
      }
    }
    return best ? { spec: best, rest: words.slice(best.path.length) } : undefined;
  }

  /** True when text typed in the bot's chat is meant as a command (leading `/crosstalk` or a known verb). */
  looksLikeCommand(text: string): boolean {
    const trimmed = text.trim();
    if (/^\/?crosstalk\b/i.test(trimmed)) return true;
    try {
      const words = parseCommandLine(stripCommandPrefix(trimmed)).words;
      return words.length > 0 && this.find(words) !== undefined;
    } catch {
      return false;
    }
  }

  /** Handles a command event, or a text typed in the bot's 1:1 chat. */
  async handleText(event: InboundEvent, text: string): Promise<HandleResult> {
    const ctx = await this.context(event);
    if (!ctx) return { reply: { text: 'This workspace is not connected to Crosstalk yet. Ask an admin to install the app.' } };
    return this.answerInTime(ctx, this.execute(ctx, stripCommandPrefix(text)));
  }

  /**
   * Platforms give a command about 3 s (Slack's deadline) before they show an error. A verb that
   * takes longer is answered "working on it" now, and its answer is posted in the bot's chat with
   * the caller when it is done, so nothing the person asked for is lost.
   */
  private async answerInTime(ctx: CommandContext, work: Promise<OutboundMessage | string>): Promise<HandleResult> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), COMMAND_ANSWER_MS)));
    const first = await Promise.race([work, late]).finally(() => clearTimeout(timer));
    if (first !== 'late') return { reply: asMessage(first) };
    work
      .then((reply) => sendToUser(this.core, ctx.workspace, ctx.event.userId, asMessage(reply)))
      .catch((err: unknown) => {
        this.core.log.error({ err: err instanceof Error ? err.message : String(err) }, 'a slow command failed after it was acknowledged');
        return sendToUser(this.core, ctx.workspace, ctx.event.userId, { text: 'Sorry, that command failed; it has been logged. Try again in a moment.' });
      })
      .catch((err: unknown) => this.core.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not post a slow command answer'));
    return { reply: { text: 'Working on it; I will post the answer here in a moment.' } };
  }

  /** Handles a confirmation or cancel button. */
  async handleAction(event: Extract<InboundEvent, { kind: 'action' }>): Promise<HandleResult> {
    if (event.actionId === CANCEL_ACTION) return { reply: { text: 'Cancelled; nothing was changed.' } };
    const ctx = await this.context(event);
    if (!ctx) return {};
    let payload: ConfirmPayload;
    try {
      payload = this.core.cipher.decryptJson<ConfirmPayload>(event.value);
    } catch {
      return { reply: { text: 'That confirmation button is not valid. Run the command again.' } };
    }
    if (!ctx.person || payload.personId !== ctx.person._id.toString()) {
      return { reply: { text: 'Only the person who asked can confirm this.' } };
    }
    if (payload.exp < Date.now()) return { reply: { text: 'That confirmation has expired. Run the command again.' } };
    const confirmed = { ...ctx, confirmed: true };
    return this.answerInTime(confirmed, this.execute(confirmed, payload.line));
  }

  /** Parses and runs one command line for a resolved caller. */
  async execute(ctx: CommandContext, text: string): Promise<OutboundMessage | string> {
    let line: CommandLine;
    try {
      line = parseCommandLine(text);
    } catch (err) {
      return `That command could not be read: ${(err as Error).message}.`;
    }
    if (line.words.length === 0) line.words.push('help');
    const found = this.find(line.words);
    if (!found) {
      return `I don't know the command \`${line.words.slice(0, 2).join(' ')}\`. Type \`/crosstalk help\` for what you can use.`;
    }
    const { spec, rest } = found;
    if (spec.admin && !ctx.isAdmin) {
      return `\`${spec.path.join(' ')}\` is for Crosstalk admins only. Ask an admin if you need it.`;
    }
    const args: CommandLine = { words: rest, options: line.options };
    try {
      if (spec.options) {
        const parsed = spec.options.strict().safeParse(line.options);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const where = issue.path.length ? `${String(issue.path[0])}: ` : '';
          const unknown = issue.code === 'unrecognized_keys' ? `unknown option ${issue.keys.join(', ')}` : issue.message;
          throw new UsageError(`${where}${unknown}`);
        }
        args.options = parsed.data as Record<string, string>;
      } else if (Object.keys(line.options).length > 0) {
        throw new UsageError(`\`${spec.path.join(' ')}\` takes no options (got ${Object.keys(line.options).join(', ')})`);
      }
      if (spec.confirm && !ctx.confirmed) {
        const question = await spec.confirm(ctx, args);
        return this.confirmation(ctx, text, question);
      }
      return await spec.run(ctx, args);
    } catch (err) {
      if (err instanceof UsageError) return `${err.message}.\nUsage: \`/crosstalk ${spec.usage}\``;
      throw err;
    }
  }

  private confirmation(ctx: CommandContext, line: string, question: string): OutboundMessage {
    if (!ctx.person) return { text: 'I could not confirm who you are; run `/crosstalk directory sync` first.' };
    const payload: ConfirmPayload = { line, personId: ctx.person._id.toString(), exp: Date.now() + CONFIRM_TTL_MS };
    return {
      text: `${question}\nThis cannot be undone. Confirm within 15 minutes.`,
      buttons: [
        { label: 'Confirm', actionId: CONFIRM_ACTION, value: this.core.cipher.encryptJson(payload), style: 'danger' },
        { label: 'Cancel', actionId: CANCEL_ACTION, value: 'cancel' },
      ],
    };
  }

  private async context(event: InboundEvent): Promise<CommandContext | undefined> {
    const workspace = await WorkspaceModel.findOne({ platform: event.platform, externalId: event.workspaceId }).setOptions({
      crossOrganization: true,
    });
    if (!workspace) return undefined;
    const organization = await OrganizationModel.findById(workspace.organizationId);
    if (!organization) return undefined;
    const { account, person } = await identifyCaller(this.core, workspace, event.userId);
    return {
      core: this.core,
      organization,
      workspace,
      account: account ?? undefined,
      person: person ?? undefined,
      isAdmin: isAdmin(this.core, person ?? undefined),
      event,
      confirmed: false,
    };
  }
}

/** Admins are CROSSTALK_ADMINS plus those granted with `admin add`. */
export function isAdmin(core: Core, person: Pick<PersonDoc, 'email' | 'isAdmin'> | undefined): boolean {
  if (!person) return false;
  return person.isAdmin || core.config.admins.includes(person.email.toLowerCase());
}

/** Loads a person of this organization by id (never across organizations). */
export async function personById(organizationId: Types.ObjectId, id: Types.ObjectId): Promise<PersonDoc | null> {
  return PersonModel.findOne({ organizationId, _id: id });
}

/** Loads a caller's accounts (helper for verbs). */
export async function accountsOf(organizationId: Types.ObjectId, personId: Types.ObjectId): Promise<PlatformAccountDoc[]> {
  return PlatformAccountModel.find({ organizationId, personId });
}
