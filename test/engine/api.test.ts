/**
 * The Node API around statements: query row modes, prepare/run/get/all/iterate/columns,
 * parameters, prepared statements reused across schema changes (plan cache invalidation),
 * iterate() holding its snapshot while writes continue, and persistence across close/reopen
 * of a NodeVfs file (rows, indexes, views, triggers, rowid allocation).
 */
import { copyFileSync, existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { Database, Decimal, MemoryVfs } from '../../src/index.js';
import { planCounters } from '../../src/engine/query.js';
import { catalogOnDisk, failure, memoryDb, rows, tempDir } from '../sql/sql-helpers.js';

describe('statements', () => {
  it('query() returns objects by default and arrays with rowMode array (duplicate names kept)', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a')");
    expect(db.query('SELECT id, v FROM t')).toEqual([{ id: 1, v: 'a' }]);
    expect(db.query('SELECT id, id, v AS id FROM t', [], { rowMode: 'array' })).toEqual([[1, 1, 'a']]);
    expect(db.prepare('SELECT id, id, v AS id FROM t').columns()).toEqual([
      { name: 'id', type: 'INT64' },
      { name: 'id', type: 'INT64' },
      { name: 'id', type: 'TEXT' },
    ]);
  });

  it('run/get/all/iterate with $n parameters, including LIMIT/OFFSET', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v TEXT)');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2)');
    for (let i = 1; i <= 10; i++) expect(ins.run([i, `v${i}`])).toEqual({ changes: 1, lastInsertRowid: i });
    const page = db.prepare('SELECT id FROM t ORDER BY id LIMIT $1 OFFSET $2');
    expect(page.all([3, 4], 'array')).toEqual([[5], [6], [7]]);
    expect(page.get([2, 8])).toEqual({ id: 9 });
    expect(db.prepare('SELECT v FROM t WHERE id = $1').get([99])).toBeUndefined();
    expect([...db.prepare('SELECT id FROM t WHERE id > $1').iterate([8])]).toEqual([{ id: 9 }, { id: 10 }]);
    expect(db.prepare('CREATE TABLE u (x INT)').run()).toEqual({ changes: 0, lastInsertRowid: 0 });
    expect(db.prepare('SELECT 1').run()).toEqual({ changes: 0, lastInsertRowid: 0 });
  });

  it('maps JS values both ways: bigint beyond 2^53, Decimal, Date, Uint8Array, booleans, null', () => {
    const db = memoryDb('CREATE TABLE t (i INT, d DECIMAL(18,4), ts TIMESTAMP, b BYTEA, f BOOL, u UUID, x FLOAT)');
    const when = new Date('2024-03-01T10:00:00.123Z');
    db.prepare('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7)').run([9007199254740993n, '12345678901234.5678', when, new Uint8Array([0, 255]), true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 0.1]);
    db.prepare('INSERT INTO t VALUES ($1, $2, NULL, NULL, $3, NULL, $4)').run([-5, new Decimal(15n, 1), undefined, 2]);
    expect(rows(db, 'SELECT * FROM t ORDER BY i')).toEqual([
      [-5, '1.5000', null, null, null, null, 2],
      [9007199254740993n, '12345678901234.5678', when, new Uint8Array([0, 255]), true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 0.1],
    ]);
    expect(rows(db, 'SELECT i FROM t WHERE i = $1', [9007199254740993n])).toEqual([[9007199254740993n]]);
    expect(rows(db, 'SELECT i FROM t WHERE i = $1', ['-5'])).toEqual([[-5]]);
  });

  it('rejects DECIMAL precisions the native int64 encoding cannot hold', () => {
    const db = memoryDb();
    const e = failure(() => db.exec('CREATE TABLE t (d DECIMAL(20,4))'));
    expect(e.code).toBe('ERR_SQL');
    expect(e.message).toMatch(/DECIMAL precision 20 of column "d" is out of range/);
    expect(failure(() => db.exec('CREATE TABLE t (d DECIMAL(4,6))')).code).toBe('ERR_SQL');
  });

  it('exec runs scripts with comments and several statements; a failure stops the script there', () => {
    const db = memoryDb();
    db.exec(`-- a comment
      CREATE TABLE t (id INT PRIMARY KEY); /* block */ INSERT INTO t VALUES (1);
      INSERT INTO t VALUES (2);`);
    expect(failure(() => db.exec('INSERT INTO t VALUES (3); INSERT INTO t VALUES (1); INSERT INTO t VALUES (4)')).code).toBe('ERR_CONSTRAINT');
    expect(rows(db, 'SELECT id FROM t ORDER BY id')).toEqual([[1], [2], [3]]);
  });
});

describe('prepared statements across schema changes', () => {
  it('re-plans after DDL: new index used, dropped column reported, recreated table read', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT)');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2, $3)');
    for (let i = 0; i < 200; i++) ins.run([i, i % 10, `b${i}`]);
    const byA = db.prepare('SELECT COUNT(*) FROM t WHERE a = $1');
    const plan = db.prepare('EXPLAIN SELECT COUNT(*) FROM t WHERE a = 3');
    expect(byA.all([3], 'array')).toEqual([[20]]);
    expect(plan.all([], 'array').flat().join('\n')).not.toContain('t_a');
    db.exec('CREATE INDEX t_a ON t (a)');
    expect(plan.all([], 'array').flat().join('\n')).toContain('t_a');
    expect(byA.all([3], 'array')).toEqual([[20]]);
    const selB = db.prepare('SELECT b FROM t WHERE id = 1');
    expect(selB.all([], 'array')).toEqual([['b1']]);
    db.exec('ALTER TABLE t DROP COLUMN b');
    expect(failure(() => selB.all()).bare).toBe('column "b" does not exist');
    db.exec('ALTER TABLE t ADD COLUMN b TEXT DEFAULT \'new\'');
    expect(selB.all([], 'array')).toEqual([['new']]);
    db.exec('DROP TABLE t; CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT)');
    expect(byA.all([3], 'array')).toEqual([[0]]);
    expect(ins.run([1, 3, 'x']).changes).toBe(1);
    expect(byA.all([3], 'array')).toEqual([[1]]);
  });

  it('the same SQL text returns the cached statement', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY)');
    const a = db.prepare('SELECT * FROM t');
    db.exec('INSERT INTO t VALUES (1)');
    expect(db.prepare('SELECT * FROM t')).toBe(a);
  });
});

describe('iterate() and snapshots', () => {
  it('holds its snapshot while writes continue on the same database', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v INT)');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2)');
    for (let i = 1; i <= 100; i++) ins.run([i, i]);
    const seen: number[] = [];
    let n = 1000;
    for (const row of db.prepare('SELECT id, v FROM t ORDER BY id').iterate([], 'array')) {
      const [id, v] = row as number[];
      expect(v).toBe(id);
      seen.push(id!);
      // Writes during the iteration: an insert, an update of a row not yet read, a delete.
      ins.run([n++, 0]);
      db.exec(`UPDATE t SET v = -1 WHERE id = ${Math.min(100, id! + 1)}`);
      if (id! < 50) db.exec(`DELETE FROM t WHERE id = ${id! + 50}`);
    }
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(rows(db, 'SELECT COUNT(*) FROM t')).toEqual([[151]]);
  });

  it('an iterator abandoned early releases its snapshot (a checkpoint can truncate the WAL)', () => {
    const h = tempDir();
    try {
      const db = Database.open(h.path('snap.ddb'));
      db.exec('CREATE TABLE t (id INT PRIMARY KEY)');
      for (let i = 0; i < 20; i++) db.prepare('INSERT INTO t VALUES ($1)').run([i]);
      for (const row of db.prepare('SELECT id FROM t').iterate()) {
        expect(row).toEqual({ id: 0 });
        break;
      }
      db.exec('INSERT INTO t VALUES (100)');
      expect(db.checkpoint().truncated).toBe(true);
      db.close();
    } finally {
      h.remove();
    }
  });

  it('inside a transaction, iterate() sees the transaction\'s own writes', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)');
    db.exec('BEGIN; INSERT INTO t VALUES (2)');
    expect([...db.prepare('SELECT id FROM t ORDER BY id').iterate([], 'array')]).toEqual([[1], [2]]);
    db.exec('ROLLBACK');
    expect(rows(db, 'SELECT id FROM t')).toEqual([[1]]);
  });
});

describe('persistence (NodeVfs file, close and reopen)', () => {
  const dirs: { remove: () => void }[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.remove();
  });

  it('keeps rows, indexes, views, constraints, triggers and rowid allocation', () => {
    const h = tempDir();
    dirs.push(h);
    const path = h.path('app.ddb');
    let db = Database.open(path);
    db.exec(`
      CREATE TABLE artist (id INT PRIMARY KEY, name TEXT NOT NULL UNIQUE);
      CREATE TABLE album (id INT PRIMARY KEY, artist_id INT REFERENCES artist(id) ON DELETE CASCADE, title TEXT, price DECIMAL(6,2) DEFAULT 9.99 CHECK (price >= 0));
      CREATE INDEX album_title ON album (title);
      CREATE VIEW cheap AS SELECT title, price FROM album WHERE price < 5;
      CREATE TABLE log (id INT PRIMARY KEY, msg TEXT);
      CREATE TRIGGER album_log AFTER INSERT ON album FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql('INSERT INTO log (msg) VALUES (''album'')');
      CREATE TABLE neg (id INT PRIMARY KEY, v TEXT)`);
    const ins = db.prepare('INSERT INTO artist (name) VALUES ($1)');
    db.transaction(() => {
      for (let i = 0; i < 300; i++) ins.run([`artist ${i}`]);
    })();
    db.exec("INSERT INTO album (artist_id, title, price) VALUES (1, 'A', 1.5), (2, 'B', 20), (2, 'C', DEFAULT)");
    db.exec("INSERT INTO neg VALUES (5, 'p'), (-7, 'n')");
    db.close();

    db = Database.open(path);
    expect(rows(db, 'SELECT COUNT(*), MIN(id), MAX(id) FROM artist')).toEqual([[300, 1, 300]]);
    expect(rows(db, "SELECT id FROM artist WHERE name = 'artist 150'")).toEqual([[151]]);
    expect(rows(db, "EXPLAIN SELECT id FROM artist WHERE name = 'artist 150'").flat().join('\n')).toContain('uniq_artist_name_idx');
    expect(rows(db, "EXPLAIN SELECT id FROM album WHERE title = 'B'").flat().join('\n')).toContain('album_title');
    expect(rows(db, 'SELECT * FROM cheap')).toEqual([['A', '1.50']]);
    expect(rows(db, "SELECT price FROM album WHERE title = 'C'")).toEqual([['9.99']]);
    expect(rows(db, 'SELECT COUNT(*) FROM log')).toEqual([[3]]);
    expect(failure(() => db.exec("INSERT INTO artist (name) VALUES ('artist 3')")).code).toBe('ERR_CONSTRAINT');
    expect(failure(() => db.exec("INSERT INTO album (artist_id, title, price) VALUES (1, 'X', -1)")).code).toBe('ERR_CONSTRAINT');
    expect(failure(() => db.exec("INSERT INTO album (artist_id, title) VALUES (999, 'X')")).code).toBe('ERR_CONSTRAINT');
    expect(db.prepare("INSERT INTO artist (name) VALUES ('new')").run().lastInsertRowid).toBe(301);
    expect(db.prepare("INSERT INTO neg (v) VALUES ('next')").run().lastInsertRowid).toBe(6);
    db.exec('DELETE FROM artist WHERE id = 2');
    expect(rows(db, 'SELECT COUNT(*) FROM album')).toEqual([[1]]);
    db.exec("INSERT INTO album (artist_id, title) VALUES (1, 'D')");
    expect(rows(db, 'SELECT COUNT(*) FROM log')).toEqual([[4]]);
    db.close();

    db = Database.open(path);
    expect(rows(db, 'SELECT COUNT(*) FROM artist')).toEqual([[300]]);
    expect(rows(db, 'SELECT title FROM album ORDER BY title')).toEqual([['A'], ['D']]);
    expect(rows(db, 'SELECT id, v FROM neg ORDER BY id')).toEqual([[-7, 'n'], [5, 'p'], [6, 'next']]);
    db.close();
  });

  it('keeps committed work without checkpoint (WAL replay) and loses the uncommitted', () => {
    const h = tempDir();
    dirs.push(h);
    const path = h.path('wal.ddb');
    const db = Database.open(path);
    db.exec('CREATE TABLE t (id INT PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t (v)');
    db.exec("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
    db.exec("BEGIN; INSERT INTO t VALUES (3, 'three')");
    // A second handle opened now sees only committed data (what a crash would leave).
    const copy = h.path('copy.ddb');
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    db.exec('ROLLBACK');
    db.close();
    const other = Database.open(copy);
    expect(rows(other, 'SELECT id, v FROM t ORDER BY id')).toEqual([[1, 'one'], [2, 'two']]);
    expect(rows(other, "SELECT id FROM t WHERE v = 'two'")).toEqual([[2]]);
    other.close();
  });

  it("mode 'open' refuses a missing file", () => {
    const h = tempDir();
    dirs.push(h);
    expect(failure(() => Database.open(h.path('missing.ddb'), { mode: 'open' })).code).toBe('ERR_IO');
  });
});

describe('plan cache', () => {
  it('keeps plans across row-only commits and rebuilds them after DDL', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, a INT, b TEXT); CREATE INDEX t_a ON t (a)');
    const sel = db.prepare('SELECT b FROM t WHERE a = $1');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2, $3)');
    const upd = db.prepare('UPDATE t SET b = $2 WHERE id = $1');
    const del = db.prepare('DELETE FROM t WHERE a = $1');
    ins.run([1, 1, 'x']);
    sel.all([1]);
    upd.run([1, 'y']);
    del.run([99]);
    const before = planCounters.built;
    for (let i = 2; i < 40; i++) {
      ins.run([i, i % 3, 'x']);
      expect(sel.all([i % 3]).length).toBeGreaterThan(0);
      upd.run([i, `y${i}`]);
      del.run([99]);
    }
    // Small inserts never move a root here, so no plan was rebuilt.
    expect(planCounters.built - before).toBe(0);
    db.exec('CREATE INDEX t_b ON t (b)');
    sel.all([1]);
    upd.run([1, 'z']); // `WHERE id = $1` reads the row by rowid: no target-row plan
    del.run([99]);
    expect(planCounters.built - before).toBe(2);
    expect(rows(db, 'SELECT b FROM t WHERE id = 1')).toEqual([['z']]);
  });

  it('failing row statements inside a transaction (insert-or-skip loops) keep the plans', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v TEXT UNIQUE)');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2)');
    const sel = db.prepare('SELECT COUNT(*) FROM t WHERE v = $1');
    let skipped = 0;
    db.transaction(() => {
      for (let i = 0; i < 50; i++) {
        try {
          ins.run([i, `v${i % 20}`]);
        } catch {
          skipped++;
        }
        sel.all([`v${i % 20}`]);
        if (i === 5) db.prepare('DELETE FROM t WHERE id = $1').run([999]);
      }
    })();
    const before = planCounters.built;
    db.transaction(() => {
      for (let i = 50; i < 80; i++) {
        try {
          ins.run([i, `v${i % 20}`]);
        } catch {
          skipped++;
        }
        sel.all([`v${i % 20}`]);
      }
    })();
    expect(skipped).toBe(60);
    expect(planCounters.built - before).toBe(0);
    expect(rows(db, 'SELECT COUNT(*) FROM t')).toEqual([[20]]);
    expect(db.prepare("INSERT INTO t (v) VALUES ('new')").run().lastInsertRowid).toBe(20);
  });

  it('a failed statement inside a transaction does not leave stale plans behind', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v TEXT UNIQUE)');
    const sel = db.prepare('SELECT id FROM t WHERE v = $1');
    db.exec("BEGIN; INSERT INTO t VALUES (1, 'a')");
    expect(sel.all(['a'], 'array')).toEqual([[1]]);
    expect(failure(() => db.exec("INSERT INTO t VALUES (2, 'b'), (3, 'a')")).code).toBe('ERR_CONSTRAINT');
    expect(sel.all(['b'], 'array')).toEqual([]);
    db.exec("INSERT INTO t VALUES (2, 'b'); COMMIT");
    expect(sel.all(['b'], 'array')).toEqual([[2]]);
  });
});

describe('statistics', () => {
  it('stores current row counts as stats:table records at close and loads them at open', () => {
    const vfs = new MemoryVfs();
    let db = Database.open('stats.ddb', { vfs });
    db.exec('CREATE TABLE a (id INT PRIMARY KEY, v TEXT); CREATE TABLE b (x INT)');
    db.bulkLoad('a', Array.from({ length: 500 }, (_, i) => [i, `v${i}`]));
    db.exec('DELETE FROM a WHERE id < 100; INSERT INTO b VALUES (1), (2)');
    db.exec('BEGIN; INSERT INTO b VALUES (3); ROLLBACK');
    expect(failure(() => db.exec("INSERT INTO a VALUES (999, 'x'), (100, 'dup')")).code).toBe('ERR_CONSTRAINT');
    db.close();
    const counts = (): Record<string, unknown> =>
      Object.fromEntries(catalogOnDisk(vfs, 'stats.ddb').flatMap((e) => (e.kind === 'tableStats' ? [[e.stats.name, e.stats.rowCount]] : [])));
    expect(counts()).toEqual({ a: 400, b: 2 });
    db = Database.open('stats.ddb', { vfs });
    db.exec('INSERT INTO b VALUES (4)');
    db.close();
    expect(counts()).toEqual({ a: 400, b: 3 });
    // Nothing changed: close writes no new commit.
    db = Database.open('stats.ddb', { vfs });
    const commits = db.stats().commits;
    db.close();
    expect(commits).toBe(0);
    expect(counts()).toEqual({ a: 400, b: 3 });
  });
});

describe('after close', () => {
  it('statements, open iterators and transaction functions report ERR_TRANSACTION', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1), (2), (3)');
    const stmt = db.prepare('SELECT id FROM t');
    const it = stmt.iterate();
    expect(it.next().value).toEqual({ id: 1 });
    const tx = db.transaction(() => 1);
    db.close();
    db.close();
    expect(failure(() => it.next())).toMatchObject({ code: 'ERR_TRANSACTION', message: 'the database is closed' });
    expect(failure(() => stmt.all()).code).toBe('ERR_TRANSACTION');
    expect(failure(() => tx()).code).toBe('ERR_TRANSACTION');
    expect(failure(() => db.prepare('SELECT 1')).code).toBe('ERR_TRANSACTION');
  });
});

describe('schema versions and root splits', () => {
  it('plans follow root pages that move inside a transaction, and return to the old ones on rollback', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v TEXT); CREATE INDEX t_v ON t (v); INSERT INTO t VALUES (1, \'one\')');
    const byV = db.prepare('SELECT id FROM t WHERE v = $1');
    const count = db.prepare('SELECT COUNT(*) FROM t');
    expect(byV.all(['one'], 'array')).toEqual([[1]]);
    const reader = db.prepare('SELECT id FROM t ORDER BY id').iterate([], 'array');
    expect(reader.next().value).toEqual([1]);
    db.exec('BEGIN');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2)');
    for (let i = 2; i < 3000; i++) ins.run([i, `value number ${i}`]);
    expect(byV.all(['value number 2999'], 'array')).toEqual([[2999]]);
    expect(count.all([], 'array')).toEqual([[2999]]);
    db.exec('ROLLBACK');
    expect(byV.all(['value number 2999'], 'array')).toEqual([]);
    expect(byV.all(['one'], 'array')).toEqual([[1]]);
    expect(count.all([], 'array')).toEqual([[1]]);
    expect([...reader]).toEqual([]);
    db.transaction(() => {
      for (let i = 2; i < 3000; i++) ins.run([i, `value number ${i}`]);
    })();
    expect(byV.all(['value number 1500'], 'array')).toEqual([[1500]]);
    expect(count.all([], 'array')).toEqual([[2999]]);
    for (let i = 3000; i < 3500; i++) ins.run([i, `v${i}`]);
    expect(byV.all(['v3499'], 'array')).toEqual([[3499]]);
    expect(count.all([], 'array')).toEqual([[3499]]);
  });
});
