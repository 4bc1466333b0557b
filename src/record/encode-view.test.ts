/**
 * The allocation-free encoders (encodeRecordView, encodeIndexEntryView) write exactly the
 * bytes of their copying twins, and a view stays intact until the next call of its encoder.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeRecord, encodeRecordView } from './record-codec.js';
import { encodeIndexEntry, encodeIndexEntryView } from './index-key.js';
import { Decimal, Timestamp } from './value.js';
import type { SqlType, Value } from './value.js';
import type { OverflowWriter } from './overflow.js';
import { putVarint, varintSize, zigzagEncode } from '../util/index.js';

const inline: OverflowWriter = {
  pageSize: 4096,
  write: () => {
    throw new Error('no overflow in this test');
  },
};

const TYPES: SqlType[] = [{ base: 'INT64' }, { base: 'TEXT' }, { base: 'FLOAT64' }, { base: 'DECIMAL', precision: 10, scale: 2 }, { base: 'BOOL' }, { base: 'BLOB' }];

const row = fc.tuple(
  fc.oneof(fc.constant(null), fc.maxSafeInteger()),
  fc.oneof(fc.constant(null), fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 200 })),
  fc.oneof(fc.constant(null), fc.double()),
  fc.oneof(fc.constant(null), fc.bigInt({ min: -(10n ** 9n), max: 10n ** 9n }).map((u) => new Decimal(u, 2))),
  fc.oneof(fc.constant(null), fc.boolean()),
  fc.oneof(fc.constant(null), fc.uint8Array({ maxLength: 100 })),
);

describe('encoding into shared scratch', () => {
  it('encodeRecordView writes the bytes of encodeRecord', () => {
    fc.assert(
      fc.property(row, row, (a, b) => {
        const want = encodeRecord(a as Value[], TYPES, inline);
        const view = encodeRecordView(a as Value[], TYPES, inline);
        expect(view).toEqual(want);
        // Valid until the next call, then reused.
        const second = encodeRecordView(b as Value[], TYPES, inline);
        expect(second).toEqual(encodeRecord(b as Value[], TYPES, inline));
      }),
      { numRuns: 300 },
    );
  });

  it('encodeIndexEntryView writes the bytes of encodeIndexEntry', () => {
    const rowid = fc.oneof(fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
    const value = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 50 }),
      fc.string({ unit: 'grapheme', minLength: 30, maxLength: 3000 }),
      fc.uint8Array({ maxLength: 300 }),
    );
    fc.assert(
      fc.property(rowid, value, rowid, value, (r1, v1, r2, v2) => {
        expect(encodeIndexEntryView(r1, v1)).toEqual(encodeIndexEntry(r1, v1));
        expect(encodeIndexEntryView(r2, v2)).toEqual(encodeIndexEntry(r2, v2));
      }),
      { numRuns: 500 },
    );
    // Lengths around the one-/two-byte varint boundary.
    for (const n of [0, 1, 127, 128, 129, 500, 4999, 5000, 5001, 5462, 16383, 16384, 20000]) {
      const s = 'x'.repeat(n);
      expect(encodeIndexEntryView(7, s)).toEqual(encodeIndexEntry(7, s));
      const wide = '€'.repeat(n); // 3 UTF-8 bytes per unit: the varint-width edge
      expect(encodeIndexEntryView(7, wide)).toEqual(encodeIndexEntry(7, wide));
    }
  });

  it('writes INT64 and TIMESTAMP fields as kind, varint length, varint(zigzag) at every size', () => {
    const expected = (kind: number, v: number | bigint): number[] => {
      const z = zigzagEncode(v);
      const body = new Uint8Array(10);
      const n = putVarint(body, 0, z);
      return [1, kind, varintSize(z), ...body.subarray(0, n)];
    };
    const ints = fc.oneof(
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
      fc.constantFrom(2, -1, 63, 64, -64, -65, 2 ** 30 - 1, -(2 ** 30) + 1, 2 ** 30, -(2 ** 30), 2 ** 52, -(2 ** 52)),
      fc.maxSafeInteger(),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    );
    fc.assert(
      fc.property(ints, (v) => {
        if (v === 0 || v === 1 || v === 0n || v === 1n) return;
        expect([...encodeRecordView([v], [{ base: 'INT64' }], inline)]).toEqual(expected(1, v));
        expect([...encodeRecordView([new Timestamp(v)], [{ base: 'TIMESTAMP' }], inline)]).toEqual(expected(17, v));
      }),
      { numRuns: 2000 },
    );
  });
});
