/**
 * The bench file convention: human-readable lines on stdout, then, last, one line
 * `BENCH_RESULT <json>` holding a BenchResult. run.ts collects these into bench/results/latest.json.
 * Also: the shared command-line flags (--quick, --full) and the table printer. ratio is always
 * decentdb ÷ baseline in the metric's unit (ms: lower is better; rows/s: higher is better).
 */
import type { MachineInfo } from './machine.js';
import { round } from './stats.js';

export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface MetricResult {
  readonly metric: string;
  readonly unit: string;
  readonly decentdb?: number;
  readonly baseline?: number;
  readonly ratio?: number;
  readonly notes?: string;
}

export interface BenchResult {
  readonly name: string;
  readonly machine?: MachineInfo;
  /** What the baseline column measured, e.g. "better-sqlite3 12.4.1 (SQLite 3.50.4)". */
  readonly baseline?: string;
  /** Scale and mode, e.g. { tracks: 100000, mode: "default" }. */
  readonly params?: Readonly<Record<string, string | number | boolean>>;
  readonly results: readonly MetricResult[];
}

export type RunMode = 'quick' | 'default' | 'full';

export interface BenchArgs {
  readonly mode: RunMode;
  /** Remaining arguments, flags included, in order. */
  readonly rest: readonly string[];
}

export function parseBenchArgs(argv: readonly string[] = process.argv.slice(2)): BenchArgs {
  let mode: RunMode = 'default';
  const rest: string[] = [];
  for (const arg of argv) {
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--full') mode = 'full';
    else rest.push(arg);
  }
  return { mode, rest };
}

/** Value of `--name=value` or `--name value` in argv, if present. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === `--${name}`) return argv[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

/** Builds one metric row, rounding values and computing ratio when both sides exist. */
export function metric(name: string, unit: string, values: { decentdb?: number | undefined; baseline?: number | undefined }, notes?: string): MetricResult {
  const out: { -readonly [K in keyof MetricResult]: MetricResult[K] } = { metric: name, unit };
  if (values.decentdb !== undefined && Number.isFinite(values.decentdb)) out.decentdb = round(values.decentdb);
  if (values.baseline !== undefined && Number.isFinite(values.baseline)) out.baseline = round(values.baseline);
  if (values.decentdb !== undefined && values.baseline !== undefined && values.baseline !== 0) {
    out.ratio = round(values.decentdb / values.baseline);
  }
  if (notes !== undefined && notes !== '') out.notes = notes;
  return out;
}

/** Prints the result line; must be the last line the bench writes to stdout. */
export function emitResult(result: BenchResult): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Finds the last `prefix<json>` line in `text` and parses it. */
export function parseLastLine(text: string, prefix: string): unknown {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (line.startsWith(prefix)) return JSON.parse(line.slice(prefix.length)) as unknown;
  }
  return undefined;
}

const show = (v: number | string | undefined): string => (v === undefined ? '—' : String(v));

/** A plain-text table of one bench's metrics. */
export function formatTable(result: BenchResult): string {
  const header = ['metric', 'unit', 'decentdb', 'baseline', 'ratio', 'notes'];
  const rows = result.results.map((r) => [r.metric, r.unit, show(r.decentdb), show(r.baseline), show(r.ratio), r.notes ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** A markdown table of one bench's metrics (for docs/benchmarks.md). */
export function formatMarkdown(result: BenchResult): string {
  const out = ['| metric | unit | DecentDB | baseline | ratio | notes |', '|---|---|---|---|---|---|'];
  for (const r of result.results) {
    out.push(`| ${r.metric} | ${r.unit} | ${show(r.decentdb)} | ${show(r.baseline)} | ${show(r.ratio)} | ${r.notes ?? ''} |`);
  }
  return out.join('\n');
}
