import { describe, expect, it } from 'vitest';
import { PageCache, RECYCLE_LIMIT, onImageReuse } from './page-cache.js';

const PAGE = 1024;

function access(c: PageCache, pageNo: number, lsn = 0): boolean {
  if (c.get(pageNo, lsn) !== undefined) return true;
  c.put(pageNo, lsn, new Uint8Array(PAGE));
  return false;
}

describe('PageCache', () => {
  it('is bounded in bytes and counts hits, misses and evictions', () => {
    const c = new PageCache(16 * PAGE, PAGE);
    expect(c.capacityPages).toBe(16);
    for (let i = 1; i <= 40; i++) access(c, i);
    expect(c.size).toBe(16);
    expect(c.stats).toEqual({ hits: 0, misses: 40, evictions: 24, reused: 0 });
    expect(access(c, 40)).toBe(true);
    expect(c.stats.hits).toBe(1);
  });

  it('keeps a hot set resident through large one-pass scans', () => {
    const c = new PageCache(64 * PAGE, PAGE);
    const hot = Array.from({ length: 24 }, (_, i) => i + 1);
    for (let round = 0; round < 3; round++) for (const p of hot) access(c, p);
    const before = { ...c.stats };
    let scanPage = 1000;
    for (let scan = 0; scan < 5; scan++) {
      for (let i = 0; i < 2000; i++) {
        access(c, scanPage++);
        if (i % 100 === 0) access(c, scanPage - 1); // a scan re-reading its page at once does not promote it
      }
      for (const p of hot) expect(access(c, p)).toBe(true);
    }
    const scanMisses = 5 * 2000;
    expect(c.stats.misses - before.misses).toBe(scanMisses);
    expect(c.stats.hits - before.hits).toBe(5 * hot.length + 5 * 20);
  });

  it('a plain FIFO/LRU would lose the hot set (the scan really is larger than the cache)', () => {
    const c = new PageCache(64 * PAGE, PAGE);
    for (let i = 1; i <= 24; i++) access(c, i); // loaded once: not yet proven hot
    for (let i = 1000; i < 3000; i++) access(c, i);
    let misses = 0;
    for (let i = 1; i <= 24; i++) if (!access(c, i)) misses++;
    expect(misses).toBe(24);
  });

  it('keeps versions of one page apart and invalidates one version', () => {
    const c = new PageCache(16 * PAGE, PAGE);
    const v0 = new Uint8Array(PAGE).fill(1);
    const v5 = new Uint8Array(PAGE).fill(2);
    c.put(7, 0, v0);
    c.put(7, 5, v5);
    expect(c.get(7, 0)).toBe(v0);
    expect(c.get(7, 5)).toBe(v5);
    c.invalidate(7, 0);
    expect(c.get(7, 0)).toBeUndefined();
    expect(c.get(7, 5)).toBe(v5);
  });

  it('rekey files an image under another version, replacing what was there', () => {
    const c = new PageCache(16 * PAGE, PAGE);
    const old = new Uint8Array(PAGE).fill(1);
    const v9 = new Uint8Array(PAGE).fill(2);
    c.put(7, 0, old);
    c.put(7, 9, v9);
    c.put(8, 9, new Uint8Array(PAGE));
    c.rekey(7, 9, 0);
    expect(c.get(7, 0)).toBe(v9);
    expect(c.get(7, 9)).toBeUndefined();
    expect(c.size).toBe(2);
    c.rekey(7, 5, 0); // no image of version 5: the stale one under 0 still goes
    expect(c.get(7, 0)).toBeUndefined();
    c.rekey(8, 9, 9);
    expect(c.get(8, 9)).toBeDefined();
    expect(c.size).toBe(1);
    // The re-keyed entry is still evictable and countable as before.
    for (let i = 100; i < 140; i++) access(c, i);
    expect(c.size).toBe(16);
  });
});

describe('PageCache: ghosts (pages evicted from probation, remembered by number)', () => {
  /** A 16-page cache (ring of 8 ghosts) where page 1, loaded once, was evicted `later` evictions ago, then page 1 again. */
  function reloadAfter(later: number): PageCache {
    const c = new PageCache(16 * PAGE, PAGE);
    access(c, 1);
    for (let i = 100; i < 116; i++) access(c, i); // the 16th page evicts page 1: a ghost
    for (let i = 0; i < later; i++) access(c, 200 + i);
    expect(access(c, 1)).toBe(false);
    return c;
  }
  const survivesScan = (c: PageCache): boolean => {
    for (let i = 1000; i < 1200; i++) access(c, i);
    return access(c, 1);
  };

  it('a miss on a ghost loads the page into the protected list, which a scan does not flush', () => {
    expect(survivesScan(reloadAfter(0))).toBe(true);
    expect(survivesScan(reloadAfter(7))).toBe(true);
  });

  it('forgets the oldest ghost once the ring is full, so the page reloads into probation', () => {
    expect(survivesScan(reloadAfter(8))).toBe(false);
    expect(survivesScan(reloadAfter(50))).toBe(false);
  });

  /**
   * Page 1 becomes a ghost (ring slot 0), is reloaded from it (slot 0 now stale), leaves through
   * the protected list, is loaded into probation and evicted from it again (slot 3); then
   * `later` more pages each evict one probation page. Then page 1 is read again.
   */
  function reghostAfter(later: number): PageCache {
    const c = new PageCache(16 * PAGE, PAGE);
    access(c, 1);
    for (let i = 100; i < 116; i++) access(c, i); // page 1 → ghost, slot 0
    expect(access(c, 1)).toBe(false); // ghost hit: protected; page 100 → ghost, slot 1
    for (let i = 101; i < 116; i++) expect(access(c, i)).toBe(true); // promoted: probation empty
    access(c, 500); // probation holds 1 page: evicts the protected tail, page 1 (no ghost)
    expect(access(c, 1)).toBe(false); // not a ghost: probation
    for (let i = 501; i < 505; i++) access(c, i); // 503 evicts page 500 (slot 2), 504 page 1 (slot 3)
    for (let i = 0; i < later; i++) access(c, 600 + i);
    expect(access(c, 1)).toBe(false);
    return c;
  }

  it("a stale ring slot does not forget the page's newer ghost", () => {
    expect(survivesScan(reghostAfter(4))).toBe(true); // slot 0 (stale) overwritten by the 5th
    expect(survivesScan(reghostAfter(7))).toBe(true); // slots 0–2 overwritten, slot 3 not
    expect(survivesScan(reghostAfter(8))).toBe(false); // slot 3 overwritten: forgotten
  });

  it('clear() forgets every ghost', () => {
    const c = new PageCache(16 * PAGE, PAGE);
    access(c, 1);
    for (let i = 100; i < 116; i++) access(c, i);
    c.clear();
    expect(access(c, 1)).toBe(false);
    expect(survivesScan(c)).toBe(false);
  });
});

describe('PageCache: prefetched images', () => {
  it('count their first access as the load, so a scan reading ahead keeps the hot set', () => {
    const c = new PageCache(64 * PAGE, PAGE);
    const hot = Array.from({ length: 24 }, (_, i) => i + 1);
    for (let round = 0; round < 3; round++) for (const p of hot) access(c, p);
    let next = 1000;
    for (let run = 0; run < 500; run++) {
      // One demand miss, then 15 pages put ahead of demand and read much later than the load.
      access(c, next);
      for (let k = 1; k < 16; k++) c.put(next + k, 0, new Uint8Array(PAGE), true);
      for (let k = 1; k < 16; k++) expect(c.get(next + k, 0)).toBeDefined();
      next += 16;
    }
    for (const p of hot) expect(access(c, p)).toBe(true);
  });

  it('promote on a later re-read, like any page', () => {
    const c = new PageCache(64 * PAGE, PAGE);
    c.put(7, 0, new Uint8Array(PAGE), true);
    expect(c.get(7, 0)).toBeDefined(); // the load
    for (let i = 100; i < 110; i++) access(c, i);
    expect(c.get(7, 0)).toBeDefined(); // promoted now
    for (let i = 200; i < 400; i++) access(c, i); // a long scan flushes probation only
    expect(c.get(7, 0)).toBeDefined();
  });
});

describe('PageCache image recycling', () => {
  it('reuses evicted images only after recycle(), telling the listeners first', () => {
    const c = new PageCache(8 * PAGE, PAGE);
    const loaded: Uint8Array[] = [];
    for (let i = 1; i <= 12; i++) {
      const img = new Uint8Array(PAGE).fill(i);
      loaded.push(img);
      c.put(i, 0, img);
    }
    // Four evictions so far, but nothing is spare until the pager says the moment is quiet.
    expect(c.stats.evictions).toBe(4);
    expect(loaded).not.toContain(c.newImage());
    expect(c.stats.reused).toBe(0);
    const told: Uint8Array[] = [];
    onImageReuse((img) => told.push(img));
    c.recycle();
    const spare = Array.from({ length: 4 }, () => c.newImage());
    expect(c.stats.reused).toBe(4);
    expect(new Set(spare).size).toBe(4);
    // The evicted ones, never one still cached.
    for (const img of spare) {
      expect(loaded.slice(0, 4)).toContain(img);
      expect(told).toContain(img);
    }
    for (let i = 5; i <= 12; i++) expect(c.peek(i, 0)).toBe(loaded[i - 1]);
    // The pool is empty now, and a second recycle with nothing retired adds nothing.
    c.recycle();
    const fresh = c.newImage();
    expect(loaded).not.toContain(fresh);
    expect(fresh.every((b) => b === 0)).toBe(true);
    expect(c.stats.reused).toBe(4);
  });

  it('keeps at most RECYCLE_LIMIT images retired and spare', () => {
    const c = new PageCache(8 * PAGE, PAGE);
    for (let i = 1; i <= 8 + 3 * RECYCLE_LIMIT; i++) c.put(i, 0, new Uint8Array(PAGE));
    c.recycle();
    for (let i = 0; i < 2 * RECYCLE_LIMIT; i++) c.newImage();
    expect(c.stats.reused).toBe(RECYCLE_LIMIT);
  });

  it('does not retire images dropped by invalidate or clear', () => {
    const c = new PageCache(8 * PAGE, PAGE);
    c.put(1, 0, new Uint8Array(PAGE));
    c.put(2, 0, new Uint8Array(PAGE));
    c.invalidate(1, 0);
    c.clear();
    c.recycle();
    c.newImage();
    expect(c.stats.reused).toBe(0);
  });
});
