import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BTree } from './btree.js';
import { MemoryPageStore } from './memory-page-store.js';

describe('BTreeCursor.valueInPage', () => {
  it('gives the same bytes as value() for inline values and null for overflow ones', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 3000 })), { maxLength: 120 }), (entries) => {
        const store = new MemoryPageStore(1024);
        const tree = BTree.create(store);
        for (const [k, len] of entries) tree.insert(k, new Uint8Array(len).map((_, i) => (k + i) & 0xff));
        const c = tree.cursor();
        let n = 0;
        for (let ok = c.first(); ok; ok = c.next()) {
          const v = c.value().slice();
          const page = c.valueInPage();
          if (page === null) expect(v.length).toBeGreaterThan(1024 / 4);
          else expect(page.subarray(c.valueStart, c.valueEnd)).toEqual(v);
          n++;
        }
        expect(n).toBe(entries.length);
      }),
      { numRuns: 60 },
    );
  });

  it('throws ERR_CORRUPTION when the cursor is not on an entry', () => {
    const tree = BTree.create(new MemoryPageStore(1024));
    const c = tree.cursor();
    expect(c.first()).toBe(false);
    expect(() => c.valueInPage()).toThrow(/not positioned/);
  });
});
