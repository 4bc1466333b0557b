/**
 * What the record codec needs from record-value overflow chains (format §1.5, kinds 6/7/10/11):
 * a writer that stores bytes in a chain and returns its head page, and a reader that returns
 * a chain's bytes. The chain layout lives in src/btree; overflow-store.ts adapts a PageStore
 * (`overflowFor`). `inlineOnly` is for callers that know no chain can occur.
 */
import { DecentDBError } from '../util/index.js';

/** Stores a value too large for its record in an overflow chain. */
export interface OverflowWriter {
  /** Page size of the database: values longer than `pageSize - 128` go to a chain. */
  readonly pageSize: number;
  /** Writes `bytes` to a new chain and returns its head page number. */
  write(bytes: Uint8Array): number;
}

/** Reads a record-value overflow chain. */
export interface OverflowReader {
  /** The first `totalLen` bytes of the chain starting at page `head`. */
  read(head: number, totalLen: number): Uint8Array;
}

export type OverflowStore = OverflowWriter & OverflowReader;

/** An overflow store for records known to hold no chains; any use is a bug (ERR_INTERNAL). */
export function inlineOnly(pageSize = 4096): OverflowStore {
  const fail = (): never => {
    throw new DecentDBError('ERR_INTERNAL', 'record overflow chain used where none is allowed');
  };
  return { pageSize, write: fail, read: fail };
}
