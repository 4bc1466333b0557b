/**
 * Sequential read-ahead for main-file misses. A table or index scan over pages that sit in
 * file order (bulk-loaded trees, checkpointed runs) misses page after page; from the fifth
 * consecutive miss on, one read fetches the next READ_AHEAD_PAGES pages and the ones the
 * reader will find in the main file (no WAL version for its snapshot, not already cached) enter
 * the cache as prefetched. One read replaces up to 16 (each a syscall in Node, a sync access
 * handle call in the browser); random lookups and the rowid fetches of a join rarely reach one. Prefetched images are the
 * main-file version (key 0) like any other main read, so checkpoints treat them alike, and their
 * first hit counts as their load (page-cache.ts), so a scan cannot promote them to the hot set.
 */
import type { PageCache } from './page-cache.js';

export const READ_AHEAD_PAGES = 16;
/** Consecutive main-file misses (after the first) before reading ahead: rarely met by lookups and joins. */
const STREAK = 4;

export interface ReadAheadSource {
  /** Reads main-file bytes at `offset` into `buf`; returns the bytes read (short at EOF). */
  readMainAt(buf: Uint8Array, offset: number, pageNo: number): number;
  /** True when the snapshot reads `pageNo` from the WAL, not the main file. */
  inLog(pageNo: number, snapshotLsn: number): boolean;
  /** `pages` more pages were read from the main file ahead of demand. */
  prefetched(pages: number): void;
}

export class ReadAhead {
  private lastMiss = -2;
  private streak = 0;
  private scratch: Uint8Array | null = null;

  constructor(
    private readonly pageSize: number,
    private readonly cache: PageCache,
    private readonly source: ReadAheadSource,
  ) {}

  /**
   * The main-file image of `pageNo` (a miss), read alone or with the pages after it. Returns
   * a fresh image the caller caches.
   */
  read(pageNo: number, snapshotLsn: number): Uint8Array {
    const ps = this.pageSize;
    this.streak = pageNo === this.lastMiss + 1 ? this.streak + 1 : 0;
    this.lastMiss = pageNo;
    if (this.streak < STREAK) {
      const img = this.cache.newImage();
      const n = this.source.readMainAt(img, (pageNo - 1) * ps, pageNo);
      if (n < ps) img.fill(0, Math.max(0, n)); // a recycled image holds another page's bytes
      return img;
    }
    const buf = (this.scratch ??= new Uint8Array(READ_AHEAD_PAGES * ps));
    const n = this.source.readMainAt(buf, (pageNo - 1) * ps, pageNo);
    const img = this.cache.newImage();
    img.set(buf.subarray(0, Math.min(n, ps)));
    if (n < ps) img.fill(0, Math.max(0, n));
    const whole = Math.floor(n / ps);
    let added = 0;
    for (let k = 1; k < whole; k++) {
      const q = pageNo + k;
      if (this.source.inLog(q, snapshotLsn) || this.cache.peek(q, 0) !== undefined) continue;
      const ahead = this.cache.newImage();
      ahead.set(buf.subarray(k * ps, (k + 1) * ps));
      this.cache.put(q, 0, ahead, true);
      added++;
    }
    if (added > 0) this.source.prefetched(added);
    // The page after the run continues the streak.
    if (whole > 1) this.lastMiss = pageNo + whole - 1;
    return img;
  }
}
