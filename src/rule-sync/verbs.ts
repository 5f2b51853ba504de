/** What every rule sync's admin verbs share: naming one sync, wording times, and where outcomes are posted. */
import { UsageError, type CommandContext } from '../commands/registry.js';
import type { NotifyTarget } from '../directory/notify.js';
import { RuleSyncError } from './engine.js';

/** Runs a service call, turning its refusals into usage errors the person sees. */
export async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof RuleSyncError) throw new UsageError(err.message);
    throw err;
  }
}

/** The one name given, e.g. of a "group sync". */
export function oneName(words: string[], what: string): string {
  if (words.length !== 1) throw new UsageError(words.length ? `name exactly one ${what}` : `name the ${what}`);
  return words[0];
}

/** "2024-05-01 14:03 UTC", or "never". */
export function when(date: Date | null | undefined): string {
  return date ? `${date.toISOString().replace('T', ' ').slice(0, 16)} UTC` : 'never';
}

/** The requester's chat with the bot, where a job posts its outcome. */
export function requester(ctx: CommandContext): NotifyTarget {
  return { workspaceId: String(ctx.workspace._id), userId: ctx.event.userId };
}
