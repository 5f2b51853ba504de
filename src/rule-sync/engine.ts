/**
 * The rule sync engine: a named sync holds a rule; a run resolves the rule to the people it
 * selects, plans what to add and remove against the bookkeeping, applies the plan while recording
 * each outcome (`records.ts`), and records a summary (`summary.ts`). Group syncs (people into a
 * platform channel) and contact syncs (a contact group to the people a destination selects) are
 * the two specializations: each says what its rule selects, what adding and removing mean, and
 * how the outcome reads.
 */
import Bottleneck from 'bottleneck';
import type { HydratedDocument, Model, Types } from 'mongoose';

/** A request that cannot be carried out; the message says why, in words for the admin. */
export class RuleSyncError extends Error {
  override name = 'RuleSyncError';
}

/** What a specialization's own error looks like (so its messages keep their type). */
export type RuleSyncErrorClass = new (message: string) => RuleSyncError;

/** Allowed sync names: short, no spaces, so they are easy to type in commands. */
export const SYNC_NAME = /^[A-Za-z0-9][\w.-]{0,59}$/;

/** Finds a sync by name, or says which ones exist. */
export async function findSyncByName<T>(
  syncs: Model<T>,
  organizationId: Types.ObjectId,
  name: string,
  what: string,
  Err: RuleSyncErrorClass = RuleSyncError,
): Promise<HydratedDocument<T>> {
  const sync = await syncs.findOne({ organizationId, name });
  if (sync) return sync as HydratedDocument<T>;
  const names = (await syncs.find({ organizationId }, { name: 1 }).sort({ name: 1 }).limit(20).lean<Array<{ name: string }>>()).map((s) => s.name);
  throw new Err(`there is no ${what} called "${name}"${names.length ? `; there are: ${names.join(', ')}` : ''}`);
}

/** Checks a new sync's name: `what` reads e.g. "a group sync". */
export function checkSyncName(name: string, what: string, Err: RuleSyncErrorClass = RuleSyncError): void {
  if (!SYNC_NAME.test(name)) throw new Err(`${what} name is 1–60 letters, digits, dots, dashes or underscores, starting with a letter or digit`);
}

/** Stores a new sync (`create`) under its unique (organization, name) key; a name taken first by anyone is refused. */
export async function createNamedSync<DOC>(
  syncs: Model<any>,
  key: { organizationId: Types.ObjectId; name: string },
  create: () => Promise<DOC>,
  what: string,
  Err: RuleSyncErrorClass = RuleSyncError,
): Promise<DOC> {
  const taken = () => new Err(`${what} called "${key.name}" already exists`);
  if (await syncs.exists(key)) throw taken();
  try {
    return await create();
  } catch (err) {
    if ((err as { code?: number }).code === 11000) throw taken();
    throw err;
  }
}

/** The steps of one run of one sync; each specialization fills them in. */
export interface RuleSyncSteps<SYNC, PLAN, RESULT> {
  /** The sync, or nothing when it is gone (or off): then nothing runs. */
  load(): Promise<SYNC | null | undefined>;
  /** Resolves the sync's rule and plans the adds and removes against the bookkeeping. */
  plan(sync: SYNC): Promise<PLAN>;
  /** Carries the plan out, recording each outcome. */
  apply(sync: SYNC, plan: PLAN): Promise<RESULT>;
  /** Records the run's summary (the sync's last run, the event log). */
  record(sync: SYNC, result: RESULT): Promise<void>;
}

/** Runs one sync through its steps; undefined when there was no sync to run. */
export async function runRuleSync<SYNC, PLAN, RESULT>(steps: RuleSyncSteps<SYNC, PLAN, RESULT>): Promise<RESULT | undefined> {
  const sync = await steps.load();
  if (!sync) return undefined;
  const result = await steps.apply(sync, await steps.plan(sync));
  await steps.record(sync, result);
  return result;
}

/** Who is selected now and was not before (`adds`), and who was before and is no longer (`removes`). */
export function diffMembers(selected: Set<string>, current: Iterable<string>): { adds: string[]; removes: string[] } {
  const before = new Set(current);
  return { adds: [...selected].filter((id) => !before.has(id)), removes: [...before].filter((id) => !selected.has(id)) };
}

/**
 * Applies `act` to every item, at most `concurrency` at a time per key (a workspace: each
 * platform's rate limit is its own), and waits for all of them.
 */
export async function applyPerKey<T>(items: T[], keyOf: (item: T) => string, concurrency: number, act: (item: T, index: number) => Promise<void>): Promise<void> {
  const limiters = new Map<string, Bottleneck>();
  await Promise.all(
    items.map((item, index) => {
      const key = keyOf(item);
      if (!limiters.has(key)) limiters.set(key, new Bottleneck({ maxConcurrent: concurrency }));
      return limiters.get(key)!.schedule(() => act(item, index));
    }),
  );
}
