/**
 * Differential: text input functions and output text (cast.ts, datetime.ts) against PGlite.
 * Each property builds strings near the edges of the grammar (whitespace, signs, separators,
 * exponents, out-of-range values) and requires the same text result or the same error message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PgHarness, lit, ours } from './pg-harness.js';
import { castValue, valueToText } from '../../src/types/index.js';
import { Decimal, Timestamp } from '../../src/record/index.js';
import type { SqlType } from '../../src/record/index.js';

let pg: PgHarness;
beforeAll(async () => {
  pg = await PgHarness.create();
});
afterAll(async () => {
  await pg.close();
});

const TEXT: SqlType = { base: 'TEXT' };

/** Casts text to `to` both ways and compares the output text (or the error). */
async function same(text: string, pgType: string, to: SqlType): Promise<void> {
  const theirs = await pg.text(`${lit(text)}::${pgType}`);
  const mine = ours(() => {
    const v = castValue(text, TEXT, to);
    return v === null ? null : valueToText(v, to);
  });
  expect(mine, `${JSON.stringify(text)}::${pgType}`).toEqual(theirs);
}

const pick = <T>(...xs: T[]): fc.Arbitrary<T> => fc.constantFrom(...xs);
const digits = fc.stringMatching(/^[0-9]{1,22}$/);
const ws = pick('', ' ', '  ', '\t', '\n');

describe('harness', () => {
  it('normalises Postgres results to our Value conventions', async () => {
    const [row] = await pg.pgQuery(
      `SELECT 9223372036854775807::bigint, 7::bigint, 1.50::numeric, 'NaN'::float8, true, '2024-03-01 10:00'::timestamp, '\\x01ff'::bytea, NULL::text`,
    );
    expect(row).toEqual([9223372036854775807n, 7, new Decimal(150n, 2), NaN, true, new Timestamp(1_709_287_200_000_000), new Uint8Array([1, 255]), null]);
  });
});

describe('text → bigint', () => {
  it('matches int8in on numbers, signs, blanks, separators and overflow', async () => {
    const arb = fc.tuple(ws, pick('', '+', '-'), digits, pick('', '_0', 'x', '.5', 'e3', ' 1'), ws).map((p) => p.join(''));
    await fc.assert(fc.asyncProperty(arb, (s) => same(s, 'bigint', { base: 'INT64' })), { numRuns: 60 });
    for (const s of ['9223372036854775807', '-9223372036854775808', '9223372036854775808', '0x1F', '0b101', '0o17', '1__0', '_1', 'abc', '', ' ']) {
      await same(s, 'bigint', { base: 'INT64' });
    }
  });
});

describe('text → double precision', () => {
  it('matches float8in and float8out', async () => {
    const arb = fc.oneof(
      fc.double({ noNaN: false }).map(String),
      fc.tuple(pick('', '-', '+'), digits, pick('', '.', '.5', '.000123'), pick('', 'e5', 'e-7', 'E+300', 'e400', 'e-400', 'e15', 'e14')).map((p) => p.join('')),
    );
    await fc.assert(fc.asyncProperty(arb, (s) => same(s, 'double precision', { base: 'FLOAT64' })), { numRuns: 80 });
    for (const s of ['NaN', 'nan', 'Infinity', '-inf', ' 1.5e3 ', '1e-320', '.5', '5.', 'x', '-0', '1e15', '123456789012345678']) {
      await same(s, 'double precision', { base: 'FLOAT64' });
    }
  });
});

describe('double precision → text', () => {
  it('prints float8out digits, which never end exactly half-way to the next double', async () => {
    // n × 10^k with k ≥ 9 is a multiple of 2^k, so above 2^53 it is either a double or the exact
    // half-way point between two: JavaScript's shortest digits may land on that point, Ryu's do not.
    const ties = fc.tuple(fc.integer({ min: 1, max: 999_999 }), fc.integer({ min: 9, max: 40 }), pick('', '-')).map(([n, k, sign]) => `${sign}${n}e${k}`);
    const big = fc.bigInt({ min: 1n << 53n, max: 1n << 80n }).map(String);
    await fc.assert(fc.asyncProperty(fc.oneof(ties, big), (s) => same(s, 'double precision', { base: 'FLOAT64' })), { numRuns: 150 });
    for (const s of ['5000000123000000000', '-22099763079749366', '9007199254740993', '1e23', '2e22', '9223372036854775807', '18014398509481985']) {
      await same(s, 'double precision', { base: 'FLOAT64' });
    }
  });
});

describe('text → numeric', () => {
  it('matches numeric_in with and without a (p,s) typmod', async () => {
    const arb = fc.tuple(ws, pick('', '-', '+'), digits, pick('', '.', '.5', '.005', '.12345', '.995'), pick('', 'e2', 'e-3'), ws).map((p) => p.join(''));
    const typmods: [string, SqlType][] = [
      ['numeric', { base: 'DECIMAL' }],
      ['numeric(10,2)', { base: 'DECIMAL', precision: 10, scale: 2 }],
      ['numeric(18,0)', { base: 'DECIMAL', precision: 18, scale: 0 }],
      ['numeric(4,4)', { base: 'DECIMAL', precision: 4, scale: 4 }],
    ];
    await fc.assert(
      fc.asyncProperty(arb, fc.constantFrom(...typmods), (s, [pgType, t]) => same(s, pgType, t)),
      { numRuns: 80 },
    );
  });
});

describe('text → boolean', () => {
  it('matches boolin on prefixes, case and blanks', async () => {
    const arb = fc.tuple(ws, pick('t', 'tr', 'TRUE', 'f', 'fa', 'yes', 'y', 'n', 'no', 'on', 'of', 'off', 'o', '1', '0', '2', 'truee', ''), ws).map((p) => p.join(''));
    await fc.assert(fc.asyncProperty(arb, (s) => same(s, 'boolean', { base: 'BOOL' })), { numRuns: 40 });
  });
});

describe('text → timestamp', () => {
  it('matches timestamp_in on the literal forms we accept', async () => {
    const arb = fc
      .tuple(
        fc.integer({ min: 1, max: 2999 }),
        fc.integer({ min: 1, max: 13 }),
        fc.integer({ min: 1, max: 31 }),
        pick('-', '/'),
        fc.option(fc.tuple(pick(' ', 'T'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }), pick('', '.5', '.123456', '.1234567', '.000001'))),
      )
      .map(([y, m, d, sep, t]) => {
        const date = `${String(y).padStart(4, '0')}${sep}${m}${sep}${d}`;
        if (t === null) return date;
        const [tsep, hh, mi, ss, frac] = t;
        return `${date}${tsep}${String(hh).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(ss).padStart(2, '0')}${frac}`;
      });
    await fc.assert(fc.asyncProperty(arb, (s) => same(s, 'timestamp', { base: 'TIMESTAMP' })), { numRuns: 60 });
    for (const s of ['2021-01-01 10:00:00.0000005', '2021-01-01 10:00:00.0000015', '2021-01-01 23:59:59.9999995', '0000-01-01', '1-1-1', '12/31/99', '2021.01.02', '2021-01-01 10:00:60']) {
      await same(s, 'timestamp', { base: 'TIMESTAMP' });
    }
    for (const s of ['epoch', '2021/1/1', '1/2/2021', '20210102', '2021-01-02 24:00:00', '2021-02-29', '2020-02-29 23:59:59.999999', '0001-01-01 BC', '2021-01-01 10:00:00 x']) {
      await same(s, 'timestamp', { base: 'TIMESTAMP' });
    }
  });

  it('applies zone offsets as timestamptz does at TimeZone UTC', async () => {
    for (const s of ['2024-03-01T10:00:00Z', '2024-03-01 10:00:00+02', '2024-03-01 10:00:00-05:30', '2024-03-01T10:00:00.123456+0100', '2024-03-01 10:00:00 UTC']) {
      const theirs = await pg.text(`${lit(s)}::timestamptz`);
      const mine = ours(() => valueToText(castValue(s, TEXT, { base: 'TIMESTAMP' }), { base: 'TIMESTAMP' }) + '+00');
      expect(mine, s).toEqual(theirs);
    }
  });
});

describe('other casts', () => {
  it('matches uuid and bytea text forms', async () => {
    for (const s of ['A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '{a0eebc999c0b4ef8bb6d6bb9bd380a11}', 'a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1', 'xyz']) {
      await same(s, 'uuid', { base: 'UUID' });
    }
    for (const s of ['\\x0102ff', 'ab', 'a\\\\b', 'a\\101b', '\\x0', 'é']) await same(s, 'bytea', { base: 'BLOB' });
  });

  it('matches numeric conversions between bigint, float8 and numeric', async () => {
    const cases: [string, string, SqlType, SqlType, unknown][] = [];
    const floats = [0.5, 1.5, 2.5, -2.5, 1e20, 9.3e18, 1 / 3, 0.1, 123.456, -0.0000123];
    for (const f of floats) {
      cases.push([`${f}::float8::bigint`, 'bigint', { base: 'FLOAT64' }, { base: 'INT64' }, f]);
      cases.push([`${f}::float8::numeric`, 'numeric', { base: 'FLOAT64' }, { base: 'DECIMAL' }, f]);
    }
    for (const [sql, , from, to, v] of cases) {
      const theirs = await pg.text(sql);
      const mine = ours(() => valueToText(castValue(v as number, from, to)!, to));
      expect(mine, sql).toEqual(theirs);
    }
  });
});
