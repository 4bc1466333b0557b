/**
 * Top-N pruning at the scan (exec/top-n-bound.ts): a Scan under a TopN rejects, from their
 * stored bytes, rows whose leading ORDER BY key sorts after the worst row the TopN keeps. The
 * rows returned must be exactly those of the same query without pruning (an expression key
 * turns it off) and of PGlite, for TEXT (non-ASCII, astral, shared prefixes, values stored
 * compressed) and INT64 (beyond 2^53, negatives) keys, every direction and NULLS placement,
 * with filters and projections between, LIMIT/OFFSET and parameters; EXPLAIN ANALYZE shows the
 * pruning where it applies and not where it must not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PgHarness } from '../diff/pg-harness.js';
import type { Database } from '../../src/index.js';
import { memoryDb, rows } from './sql-helpers.js';

const TEXTS = ['', 'a', 'A', 'ab', 'abc', 'abcdefgh', 'abcdefgZ', 'Zebra', 'zebra', 'é', 'éclair', 'ê', 'e\u0301', '日本語', '😀', '😀x', '\uffff', '\ue000', 'Ω', 'the song'];
const LONG = (i: number): string => `${'compressible '.repeat(20)}${i}`; // > 128 bytes: stored compressed

interface Row { id: number; s: string | null; i: bigint | null; n: number }

const rowArb = (id: number): fc.Arbitrary<Row> =>
  fc.record({
    s: fc.oneof(fc.constant(null), fc.constantFrom(...TEXTS), fc.integer({ min: 0, max: 9 }).map(LONG), fc.string({ maxLength: 4 })),
    i: fc.oneof(fc.constant(null), fc.bigInt({ min: -50n, max: 50n }), fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n })),
    n: fc.integer({ min: 0, max: 9 }),
  }).map((r) => ({ id, ...r }));

const lit = (v: string | bigint | null): string => (v === null ? 'NULL' : typeof v === 'bigint' ? v.toString() : `'${v.replace(/'/g, "''")}'`);
const insert = (rs: readonly Row[]): string => `INSERT INTO t VALUES ${rs.map((r) => `(${r.id}, ${lit(r.s)}, ${lit(r.i)}, ${r.n})`).join(', ')}`;

let pg: PgHarness;
beforeAll(async () => {
  pg = await PgHarness.create();
});
afterAll(async () => {
  await pg.close();
});

const ids = (db: Database, sql: string, params: unknown[] = []): string[] => rows(db, sql, params).map((r) => String(r[0]));
const pruned = (db: Database, sql: string): number => {
  const text = rows(db, `EXPLAIN ANALYZE ${sql}`).map((r) => String(r[0])).join('\n');
  const m = /rows pruned undecoded by top-N: (\d+)/.exec(text);
  return m === null ? 0 : Number(m[1]);
};

describe('TopN pruning at the scan', () => {
  it('returns what the unpruned query and PGlite return, for random rows and orders', async () => {
    const keys = fc.constantFrom('s', 'i');
    const dirs = fc.constantFrom('', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST', ' ASC NULLS LAST', ' DESC NULLS FIRST');
    const tails = fc.constantFrom(' LIMIT 1', ' LIMIT 3', ' LIMIT 5 OFFSET 7', ' LIMIT 2 OFFSET 40');
    const wheres = fc.constantFrom('', ' WHERE n > 2', ' WHERE s IS NOT NULL');
    // The scan visits ids ascending: with `id DESC` as the tie-break, rows tying the bound's
    // key later in the scan sort before the kept ones, so ties must pass the scan.
    const ties = fc.constantFrom(', id', ', id DESC');
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 160 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, k) => rowArb(k + 1)))), keys, dirs, tails, wheres, ties, async (rs, key, dir, tail, where, tie) => {
        const db = memoryDb(`CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, i BIGINT, n INTEGER); ${insert(rs)}`);
        try {
          const sql = `SELECT id, ${key} FROM t${where} ORDER BY ${key}${dir}${tie}${tail}`;
          const unpruned = `SELECT id, ${key} FROM t${where} ORDER BY ${key === 's' ? "s || ''" : 'i + 0'}${dir}${tie}${tail}`;
          const got = ids(db, sql);
          expect(got, sql).toEqual(ids(db, unpruned));
          await pg.exec(`DROP TABLE IF EXISTS t; CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT COLLATE "C", i BIGINT, n INTEGER); ${insert(rs)}`);
          expect(got, sql).toEqual((await pg.pgQuery(sql)).map((r) => String(r[0])));
        } finally {
          db.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('prunes rows undecoded under filters and projections, per direction and NULLS placement', () => {
    const values: string[] = [];
    for (let k = 1; k <= 2000; k++) values.push(`(${k}, ${k % 11 === 0 ? 'NULL' : `'title ${String((k * 7919) % 2000).padStart(4, '0')}'`}, ${k % 13 === 0 ? 'NULL' : (k * 104729) % 5000}, ${k % 10})`);
    const db = memoryDb(`CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, i BIGINT, n INTEGER); INSERT INTO t VALUES ${values.join(', ')}`);
    const cases = [
      'SELECT id FROM t ORDER BY s, id LIMIT 10',
      'SELECT id, s FROM t ORDER BY s DESC, id DESC LIMIT 10 OFFSET 5',
      'SELECT id FROM t ORDER BY s NULLS FIRST, id LIMIT 10',
      'SELECT id FROM t ORDER BY s DESC NULLS LAST, id LIMIT 200',
      'SELECT id FROM t WHERE n < 5 ORDER BY i, id DESC LIMIT 10',
      'SELECT id, i * 2 FROM t ORDER BY i DESC, id LIMIT 10',
    ];
    for (const sql of cases) {
      expect(pruned(db, sql), sql).toBeGreaterThan(1000);
      const unpruned = sql.replace(/ORDER BY (s|i)/, (_, k: string) => `ORDER BY ${k === 's' ? "s || ''" : 'i + 0'}`);
      expect(pruned(db, unpruned), unpruned).toBe(0);
      expect(ids(db, sql), sql).toEqual(ids(db, unpruned));
    }
    // A TopN re-opened per outer row (correlated subquery) starts each run without a bound.
    const correlated = 'SELECT n, (SELECT t2.id FROM t AS t2 WHERE t2.n = g.n ORDER BY t2.s DESC, t2.id LIMIT 1) FROM (SELECT DISTINCT n FROM t) AS g ORDER BY n';
    expect(rows(db, correlated)).toEqual(rows(db, correlated.replace('ORDER BY t2.s DESC', "ORDER BY t2.s || '' DESC")));
    expect(rows(db, correlated).length).toBe(10);
    // Parameters in LIMIT/OFFSET, a prepared statement re-run with other values.
    const stmt = db.prepare('SELECT id FROM t ORDER BY s, id LIMIT $1 OFFSET $2');
    for (const [limit, offset] of [[3, 0], [50, 100], [5, 1990], [1, 0]] as const) {
      const want = ids(db, `SELECT id FROM t ORDER BY s || '', id LIMIT ${limit} OFFSET ${offset}`);
      expect((stmt.all([limit, offset], 'array') as unknown[][]).map((r) => String(r[0]))).toEqual(want);
    }
    db.close();
  });

  it('does not prune where rows between the scan and the TopN are not the scan\'s own', () => {
    const xs = Array.from({ length: 500 }, (_, k) => k + 1);
    const db = memoryDb(`CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, i BIGINT, n INTEGER);
      CREATE TABLE u (id INTEGER PRIMARY KEY, t_id INTEGER);
      INSERT INTO t VALUES ${xs.map((x) => `(${x}, 'v${(x * 37) % 500}', ${(x * 31) % 700}, ${x % 10})`).join(', ')};
      INSERT INTO u VALUES ${xs.map((x) => `(${x}, ${(x % 500) + 1})`).join(', ')}`);
    const cases = [
      'SELECT t.id FROM t JOIN u ON u.t_id = t.id ORDER BY t.s, t.id LIMIT 5',
      'SELECT id FROM (SELECT id, s FROM t LIMIT 300) AS q ORDER BY s, id LIMIT 5',
      'SELECT DISTINCT s FROM t ORDER BY s LIMIT 5',
      'SELECT n, count(*) FROM t GROUP BY n ORDER BY n LIMIT 3',
      'SELECT id FROM t ORDER BY id LIMIT 5',
    ];
    for (const sql of cases) {
      expect(pruned(db, sql), sql).toBe(0);
    }
    expect(ids(db, cases[1]!)).toEqual(ids(db, "SELECT id FROM (SELECT id, s FROM t LIMIT 300) AS q ORDER BY s || '', id LIMIT 5"));
    db.close();
  });
});
