/**
 * Reading the catalog B+Tree (format §1.8 "Catalog load"): every record in key order,
 * decoded, plus the next rowid a table really has (the stored value lags: max(stored, largest
 * rowid + 1)). Read-only; writing catalog records is encodeCatalogRecord + BTree.insert/update.
 */
import { BTree } from '../btree/index.js';
import type { PageStore } from '../pager/index.js';
import { keyToRowid, overflowFor } from '../record/index.js';
import type { OverflowReader } from '../record/index.js';
import type { U64 } from '../util/index.js';
import { decodeCatalogRecord } from './catalog-records.js';
import type { CatalogEntry, TableDef } from './catalog-types.js';

export interface StoredCatalogEntry {
  readonly key: U64;
  readonly entry: CatalogEntry;
}

/** Every catalog record under `root`, in key order (unknown tags included, as `unknown`). */
export function readCatalog(store: PageStore, root: number, overflow: OverflowReader = overflowFor(store)): StoredCatalogEntry[] {
  const out: StoredCatalogEntry[] = [];
  const cursor = new BTree(store, root).cursor();
  for (let ok = cursor.first(); ok; ok = cursor.next()) {
    const p = (cursor as { pageNo?: unknown }).pageNo;
    out.push({ key: cursor.key, entry: decodeCatalogRecord(cursor.value(), overflow, typeof p === 'number' ? p : root) });
  }
  return out;
}

/**
 * The rowid the next auto-assigned row of `table` gets: max(stored hint, largest rowid + 1).
 * Rowids are keys cast to signed; when the largest key is a negative rowid (keys ≥ 2^63 sort
 * last) only the stored hint and that value are considered — native does the same unsigned scan.
 */
export function nextRowIdOf(store: PageStore, table: TableDef): number | bigint {
  const last = new BTree(store, table.rootPage).lastKey();
  const stored = table.nextRowId;
  if (last === undefined) return stored;
  const after = BigInt(keyToRowid(last)) + 1n;
  const best = after > BigInt(stored) ? after : BigInt(stored);
  return best <= BigInt(Number.MAX_SAFE_INTEGER) && best >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(best) : best;
}
