/**
 * bulkLoad into tables that already hold rows: batches merged into the table tree at its right
 * edge and into every secondary index (btree mergeSorted), interleaved with INSERT, UPDATE and
 * DELETE; the same data loaded by plain INSERTs gives the same answers; every tree in the file
 * passes checkTree; unique violations against existing entries, in a later batch or a single
 * call, leave the table as it was.
 */
import { describe, expect, it } from 'vitest';
import { Database, MemoryVfs } from '../../src/index.js';
import { checkTree } from '../../src/btree/index.js';
import { readCatalog } from '../../src/catalog/index.js';
import { HEADER_SIZE, decodeHeader } from '../../src/pager/index.js';
import { FilePageStore } from '../../src/cli/file-page-store.js';
import { failure, rows } from '../sql/sql-helpers.js';

const SCHEMA = `
  CREATE TABLE t (id INT PRIMARY KEY, g INT, name TEXT, code TEXT, price DECIMAL(8,2), note TEXT);
  CREATE INDEX t_g ON t (g);
  CREATE INDEX t_name ON t (name);
  CREATE INDEX t_g_name ON t (g, name);
  CREATE UNIQUE INDEX t_code ON t (code);
  CREATE INDEX t_note ON t (note)`;

/** Row i: scattered g, names sharing 8-byte prefixes (equal index keys, distinct values), long notes now and then. */
function row(i: number): unknown[] {
  const h = Math.imul(i, 2654435761) >>> 0;
  return [i, h % 37, `samename-${h % 101}`, `code-${i}`, (h % 1000) / 100, i % 97 === 0 ? 'n'.repeat(700 + (i % 5)) : i % 3 === 0 ? null : `note ${i}`];
}
const range = (from: number, to: number): unknown[][] => Array.from({ length: to - from }, (_, k) => row(from + k));

/** checkTree over every table and B+Tree index root of the checkpointed file; returns the entry counts by name. */
function checkAllTrees(db: Database, vfs: MemoryVfs, path: string): Map<string, number> {
  db.checkpoint();
  const file = vfs.open(path, { mode: 'open', readOnly: true });
  try {
    const head = new Uint8Array(HEADER_SIZE);
    file.read(head, 0);
    const h = decodeHeader(head);
    const store = new FilePageStore(file, h.pageSize);
    const counts = new Map<string, number>();
    for (const { entry } of readCatalog(store, h.rootCatalog)) {
      if (entry.kind === 'table') counts.set(entry.table.name, checkTree(store, entry.table.rootPage).entries);
      if (entry.kind === 'index' && entry.index.kind === 'btree') counts.set(entry.index.name, checkTree(store, entry.index.rootPage).entries);
    }
    return counts;
  } finally {
    file.close();
  }
}

const QUERIES = [
  'SELECT COUNT(*), SUM(id), SUM(g), SUM(price) FROM t',
  'SELECT id FROM t WHERE g = 5 ORDER BY id',
  "SELECT id FROM t WHERE name = 'samename-7' ORDER BY id",
  "SELECT id FROM t WHERE g = 3 AND name = 'samename-40' ORDER BY id",
  "SELECT id FROM t WHERE code = 'code-777'",
  'SELECT id, LENGTH(note) FROM t WHERE note IS NOT NULL AND LENGTH(note) > 100 ORDER BY id',
  `SELECT id FROM t WHERE note = '${'n'.repeat(702)}' ORDER BY id`,
];

function open(cacheSizeBytes?: number): { db: Database; vfs: MemoryVfs } {
  const vfs = new MemoryVfs();
  const db = Database.open('b.ddb', cacheSizeBytes === undefined ? { vfs } : { vfs, cacheSizeBytes });
  db.exec(SCHEMA);
  return { db, vfs };
}

describe('bulkLoad into non-empty tables, in batches', () => {
  it('matches plain INSERTs through batches, interleaved writes and a reopen; every tree stays valid', () => {
    const { db, vfs } = open();
    const ref = open().db;
    const insert = ref.prepare('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6)');
    const both = (sql: string): void => {
      db.exec(sql);
      ref.exec(sql);
    };
    const load = (list: unknown[][], batchSize?: number): void => {
      const r = db.bulkLoad('t', list, batchSize === undefined ? {} : { batchSize });
      expect(r.rows).toBe(list.length);
      ref.transaction(() => {
        for (const x of list) insert.run(x);
      })();
    };
    both("INSERT INTO t VALUES (1, 1, 'first', 'code-first', 1.5, NULL)");
    load(range(2, 1500), 200); // appended past an existing row, 8 batches
    both("INSERT INTO t VALUES (1600, 2, 'samename-7', 'code-x', 2, 'x')");
    both('DELETE FROM t WHERE id % 7 = 0 AND id < 1400');
    both("UPDATE t SET g = 5, name = 'samename-7' WHERE id % 11 = 0");
    load(range(1601, 4000), 333);
    expect(db.bulkLoad('t', range(4000, 4200)).bottomUp).toBe(true);
    ref.transaction(() => {
      for (const x of range(4000, 4200)) insert.run(x);
    })();
    // Keys not past the last one: the insert path, same answers.
    load(range(1500, 1600).reverse(), 40);
    for (const q of QUERIES) expect(rows(db, q), q).toEqual(rows(ref, q));
    const counts = checkAllTrees(db, vfs, 'b.ddb');
    const n = Number(rows(db, 'SELECT COUNT(*) FROM t')[0]![0]);
    for (const name of ['t', 't_g', 't_name', 't_g_name', 't_code', 't_note']) expect(counts.get(name), name).toBe(n);
    db.close();
    const again = Database.open('b.ddb', { vfs });
    for (const q of QUERIES) expect(rows(again, q), q).toEqual(rows(ref, q));
    again.close();
  });

  it('a unique violation in a later batch rolls back that batch only; in one call, nothing changes', () => {
    const { db, vfs } = open();
    db.bulkLoad('t', range(1, 3000), { batchSize: 1000 });
    const before = QUERIES.map((q) => rows(db, q));
    // code-10 exists already: the second batch of this load fails.
    const clash = [...range(3000, 3500), ...range(3500, 3600).map((r, k) => (k === 50 ? [r[0], r[1], r[2], 'code-10', r[4], r[5]] : r))];
    const f = failure(() => db.bulkLoad('t', clash, { batchSize: 500 }));
    expect(f.code).toBe('ERR_CONSTRAINT');
    expect(f.message).toMatch(/t_code.*\(code\)=\(code-10\)/);
    expect(rows(db, 'SELECT COUNT(*), MAX(id) FROM t')).toEqual([[3499, 3499]]);
    db.exec('DELETE FROM t WHERE id >= 3000');
    expect(QUERIES.map((q) => rows(db, q))).toEqual(before);
    // One call: a duplicate against old entries, within the new ones, or of an existing rowid.
    for (const bad of [
      [...range(3000, 3400), [3400, 1, 'a', 'code-5', 1, null]],
      [...range(3000, 3400), [3400, 1, 'a', 'code-3001', 1, null]],
      [...range(3000, 3400), [2999, 1, 'a', 'fresh', 1, null]],
    ]) {
      expect(failure(() => db.bulkLoad('t', bad)).code).toBe('ERR_CONSTRAINT');
      expect(QUERIES.map((q) => rows(db, q))).toEqual(before);
    }
    const counts = checkAllTrees(db, vfs, 'b.ddb');
    expect(counts.get('t_code')).toBe(2999);
    db.close();
  });

  it('unique keys that share an index key but differ in value are accepted across batches; NULLs never collide', () => {
    const { db } = open();
    // Codes share their first 8 bytes, so their index keys are equal; the values differ.
    const list = (from: number, to: number): unknown[][] => Array.from({ length: to - from }, (_, k) => [from + k, 1, 'n', (from + k) % 5 === 0 ? null : `longcode-${from + k}`, 1, null]);
    db.bulkLoad('t', list(1, 400), { batchSize: 100 });
    db.bulkLoad('t', list(400, 800));
    expect(rows(db, "SELECT COUNT(*), COUNT(code) FROM t WHERE code LIKE 'longcode-%' OR code IS NULL")).toEqual([[799, 640]]);
    expect(failure(() => db.bulkLoad('t', [[900, 1, 'n', 'longcode-123', 1, null]])).message).toMatch(/longcode-123/);
    expect(rows(db, "SELECT id FROM t WHERE code = 'longcode-123'")).toEqual([[123]]);
  });

  it('gives the same result with a small page cache (pages evicted mid-load)', () => {
    const { db, vfs } = open(64 * 1024);
    const ref = open().db;
    for (const d of [db, ref]) {
      d.bulkLoad('t', range(1, 2500));
      d.bulkLoad('t', range(2500, 6000), { batchSize: 1500 });
    }
    for (const q of QUERIES) expect(rows(db, q), q).toEqual(rows(ref, q));
    expect(checkAllTrees(db, vfs, 'b.ddb').get('t_g')).toBe(5999);
  });

  it('loads negative rowids (keys above 2^63) in order, then positive ones through the insert path', () => {
    const { db, vfs } = open();
    db.bulkLoad('t', range(1, 50).map((r) => [-Number(r[0]), r[1], r[2], `neg-${String(r[0])}`, r[4], r[5]]).reverse(), { batchSize: 20 });
    db.bulkLoad('t', range(1, 50));
    expect(rows(db, 'SELECT COUNT(*), MIN(id), MAX(id) FROM t')).toEqual([[98, -49, 49]]);
    expect(checkAllTrees(db, vfs, 'b.ddb').get('t')).toBe(98);
  });

  it('keeps the table and index roots across appends (no catalog churn once the trees have grown)', () => {
    const { db, vfs } = open();
    db.bulkLoad('t', range(1, 3000));
    const roots = (): unknown[] => {
      db.checkpoint();
      const file = vfs.open('b.ddb', { mode: 'open', readOnly: true });
      try {
        const head = new Uint8Array(HEADER_SIZE);
        file.read(head, 0);
        const h = decodeHeader(head);
        return readCatalog(new FilePageStore(file, h.pageSize), h.rootCatalog).flatMap(({ entry }) => (entry.kind === 'table' ? [entry.table.rootPage] : entry.kind === 'index' ? [entry.index.rootPage] : []));
      } finally {
        file.close();
      }
    };
    const first = roots();
    db.bulkLoad('t', range(3000, 6000), { batchSize: 1000 });
    expect(roots()).toEqual(first);
  });

  it('fills indexes on the same columns (an explicit index beside the automatic FK one) from one set of entries', () => {
    const vfs = new MemoryVfs();
    const db = Database.open('s.ddb', { vfs });
    db.exec(`CREATE TABLE p (id INT PRIMARY KEY);
      CREATE TABLE c (id INT PRIMARY KEY, pid INT REFERENCES p(id), code TEXT, x INT);
      CREATE INDEX c_pid ON c (pid);
      CREATE INDEX c_pid_again ON c (pid);
      CREATE UNIQUE INDEX c_code ON c (code);
      CREATE UNIQUE INDEX c_code_again ON c (code);
      CREATE INDEX c_pid_x ON c (pid, x)`);
    db.bulkLoad('p', Array.from({ length: 300 }, (_, i) => [i + 1]));
    const kid = (i: number): unknown[] => [i, 1 + (Math.imul(i, 2654435761) >>> 0) % 300, `k${i}`, i % 7];
    db.bulkLoad('c', Array.from({ length: 2000 }, (_, i) => kid(i + 1)));
    db.bulkLoad('c', Array.from({ length: 1000 }, (_, i) => kid(i + 2001)), { batchSize: 300 });
    const counts = checkAllTrees(db, vfs, 's.ddb');
    for (const name of ['c', 'fk_c_pid_idx', 'c_pid', 'c_pid_again', 'c_code', 'c_code_again', 'c_pid_x']) expect([name, counts.get(name)]).toEqual([name, 3000]);
    expect(rows(db, 'SELECT COUNT(*), SUM(id) FROM c WHERE pid = 17')).toEqual(rows(db, 'SELECT COUNT(*), SUM(id) FROM c WHERE pid + 0 = 17'));
    // Both unique indexes still see duplicates, within the load and against the rows already there.
    expect(failure(() => db.bulkLoad('c', [[5001, 1, 'dup', 0], [5002, 2, 'dup', 0]])).message).toMatch(/unique constraint "c_code"/);
    expect(failure(() => db.bulkLoad('c', [[5003, 1, 'k5', 0]])).message).toMatch(/unique constraint "c_code"/);
    expect(rows(db, 'SELECT COUNT(*) FROM c')).toEqual([[3000]]);
  });
});
