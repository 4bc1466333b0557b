/**
 * Runs one workload on every registered engine, each in its own child process (same bench file,
 * `--engine NAME`), so peak-memory figures belong to one engine; the child prints one
 * `ENGINE_RESULT <json>` line. Then merges the engines' metrics into BENCH_RESULT rows
 * (baseline column from the "baseline" engine, DecentDB column from the "decentdb" one) and
 * flags any disagreement in the engines' result checks (row counts, checksums). `--engines a,b`
 * limits the run to the named engines.
 */
import { prepareBuiltEngine } from './built-engine.js';
import { runTsChild } from './child.js';
import { ENGINES, loadEngine } from './engines.js';
import type { Engine } from './engines.js';
import { flagValue, metric, parseLastLine } from './result.js';
import type { MetricResult } from './result.js';

export const ENGINE_PREFIX = 'ENGINE_RESULT ';

export interface EngineMetric {
  /** Stable key; rows are matched across engines by it. */
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly value: number;
  readonly notes?: string;
}

export interface EngineReport {
  readonly engine: string;
  readonly role: Engine['role'];
  readonly label: string;
  readonly settings: string;
  readonly metrics: readonly EngineMetric[];
  /** Values every engine must agree on (result sizes, checksums). */
  readonly checks: Readonly<Record<string, string | number>>;
  /** Set (by the parent) when the engine's process failed; metrics are then empty. */
  readonly error?: string;
}

/**
 * In a child (`--engine NAME` in argv): runs `work` for that engine, prints ENGINE_RESULT, and
 * returns undefined. In the parent: spawns `benchFile` once per engine and returns the reports.
 */
export async function runPerEngine(benchFile: string, argv: readonly string[], work: (engine: Engine) => Promise<EngineReport> | EngineReport): Promise<EngineReport[] | undefined> {
  const name = flagValue(argv, 'engine');
  if (name !== undefined) {
    const report = await work(await loadEngine(name));
    process.stdout.write(`${ENGINE_PREFIX}${JSON.stringify(report)}\n`);
    return undefined;
  }
  const only = flagValue(argv, 'engines')?.split(',');
  if (only === undefined || only.includes('decentdb')) process.stdout.write(`${prepareBuiltEngine(argv)}\n`);
  const reports: EngineReport[] = [];
  for (const engine of ENGINES) {
    if (only !== undefined && !only.includes(engine.name)) continue;
    process.stdout.write(`--- engine ${engine.name} ---\n`);
    const outcome = await runTsChild(benchFile, [...argv, '--engine', engine.name], { quietPrefixes: [ENGINE_PREFIX] });
    const report = parseLastLine(outcome.stdout, ENGINE_PREFIX) as EngineReport | undefined;
    if (outcome.code !== 0 || report === undefined) {
      // Keep the other engines' figures; the bench reports the failure and exits non-zero.
      reports.push({ engine: engine.name, role: engine.role, label: engine.name, settings: '', metrics: [], checks: {},
        error: `exit code ${String(outcome.code)} (its output is above)` });
    } else {
      reports.push(report);
    }
  }
  return reports;
}

/** True when any engine's process failed. */
export const anyEngineFailed = (reports: readonly EngineReport[]): boolean => reports.some((r) => r.error !== undefined);

/** Merges per-engine reports into BENCH_RESULT rows, in the baseline's metric order. */
export function combineReports(reports: readonly EngineReport[]): MetricResult[] {
  const baseline = reports.find((r) => r.role === 'baseline');
  const decent = reports.find((r) => r.role === 'decentdb');
  const keys: string[] = [];
  for (const r of reports) for (const m of r.metrics) if (!keys.includes(m.key)) keys.push(m.key);
  const rows: MetricResult[] = [];
  for (const key of keys) {
    const b = baseline?.metrics.find((m) => m.key === key);
    const d = decent?.metrics.find((m) => m.key === key);
    const any = b ?? d;
    if (any === undefined) continue;
    const notes = [b?.notes, d?.notes !== undefined && d.notes !== b?.notes ? `DecentDB: ${d.notes}` : undefined]
      .filter((n): n is string => n !== undefined && n !== '').join('; ');
    rows.push(metric(any.label, any.unit, { baseline: b?.value, decentdb: d?.value }, notes));
  }
  for (const r of reports) if (r.error !== undefined) rows.push(metric(`ENGINE FAILED ${r.engine}`, '', {}, r.error));
  if (baseline !== undefined && decent !== undefined && baseline.error === undefined && decent.error === undefined) {
    for (const [key, value] of Object.entries(baseline.checks)) {
      const other = decent.checks[key];
      if (other !== value) rows.push(metric(`CHECK MISMATCH ${key}`, '', {}, `baseline ${String(value)} vs DecentDB ${String(other)}`));
    }
  }
  return rows;
}
