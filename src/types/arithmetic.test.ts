import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal } from '../record/index.js';
import type { SqlType } from '../record/index.js';
import { applyArithmetic, arithmetic, concat, negate, resultType } from './arithmetic.js';
import type { ArithOp } from './arithmetic.js';

const T = (base: SqlType['base']): SqlType => ({ base });
const INT64 = T('INT64');
const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;

const norm = (v: bigint): number | bigint => (v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v);

describe('INT64 arithmetic', () => {
  it('matches exact bigint arithmetic, truncation toward zero, and range errors', () => {
    const ints = fc.oneof(fc.integer({ min: -1e6, max: 1e6 }).map(BigInt), fc.bigInt({ min: MIN, max: MAX }));
    const ops = fc.constantFrom<ArithOp>('+', '-', '*', '/', '%');
    fc.assert(
      fc.property(ints, ops, ints, (a, op, b) => {
        const run = (): unknown => applyArithmetic(op, norm(a), norm(b), INT64);
        if ((op === '/' || op === '%') && b === 0n) return void expect(run).toThrow('division by zero');
        const exact = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : a % b;
        if (exact < MIN || exact > MAX) return void expect(run).toThrow('bigint out of range');
        expect(run()).toBe(norm(exact));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps results plain numbers and never -0', () => {
    expect(Object.is(applyArithmetic('/', 0, -5, INT64), 0)).toBe(true);
    expect(Object.is(applyArithmetic('%', -4, 2, INT64), 0)).toBe(true);
    expect(applyArithmetic('/', -7, 2, INT64)).toBe(-3);
    expect(applyArithmetic('%', -7, 2, INT64)).toBe(-1);
    expect(applyArithmetic('*', 2 ** 40, 2 ** 20, INT64)).toBe(2n ** 60n);
    expect(() => applyArithmetic('/', MIN, -1, INT64)).toThrow('bigint out of range');
    expect(() => negate(MIN, INT64)).toThrow('bigint out of range');
    expect(applyArithmetic('+', null, 1, INT64)).toBe(null);
  });
});

describe('FLOAT64 and DECIMAL arithmetic', () => {
  it('raises on float overflow, underflow and division by zero', () => {
    const F = T('FLOAT64');
    expect(() => applyArithmetic('*', 1e308, 10, F)).toThrow('value out of range: overflow');
    expect(() => applyArithmetic('*', 1e-300, 1e-300, F)).toThrow('value out of range: underflow');
    expect(() => applyArithmetic('/', 1, 0, F)).toThrow('division by zero');
    expect(applyArithmetic('+', Infinity, 1, F)).toBe(Infinity);
    expect(applyArithmetic('/', NaN, 0, F)).toBeNaN();
  });

  it('uses Postgres numeric scales', () => {
    const D = T('DECIMAL');
    const d = (u: bigint, s: number): Decimal => new Decimal(u, s);
    expect(String(applyArithmetic('+', d(150n, 2), d(21n, 1), D))).toBe('3.60');
    expect(String(applyArithmetic('*', d(15n, 1), d(225n, 2), D))).toBe('3.375');
    expect(String(applyArithmetic('/', d(1n, 0), d(3n, 0), D))).toBe('0.33333333333333333333');
    expect(String(applyArithmetic('/', d(100n, 0), d(7n, 0), D))).toBe('14.2857142857142857');
    expect(String(applyArithmetic('%', d(-75n, 1), d(2n, 0), D))).toBe('-1.5');
    expect(() => applyArithmetic('/', d(1n, 0), d(0n, 2), D)).toThrow('division by zero');
  });

  it('promotes mixed operands and types the result', () => {
    expect(resultType('+', INT64, T('FLOAT64')).base).toBe('FLOAT64');
    expect(resultType('*', INT64, T('DECIMAL')).base).toBe('DECIMAL');
    expect(resultType('-', T('DECIMAL'), T('FLOAT64')).base).toBe('FLOAT64');
    expect(() => resultType('%', T('FLOAT64'), INT64)).toThrow('operator does not exist: double precision % bigint');
    expect(() => resultType('+', T('TEXT'), INT64)).toThrow('operator does not exist: text + bigint');
    expect(arithmetic('/', 3, INT64, 2, T('FLOAT64'))).toBe(1.5);
    expect(String(arithmetic('+', 1, INT64, new Decimal(5n, 1), T('DECIMAL')))).toBe('1.5');
  });
});

describe('||', () => {
  it('concatenates text with any type and propagates NULL', () => {
    expect(concat('a', T('TEXT'), true, T('BOOL'))).toBe('atrue');
    expect(concat(1.5, T('FLOAT64'), 'x', T('TEXT'))).toBe('1.5x');
    expect(concat('x', T('TEXT'), null, T('TEXT'))).toBe(null);
    expect(concat(new Uint8Array([1]), T('BLOB'), new Uint8Array([2]), T('BLOB'))).toEqual(new Uint8Array([1, 2]));
    expect(() => resultType('||', INT64, INT64)).toThrow('operator does not exist');
  });
});
