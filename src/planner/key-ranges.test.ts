import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { indexKeyFromValue } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { compareKeys } from '../btree/index.js';
import { keyRangesForInterval, keyRangesForValues, mergeKeyRanges } from './key-ranges.js';
import type { KeyRange } from './key-ranges.js';

const within = (k: Value, ranges: readonly KeyRange[], type: SqlType): boolean => {
  const key = indexKeyFromValue(k, type);
  return ranges.some((r) => compareKeys(r.lo, key) <= 0 && compareKeys(key, r.hi) <= 0);
};

const cmpNum = (a: number | bigint, b: number | bigint): number => (a < b ? -1 : a > b ? 1 : 0);

describe('key ranges over native index keys', () => {
  it('splits an INT64 interval spanning zero into two key ranges', () => {
    const r = keyRangesForInterval({ base: 'INT64' }, -5, 5);
    expect(r).toHaveLength(2);
    expect(r[0]).toEqual({ lo: 0, hi: 5 });
  });

  it('covers every INT64 value inside the interval (negatives sort after positives)', () => {
    const INT: SqlType = { base: 'INT64' };
    const big = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    fc.assert(
      fc.property(fc.array(big, { maxLength: 20 }), big, big, (vals, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const ranges = keyRangesForInterval(INT, lo, hi);
        for (const v of vals) if (cmpNum(v, lo) >= 0 && cmpNum(v, hi) <= 0) expect(within(v, ranges, INT)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('covers every FLOAT64 value inside the interval, including -0.0 for 0 bounds', () => {
    const FL: SqlType = { base: 'FLOAT64' };
    const dbl = fc.double({ noNaN: true });
    fc.assert(
      fc.property(fc.array(dbl, { maxLength: 20 }), dbl, dbl, fc.boolean(), fc.boolean(), (vals, a, b, openLo, openHi) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const ranges = keyRangesForInterval(FL, openLo ? undefined : lo, openHi ? undefined : hi);
        for (const v of [...vals, -0, 0, lo, hi])
          if ((openLo || v >= lo) && (openHi || v <= hi)) expect(within(v, ranges, FL)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(within(-0, keyRangesForValues(FL, [0]), FL)).toBe(true);
  });

  it('covers TEXT values by 8-byte prefix, however long', () => {
    const TX: SqlType = { base: 'TEXT' };
    const str = fc.string({ maxLength: 20 });
    fc.assert(
      fc.property(fc.array(str, { maxLength: 20 }), str, str, (vals, a, b) => {
        const enc = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
        const [lo, hi] = enc(a) <= enc(b) ? [a, b] : [b, a];
        const ranges = keyRangesForInterval(TX, lo, hi);
        for (const v of vals) if (enc(v) >= enc(lo) && enc(v) <= enc(hi)) expect(within(v, ranges, TX)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('matches nothing for a NULL bound and merges overlapping ranges', () => {
    expect(keyRangesForInterval({ base: 'INT64' }, null, 3)).toEqual([]);
    expect(mergeKeyRanges([{ lo: 5, hi: 9 }, { lo: 1, hi: 5 }, { lo: 20, hi: 21 }])).toEqual([{ lo: 1, hi: 9 }, { lo: 20, hi: 21 }]);
    expect(keyRangesForValues({ base: 'INT64' }, [3, 3, null, 2])).toEqual([{ lo: 2, hi: 3 }]);
  });
});
