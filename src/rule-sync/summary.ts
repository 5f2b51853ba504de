/**
 * What a rule sync run could not do, counted and grouped by cause, and how that reads: the
 * requester is told "⚠ 2 not added: channel_not_found (Ada, Sam)" rather than one line a person,
 * and the run's status follows from what succeeded and what failed.
 */

/** Example failures kept per run by default, and names kept per cause. */
const EXAMPLES = 5;
const NAMES_PER_CAUSE = 3;

/** The failures of one run: a count, the causes with a few names each, and a few examples. */
export interface FailureTally {
  failed: number;
  /** Who was not served, by cause (e.g. `slack conversations.invite failed: channel_not_found`): a count and a few names. */
  causes: Record<string, { count: number; people: string[] }>;
  /** A few failures as `who: cause`, for the requester. */
  errors: string[];
}

/** An empty tally. */
export function emptyTally(): FailureTally {
  return { failed: 0, causes: {}, errors: [] };
}

/** Counts one failure of `who` under `cause`; keeps at most `examples` example lines. */
export function noteFailure(tally: FailureTally, who: string, cause: string, examples = EXAMPLES): void {
  tally.failed += 1;
  const entry = (tally.causes[cause] ??= { count: 0, people: [] });
  entry.count += 1;
  if (entry.people.length < NAMES_PER_CAUSE) entry.people.push(who);
  if (tally.errors.length < examples) tally.errors.push(`${who}: ${cause}`);
}

/** One line per cause, most frequent first: "⚠ 2 not added: channel_not_found (Ada, Sam)". */
export function causeLines(tally: Pick<FailureTally, 'causes'>, outcome: string): string[] {
  return Object.entries(tally.causes ?? {})
    .sort((a, b) => b[1].count - a[1].count)
    .map(([cause, { count, people }]) => `⚠ ${count} ${outcome}: ${cause} (${people.join(', ')}${count > people.length ? ', …' : ''})`);
}

/** The first `max` example failures, one "⚠ …" line each. */
export function exampleLines(tally: Pick<FailureTally, 'errors'>, max = EXAMPLES): string[] {
  return tally.errors.slice(0, max).map((e) => `⚠ ${e}`);
}

/** A head line followed by detail lines, if any. */
export function withLines(head: string, lines: string[]): string {
  return lines.length ? `${head}\n${lines.join('\n')}` : head;
}

/** `succeeded` with no failure, `partial` when some succeeded too, else `failed`. */
export function runStatus(succeeded: number, failed: number): 'succeeded' | 'partial' | 'failed' {
  return failed === 0 ? 'succeeded' : succeeded > 0 ? 'partial' : 'failed';
}

/** The tally as stored in the event log: causes are free text (dots included), so they are values, never field names. */
export function storableTally<T extends FailureTally>(tally: T): Omit<T, 'causes'> & { causes: Array<{ cause: string; count: number; people: string[] }> } {
  return { ...tally, causes: Object.entries(tally.causes).map(([cause, v]) => ({ cause, ...v })) };
}
