/**
 * SELECT by rowid without the operator tree (select-by-rowid.ts) against the general path:
 * the same query with `AND 1 = 1` appended runs through the planner's operators, and results
 * (names, exact values, row counts) and errors must be equal, inside and outside a transaction.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database } from './database.js';
import { DecentDBError } from '../util/index.js';
import { Decimal } from '../record/index.js';

const SETUP = `CREATE TABLE t (id INTEGER PRIMARY KEY, i INT, f FLOAT, d DECIMAL(6,2), s TEXT, b BOOL, x BYTEA, ts TIMESTAMP);
  INSERT INTO t VALUES (1, 1, 1.5, 1.25, 'a', true, '\\x0102', '2024-01-02 03:04:05.123456'), (2, NULL, -0.0, 3, 'bé', false, NULL, NULL),
    (-4, 4, 4, 4, 'd', true, NULL, NULL), (9007199254740993, 5, 5, 5, 'e', false, NULL, NULL), (0, 0, 0, 0, '', false, '\\x', NULL)`;

const SELECTS = ['*', 'id', 's, id', 'id AS k, d, ts', 'b, x, f, i', 'nope', 't.id', 'ID', '"id"'];
const WHERES = ['id = $1', '$1 = id', 'id = 2', 'id = 9007199254740993', 'id = -4', 'i = $1'];

const param = fc.oneof(
  fc.integer({ min: -5, max: 3 }),
  fc.constantFrom(0, -0, 1.5, NaN, 2 ** 53, 2 ** 63, 1e21),
  fc.constantFrom(1n, 9007199254740993n, -4n, 2n ** 64n),
  fc.constantFrom('1', ' 2 ', 'abc', ''),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom(new Uint8Array([1]), new Decimal(1n, 0), new Date(0)),
);

function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    if (!(e instanceof DecentDBError)) throw e;
    return { code: e.code, message: e.message.replace(/ \(line \d+, column \d+\)$/, '') };
  }
}

function both(db: Database, cols: string, where: string, p: unknown): [unknown, unknown] {
  const params = p === undefined ? [] : [p];
  const run = (sql: string): unknown => outcome(() => {
    const st = db.prepare(sql);
    return { all: st.all(params as never), raw: st.raw(params as never), get: st.get(params as never, 'array'), getObject: st.get(params as never) };
  });
  return [run(`SELECT ${cols} FROM t WHERE ${where}`), run(`SELECT ${cols} FROM t WHERE ${where} AND 1 = 1`)];
}

describe('SELECT by rowid without the operator tree', () => {
  it('matches the general path', () => {
    const db = Database.open(':memory:');
    db.exec(SETUP);
    fc.assert(
      fc.property(fc.constantFrom(...SELECTS), fc.constantFrom(...WHERES), param, fc.boolean(), (cols, where, p, inTxn) => {
        if (inTxn) {
          db.exec('BEGIN');
          db.exec("UPDATE t SET s = 'changed' WHERE id = 1");
        }
        try {
          const [fast, slow] = both(db, cols, where, p);
          expect(fast).toEqual(slow);
        } finally {
          if (inTxn) db.exec('ROLLBACK');
        }
      }),
      { numRuns: 400 },
    );
    db.close();
  });

  it('reads the transaction’s own writes and the committed image outside it', () => {
    const db = Database.open(':memory:');
    db.exec(SETUP);
    const st = db.prepare('SELECT s FROM t WHERE id = $1');
    db.exec('BEGIN');
    db.exec("UPDATE t SET s = 'new' WHERE id = 1");
    expect(st.get([1], 'array')).toEqual(['new']);
    db.exec('ROLLBACK');
    expect(st.get([1], 'array')).toEqual(['a']);
    expect(st.get([77], 'array')).toBe(undefined);
    db.close();
  });

  it('a prepared statement follows schema changes, root moves and overflow records', () => {
    const db = Database.open(':memory:');
    db.exec(SETUP);
    const fast = db.prepare('SELECT * FROM t WHERE id = $1');
    const slow = db.prepare('SELECT * FROM t WHERE id = $1 AND 1 = 1');
    const same = (id: unknown): void => {
      expect(outcome(() => fast.get([id]))).toEqual(outcome(() => slow.get([id])));
      expect(outcome(() => fast.all([id], 'array'))).toEqual(outcome(() => slow.all([id], 'array')));
    };
    same(1);
    db.exec('ALTER TABLE t ADD COLUMN z INT DEFAULT 7');
    same(1);
    let x = 7;
    const noise = Array.from({ length: 9000 }, () => String.fromCharCode(33 + ((x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16) % 90)).join('');
    db.prepare('INSERT INTO t (id, s, z) VALUES (10, $1, 8)').run([noise]); // an overflow chain, not compressible
    expect((fast.get([10]) as { s: string }).s).toBe(noise);
    same(10);
    db.exec('BEGIN');
    for (let i = 100; i < 3000; i++) db.exec(`INSERT INTO t (id, s) VALUES (${i}, 'row ${i}')`);
    same(2999); // inside the transaction: its own writes, after root splits
    db.exec('ROLLBACK');
    same(2999);
    db.exec('DROP TABLE t');
    same(1);
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, q TEXT)');
    db.exec("INSERT INTO t VALUES (1, 'q1')");
    same(1);
    expect(fast.get([1])).toEqual({ id: 1, q: 'q1' });
    db.close();
    same(1);
  });
});
