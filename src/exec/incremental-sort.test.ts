import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { indexKeyFromValue } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { RunKey } from './incremental-sort.js';

const same = (a: Value, b: Value, type: SqlType): boolean => {
  const x = new RunKey();
  const y = new RunKey();
  x.load(a, type);
  y.load(b, type);
  return x.equals(y);
};

const key = (v: Value, type: SqlType): string => (v === null ? 'null' : String(indexKeyFromValue(v, type)));

describe('IncrementalSort run keys equal the native index keys', () => {
  it('TEXT: the allocation-free prefix agrees with indexKeyFromValue (ASCII, BMP, astral)', () => {
    const T: SqlType = { base: 'TEXT' };
    const unit = fc.constantFrom('a', 'b', '\u0001', 'é', '日', '😀', '\uffff', 'Z');
    const str = fc.option(fc.string({ unit, maxLength: 11 }), { nil: null });
    fc.assert(
      fc.property(str, str, (a, b) => {
        expect(same(a, b, T)).toBe(key(a, T) === key(b, T));
      }),
      { numRuns: 500 },
    );
    expect(same('abcdefgh', 'abcdefghXYZ', T)).toBe(true);
    expect(same('ab', 'ab\u0000', T)).toBe(true);
    expect(same('', null, T)).toBe(false);
  });

  it('BLOB and INT64', () => {
    const B: SqlType = { base: 'BLOB' };
    const blob = fc.option(fc.uint8Array({ max: 2, maxLength: 10 }), { nil: null });
    fc.assert(
      fc.property(blob, blob, (a, b) => {
        expect(same(a, b, B)).toBe(key(a, B) === key(b, B));
      }),
      { numRuns: 300 },
    );
    const I: SqlType = { base: 'INT64' };
    expect(same(0, null, I)).toBe(false);
    expect(same(-1, -1n, I)).toBe(true);
    expect(same(5, 6, I)).toBe(false);
    expect(same(2n ** 60n, 2n ** 60n, I)).toBe(true);
  });
});

describe('IncrementalSort run keys for FLOAT64', () => {
  it('are equal exactly for equal SQL values: -0.0 = +0.0, NaN = NaN, NULL apart', () => {
    const F: SqlType = { base: 'FLOAT64' };
    const num = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity));
    const sqlEqual = (a: number, b: number): boolean => (Number.isNaN(a) ? Number.isNaN(b) : a === b);
    fc.assert(
      fc.property(num, num, (a, b) => {
        expect(same(a, b, F)).toBe(sqlEqual(a, b));
      }),
      { numRuns: 500 },
    );
    expect(same(-0, 0, F)).toBe(true);
    expect(same(0, null, F)).toBe(false);
    expect(same(null, null, F)).toBe(true);
  });
});
