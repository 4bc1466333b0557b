/**
 * DDL of issue 4: CREATE/DROP TABLE [IF [NOT] EXISTS], column and table constraints, foreign
 * keys with their actions and implied indexes (native names), ALTER TABLE forms, CREATE
 * [UNIQUE] INDEX over several columns, CREATE/DROP VIEW. Catalog effects are read back from
 * the checkpointed file the way `decentdb inspect` reads it.
 */
import { describe, expect, it } from 'vitest';
import { memoryDb, rows, sqlFailure, vfsDb } from './sql-helpers.js';

describe('CREATE TABLE and DROP TABLE', () => {
  it('creates, refuses a duplicate, and honours IF NOT EXISTS / IF EXISTS', () => {
    const db = memoryDb('CREATE TABLE t (a INT)');
    expect(sqlFailure(db, 'CREATE TABLE t (b INT)')).toMatchObject({ code: 'ERR_SQL', bare: 'relation "t" already exists' });
    db.exec('CREATE TABLE IF NOT EXISTS t (b INT)');
    expect(rows(db, 'SELECT * FROM t')).toEqual([]);
    expect(db.prepare('SELECT * FROM t').columns().map((c) => c.name)).toEqual(['a']);
    db.exec('DROP TABLE t');
    expect(sqlFailure(db, 'DROP TABLE t')).toMatchObject({ code: 'ERR_SQL', bare: 'table "t" does not exist' });
    db.exec('DROP TABLE IF EXISTS t');
    expect(sqlFailure(db, 'SELECT * FROM t')).toMatchObject({ code: 'ERR_SQL', bare: 'relation "t" does not exist' });
  });

  it('maps every type name to its native type', () => {
    const db = memoryDb(`CREATE TABLE ty (a INT, b INTEGER, c BIGINT, d SMALLINT, e REAL, f DOUBLE PRECISION, g FLOAT, h TEXT,
      i VARCHAR(10), j CHAR(3), k BYTEA, l BLOB, m BOOLEAN, n BOOL, o DECIMAL(10,2), p NUMERIC(5,1), q TIMESTAMP, r DATE, s UUID)`);
    const types = db.prepare('SELECT * FROM ty').columns().map((c) => c.type);
    expect(types).toEqual([
      'INT64', 'INT64', 'INT64', 'INT64', 'FLOAT64', 'FLOAT64', 'FLOAT64', 'TEXT', 'TEXT', 'TEXT', 'BLOB', 'BLOB', 'BOOL', 'BOOL',
      'DECIMAL(10,2)', 'DECIMAL(5,1)', 'TIMESTAMP', 'TIMESTAMP', 'UUID',
    ]);
  });

  it('rejects a column named twice and two primary keys', () => {
    const db = memoryDb();
    expect(sqlFailure(db, 'CREATE TABLE t (a INT, "a" TEXT)')).toMatchObject({ code: 'ERR_SQL', bare: 'column "a" specified more than once' });
    expect(sqlFailure(db, 'CREATE TABLE t (a INT PRIMARY KEY, b INT PRIMARY KEY)').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'CREATE TABLE t (a INT PRIMARY KEY, b INT, PRIMARY KEY (b))').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'CREATE TABLE t (a INT, PRIMARY KEY (zz))')).toMatchObject({ code: 'ERR_SQL', bare: 'column "zz" named in key does not exist' });
  });

  it('uses a single INT primary key as the rowid and indexes other keys with native names', () => {
    const h = vfsDb(`
      CREATE TABLE p (id INT PRIMARY KEY, code TEXT UNIQUE, name TEXT);
      CREATE TABLE cp (a INT, b TEXT, c INT, PRIMARY KEY (a, b), UNIQUE (c, b));
      CREATE TABLE ch (id INT PRIMARY KEY, pid INT REFERENCES p(id), code TEXT REFERENCES p(code));
      CREATE TABLE tp (k TEXT PRIMARY KEY, v INT)`);
    const indexes = h.catalog().flatMap((e) => (e.kind === 'index' ? [`${e.index.name}(${e.index.columns.join(',')})${e.index.unique ? ' unique' : ''}`] : []));
    expect(indexes.sort()).toEqual([
      'fk_ch_code_idx(code)',
      'fk_ch_pid_idx(pid)',
      'pk_cp_a_b_idx(a,b) unique',
      'pk_tp_k_idx(k) unique',
      'uniq_cp_c_b_idx(c,b) unique',
      'uniq_p_code_idx(code) unique',
    ]);
    h.db.close();
  });

  it('enforces NOT NULL, UNIQUE, CHECK and DEFAULT from column and table constraints', () => {
    const db = memoryDb(`CREATE TABLE t (
      id INT PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, qty INT DEFAULT 3 CHECK (qty >= 0),
      lo INT, hi INT, CONSTRAINT lo_le_hi CHECK (lo <= hi), UNIQUE (lo, hi))`);
    db.exec("INSERT INTO t (id, name, email, lo, hi) VALUES (1, 'a', 'a@x', 1, 2)");
    expect(rows(db, 'SELECT qty FROM t')).toEqual([[3]]);
    expect(sqlFailure(db, "INSERT INTO t (id, email) VALUES (2, 'b@x')")).toMatchObject({ code: 'ERR_CONSTRAINT', details: { table: 't', column: 'name' } });
    expect(sqlFailure(db, "INSERT INTO t (id, name, email) VALUES (2, 'b', 'a@x')").message).toMatch(/uniq_t_email_idx.*\(email\)=\(a@x\)/);
    expect(sqlFailure(db, "INSERT INTO t (id, name, qty) VALUES (2, 'b', -1)").message).toMatch(/check constraint "t_qty_check"/);
    expect(sqlFailure(db, "INSERT INTO t (id, name, lo, hi) VALUES (2, 'b', 5, 4)").message).toMatch(/check constraint "lo_le_hi"/);
    expect(sqlFailure(db, "INSERT INTO t (id, name, lo, hi) VALUES (2, 'b', 1, 2)").message).toMatch(/uniq_t_lo_hi_idx/);
    // NULLs never collide in a UNIQUE constraint, and a NULL CHECK result passes (Postgres).
    db.exec("INSERT INTO t (id, name, email, qty, lo, hi) VALUES (3, 'c', NULL, NULL, NULL, 2), (4, 'd', NULL, NULL, NULL, 2)");
    expect(rows(db, 'SELECT COUNT(*) FROM t')).toEqual([[3]]);
  });

  it('evaluates a DEFAULT expression per row', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, label TEXT DEFAULT 'n/' || 'a', n DECIMAL(6,2) DEFAULT 1.5 * 2, flag BOOL DEFAULT NOT FALSE)");
    db.exec('INSERT INTO t (id) VALUES (1)');
    expect(rows(db, 'SELECT label, n, flag FROM t')).toEqual([['n/a', '3.00', true]]);
  });
});

describe('foreign keys', () => {
  const setup = (action: string): ReturnType<typeof memoryDb> =>
    memoryDb(`
      CREATE TABLE parent (id INT PRIMARY KEY, code TEXT UNIQUE);
      CREATE TABLE child (id INT PRIMARY KEY, pid INT REFERENCES parent(id) ${action});
      INSERT INTO parent VALUES (1, 'a'), (2, 'b');
      INSERT INTO child VALUES (10, 1), (11, 1), (12, 2), (13, NULL)`);

  it('rejects a child row whose parent does not exist, naming table, column and value', () => {
    const db = setup('');
    const f = sqlFailure(db, 'INSERT INTO child VALUES (20, 99)');
    expect(f.code).toBe('ERR_CONSTRAINT');
    expect(f.message).toContain('"child"');
    expect(f.message).toContain('(pid)=(99)');
    expect(sqlFailure(db, 'UPDATE child SET pid = 98 WHERE id = 10').message).toContain('(pid)=(98)');
    expect(rows(db, 'SELECT id, pid FROM child ORDER BY id')).toEqual([[10, 1], [11, 1], [12, 2], [13, null]]);
  });

  it.each([['ON DELETE NO ACTION'], [''], ['ON DELETE RESTRICT']])('%s refuses to delete a referenced parent', (action) => {
    const db = setup(action);
    const f = sqlFailure(db, 'DELETE FROM parent WHERE id = 1');
    expect(f.code).toBe('ERR_CONSTRAINT');
    expect(f.message).toMatch(/"parent".*\(id\)=\(1\).*"child"/);
    db.exec('DELETE FROM child WHERE pid = 1');
    db.exec('DELETE FROM parent WHERE id = 1');
    expect(rows(db, 'SELECT id FROM parent')).toEqual([[2]]);
  });

  it('NO ACTION lets a statement that removes the referencing rows too succeed', () => {
    const db = memoryDb(`
      CREATE TABLE node (id INT PRIMARY KEY, parent INT REFERENCES node(id));
      INSERT INTO node VALUES (1, NULL), (2, 1), (3, 2)`);
    db.exec('DELETE FROM node WHERE id >= 1');
    expect(rows(db, 'SELECT COUNT(*) FROM node')).toEqual([[0]]);
  });

  it('ON DELETE CASCADE removes the children, recursively', () => {
    const db = setup('ON DELETE CASCADE');
    db.exec('CREATE TABLE grandchild (id INT PRIMARY KEY, cid INT REFERENCES child(id) ON DELETE CASCADE); INSERT INTO grandchild VALUES (100, 10), (101, 12)');
    expect(db.prepare('DELETE FROM parent WHERE id = 1').run()).toEqual({ changes: 1, lastInsertRowid: 0 });
    expect(rows(db, 'SELECT id FROM child ORDER BY id')).toEqual([[12], [13]]);
    expect(rows(db, 'SELECT id FROM grandchild')).toEqual([[101]]);
  });

  it('ON DELETE SET NULL clears the reference', () => {
    const db = setup('ON DELETE SET NULL');
    db.exec('DELETE FROM parent WHERE id = 1');
    expect(rows(db, 'SELECT id, pid FROM child ORDER BY id')).toEqual([[10, null], [11, null], [12, 2], [13, null]]);
  });

  it('ON UPDATE CASCADE / SET NULL / RESTRICT follow a changed parent key', () => {
    const cascade = setup('ON UPDATE CASCADE');
    cascade.exec('UPDATE parent SET id = 5 WHERE id = 1');
    expect(rows(cascade, 'SELECT id, pid FROM child ORDER BY id')).toEqual([[10, 5], [11, 5], [12, 2], [13, null]]);
    const setNull = setup('ON UPDATE SET NULL');
    setNull.exec('UPDATE parent SET id = 5 WHERE id = 2');
    expect(rows(setNull, 'SELECT pid FROM child WHERE id = 12')).toEqual([[null]]);
    const restrict = setup('ON UPDATE RESTRICT');
    expect(sqlFailure(restrict, 'UPDATE parent SET id = 5 WHERE id = 2').code).toBe('ERR_CONSTRAINT');
    restrict.exec("UPDATE parent SET code = 'z' WHERE id = 2");
    expect(rows(restrict, 'SELECT code FROM parent WHERE id = 2')).toEqual([['z']]);
  });

  it('references a UNIQUE non-key column and refuses one without a unique constraint', () => {
    const db = memoryDb("CREATE TABLE p (id INT PRIMARY KEY, code TEXT UNIQUE, other TEXT); INSERT INTO p VALUES (1, 'x', 'o')");
    db.exec("CREATE TABLE c (code TEXT REFERENCES p(code)); INSERT INTO c VALUES ('x')");
    expect(sqlFailure(db, "INSERT INTO c VALUES ('y')").code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, 'CREATE TABLE c2 (o TEXT REFERENCES p(other))')).toMatchObject({ code: 'ERR_SQL', bare: 'there is no unique constraint matching given keys for referenced table "p"' });
    expect(sqlFailure(db, 'CREATE TABLE c3 (o INT REFERENCES nope(id))')).toMatchObject({ code: 'ERR_SQL', bare: 'relation "nope" does not exist' });
  });

  it('table-level FOREIGN KEY and ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY', () => {
    const h = vfsDb(`
      CREATE TABLE artist (artist_id INT NOT NULL, name TEXT, CONSTRAINT artist_pkey PRIMARY KEY (artist_id));
      CREATE TABLE album (album_id INT PRIMARY KEY, artist_id INT, FOREIGN KEY (artist_id) REFERENCES artist (artist_id) ON DELETE CASCADE);
      CREATE TABLE track (track_id INT PRIMARY KEY, album_id INT);
      INSERT INTO artist VALUES (1, 'a'); INSERT INTO album VALUES (1, 1); INSERT INTO track VALUES (1, 1), (2, NULL)`);
    const { db } = h;
    expect(sqlFailure(db, 'INSERT INTO album VALUES (2, 7)').code).toBe('ERR_CONSTRAINT');
    db.exec('ALTER TABLE track ADD CONSTRAINT track_album_id_fkey FOREIGN KEY (album_id) REFERENCES album (album_id) ON DELETE NO ACTION ON UPDATE NO ACTION');
    expect(sqlFailure(db, 'INSERT INTO track VALUES (3, 9)').message).toContain('(album_id)=(9)');
    expect(sqlFailure(db, 'DELETE FROM artist').code).toBe('ERR_CONSTRAINT'); // cascade reaches album, track blocks it
    expect(rows(db, 'SELECT COUNT(*) FROM album')).toEqual([[1]]);
    expect(h.catalog().some((e) => e.kind === 'index' && e.index.name === 'fk_track_album_id_idx')).toBe(true);
    // Adding a foreign key that existing rows violate fails and changes nothing.
    db.exec('CREATE TABLE t2 (x INT); INSERT INTO t2 VALUES (42)');
    expect(sqlFailure(db, 'ALTER TABLE t2 ADD FOREIGN KEY (x) REFERENCES album (album_id)').code).toBe('ERR_CONSTRAINT');
    db.exec('INSERT INTO t2 VALUES (43)');
    db.close();
  });

  it('refuses to drop a referenced table', () => {
    const db = setup('');
    expect(sqlFailure(db, 'DROP TABLE parent').code).toBe('ERR_CONSTRAINT');
    db.exec('DROP TABLE child; DROP TABLE parent');
  });
});

describe('ALTER TABLE', () => {
  it('ADD COLUMN rewrites rows under negative and large rowids', () => {
    const db = memoryDb("CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT); INSERT INTO t VALUES (-5, 'neg'), (0, 'zero'), (9007199254740993, 'big'), (-9223372036854775808, 'min')");
    db.exec('ALTER TABLE t ADD COLUMN n INT DEFAULT 7');
    expect(rows(db, 'SELECT a, n FROM t ORDER BY id')).toEqual([['min', 7], ['neg', 7], ['zero', 7], ['big', 7]]);
    expect(rows(db, 'SELECT a FROM t WHERE id = -5')).toEqual([['neg']]);
  });

  it('ADD COLUMN fills existing rows with the default and enforces its constraints', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, a TEXT); INSERT INTO t VALUES (1, 'x'), (2, 'y')");
    db.exec('ALTER TABLE t ADD COLUMN n INT DEFAULT 7');
    db.exec('ALTER TABLE t ADD COLUMN m TEXT');
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'x', 7, null], [2, 'y', 7, null]]);
    db.exec('INSERT INTO t (id) VALUES (3)');
    expect(rows(db, 'SELECT n FROM t WHERE id = 3')).toEqual([[7]]);
    expect(sqlFailure(db, 'ALTER TABLE t ADD COLUMN z INT NOT NULL').code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, 'ALTER TABLE t ADD COLUMN a INT')).toMatchObject({ code: 'ERR_SQL', bare: 'column "a" of relation "t" already exists' });
    db.exec('ALTER TABLE t ADD COLUMN c INT CHECK (c > 0)');
    expect(sqlFailure(db, 'UPDATE t SET c = 0').code).toBe('ERR_CONSTRAINT');
    db.exec('ALTER TABLE t ADD COLUMN u TEXT UNIQUE');
    db.exec("UPDATE t SET u = 'one' WHERE id = 1");
    expect(sqlFailure(db, "UPDATE t SET u = 'one' WHERE id = 2").code).toBe('ERR_CONSTRAINT');
  });

  it('RENAME COLUMN follows into CHECK, indexes and referencing foreign keys', () => {
    const db = memoryDb(`
      CREATE TABLE p (id INT PRIMARY KEY, code TEXT UNIQUE, q INT CHECK (q > 0));
      CREATE TABLE c (code TEXT REFERENCES p(code));
      CREATE INDEX p_q ON p (q);
      INSERT INTO p VALUES (1, 'a', 5); INSERT INTO c VALUES ('a')`);
    const ins = db.prepare('INSERT INTO p VALUES ($1, $2, $3)');
    for (let i = 100; i < 400; i++) ins.run([i, `k${i}`, i]);
    db.exec('ALTER TABLE p RENAME COLUMN code TO k');
    db.exec('ALTER TABLE p RENAME COLUMN q TO qty');
    expect(rows(db, 'SELECT id, k, qty FROM p WHERE id < 100')).toEqual([[1, 'a', 5]]);
    expect(sqlFailure(db, "INSERT INTO p VALUES (2, 'b', 0)").message).toContain('check constraint');
    expect(sqlFailure(db, "INSERT INTO c VALUES ('zz')").code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, "INSERT INTO p VALUES (2, 'a', 1)").code).toBe('ERR_CONSTRAINT');
    expect(rows(db, 'EXPLAIN SELECT id FROM p WHERE qty = 5').flat().join('\n')).toContain('p_q');
    expect(sqlFailure(db, 'SELECT code FROM p')).toMatchObject({ code: 'ERR_SQL', bare: 'column "code" does not exist' });
  });

  it('ADD CONSTRAINT CHECK / UNIQUE validate existing rows; a CHECK on an added column too', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, n INT); INSERT INTO t VALUES (1, 5), (2, 5), (3, NULL)');
    expect(sqlFailure(db, 'ALTER TABLE t ADD CONSTRAINT small CHECK (n < 5)')).toMatchObject({ code: 'ERR_CONSTRAINT', details: { table: 't', constraint: 'small' } });
    expect(sqlFailure(db, 'ALTER TABLE t ADD CONSTRAINT u UNIQUE (n)').code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, 'ALTER TABLE t ADD COLUMN c INT DEFAULT 0 CHECK (c > 0)').code).toBe('ERR_CONSTRAINT');
    db.exec('ALTER TABLE t ADD CONSTRAINT big CHECK (n >= 5)');
    expect(sqlFailure(db, 'ALTER TABLE t ADD CONSTRAINT big CHECK (n > 0)').bare).toBe('constraint "big" for relation "t" already exists');
    expect(sqlFailure(db, 'INSERT INTO t VALUES (4, 4)').message).toContain('"big"');
    expect(db.prepare('SELECT * FROM t').columns().map((c) => c.name)).toEqual(['id', 'n']);
  });

  it('DROP COLUMN rewrites rows and drops its single-column indexes', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b INT UNIQUE, c TEXT); CREATE INDEX t_c ON t (c); INSERT INTO t VALUES (1, 'x', 10, 'q')");
    db.exec('ALTER TABLE t DROP COLUMN b');
    db.exec('ALTER TABLE t DROP COLUMN c');
    expect(rows(db, 'SELECT * FROM t')).toEqual([[1, 'x']]);
    db.exec("INSERT INTO t VALUES (2, 'y')");
    expect(sqlFailure(db, 'ALTER TABLE t DROP COLUMN id').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'ALTER TABLE t DROP COLUMN zz')).toMatchObject({ code: 'ERR_SQL', bare: 'column "zz" of relation "t" does not exist' });
    db.exec('ALTER TABLE t DROP COLUMN IF EXISTS zz');
    db.exec('CREATE INDEX t_c2 ON t (a)');
    expect(rows(db, "SELECT id FROM t WHERE a = 'y'")).toEqual([[2]]);
  });

  it('RENAME TO keeps rows, indexes and references', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, a TEXT UNIQUE); CREATE TABLE c (tid INT REFERENCES t(id)); INSERT INTO t VALUES (1, 'x'); INSERT INTO c VALUES (1)");
    db.exec('ALTER TABLE t RENAME TO t2');
    expect(rows(db, "SELECT id FROM t2 WHERE a = 'x'")).toEqual([[1]]);
    expect(sqlFailure(db, 'DELETE FROM t2').code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, 'SELECT * FROM t').code).toBe('ERR_SQL');
  });
});

describe('CREATE INDEX and DROP INDEX', () => {
  it('builds a multi-column index over existing rows and serves lookups from it', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT)');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2, $3)');
    for (let i = 0; i < 300; i++) ins.run([i, i % 7, `b${i % 11}`]);
    db.exec('CREATE INDEX t_ab ON t (a, b)');
    const plan = rows(db, "EXPLAIN SELECT id FROM t WHERE a = 3 AND b = 'b5'").flat().join('\n');
    expect(plan).toContain('t_ab');
    const expected = [];
    for (let i = 0; i < 300; i++) if (i % 7 === 3 && i % 11 === 5) expected.push([i]);
    expect(rows(db, "SELECT id FROM t WHERE a = 3 AND b = 'b5' ORDER BY id")).toEqual(expected);
    db.exec('DROP INDEX t_ab');
    expect(rows(db, "EXPLAIN SELECT id FROM t WHERE a = 3 AND b = 'b5'").flat().join('\n')).not.toContain('t_ab');
  });

  it('CREATE UNIQUE INDEX refuses existing duplicates and later ones', () => {
    const db = memoryDb("CREATE TABLE t (a INT, b TEXT); INSERT INTO t VALUES (1, 'x'), (1, 'y'), (1, 'x')");
    expect(sqlFailure(db, 'CREATE UNIQUE INDEX u_ab ON t (a, b)').code).toBe('ERR_CONSTRAINT');
    db.exec("DELETE FROM t WHERE b = 'x'");
    db.exec('CREATE UNIQUE INDEX u_ab ON t (a, b)');
    expect(sqlFailure(db, "INSERT INTO t VALUES (1, 'y')").message).toMatch(/u_ab.*\(a, b\)=\(1, y\)/);
    db.exec("INSERT INTO t VALUES (2, 'y'), (1, NULL), (1, NULL)");
    expect(sqlFailure(db, 'CREATE INDEX u_ab ON t (b)')).toMatchObject({ code: 'ERR_SQL', bare: 'relation "u_ab" already exists' });
    db.exec('CREATE INDEX IF NOT EXISTS u_ab ON t (b)');
    expect(sqlFailure(db, 'CREATE INDEX i ON t (zz)').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'CREATE INDEX i ON nope (a)').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'DROP INDEX nope')).toMatchObject({ code: 'ERR_SQL', bare: 'index "nope" does not exist' });
    db.exec('DROP INDEX IF EXISTS nope');
  });
});

describe('CREATE VIEW and DROP VIEW', () => {
  it('creates a view that reflects later changes, refuses duplicates, drops', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, a INT); INSERT INTO t VALUES (1, 10), (2, 20)");
    db.exec('CREATE VIEW big AS SELECT id, a * 2 AS twice FROM t WHERE a > 10');
    expect(rows(db, 'SELECT * FROM big')).toEqual([[2, 40]]);
    db.exec('INSERT INTO t VALUES (3, 30)');
    expect(rows(db, 'SELECT twice FROM big ORDER BY id')).toEqual([[40], [60]]);
    expect(rows(db, 'SELECT b.id, t.a FROM big b JOIN t ON t.id = b.id ORDER BY b.id')).toEqual([[2, 20], [3, 30]]);
    expect(sqlFailure(db, 'CREATE VIEW big AS SELECT 1').bare).toBe('relation "big" already exists');
    expect(sqlFailure(db, 'CREATE VIEW t AS SELECT 1').bare).toBe('relation "t" already exists');
    db.exec('CREATE OR REPLACE VIEW big AS SELECT id FROM t');
    expect(rows(db, 'SELECT COUNT(*) FROM big')).toEqual([[3]]);
    db.exec('DROP VIEW big');
    expect(sqlFailure(db, 'DROP VIEW big')).toMatchObject({ code: 'ERR_SQL', bare: 'view "big" does not exist' });
    db.exec('DROP VIEW IF EXISTS big');
    expect(sqlFailure(db, 'CREATE VIEW bad AS SELECT nope FROM t').code).toBe('ERR_SQL');
  });

  it('ALTER VIEW … RENAME TO', () => {
    const db = memoryDb('CREATE TABLE t (a INT); INSERT INTO t VALUES (1); CREATE VIEW v AS SELECT a FROM t');
    db.exec('ALTER VIEW v RENAME TO w');
    expect(rows(db, 'SELECT * FROM w')).toEqual([[1]]);
    expect(sqlFailure(db, 'SELECT * FROM v').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'ALTER VIEW nope RENAME TO x').bare).toBe('view "nope" does not exist');
    expect(sqlFailure(db, 'ALTER VIEW w RENAME TO t').bare).toBe('relation "t" already exists');
  });

  it('views with column lists, aggregates and views over views', () => {
    const db = memoryDb("CREATE TABLE t (g TEXT, n INT); INSERT INTO t VALUES ('a', 1), ('a', 2), ('b', 5)");
    db.exec('CREATE VIEW sums (grp, total) AS SELECT g, SUM(n) FROM t GROUP BY g');
    db.exec('CREATE VIEW top AS SELECT grp FROM sums WHERE total > 3');
    expect(rows(db, 'SELECT grp, total FROM sums ORDER BY grp')).toEqual([['a', 3], ['b', 5]]);
    expect(rows(db, 'SELECT * FROM top')).toEqual([['b']]);
  });
});

describe('CREATE TRIGGER and DROP TRIGGER', () => {
  it('AFTER row triggers on tables, INSTEAD OF triggers on views, validation at CREATE', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, n INT); CREATE TABLE log (id INT PRIMARY KEY, msg TEXT); CREATE VIEW v AS SELECT id, n FROM t');
    db.exec("CREATE TRIGGER t_ins AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO log (msg) VALUES (''ins'')')");
    db.exec("CREATE TRIGGER t_del AFTER DELETE OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO log (msg) VALUES (''chg'')')");
    db.exec("CREATE TRIGGER v_ins INSTEAD OF INSERT ON v FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO t (n) VALUES (42)')");
    db.exec('INSERT INTO t VALUES (1, 1), (2, 2); UPDATE t SET n = 0; DELETE FROM t WHERE id = 1');
    expect(rows(db, 'SELECT msg, COUNT(*) FROM log GROUP BY msg ORDER BY msg')).toEqual([['chg', 3], ['ins', 2]]);
    expect(db.prepare('INSERT INTO v VALUES (7, 7), (8, 8)').run().changes).toBe(2);
    expect(rows(db, 'SELECT n FROM t ORDER BY id')).toEqual([[0], [42], [42]]);
    expect(sqlFailure(db, 'UPDATE v SET n = 1').bare).toMatch(/cannot change view "v"/);
    const bad = (sql: string): string => sqlFailure(db, sql).bare;
    expect(bad("CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('SELECT 1')")).toBe('trigger "x" action must be one INSERT, UPDATE or DELETE statement');
    expect(bad("CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO')")).toMatch(/^trigger "x" action does not parse/);
    expect(bad("CREATE TRIGGER x AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION other('x')")).toMatch(/decentdb_exec_sql/);
    expect(bad("CREATE TRIGGER x BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('DELETE FROM log')")).toBe('BEFORE triggers are not supported');
    expect(bad("CREATE TRIGGER x INSTEAD OF INSERT ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('DELETE FROM log')")).toBe('INSTEAD OF triggers are only allowed on views');
    expect(bad("CREATE TRIGGER t_ins AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('DELETE FROM log')")).toBe('trigger "t_ins" for relation "t" already exists');
    db.exec('DROP TRIGGER t_ins ON t; DROP TRIGGER IF EXISTS t_ins ON t');
    expect(bad('DROP TRIGGER t_ins ON t')).toBe('trigger "t_ins" for table "t" does not exist');
    // 2 direct inserts + 2 made by the view's INSTEAD OF action; none after the DROP.
    db.exec('INSERT INTO t VALUES (50, 1)');
    expect(rows(db, "SELECT COUNT(*) FROM log WHERE msg = 'ins'")).toEqual([[4]]);
  });

  it('a trigger that inserts into its own table does not recurse', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, n INT); CREATE TRIGGER again AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO t (n) VALUES (0)')");
    db.exec('INSERT INTO t VALUES (10, 1), (20, 2)');
    expect(rows(db, 'SELECT id, n FROM t ORDER BY id')).toEqual([[10, 1], [20, 2], [21, 0], [22, 0]]);
  });
});
