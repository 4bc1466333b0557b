import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError, u64FromBigInt } from '../util/index.js';
import { BTree } from './btree.js';
import { LeafCells } from './bulk-leaf-reader.js';
import { MemoryPageStore } from './memory-page-store.js';
import { readPage } from './page-view.js';

const keyArb = fc.oneof(fc.integer({ min: 0, max: 5000 }).map((n) => BigInt(n)), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
const valueArb = fc.oneof({ weight: 8, arbitrary: fc.uint8Array({ maxLength: 60 }) }, { weight: 1, arbitrary: fc.integer({ min: 513, max: 900 }).map((n) => new Uint8Array(n)) });

/** Leaf page ids of a tree, left to right. */
function leaves(store: MemoryPageStore, root: number): number[] {
  const out: number[] = [];
  const visit = (p: number): void => {
    const v = readPage(store, p, store.pageCount);
    if (v.isLeaf) out.push(p);
    else for (let i = 0; i <= v.count; i++) visit(v.child(i));
  };
  visit(root);
  return out;
}

describe('LeafCells', () => {
  it('decodes leaves as PageView does', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 300, size: 'max' }), (entries) => {
        const store = new MemoryPageStore(1024);
        const t = BTree.create(store);
        for (const [k, v] of entries) t.insert(u64FromBigInt(k), v);
        const cells = new LeafCells();
        for (const p of leaves(store, t.root)) {
          const img = store.read(p).slice();
          const v = readPage(store, p, store.pageCount);
          cells.decode(img, p, store.pageCount);
          expect(cells.count).toBe(v.count);
          expect(cells.link).toBe(v.link);
          expect(cells.keys.slice(0, cells.count)).toEqual(v.keys.slice(0, v.count));
          expect(Array.from(cells.payOff.subarray(0, cells.count))).toEqual(Array.from(v.payOff.subarray(0, v.count)));
          expect(Array.from(cells.cellOff.subarray(0, cells.count + 1))).toEqual(Array.from(v.cellOff.subarray(0, v.count + 1)));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reports damaged leaves as ERR_CORRUPTION, never another error', () => {
    const store = new MemoryPageStore(1024);
    const t = BTree.create(store);
    for (let i = 0; i < 200; i++) t.insert(i * 977, new Uint8Array(i % 40).fill(i));
    const pages = leaves(store, t.root);
    fc.assert(
      fc.property(fc.nat(pages.length - 1), fc.array(fc.tuple(fc.nat(1023), fc.nat(255)), { minLength: 1, maxLength: 8 }), (which, flips) => {
        const img = store.read(pages[which]!).slice();
        for (const [at, b] of flips) img[at] = b;
        try {
          new LeafCells().decode(img, pages[which]!, store.pageCount);
        } catch (e) {
          expect(e).toBeInstanceOf(DecentDBError);
          expect((e as DecentDBError).code).toBe('ERR_CORRUPTION');
        }
      }),
      { numRuns: 300 },
    );
  });
});
