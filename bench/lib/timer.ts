/**
 * Monotonic timing with process.hrtime.bigint: a start/elapsed stopwatch and a sampler that
 * runs a function N times (after warm-up) and returns per-call latencies in milliseconds.
 * Does not summarise (stats.ts) or print.
 */
import { summarize } from './stats.js';
import type { Summary } from './stats.js';

/** Nanoseconds since an arbitrary origin, as bigint. */
export const nowNs = (): bigint => process.hrtime.bigint();

/** Milliseconds elapsed since `startNs` (a value from nowNs()). */
export const elapsedMs = (startNs: bigint): number => Number(process.hrtime.bigint() - startNs) / 1e6;

/** Times one call of `fn`; returns its result and the wall time in ms. */
export function timeOnce<T>(fn: () => T): { readonly result: T; readonly ms: number } {
  const start = nowNs();
  const result = fn();
  return { result, ms: elapsedMs(start) };
}

/** Async variant of timeOnce. */
export async function timeOnceAsync<T>(fn: () => Promise<T>): Promise<{ readonly result: T; readonly ms: number }> {
  const start = nowNs();
  const result = await fn();
  return { result, ms: elapsedMs(start) };
}

export interface SampleOptions {
  /** Timed iterations. */
  readonly iterations: number;
  /** Untimed iterations first (JIT, caches). Default: min(50, iterations / 10). */
  readonly warmup?: number;
  /** Called every `everyN` timed iterations (e.g. a memory sample); not timed. */
  readonly onTick?: () => void;
  readonly everyN?: number;
  /** Stop early once timed calls have taken this long in total (at least 5 calls are timed);
   *  warm-up stops after a third of it. */
  readonly budgetMs?: number;
}

/**
 * Runs `fn(i)` for warm-up then `iterations` timed calls (fewer when `budgetMs` runs out);
 * returns the per-call latencies (ms) and their summary. `fn` receives the iteration index so callers can vary keys deterministically.
 */
export function sampleLatencies(fn: (i: number) => unknown, options: SampleOptions): { readonly samplesMs: Float64Array; readonly summary: Summary } {
  const warmup = options.warmup ?? Math.min(50, Math.floor(options.iterations / 10));
  const budgetMs = options.budgetMs ?? Number.POSITIVE_INFINITY;
  const warmStart = process.hrtime.bigint();
  for (let i = 0; i < warmup; i++) {
    fn(i);
    if (Number(process.hrtime.bigint() - warmStart) / 1e6 > budgetMs / 3) break;
  }
  const all = new Float64Array(options.iterations);
  const everyN = options.everyN ?? 0;
  let totalMs = 0;
  let n = 0;
  while (n < options.iterations && (totalMs < budgetMs || n < 5)) {
    const start = process.hrtime.bigint();
    fn(warmup + n);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    all[n++] = ms;
    totalMs += ms;
    if (everyN > 0 && options.onTick !== undefined && n % everyN === 0) options.onTick();
  }
  const samplesMs = all.subarray(0, n);
  return { samplesMs, summary: summarize(samplesMs) };
}
