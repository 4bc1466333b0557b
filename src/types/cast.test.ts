import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, Timestamp } from '../record/index.js';
import type { SqlType } from '../record/index.js';
import { assignCast, castKind, castValue, floatToText, parseBool, parseBytea, parseInt64, parseUuid, valueToText } from './cast.js';

const T = (base: SqlType['base']): SqlType => ({ base });
const TEXT = T('TEXT');

describe('text input', () => {
  it('parses bigint like int8in', () => {
    expect(parseInt64(' -12 ')).toBe(-12);
    expect(parseInt64('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseInt64('0x1F')).toBe(31);
    expect(parseInt64('1_000')).toBe(1000);
    expect(() => parseInt64('abc')).toThrow('invalid input syntax for type bigint: "abc"');
    expect(() => parseInt64('9223372036854775808')).toThrow('value "9223372036854775808" is out of range for type bigint');
    expect(() => parseInt64('1.5')).toThrow('invalid input syntax');
  });

  it('parses booleans, uuids and bytea', () => {
    expect(parseBool(' TRU ')).toBe(true);
    expect(parseBool('of')).toBe(false);
    expect(() => parseBool('o')).toThrow('invalid input syntax for type boolean: "o"');
    expect(valueToText(parseUuid('{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}'), T('UUID'))).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(parseBytea('\\x0102')).toEqual(new Uint8Array([1, 2]));
    expect(parseBytea('a\\101\\\\')).toEqual(new Uint8Array([0x61, 0x41, 0x5c]));
  });

  it('applies DECIMAL(p,s) typmods with half-away-from-zero rounding and overflow errors', () => {
    const t: SqlType = { base: 'DECIMAL', precision: 4, scale: 2 };
    expect(String(castValue('12.345', TEXT, t))).toBe('12.35');
    expect(String(castValue('-12.345', TEXT, t))).toBe('-12.35');
    expect(() => castValue('123.345', TEXT, t)).toThrow('numeric field overflow');
    expect(String(castValue('1.5e2', TEXT, T('DECIMAL')))).toBe('150');
    expect(() => castValue('abc', TEXT, T('DECIMAL'))).toThrow('invalid input syntax for type numeric: "abc"');
    expect(String(castValue('-0x1F', TEXT, T('DECIMAL')))).toBe('-31');
    expect(() => castValue('NaN', TEXT, T('DECIMAL'))).toThrow('DECIMAL cannot hold "NaN"');
  });
});

describe('numeric conversions', () => {
  it('rounds float → int half to even and numeric → int half away from zero', () => {
    expect(castValue(2.5, T('FLOAT64'), T('INT64'))).toBe(2);
    expect(castValue(3.5, T('FLOAT64'), T('INT64'))).toBe(4);
    expect(castValue(-2.5, T('FLOAT64'), T('INT64'))).toBe(-2);
    expect(castValue(new Decimal(-25n, 1), T('DECIMAL'), T('INT64'))).toBe(-3);
    expect(() => castValue(NaN, T('FLOAT64'), T('INT64'))).toThrow('bigint out of range');
    expect(() => castValue(9.3e18, T('FLOAT64'), T('INT64'))).toThrow('bigint out of range');
  });

  it('converts float → numeric through 15 significant digits', () => {
    expect(String(castValue(0.1, T('FLOAT64'), T('DECIMAL')))).toBe('0.1');
    expect(String(castValue(1 / 3, T('FLOAT64'), T('DECIMAL')))).toBe('0.333333333333333');
    expect(String(castValue(1e20, T('FLOAT64'), T('DECIMAL')))).toBe('100000000000000000000');
  });

  it('prints floats as float8out', () => {
    expect(floatToText(1e15)).toBe('1e+15');
    expect(floatToText(1e14)).toBe('100000000000000');
    expect(floatToText(0.0001)).toBe('0.0001');
    expect(floatToText(0.00001)).toBe('1e-05');
    expect(floatToText(-1.5e-7)).toBe('-1.5e-07');
    expect(floatToText(NaN)).toBe('NaN');
    expect(floatToText(-Infinity)).toBe('-Infinity');
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(Object.is(Number(floatToText(x)), x) || Number.isNaN(x)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('casts between other types', () => {
  it('casts bool, timestamp, bytes and refuses what Postgres refuses', () => {
    expect(castValue(true, T('BOOL'), TEXT)).toBe('true');
    expect(castValue(0, T('INT64'), T('BOOL'))).toBe(false);
    expect(castValue(true, T('BOOL'), T('INT64'))).toBe(1);
    expect(castValue(new Timestamp(1_709_287_200_000_000), T('TIMESTAMP'), TEXT)).toBe('2024-03-01 10:00:00');
    expect(castValue(new Uint8Array([1, 2]), T('BLOB'), TEXT)).toBe('\\x0102');
    expect(() => castValue(new Timestamp(0), T('TIMESTAMP'), T('INT64'))).toThrow('cannot cast type timestamp without time zone to bigint');
    expect(castValue(null, T('INT64'), TEXT)).toBe(null);
  });

  it('assignment casts round numerics, parse text and refuse the rest', () => {
    expect(assignCast(1.5, T('FLOAT64'), T('INT64'))).toBe(2);
    expect(assignCast(new Decimal(15n, 1), T('DECIMAL'), T('INT64'))).toBe(2);
    expect(assignCast('42', TEXT, T('INT64'))).toBe(42);
    expect(assignCast(7, T('INT64'), TEXT)).toBe('7');
    expect(() => assignCast(1, T('INT64'), T('BOOL'), 'flag')).toThrow('column "flag" is of type boolean but expression is of type bigint');
    expect(castKind(T('INT64'), T('FLOAT64'))).toBe('implicit');
    expect(castKind(T('FLOAT64'), T('INT64'))).toBe('assignment');
    expect(castKind(T('TIMESTAMP'), T('BOOL'))).toBe(null);
  });
});
