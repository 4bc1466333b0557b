/**
 * A checkpoint keeps the page cache warm: the version it copies into the main file stays cached
 * under the main-file key (PageCache.rekey), so pages a commit just wrote are not read back from
 * the file, and every reader still sees its own snapshot (truncating and pruning checkpoints).
 * Also Pager.momentaryRead: one reused snapshot of the last commit until the next commit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pager, ReadTransaction } from '../../src/pager/index.js';
import { MemoryVfs } from '../../src/vfs/index.js';
import { openPager } from '../../src/wal/index.js';

/** Page `pageNo` filled with `tag` (one byte) by one commit per call. */
function commitTags(pager: Pager, tags: ReadonlyMap<number, number>): void {
  const w = pager.beginWrite();
  for (const [pageNo, tag] of tags) {
    while (w.pageCount < pageNo) w.allocate();
    w.write(pageNo).fill(tag);
  }
  w.commit();
}

const tagOf = (r: ReadTransaction, pageNo: number): number => r.read(pageNo)[7]!;

describe('checkpoint and the page cache', () => {
  it('reads no page the last commit wrote back from the file after a truncating checkpoint', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb', { cacheBytes: 1 << 20 });
    commitTags(pager, new Map(Array.from({ length: 40 }, (_, i) => [i + 2, i + 10] as const)));
    const result = pager.checkpoint();
    expect(result.truncated).toBe(true);
    const before = pager.stats.pagesRead;
    const r = pager.beginRead();
    for (let p = 2; p <= 41; p++) expect(tagOf(r, p)).toBe(p + 8);
    r.end();
    expect(pager.stats.pagesRead - before).toBe(0);
    // Page 1 (its header rewritten by the checkpoint) is read from the file again.
    pager.beginRead().read(1);
    expect(pager.stats.pagesRead - before).toBe(1);
    pager.close();
  });

  it('a pruning checkpoint (an older reader open) keeps each snapshot exact', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb', { cacheBytes: 1 << 20 });
    commitTags(pager, new Map([[2, 1], [3, 1]]));
    const old = pager.beginRead();
    commitTags(pager, new Map([[2, 2]]));
    expect(pager.checkpoint().truncated).toBe(false);
    const now = pager.beginRead();
    expect([tagOf(old, 2), tagOf(old, 3), tagOf(now, 2), tagOf(now, 3)]).toEqual([1, 1, 2, 1]);
    old.end();
    now.end();
    expect(pager.checkpoint().truncated).toBe(true);
    const before = pager.stats.pagesRead;
    const last = pager.beginRead();
    expect([tagOf(last, 2), tagOf(last, 3)]).toEqual([2, 1]);
    last.end();
    expect(pager.stats.pagesRead - before).toBe(0);
    pager.close();
  });

  it('matches a model under commits, readers and checkpoints', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('commit' as const), pages: fc.uniqueArray(fc.integer({ min: 2, max: 9 }), { minLength: 1, maxLength: 4 }) }),
      fc.record({ kind: fc.constant('begin' as const) }),
      fc.record({ kind: fc.constant('end' as const), which: fc.nat() }),
      fc.record({ kind: fc.constant('checkpoint' as const) }),
      fc.record({ kind: fc.constant('check' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.constantFrom(8 * 4096, 1 << 20), (ops, cacheBytes) => {
        const pager = openPager(new MemoryVfs(), 'a.ddb', { cacheBytes });
        let tag = 0;
        let current = new Map<number, number>();
        const readers: { r: ReadTransaction; seen: Map<number, number> }[] = [];
        const verify = (): void => {
          for (const { r, seen } of readers) for (const [p, t] of seen) expect(tagOf(r, p)).toBe(t);
        };
        for (const o of ops) {
          if (o.kind === 'commit') {
            tag = (tag % 250) + 1;
            commitTags(pager, new Map(o.pages.map((p) => [p, tag])));
            current = new Map(current);
            for (const p of o.pages) current.set(p, tag);
          } else if (o.kind === 'begin') {
            readers.push({ r: pager.beginRead(), seen: current });
          } else if (o.kind === 'end' && readers.length > 0) {
            readers.splice(o.which % readers.length, 1)[0]!.r.end();
          } else if (o.kind === 'checkpoint') {
            pager.checkpoint();
          } else {
            verify();
          }
        }
        verify();
        const r = pager.beginRead();
        for (const [p, t] of current) expect(tagOf(r, p)).toBe(t);
        r.end();
        for (const { r: x } of readers) x.end();
        pager.close();
      }),
      { numRuns: 150 },
    );
  });
});

describe('Pager.momentaryRead', () => {
  it('is reused until a commit or checkpoint, always shows the last commit, and is never a registered reader', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    commitTags(pager, new Map([[2, 1]]));
    const m = pager.momentaryRead();
    expect(pager.momentaryRead()).toBe(m);
    expect(pager.readerCount).toBe(0);
    expect(tagOf(m, 2)).toBe(1);
    commitTags(pager, new Map([[2, 2], [3, 2]]));
    const m2 = pager.momentaryRead();
    expect(m2).not.toBe(m);
    expect([tagOf(m2, 2), tagOf(m2, 3)]).toEqual([2, 2]);
    pager.checkpoint();
    const m3 = pager.momentaryRead();
    expect([tagOf(m3, 2), tagOf(m3, 3)]).toEqual([2, 2]);
    const w = pager.beginWrite();
    w.write(2).fill(9);
    expect(tagOf(pager.momentaryRead(), 2)).toBe(2); // the writer's pages are not committed
    w.rollback();
    expect(pager.readerCount).toBe(0);
    pager.close();
    expect(() => pager.momentaryRead()).toThrow(expect.objectContaining({ code: 'ERR_TRANSACTION' }));
  });
});
