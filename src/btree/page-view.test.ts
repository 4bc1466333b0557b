import { describe, expect, it } from 'vitest';
import { putVarint, writeU16, writeU32 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { BTree } from './btree.js';
import { checkTree } from './check-tree.js';
import { MemoryPageStore } from './memory-page-store.js';
import { PageView, pageViewStats, readPage, setPageViewCache, viewOf } from './page-view.js';
import { PageCache } from '../pager/index.js';
import { compareKeys, keyAdd, keyDelta, normalizeKey } from './key.js';

/** Writes a leaf by hand: flags 0 → absolute keys, 1 → delta keys. */
function handLeaf(buf: Uint8Array, flags: number, cells: [U64, Uint8Array][], next = 0): void {
  buf.fill(0);
  buf[0] = 2;
  buf[1] = flags;
  writeU16(buf, 2, cells.length);
  writeU32(buf, 4, next);
  let pos = 8;
  let prev: U64 = 0;
  for (const [k, v] of cells) {
    pos = putVarint(buf, pos, flags === 1 ? keyDelta(prev, k) : k);
    pos = putVarint(buf, pos, v.length * 2);
    buf.set(v, pos);
    pos += v.length;
    prev = k;
  }
}

describe('keys', () => {
  it('compares unsigned across number and bigint forms', () => {
    expect(compareKeys(1, 2)).toBe(-1);
    expect(compareKeys(2 ** 53 - 1, 2n ** 53n)).toBe(-1);
    expect(compareKeys(2n ** 64n - 1n, 0)).toBe(1);
    expect(compareKeys(2n ** 63n, 2n ** 63n)).toBe(0);
    expect(normalizeKey(5n)).toBe(5);
    expect(keyAdd(2 ** 53 - 1, 1)).toBe(2n ** 53n);
    expect(keyAdd(2n ** 64n - 1n, 1)).toBeUndefined();
    expect(keyDelta(2 ** 53 - 1, 2n ** 53n + 4n)).toBe(5);
  });
});

describe('page codec', () => {
  const cells: [U64, Uint8Array][] = [
    [3, new Uint8Array([1, 2])],
    [3, new Uint8Array([])],
    [300, new Uint8Array(100).fill(9)],
    [2n ** 53n + 7n, new Uint8Array([5])],
    [2n ** 64n - 1n, new Uint8Array([6, 6])],
  ];

  it.each([0, 1])('decodes a leaf written with flags %i', (flags) => {
    const buf = new Uint8Array(512);
    handLeaf(buf, flags, cells, 9);
    const v = new PageView(4, buf, 100);
    expect(v.isLeaf).toBe(true);
    expect(v.flags).toBe(flags);
    expect(v.link).toBe(9);
    expect(v.keys).toEqual(cells.map((c) => c[0]));
    for (let i = 0; i < cells.length; i++) {
      expect(buf.subarray(v.valueOffset(i), v.valueOffset(i) + v.valueLength(i))).toEqual(cells[i]![1]);
    }
    expect(v.lowerBound(3)).toBe(0);
    expect(v.upperBound(3)).toBe(2);
    expect(v.lowerBound(2n ** 60n)).toBe(4);
    expect(v.upperBound(2n ** 64n - 1n)).toBe(5);
  });

  it('stores delta keys byte for byte (flag 1, first key absolute)', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    t.insert(0x416c696365000000n, new Uint8Array([1]));
    t.insert(0x426f620000000000n, new Uint8Array([2]));
    const img = s.read(t.root);
    const expected = new Uint8Array(64);
    handLeaf(expected, 1, [
      [0x416c696365000000n, new Uint8Array([1])],
      [0x426f620000000000n, new Uint8Array([2])],
    ]);
    expect(img.subarray(0, 64)).toEqual(expected);
  });

  it('rewrites a flags-0 page as flags 1 on modification, keeping its entries', () => {
    const s = new MemoryPageStore(512);
    const root = s.allocate();
    handLeaf(s.write(root), 0, cells);
    const t = new BTree(s, root);
    t.insert(4, new Uint8Array([4]));
    t.insert(2n ** 64n - 1n, new Uint8Array([7]));
    expect(s.read(root)[1]).toBe(1);
    checkTree(s, root);
    const got: U64[] = [];
    const c = t.cursor();
    for (let ok = c.first(); ok; ok = c.next()) got.push(c.key);
    expect(got).toEqual([3, 3, 4, 300, 2n ** 53n + 7n, 2n ** 64n - 1n, 2n ** 64n - 1n]);
  });

  it('appends in place on a flags-0 page with an absolute key (native fast path)', () => {
    const s = new MemoryPageStore(512);
    const root = s.allocate();
    handLeaf(s.write(root), 0, cells.slice(0, 3));
    const t = new BTree(s, root);
    t.insert(1000, new Uint8Array([1]));
    const img = s.read(root);
    expect(img[1]).toBe(0);
    expect(new PageView(root, img, 10).keys).toEqual([3, 3, 300, 1000]);
  });

  it('caches decoded views per image and keeps a written leaf\'s view current without decoding', () => {
    const s = new MemoryPageStore();
    const t = BTree.create(s);
    t.insert(1, new Uint8Array(3));
    const before = pageViewStats.decodes;
    readPage(s, t.root, 10);
    readPage(s, t.root, 10);
    expect(pageViewStats.decodes - before).toBe(0);
    t.insert(2, new Uint8Array(3)); // in-place append: the view grows with the page
    t.insert(3, new Uint8Array(5));
    const v = readPage(s, t.root, 10);
    expect(pageViewStats.decodes - before).toBe(0);
    const fresh = new PageView(t.root, s.read(t.root), 10);
    expect(v.count).toBe(3);
    expect(v.keys).toEqual(fresh.keys);
    for (let i = 0; i <= v.count; i++) expect(v.cellOff[i]).toBe(fresh.cellOff[i]);
    for (let i = 0; i < v.count; i++) {
      expect([v.payOff[i], v.valueOffset(i), v.aux[i]]).toEqual([fresh.payOff[i], fresh.valueOffset(i), fresh.aux[i]]);
    }
    s.commit();
    const b1 = pageViewStats.decodes;
    readPage(s, t.root, 10);
    expect(pageViewStats.decodes - b1).toBe(1); // this store's commit copies the image
    t.insert(4, new Uint8Array(3)); // copy on write: a new buffer, view copied and grown
    expect(readPage(s, t.root, 10).count).toBe(4);
    expect(pageViewStats.decodes - b1).toBe(1);
    t.insert(0, new Uint8Array(3)); // a mid-page insert splices in place: the view is shifted, not dropped
    expect(readPage(s, t.root, 10).count).toBe(5);
    expect(pageViewStats.decodes - b1).toBe(1);
    const fresh2 = new PageView(t.root, s.read(t.root), 10);
    expect(readPage(s, t.root, 10).keys).toEqual(fresh2.keys);
    setPageViewCache(false);
    const b2 = pageViewStats.decodes;
    viewOf(t.root, s.read(t.root), 10);
    viewOf(t.root, s.read(t.root), 10);
    expect(pageViewStats.decodes - b2).toBe(2);
    setPageViewCache(true);
  });
});

describe('internal pages with absolute keys (flags 0)', () => {
  it('are read, and rewritten with flags 1 when a child splits', () => {
    const s = new MemoryPageStore(256);
    const t = BTree.create(s);
    for (let i = 0; i < 40; i++) t.insert(i * 10, new Uint8Array(20));
    const root = readPage(s, t.root, s.pageCount);
    expect(root.isLeaf).toBe(false);
    // Re-encode the root by hand with absolute keys and flags 0.
    const img = s.write(t.root);
    const keys = root.keys.slice();
    const children = Array.from(root.aux);
    img.fill(0, 8);
    img[1] = 0;
    let pos = 8;
    for (let i = 0; i < keys.length; i++) {
      pos = putVarint(img, pos, keys[i]!);
      pos = putVarint(img, pos, children[i]!);
    }
    const v = new PageView(t.root, img, s.pageCount);
    expect(v.keys).toEqual(keys);
    expect(Array.from(v.aux)).toEqual(children);
    for (let i = 0; i < 40; i++) t.insert(i * 10 + 5, new Uint8Array(20));
    checkTree(s, t.root);
    expect(t.stats().entries).toBe(80);
  });
});

describe('views kept current by writers', () => {
  it('equal a fresh decode of every leaf after random inserts, updates and deletes', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const s = new MemoryPageStore(512);
    const t = BTree.create(s);
    for (let op = 0; op < 3000; op++) {
      const key = rnd(op % 3 === 0 ? 100_000 : 400);
      const size = rnd(10) === 0 ? 700 : rnd(2) === 0 ? 16 : rnd(60); // 16: same-size updates in place
      const kind = rnd(10);
      if (kind < 6) t.insert(key, new Uint8Array(size).fill(op & 0xff));
      else if (kind < 8) t.update(key, new Uint8Array(size).fill(~op & 0xff));
      else t.delete(key);
      if (op % 500 === 499) s.commit();
      if (op % 100 !== 99) continue;
      const c = t.cursor();
      const seen = new Set<number>();
      let prevKey: U64 = -1;
      for (let ok = c.first(); ok; ok = c.next()) {
        if (c.key !== prevKey) expect(t.get(c.key)).toEqual(c.value()); // first of its duplicates
        prevKey = c.key;
        const pageNo = (c as unknown as { pageNo: number }).pageNo;
        if (seen.has(pageNo)) continue;
        seen.add(pageNo);
        const v = readPage(s, pageNo, s.pageCount);
        const fresh = new PageView(pageNo, s.read(pageNo), s.pageCount);
        expect([v.count, v.link, v.keys]).toEqual([fresh.count, fresh.link, fresh.keys]);
        for (let i = 0; i < v.count; i++) {
          expect([v.cellOff[i], v.payOff[i], v.valueOffset(i), v.aux[i]]).toEqual([fresh.cellOff[i], fresh.payOff[i], fresh.valueOffset(i), fresh.aux[i]]);
        }
        expect(v.end).toBe(fresh.end);
      }
    }
    checkTree(s, t.root);
  });
});

describe('decoded views of recycled page images', () => {
  it('are forgotten when the page cache reuses the image, even for the same page and header', () => {
    const cache = new PageCache(8 * 256, 256);
    const img = new Uint8Array(256);
    handLeaf(img, 1, [[1n, Uint8Array.of(1)], [2n, Uint8Array.of(2)]]);
    const before = viewOf(7, img, 100);
    expect(before.keys).toEqual([1, 2]);
    // Page 7 cached, then evicted by eight others, then recycled at a quiet moment.
    cache.put(7, 0, img);
    for (let p = 8; p < 16; p++) cache.put(p, 0, new Uint8Array(256));
    cache.recycle();
    const again = cache.newImage();
    expect(again).toBe(img);
    // Reused for a newer version of page 7 with the same header words (type, flags, count, link).
    handLeaf(again, 1, [[5n, Uint8Array.of(5)], [9n, Uint8Array.of(9)]]);
    const after = viewOf(7, again, 100);
    expect(after).not.toBe(before);
    expect(after.keys).toEqual([5, 9]);
  });
});
