/** One benchmark figure, as written to docs/benchmarks.json. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. ">= 500" or "<= 25". */
  target: string;
  met: boolean;
}

/** A benchmark module: `run` returns its figures; `notes` are printed under the table. */
export interface BenchModule {
  name: string;
  run(): Promise<{ results: BenchResult[]; notes?: string[] }>;
}

/** Builds a result, deciding `met` from the comparison. */
export function figure(name: string, value: number, unit: string, op: '>=' | '<=', target: number): BenchResult {
  const rounded = Math.round(value * 100) / 100;
  return { name, value: rounded, unit, target: `${op} ${target}`, met: op === '>=' ? value >= target : value <= target };
}
