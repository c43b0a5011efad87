/** What one timed call of a peer reports back. */
export interface Sample {
  /** Units of work done in this call (bytes/1e6 for MB/s, operations for ops/s or ns/op). */
  work: number;
  /**
   * Seconds the work took, when the peer measures itself (an external process such as python3
   * reports its own time so interpreter start-up is not counted). Omitted: the harness times the call.
   */
  seconds?: number;
  /** Extra figures to report, one column each (median over rounds), e.g. `{ 'peak RSS MB': 58 }`. */
  metrics?: Record<string, number>;
}

export type PeerFn = (ctx: RunContext) => Sample | number | Promise<Sample | number>;

export interface RunContext {
  /** True under `--quick` or `CB_BENCH_QUICK=1`: use small inputs, one short round. */
  readonly quick: boolean;
  /** Zero-based round number. */
  readonly round: number;
}

export interface Scenario {
  /** Scenario title, printed above its table. */
  name: string;
  /**
   * How a sample becomes the figure in the table:
   * - `'rate'` (default): work / seconds, higher is better (MB/s, msgs/s, ops/s).
   * - `'time'`: seconds / work in `scale` units, lower is better (ns/op).
   */
  measure?: 'rate' | 'time';
  /** Unit label of the figure, e.g. `'MB/s'`, `'msgs/s'`, `'ns/op'`. */
  unit: string;
  /** For `measure: 'time'`: multiply seconds-per-work by this (1e9 for ns). @default 1e9 */
  scale?: number;
  /** Name of the baseline peer: its ratio column is "x <baseline>". */
  baseline: string;
  /** More peers to print a ratio column against. */
  compare?: string[];
  /** Full-mode rounds. Quick mode always runs one round. @default 5 */
  rounds?: number;
  /** Untimed calls of every peer before the first round (full mode only). @default 1 */
  warmup?: number;
  /** Runs once before the peers; may create data files. */
  setup?: (ctx: { quick: boolean }) => void | Promise<void>;
  /** Runs once after the scenario, even when a peer failed. */
  teardown?: () => void | Promise<void>;
  /** Peers by display name; every round calls each once, in a rotated order. */
  peers: Record<string, PeerFn>;
}

export interface Suite {
  /** Suite title, e.g. `'@cb/csv reader'`. */
  title: string;
  scenarios: Scenario[];
}

export interface Row {
  peer: string;
  median: number;
  samples: number[];
  ratios: Record<string, number>;
  metrics: Record<string, number>;
}

export interface ScenarioResult {
  scenario: string;
  unit: string;
  measure: 'rate' | 'time';
  baseline: string;
  rounds: number;
  rows: Row[];
}

export interface SuiteResult {
  title: string;
  quick: boolean;
  node: string;
  date: string;
  scenarios: ScenarioResult[];
}

/** Parses `--quick`, `--json [file]`, `--filter <text>` and `CB_BENCH_QUICK=1`. */
export function parseArgs(argv?: string[]): { quick: boolean; json: string | null; filter: string | null };

/**
 * Runs every scenario (peers interleaved, several rounds), prints one markdown table per
 * scenario with medians and ratios, and writes JSON when `--json` was given.
 */
export function runSuite(suite: Suite, argv?: string[]): Promise<SuiteResult>;

/** Median of a list of numbers (NaN for an empty list). */
export function median(values: number[]): number;

/** Formats a table as markdown (used by runSuite; exported for reuse in notes). */
export function formatTable(result: ScenarioResult): string;
