/**
 * Record-value overflow on a PageStore: adapts the B+Tree layer's chain functions (format
 * §1.5) to the record codec's OverflowWriter/OverflowReader. Freeing a row's chains is
 * `freeOverflowChain(store, head)` for each of `recordOverflowHeads(record)`.
 */
import { freeOverflowChain, readOverflowChain, writeOverflowChain } from '../btree/index.js';
import type { PageStore } from '../pager/index.js';
import type { OverflowStore } from './overflow.js';
import { recordOverflowHeads } from './record-codec.js';

/** Overflow chains on `store` for encodeRecord/decodeRecord. */
export function overflowFor(store: PageStore): OverflowStore {
  return {
    pageSize: store.pageSize,
    write: (bytes) => writeOverflowChain(store, bytes),
    read: (head, totalLen) => readOverflowChain(store, head, totalLen),
  };
}

/** Frees every record-value overflow chain a record owns (call before deleting the row). */
export function freeRecordOverflow(store: PageStore, record: Uint8Array, pageNo = 0): void {
  for (const head of recordOverflowHeads(record, pageNo)) freeOverflowChain(store, head);
}
