/**
 * Row ↔ bytes for the external sorter's spill files, using the native record codec with the
 * row's static types (a spill never needs overflow chains: the page size is unbounded here).
 */
import { decodeRecord, encodeRecord, inlineOnly } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { RowCodec } from './external-sort.js';

const NO_OVERFLOW = inlineOnly(2 ** 30);

export function rowCodec(types: readonly SqlType[]): RowCodec<Value[]> {
  return {
    encode: (row) => encodeRecord(row, types, NO_OVERFLOW),
    decode: (bytes) => decodeRecord(bytes, null, []),
  };
}

/** Rough in-memory size of a row, for the memory budget. */
export function rowBytes(row: readonly Value[]): number {
  let n = 16 + row.length * 8;
  for (const v of row) {
    if (typeof v === 'string') n += 16 + v.length * 2;
    else if (v instanceof Uint8Array) n += 32 + v.length;
    else if (typeof v === 'object' && v !== null) n += 32;
  }
  return n;
}
