import { describe, expect, it } from 'vitest';
import { MemoryPageStore } from '../btree/index.js';
import { KIND, decodeRecord, encodeRecord, recordKinds, recordOverflowHeads } from './record-codec.js';
import { freeRecordOverflow, overflowFor } from './overflow-store.js';
import type { SqlType, Value } from './value.js';

function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

describe('record overflow on a PageStore', () => {
  it('writes large values to chains, reads them back and frees every chain page', () => {
    const store = new MemoryPageStore(4096);
    const ov = overflowFor(store);
    const blob = noise(5000, 1);
    const text = 'x'.repeat(200) + String.fromCharCode(...noise(9000, 2).map((b) => 0x21 + (b % 94)));
    const values: Value[] = [7, blob, text, 'short'];
    const types: SqlType[] = [{ base: 'INT64' }, { base: 'BLOB' }, { base: 'TEXT' }, { base: 'TEXT' }];
    const rec = encodeRecord(values, types, ov);
    expect(recordKinds(rec)).toEqual([KIND.INT64, KIND.BLOB_OVERFLOW, KIND.TEXT_COMPRESSED_OVERFLOW, KIND.TEXT]);
    store.commit();
    expect(decodeRecord(rec, ov)).toEqual(values);
    const heads = recordOverflowHeads(rec);
    expect(heads).toHaveLength(2);
    const before = store.counters.frees;
    freeRecordOverflow(store, rec);
    // 5000 bytes need 2 pages of 4088; the compressed text needs at least 2 more.
    expect(store.counters.frees - before).toBeGreaterThanOrEqual(4);
  });
});
