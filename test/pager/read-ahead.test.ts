/**
 * Sequential read-ahead (src/pager/read-ahead.ts): a sweep over pages in file order reads the
 * main file in runs of READ_AHEAD_PAGES, random reads page by page, and every snapshot still
 * reads its own version of every page while commits put newer versions in the WAL, checkpoints
 * copy them into the main file and old readers stay open (a fast-check model with a cache of a
 * few pages, so prefetched images are evicted, re-read and re-keyed all the time).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pager, ReadTransaction } from '../../src/pager/index.js';
import { READ_AHEAD_PAGES } from '../../src/pager/read-ahead.js';
import { CountingVfs, coldPager as coldPagerOf } from './cold-pager.js';

const PAGES = 200;
const coldPager = (vfs: CountingVfs, cacheBytes: number): Pager => coldPagerOf(vfs, PAGES, cacheBytes);

const tagOf = (r: ReadTransaction, pageNo: number): number => r.read(pageNo)[9]!;

describe('sequential read-ahead', () => {
  it('reads a sweep in file order in runs, and random pages one by one', () => {
    const vfs = new CountingVfs();
    const pager = coldPager(vfs, 1 << 20);
    const before = pager.stats.pagesRead;
    const r = pager.beginRead();
    for (let p = 2; p <= PAGES + 1; p++) expect(tagOf(r, p)).toBe(p & 0xff);
    expect(vfs.mainReads).toBeLessThanOrEqual(5 + Math.ceil(PAGES / READ_AHEAD_PAGES));
    expect(pager.stats.pagesRead - before).toBe(PAGES); // pages read ahead count as read
    r.end();
    pager.close();

    const vfs2 = new CountingVfs();
    const pager2 = coldPager(vfs2, 1 << 20);
    const r2 = pager2.beginRead();
    const order = Array.from({ length: PAGES }, (_, i) => 2 + ((i * 67) % PAGES)); // 67 is prime to 200
    for (const p of order) expect(tagOf(r2, p)).toBe(p & 0xff);
    expect(vfs2.mainReads).toBe(PAGES);
    r2.end();
    pager2.close();
  });

  it('never serves a snapshot another version of a page than its own', () => {
    type Op =
      | { kind: 'commit'; pages: number[]; tag: number }
      | { kind: 'begin' }
      | { kind: 'sweep'; reader: number; from: number; length: number }
      | { kind: 'end'; reader: number }
      | { kind: 'checkpoint' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('commit' as const), pages: fc.array(fc.integer({ min: 2, max: PAGES + 1 }), { minLength: 1, maxLength: 12 }), tag: fc.integer({ min: 1, max: 250 }) }),
      fc.constant({ kind: 'begin' as const }),
      fc.record({ kind: fc.constant('sweep' as const), reader: fc.nat(), from: fc.integer({ min: 2, max: PAGES + 1 }), length: fc.integer({ min: 1, max: 80 }) }),
      fc.record({ kind: fc.constant('end' as const), reader: fc.nat() }),
      fc.constant({ kind: 'checkpoint' as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 40 }), fc.constantFrom(8, 24, 64), (ops, cachePages) => {
        const vfs = new CountingVfs();
        const pager = coldPager(vfs, cachePages * 4096);
        const model = new Map<number, number>(Array.from({ length: PAGES }, (_, i) => [i + 2, (i + 2) & 0xff]));
        const readers: { r: ReadTransaction; seen: Map<number, number> }[] = [];
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
              if (readers.length < 3) readers.push({ r: pager.beginRead(), seen: new Map(model) });
            } else if (o.kind === 'sweep') {
              const current = readers.length === 0 || o.reader % (readers.length + 1) === readers.length;
              const { r, seen } = current ? { r: pager.beginRead(), seen: model } : readers[o.reader % (readers.length + 1)]!;
              for (let p = o.from; p < o.from + o.length && p <= PAGES + 1; p++) expect(tagOf(r, p), `page ${p}`).toBe(seen.get(p));
              if (current) r.end();
            } else if (o.kind === 'end') {
              if (readers.length > 0) readers.splice(o.reader % readers.length, 1)[0]!.r.end();
            } else {
              pager.checkpoint();
            }
          }
        } finally {
          for (const { r } of readers) r.end();
          pager.close();
        }
      }),
      { numRuns: 120 },
    );
  });
});
