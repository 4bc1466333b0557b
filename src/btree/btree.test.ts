import { describe, expect, it } from 'vitest';
import { BTree } from './btree.js';
import { checkTree } from './check-tree.js';
import { MemoryPageStore, committedView } from './memory-page-store.js';
import { readPage } from './page-view.js';
import type { U64 } from '../util/index.js';
import { DecentDBError } from '../util/index.js';

const enc = new TextEncoder();
const val = (n: U64, len = 20): Uint8Array => {
  const s = `v${String(n)}-`;
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = s.charCodeAt(i % s.length);
  return out;
};
const scan = (t: BTree): U64[] => {
  const out: U64[] = [];
  const c = t.cursor();
  for (let ok = c.first(); ok; ok = c.next()) out.push(c.key);
  return out;
};

describe('BTree basics', () => {
  it('creates an empty leaf root with flags 1', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    const img = s.read(t.root);
    expect([img[0], img[1], img[2], img[3]]).toEqual([2, 1, 0, 0]);
    expect(t.get(1)).toBeUndefined();
    expect(t.cursor().first()).toBe(false);
    expect(t.lastKey()).toBeUndefined();
    expect(t.stats()).toEqual({ depth: 1, pages: 1, leaves: 1, overflowPages: 0, entries: 0 });
  });

  it('inserts, gets and scans in key order', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    for (const k of [5, 1, 9, 3, 7]) t.insert(k, val(k));
    expect(scan(t)).toEqual([1, 3, 5, 7, 9]);
    expect(t.get(7)).toEqual(val(7));
    expect(t.get(4)).toBeUndefined();
    expect(t.lastKey()).toBe(9);
  });

  it('keeps keys ordered after leaf splits and root splits (root id changes)', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    const root0 = t.root;
    const keys: number[] = [];
    for (let i = 0; i < 5000; i++) keys.push((i * 7919) % 5003);
    for (const k of keys) t.insert(k, val(k, 30));
    expect(t.root).not.toBe(root0);
    checkTree(s, t.root);
    expect(scan(t)).toEqual([...keys].sort((a, b) => a - b));
    expect(t.stats().depth).toBeGreaterThanOrEqual(2);
    for (const k of keys.slice(0, 200)) expect(t.get(k)).toEqual(val(k, 30));
  });

  it('splits internal pages and builds a 3-level tree on small pages', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 3000; i++) t.insert((i * 104729) % 3001, val(i, 8));
    checkTree(s, t.root);
    expect(t.stats().depth).toBeGreaterThanOrEqual(3);
    expect(scan(t).length).toBe(3000);
  });

  it('fills pages fully on sequential inserts (append-past-end split)', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    for (let i = 1; i <= 20000; i++) t.insert(i, val(i, 100));
    checkTree(s, t.root);
    const st = t.stats();
    // cell = 2-3 byte key delta... 1 + 2 control + 100 value = 103-104 bytes → 39 per page
    expect(st.leaves).toBeLessThanOrEqual(Math.ceil(20000 / 39) + 1);
  });

  it('handles keys across the full u64 range, compared unsigned', () => {
    const s = new MemoryPageStore(512);
    const t = BTree.create(s);
    const keys: U64[] = [0, 1, 2 ** 53 - 1, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 63n - 1n, 127, 128];
    for (const k of keys) t.insert(k, val(k));
    for (let i = 0; i < 300; i++) t.insert(2n ** 60n + BigInt(i) * 12345678901n, val(i));
    checkTree(s, t.root);
    const got = scan(t);
    for (let i = 1; i < got.length; i++) expect(BigInt(got[i - 1]!) <= BigInt(got[i]!)).toBe(true);
    expect(t.get(2n ** 64n - 1n)).toEqual(val(2n ** 64n - 1n));
    expect(t.get(2 ** 53 - 1)).toEqual(val(2 ** 53 - 1));
    expect(t.get(2n ** 53n)).toEqual(val(2n ** 53n));
    expect(t.lastKey()).toBe(2n ** 64n - 1n);
    expect(typeof got[0]).toBe('number');
  });

  it('rejects keys that are not u64', () => {
    const t = BTree.create(new MemoryPageStore());
    expect(() => t.insert(-1, val(1))).toThrow(DecentDBError);
    expect(() => t.insert(1.5, val(1))).toThrow(DecentDBError);
    expect(() => t.insert(2n ** 64n, val(1))).toThrow(DecentDBError);
  });
});

describe('BTree values', () => {
  it('stores values above the inline limit in overflow chains and frees them', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    const big = new Uint8Array(10_000).map((_, i) => i % 251);
    t.insert(1, big);
    t.insert(2, new Uint8Array(512).fill(7));
    t.insert(3, new Uint8Array(513).fill(8));
    expect(t.get(1)).toEqual(big);
    expect(t.get(2)).toEqual(new Uint8Array(512).fill(7));
    expect(t.get(3)).toEqual(new Uint8Array(513).fill(8));
    const v = readPage(s, t.root, s.pageCount);
    expect([v.isOverflow(0), v.isOverflow(1), v.isOverflow(2)]).toEqual([true, false, true]);
    expect(t.stats().overflowPages).toBe(3 + 1);
    const free0 = s.freeCount;
    expect(t.delete(1)).toBe(true);
    expect(s.freeCount).toBe(free0 + 3);
    expect(t.update(3, enc.encode('small'))).toBe(true);
    expect(s.freeCount).toBe(free0 + 4);
    expect(t.get(3)).toEqual(enc.encode('small'));
  });

  it('updates values, growing past the page (re-insert) and shrinking', () => {
    const s = new MemoryPageStore(512);
    const t = BTree.create(s);
    for (let i = 0; i < 100; i++) t.insert(i, val(i, 10));
    expect(t.update(50, val(50, 400))).toBe(true);
    expect(t.update(51, val(51, 2))).toBe(true);
    expect(t.update(1000, val(1))).toBe(false);
    checkTree(s, t.root);
    expect(t.get(50)).toEqual(val(50, 400));
    expect(t.get(51)).toEqual(val(51, 2));
    expect(scan(t).length).toBe(100);
  });

  it('writes an empty value', () => {
    const t = BTree.create(new MemoryPageStore());
    t.insert(4, new Uint8Array(0));
    expect(t.get(4)).toEqual(new Uint8Array(0));
  });
});

describe('BTree duplicates and uniqueness', () => {
  it('inserts duplicates after equal keys and finds the first', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 300; i++) t.insert(i % 3, enc.encode(`r${i}`));
    checkTree(s, t.root);
    const c = t.cursor();
    const seen: string[] = [];
    for (let ok = c.seek(1); ok && c.key === 1; ok = c.next()) seen.push(new TextDecoder().decode(c.value()));
    expect(seen.length).toBe(100);
    expect(seen[0]).toBe('r1');
    expect(seen[99]).toBe('r298');
    expect(new TextDecoder().decode(t.get(2)!)).toBe('r2');
  });

  it('deletes an entry by (key, value) among duplicates', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 200; i++) t.insert(7, enc.encode(`row${i}`));
    expect(t.delete(7, enc.encode('row150'))).toBe(true);
    expect(t.delete(7, enc.encode('row150'))).toBe(false);
    expect(t.delete(7, enc.encode('nope'))).toBe(false);
    expect(scan(t).length).toBe(199);
    checkTree(s, t.root);
  });

  it('enforces unique inserts with ERR_CONSTRAINT, even after the separator key was deleted', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 500; i++) t.insert(i, val(i, 10), { unique: true });
    let err: unknown;
    try {
      t.insert(250, val(1), { unique: true });
    } catch (e) {
      err = e;
    }
    expect((err as DecentDBError).code).toBe('ERR_CONSTRAINT');
    // Make a key equal to a separator live only left of it: delete, reinsert duplicates.
    const root = readPage(s, t.root, s.pageCount);
    const sep = root.keys[0] as number;
    expect(t.delete(sep)).toBe(true);
    t.insert(sep, val(sep, 10), { unique: true });
    expect(() => t.insert(sep, val(sep, 10), { unique: true })).toThrow(/Unique/);
    checkTree(s, t.root);
  });
});

describe('BTree delete and empty leaves', () => {
  it('deletes without merging; cursors, get, lastKey and inserts skip empty leaves', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 1000; i++) t.insert(i, val(i, 12));
    const pages = t.stats().pages;
    for (let i = 100; i < 900; i++) expect(t.delete(i)).toBe(true);
    expect(t.delete(100)).toBe(false);
    expect(t.stats().pages).toBe(pages);
    checkTree(s, t.root);
    expect(scan(t).length).toBe(200);
    const c = t.cursor();
    expect(c.seek(100)).toBe(true);
    expect(c.key).toBe(900);
    expect(t.get(500)).toBeUndefined();
    for (let i = 900; i < 1000; i++) t.delete(i);
    expect(t.lastKey()).toBe(99);
    for (let i = 0; i < 100; i++) t.delete(i);
    expect(t.cursor().first()).toBe(false);
    expect(t.lastKey()).toBeUndefined();
    for (let i = 0; i < 1000; i += 3) t.insert(i, val(i, 12));
    checkTree(s, t.root);
    expect(scan(t).length).toBe(334);
  });

  it('frees every page on destroy', () => {
    const s = new MemoryPageStore(512);
    const t = BTree.create(s);
    for (let i = 0; i < 2000; i++) t.insert(i, val(i, i % 50 === 0 ? 2000 : 20));
    const used = s.pageCount - 1;
    t.destroy();
    expect(s.freeCount).toBe(used);
  });
});

describe('BTree bulk build', () => {
  it('builds a valid tree with pages filled near the minimum', () => {
    const s = new MemoryPageStore();
    const n = 50_000;
    const entries = function* (): Generator<readonly [U64, Uint8Array]> {
      for (let i = 0; i < n; i++) yield [i * 3, val(i, 100)] as const;
    };
    const t = BTree.bulkBuild(s, entries());
    checkTree(s, t.root);
    const st = t.stats();
    expect(st.entries).toBe(n);
    // ≤ 105 bytes per cell → ≥ 38 cells per 4088-byte page
    expect(st.leaves).toBeLessThanOrEqual(Math.ceil(n / 38));
    expect(scan(t).length).toBe(n);
    expect(t.get(3 * 777)).toEqual(val(777, 100));
    t.insert(1, val(1));
    checkTree(s, t.root);
  });

  it('accepts duplicates, overflow values and an empty input; rejects unsorted input', () => {
    const s = new MemoryPageStore(256);
    const entries: [U64, Uint8Array][] = [];
    for (let i = 0; i < 500; i++) entries.push([Math.floor(i / 7), val(i, i % 97 === 0 ? 900 : 9)]);
    const t = BTree.bulkBuild(s, entries);
    checkTree(s, t.root);
    expect(t.stats().entries).toBe(500);
    expect(t.get(0)).toEqual(val(0, 900));
    let n = 0;
    const c = t.cursor();
    for (let ok = c.seek(10); ok && c.key === 10; ok = c.next()) n++;
    expect(n).toBe(7);
    const e = BTree.bulkBuild(s, []);
    expect(e.cursor().first()).toBe(false);
    expect(() => BTree.bulkBuild(s, [[2, val(2)], [1, val(1)]])).toThrow(/not sorted/);
  });
});

describe('BTree cursors under modification', () => {
  it('a snapshot cursor is stable while the writer changes the tree', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    for (let i = 0; i < 3000; i++) t.insert(i, val(i));
    s.commit();
    const snap = new BTree(committedView(s), t.root);
    const c = snap.cursor();
    expect(c.first()).toBe(true);
    for (let i = 0; i < 3000; i++) t.insert(10_000 + i, val(i));
    for (let i = 0; i < 3000; i += 2) t.delete(i);
    let n = 1;
    while (c.next()) n++;
    expect(n).toBe(3000);
  });

  it('a cursor in the writing transaction continues after its last entry', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 1000; i++) t.insert(i * 2, val(i));
    const c = t.cursor();
    const seen: number[] = [];
    for (let ok = c.first(); ok; ok = c.next()) {
      const k = c.key as number;
      seen.push(k);
      if (k % 4 === 0) t.delete(k);
      if (k % 2 === 0 && k < 1000) t.insert(k + 1, val(k));
    }
    // every original even key once, plus the odd keys inserted ahead of the cursor
    const evens = seen.filter((k) => k % 2 === 0);
    expect(evens).toEqual(Array.from({ length: 1000 }, (_, i) => i * 2));
    expect(seen.filter((k) => k % 2 === 1).length).toBe(500);
    checkTree(s, t.root);
  });

  it('a cursor over duplicates resumes at the next duplicate after a write', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 100; i++) t.insert(5, enc.encode(`d${i}`));
    const c = t.cursor();
    const seen: string[] = [];
    for (let ok = c.seek(5); ok && c.key === 5; ok = c.next()) {
      seen.push(new TextDecoder().decode(c.value()));
      t.insert(9, val(1));
    }
    expect(seen.length).toBe(100);
    expect(seen[99]).toBe('d99');
  });

  it('survives spill and commit of writable images (poisoned buffers)', () => {
    const s = new MemoryPageStore(512, { poison: true });
    const t = BTree.create(s);
    for (let i = 0; i < 2000; i++) {
      t.insert((i * 37) % 2003, val(i));
      if (i % 97 === 0) s.spillSafePoint();
      if (i % 501 === 0) s.commit();
    }
    checkTree(s, t.root);
    expect(scan(t).length).toBe(2000);
  });

  it('rollback restores the committed tree', () => {
    const s = new MemoryPageStore(512);
    const t = BTree.create(s);
    for (let i = 0; i < 500; i++) t.insert(i, val(i));
    s.commit();
    const root = t.root;
    for (let i = 500; i < 2000; i++) t.insert(i, val(i));
    s.rollback();
    const again = new BTree(s, root);
    checkTree(s, root);
    expect(scan(again).length).toBe(500);
  });
});

describe('BTree split fallback', () => {
  it('splits three ways when no 2-way split fits (small cell between two large ones)', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    t.insert(1, val(1, 150));
    t.insert(3, val(3, 80));
    expect(t.stats().leaves).toBe(1);
    t.insert(2, val(2, 200));
    const st = t.stats();
    expect(st.leaves).toBe(3);
    expect(st.depth).toBe(2);
    checkTree(s, t.root);
    expect(scan(t)).toEqual([1, 2, 3]);
    expect(t.get(2)).toEqual(val(2, 200));
  });
});
