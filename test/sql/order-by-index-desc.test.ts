/**
 * Descending ORDER BY served by a backward walk of the rowid or an index (B+Tree seekLast/prev),
 * and FLOAT64 index order (negative keys walked backward): differential against PGlite (TEXT in
 * COLLATE "C") on NULLs, negatives, zeros, ±Infinity, NaN, duplicates and text/blob values sharing
 * 8-byte prefixes; DESC [NULLS FIRST|LAST] × LIMIT/OFFSET × range bounds; EXPLAIN and EXPLAIN
 * ANALYZE showing the walk and its early stop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgHarness } from '../diff/pg-harness.js';
import { canonicalRows } from '../diff/result-compare.js';
import type { Database } from '../../src/index.js';
import { memoryDb, rows } from './sql-helpers.js';

const N = 400;
const TEXTS = ['', 'a', 'A', 'abcdefgh', 'abcdefghZ', 'abcdefgha', 'abcdefgh\u0001', 'zebra', 'Zebra', 'é', 'e\u0301', '日本語テキスト', '日本語テキストです', '😀', '\uffff', 'apple', 'Apple'];
const BLOBS = ['', '00', '0000', '01', '0102030405060708', '010203040506070809', 'ff', 'fffe'];
const FLOATS = ['0', "'-0'", "'NaN'", "'Infinity'", "'-Infinity'", '1e308', '-1e308', '5e-324', '-5e-324', '0.5', '-0.5', '2.25', '-2.25', '1e15', '-3'];
const UUIDS = ['00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000001', '0190a1b2-0000-7000-8000-000000000001', '0190a1b2-0000-7000-8000-000000000002', 'ffffffff-ffff-ffff-ffff-ffffffffffff'];

/** Deterministic rows: id (negatives), i (NULL, 0, ±2^40, dups), s, b, bl, f, u. */
function dataRows(): string[] {
  let seed = 424242;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  const out: string[] = [];
  for (let k = 0; k < N; k++) {
    const id = (k % 4 === 0 ? -1 : 1) * (k * 5 + 2);
    const i = rnd(6) === 0 ? 'NULL' : String(rnd(31) - 15 + (rnd(8) === 0 ? 2 ** 40 : 0) * (rnd(2) === 0 ? -1 : 1));
    const s = rnd(7) === 0 ? 'NULL' : `'${TEXTS[rnd(TEXTS.length)]!}${rnd(3) === 0 ? String(rnd(4)) : ''}'`;
    const b = ['NULL', 'true', 'false'][rnd(3)]!;
    const bl = rnd(6) === 0 ? 'NULL' : `'\\x${BLOBS[rnd(BLOBS.length)]!}'`;
    const f = rnd(6) === 0 ? 'NULL' : rnd(2) === 0 ? FLOATS[rnd(FLOATS.length)]! : String((rnd(41) - 20) / 8);
    const u = rnd(5) === 0 ? 'NULL' : `'${UUIDS[rnd(UUIDS.length)]!}'`;
    out.push(`(${id}, ${i}, ${s}, ${b}, ${bl}, CAST(${f} AS DOUBLE PRECISION), ${u})`);
  }
  return out;
}

let pg: PgHarness;
let db: Database;

beforeAll(async () => {
  const values = dataRows();
  pg = await PgHarness.create();
  await pg.exec(`CREATE TABLE d (id BIGINT PRIMARY KEY, i BIGINT, s TEXT COLLATE "C", b BOOLEAN, bl BYTEA, f DOUBLE PRECISION, u UUID);
    INSERT INTO d VALUES ${values.join(', ')};`);
  db = memoryDb(`CREATE TABLE d (id BIGINT PRIMARY KEY, i BIGINT, s TEXT, b BOOLEAN, bl BYTEA, f DOUBLE PRECISION, u UUID);
    CREATE INDEX d_i ON d (i); CREATE INDEX d_s ON d (s); CREATE INDEX d_b ON d (b); CREATE INDEX d_bl ON d (bl);
    CREATE INDEX d_f ON d (f); CREATE INDEX d_u ON d (u);
    INSERT INTO d VALUES ${values.join(', ')};`);
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

const DIRS = [' DESC', ' DESC NULLS LAST', ' DESC NULLS FIRST', '', ' NULLS FIRST'];
const TAILS = ['', ' LIMIT 20', ' LIMIT 5 OFFSET 60', ' LIMIT 0', ' OFFSET 380', ' LIMIT 4 OFFSET 1000'];

describe('descending ORDER BY over an index or the rowid, against PGlite', () => {
  for (const col of ['id', 'i', 's', 'b', 'bl', 'f', 'u']) {
    it(`ORDER BY ${col} DESC: NULLS placement, LIMIT/OFFSET, covering and fetching walks`, async () => {
      // UUIDs come back as text here and as bytes from the harness: compared through the order.
      const out = col === 'u' ? '' : `${col}, `;
      for (const dir of DIRS)
        for (const tail of TAILS) {
          if (col !== 'u') await same(`SELECT ${col} FROM d ORDER BY ${col}${dir}${tail}`);
          await same(`SELECT ${out}id FROM d ORDER BY ${col}${dir}, id${tail}`);
          await same(`SELECT ${out}id, i, s FROM d ORDER BY ${col}${dir}, id DESC${tail}`);
        }
    });
  }

  it('bounded walks, filters and prepared re-runs', async () => {
    const cases = [
      'SELECT id FROM d WHERE id < 100 ORDER BY id DESC LIMIT 10',
      'SELECT id FROM d WHERE id > -300 AND id <= 500 ORDER BY id DESC',
      'SELECT id FROM d WHERE id < 0 ORDER BY id DESC LIMIT 7 OFFSET 3',
      'SELECT i, id FROM d WHERE i >= -5 ORDER BY i DESC, id LIMIT 12 OFFSET 3',
      'SELECT i, id FROM d WHERE i BETWEEN -30 AND 2 ORDER BY i DESC, id',
      'SELECT i, id FROM d WHERE i < 0 ORDER BY i DESC NULLS LAST, id LIMIT 20',
      "SELECT s, id FROM d WHERE s < 'b' ORDER BY s DESC, id LIMIT 9",
      "SELECT s, id FROM d WHERE s >= 'abcdefgh' ORDER BY s DESC, id",
      "SELECT bl, id FROM d WHERE bl > '\\x01' ORDER BY bl DESC, id LIMIT 10",
      'SELECT f, id FROM d WHERE f >= -1 AND f < 2 ORDER BY f DESC, id',
      'SELECT f, id FROM d WHERE f < 0 ORDER BY f, id',
      'SELECT f, id FROM d WHERE f > 0 ORDER BY f DESC, id LIMIT 15',
      'SELECT f, id FROM d WHERE f <= 0 ORDER BY f DESC, id',
      "SELECT f, id FROM d WHERE f >= 'Infinity' ORDER BY f DESC, id",
      "SELECT f, id FROM d WHERE f > -1e308 ORDER BY f, id LIMIT 30",
      'SELECT f, id, s FROM d WHERE b ORDER BY f DESC, id LIMIT 10',
      'SELECT id, i, s, b, bl, f FROM d ORDER BY s DESC, id LIMIT 6 OFFSET 7',
      'SELECT id, s FROM d ORDER BY 2 DESC, 1 LIMIT 15 OFFSET 100',
      'SELECT s AS name, id FROM d ORDER BY name DESC NULLS LAST, id DESC LIMIT 15',
    ];
    for (const sql of cases) await same(sql);
    const stmt = db.prepare('SELECT i, id FROM d WHERE i < $1 ORDER BY i DESC, id LIMIT $2');
    for (const [hi, n] of [[10, 5], [-3, 2], [-100, 4], [2 ** 41, 50]] as const) {
      const want = canonicalRows(await pg.pgQuery(`SELECT i, id FROM d WHERE i < ${hi} ORDER BY i DESC, id LIMIT ${n}`));
      expect(canonicalRows(stmt.all([hi, n], 'array') as unknown[][])).toEqual(want);
    }
    const byRowid = db.prepare('SELECT id FROM d WHERE id <= $1 ORDER BY id DESC LIMIT 3');
    for (const hi of [1000, 7, -9, -5000]) {
      const want = canonicalRows(await pg.pgQuery(`SELECT id FROM d WHERE id <= ${hi} ORDER BY id DESC LIMIT 3`));
      expect(canonicalRows(byRowid.all([hi], 'array') as unknown[][])).toEqual(want);
    }
  });
});

describe('EXPLAIN shows the backward walk', () => {
  it('replaces the sort by a DESC walk', () => {
    expect(plan('SELECT id FROM d ORDER BY id DESC LIMIT 20')).toBe('Limit 20\n  Project: id\n    OrderedRowidScan d ORDER BY id DESC');
    expect(plan('SELECT id FROM d ORDER BY id DESC')).toBe('Project: id\n  OrderedRowidScan d ORDER BY id DESC');
    expect(plan('SELECT id FROM d WHERE id < 5 ORDER BY id DESC')).toBe('Project: id\n  OrderedRowidScan d ORDER BY id DESC (id < 5)\n    Filter: (id < 5)');
    expect(plan('SELECT id, i, s FROM d ORDER BY i DESC LIMIT 5')).toBe('Limit 5\n  Project: id, i, s\n    OrderedIndexScan d USING d_i ORDER BY i DESC');
    expect(plan('SELECT id, i, s FROM d ORDER BY i DESC NULLS LAST LIMIT 5')).toBe('Limit 5\n  Project: id, i, s\n    OrderedIndexScan d USING d_i ORDER BY i DESC NULLS LAST');
    expect(plan('SELECT id, i FROM d ORDER BY i DESC')).toBe('Project: id, i\n  OrderedIndexOnlyScan d USING d_i ORDER BY i DESC');
    expect(plan('SELECT id, s FROM d ORDER BY s DESC, id')).toBe('IncrementalSort: s DESC, id ASC (runs of equal index key)\n  Project: id, s\n    OrderedIndexOnlyScan d USING d_s ORDER BY s DESC');
    expect(plan('SELECT s, i FROM d ORDER BY s DESC NULLS LAST LIMIT 5')).toBe(
      'Limit 5\n  IncrementalSort: s DESC NULLS LAST (runs of equal index key)\n    Project: s, i\n      OrderedIndexScan d USING d_s ORDER BY s DESC NULLS LAST',
    );
    expect(plan('SELECT b, s FROM d ORDER BY b DESC LIMIT 5')).toBe('Limit 5\n  Project: b, s\n    OrderedIndexScan d USING d_b ORDER BY b DESC');
    expect(plan('SELECT u, s FROM d ORDER BY u DESC LIMIT 5')).toContain('OrderedIndexScan d USING d_u ORDER BY u DESC');
    expect(plan('SELECT i, s FROM d WHERE i > 3 ORDER BY i DESC, id')).toContain('OrderedIndexScan d USING d_i ORDER BY i DESC (i > 3)');
    // FLOAT64: served both ways; a single key needs no sort (-0.0/+0.0 and NaNs are adjacent).
    expect(plan('SELECT id, f FROM d ORDER BY f')).toBe('Project: id, f\n  OrderedIndexOnlyScan d USING d_f ORDER BY f');
    expect(plan('SELECT f, s FROM d ORDER BY f DESC LIMIT 5')).toBe('Limit 5\n  Project: f, s\n    OrderedIndexScan d USING d_f ORDER BY f DESC');
    expect(plan('SELECT f, id FROM d ORDER BY f DESC, id')).toContain('IncrementalSort: f DESC, id ASC (runs of equal index key)');
  });

  it('keeps the sort where no walk applies', () => {
    for (const sql of [
      'SELECT id, i, s FROM d ORDER BY i DESC', // fetching every row loses to scan + sort
      'SELECT id, i FROM d ORDER BY id + 0 DESC LIMIT 5',
      'SELECT id, i FROM d WHERE i = 3 ORDER BY i DESC, id LIMIT 5',
      'SELECT DISTINCT i FROM d ORDER BY i DESC LIMIT 5',
      'SELECT id FROM d ORDER BY s || s DESC LIMIT 5',
    ]) {
      const p = plan(sql);
      expect(p, sql).toMatch(/^(Sort|TopN|Project: id(, i)?\n {2}(Sort|TopN))/);
      expect(p, sql).not.toContain('Ordered');
    }
  });

  it('stops the walk early (EXPLAIN ANALYZE counters)', () => {
    const counters = (sql: string): { rows: number; read: number; entries: number } => {
      const last = String(rows(db, `EXPLAIN ANALYZE ${sql}`).at(-1)![0]);
      const m = /Rows: (\d+); rows read: (\d+); index entries: (\d+)/.exec(last)!;
      return { rows: Number(m[1]), read: Number(m[2]), entries: Number(m[3]) };
    };
    expect(counters('SELECT id FROM d ORDER BY id DESC LIMIT 20')).toMatchObject({ rows: 20, read: 20 });
    expect(counters('SELECT id FROM d ORDER BY id DESC LIMIT 5 OFFSET 10')).toMatchObject({ rows: 5, read: 15 });
    // Largest non-zero keys first, read from the index alone.
    expect(counters('SELECT id, i FROM d ORDER BY i DESC NULLS LAST LIMIT 5')).toMatchObject({ rows: 5, read: 0, entries: 5 });
    const fetched = counters('SELECT id, i, s FROM d ORDER BY i DESC NULLS LAST LIMIT 5');
    expect(fetched).toMatchObject({ rows: 5, read: 5 });
    // NULLS FIRST (the DESC default): the NULL pass fetches the key-0 entries (NULL and 0) first.
    const keyZero = Number(rows(db, 'SELECT count(*) FROM d WHERE i = 0 OR i IS NULL')[0]![0]);
    expect(counters('SELECT id, i, s FROM d ORDER BY i DESC LIMIT 5').read).toBeLessThanOrEqual(keyZero);
    expect(counters('SELECT id, s FROM d ORDER BY s DESC NULLS LAST, id LIMIT 5').entries).toBeLessThan(N / 4);
  });
});

describe('backward walks over many leaves', () => {
  it('matches a JS model on 4000 rows with a multi-level index and duplicates', () => {
    const big = memoryDb('CREATE TABLE m (id INTEGER PRIMARY KEY, k BIGINT, t TEXT); CREATE INDEX m_k ON m (k); CREATE INDEX m_t ON m (t)', { memoryBudgetBytes: 4096 });
    try {
      const vals: [number, number | null, string][] = [];
      for (let r = 0; r < 4000; r++) vals.push([r * 3 - 5000, r % 11 === 0 ? null : (r * 7919) % 97 - 40, `prefix--${(r * 31) % 500}`]);
      for (let at = 0; at < vals.length; at += 500) {
        big.exec(`INSERT INTO m VALUES ${vals.slice(at, at + 500).map(([id, k, t]) => `(${id}, ${k ?? 'NULL'}, '${t}')`).join(', ')}`);
      }
      const byId = [...vals].sort((a, b) => b[0] - a[0]);
      expect(rows(big, 'SELECT id FROM m ORDER BY id DESC LIMIT 10 OFFSET 2500')).toEqual(byId.slice(2500, 2510).map((v) => [v[0]]));
      expect(rows(big, 'SELECT id FROM m ORDER BY id DESC').map((r) => r[0])).toEqual(byId.map((v) => v[0]));
      const byK = [...vals].sort((a, b) => (a[1] === b[1] ? a[0] - b[0] : a[1] === null ? -1 : b[1] === null ? 1 : b[1] - a[1]));
      expect(rows(big, 'SELECT id, k FROM m ORDER BY k DESC, id')).toEqual(byK.map((v) => [v[0], v[1]]));
      const byT = [...vals].sort((a, b) => (a[2] === b[2] ? b[0] - a[0] : a[2] < b[2] ? 1 : -1));
      const sql = 'SELECT id, t FROM m ORDER BY t DESC, id DESC LIMIT 50 OFFSET 1000';
      expect(plan2(big, sql)).toContain('OrderedIndexOnlyScan m USING m_t ORDER BY t DESC');
      expect(rows(big, sql)).toEqual(byT.slice(1000, 1050).map((v) => [v[0], v[2]]));
      // Every text shares its 8-byte prefix: one run, spilled at the 4 KiB budget.
      expect(String(rows(big, `EXPLAIN ANALYZE ${sql}`).at(-1)![0])).toMatch(/sort spills: 1/);
    } finally {
      big.close();
    }
  });
});

function plan2(d: Database, sql: string): string {
  return rows(d, `EXPLAIN ${sql}`).map((r) => String(r[0])).join('\n');
}
