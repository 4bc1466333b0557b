/**
 * Differential: whole SELECTs (filters with NULLs, IN/NOT IN, LIKE, joins of every kind, GROUP
 * BY, subqueries, set operations) on generated data, planned and executed by us over native
 * B+Trees with indexes, against PGlite. Rows are compared as sorted text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PgHarness } from '../../test/diff/pg-harness.js';
import { TestDb } from './test-tables.js';
import { Decimal } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';

let pg: PgHarness;
beforeAll(async () => {
  pg = await PgHarness.create();
});
afterAll(async () => {
  await pg.close();
});

const I: SqlType = { base: 'INT64' };
const F: SqlType = { base: 'FLOAT64' };
const T: SqlType = { base: 'TEXT' };

const norm = (rows: readonly (readonly Value[])[]): string[] =>
  rows.map((r) => r.map((v) => (v === null ? 'NULL' : v instanceof Decimal ? String(Number(v.toString())) : String(v))).join('|')).sort();

const small = fc.integer({ min: -3, max: 3 });
const nint = fc.option(small, { nil: null });
const nflt = fc.option(fc.constantFrom(-1.5, -0, 0, 0.5, 2, 10.25), { nil: null });
const ntxt = fc.option(fc.constantFrom('a', 'ab', 'abcdefghij', 'abcdefghik', 'B', ''), { nil: null });
const row = fc.tuple(nint, nflt, ntxt);

const lit = (v: number | string | null): string => (v === null ? 'NULL' : typeof v === 'string' ? `'${v}'` : String(v));

function predicate(t: string): fc.Arbitrary<string> {
  const atom = fc.oneof(
    fc.tuple(fc.constantFrom('=', '<>', '<', '<=', '>', '>='), small).map(([op, c]) => `${t}.k ${op} ${c}`),
    fc.tuple(fc.constantFrom('=', '<', '>='), fc.constantFrom(-1, 0, 0.5, 2)).map(([op, c]) => `${t}.f ${op} ${c}`),
    fc.tuple(fc.constantFrom('=', '<', '>'), fc.constantFrom('a', 'abcdefghij', 'abcdefghijz', 'B')).map(([op, c]) => `${t}.s ${op} '${c}'`),
    fc.constantFrom(`${t}.k IS NULL`, `${t}.f IS NOT NULL`, `${t}.s LIKE 'ab%'`),
    fc.tuple(fc.boolean(), fc.array(fc.option(small, { nil: null }), { minLength: 1, maxLength: 3 })).map(([not, l]) => `${t}.k ${not ? 'NOT ' : ''}IN (${l.map(lit).join(', ')})`),
    fc.tuple(small, small).map(([x, y]) => `${t}.k BETWEEN ${Math.min(x, y)} AND ${Math.max(x, y)}`),
  );
  return fc.oneof(
    { weight: 3, arbitrary: atom },
    fc.tuple(atom, fc.constantFrom('AND', 'OR'), atom).map(([x, op, y]) => `(${x} ${op} ${y})`),
    atom.map((x) => `NOT (${x})`),
  );
}

const query = fc.oneof(
  predicate('a').map((p) => `SELECT a.id, a.k FROM a WHERE ${p}`),
  fc
    .tuple(fc.constantFrom('JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN'), predicate('b'), predicate('a'))
    .map(([j, pb, pa]) => `SELECT a.id, b.id FROM a ${j} b ON a.k = b.k AND ${pb} WHERE ${j === 'JOIN' || j === 'LEFT JOIN' ? pa : 'TRUE'}`),
  predicate('a').map((p) => `SELECT a.k, count(*), count(a.s), sum(a.id), max(a.f) FROM a WHERE ${p} GROUP BY a.k`),
  fc.tuple(fc.constantFrom('IN', 'NOT IN'), predicate('b')).map(([op, p]) => `SELECT a.id FROM a WHERE a.k ${op} (SELECT b.k FROM b WHERE ${p})`),
  fc.tuple(fc.constantFrom('EXISTS', 'NOT EXISTS'), predicate('b')).map(([op, p]) => `SELECT a.id FROM a WHERE ${op} (SELECT 1 FROM b WHERE b.k = a.k AND ${p})`),
  fc.constantFrom('UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT').map((op) => `SELECT k FROM a ${op} SELECT k FROM b`),
  predicate('a').map((p) => `SELECT a.id, (SELECT count(*) FROM b WHERE b.k = a.k) FROM a WHERE ${p}`),
  predicate('a').map((p) => `SELECT DISTINCT a.k, a.f FROM a WHERE ${p}`),
  predicate('b').map((p) => `SELECT b.k, count(*) FROM b GROUP BY b.k HAVING count(*) > 1 OR ${p.replace(/b\.(id|f|s)/g, 'max(b.$1)')}`),
  predicate('a').map((p) => `SELECT x.k, x.n FROM (SELECT a.k, count(*) AS n FROM a WHERE ${p} GROUP BY a.k) x JOIN b ON b.k = x.k`),
  fc.constant('SELECT a.id, b.id, c.id FROM a JOIN b ON a.k = b.k JOIN a c ON c.f = b.f'),
  fc.constant('SELECT a.k, count(*), (SELECT count(*) FROM b WHERE b.k = a.k) FROM a GROUP BY a.k'),
  predicate('b').map((p) => `SELECT a.id FROM a WHERE a.f > (SELECT min(b.f) FROM b WHERE b.k = a.k AND ${p})`),
  fc.constant("SELECT a.id, CASE WHEN a.k > 0 THEN 'pos' WHEN a.k < 0 THEN 'neg' END, COALESCE(a.s, 'none') || '!', NULLIF(a.k, 0) FROM a"),
);

/** Queries whose row order is fully determined: compared in order. */
const ordered = fc.oneof(
  fc.tuple(fc.constantFrom('ASC', 'DESC'), fc.constantFrom('', ' NULLS FIRST', ' NULLS LAST'), fc.nat(4), fc.nat(3)).map(
    ([d, n, l, o]) => `SELECT a.id, a.f FROM a ORDER BY a.f ${d}${n}, a.id LIMIT ${l} OFFSET ${o}`,
  ),
  fc.tuple(fc.constantFrom('ASC', 'DESC'), fc.nat(5)).map(([d, l]) => `SELECT a.k, count(*) FROM a GROUP BY a.k ORDER BY count(*) ${d}, a.k NULLS FIRST LIMIT ${l}`),
  fc.constant('SELECT a.id, b.id FROM a LEFT JOIN b ON a.k = b.k ORDER BY a.id, b.id NULLS FIRST'),
);

describe('SELECT differential against PGlite', () => {
  it('returns the same rows as Postgres', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 10 }), fc.array(row, { maxLength: 10 }), fc.array(query, { minLength: 1, maxLength: 6 }), fc.array(ordered, { maxLength: 2 }), async (ra, rb, qs, oq) => {
        const db = new TestDb();
        db.withStats = false;
        const ta = ra.map((r, i) => [i + 1, ...r]);
        const tb = rb.map((r, i) => [i + 1, ...r]);
        const cols = [{ name: 'id', type: I, pk: true }, { name: 'k', type: I }, { name: 'f', type: F }, { name: 's', type: T }];
        const idx = (t: string): { name: string; columns: string[] }[] => [
          { name: `${t}_k`, columns: ['k'] },
          { name: `${t}_f`, columns: ['f'] },
          { name: `${t}_s`, columns: ['s'] },
        ];
        db.createTable('a', cols, ta, idx('a'));
        db.createTable('b', cols, tb, idx('b'));
        const ddl = (t: string, rows: Value[][]): string =>
          `DROP TABLE IF EXISTS ${t}; CREATE TABLE ${t} (id bigint primary key, k bigint, f double precision, s text);` +
          (rows.length ? `INSERT INTO ${t} VALUES ${rows.map((r) => `(${r.map((v) => lit(v as number | string | null)).join(', ')})`).join(', ')};` : '');
        await pg.pgQuery('SELECT 1');
        for (const stmt of ddl('a', ta).split(';').filter((x) => x.trim())) await pg.pgQuery(stmt);
        for (const stmt of ddl('b', tb).split(';').filter((x) => x.trim())) await pg.pgQuery(stmt);
        for (const q of oq) {
          const theirs = (await pg.pgQuery(q)).map((r) => r.map(String).join('|'));
          const mine = db.query(q).map((r) => r.map(String).join('|'));
          expect(mine, q).toEqual(theirs);
        }
        for (const q of qs) {
          const theirs = norm(await pg.pgQuery(q));
          const mine = norm(db.query(q));
          expect(mine, q).toEqual(theirs);
        }
      }),
      { numRuns: 30 },
    );
  }, 120_000);
});
