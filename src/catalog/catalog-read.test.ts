import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BTree, MemoryPageStore } from '../btree/index.js';
import { encodeRecord, inlineOnly } from '../record/index.js';
import { nextRowIdOf, readCatalog } from './catalog-read.js';
import type { TableDef } from './catalog-types.js';

const fixture = readFileSync(new URL('../../../shared/fixtures/native-v3/v3_fixture.db', import.meta.url));

/** The fixture's pages 2..5 copied into a MemoryPageStore at the same page numbers. */
function fixtureStore(): MemoryPageStore {
  const store = new MemoryPageStore(4096);
  for (let n = 2; n <= 5; n++) {
    expect(store.allocate()).toBe(n);
    store.write(n).set(fixture.subarray((n - 1) * 4096, n * 4096));
  }
  store.commit();
  return store;
}

describe('reading the catalog tree', () => {
  it('returns the fixture records in key order', () => {
    const entries = readCatalog(fixtureStore(), 2);
    expect(entries.map((e) => e.key)).toEqual([0x05afeb20, 0x3c30d996, 0x9b306586, 0xc8858b87, 0xccaa225d]);
    expect(entries.map((e) => e.entry.kind)).toEqual(['index', 'table', 'trigger', 'view', 'index']);
  });

  it('recomputes next_row_id from the table tree (stored 1, rows 1 and 2 → 3)', () => {
    const store = fixtureStore();
    const t = readCatalog(store, 2)[1]!.entry;
    expect(t.kind === 'table' && nextRowIdOf(store, t.table)).toBe(3);
  });

  it('keeps the stored hint when it is ahead, and for empty tables', () => {
    const store = new MemoryPageStore(4096);
    const tree = BTree.create(store);
    const table: TableDef = { name: 't', rootPage: tree.root, nextRowId: 10, columns: [], checks: [] };
    expect(nextRowIdOf(store, table)).toBe(10);
    tree.insert(4, encodeRecord([4], [{ base: 'INT64' }], inlineOnly()));
    expect(nextRowIdOf(store, table)).toBe(10);
    tree.insert(2n ** 60n, encodeRecord([2n ** 60n], [{ base: 'INT64' }], inlineOnly()));
    expect(nextRowIdOf(store, table)).toBe(2n ** 60n + 1n);
  });
});
