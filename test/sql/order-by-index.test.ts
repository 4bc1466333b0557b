/**
 * ORDER BY served by rowid / index order (issue 4, planner/order-by-index.ts): differential
 * against PGlite (TEXT in COLLATE "C", our text order) on data with NULLs, negatives, zeros,
 * mixed-case and non-ASCII text sharing 8-byte prefixes, duplicates; every direction and NULLS
 * placement, LIMIT/OFFSET, bounds; and EXPLAIN / EXPLAIN ANALYZE showing where the sort goes
 * (and where it stays: no LIMIT on a fetching walk, equality seeks, DISTINCT, GROUP BY, joins,
 * expressions). Descending walks and FLOAT64: order-by-index-desc.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgHarness } from '../diff/pg-harness.js';
import { canonicalRows } from '../diff/result-compare.js';
import type { Database } from '../../src/index.js';
import { memoryDb, rows } from './sql-helpers.js';

const N = 300;
const TEXTS = ['', 'a', 'A', 'ab', 'abcdefgh', 'abcdefghZ', 'abcdefgha', 'abcdefgh\u0001', 'Zebra', 'zebra', 'é', 'éclair', 'e\u0301', '日本語テキスト', '日本語テキストです', '😀', '😀x', '\uffff', 'Ω', 'apple pie', 'Apple', 'APPLE', 'apple'];
const BLOBS = ['', '00', '0000', '01', '0102030405060708', '010203040506070809', '01020304050607080a', 'ff', 'fffe'];

/** Deterministic rows: id (negatives, gaps), i (NULL, 0, negatives, dups), s, b, bl, f. */
function dataRows(): string[] {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const out: string[] = [];
  for (let k = 0; k < N; k++) {
    const id = (k % 3 === 0 ? -1 : 1) * (k * 7 + 1);
    const i = rnd(6) === 0 ? 'NULL' : String(rnd(41) - 20 + (rnd(10) === 0 ? 2 ** 40 : 0) * (rnd(2) === 0 ? -1 : 1));
    const s = rnd(7) === 0 ? 'NULL' : `'${TEXTS[rnd(TEXTS.length)]!.replace(/'/g, "''")}${rnd(3) === 0 ? String(rnd(5)) : ''}'`;
    const b = ['NULL', 'true', 'false'][rnd(3)]!;
    const bl = rnd(6) === 0 ? 'NULL' : `'\\x${BLOBS[rnd(BLOBS.length)]!}'`;
    const f = rnd(6) === 0 ? 'NULL' : String((rnd(21) - 10) / 4);
    out.push(`(${id}, ${i}, ${s}, ${b}, ${bl}, ${f})`);
  }
  return out;
}

const INDEXES = ['CREATE INDEX t_i ON t (i)', 'CREATE INDEX t_s ON t (s)', 'CREATE INDEX t_b ON t (b)', 'CREATE INDEX t_bl ON t (bl)', 'CREATE INDEX t_f ON t (f)'];

let pg: PgHarness;
let db: Database;

beforeAll(async () => {
  const values = dataRows();
  pg = await PgHarness.create();
  await pg.exec(`CREATE TABLE t (id BIGINT PRIMARY KEY, i BIGINT, s TEXT COLLATE "C", b BOOLEAN, bl BYTEA, f DOUBLE PRECISION);
    INSERT INTO t VALUES ${values.join(', ')};`);
  db = memoryDb(`CREATE TABLE t (id BIGINT PRIMARY KEY, i BIGINT, s TEXT, b BOOLEAN, bl BYTEA, f DOUBLE PRECISION);
    ${INDEXES.join(';\n')};
    INSERT INTO t VALUES ${values.join(', ')};`);
});

afterAll(async () => {
  db.close();
  await pg.close();
});

const plan = (sql: string): string => rows(db, `EXPLAIN ${sql}`).map((r) => String(r[0])).join('\n');

async function same(sql: string): Promise<void> {
  const want = canonicalRows(await pg.pgQuery(sql));
  expect(canonicalRows(rows(db, sql)), sql).toEqual(want);
}

const DIRS = ['', ' ASC', ' NULLS FIRST', ' ASC NULLS LAST', ' DESC', ' DESC NULLS LAST'];
const TAILS = ['', ' LIMIT 7', ' LIMIT 5 OFFSET 40', ' LIMIT 0', ' OFFSET 250', ' LIMIT 3 OFFSET 1000'];

describe('ORDER BY over an index or the rowid, against PGlite', () => {
  for (const col of ['id', 'i', 's', 'b', 'bl', 'f']) {
    it(`ORDER BY ${col}: every direction, NULLS placement and LIMIT/OFFSET`, async () => {
      for (const dir of DIRS)
        for (const tail of TAILS) {
          // The sort column alone (ties are indistinguishable), then a total order with id.
          await same(`SELECT ${col} FROM t ORDER BY ${col}${dir}${tail}`);
          await same(`SELECT ${col}, id, i FROM t ORDER BY ${col}${dir}, id${tail}`);
        }
    });
  }

  it('bounded walks, other filters, hidden and ordinal ORDER BY keys, parameters', async () => {
    const cases = [
      `SELECT s, id FROM t WHERE s >= 'abcdefgh' ORDER BY s, id LIMIT 9`,
      `SELECT s, id FROM t WHERE s > 'a' AND s < 'é' ORDER BY s, id`,
      `SELECT i, id FROM t WHERE i >= -5 ORDER BY i, id LIMIT 12 OFFSET 3`,
      `SELECT i, id FROM t WHERE i BETWEEN -30 AND 2 ORDER BY i, id`,
      `SELECT i, id FROM t WHERE i < 0 ORDER BY i NULLS FIRST, id LIMIT 20`,
      `SELECT id FROM t WHERE id > -100 AND id < 300 ORDER BY id`,
      `SELECT id FROM t WHERE id < 0 ORDER BY id LIMIT 10`,
      `SELECT id, s FROM t WHERE b ORDER BY s, id LIMIT 10`,
      `SELECT id FROM t ORDER BY s, id LIMIT 10 OFFSET 20`,
      `SELECT s AS name, id FROM t ORDER BY name, 2 LIMIT 15`,
      `SELECT id, s FROM t ORDER BY 2, 1 LIMIT 15 OFFSET 100`,
      `SELECT * FROM t ORDER BY s, id LIMIT 6 OFFSET 7`,
      `SELECT bl, id FROM t WHERE bl > '\\x01' ORDER BY bl, id LIMIT 10`,
      `SELECT DISTINCT s FROM t ORDER BY s LIMIT 10`,
      `SELECT i, count(*) FROM t GROUP BY i ORDER BY i LIMIT 5`,
    ];
    for (const sql of cases) await same(sql);
    // A prepared statement re-run with other bounds and LIMIT.
    const stmt = db.prepare('SELECT i, id FROM t WHERE i > $1 ORDER BY i, id LIMIT $2');
    for (const [lo, n] of [[-10, 5], [3, 2], [100, 4], [-(2 ** 41), 50]] as const) {
      const want = canonicalRows(await pg.pgQuery(`SELECT i, id FROM t WHERE i > ${lo} ORDER BY i, id LIMIT ${n}`));
      expect(canonicalRows(stmt.all([lo, n], 'array') as unknown[][])).toEqual(want);
    }
  });
});

describe('EXPLAIN shows where the sort goes', () => {
  it('removes the sort for rowid order and for LIMITed ascending index order', () => {
    expect(plan('SELECT id FROM t ORDER BY id')).toBe('Project: id\n  OrderedRowidScan t ORDER BY id');
    expect(plan('SELECT id, i, s FROM t ORDER BY i LIMIT 5')).toBe('Limit 5\n  Project: id, i, s\n    OrderedIndexScan t USING t_i ORDER BY i');
    expect(plan('SELECT id, i, s FROM t ORDER BY i NULLS FIRST LIMIT 5 OFFSET 2')).toBe('Limit 5 OFFSET 2\n  Project: id, i, s\n    OrderedIndexScan t USING t_i ORDER BY i NULLS FIRST');
    expect(plan('SELECT b, s FROM t ORDER BY b LIMIT 5')).toBe('Limit 5\n  Project: b, s\n    OrderedIndexScan t USING t_b ORDER BY b');
    // Text keys are 8-byte prefixes: only runs of equal prefixes are sorted.
    expect(plan('SELECT s, i FROM t ORDER BY s LIMIT 5')).toBe('Limit 5\n  IncrementalSort: s ASC (runs of equal index key)\n    Project: s, i\n      OrderedIndexScan t USING t_s ORDER BY s');
    // Only the key and the rowid are read: rows come from the index entries, even without LIMIT.
    expect(plan('SELECT id, s FROM t ORDER BY s, id')).toBe('IncrementalSort: s ASC, id ASC (runs of equal index key)\n  Project: id, s\n    OrderedIndexOnlyScan t USING t_s ORDER BY s');
    expect(plan('SELECT id, i FROM t ORDER BY i')).toBe('Project: id, i\n  OrderedIndexOnlyScan t USING t_i ORDER BY i');
    expect(plan('SELECT b FROM t ORDER BY b NULLS FIRST')).toBe('Project: b\n  OrderedIndexOnlyScan t USING t_b ORDER BY b NULLS FIRST');
    // A range on the same index keeps its bounds and needs no LIMIT.
    expect(plan('SELECT i, s FROM t WHERE i > 3 ORDER BY i, id')).toContain('OrderedIndexScan t USING t_i ORDER BY i (i > 3)');
    expect(plan('SELECT id, i FROM t WHERE b ORDER BY i LIMIT 40')).toContain('OrderedIndexScan t USING t_i ORDER BY i\n      Filter: b');
  });

  it('keeps the sort where the key order is not SQL order or a walk would cost more', () => {
    for (const sql of [
      'SELECT id, s, f FROM t ORDER BY f DESC', // no LIMIT: fetching every row loses
      'SELECT id, i, s FROM t ORDER BY i', // no LIMIT: fetching every row loses to scan + sort
      'SELECT id, i, s FROM t ORDER BY i LIMIT 200', // 3 × 200 > 300 rows
      'SELECT id, i FROM t WHERE b ORDER BY i LIMIT 60', // a filter: expect to walk 2 × 60
      'SELECT id, i FROM t WHERE i = 3 ORDER BY i, id LIMIT 5', // equality seek kept
      'SELECT DISTINCT i FROM t ORDER BY i LIMIT 5',
      'SELECT i FROM t GROUP BY i ORDER BY i LIMIT 5',
      'SELECT t.id FROM t JOIN t u ON u.id = t.id ORDER BY t.i LIMIT 5',
      'SELECT id FROM t ORDER BY i + 0 LIMIT 5',
    ]) {
      const p = plan(sql);
      expect(p, sql).toMatch(/^(Sort|TopN|Project: id\n {2}Sort|Project: id\n {2}TopN)/);
      expect(p, sql).not.toContain('Ordered');
    }
  });

  it('stops the walk early: LIMIT reads about LIMIT + OFFSET rows (EXPLAIN ANALYZE counters)', () => {
    const counters = (sql: string): { rows: number; read: number; entries: number } => {
      const last = String(rows(db, `EXPLAIN ANALYZE ${sql}`).at(-1)![0]);
      const m = /Rows: (\d+); rows read: (\d+); index entries: (\d+)/.exec(last)!;
      return { rows: Number(m[1]), read: Number(m[2]), entries: Number(m[3]) };
    };
    const byRowid = counters('SELECT id FROM t ORDER BY id LIMIT 5 OFFSET 10');
    expect(byRowid.rows).toBe(5);
    expect(byRowid.read).toBe(15);
    const byInt = counters('SELECT id, i, s FROM t ORDER BY i LIMIT 5');
    expect(byInt.rows).toBe(5);
    expect(byInt.read).toBeLessThanOrEqual(5);
    // Covering INT64 walk: only key-0 entries (i = 0 or NULL, the latter skipped until the NULL
    // pass, which this LIMIT never reaches) are fetched.
    const coveredInt = counters('SELECT id, i FROM t ORDER BY i LIMIT 5 OFFSET 150');
    expect(coveredInt.rows).toBe(5);
    expect(coveredInt.read).toBe(Number(rows(db, 'SELECT count(*) FROM t WHERE i = 0 OR i IS NULL')[0]![0]));
    const covered = counters('SELECT id, s FROM t ORDER BY s, id LIMIT 5 OFFSET 100');
    expect(covered.rows).toBe(5);
    // Entries of key 0 ('' and NULL) are fetched; the others are read from the index alone.
    expect(covered.read).toBeLessThan(60);
    // TEXT entries without value bytes are NULLs: neither pass fetches them. Only '' entries
    // (key 0 too) are fetched to tell them from a NULL.
    const empty = Number(rows(db, "SELECT count(*) FROM t WHERE s = ''")[0]![0]);
    const nulls = Number(rows(db, 'SELECT count(*) FROM t WHERE s IS NULL')[0]![0]);
    expect(nulls).toBeGreaterThan(20);
    // (+ 1: the IncrementalSort reads the first row after the NULL run to end it.)
    expect(counters('SELECT id, s FROM t ORDER BY s NULLS FIRST LIMIT 3').read).toBe(empty + 1);
    expect(counters('SELECT id, s, i FROM t ORDER BY s LIMIT 3').read).toBeLessThan(empty + 10);
    // The walk ends with the run of equal prefixes holding row 105 (a long 'abcdefgh…' run).
    expect(covered.entries).toBeLessThan(N * 0.7);
  });
});

describe('IncrementalSort over long runs of equal keys', () => {
  it('spills a run larger than the memory budget and keeps SQL order', () => {
    const small = memoryDb('CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT); CREATE INDEX u_s ON u (s)', { memoryBudgetBytes: 4096 });
    try {
      const vals: [number, string | null][] = [];
      for (let k = 0; k < 400; k++) vals.push([k - 200, k % 17 === 0 ? null : `samepfx-${(k * 7919) % 400}`]);
      small.exec(`INSERT INTO u VALUES ${vals.map(([id, s]) => `(${id}, ${s === null ? 'NULL' : `'${s}'`})`).join(', ')}`);
      const want = vals
        .filter((v) => v[1] !== null)
        .sort((a, b) => (a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : a[0] - b[0]))
        .slice(300, 305);
      const sql = 'SELECT id, s FROM u ORDER BY s, id LIMIT 5 OFFSET 300';
      expect(rows(small, `EXPLAIN ${sql}`).flat().join('\n')).toContain('OrderedIndexOnlyScan u USING u_s ORDER BY s');
      expect(rows(small, sql)).toEqual(want);
      const analyzed = String(rows(small, `EXPLAIN ANALYZE ${sql}`).at(-1)![0]);
      expect(analyzed).toMatch(/sort spills: 1/);
      // NULLs first: a run of their own ahead of the shared-prefix run.
      expect(rows(small, 'SELECT id, s FROM u ORDER BY s NULLS FIRST, id LIMIT 2')).toEqual([
        [-200, null],
        [-183, null],
      ]);
    } finally {
      small.close();
    }
  });
});
