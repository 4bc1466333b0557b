/**
 * Small Postgres-compatibility fixes: relations a view depends on cannot be dropped or renamed
 * out from under it, CREATE TRIGGER without FOR EACH ROW is statement-level (rejected), -0.0 and
 * 0.0 collide in composite unique indexes (INSERT and bulkLoad), and a duplicate of the automatic
 * FK index is allowed and kept consistent.
 */
import { describe, expect, it } from 'vitest';
import { failure, memoryDb, rows, sqlFailure } from './sql-helpers.js';

describe('views and the relations they depend on', () => {
  const setup = 'CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT, unused INT); CREATE VIEW v AS SELECT id, a FROM t';

  it('refuses DROP TABLE while a view reads the table (ERR_CONSTRAINT, like FK dependants)', () => {
    const db = memoryDb(setup);
    const f = sqlFailure(db, 'DROP TABLE t');
    expect(f.code).toBe('ERR_CONSTRAINT');
    expect(f.bare).toMatch(/^cannot drop table t because other objects depend on it/);
    expect(f.details).toMatchObject({ table: 't', dependents: ['v'] });
    expect(rows(db, 'SELECT * FROM v')).toEqual([]);
    db.exec('DROP VIEW v; DROP TABLE t');
    expect(sqlFailure(db, 'SELECT * FROM t').code).toBe('ERR_SQL');
  });

  it('refuses DROP COLUMN of a column a view uses, allows an unused one', () => {
    const db = memoryDb(setup);
    db.exec("INSERT INTO t VALUES (1, 10, 'x', 5)");
    const f = sqlFailure(db, 'ALTER TABLE t DROP COLUMN a');
    expect(f.code).toBe('ERR_CONSTRAINT');
    expect(f.bare).toMatch(/^cannot drop column a of table t because other objects depend on it/);
    db.exec('ALTER TABLE t DROP COLUMN unused');
    expect(rows(db, 'SELECT * FROM v')).toEqual([[1, 10]]);
    expect(rows(db, 'SELECT * FROM t')).toEqual([[1, 10, 'x']]);
  });

  it('refuses DROP COLUMN under a view that expands *', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, a INT); CREATE VIEW s AS SELECT * FROM t');
    expect(sqlFailure(db, 'ALTER TABLE t DROP COLUMN a').code).toBe('ERR_CONSTRAINT');
    expect(rows(db, 'SELECT * FROM s')).toEqual([]);
  });

  it('refuses RENAME COLUMN and RENAME TO while a view depends on the table', () => {
    const db = memoryDb(setup);
    const col = sqlFailure(db, 'ALTER TABLE t RENAME COLUMN a TO a2');
    expect(col.code).toBe('ERR_SQL');
    expect(col.bare).toMatch(/cannot rename table t or its columns while views depend on it \(v\)/);
    expect(sqlFailure(db, 'ALTER TABLE t RENAME TO t2').code).toBe('ERR_SQL');
    expect(rows(db, 'SELECT a FROM v')).toEqual([]);
    db.exec('DROP VIEW v; ALTER TABLE t RENAME COLUMN a TO a2; ALTER TABLE t RENAME TO t2');
    expect(rows(db, 'SELECT a2 FROM t2')).toEqual([]);
  });

  it('refuses DROP VIEW and ALTER VIEW RENAME of a view another view reads; both dropped together is fine', () => {
    const db = memoryDb(`${setup}; CREATE VIEW w AS SELECT a FROM v`);
    const f = sqlFailure(db, 'DROP VIEW v');
    expect(f.code).toBe('ERR_CONSTRAINT');
    expect(f.bare).toMatch(/^cannot drop view v because other objects depend on it/);
    expect(sqlFailure(db, 'ALTER VIEW v RENAME TO v2').code).toBe('ERR_SQL');
    expect(rows(db, 'SELECT * FROM w')).toEqual([]);
    db.exec('DROP VIEW v, w');
    db.exec('DROP TABLE t');
  });

  it('a failed DROP inside a transaction leaves the transaction usable', () => {
    const db = memoryDb(setup);
    db.exec('BEGIN');
    expect(sqlFailure(db, 'DROP TABLE t').code).toBe('ERR_CONSTRAINT');
    db.exec('INSERT INTO t VALUES (1, 2, NULL, NULL)');
    db.exec('COMMIT');
    expect(rows(db, 'SELECT * FROM v')).toEqual([[1, 2]]);
  });
});

describe('trigger granularity', () => {
  it('rejects a trigger without FOR EACH ROW as statement-level (the Postgres default)', () => {
    const db = memoryDb('CREATE TABLE t (a INT); CREATE TABLE log (a INT)');
    const f = sqlFailure(db, "CREATE TRIGGER tr AFTER INSERT ON t EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO log VALUES (1)')");
    expect(f).toMatchObject({ code: 'ERR_SQL', bare: 'statement-level triggers are not supported; write FOR EACH ROW' });
    expect(sqlFailure(db, "CREATE TRIGGER tr AFTER INSERT ON t FOR EACH STATEMENT EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO log VALUES (1)')").code).toBe('ERR_SQL');
    db.exec("CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO log VALUES (1)')");
    db.exec('INSERT INTO t VALUES (1), (2)');
    expect(rows(db, 'SELECT count(*) FROM log')).toEqual([[2]]);
  });
});

describe('-0.0 and 0.0 in composite unique indexes', () => {
  const setup = 'CREATE TABLE p (id INT PRIMARY KEY, x FLOAT, y FLOAT, k INT); CREATE UNIQUE INDEX p_xyk ON p (x, y, k)';

  it('INSERT treats them as duplicates in every sign combination', () => {
    const db = memoryDb(setup);
    db.prepare('INSERT INTO p VALUES ($1, $2, $3, 1)').run([1, 0, -0]);
    for (const [x, y] of [[0, -0], [-0, 0], [0, 0], [-0, -0]] as const) {
      expect(failure(() => db.prepare('INSERT INTO p VALUES (9, $1, $2, 1)').run([x, y])).code).toBe('ERR_CONSTRAINT');
    }
    db.prepare('INSERT INTO p VALUES (2, $1, $2, 2)').run([-0, 0]); // another k
    expect(failure(() => db.prepare('UPDATE p SET k = 1 WHERE id = 2').run([])).code).toBe('ERR_CONSTRAINT');
    expect(rows(db, 'SELECT count(*) FROM p')).toEqual([[2]]);
  });

  it('bulkLoad treats them as duplicates, against existing rows and within the load', () => {
    const db = memoryDb(setup);
    db.prepare('INSERT INTO p VALUES (1, $1, 1.5, 1)').run([-0]);
    expect(failure(() => db.bulkLoad('p', [[2, 0, 1.5, 1]])).code).toBe('ERR_CONSTRAINT');
    expect(failure(() => db.bulkLoad('p', [[3, 0, -0, 7], [4, -0, 0, 7]])).code).toBe('ERR_CONSTRAINT');
    expect(rows(db, 'SELECT count(*) FROM p')).toEqual([[1]]);
    db.bulkLoad('p', [[5, 0, 1.5, 2], [6, -0, 0, 3], [7, 1, 1, 1]]);
    expect(rows(db, 'SELECT count(*) FROM p')).toEqual([[4]]);
  });

  it('bulkLoad also catches ±0 in a single-column unique index', () => {
    const db = memoryDb('CREATE TABLE s (id INT PRIMARY KEY, x FLOAT UNIQUE)');
    db.prepare('INSERT INTO s VALUES (1, $1)').run([0]);
    expect(failure(() => db.bulkLoad('s', [[2, -0]])).code).toBe('ERR_CONSTRAINT');
  });
});

describe('an explicit index duplicating the automatic FK index', () => {
  it('is allowed, maintained, usable, and either can be dropped with the FK still enforced', () => {
    const db = memoryDb('CREATE TABLE parent (id INT PRIMARY KEY); CREATE TABLE child (id INT PRIMARY KEY, parent_id INT REFERENCES parent(id))');
    db.bulkLoad('parent', Array.from({ length: 50 }, (_, i) => [i]));
    db.bulkLoad('child', Array.from({ length: 500 }, (_, i) => [i, i % 50]));
    db.exec('CREATE INDEX ix ON child(parent_id)');
    db.exec('INSERT INTO child VALUES (1000, 7); DELETE FROM child WHERE id = 7; UPDATE child SET parent_id = 8 WHERE id = 57');
    const explain = (): string => rows(db, 'EXPLAIN SELECT * FROM child WHERE parent_id = 7').map((r) => String(r[0])).join('\n');
    const expected = [[107], [157], [207], [257], [307], [357], [407], [457], [1000]];
    expect(rows(db, 'SELECT id FROM child WHERE parent_id = 7 ORDER BY id')).toEqual(expected);
    expect(explain()).toMatch(/IndexSeek child USING (fk_child_parent_id_idx|ix)/);

    db.exec('DROP INDEX fk_child_parent_id_idx');
    expect(explain()).toMatch(/IndexSeek child USING ix/);
    expect(rows(db, 'SELECT id FROM child WHERE parent_id = 7 ORDER BY id')).toEqual(expected);
    expect(sqlFailure(db, 'INSERT INTO child VALUES (2000, 999)').code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, 'DELETE FROM parent WHERE id = 7').code).toBe('ERR_CONSTRAINT');
    db.exec('DELETE FROM child WHERE parent_id = 49; DELETE FROM parent WHERE id = 49');

    db.exec('CREATE INDEX ix2 ON child(parent_id); DROP INDEX ix');
    expect(rows(db, 'SELECT id FROM child WHERE parent_id = 7 ORDER BY id')).toEqual(expected);
    expect(sqlFailure(db, 'DELETE FROM parent WHERE id = 8').code).toBe('ERR_CONSTRAINT');
    expect(rows(db, 'SELECT count(*) FROM child')).toEqual([[490]]);
  });
});
