import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareKeys } from '../btree/index.js';
import { indexKeyFromValue } from '../record/index.js';
import type { SqlType } from '../record/index.js';
import { compareText } from '../types/index.js';
import { orderedKeyRanges, orderedWalk } from './key-ranges.js';

const INT: SqlType = { base: 'INT64' };
const TEXT: SqlType = { base: 'TEXT' };
const big = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const edge = fc.constantFrom(-(2n ** 63n), -1n, 0n, 1n, 2n ** 63n - 1n, 2n ** 53n, -(2n ** 53n));

/** Values an index walk over `ranges` meets (in list order; keys descending in a backward range). */
function walk<T>(values: readonly T[], key: (v: T) => number | bigint, ranges: ReturnType<typeof orderedKeyRanges>): T[] {
  const byKey = [...values].sort((a, b) => compareKeys(key(a), key(b)));
  const out: T[] = [];
  for (const r of ranges) {
    const inRange = byKey.filter((v) => compareKeys(r.lo, key(v)) <= 0 && compareKeys(key(v), r.hi) <= 0);
    out.push(...(r.backward === true ? inRange.reverse() : inRange));
  }
  return out;
}

const FLOAT: SqlType = { base: 'FLOAT64' };
/** Postgres float order: NaN above every number, -0 = 0. */
const floatCmp = (a: number, b: number): number => (Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0);
const floatArb = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1, -1));

describe('orderedWalk: walks meet values in SQL order, ascending and descending', () => {
  it('INT64 both directions, for any bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(big, edge), { maxLength: 30 }), fc.option(fc.oneof(big, edge), { nil: undefined }), fc.option(fc.oneof(big, edge), { nil: undefined }), fc.boolean(), (vals, lo, hi, desc) => {
        const got = walk(vals, (v) => indexKeyFromValue(v, INT), orderedWalk(INT, lo, hi, desc));
        const want = vals.filter((v) => (lo === undefined || v >= lo) && (hi === undefined || v <= hi)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(got).toEqual(desc ? want.reverse() : want);
      }),
      { numRuns: 300 },
    );
  });

  it('FLOAT64 (negative keys reversed, NaN last, ±0 adjacent) both directions, for any bounds', () => {
    fc.assert(
      fc.property(fc.array(floatArb, { maxLength: 30 }), fc.option(floatArb, { nil: undefined }), fc.option(floatArb, { nil: undefined }), fc.boolean(), (vals, lo, hi, desc) => {
        const got = walk(vals, (v) => indexKeyFromValue(v, FLOAT), orderedWalk(FLOAT, lo, hi, desc));
        // The walk is an inclusive superset of [lo, hi] (the scan rechecks), never missing a value.
        const inside = vals.filter((v) => (lo === undefined || floatCmp(v, lo) >= 0) && (hi === undefined || floatCmp(v, hi) <= 0));
        for (const v of inside) expect(got.some((g) => Object.is(g, v))).toBe(true);
        for (let i = 1; i < got.length; i++) expect(floatCmp(got[i - 1]!, got[i]!) * (desc ? -1 : 1)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('orderedKeyRanges: a forward walk meets values in SQL order', () => {
  it('INT64: negatives first, exact, for any bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(big, edge), { maxLength: 30 }), fc.option(fc.oneof(big, edge), { nil: undefined }), fc.option(fc.oneof(big, edge), { nil: undefined }), (vals, lo, hi) => {
        const got = walk(vals, (v) => indexKeyFromValue(v, INT), orderedKeyRanges(INT, lo, hi));
        const want = vals.filter((v) => (lo === undefined || v >= lo) && (hi === undefined || v <= hi)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(got).toEqual(want);
      }),
      { numRuns: 300 },
    );
  });

  it('TEXT: prefix order never contradicts SQL (UTF-8 byte) order', () => {
    const str = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '😀', '\uffff', 'Z', ' '), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(str, { maxLength: 30 }), (vals) => {
        const got = walk(vals, (v) => indexKeyFromValue(v, TEXT), orderedKeyRanges(TEXT, undefined, undefined));
        for (let i = 1; i < got.length; i++) {
          const a = got[i - 1]!;
          const b = got[i]!;
          // Out of SQL order only inside a run of equal keys (the IncrementalSort sorts those).
          if (compareText(a, b) > 0) expect(indexKeyFromValue(a, TEXT)).toEqual(indexKeyFromValue(b, TEXT));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a NULL bound or an empty interval walks nothing', () => {
    expect(orderedKeyRanges(INT, null, 5)).toEqual([]);
    expect(orderedKeyRanges(INT, 5, -5)).toEqual([]);
    expect(orderedKeyRanges(INT, -5, 5)).toEqual([
      { lo: 2n ** 64n - 5n, hi: 2n ** 64n - 1n },
      { lo: 0, hi: 5 },
    ]);
  });
});
