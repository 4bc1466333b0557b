/**
 * Scan rings (src/pager/scan-ring.ts): a scan past the cache's size reads main-file pages into
 * its own buffer instead of the cache, in runs when it goes through the file in order, and every
 * snapshot still reads its own version of every page while commits put newer versions in the
 * WAL, checkpoints copy them into the main file and old readers stay open (a fast-check model
 * with caches of a few pages, so rings serve most reads).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pager, ReadTransaction } from '../../src/pager/index.js';
import { ScanRing } from '../../src/pager/index.js';
import { READ_AHEAD_PAGES } from '../../src/pager/read-ahead.js';
import { CountingVfs, coldPager as coldPagerOf } from './cold-pager.js';

const PAGES = 200;
const PAGE = 4096;
const coldPager = (vfs: CountingVfs, cachePages: number): Pager => coldPagerOf(vfs, PAGES, cachePages * PAGE);

/** The fill byte of page `pageNo` read through `ring`, checked across the whole image. */
function tagThrough(r: ReadTransaction, ring: ScanRing, pageNo: number): number {
  const img = r.readPassing(pageNo, ring);
  expect(img.length).toBe(PAGE);
  const tag = img[0]!;
  expect(img[9]).toBe(tag);
  expect(img[PAGE - 1]).toBe(tag);
  return tag;
}

describe('scan rings', () => {
  it('go through the cache until the scan has missed a cacheful, then read runs into the ring', () => {
    const vfs = new CountingVfs();
    const pager = coldPager(vfs, 8);
    const r = pager.beginRead();
    const ring = new ScanRing();
    for (let p = 2; p <= PAGES + 1; p++) expect(tagThrough(r, ring, p)).toBe(p & 0xff);
    const s = pager.stats;
    expect(s.scanRingPages).toBeGreaterThanOrEqual(PAGES - 8 - READ_AHEAD_PAGES);
    expect(s.cacheMisses).toBeLessThan(8 + PAGES / READ_AHEAD_PAGES + 4); // ring reads look at the cache once per run
    expect(vfs.mainReads).toBeLessThanOrEqual(8 + Math.ceil(PAGES / READ_AHEAD_PAGES) + 2);
    // A page the ring holds is served again without a read; out of order, one page at a time.
    const reads = vfs.mainReads;
    const bytes = vfs.mainBytes;
    expect(tagThrough(r, ring, PAGES + 1)).toBe((PAGES + 1) & 0xff);
    expect(vfs.mainReads).toBe(reads);
    for (const p of [150, 40, 90, 41]) expect(tagThrough(r, ring, p)).toBe(p & 0xff);
    expect(vfs.mainReads).toBe(reads + 4);
    expect(vfs.mainBytes - bytes).toBe(4 * PAGE);
    r.end();
    pager.close();
  });

  it('forget what they hold across a checkpoint (it can move a page the snapshot read from the WAL into the main file)', () => {
    for (let m = 100; m < 108; m++) {
      const pager = coldPager(new CountingVfs(), 8);
      const w = pager.beginWrite();
      w.write(m).fill(77);
      w.commit();
      const r = pager.beginRead(); // sees page m's WAL version
      const ring = new ScanRing();
      for (let p = 2; p < m; p++) expect(tagThrough(r, ring, p)).toBe(p & 0xff); // the ring may now hold page m's old bytes
      pager.checkpoint(); // copies page m into the main file and truncates: nobody needs the WAL
      for (let p = m; p <= PAGES + 1; p++) expect(tagThrough(r, ring, p), `page ${p}`).toBe(p === m ? 77 : p & 0xff);
      r.end();
      pager.close();
    }
  });

  it('never serve a snapshot another version of a page than its own', () => {
    type Op =
      | { kind: 'commit'; pages: number[]; tag: number }
      | { kind: 'begin' }
      | { kind: 'sweep'; reader: number; from: number; length: number; stride: number }
      | { kind: 'end'; reader: number }
      | { kind: 'checkpoint' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('commit' as const), pages: fc.array(fc.integer({ min: 2, max: PAGES + 1 }), { minLength: 1, maxLength: 12 }), tag: fc.integer({ min: 1, max: 250 }) }),
      fc.constant({ kind: 'begin' as const }),
      fc.record({
        kind: fc.constant('sweep' as const),
        reader: fc.nat(),
        from: fc.integer({ min: 2, max: PAGES + 1 }),
        length: fc.integer({ min: 1, max: 120 }),
        stride: fc.constantFrom(1, 1, 1, 2, 7),
      }),
      fc.record({ kind: fc.constant('end' as const), reader: fc.nat() }),
      fc.constant({ kind: 'checkpoint' as const }),
    );
    let ringPages = 0;
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.constantFrom(8, 24), (ops, cachePages) => {
        const vfs = new CountingVfs();
        const pager = coldPager(vfs, cachePages);
        const model = new Map<number, number>(Array.from({ length: PAGES }, (_, i) => [i + 2, (i + 2) & 0xff]));
        // Each open reader keeps its ring across sweeps, as a cursor re-scanning a table does.
        const readers: { r: ReadTransaction; ring: ScanRing; seen: Map<number, number> }[] = [];
        try {
          for (const o of ops) {
            if (o.kind === 'commit') {
              const w = pager.beginWrite();
              for (const p of o.pages) {
                w.write(p).fill(o.tag);
                model.set(p, o.tag);
              }
              w.commit();
            } else if (o.kind === 'begin') {
              if (readers.length < 3) readers.push({ r: pager.beginRead(), ring: new ScanRing(), seen: new Map(model) });
            } else if (o.kind === 'sweep') {
              const current = readers.length === 0 || o.reader % (readers.length + 1) === readers.length;
              const { r, ring, seen } = current ? { r: pager.beginRead(), ring: new ScanRing(), seen: model } : readers[o.reader % (readers.length + 1)]!;
              for (let i = 0, p = o.from; i < o.length; i++, p = 2 + ((p - 2 + o.stride) % PAGES)) {
                expect(tagThrough(r, ring, p), `page ${p}`).toBe(seen.get(p));
              }
              if (current) r.end();
            } else if (o.kind === 'end') {
              if (readers.length > 0) readers.splice(o.reader % readers.length, 1)[0]!.r.end();
            } else {
              pager.checkpoint();
            }
          }
          ringPages += pager.stats.scanRingPages;
        } finally {
          for (const { r } of readers) r.end();
          pager.close();
        }
      }),
      { numRuns: 150 },
    );
    expect(ringPages).toBeGreaterThan(1000); // the rings really served
  });

  it('fail like read() on a page out of range or an ended reader', () => {
    const pager = coldPager(new CountingVfs(), 8);
    const r = pager.beginRead();
    const ring = new ScanRing();
    expect(() => r.readPassing(PAGES + 2, ring)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION' }));
    r.end();
    expect(() => r.readPassing(2, ring)).toThrow(expect.objectContaining({ code: 'ERR_TRANSACTION' }));
    pager.close();
  });
});
