import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError, writeU32 } from '../util/index.js';
import { BTree } from './btree.js';
import { countEntries } from './count-entries.js';
import { MemoryPageStore } from './memory-page-store.js';

describe('countEntries', () => {
  it('equals the number of entries a cursor visits, across splits, duplicates and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(5000), fc.boolean()), { maxLength: 3000 }), (ops) => {
        const store = new MemoryPageStore(512);
        const tree = BTree.create(store);
        for (const [k, del] of ops) {
          if (del) tree.delete(k);
          else tree.insert(k, new Uint8Array(k % 40));
        }
        let n = 0;
        const c = tree.cursor();
        for (let ok = c.first(); ok; ok = c.next()) n++;
        expect(countEntries(store, tree.root)).toBe(n);
      }),
      { numRuns: 40 },
    );
  });

  it('reports a looping leaf chain as ERR_CORRUPTION instead of spinning', () => {
    const store = new MemoryPageStore(512);
    const tree = BTree.create(store);
    for (let k = 0; k < 2000; k++) tree.insert(k, new Uint8Array(20));
    store.commit();
    // Point the rightmost leaf back at the leftmost one.
    let first = tree.root;
    for (;;) {
      const p = store.read(first);
      if (p[0] === 2) break;
      first = (p[9]! & 0x80) === 0 ? p[9]! : (p[9]! & 0x7f) | (p[10]! << 7);
    }
    let last = first;
    for (;;) {
      const p = store.read(last);
      const next = p[4]! | (p[5]! << 8) | (p[6]! << 16) | (p[7]! << 24);
      if (next === 0) break;
      last = next;
    }
    writeU32(store.write(last), 4, first);
    expect(() => countEntries(store, tree.root)).toThrow(DecentDBError);
  });
});
