import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, Timestamp, encodeRecord } from '../record/index.js';
import type { OverflowWriter, SqlType, Value } from '../record/index.js';
import { RecordScratch } from './bulk-record.js';

const overflow: OverflowWriter = { pageSize: 4096, write: () => 99 };

const column = fc.constantFrom<SqlType>({ base: 'INT64' }, { base: 'TEXT' }, { base: 'FLOAT64' }, { base: 'BOOL' }, { base: 'DECIMAL' }, { base: 'TIMESTAMP' }, { base: 'BLOB' });

function valueFor(t: SqlType): fc.Arbitrary<Value> {
  const v: fc.Arbitrary<Value> = (() => {
    switch (t.base) {
      case 'INT64':
        return fc.oneof(fc.constantFrom(0, 1, -1, 127, 128, -64, 2 ** 52 - 1, -(2 ** 52)), fc.integer(), fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
      case 'TEXT':
        return fc.oneof(fc.string({ maxLength: 42 }), fc.string({ unit: 'grapheme', maxLength: 42 }), fc.string({ minLength: 40, maxLength: 200 }), fc.string({ minLength: 120, maxLength: 135 }), fc.string({ unit: 'grapheme', minLength: 40, maxLength: 130 }));
      case 'FLOAT64':
        return fc.oneof(fc.double(), fc.constantFrom(-0, 0, Number.NaN, Infinity));
      case 'BOOL':
        return fc.boolean();
      case 'DECIMAL':
        return fc.tuple(fc.oneof(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.bigInt({ min: -1000n, max: 1000n })), fc.integer({ min: 0, max: 12 })).map(([u, s]) => new Decimal(u, s));
      case 'TIMESTAMP':
        return fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n })).map((m) => new Timestamp(m));
      default:
        return fc.uint8Array({ maxLength: 30 });
    }
  })();
  return fc.option(v, { nil: null, freq: 8 });
}

describe('RecordScratch', () => {
  it('writes the same bytes as encodeRecord', () => {
    fc.assert(
      fc.property(
        fc.array(column, { minLength: 1, maxLength: 8 }).chain((types) => fc.tuple(fc.constant(types), fc.array(fc.tuple(...types.map(valueFor)), { minLength: 1, maxLength: 6 }))),
        ([types, rows]) => {
          const s = new RecordScratch(types);
          for (const row of rows) {
            let want: string;
            try {
              want = Buffer.from(encodeRecord(row, types, overflow)).toString('hex');
            } catch {
              expect(() => s.encode(row, overflow)).toThrow(/record field/);
              continue;
            }
            s.encode(row, overflow);
            expect(Buffer.from(s.bytes.subarray(0, s.length)).toString('hex')).toBe(want);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes text around the 127-byte fast-path limit as encodeRecord does', () => {
    const types: SqlType[] = [{ base: 'TEXT' }, { base: 'INT64' }];
    const s = new RecordScratch(types);
    for (const text of ['a'.repeat(42), 'a'.repeat(43), 'a'.repeat(127), 'a'.repeat(128), 'a'.repeat(129), 'é'.repeat(63), 'é'.repeat(64), 'x' + '€'.repeat(42), '€'.repeat(43), '😀'.repeat(31), '😀'.repeat(32), 'ab\ud800c'.repeat(20)]) {
      const row: Value[] = [text, 7];
      s.encode(row, overflow);
      expect(Buffer.from(s.bytes.subarray(0, s.length)).toString('hex')).toBe(Buffer.from(encodeRecord(row, types, overflow)).toString('hex'));
    }
  });

  it('writes DECIMAL instances reused across rows and columns, and integers around 2^31, as encodeRecord does', () => {
    const types: SqlType[] = [{ base: 'DECIMAL' }, { base: 'INT64' }, { base: 'DECIMAL' }];
    const pool = [new Decimal(99n, 2), new Decimal(-199n, 2), new Decimal(5n, 0), new Decimal(2n ** 60n, 3)];
    const ints = [0, 1, 63, 64, -64, -65, 2 ** 30 - 1, -(2 ** 30), 2 ** 30, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32, 2 ** 52 - 1];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(ints.length - 1), fc.nat(3)), { minLength: 1, maxLength: 30 }), (picks) => {
        const s = new RecordScratch(types);
        for (const [a, i, b] of picks) {
          const row: Value[] = [pool[a]!, ints[i]!, pool[b]!];
          s.encode(row, overflow);
          expect(Buffer.from(s.bytes.subarray(0, s.length)).toString('hex')).toBe(Buffer.from(encodeRecord(row, types, overflow)).toString('hex'));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('reports a value of the wrong type as encodeRecord does', () => {
    const s = new RecordScratch([{ base: 'INT64' }]);
    expect(() => s.encode(['x'], overflow)).toThrow(/record field 0/);
  });
});
