import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareKeys } from '../btree/index.js';
import { indexKeyFromValue } from '../record/index.js';
import type { SqlType } from '../record/index.js';
import { compareText } from '../types/index.js';
import { orderedKeyRanges } from './key-ranges.js';

const INT: SqlType = { base: 'INT64' };
const TEXT: SqlType = { base: 'TEXT' };
const big = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const edge = fc.constantFrom(-(2n ** 63n), -1n, 0n, 1n, 2n ** 63n - 1n, 2n ** 53n, -(2n ** 53n));

/** Values a forward index walk over `ranges` (in list order, keys ascending inside) meets. */
function walk<T>(values: readonly T[], key: (v: T) => number | bigint, ranges: ReturnType<typeof orderedKeyRanges>): T[] {
  const byKey = [...values].sort((a, b) => compareKeys(key(a), key(b)));
  const out: T[] = [];
  for (const r of ranges) for (const v of byKey) if (compareKeys(r.lo, key(v)) <= 0 && compareKeys(key(v), r.hi) <= 0) out.push(v);
  return out;
}

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
