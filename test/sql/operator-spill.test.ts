/**
 * Operators past the memory budget (exec/hash-spill.ts, grace-pairs.ts, block-nested-loop.ts,
 * and the sort under ROW_NUMBER): the same queries on a database with a 256-byte budget (tables
 * spill after a row or two, partitions recurse to the deepest level) must give what the
 * in-memory run gives and what PGlite gives; a fast-check property compares GROUP BY / DISTINCT
 * over random rows with a JS model; every spill file must be gone afterwards, also when an
 * expression fails in a later pass or a LIMIT stops early.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgHarness } from '../diff/pg-harness.js';
import type { Database } from '../../src/index.js';
import { memoryDb, rows } from './sql-helpers.js';
import { TrackingVfs } from './pg-compare.js';

const N = 600;
const WORDS = ['', 'a', 'A', 'ab', 'Zebra', 'zebra', 'é', '日本語', '😀', 'the song', 'The Song'];


function dataRows(): string[] {
  let seed = 4242;
  const rnd = (n: number): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const out: string[] = [];
  for (let k = 0; k < N; k++) {
    const i = rnd(7) === 0 ? 'NULL' : String(rnd(150) - 40);
    const s = rnd(9) === 0 ? 'NULL' : `'${WORDS[rnd(WORDS.length)]!}${rnd(40)}'`;
    const f = rnd(8) === 0 ? 'NULL' : String((rnd(41) - 20) / 4);
    const d = rnd(8) === 0 ? 'NULL' : ((rnd(401) - 200) / 100).toFixed(2);
    const b = ['NULL', 'true', 'false'][rnd(3)]!;
    out.push(`(${k + 1}, ${i}, ${s}, ${f}, ${d}, ${b})`);
  }
  return out;
}

/** Rows as comparable text (bigints, Decimals and floats print the same on both runs). */
const text = (db: Database, sql: string): string[] => rows(db, sql).map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|'));

let pg: PgHarness;
let mem: Database;
let tiny: Database;
let tinyVfs: TrackingVfs;

beforeAll(async () => {
  const values = dataRows().join(', ');
  pg = await PgHarness.create();
  await pg.exec(`CREATE TABLE t (id BIGINT PRIMARY KEY, i BIGINT, s TEXT COLLATE "C", f DOUBLE PRECISION, d NUMERIC(10,2), b BOOLEAN);
    INSERT INTO t VALUES ${values};`);
  const ddl = `CREATE TABLE t (id BIGINT PRIMARY KEY, i BIGINT, s TEXT, f DOUBLE PRECISION, d DECIMAL(10,2), b BOOLEAN);
    INSERT INTO t VALUES ${values};`;
  mem = memoryDb(ddl);
  tinyVfs = new TrackingVfs();
  tiny = memoryDb(ddl, { vfs: tinyVfs, memoryBudgetBytes: 256 });
});

afterAll(async () => {
  mem.close();
  tiny.close();
  await pg.close();
});

/** The hash-spill count EXPLAIN ANALYZE reports for `sql` on `db`. */
function operatorSpills(db: Database, sql: string): number {
  const lines = rows(db, `EXPLAIN ANALYZE ${sql}`).map((r) => String(r[0]));
  const m = /operator spills: (\d+)/.exec(lines.join('\n'));
  return m === null ? 0 : Number(m[1]);
}

const QUERIES = [
  'SELECT i, count(*), sum(f), min(s), max(d), avg(d) FROM t GROUP BY i ORDER BY i NULLS FIRST',
  'SELECT s, count(DISTINCT i), sum(i), count(f) FROM t GROUP BY s ORDER BY s',
  'SELECT b, i, count(*), max(id) FROM t GROUP BY b, i ORDER BY b, i',
  'SELECT d, count(*) FROM t GROUP BY d HAVING count(*) > 1 ORDER BY d',
  'SELECT lower(s) AS l, count(*) FROM t GROUP BY lower(s) ORDER BY l',
  'SELECT f, min(id) FROM t GROUP BY f ORDER BY f',
  'SELECT DISTINCT s FROM t ORDER BY s',
  'SELECT DISTINCT i, b FROM t ORDER BY i, b',
  'SELECT DISTINCT d FROM t ORDER BY d',
  'SELECT count(*) FROM (SELECT DISTINCT s, i FROM t) x',
  'SELECT count(*), sum(n) FROM (SELECT i, count(*) AS n FROM t GROUP BY i) g',
  'SELECT s FROM t WHERE b UNION SELECT s FROM t WHERE NOT b ORDER BY 1',
  'SELECT i, b FROM t UNION SELECT i + 1, b FROM t ORDER BY 1, 2',
  'SELECT s, i % 5 FROM t INTERSECT SELECT s, i % 7 FROM t ORDER BY 1, 2',
  'SELECT i % 9, b FROM t INTERSECT ALL SELECT i % 4, b FROM t ORDER BY 1, 2',
  'SELECT s FROM t EXCEPT SELECT s FROM t WHERE b ORDER BY 1',
  'SELECT i % 11 FROM t EXCEPT ALL SELECT i % 13 FROM t WHERE NOT b ORDER BY 1',
];

describe('hash aggregation and DISTINCT past the memory budget', () => {
  it('give the in-memory results, and spill on the tiny budget', () => {
    for (const sql of QUERIES) {
      const want = text(mem, sql);
      expect(want.length, sql).toBeGreaterThan(0);
      expect(text(tiny, sql), `${sql} (tiny budget)`).toEqual(want);
      expect(operatorSpills(tiny, sql), sql).toBeGreaterThan(0);
      expect(operatorSpills(mem, sql), sql).toBe(0);
    }
  });

  it('find the groups and distinct values PGlite finds', async () => {
    for (const [sql, pgSql] of [
      ['SELECT s, i % 5 FROM t INTERSECT SELECT s, i % 7 FROM t ORDER BY 1, 2', null],
      ['SELECT i % 9, b FROM t INTERSECT ALL SELECT i % 4, b FROM t ORDER BY 1, 2', null],
      ['SELECT i % 11 FROM t EXCEPT ALL SELECT i % 13 FROM t WHERE NOT b ORDER BY 1', null],
      ['SELECT i, count(*), max(id) FROM t GROUP BY i ORDER BY i NULLS FIRST', null],
      ['SELECT s, count(*), min(id) FROM t GROUP BY s ORDER BY s', null],
      ['SELECT DISTINCT i FROM t ORDER BY i', null],
      ['SELECT b, count(DISTINCT s) FROM t GROUP BY b ORDER BY b', null],
    ] as const) {
      const want = (await pg.pgQuery(pgSql ?? sql)).map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|'));
      expect(text(tiny, sql), sql).toEqual(want);
    }
  });

  it('remove every spill file, also when an aggregate fails in a later pass', () => {
    expect(tinyVfs.created.size).toBeGreaterThan(16);
    for (const p of tinyVfs.created) expect(tinyVfs.exists(p), p).toBe(false);
    // id 577 is far into the input, so its group has been spilled when 1 / 0 is evaluated.
    expect(() => rows(tiny, 'SELECT s, sum(1 / (id - 577)) FROM t GROUP BY s')).toThrow(/division by zero/);
    expect(() => rows(tiny, 'SELECT DISTINCT s, 1 / (id - 577) FROM t')).toThrow(/division by zero/);
    for (const p of tinyVfs.created) expect(tinyVfs.exists(p), p).toBe(false);
    expect(text(tiny, 'SELECT count(*) FROM t')).toEqual([String(N)]);
  });

  it('stop early without leaving files (LIMIT over a spilled DISTINCT)', () => {
    const before = tinyVfs.created.size;
    expect(text(tiny, 'SELECT DISTINCT s, id FROM t LIMIT 3')).toHaveLength(3);
    expect(text(tiny, 'SELECT x FROM (SELECT DISTINCT id % 97 AS x FROM t) q LIMIT 90')).toHaveLength(90);
    expect(tinyVfs.created.size).toBeGreaterThan(before);
    for (const p of tinyVfs.created) expect(tinyVfs.exists(p), p).toBe(false);
  });
});

/** Each query plans with `node`, gives the in-memory rows on the tiny budget (spilling) and PGlite's rows. */
async function spilledLikePg(queries: readonly string[], node: RegExp): Promise<void> {
  for (const sql of queries) {
    expect(rows(mem, `EXPLAIN ${sql}`).join('\n'), sql).toMatch(node);
    const want = text(mem, sql);
    expect(want.length, sql).toBeGreaterThan(0);
    expect(text(tiny, sql), sql).toEqual(want);
    expect(operatorSpills(tiny, sql), sql).toBeGreaterThan(0);
    const pgRows = (await pg.pgQuery(sql)).map((r) => r.map((v) => (v === null ? 'NULL' : String(v))).join('|'));
    expect(want, sql).toEqual(pgRows);
  }
}

describe('hash joins whose build side passes the budget (Grace)', () => {
  const JOINS = [
    'SELECT a.id, b.id FROM t a JOIN t b ON a.i = b.i AND a.id < b.id ORDER BY 1, 2',
    'SELECT a.id, b.id, b.s FROM t a LEFT JOIN t b ON a.s = b.s AND a.b AND b.id > a.id + 300 ORDER BY 1, 2',
    'SELECT x.id, y.id FROM (SELECT * FROM t WHERE b) x FULL JOIN (SELECT * FROM t WHERE NOT b) y ON x.i = y.i AND x.d = y.d ORDER BY 1 NULLS FIRST, 2 NULLS FIRST',
    'SELECT x.id, y.id FROM (SELECT * FROM t WHERE id % 3 = 0) x FULL JOIN (SELECT * FROM t WHERE id % 3 = 1) y ON x.s = y.s ORDER BY 1 NULLS FIRST, 2 NULLS FIRST',
    'SELECT count(*), sum(a.id), sum(b.id) FROM t a JOIN t b ON a.f = b.f',
  ];
  it('join as in memory and as PGlite, spilling on the tiny budget', async () => {
    await spilledLikePg(JOINS, /HashJoin/);
    for (const p of tinyVfs.created) expect(tinyVfs.exists(p), p).toBe(false);
  });

  it('remove the partition files when the join fails or stops early', () => {
    expect(() => rows(tiny, 'SELECT a.id, 1 / (b.id - 577) FROM t a JOIN t b ON a.i = b.i')).toThrow(/division by zero/);
    expect(text(tiny, 'SELECT a.id, b.id FROM t a JOIN t b ON a.i = b.i LIMIT 5')).toHaveLength(5);
    for (const p of tinyVfs.created) expect(tinyVfs.exists(p), p).toBe(false);
  });
});

describe('nested-loop joins whose inner side passes the budget (block nested loop)', () => {
  const JOINS = [
    'SELECT a.id, b.id FROM t a JOIN t b ON a.i < b.i - 100 ORDER BY 1, 2',
    'SELECT a.id, b.id FROM t a LEFT JOIN t b ON a.i > b.i + 105 AND b.s IS NOT NULL ORDER BY 1, 2 NULLS FIRST',
    'SELECT a.id, b.id FROM t a JOIN t b ON a.s < b.s AND a.id % 50 = 0 AND b.id % 40 = 0 ORDER BY 1, 2',
  ];
  it('join as in memory and as PGlite, spilling on the tiny budget', async () => {
    await spilledLikePg(JOINS, /NestedLoop/);
  });

  it('keep FULL semantics (unmatched rows of both sides) and remove the file', () => {
    const sql = 'SELECT x.id, y.id FROM (SELECT * FROM t WHERE id % 7 = 0) x FULL JOIN (SELECT * FROM t WHERE id % 5 = 0) y ON x.i < y.i - 90 ORDER BY 1 NULLS FIRST, 2 NULLS FIRST';
    const want = text(mem, sql);
    expect(want.some((r) => r.startsWith('NULL|'))).toBe(true);
    expect(want.some((r) => r.endsWith('|NULL'))).toBe(true);
    expect(text(tiny, sql)).toEqual(want);
    expect(operatorSpills(tiny, sql)).toBeGreaterThan(0);
    expect(() => rows(tiny, 'SELECT a.id FROM t a JOIN t b ON a.i < b.i AND 1 / (b.id - 577) > 0')).toThrow(/division by zero/);
    for (const p of tinyVfs.created) expect(tinyVfs.exists(p), p).toBe(false);
  });
});

describe('ROW_NUMBER over a sort that spills', () => {
  it('numbers rows per partition as PGlite does, in memory and on the tiny budget', async () => {
    for (const sql of [
      'SELECT id, row_number() OVER (PARTITION BY s ORDER BY i, id) FROM t ORDER BY id',
      'SELECT id, row_number() OVER (PARTITION BY b, i ORDER BY d DESC NULLS LAST, id) FROM t ORDER BY id',
      'SELECT id, row_number() OVER (ORDER BY f NULLS FIRST, id) FROM t ORDER BY id',
      'SELECT id, row_number() OVER (PARTITION BY i % 3) AS n FROM t WHERE i IS NOT NULL ORDER BY id',
    ]) {
      const want = text(mem, sql);
      expect(text(tiny, sql), sql).toEqual(want);
      if (!sql.includes('i % 3')) {
        const pgRows = (await pg.pgQuery(sql)).map((r) => r.map((v) => String(v)).join('|'));
        expect(want, sql).toEqual(pgRows);
      }
    }
    // Without ORDER BY in the window, numbering follows input order within each partition.
    const n = rows(mem, 'SELECT i % 3, max(n), count(*) FROM (SELECT i, row_number() OVER (PARTITION BY i % 3) AS n FROM t WHERE i IS NOT NULL) x GROUP BY i % 3');
    for (const r of n) expect(Number(r[1])).toBe(Number(r[2]));
  });
});

describe('property: spilled GROUP BY and DISTINCT match a model', () => {
  it('count and sum per key, and the distinct keys, for random rows and budgets', () => {
    const row = fc.record({ k: fc.option(fc.integer({ min: -30, max: 300 }), { nil: null }), t: fc.option(fc.constantFrom('x', 'y', 'zz', ''), { nil: null }), v: fc.integer({ min: -5, max: 5 }) });
    fc.assert(fc.property(fc.array(row, { maxLength: 250 }), fc.constantFrom(64, 200, 1000, 1 << 20), (data, budget) => {
      const vfs = new TrackingVfs();
      const db = memoryDb('CREATE TABLE r (id INTEGER PRIMARY KEY, k BIGINT, t TEXT, v BIGINT)', { vfs, memoryBudgetBytes: budget });
      try {
        const insert = db.prepare('INSERT INTO r (k, t, v) VALUES ($1, $2, $3)');
        db.transaction(() => {
          for (const r of data) insert.run([r.k, r.t, r.v]);
        })();
        const model = new Map<string, { n: number; sum: number }>();
        for (const r of data) {
          const key = `${r.k ?? 'NULL'}|${r.t ?? 'NULL'}`;
          const g = model.get(key) ?? { n: 0, sum: 0 };
          g.n++;
          g.sum += r.v;
          model.set(key, g);
        }
        const got = new Map(rows(db, 'SELECT k, t, count(*), sum(v) FROM r GROUP BY k, t').map((r) => [`${r[0] ?? 'NULL'}|${r[1] ?? 'NULL'}`, { n: Number(r[2]), sum: Number(r[3]) }]));
        expect(got).toEqual(model);
        const distinct = rows(db, 'SELECT DISTINCT k, t FROM r').map((r) => `${r[0] ?? 'NULL'}|${r[1] ?? 'NULL'}`);
        expect(distinct).toHaveLength(model.size);
        expect(new Set(distinct)).toEqual(new Set(model.keys()));
        for (const p of vfs.created) expect(vfs.exists(p), p).toBe(false);
      } finally {
        db.close();
      }
    }), { numRuns: 40 });
  });
});
