/**
 * Sort and TopN without an index (exec/sort-ops.ts, sort-keys.ts, sort-select.ts, external-sort.ts)
 * against PGlite: random rows of every key type (BIGINT, TEXT in COLLATE "C" with non-ASCII,
 * astral and shared prefixes, DOUBLE, NUMERIC, TIMESTAMP, UUID, BYTEA, BOOLEAN) with NULLs, each
 * direction and NULLS placement, expression keys and cross-type numerics, LIMIT/OFFSET edges,
 * in memory and with a budget so small that runs exceed the merge fan-in; temp files must be gone.
 * Ordered ids are compared (id is the last key, so the order is total on both sides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgHarness } from '../diff/pg-harness.js';
import type { Database } from '../../src/index.js';
import { memoryDb, rows } from './sql-helpers.js';
import { TrackingVfs } from './pg-compare.js';

const N = 400;
const TEXTS = ['', 'a', 'A', 'ab', 'abcdefg', 'abcdefgh', 'abcdefgZ', 'abcdef\u007f', 'abcdef\u0080', 'abc\u0001', 'Zebra', 'zebra', 'é', 'éclair', 'ê', 'e\u0301', '日本語', '日本語テキスト', '😀', '😀x', '\uffff', '\ue000', 'Ω', 'the song', 'The Song', 'the songs'];
const BLOBS = ['', '00', '0000', '01', '0102030405060708', 'ff', 'fffe'];


function dataRows(): string[] {
  let seed = 987654;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const out: string[] = [];
  for (let k = 0; k < N; k++) {
    const id = (k % 2 === 0 ? -1 : 1) * (k * 13 + 5);
    const i = rnd(6) === 0 ? 'NULL' : String((rnd(41) - 20) * (rnd(15) === 0 ? 2 ** 40 : 1));
    const s = rnd(7) === 0 ? 'NULL' : `'${TEXTS[rnd(TEXTS.length)]!}${rnd(3) === 0 ? String(rnd(4)) : ''}'`;
    const f = rnd(6) === 0 ? 'NULL' : String((rnd(21) - 10) / 4);
    const d = rnd(6) === 0 ? 'NULL' : ((rnd(2001) - 1000) / 100).toFixed(2);
    const ts = rnd(6) === 0 ? 'NULL' : `'20${10 + rnd(15)}-0${1 + rnd(9)}-1${rnd(10)} 0${rnd(10)}:${10 + rnd(50)}:00'`;
    const u = rnd(6) === 0 ? 'NULL' : `'${rnd(4).toString(16)}${'0'.repeat(7)}-0000-4000-8000-${String(rnd(1000)).padStart(12, '0')}'`;
    const bl = rnd(6) === 0 ? 'NULL' : `'\\x${BLOBS[rnd(BLOBS.length)]!}'`;
    const b = ['NULL', 'true', 'false'][rnd(3)]!;
    out.push(`(${id}, ${i}, ${s}, ${f}, ${d}, ${ts}, ${u}, ${bl}, ${b})`);
  }
  return out;
}

let pg: PgHarness;
let mem: Database;
let tiny: Database;
let tinyVfs: TrackingVfs;

beforeAll(async () => {
  const values = dataRows().join(', ');
  pg = await PgHarness.create();
  await pg.exec(`CREATE TABLE t (id BIGINT PRIMARY KEY, i BIGINT, s TEXT COLLATE "C", f DOUBLE PRECISION, d NUMERIC(10,2), ts TIMESTAMP, u UUID, bl BYTEA, b BOOLEAN);
    INSERT INTO t VALUES ${values};`);
  const ddl = `CREATE TABLE t (id BIGINT PRIMARY KEY, i BIGINT, s TEXT, f DOUBLE PRECISION, d DECIMAL(10,2), ts TIMESTAMP, u UUID, bl BYTEA, b BOOLEAN);
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

const ids = (db: Database, sql: string): string[] => rows(db, sql).map((r) => String(r[0]));

async function same(sql: string): Promise<void> {
  const want = (await pg.pgQuery(sql)).map((r) => String(r[0]));
  expect(ids(mem, sql), sql).toEqual(want);
  expect(ids(tiny, sql), `${sql} (tiny budget)`).toEqual(want);
}

const DIRS = ['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST'];
const TAILS = ['', ' LIMIT 7', ' LIMIT 5 OFFSET 20', ' LIMIT 0', ' LIMIT 0 OFFSET 3', ' OFFSET 390', ' OFFSET 1000', ' LIMIT 3 OFFSET 399', ' LIMIT 150 OFFSET 100'];

describe('Sort and TopN against PGlite', () => {
  for (const key of ['i', 's', 'f', 'd', 'ts', 'u', 'bl', 'b']) {
    it(`ORDER BY ${key}: directions, NULLS placement, LIMIT/OFFSET, in memory and spilled`, async () => {
      for (const dir of DIRS) for (const tail of TAILS) await same(`SELECT id FROM t ORDER BY ${key}${dir}, id${tail}`);
    });
  }

  it('orders by several keys of mixed directions and by expressions with numeric promotion', async () => {
    const orders = ['s DESC, i NULLS FIRST, id', 'b, s, f DESC, id DESC', 'i + f, id', 'i * 0.5 DESC, id', 'd + i NULLS FIRST, id', 'length(s), s DESC, id', 'f, d DESC NULLS LAST, ts, id', 'u DESC, bl, id'];
    for (const o of orders) for (const tail of ['', ' LIMIT 9 OFFSET 11', ' LIMIT 200']) await same(`SELECT id FROM t ORDER BY ${o}${tail}`);
  });

  it('orders TEXT natively when no sorted string has a surrogate, and by code point when one does', async () => {
    for (const where of [" WHERE s NOT LIKE '😀%'", " WHERE s NOT LIKE '😀%' OR s IS NULL", ''])
      for (const dir of DIRS) for (const tail of ['', ' LIMIT 4 OFFSET 30']) await same(`SELECT id FROM t${where} ORDER BY s${dir}, id${tail}`);
  });

  it('an error while the input is read after spilling removes the runs already written', () => {
    const before = tinyVfs.created.size;
    expect(() => rows(tiny, 'SELECT id FROM t ORDER BY s, 1 / (id - 5192), id')).toThrow(/division by zero/);
    expect(tinyVfs.created.size).toBeGreaterThan(before);
    for (const p of tinyVfs.created) expect(tinyVfs.exists(p), p).toBe(false);
    expect(ids(tiny, 'SELECT id FROM t ORDER BY id LIMIT 1')).toEqual(['-5179']);
  });

  it('spilled sorts merge in several passes and remove every temp file', () => {
    expect(tinyVfs.created.size).toBeGreaterThan(64); // more runs than the fan-in: intermediate merges
    for (const p of tinyVfs.created) expect(tinyVfs.exists(p), p).toBe(false);
  });
});

describe('stability', () => {
  it('equal keys keep scan order in Sort, TopN and spilled sorts', () => {
    for (const db of [mem, tiny]) {
      const scanPos = new Map(ids(db, 'SELECT id FROM t').map((id, k) => [id, k]));
      for (const sql of ['SELECT b, id FROM t ORDER BY b', 'SELECT b, id FROM t ORDER BY b DESC LIMIT 120 OFFSET 30', 'SELECT b, id FROM t ORDER BY b LIMIT 5 OFFSET 10', 'SELECT s IS NULL, id FROM t ORDER BY s IS NULL LIMIT 300']) {
        const got = rows(db, sql);
        let ties = 0;
        for (let k = 1; k < got.length; k++) {
          if (got[k]![0] !== got[k - 1]![0]) continue;
          ties++;
          expect(scanPos.get(String(got[k]![1]))!, sql).toBeGreaterThan(scanPos.get(String(got[k - 1]![1]))!);
        }
        expect(ties, sql).toBeGreaterThan(0);
      }
    }
  });
});
