/** What a suite gets: a scratch folder (removed afterwards), the repo it measures, and a log line printer. */
export interface BenchContext {
  /** Empty temporary folder owned by this suite; deleted after the suite finishes. */
  tmpDir: string;
  /** The Runway repository root (for node_modules, nx.json, the CLI). */
  repoRoot: string;
  /** Progress for the person watching; not part of the report. */
  log(message: string): void;
}

/** One row of the report: a measured value, the baseline measured in the same run, and the verdict. */
export interface BenchResult {
  metric: string;
  value: number;
  /** The comparison measured in the same run (e.g. `tar | gzip -6 -n`); NaN when there is none. */
  baseline: number;
  unit: string;
  /** value / baseline. */
  ratio: number;
  /** The goal in words, e.g. `ratio ≥ 1.5` or `< 200 MB`. */
  target: string;
  pass: boolean;
}

/**
 * A benchmark suite: one file in `src/suites/` exporting `suite`. `run` generates its own
 * inputs under `ctx.tmpDir`, measures value and baseline in the same run, and returns rows.
 */
export interface BenchSuite {
  /** Short id used by `--only`, e.g. `pack`. */
  name: string;
  /** The issue or spec section the targets come from, e.g. `SPEC §3`. */
  issue: string;
  /** How the inputs were generated (sizes, mix), printed under the table. */
  describe?: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}

/** Builds a row, computing the ratio; `pass` decides from value and ratio. */
export function result(
  row: Omit<BenchResult, 'ratio' | 'pass'>,
  pass: (value: number, ratio: number) => boolean,
): BenchResult {
  const ratio = row.value / row.baseline;
  return { ...row, ratio, pass: pass(row.value, ratio) };
}
