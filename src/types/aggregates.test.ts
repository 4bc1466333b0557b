import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from '../record/index.js';
import type { SqlType } from '../record/index.js';
import { aggregateResultType, createAccumulator } from './aggregates.js';

const T = (base: SqlType['base']): SqlType => ({ base });
const INT64 = T('INT64');

describe('aggregates', () => {
  it('sums INT64 exactly past 2^53 and errors outside int64', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(1n << 62n), max: 1n << 62n }), { minLength: 1, maxLength: 20 }), (xs) => {
        const acc = createAccumulator('sum', INT64);
        for (const x of xs) acc.add(Number.isSafeInteger(Number(x)) && BigInt(Number(x)) === x ? Number(x) : x);
        const exact = xs.reduce((a, b) => a + b, 0n);
        if (exact < -(1n << 63n) || exact >= 1n << 63n) expect(() => acc.result()).toThrow('bigint out of range');
        else expect(BigInt(acc.result() as number | bigint)).toBe(exact);
      }),
      { numRuns: 300 },
    );
  });

  it('averages as numeric with Postgres scale, floats as floats', () => {
    const a = createAccumulator('avg', INT64);
    a.add(1);
    a.add(2);
    a.add(null);
    expect(String(a.result())).toBe('1.5000000000000000');
    const d = createAccumulator('avg', T('DECIMAL'));
    d.add(new Decimal(10n, 1));
    d.add(new Decimal(20n, 1));
    expect(String(d.result())).toBe('1.5000000000000000');
    const f = createAccumulator('avg', T('FLOAT64'));
    f.add(1.5);
    f.add(2);
    expect(f.result()).toBe(1.75);
    expect(aggregateResultType('avg', INT64).base).toBe('DECIMAL');
  });

  it('counts, ignores NULLs, handles DISTINCT and empty groups, and resets', () => {
    const c = createAccumulator('count', INT64, true);
    for (const v of [1, 1, 2, null, 2n]) c.add(v);
    expect(c.result()).toBe(2);
    c.reset();
    expect(c.result()).toBe(0);
    const star = createAccumulator('count', null);
    star.add(true);
    star.add(true);
    expect(star.result()).toBe(2);
    const s = createAccumulator('sum', T('DECIMAL'), true);
    for (const v of [new Decimal(15n, 1), new Decimal(150n, 2), new Decimal(1n, 0)]) s.add(v);
    expect(String(s.result())).toBe('2.5');
    expect(createAccumulator('max', T('TEXT')).result()).toBe(null);
    const mx = createAccumulator('max', T('TEXT'));
    for (const v of ['b', '\uFFFD', '😀', 'a']) mx.add(v);
    expect(mx.result()).toBe('😀');
    const mn = createAccumulator('min', T('FLOAT64'));
    for (const v of [NaN, 3, -1]) mn.add(v);
    expect(mn.result()).toBe(-1);
    expect(() => createAccumulator('sum', T('TEXT'))).toThrow('function sum(text) does not exist');
    const fs = createAccumulator('sum', T('FLOAT64'));
    fs.add(1e308);
    expect(() => fs.add(1e308)).toThrow('value out of range: overflow');
  });
});
