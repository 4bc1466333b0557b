/**
 * Differential: arithmetic, comparisons in C collation, LIKE/ILIKE, scalar functions and
 * aggregates (arithmetic.ts, compare.ts, like.ts, functions.ts, aggregates.ts) against PGlite.
 * Outcomes are compared as Postgres output text or error message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PgHarness, lit, ours } from './pg-harness.js';
import { arithmetic, negate } from '../../src/types/index.js';
import type { ArithOp } from '../../src/types/index.js';
import { castValue, parseText, valueToText } from '../../src/types/index.js';
import { compareSortKey, compareValues } from '../../src/types/index.js';
import { sqlLike } from '../../src/types/index.js';
import { callScalar } from '../../src/types/index.js';
import { createAccumulator } from '../../src/types/index.js';
import type { AggregateName } from '../../src/types/index.js';
import type { SqlType, Value } from '../../src/record/index.js';

let pg: PgHarness;
beforeAll(async () => {
  pg = await PgHarness.create();
});
afterAll(async () => {
  await pg.close();
});

const INT64: SqlType = { base: 'INT64' };
const FLOAT64: SqlType = { base: 'FLOAT64' };
const DECIMAL: SqlType = { base: 'DECIMAL' };
const TEXT: SqlType = { base: 'TEXT' };
const PG_NAME: Record<string, string> = { INT64: 'bigint', FLOAT64: 'float8', DECIMAL: 'numeric', TEXT: 'text' };

const text = (v: Value, t: SqlType): string | null => (v === null ? null : valueToText(v, t));
const typed = (s: string, t: SqlType): string => `${lit(s)}::${PG_NAME[t.base]}`;

const bigints = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map(String),
  fc.constantFrom('9223372036854775807', '-9223372036854775808', '4294967296', '-1', '0', '9007199254740993'),
);
const decimals = fc
  .tuple(fc.constantFrom('', '-'), fc.stringMatching(/^[0-9]{1,12}$/), fc.constantFrom('', '.5', '.25', '.000001', '.333', '.1234567890'))
  .map((p) => p.join(''));
const ops = fc.constantFrom<ArithOp>('+', '-', '*', '/', '%');

async function sameArith(a: string, at: SqlType, op: ArithOp, b: string, bt: SqlType): Promise<void> {
  const theirs = await pg.text(`${typed(a, at)} ${op} ${typed(b, bt)}`);
  const mine = ours(() => {
    const r = arithmetic(op, parseText(a, at), at, parseText(b, bt), bt);
    return text(r, at.base === bt.base ? at : at.base === 'FLOAT64' || bt.base === 'FLOAT64' ? FLOAT64 : DECIMAL);
  });
  expect(mine, `${a}::${at.base} ${op} ${b}::${bt.base}`).toEqual(theirs);
}

describe('arithmetic', () => {
  it('bigint op bigint: exact, truncating, overflow and division-by-zero errors', async () => {
    await fc.assert(fc.asyncProperty(bigints, ops, bigints, (a, op, b) => sameArith(a, INT64, op, b, INT64)), { numRuns: 80 });
    for (const [a, op, b] of [['-9223372036854775808', '/', '-1'], ['-9223372036854775808', '%', '-1'], ['7', '/', '0'], ['-7', '/', '2'], ['-7', '%', '2']] as const) {
      await sameArith(a, INT64, op, b, INT64);
    }
    const unary = await pg.text(`-(${typed('-9223372036854775808', INT64)})`);
    expect(ours(() => text(negate(parseText('-9223372036854775808', INT64), INT64), INT64))).toEqual(unary);
  });

  it('numeric op numeric and bigint op numeric: scales as numeric.c', async () => {
    await fc.assert(fc.asyncProperty(decimals, ops, decimals, (a, op, b) => sameArith(a, DECIMAL, op, b, DECIMAL)), { numRuns: 80 });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -100000, max: 100000 }).map(String), ops, decimals, (a, op, b) => sameArith(a, INT64, op, b, DECIMAL)),
      { numRuns: 30 },
    );
  });

  it('float8 arithmetic, overflow and division by zero', async () => {
    const floats = fc.constantFrom('1.5', '-2', '0', '1e308', '1e-308', '3', '0.1', 'NaN', 'Infinity');
    const fops = fc.constantFrom<ArithOp>('+', '-', '*', '/');
    await fc.assert(fc.asyncProperty(floats, fops, floats, (a, op, b) => sameArith(a, FLOAT64, op, b, FLOAT64)), { numRuns: 40 });
    await sameArith('3', INT64, '/', '2', FLOAT64);
  });
});

const ALPHABET = ['a', 'b', 'A', 'B', 'é', 'É', 'ж', 'Ж', ' ', 'ß', 'İ', '😀', '\uFFFD', '\uE000', 'z'];
const strings = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 7 }).map((a) => a.join(''));
const patterns = fc.array(fc.constantFrom(...ALPHABET, '%', '_', '\\', '%', '_'), { maxLength: 6 }).map((a) => a.join(''));

describe('text comparison and LIKE', () => {
  it('orders text as COLLATE "C" (UTF-8 byte order)', async () => {
    await fc.assert(
      fc.asyncProperty(strings, strings, async (a, b) => {
        const r = await pg.scalar(`SELECT CASE WHEN ${lit(a)} < ${lit(b)} COLLATE "C" THEN -1 WHEN ${lit(a)} = ${lit(b)} THEN 0 ELSE 1 END`);
        expect(r).toEqual({ ok: true, value: Math.sign(compareValues(a, b, TEXT)) });
      }),
      { numRuns: 80 },
    );
  });

  it('ORDER BY with ASC/DESC and NULLS FIRST/LAST sorts as Postgres', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(strings, { nil: null }), { maxLength: 8 }), fc.boolean(), fc.option(fc.boolean(), { nil: undefined }), async (xs, desc, nullsFirst) => {
        const values = xs.map((x) => `(${x === null ? 'NULL' : lit(x)})`).join(', ');
        const order = `x COLLATE "C"${desc ? ' DESC' : ''}${nullsFirst === undefined ? '' : nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`;
        const theirs = xs.length === 0 ? [] : (await pg.pgQuery(`SELECT x FROM (VALUES ${values}) t(x) ORDER BY ${order}`)).map((r) => r[0]);
        const mine = [...xs].sort((a, b) => compareSortKey(a, b, TEXT, nullsFirst === undefined ? { descending: desc } : { descending: desc, nullsFirst }));
        expect(mine).toEqual(theirs);
      }),
      { numRuns: 40 },
    );
  });

  it('LIKE and ILIKE with random patterns (ASCII, accented, Cyrillic, astral)', async () => {
    await fc.assert(
      fc.asyncProperty(strings, patterns, fc.boolean(), async (s, p, ci) => {
        const theirs = await pg.scalar(`SELECT ${lit(s)} ${ci ? 'ILIKE' : 'LIKE'} ${lit(p)}`);
        const mine = ours(() => sqlLike(s, p, { caseInsensitive: ci }));
        expect(mine, `${JSON.stringify(s)} ${ci ? 'ILIKE' : 'LIKE'} ${JSON.stringify(p)}`).toEqual(theirs);
      }),
      { numRuns: 120 },
    );
    for (const [s, p, e] of [['a_c', 'a#_c', '#'], ['abc', 'a%', ''], ['a%', 'a%%', '%']] as const) {
      const theirs = await pg.scalar(`SELECT ${lit(s)} LIKE ${lit(p)} ESCAPE ${lit(e)}`);
      expect(ours(() => sqlLike(s, p, { escape: e })), `${s} LIKE ${p} ESCAPE ${e}`).toEqual(theirs);
    }
  });
});

async function sameCall(name: string, args: [string, SqlType][], sqlArgs?: string): Promise<void> {
  // Postgres takes int4 for digits/start/count; our only integer type is INT64.
  const argSql = sqlArgs ?? args.map(([v, t], i) => (i > 0 && t.base === 'INT64' ? v : typed(v, t))).join(', ');
  const theirs = await pg.text(`${name}(${argSql})`);
  const mine = ours(() => {
    const types = args.map(([, t]) => t);
    const f = callScalar(name, args.map(([v, t]) => parseText(v, t)), types);
    const rt = name === 'round' && types[0]!.base !== 'FLOAT64' && (types.length > 1 || types[0]!.base === 'DECIMAL') ? DECIMAL : name === 'round' ? FLOAT64 : types[0]!.base === 'TEXT' && ['length', 'strpos'].includes(name) ? INT64 : TEXT;
    return text(f, rt);
  });
  expect(mine, `${name}(${argSql})`).toEqual(theirs);
}

describe('scalar functions', () => {
  it('ROUND on numeric (half away from zero, digits) and float8 (half even)', async () => {
    await fc.assert(
      fc.asyncProperty(decimals, fc.integer({ min: -3, max: 4 }), (d, n) => sameCall('round', [[d, DECIMAL], [String(n), INT64]])),
      { numRuns: 40 },
    );
    for (const f of ['0.5', '1.5', '2.5', '-2.5', '-0.5', '1e300', '123.456']) await sameCall('round', [[f, FLOAT64]]);
    for (const d of ['2.5', '-2.5', '0.49999']) await sameCall('round', [[d, DECIMAL]]);
  });

  it('SUBSTR with any start/count, TRIM family, LOWER/UPPER, LENGTH, STRPOS, REPLACE', async () => {
    await fc.assert(
      fc.asyncProperty(strings, fc.integer({ min: -3, max: 9 }), fc.option(fc.integer({ min: -1, max: 9 })), (s, start, count) =>
        sameCall('substr', count === null ? [[s, TEXT], [String(start), INT64]] : [[s, TEXT], [String(start), INT64], [String(count), INT64]]),
      ),
      { numRuns: 50 },
    );
    await fc.assert(
      fc.asyncProperty(strings, strings, fc.constantFrom('btrim', 'ltrim', 'rtrim'), (s, chars, fn) => sameCall(fn, [[s, TEXT], [chars, TEXT]])),
      { numRuns: 30 },
    );
    await fc.assert(
      fc.asyncProperty(strings, strings, async (s, t) => {
        await sameCall('lower', [[s, TEXT]]);
        await sameCall('upper', [[s, TEXT]]);
        await sameCall('length', [[s, TEXT]]);
        await sameCall('strpos', [[s, TEXT], [t, TEXT]]);
        await sameCall('replace', [[s, TEXT], [Array.from(t).slice(0, 2).join(''), TEXT], ['x', TEXT]]); // whole code points: a cut surrogate pair is not valid text
      }),
      { numRuns: 25 },
    );
  });
});

describe('numeric functions and mixed types', () => {
  it('ABS, CEIL, FLOOR, SIGN, MOD, GREATEST, LEAST, NULLIF, COALESCE on random numerics', async () => {
    const kinds = fc.constantFrom<[string, SqlType]>(['bigint', INT64], ['numeric', DECIMAL]);
    await fc.assert(
      fc.asyncProperty(decimals, bigints, fc.integer({ min: -5, max: 5 }), kinds, fc.constantFrom('abs', 'ceil', 'floor', 'sign', 'mod', 'greatest', 'least', 'nullif', 'coalesce'), async (d, i, small, [, kt], fn) => {
        const a: [string, SqlType] = kt.base === 'INT64' ? [i, INT64] : [d, DECIMAL];
        const two = ['mod', 'greatest', 'least', 'nullif', 'coalesce'].includes(fn);
        const args: [string, SqlType][] = two ? [a, [String(small), INT64]] : [a];
        const argSql = args.map(([v, t]) => typed(v, t)).join(', ');
        const theirs = await pg.text(`${fn}(${argSql})`);
        const mine = ours(() => {
          const types = args.map(([, t]) => t);
          const f = callScalar(fn, args.map(([v, t]) => parseText(v, t)), types);
          const rt = ['abs', 'nullif'].includes(fn) ? types[0]! : ['ceil', 'floor', 'sign'].includes(fn) ? (types[0]!.base === 'DECIMAL' ? DECIMAL : FLOAT64) : types.some((t) => t.base === 'DECIMAL') ? DECIMAL : INT64;
          return text(f, rt);
        });
        expect(mine, `${fn}(${argSql})`).toEqual(theirs);
      }),
      { numRuns: 60 },
    );
  });

  it('CONCAT uses output text (bool → t) and skips NULL', async () => {
    const theirs = await pg.text(`concat('a', true, 1.50, NULL, 2::bigint, '\\x01'::bytea, 1e20::float8)`);
    const mine = callScalar('concat', ['a', true, parseText('1.50', DECIMAL), null, 2, new Uint8Array([1]), 1e20], [TEXT, { base: 'BOOL' }, DECIMAL, TEXT, INT64, { base: 'BLOB' }, FLOAT64]);
    expect({ ok: true, value: mine }).toEqual(theirs);
  });

  it('casts bigint and float8 to numeric(p,s) with rounding and overflow', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.double({ min: -1e7, max: 1e7, noNaN: true }), fc.integer({ min: -1e7, max: 1e7 })), fc.boolean(), async (x, asFloat) => {
        const from = asFloat ? FLOAT64 : INT64;
        const v = asFloat ? x : Math.trunc(x);
        const theirs = await pg.text(`(${asFloat ? `'${v}'::float8` : `${v}::bigint`})::numeric(8,3)`);
        const mine = ours(() => text(castValue(v, from, { base: 'DECIMAL', precision: 8, scale: 3 }), DECIMAL));
        expect(mine, `${v}::${from.base}::numeric(8,3)`).toEqual(theirs);
      }),
      { numRuns: 40 },
    );
  });
});

describe('aggregates', () => {
  it('AVG/SUM/MIN/MAX/COUNT over bigint and numeric columns', async () => {
    const smallInts = fc.array(fc.option(fc.integer({ min: -1_000_000, max: 1_000_000 }), { nil: null }), { minLength: 0, maxLength: 8 });
    await fc.assert(
      fc.asyncProperty(smallInts, fc.constantFrom<AggregateName>('avg', 'sum', 'min', 'max', 'count'), fc.boolean(), async (xs, agg, distinct) => {
        const values = xs.length === 0 ? '(SELECT NULL::bigint WHERE false)' : `(VALUES ${xs.map((x) => `(${x === null ? 'NULL' : x}::bigint)`).join(', ')})`;
        const theirs = await pg.text(`SELECT ${agg}(${distinct ? 'DISTINCT ' : ''}x) FROM ${values} t(x)`);
        const mine = ours(() => {
          const acc = createAccumulator(agg, INT64, distinct);
          for (const x of xs) acc.add(x);
          return text(acc.result(), agg === 'avg' ? DECIMAL : INT64);
        });
        expect(mine, `${agg}(${distinct ? 'DISTINCT ' : ''}${JSON.stringify(xs)})`).toEqual(theirs);
      }),
      { numRuns: 40 },
    );
  });
});
