// Statement.raw / iterateRaw / rawColumns: exact engine Values (TIMESTAMP µs, DECIMAL digits,
// INT64 beyond 2^53) and result columns of DML … RETURNING described without running it.
import { describe, expect, it } from 'vitest';
import { Decimal, Timestamp } from '../record/index.js';
import { Database } from './database.js';

const setup = (): Database => {
  const db = Database.open(':memory:');
  db.exec('CREATE TABLE t (id INT PRIMARY KEY, at TIMESTAMP, d DECIMAL(12,3), big INT8, u UUID)');
  return db;
};

describe('Statement.raw', () => {
  it('returns columns with SqlTypes and rows as exact Values', () => {
    const db = setup();
    db.exec("INSERT INTO t VALUES (1, '2024-03-01 10:00:00.123456', 1.5, 9007199254740993, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
    const r = db.prepare('SELECT at, d, big, u, id AS at FROM t WHERE id = $1').raw([1]);
    expect(r.columns).toEqual([
      { name: 'at', type: { base: 'TIMESTAMP' } },
      { name: 'd', type: { base: 'DECIMAL', precision: 12, scale: 3 } },
      { name: 'big', type: { base: 'INT64' } },
      { name: 'u', type: { base: 'UUID' } },
      { name: 'at', type: { base: 'INT64' } },
    ]);
    expect(r.rows).toHaveLength(1);
    const [at, d, big, u, id] = r.rows[0]!;
    expect(at).toBeInstanceOf(Timestamp);
    expect((at as Timestamp).micros).toBe(1709287200123456);
    expect(d).toBeInstanceOf(Decimal);
    expect((d as Decimal).toString()).toBe('1.500');
    expect(big).toBe(9007199254740993n);
    expect(u).toBeInstanceOf(Uint8Array);
    expect(id).toBe(1);
    expect({ changes: r.changes, lastInsertRowid: r.lastInsertRowid }).toEqual({ changes: 0, lastInsertRowid: 0 });
    // The JS API maps the same TIMESTAMP to a Date (milliseconds only).
    expect(db.prepare('SELECT at FROM t').get([], 'array')).toEqual([new Date('2024-03-01T10:00:00.123Z')]);
    db.close();
  });

  it('reports DML changes, lastInsertRowid and RETURNING rows; DDL gives an empty result', () => {
    const db = setup();
    const ins = db.prepare("INSERT INTO t (id, at) VALUES (7, '2000-01-01 00:00:00.000001'), (8, NULL) RETURNING at, id, id AS at").raw();
    expect(ins.columns.map((c) => [c.name, c.type.base])).toEqual([['at', 'TIMESTAMP'], ['id', 'INT64'], ['at', 'INT64']]);
    expect(ins.rows).toEqual([[new Timestamp(946684800000001), 7, 7], [null, 8, 8]]);
    expect(ins.changes).toBe(2);
    expect(ins.lastInsertRowid).toBe(8);
    expect(db.prepare('DELETE FROM t WHERE id = 8').raw()).toEqual({ columns: [], rows: [], changes: 1, lastInsertRowid: 0 });
    expect(db.prepare('CREATE TABLE x (a INT)').raw()).toEqual({ columns: [], rows: [], changes: 0, lastInsertRowid: 0 });
    db.close();
  });

  it('iterateRaw streams fresh row arrays', () => {
    const db = setup();
    db.exec("INSERT INTO t (id, d) VALUES (1, 0.001), (2, -2), (3, NULL)");
    const rows = [...db.prepare('SELECT id, d FROM t ORDER BY id').iterateRaw()];
    expect(rows).toEqual([[1, new Decimal(1n, 3)], [2, new Decimal(-2000n, 3)], [3, null]]);
    expect(rows[0]).not.toBe(rows[1]);
    db.close();
  });
});

describe('Statement.columns for DML … RETURNING', () => {
  it('describes RETURNING columns without running the statement', () => {
    const db = setup();
    const stmt = db.prepare('INSERT INTO t (id, d) VALUES (1, 2) RETURNING *, id + 1 AS next, id AS d');
    expect(stmt.columns()).toEqual([
      { name: 'id', type: 'INT64' },
      { name: 'at', type: 'TIMESTAMP' },
      { name: 'd', type: 'DECIMAL(12,3)' },
      { name: 'big', type: 'INT64' },
      { name: 'u', type: 'UUID' },
      { name: 'next', type: 'INT64' },
      { name: 'd', type: 'INT64' },
    ]);
    expect(db.prepare('UPDATE t AS x SET d = 1 RETURNING x.at').rawColumns()).toEqual([{ name: 'at', type: { base: 'TIMESTAMP' } }]);
    expect(db.prepare('DELETE FROM t').columns()).toEqual([]);
    expect(db.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 0 }]);
    expect(stmt.raw().columns.map((c) => c.name)).toEqual(['id', 'at', 'd', 'big', 'u', 'next', 'd']);
    db.close();
  });

  it('names an unknown RETURNING column with ERR_SQL', () => {
    const db = setup();
    expect(() => db.prepare('DELETE FROM t RETURNING nope').columns()).toThrow(expect.objectContaining({ code: 'ERR_SQL' }));
    db.close();
  });
});
