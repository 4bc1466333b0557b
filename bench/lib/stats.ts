/**
 * Summary statistics over latency samples: percentiles (nearest-rank on a sorted copy), mean,
 * min/max. Pure functions; no timing here (see timer.ts). Units are whatever the caller's samples
 * are in (the benches use milliseconds).
 */

export interface Summary {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** Nearest-rank percentile of an ascending array; `q` in [0, 100]. NaN when empty. */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = Math.ceil((q / 100) * n);
  const index = Math.min(n - 1, Math.max(0, rank - 1));
  return sorted[index] ?? Number.NaN;
}

/** p50/p95/p99, mean, min and max of `samples` (not modified). */
export function summarize(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples as ArrayLike<number>).sort();
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i] ?? 0;
  const n = sorted.length;
  return {
    count: n,
    min: n === 0 ? Number.NaN : (sorted[0] ?? Number.NaN),
    max: n === 0 ? Number.NaN : (sorted[n - 1] ?? Number.NaN),
    mean: n === 0 ? Number.NaN : sum / n,
    p50: percentileSorted(sorted, 50),
    p95: percentileSorted(sorted, 95),
    p99: percentileSorted(sorted, 99),
  };
}

/** Rounds for display/JSON: 3 significant digits below 100, integers above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value);
  if (abs === 0) return 0;
  const digits = 3 - Math.ceil(Math.log10(abs));
  const f = 10 ** Math.max(0, Math.min(9, digits));
  return Math.round(value * f) / f;
}
