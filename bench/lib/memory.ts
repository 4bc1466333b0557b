/**
 * Peak-memory tracking for one bench process: samples rss and heapUsed on demand (synchronous
 * workloads call sample() from their loops) or on an interval (async workloads), and reads the
 * kernel's high-water mark (resourceUsage().maxRSS) which catches peaks between samples.
 * Native allocations (better-sqlite3's page cache) show in rss, not in heapUsed.
 */

export interface MemoryPeak {
  /** Highest sampled resident set size, bytes. */
  readonly rssBytes: number;
  /** Highest sampled V8 heapUsed, bytes. */
  readonly heapUsedBytes: number;
  /** Highest sampled external memory (ArrayBuffers, Buffers, native addons' reported memory), bytes. */
  readonly externalBytes: number;
  /** Process-wide peak RSS from the kernel (includes start-up), bytes. */
  readonly maxRssBytes: number;
  /** rss when the tracker was created (or last reset), bytes: subtract for the workload's share. */
  readonly baselineRssBytes: number;
}

export class MemoryTracker {
  private peakRss = 0;
  private peakHeap = 0;
  private peakExternal = 0;
  private baselineRss = 0;
  private timer: NodeJS.Timeout | undefined = undefined;

  constructor() {
    this.reset();
  }

  /** Forgets previous peaks; the current rss becomes the baseline. Runs gc first when exposed. */
  reset(): void {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc !== undefined) gc();
    const usage = process.memoryUsage();
    this.baselineRss = usage.rss;
    this.peakRss = usage.rss;
    this.peakHeap = usage.heapUsed;
    this.peakExternal = usage.external;
  }

  sample(): void {
    const usage = process.memoryUsage();
    if (usage.rss > this.peakRss) this.peakRss = usage.rss;
    if (usage.heapUsed > this.peakHeap) this.peakHeap = usage.heapUsed;
    if (usage.external > this.peakExternal) this.peakExternal = usage.external;
  }

  /** Samples every `intervalMs` until stop(); only useful while the event loop turns. */
  start(intervalMs = 20): void {
    this.stop();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  peak(): MemoryPeak {
    this.sample();
    return {
      rssBytes: this.peakRss,
      heapUsedBytes: this.peakHeap,
      externalBytes: this.peakExternal,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      baselineRssBytes: this.baselineRss,
    };
  }
}

export const MIB = 1024 * 1024;

/** One-line snapshot of the current process memory, for progress logs. */
export function memoryLine(): string {
  const u = process.memoryUsage();
  return `rss ${toMiB(u.rss)} MiB, heap ${toMiB(u.heapUsed)} MiB, external ${toMiB(u.external)} MiB`;
}
export const toMiB = (bytes: number): number => Math.round((bytes / MIB) * 10) / 10;
