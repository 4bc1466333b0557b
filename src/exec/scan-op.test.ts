import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BTree } from '../btree/index.js';
import { encodeIndexEntry, encodeRecord, indexKey, inlineOnly, rowidToKey } from '../record/index.js';
import type { SqlType } from '../record/index.js';
import { TestDb } from './test-tables.js';

const I: SqlType = { base: 'INT64' };
const T: SqlType = { base: 'TEXT' };

/** Table s(id, a, b) with an index on a, plus raw entries written beside the SQL-shaped rows. */
function table(): { db: TestDb; insertRaw: (rowid: number, values: (string | number | null)[], types: SqlType[]) => void } {
  const db = new TestDb();
  db.withStats = false;
  const rows = [5, 15, 25, 35].map((id) => [id, `new${id}`, `b${id}`]);
  const def = db.createTable('s', [{ name: 'id', type: I, pk: true }, { name: 'a', type: T }, { name: 'b', type: T }], rows, [{ name: 's_a', columns: ['a'] }]);
  const tree = new BTree(db.store, def.rootPage);
  const insertRaw = (rowid: number, values: (string | number | null)[], types: SqlType[]): void => {
    tree.insert(rowidToKey(rowid), encodeRecord(values, types, inlineOnly()));
    expect(tree.root).toBe(def.rootPage); // small enough not to split
  };
  return { db, insertRaw };
}

describe('ScanOp recycles the row arrays its filter rejects', () => {
  it('a record shorter than the table after a rejected full one reads NULL for the missing field', () => {
    const { db, insertRaw } = table();
    // Records written before a column existed (another writer's file): two fields only.
    for (const id of [10, 20, 30]) insertRaw(id, [id, `old${id}`], [I, T]);
    expect(db.query('SELECT * FROM s WHERE id % 10 = 0 ORDER BY id')).toEqual([
      [10, 'old10', null],
      [20, 'old20', null],
      [30, 'old30', null],
    ]);
    expect(db.query('SELECT id, b FROM s WHERE id % 10 = 0')).toEqual([
      [10, null],
      [20, null],
      [30, null],
    ]);
    expect(db.query('SELECT b, id FROM s WHERE id <> 15 ORDER BY id')).toEqual([
      ['b5', 5], [null, 10], [null, 20], ['b25', 25], [null, 30], ['b35', 35],
    ]);
  });
});

describe('ScanOp rowid fetches after index entries', () => {
  it('skips an index entry whose rowid has no row, stepping or seeking', () => {
    const db = new TestDb();
    db.withStats = false;
    // Odd rowids 1..79, n = id: index entries in key order point at ascending rowids.
    const rows = Array.from({ length: 40 }, (_, i) => [i * 2 + 1, i * 2 + 1]);
    db.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 'n', type: I }], rows, [{ name: 't_n', columns: ['n'] }]);
    const ix = new BTree(db.store, db.indexesOf('t')[0]!.rootPage);
    // Dangling entries: the step from rowid 1 (or 49) lands on 3 (51), past the missing rowid;
    // from 79 it runs off the table's end and the seek finds nothing either.
    for (const rowid of [2, 50, 1000]) ix.insert(indexKey([rowid], [I]), encodeIndexEntry(rowid));
    const sql = 'SELECT id FROM t WHERE n >= 0 AND n < 5000';
    expect(db.explain(sql).join('\n')).toContain('USING t_n');
    expect(db.query(sql)).toEqual(rows.map((r) => [r[0]]));
  });
});

describe('ScanOp text prefilter (LIKE/ILIKE rejected from the stored bytes)', () => {
  const alphabet = ['a', 'B', 'k', 'K', 'i', 'I', 'e', 'L', 'o', 'v', ' ', 'é', 'İ', '\u212A', '😀', '%', '_', '\\'];
  const str = fc.oneof(
    { weight: 6, arbitrary: fc.array(fc.constantFrom(...alphabet), { maxLength: 14 }).map((a) => a.join('')) },
    { weight: 1, arbitrary: fc.constantFrom('love'.repeat(60), 'x'.repeat(300) + 'Love', 'a'.repeat(5000), 'LOVE') },
  );
  const lit = fc.array(fc.constantFrom('a', 'b', 'k', 'K', 'i', 'I', 'o', 'v', 'e', 'L', ' ', 'ov'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
  const T2: SqlType = { base: 'TEXT' };

  it('gives the rows the full filter gives (the concatenated operand takes no prefilter)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(str, { nil: null }), { maxLength: 40 }), lit, fc.boolean(), fc.boolean(), (vals, l, ci, asParam) => {
        const db = new TestDb();
        db.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 's', type: T2 }, { name: 'n', type: I }], vals.map((v, i) => [i + 1, v, i]));
        const op = ci ? 'ILIKE' : 'LIKE';
        const pat = `'%${l}%'`;
        const fast = db.query(`SELECT id, s FROM t WHERE s ${op} ${asParam ? '$1' : pat} AND n >= 0`, asParam ? [`%${l}%`] : []);
        const prefiltered = db.counters.prefiltered;
        const slow = db.query(`SELECT id, s FROM t WHERE (s || '') ${op} ${pat} AND n >= 0`);
        expect(fast).toEqual(slow);
        expect(db.counters.prefiltered).toBe(prefiltered); // the reference took none
        expect(prefiltered).toBeLessThanOrEqual(vals.length - fast.length);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects non-matching rows undecoded, and only for patterns it can decide', () => {
    const db = new TestDb();
    const rows = Array.from({ length: 100 }, (_, i) => [i + 1, i % 10 === 0 ? `Song of Love ${i}` : `Tune ${i}`]);
    db.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 's', type: T }], rows);
    const count = (sql: string, params: unknown[] = []): number => {
      db.counters.prefiltered = 0;
      db.query(sql, params as never[]);
      return db.counters.prefiltered;
    };
    expect(count("SELECT id FROM t WHERE s ILIKE '%LOVE%'")).toBe(90);
    expect(count('SELECT id FROM t WHERE s LIKE $1', ['%Love%'])).toBe(90);
    expect(count("SELECT id FROM t WHERE s LIKE '%love%'")).toBe(100);
    expect(count("SELECT id FROM t WHERE s NOT LIKE '%Love%'")).toBe(0);
    expect(count("SELECT id FROM t WHERE s LIKE '%L_ve%'")).toBe(0);
    expect(count("SELECT id FROM t WHERE s LIKE 'Song%'")).toBe(0);
    expect(count("SELECT id FROM t WHERE s LIKE '%Love%' OR id = 3")).toBe(0);
    expect(db.query("SELECT count(*) FROM t WHERE s ILIKE '%love%'")).toEqual([[10]]);
  });
});
