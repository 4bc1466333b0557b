import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, Timestamp } from '../record/index.js';
import type { SqlType } from '../record/index.js';
import { commonType, compareSortKey, compareText, compareValues, compositeKey, hashKey, promoteValue, sqlCompare, sqlEquals } from './compare.js';

const T = (base: SqlType['base']): SqlType => ({ base });
const utf8 = new TextEncoder();

function byteOrder(a: string, b: string): number {
  const x = utf8.encode(a);
  const y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  return Math.sign(x.length - y.length);
}

describe('compareValues', () => {
  it('orders TEXT by UTF-8 bytes, not UTF-16 units', () => {
    expect(compareText('\uFFFD', '😀')).toBe(-1); // JS '<' says the opposite
    expect('\uFFFD' < '😀').toBe(false);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareText(a, b))).toBe(byteOrder(a, b));
      }),
      { numRuns: 1000 },
    );
  });

  it('compares INT64 exactly across number and bigint', () => {
    expect(compareValues(9007199254740993n, 9007199254740992, T('INT64'))).toBe(1);
    expect(compareValues(-(1n << 63n), 0, T('INT64'))).toBe(-1);
    expect(compareValues(5, 5n, T('INT64'))).toBe(0);
  });

  it('puts NaN above every float and equal to itself; -0 equals 0', () => {
    const f = T('FLOAT64');
    expect(compareValues(NaN, Infinity, f)).toBe(1);
    expect(compareValues(NaN, NaN, f)).toBe(0);
    expect(compareValues(-0, 0, f)).toBe(0);
    expect([3, NaN, -Infinity, 1].sort((a, b) => compareValues(a, b, f))).toEqual([-Infinity, 1, 3, NaN]);
  });

  it('compares DECIMAL by value, bytes, booleans and timestamps', () => {
    expect(compareValues(new Decimal(150n, 2), new Decimal(15n, 1), T('DECIMAL'))).toBe(0);
    expect(compareValues(new Decimal(-1n, 0), new Decimal(5n, 3), T('DECIMAL'))).toBe(-1);
    expect(compareValues(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]), T('BLOB'))).toBeLessThan(0);
    expect(compareValues(false, true, T('BOOL'))).toBe(-1);
    expect(compareValues(new Timestamp(10n ** 17n), new Timestamp(5), T('TIMESTAMP'))).toBe(1);
    expect(compareValues(null, 1, T('INT64'))).toBe(1);
  });

  it('has three-valued equality and comparison operators', () => {
    expect(sqlEquals(null, 1, T('INT64'))).toBe(null);
    expect(sqlEquals(NaN, NaN, T('FLOAT64'))).toBe(true);
    expect(sqlCompare('<>', 'a', 'b', T('TEXT'))).toBe(true);
    expect(sqlCompare('>=', 2, null, T('INT64'))).toBe(null);
  });
});

describe('compareSortKey', () => {
  it('places NULLs last for ASC and first for DESC unless told otherwise', () => {
    const sort = (dir: { descending?: boolean; nullsFirst?: boolean }): (number | null)[] =>
      [2, null, 1, 3].sort((a, b) => compareSortKey(a, b, T('INT64'), dir));
    expect(sort({})).toEqual([1, 2, 3, null]);
    expect(sort({ descending: true })).toEqual([null, 3, 2, 1]);
    expect(sort({ nullsFirst: true })).toEqual([null, 1, 2, 3]);
    expect(sort({ descending: true, nullsFirst: false })).toEqual([3, 2, 1, null]);
  });
});

describe('promotion and hash keys', () => {
  it('promotes INT64 < DECIMAL < FLOAT64 and rejects incomparable types', () => {
    expect(commonType(T('INT64'), T('FLOAT64')).base).toBe('FLOAT64');
    expect(commonType(T('INT64'), { base: 'DECIMAL', precision: 10, scale: 2 }).base).toBe('DECIMAL');
    expect(commonType(T('DECIMAL'), T('FLOAT64')).base).toBe('FLOAT64');
    expect(() => commonType(T('TEXT'), T('INT64'))).toThrow('operator does not exist: text = bigint');
    expect(promoteValue(9007199254740993n, T('INT64'), T('FLOAT64'))).toBe(9007199254740992);
    expect(promoteValue(7, T('INT64'), T('DECIMAL'))).toEqual(new Decimal(7n, 0));
  });

  it('gives equal keys to equal values', () => {
    expect(hashKey(new Decimal(150n, 2), T('DECIMAL'))).toBe(hashKey(new Decimal(15n, 1), T('DECIMAL')));
    expect(hashKey(-0, T('FLOAT64'))).toBe(hashKey(0, T('FLOAT64')));
    expect(hashKey(5n, T('INT64'))).toBe(hashKey(5, T('INT64')));
    expect(hashKey(new Uint8Array([1, 255]), T('BLOB'))).toBe('01ff');
    const types = [T('TEXT'), T('TEXT')];
    expect(compositeKey(['a:1', 'b'], types)).not.toBe(compositeKey(['a', '1:b'], types));
    expect(compositeKey([null, 'x'], types)).not.toBe(compositeKey(['', 'x'], types));
  });
});
