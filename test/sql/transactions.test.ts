/**
 * Transactions: BEGIN / COMMIT / ROLLBACK, SAVEPOINT / RELEASE / ROLLBACK TO, statement-level
 * atomicity (a failed statement inside a transaction changes nothing and the transaction goes
 * on), DDL inside transactions, ERR_TRANSACTION for misuse, and `db.transaction(fn)` nesting.
 */
import { describe, expect, it } from 'vitest';
import { failure, memoryDb, rows, sqlFailure } from './sql-helpers.js';

const ids = (db: ReturnType<typeof memoryDb>, table = 't'): unknown[] => rows(db, `SELECT id FROM ${table} ORDER BY id`).map((r) => r[0]);

describe('BEGIN, COMMIT, ROLLBACK', () => {
  it('commits and rolls back row changes', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v TEXT)');
    db.exec("BEGIN; INSERT INTO t VALUES (1, 'a'); INSERT INTO t VALUES (2, 'b'); COMMIT");
    expect(db.inTransaction).toBe(false);
    db.exec('BEGIN');
    expect(db.inTransaction).toBe(true);
    db.exec("INSERT INTO t VALUES (3, 'c'); UPDATE t SET v = 'z'; DELETE FROM t WHERE id = 1");
    expect(ids(db)).toEqual([2, 3]);
    db.exec('ROLLBACK');
    expect(rows(db, 'SELECT id, v FROM t ORDER BY id')).toEqual([[1, 'a'], [2, 'b']]);
  });

  it('accepts the Postgres spellings START TRANSACTION, BEGIN TRANSACTION, END, COMMIT WORK', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    db.exec('START TRANSACTION; INSERT INTO t VALUES (1); COMMIT WORK');
    db.exec('BEGIN TRANSACTION; INSERT INTO t VALUES (2); END');
    db.exec('BEGIN WORK; INSERT INTO t VALUES (3); ROLLBACK WORK');
    expect(ids(db)).toEqual([1, 2]);
  });

  it('a failed statement changes nothing and the transaction continues', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v TEXT UNIQUE, n INT CHECK (n > 0))');
    db.exec("BEGIN; INSERT INTO t VALUES (1, 'a', 1)");
    // The third row fails after two were written: the whole statement is undone.
    expect(sqlFailure(db, "INSERT INTO t VALUES (2, 'b', 1), (3, 'c', 1), (4, 'a', 1)").code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, 'UPDATE t SET n = n - 1').code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, 'INSERT INTO nope VALUES (1)').code).toBe('ERR_SQL');
    expect(db.inTransaction).toBe(true);
    db.exec("INSERT INTO t VALUES (2, 'b', 2)");
    expect(rows(db, 'SELECT id, v, n FROM t ORDER BY id')).toEqual([[1, 'a', 1], [2, 'b', 2]]);
    db.exec('COMMIT');
    expect(rows(db, 'SELECT id, v, n FROM t ORDER BY id')).toEqual([[1, 'a', 1], [2, 'b', 2]]);
    // The unique index was restored with the rows: 'c' is free, 'a' is taken.
    db.exec("INSERT INTO t VALUES (3, 'c', 1)");
    expect(sqlFailure(db, "INSERT INTO t VALUES (5, 'a', 1)").code).toBe('ERR_CONSTRAINT');
  });

  it('a failed statement in autocommit changes nothing', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, v TEXT UNIQUE); INSERT INTO t VALUES (1, 'a')");
    expect(sqlFailure(db, "INSERT INTO t VALUES (2, 'b'), (3, 'a')").code).toBe('ERR_CONSTRAINT');
    expect(ids(db)).toEqual([1]);
    expect(rows(db, "SELECT id FROM t WHERE v = 'b'")).toEqual([]);
  });

  it('DDL is transactional: rollback drops created tables and restores dropped ones', () => {
    const db = memoryDb("CREATE TABLE keep (id INT PRIMARY KEY); INSERT INTO keep VALUES (1)");
    db.exec("BEGIN; CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1); DROP TABLE keep; CREATE INDEX nope_ix ON t (id); ROLLBACK");
    expect(sqlFailure(db, 'SELECT * FROM t').bare).toBe('relation "t" does not exist');
    expect(ids(db, 'keep')).toEqual([1]);
    db.exec('BEGIN; CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (5); ALTER TABLE t ADD COLUMN x INT DEFAULT 1; COMMIT');
    expect(rows(db, 'SELECT * FROM t')).toEqual([[5, 1]]);
  });

  it('a failed DDL statement inside a transaction leaves the earlier schema changes', () => {
    const db = memoryDb();
    db.exec('BEGIN; CREATE TABLE a (id INT PRIMARY KEY)');
    expect(sqlFailure(db, 'CREATE TABLE a (x INT)').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'CREATE TABLE b (x INT REFERENCES nope(id))').code).toBe('ERR_SQL');
    db.exec('INSERT INTO a VALUES (1); COMMIT');
    expect(ids(db, 'a')).toEqual([1]);
    expect(sqlFailure(db, 'SELECT * FROM b').code).toBe('ERR_SQL');
  });

  it('misuse gives ERR_TRANSACTION', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    expect(sqlFailure(db, 'COMMIT')).toMatchObject({ code: 'ERR_TRANSACTION', bare: 'there is no transaction in progress' });
    expect(sqlFailure(db, 'ROLLBACK')).toMatchObject({ code: 'ERR_TRANSACTION', bare: 'there is no transaction in progress' });
    expect(sqlFailure(db, 'RELEASE SAVEPOINT s').code).toBe('ERR_TRANSACTION');
    expect(sqlFailure(db, 'ROLLBACK TO SAVEPOINT s').code).toBe('ERR_TRANSACTION');
    db.exec('BEGIN');
    expect(sqlFailure(db, 'BEGIN')).toMatchObject({ code: 'ERR_TRANSACTION', bare: 'there is already a transaction in progress' });
    expect(sqlFailure(db, 'RELEASE nope')).toMatchObject({ code: 'ERR_TRANSACTION', bare: 'savepoint "nope" does not exist' });
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK');
    db.close();
    expect(failure(() => db.exec('SELECT 1'))).toMatchObject({ code: 'ERR_TRANSACTION', bare: 'the database is closed' });
  });

  it('close() rolls back an open transaction', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    db.exec('BEGIN; INSERT INTO t VALUES (1)');
    db.close();
    expect(db.isOpen).toBe(false);
  });
});

describe('SAVEPOINT, RELEASE, ROLLBACK TO', () => {
  it('rolls back to a savepoint, keeps it, and releases nested ones', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    db.exec('BEGIN; INSERT INTO t VALUES (1); SAVEPOINT a; INSERT INTO t VALUES (2); SAVEPOINT b; INSERT INTO t VALUES (3)');
    db.exec('ROLLBACK TO SAVEPOINT b');
    expect(ids(db)).toEqual([1, 2]);
    db.exec('INSERT INTO t VALUES (4); ROLLBACK TO b'); // b survives its own rollback (Postgres)
    expect(ids(db)).toEqual([1, 2]);
    db.exec('ROLLBACK TO a');
    expect(ids(db)).toEqual([1]);
    expect(sqlFailure(db, 'RELEASE b').code).toBe('ERR_TRANSACTION'); // b went with a's rollback
    db.exec('INSERT INTO t VALUES (5); SAVEPOINT c; INSERT INTO t VALUES (6); RELEASE SAVEPOINT a');
    expect(sqlFailure(db, 'ROLLBACK TO c').code).toBe('ERR_TRANSACTION'); // released with a
    db.exec('COMMIT');
    expect(ids(db)).toEqual([1, 5, 6]);
  });

  it('a savepoint name may repeat; the newest one is used', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    db.exec('BEGIN; SAVEPOINT s; INSERT INTO t VALUES (1); SAVEPOINT s; INSERT INTO t VALUES (2); ROLLBACK TO s');
    expect(ids(db)).toEqual([1]);
    db.exec('RELEASE s; ROLLBACK TO s');
    expect(ids(db)).toEqual([]);
    db.exec('COMMIT');
  });

  it('rolls back schema changes made after the savepoint', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    db.exec('BEGIN; INSERT INTO t VALUES (1); SAVEPOINT s; ALTER TABLE t ADD COLUMN v TEXT; CREATE TABLE u (x INT); DROP TABLE t');
    db.exec('ROLLBACK TO s');
    expect(rows(db, 'SELECT * FROM t')).toEqual([[1]]);
    expect(sqlFailure(db, 'SELECT * FROM u').code).toBe('ERR_SQL');
    db.exec('COMMIT');
    expect(db.prepare('SELECT * FROM t').columns().map((c) => c.name)).toEqual(['id']);
  });

  it('SAVEPOINT outside a transaction starts one (SQLite convenience; Postgres refuses)', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    db.exec('SAVEPOINT s; INSERT INTO t VALUES (1)');
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK TO s; COMMIT');
    expect(ids(db)).toEqual([]);
  });
});

describe('db.transaction(fn)', () => {
  it('commits on return, rolls back on throw and rethrows', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    const ins = db.prepare('INSERT INTO t VALUES ($1)');
    const addAll = db.transaction((list: number[]) => {
      for (const id of list) ins.run([id]);
      return list.length;
    });
    expect(addAll([1, 2, 3])).toBe(3);
    expect(failure(() => addAll([4, 5, 1])).code).toBe('ERR_CONSTRAINT');
    expect(ids(db)).toEqual([1, 2, 3]);
    const boom = db.transaction(() => {
      ins.run([9]);
      throw new Error('app failure');
    });
    expect(() => boom()).toThrow('app failure');
    expect(ids(db)).toEqual([1, 2, 3]);
    expect(db.inTransaction).toBe(false);
  });

  it('nests as savepoints: an inner failure caught by the outer body undoes only the inner part', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    const ins = db.prepare('INSERT INTO t VALUES ($1)');
    const inner = db.transaction((id: number) => {
      ins.run([id]);
      ins.run([id + 100]);
      if (id === 2) throw new Error('inner');
    });
    const outer = db.transaction(() => {
      inner(1);
      try {
        inner(2);
      } catch {
        // the outer transaction goes on
      }
      inner(3);
      expect(db.inTransaction).toBe(true);
    });
    outer();
    expect(ids(db)).toEqual([1, 3, 101, 103]);
  });

  it('inside an explicit BEGIN it is a savepoint of that transaction', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    const add = db.transaction((id: number) => db.prepare('INSERT INTO t VALUES ($1)').run([id]));
    db.exec('BEGIN');
    add(1);
    expect(db.inTransaction).toBe(true);
    db.exec('ROLLBACK');
    expect(ids(db)).toEqual([]);
  });

  it('ROLLBACK inside the function ends the transaction; the wrapper does not commit', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    const f = db.transaction(() => {
      db.exec('INSERT INTO t VALUES (1); ROLLBACK');
    });
    f();
    expect(ids(db)).toEqual([]);
    expect(db.inTransaction).toBe(false);
  });
});
