import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { putVarint, writeU32 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { compareKeys, normalizeKey } from './key.js';
import { leafSpliceStats, spliceLeaf } from './leaf-splice.js';
import { composeLeaf, writeLeafFromDraft } from './page-writer.js';
import { PageView, viewOf } from './page-view.js';
import { BTree } from './btree.js';
import { MemoryPageStore } from './memory-page-store.js';

const PAGE = 512;

/** A delta-key leaf holding `cells` (sorted), written the way the B+Tree writes leaves. */
function leafOf(cells: readonly [U64, Uint8Array][], next = 0): Uint8Array {
  const empty = new Uint8Array(PAGE);
  empty[0] = 2;
  empty[1] = 1;
  writeU32(empty, 4, next);
  let page = empty;
  let v = new PageView(3, page, 100);
  for (const [k, val] of cells) {
    const d = composeLeaf(page, v, v.count, 0, k, payloadOf(val));
    const out = new Uint8Array(PAGE);
    writeLeafFromDraft(out, d, 0, d.count, next);
    page = out;
    v = new PageView(3, page, 100);
  }
  return page;
}

function payloadOf(val: Uint8Array): Uint8Array {
  const out = new Uint8Array(val.length + 10);
  const pos = putVarint(out, 0, val.length * 2);
  out.set(val, pos);
  return out.subarray(0, pos + val.length);
}

function expectSameView(v: PageView, fresh: PageView): void {
  expect([v.count, v.link, v.flags, v.keys]).toEqual([fresh.count, fresh.link, fresh.flags, fresh.keys]);
  for (let i = 0; i < v.count; i++) {
    expect([v.cellOff[i], v.payOff[i], v.valueOffset(i), v.aux[i]]).toEqual([fresh.cellOff[i], fresh.payOff[i], fresh.valueOffset(i), fresh.aux[i]]);
  }
  expect(v.end).toBe(fresh.end);
}

const keyArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 0, max: 300 }) as fc.Arbitrary<U64> },
  { weight: 2, arbitrary: fc.constantFrom<U64>(0, 127, 128, 16383, 16384, 2 ** 53 - 1, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n) },
  { weight: 2, arbitrary: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map((b) => normalizeKey(b)) },
);
const cellsArb = fc.array(fc.tuple(keyArb, fc.uint8Array({ maxLength: 30 })), { maxLength: 14 })
  .map((cs) => cs.sort((a, b) => compareKeys(a[0], b[0])));

describe('spliceLeaf', () => {
  it('writes exactly the bytes composeLeaf would, and keeps the view equal to a fresh decode', () => {
    fc.assert(
      fc.property(cellsArb, fc.nat(), fc.option(fc.tuple(keyArb, fc.uint8Array({ maxLength: 200 }))), fc.boolean(), fc.boolean(), (cells, pick, newCell, replace, owned) => {
        const src = leafOf(cells, 7);
        const v0 = new PageView(3, src, 100);
        const n = v0.count;
        // Choose an edit the B+Tree could make: insert (skip 0), replace or delete (skip 1).
        let at: number;
        let skip: number;
        let key: U64;
        let payload: Uint8Array | undefined;
        if (newCell === null) {
          if (n === 0) return;
          at = pick % n;
          skip = 1;
          key = 0;
          payload = undefined;
        } else if (replace && n > 0) {
          at = pick % n;
          skip = 1;
          key = v0.keys[at]!;
          payload = payloadOf(newCell[1]);
        } else {
          key = newCell[0];
          at = v0.upperBound(key);
          skip = 0;
          payload = payloadOf(newCell[1]);
        }
        const d = composeLeaf(src, v0, at, skip, payload === undefined ? undefined : key, payload);
        const fits = d.end <= PAGE;
        const expected = new Uint8Array(PAGE);
        if (fits) writeLeafFromDraft(expected, d, 0, d.count, 7);

        // owned: the view is the writable buffer's own; else the buffer is a copy of src.
        const page = owned ? src : src.slice();
        const v = owned ? viewOf(3, page, 100) : v0;
        const before = page.slice();
        const ok = spliceLeaf(page, v, owned, at, skip, key, payload);
        expect(ok).toBe(fits);
        if (!ok) {
          expect(page).toEqual(before);
          return;
        }
        expect(page).toEqual(expected);
        expectSameView(viewOf(3, page, 100), new PageView(3, page, 100));
        if (!owned) expectSameView(v0, new PageView(3, src, 100)); // the source's view is untouched
      }),
      { numRuns: 400 },
    );
  });

  it('keeps one owned view current through many mid-page inserts and deletes without copying it', () => {
    const page = leafOf([[10, new Uint8Array(3)], [20, new Uint8Array(3)]]);
    const v = viewOf(3, page, 100);
    const copies = leafSpliceStats.viewCopies;
    const keys = [10, 20];
    for (let k = 11; k < 17; k++) {
      const at = v.upperBound(k);
      expect(spliceLeaf(page, viewOf(3, page, 100), true, at, 0, k, payloadOf(new Uint8Array([k])))).toBe(true);
      keys.splice(at, 0, k);
    }
    expect(spliceLeaf(page, viewOf(3, page, 100), true, 0, 1, 0, undefined)).toBe(true);
    keys.shift();
    expect(viewOf(3, page, 100)).toBe(v);
    expect(v.keys).toEqual(keys);
    expectSameView(v, new PageView(3, page, 100));
    expect(leafSpliceStats.viewCopies - copies).toBe(0);
  });

  it('refuses absolute-key pages (flags 0) and edits that do not fit', () => {
    const page = leafOf([[1, new Uint8Array(400)]]);
    const v = new PageView(3, page, 100);
    expect(spliceLeaf(page, v, false, 1, 0, 2, payloadOf(new Uint8Array(200)))).toBe(false);
    page[1] = 0;
    const abs = new PageView(3, page, 100);
    expect(spliceLeaf(page, abs, false, 0, 1, 0, undefined)).toBe(false);
  });
});

describe('leaves with a non-minimal control varint (valid LEB128 our writers never produce)', () => {
  it('read values at their real offsets and are rewritten, never spliced, on change', () => {
    const s = new MemoryPageStore(512);
    const root = s.allocate();
    const page = s.write(root);
    // cells: key 5 → [7, 7] with control 4 written as 0x84 0x00; key 9 → [8] minimal.
    page.set([2, 1, 2, 0, 0, 0, 0, 0, 5, 0x84, 0x00, 7, 7, 4, 2, 8]);
    s.commit();
    const t = new BTree(s, root);
    const v = new PageView(root, s.read(root), 10);
    expect(v.valOffs).not.toBeNull();
    expect([v.valueOffset(0), v.valueOffset(1)]).toEqual([11, 15]);
    expect(t.get(5)).toEqual(new Uint8Array([7, 7]));
    expect(t.get(9)).toEqual(new Uint8Array([8]));
    const splices = leafSpliceStats.splices;
    t.insert(7, new Uint8Array([1]));
    t.insert(10, new Uint8Array([2])); // append fast path on a page rewritten minimal
    t.update(5, new Uint8Array([3, 3, 3]));
    expect([t.get(5), t.get(7), t.get(9), t.get(10)]).toEqual([new Uint8Array([3, 3, 3]), new Uint8Array([1]), new Uint8Array([8]), new Uint8Array([2])]);
    // Rewrites copy other cells as bytes: the long varint stayed until the update replaced
    // its cell, so no edit was spliced.
    expect(leafSpliceStats.splices - splices).toBe(0);
    const fresh = new PageView(root, s.read(root), 10);
    expect(fresh.valOffs).toBeNull();
    expectSameView(viewOf(root, s.read(root), 10), fresh);
    for (let i = 0; i < fresh.count; i++) expect(viewOf(root, s.read(root), 10).valueOffset(i)).toBe(fresh.valueOffset(i));
  });
});
