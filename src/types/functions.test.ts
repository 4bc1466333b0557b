import { describe, expect, it } from 'vitest';
import { Decimal, Timestamp } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { callScalar, charLength, lookupFunction, substrChars, trimChars } from './functions.js';
import { formatTimestamp } from './datetime.js';

const T = (base: SqlType['base']): SqlType => ({ base });
const TEXT = T('TEXT');
const INT64 = T('INT64');
const ctx = { clock: { nowMicros: () => 1_709_287_200_000_000 }, randomBytes: (b: Uint8Array) => b.fill(0xab) };
const call = (name: string, args: Value[], types: SqlType[]): Value => callScalar(name, args, types, ctx);

describe('scalar functions', () => {
  it('handles NULLs: strict functions, COALESCE, NULLIF, CONCAT, GREATEST/LEAST', () => {
    expect(call('lower', [null], [TEXT])).toBe(null);
    expect(call('coalesce', [null, 2, 3], [INT64, INT64, INT64])).toBe(2);
    expect(String(call('coalesce', [null, 2], [T('DECIMAL'), INT64]))).toBe('2');
    expect(call('nullif', [1, 1], [INT64, INT64])).toBe(null);
    expect(call('nullif', [1, null], [INT64, INT64])).toBe(1);
    expect(call('concat', ['a', null, 1, true], [TEXT, TEXT, INT64, T('BOOL')])).toBe('a1t');
    expect(call('greatest', [1, null, 3], [INT64, INT64, INT64])).toBe(3);
    expect(call('least', [null, null], [INT64, INT64])).toBe(null);
    expect(call('greatest', [1, 2.5], [INT64, T('FLOAT64')])).toBe(2.5);
  });

  it('counts characters, trims, substrings and searches like Postgres', () => {
    expect(charLength('ж😀')).toBe(2);
    expect(call('length', [new Uint8Array(3)], [T('BLOB')])).toBe(3);
    expect(call('octet_length', ['ж'], [TEXT])).toBe(2);
    expect(trimChars('xyaxy', 'xy', true, true)).toBe('a');
    expect(call('trim', ['  x  '], [TEXT])).toBe('x');
    expect(call('ltrim', ['xxa', 'x'], [TEXT, TEXT])).toBe('a');
    expect(substrChars('hello', -1, 3)).toBe('h');
    expect(substrChars('hello', 0, null)).toBe('hello');
    expect(substrChars('h😀llo', 2, 2)).toBe('😀l');
    expect(() => substrChars('x', 1, -1)).toThrow('negative substring length not allowed');
    expect(call('strpos', ['h😀llo', 'l'], [TEXT, TEXT])).toBe(3);
    expect(call('replace', ['aaa', 'a', 'bb'], [TEXT, TEXT, TEXT])).toBe('bbbbbb');
    expect(call('upper', ['straße'], [TEXT])).toBe('STRAẞE');
    expect(call('lower', ['ÀÉЖ'], [TEXT])).toBe('àéж');
  });

  it('rounds numerics half away from zero and floats half to even', () => {
    expect(String(call('round', [new Decimal(2345n, 3), 2], [T('DECIMAL'), INT64]))).toBe('2.35');
    expect(String(call('round', [new Decimal(1234n, 3), 5], [T('DECIMAL'), INT64]))).toBe('1.23400');
    expect(String(call('round', [new Decimal(12345n, 1), -2], [T('DECIMAL'), INT64]))).toBe('1200');
    expect(String(call('round', [new Decimal(-25n, 1)], [T('DECIMAL')]))).toBe('-3');
    expect(call('round', [2.5], [T('FLOAT64')])).toBe(2);
    expect(call('round', [7], [INT64])).toBe(7);
    expect(lookupFunction('round')!.returnType([INT64]).base).toBe('FLOAT64');
    expect(() => lookupFunction('round')!.returnType([T('FLOAT64'), INT64])).toThrow('function round(double precision, bigint) does not exist');
  });

  it('computes ABS, CEIL, FLOOR, SIGN, MOD with overflow checks', () => {
    expect(() => call('abs', [-(1n << 63n)], [INT64])).toThrow('bigint out of range');
    expect(call('abs', [-5], [INT64])).toBe(5);
    expect(String(call('ceil', [new Decimal(-15n, 1)], [T('DECIMAL')]))).toBe('-1');
    expect(String(call('floor', [new Decimal(-15n, 1)], [T('DECIMAL')]))).toBe('-2');
    expect(call('floor', [2.7], [T('FLOAT64')])).toBe(2);
    expect(String(call('sign', [new Decimal(-15n, 1)], [T('DECIMAL')]))).toBe('-1');
    expect(call('mod', [-7, 3], [INT64, INT64])).toBe(-1);
    expect(() => call('mod', [1, 0], [INT64, INT64])).toThrow('division by zero');
  });

  it('reads time and randomness from the context', () => {
    expect(formatTimestamp(call('now', [], []) as Timestamp)).toBe('2024-03-01 10:00:00');
    expect(lookupFunction('now')!.volatile).toBe(true);
    const u = call('gen_random_uuid', [], []) as Uint8Array;
    expect(call('uuid_to_string', [u], [T('UUID')])).toBe('abababab-abab-4bab-abab-abababababab');
    expect(() => call('nosuch', [1], [INT64])).toThrow('function nosuch(bigint) does not exist');
    expect(() => lookupFunction('lower')!.returnType([INT64])).toThrow('function lower(bigint) does not exist');
  });
});
