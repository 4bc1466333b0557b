/**
 * searchLeaf (leaf-search.ts) against a model of the cells and against the decoded PageView, on
 * hand-encoded leaves (delta and absolute keys, duplicates, overflow cells, non-minimal control
 * varints), plus its ERR_CORRUPTION cases and BTree.get through both leaf paths.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecentDBError, putVarint, writeU16, writeU32 } from '../util/index.js';
import { BTree } from './btree.js';
import { LEAF_ABSENT, LEAF_FOUND, LEAF_NEEDS_VIEW, LEAF_PAST, leafHit, searchLeaf } from './leaf-search.js';
import { MemoryPageStore } from './memory-page-store.js';
import { FLAG_DELTA_KEYS, PageView, pageViewStats, setPageViewCache } from './page-view.js';

const PAGE = 1024;
const LIMIT = 100;

interface Cell {
  readonly key: number;
  /** Inline value length, or -1 for an overflow cell (head page 7). */
  readonly len: number;
}

/** Encodes a leaf; `padControl` writes control varints one byte longer than needed. */
function encodeLeaf(cells: readonly Cell[], delta: boolean, padControl = false): Uint8Array {
  const page = new Uint8Array(PAGE);
  page[0] = 2;
  page[1] = delta ? FLAG_DELTA_KEYS : 0;
  writeU16(page, 2, cells.length);
  let pos = 8;
  let prev = 0;
  for (const c of cells) {
    pos = putVarint(page, pos, delta ? c.key - prev : c.key);
    prev = c.key;
    const ctl = c.len < 0 ? 7 * 2 + 1 : c.len * 2;
    if (padControl && ctl < 0x80) {
      page[pos++] = 0x80 | ctl;
      page[pos++] = 0;
    } else {
      pos = putVarint(page, pos, ctl);
    }
    if (c.len > 0) page.fill(c.key & 0xff, pos, pos + c.len), (pos += c.len);
  }
  return page;
}

/** Sorted cells (duplicates allowed) that fit one page. */
const cellsArb = fc
  .array(fc.record({ key: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 2 ** 40 })), len: fc.integer({ min: -1, max: 12 }) }), { maxLength: 40 })
  .map((cs) => cs.sort((a, b) => a.key - b.key));

describe('searchLeaf', () => {
  it('finds the first cell with a key >= the search key, as the decoded view does', () => {
    fc.assert(
      fc.property(cellsArb, fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 70 }), (cells, delta, pad, probeSeed) => {
        const page = encodeLeaf(cells, delta, pad);
        const view = new PageView(3, page, LIMIT);
        const probes = [probeSeed, ...cells.map((c) => c.key), ...cells.map((c) => c.key + 1)];
        for (const key of probes) {
          const r = searchLeaf(page, 3, LIMIT, key);
          const i = view.lowerBound(key);
          if (i === cells.length) {
            expect(r).toBe(LEAF_PAST);
          } else if (view.keys[i] !== key) {
            expect(r).toBe(LEAF_ABSENT);
          } else {
            expect(r).toBe(LEAF_FOUND);
            expect(leafHit.control).toBe(view.aux[i]);
            expect(leafHit.valueOffset).toBe(view.valueOffset(i));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('leaves keys beyond 2^53 to the view', () => {
    const page = encodeLeaf([{ key: 5, len: 1 }], true);
    let pos = 8 + 1 + 1 + 1;
    writeU16(page, 2, 2);
    pos = putVarint(page, pos, 2n ** 60n);
    putVarint(page, pos, 0);
    expect(searchLeaf(page, 3, LIMIT, 5)).toBe(LEAF_FOUND);
    expect(searchLeaf(page, 3, LIMIT, 6)).toBe(LEAF_NEEDS_VIEW);
  });

  it('gives ERR_CORRUPTION with the page id for damaged leaves', () => {
    const corrupt = (page: Uint8Array, key = 1000): void => {
      let err: unknown;
      try {
        searchLeaf(page, 9, LIMIT, key);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DecentDBError);
      expect((err as DecentDBError).code).toBe('ERR_CORRUPTION');
      expect((err as DecentDBError).details?.['pageNo']).toBe(9);
    };
    const good = (): Uint8Array => encodeLeaf([{ key: 1, len: 3 }, { key: 4, len: 2 }], true);
    let p = good();
    writeU16(p, 2, 600); // count cannot fit
    corrupt(p);
    p = good();
    writeU32(p, 4, LIMIT + 1); // next leaf out of range
    corrupt(p);
    p = encodeLeaf([{ key: 1, len: 3 }, { key: 4, len: PAGE - 17 }], true); // the second value ends at the last byte
    writeU16(p, 2, 3);
    p[PAGE - 1] = 0xff; // a third cell whose key varint the page cuts off
    corrupt(p);
    p = good();
    p[9] = 0xfe; // control: a length running past the page
    p[10] = 0x7f;
    corrupt(p);
    p = encodeLeaf([{ key: 1, len: -1 }], true);
    p[9] = 2 * (LIMIT + 1) + 1; // overflow head out of range
    p[10] = 1;
    corrupt(p);
    p = encodeLeaf([{ key: 8, len: 0 }, { key: 3, len: 0 }], false); // absolute keys out of order
    corrupt(p);
  });
});

/** The same committed pages in fresh buffers (as a pager reads them): no decoded views. */
function freshCopy(s: MemoryPageStore): MemoryPageStore {
  const image = new Uint8Array(s.pageCount * s.pageSize);
  for (let n = 1; n <= s.pageCount; n++) image.set(s.read(n), (n - 1) * s.pageSize);
  return MemoryPageStore.fromImage(image, s.pageSize);
}

describe('BTree.get with and without cached leaf views', () => {
  it('returns what a model holds, through the walk (fresh images) and the views', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 700 })), { maxLength: 300 }), (entries) => {
        const s = new MemoryPageStore(512);
        const built = BTree.create(s);
        const model = new Map<number, number>();
        for (const [k, len] of entries) {
          if (model.has(k)) continue;
          model.set(k, len);
          built.insert(k, new Uint8Array(len).fill(k & 0xff));
        }
        s.commit();
        const check = (t: BTree): void => {
          for (let k = 0; k <= 3001; k += 7) {
            const v = t.get(k);
            const len = model.get(k);
            if (len === undefined) expect(v).toBeUndefined();
            else expect(v).toEqual(new Uint8Array(len).fill(k & 0xff));
          }
          for (const [k, len] of model) expect(t.get(k)?.length).toBe(len);
        };
        const pages = new BTree(freshCopy(s), built.root).stats().pages;
        const t = new BTree(freshCopy(s), built.root);
        const decodes = pageViewStats.decodes;
        check(t); // leaves walked (fresh images have no views)
        expect(pageViewStats.decodes - decodes).toBeLessThanOrEqual(pages);
        const c = t.cursor();
        for (let ok = c.first(); ok; ok = c.next()); // decodes and caches every leaf's view
        check(t); // leaves by their views
        setPageViewCache(false);
        try {
          check(new BTree(freshCopy(s), built.root));
        } finally {
          setPageViewCache(true);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('walks fresh leaves without decoding them, however often they are read', () => {
    const s = new MemoryPageStore(1024);
    const built = BTree.create(s);
    for (let k = 0; k < 3000; k++) built.insert(k, new Uint8Array(8).fill(k & 0xff));
    s.commit();
    const stats = new BTree(freshCopy(s), built.root).stats();
    expect(stats.leaves).toBeGreaterThan(10);
    const t = new BTree(freshCopy(s), built.root);
    const before = pageViewStats.decodes;
    for (let round = 0; round < 3; round++) for (let k = round; k < 3000; k += 3) expect(t.get(k)?.[0]).toBe(k & 0xff);
    // Only the internal pages were decoded (once each: their views are cached).
    expect(pageViewStats.decodes - before).toBe(stats.pages - stats.leaves);
  });
});
