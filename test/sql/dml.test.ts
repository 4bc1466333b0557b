/**
 * DML of issue 4: INSERT with multi-row VALUES, INSERT … SELECT, DEFAULT VALUES, DEFAULT in
 * VALUES, RETURNING, ON CONFLICT DO NOTHING / DO UPDATE with EXCLUDED; UPDATE and DELETE
 * with RETURNING; rowid assignment (also with negative keys); statement atomicity.
 */
import { describe, expect, it } from 'vitest';
import { failure, memoryDb, rows, sqlFailure } from './sql-helpers.js';

describe('INSERT', () => {
  it('multi-row VALUES, column lists in any order and run() results', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, a TEXT, b DECIMAL(8,2))');
    expect(db.prepare("INSERT INTO t VALUES (1, 'x', 1.5), (2, 'y', 2), (3, NULL, -0.25)").run()).toEqual({ changes: 3, lastInsertRowid: 3 });
    expect(db.prepare("INSERT INTO t (b, id) VALUES (9.99, 10)").run()).toEqual({ changes: 1, lastInsertRowid: 10 });
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'x', '1.50'], [2, 'y', '2.00'], [3, null, '-0.25'], [10, null, '9.99']]);
  });

  it('assigns rowids after the largest key, also when negative keys exist', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v TEXT)');
    db.exec("INSERT INTO t VALUES (-5, 'neg'), (-1, 'neg2')");
    expect(db.prepare("INSERT INTO t (v) VALUES ('a')").run().lastInsertRowid).toBe(1);
    db.exec("INSERT INTO t VALUES (7, 'b')");
    expect(rows(db, "INSERT INTO t (v) VALUES ('c') RETURNING id")).toEqual([[8]]);
    expect(rows(db, 'SELECT id FROM t ORDER BY id')).toEqual([[-5], [-1], [1], [7], [8]]);
    expect(rows(db, 'SELECT v FROM t WHERE id = -5')).toEqual([['neg']]);
    expect(rows(db, 'SELECT id FROM t WHERE id < 0 ORDER BY id DESC')).toEqual([[-1], [-5]]);
  });

  it('keeps rowids increasing across reopen when only negative keys exist', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, v TEXT); INSERT INTO t VALUES (-9223372036854775808, 'min'), (-3, 'x')");
    expect(rows(db, "INSERT INTO t (v) VALUES ('y') RETURNING id")).toEqual([[1]]);
    expect(rows(db, 'SELECT id FROM t ORDER BY id')).toEqual([[-9223372036854775808n], [-3], [1]]);
  });

  it('refuses to assign a rowid beyond the largest INT64 with ERR_CONSTRAINT', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v INT); INSERT INTO t VALUES (9223372036854775807, 1)');
    expect(sqlFailure(db, 'INSERT INTO t (v) VALUES (2)')).toMatchObject({ code: 'ERR_CONSTRAINT', details: { table: 't' } });
    expect(failure(() => db.bulkLoad('t', [{ v: 3 }])).code).toBe('ERR_CONSTRAINT');
    db.exec('INSERT INTO t VALUES (5, 5)');
    expect(rows(db, 'SELECT COUNT(*) FROM t')).toEqual([[2]]);
  });

  it('hidden rowids for tables without an INT primary key', () => {
    const db = memoryDb('CREATE TABLE t (a TEXT, b INT)');
    expect(db.prepare("INSERT INTO t VALUES ('x', 1), ('y', 2)").run()).toEqual({ changes: 2, lastInsertRowid: 2 });
    db.exec("DELETE FROM t WHERE a = 'y'");
    expect(db.prepare("INSERT INTO t VALUES ('z', 3)").run().lastInsertRowid).toBe(3);
  });

  it('DEFAULT VALUES, DEFAULT in VALUES and omitted columns use the defaults', () => {
    const db = memoryDb("CREATE TABLE t (id INT PRIMARY KEY, a INT DEFAULT 5, b TEXT DEFAULT 'd', c TEXT)");
    expect(rows(db, 'INSERT INTO t DEFAULT VALUES RETURNING *')).toEqual([[1, 5, 'd', null]]);
    expect(rows(db, "INSERT INTO t VALUES (DEFAULT, DEFAULT, 'x', DEFAULT) RETURNING *")).toEqual([[2, 5, 'x', null]]);
    expect(rows(db, "INSERT INTO t VALUES (10, 1 + 1, DEFAULT, upper('q')) RETURNING *")).toEqual([[10, 2, 'd', 'Q']]);
    expect(rows(db, 'INSERT INTO t VALUES (11) RETURNING a, b')).toEqual([[5, 'd']]);
    expect(sqlFailure(db, 'INSERT INTO t (id, a) VALUES (12)')).toMatchObject({ code: 'ERR_SQL', bare: 'INSERT has more target columns than expressions' });
    expect(sqlFailure(db, 'INSERT INTO t (id) VALUES (12, 1)')).toMatchObject({ code: 'ERR_SQL', bare: 'INSERT has more expressions than target columns' });
    expect(sqlFailure(db, 'INSERT INTO t (id, id) VALUES (12, 1)').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'INSERT INTO t (nope) VALUES (1)')).toMatchObject({ code: 'ERR_SQL', bare: 'column "nope" of relation "t" does not exist' });
  });

  it('INSERT … SELECT copies rows (also from the table itself)', () => {
    const db = memoryDb("CREATE TABLE s (id INT PRIMARY KEY, v TEXT); INSERT INTO s VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    db.exec('CREATE TABLE d (id INT PRIMARY KEY, v TEXT, n INT DEFAULT 0)');
    expect(db.prepare('INSERT INTO d (id, v) SELECT id * 10, upper(v) FROM s WHERE id >= 2').run().changes).toBe(2);
    expect(rows(db, 'SELECT * FROM d ORDER BY id')).toEqual([[20, 'B', 0], [30, 'C', 0]]);
    // Halloween: rows inserted by the statement are not read again.
    expect(db.prepare('INSERT INTO s SELECT id + 100, v FROM s').run().changes).toBe(3);
    expect(rows(db, 'SELECT COUNT(*) FROM s')).toEqual([[6]]);
    db.exec('INSERT INTO d (id, v) WITH x AS (SELECT 7 AS k) SELECT k, \'w\' FROM x');
    expect(rows(db, 'SELECT v FROM d WHERE id = 7')).toEqual([['w']]);
  });

  it('casts on assignment like Postgres: text literals into typed columns, errors name the type', () => {
    const db = memoryDb('CREATE TABLE t (i INT, f FLOAT, d DECIMAL(6,2), b BOOL, ts TIMESTAMP, u UUID, x BYTEA)');
    db.exec("INSERT INTO t VALUES ('42', '1.5', '3.14159', 'yes', '2021/1/1', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x0102')");
    const [r] = rows(db, 'SELECT * FROM t');
    expect(r!.slice(0, 4)).toEqual([42, 1.5, '3.14', true]);
    expect((r![4] as Date).toISOString()).toBe('2021-01-01T00:00:00.000Z');
    expect(r![5]).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    expect(r![6]).toEqual(new Uint8Array([1, 2]));
    db.exec("INSERT INTO t (ts) VALUES ('2024-03-01 10:00:00')");
    expect(rows(db, 'SELECT ts FROM t WHERE i IS NULL')).toEqual([[new Date('2024-03-01T10:00:00Z')]]);
    expect(sqlFailure(db, "INSERT INTO t (i) VALUES ('abc')")).toMatchObject({ code: 'ERR_SQL', bare: 'invalid input syntax for type bigint: "abc"' });
    expect(sqlFailure(db, 'INSERT INTO t (d) VALUES (123456.7)').code).toBe('ERR_SQL');
    expect(sqlFailure(db, 'INSERT INTO t (i) VALUES (9223372036854775808)').code).toBe('ERR_SQL');
  });

  it("N'…' literals lose their trailing spaces (Postgres bpchar), plain '…' literals keep them", () => {
    const db = memoryDb('CREATE TABLE c (city VARCHAR(40), note TEXT)');
    db.exec("INSERT INTO c VALUES (N'Edinburgh ', 'Edinburgh ')");
    expect(rows(db, "SELECT city, LENGTH(city), note, LENGTH(note), city = N'Edinburgh   ' FROM c")).toEqual([['Edinburgh', 9, 'Edinburgh ', 10, true]]);
  });

  it('RETURNING expressions, aliases and *', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, a INT)');
    expect(db.query('INSERT INTO t VALUES (1, 10), (2, 20) RETURNING id, a * 2 AS twice, t.a')).toEqual([
      { id: 1, twice: 20, a: 10 },
      { id: 2, twice: 40, a: 20 },
    ]);
    expect(db.prepare('INSERT INTO t VALUES (3, 30) RETURNING *').get()).toEqual({ id: 3, a: 30 });
  });
});

describe('ON CONFLICT', () => {
  const setup = (): ReturnType<typeof memoryDb> =>
    memoryDb("CREATE TABLE kv (k TEXT PRIMARY KEY, v INT NOT NULL, n INT DEFAULT 0, tag TEXT UNIQUE); INSERT INTO kv VALUES ('a', 1, 0, 'ta'), ('b', 2, 0, 'tb')");

  it('DO NOTHING skips conflicting rows on any unique key', () => {
    const db = setup();
    expect(db.prepare("INSERT INTO kv VALUES ('a', 9, 0, 'new'), ('c', 3, 0, 'tb'), ('d', 4, 0, 'td') ON CONFLICT DO NOTHING").run().changes).toBe(1);
    expect(rows(db, 'SELECT k, v FROM kv ORDER BY k')).toEqual([['a', 1], ['b', 2], ['d', 4]]);
    expect(db.prepare("INSERT INTO kv VALUES ('a', 9) ON CONFLICT (k) DO NOTHING").run().changes).toBe(0);
    // A conflict on a key the target does not name still fails.
    expect(sqlFailure(db, "INSERT INTO kv VALUES ('z', 9, 0, 'ta') ON CONFLICT (k) DO NOTHING").code).toBe('ERR_CONSTRAINT');
  });

  it('DO UPDATE SET … with EXCLUDED, the old row, WHERE and RETURNING', () => {
    const db = setup();
    const up = db.prepare("INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = kv.v + excluded.v, n = kv.n + 1 RETURNING k, v, n");
    expect(up.all(['a', 10])).toEqual([{ k: 'a', v: 11, n: 1 }]);
    expect(up.all(['a', 10])).toEqual([{ k: 'a', v: 21, n: 2 }]);
    expect(up.all(['new', 5])).toEqual([{ k: 'new', v: 5, n: 0 }]);
    expect(db.prepare("INSERT INTO kv (k, v) VALUES ('b', 100) ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE kv.v > 50").run().changes).toBe(0);
    expect(rows(db, "SELECT v FROM kv WHERE k = 'b'")).toEqual([[2]]);
    expect(rows(db, "INSERT INTO kv (k, v, tag) VALUES ('q', 1, 'tb') ON CONFLICT (tag) DO UPDATE SET v = 77 RETURNING k, v")).toEqual([['b', 77]]);
  });

  it('DO UPDATE enforces constraints and needs a conflict target', () => {
    const db = setup();
    expect(sqlFailure(db, "INSERT INTO kv VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET v = NULL").code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, "INSERT INTO kv VALUES ('a', 1) ON CONFLICT (k) DO UPDATE SET tag = 'tb'").code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, "INSERT INTO kv VALUES ('a', 1) ON CONFLICT DO UPDATE SET v = 1").code).toBe('ERR_SQL');
    expect(sqlFailure(db, "INSERT INTO kv VALUES ('a', 1) ON CONFLICT (v) DO NOTHING")).toMatchObject({
      code: 'ERR_SQL',
      message: 'there is no unique or exclusion constraint matching the ON CONFLICT specification',
    });
    expect(rows(db, 'SELECT k, v, tag FROM kv ORDER BY k')).toEqual([['a', 1, 'ta'], ['b', 2, 'tb']]);
  });

  it('DO UPDATE may not hit a row the same statement inserted or updated (Postgres)', () => {
    const db = setup();
    expect(sqlFailure(db, "INSERT INTO kv (k, v) VALUES ('a', 5), ('a', 6) ON CONFLICT (k) DO UPDATE SET v = excluded.v")).toMatchObject({
      code: 'ERR_SQL',
      message: 'ON CONFLICT DO UPDATE command cannot affect row a second time',
    });
    expect(sqlFailure(db, "INSERT INTO kv (k, v) VALUES ('new', 5), ('new', 6) ON CONFLICT (k) DO UPDATE SET v = excluded.v").code).toBe('ERR_SQL');
    expect(rows(db, 'SELECT k, v FROM kv ORDER BY k')).toEqual([['a', 1], ['b', 2]]);
    expect(rows(db, "INSERT INTO kv (k, v) VALUES ('new', 5), ('new', 6) ON CONFLICT (k) DO NOTHING RETURNING v")).toEqual([[5]]);
  });

  it('conflict targets of every key type: FLOAT, TIMESTAMP (µs), DECIMAL (any scale), UUID', () => {
    const db = memoryDb('CREATE TABLE f (id INT PRIMARY KEY, x FLOAT UNIQUE, ts TIMESTAMP UNIQUE, d DECIMAL(6,3) UNIQUE, b BOOL, u UUID UNIQUE)');
    db.exec("INSERT INTO f VALUES (1, 1.5, '2024-01-01 00:00:00.000001', 1.5, TRUE, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')");
    expect(rows(db, "INSERT INTO f VALUES (2, 1.5, NULL, NULL, TRUE, NULL) ON CONFLICT (x) DO UPDATE SET b = FALSE RETURNING id")).toEqual([[1]]);
    expect(rows(db, "INSERT INTO f VALUES (3, 2.5, '2024-01-01 00:00:00.000002', NULL, TRUE, NULL) ON CONFLICT (ts) DO UPDATE SET b = FALSE RETURNING id")).toEqual([[3]]);
    expect(rows(db, "INSERT INTO f VALUES (4, 3.5, '2024-01-01 00:00:00.000001', NULL, TRUE, NULL) ON CONFLICT (ts) DO UPDATE SET x = 9 RETURNING id, x")).toEqual([[1, 9]]);
    expect(rows(db, 'INSERT INTO f VALUES (5, 4.5, NULL, 1.500, TRUE, NULL) ON CONFLICT (d) DO UPDATE SET x = 10 RETURNING id')).toEqual([[1]]);
    expect(rows(db, "INSERT INTO f VALUES (6, 5.5, NULL, NULL, TRUE, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11') ON CONFLICT (u) DO UPDATE SET x = excluded.x RETURNING id, x")).toEqual([[1, 5.5]]);
    expect(rows(db, 'SELECT COUNT(*) FROM f')).toEqual([[2]]);
  });

  it('-0.0 and 0.0 are the same FLOAT key (Postgres), though the index keys them apart', () => {
    const db = memoryDb("CREATE TABLE u (id INT PRIMARY KEY, f FLOAT UNIQUE); INSERT INTO u VALUES (1, CAST('-0' AS FLOAT))");
    expect(sqlFailure(db, 'INSERT INTO u VALUES (2, 0)').code).toBe('ERR_CONSTRAINT');
    expect(rows(db, 'INSERT INTO u VALUES (3, 0) ON CONFLICT (f) DO UPDATE SET id = 10 RETURNING id')).toEqual([[10]]);
    expect(rows(db, 'SELECT id FROM u WHERE f = 0')).toEqual([[10]]);
  });

  it('composite unique targets', () => {
    const db = memoryDb('CREATE TABLE s (a INT, b INT, c INT, PRIMARY KEY (a, b)); INSERT INTO s VALUES (1, 1, 1)');
    db.exec('INSERT INTO s VALUES (1, 1, 5), (1, 2, 6) ON CONFLICT (b, a) DO UPDATE SET c = excluded.c * 10');
    expect(rows(db, 'SELECT * FROM s ORDER BY a, b')).toEqual([[1, 1, 50], [1, 2, 6]]);
  });
});

describe('UPDATE and DELETE', () => {
  const setup = (): ReturnType<typeof memoryDb> => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, g TEXT, n INT, u TEXT UNIQUE); CREATE INDEX t_g ON t (g)');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2, $3, $4)');
    for (let i = 1; i <= 50; i++) ins.run([i, `g${i % 5}`, i, `u${i}`]);
    return db;
  };

  it('UPDATE with WHERE through an index, expressions over the old row, RETURNING', () => {
    const db = setup();
    expect(rows(db, "UPDATE t SET n = n * 100, g = g || '!' WHERE g = 'g3' RETURNING id, n, g")).toEqual([
      [3, 300, 'g3!'], [8, 800, 'g3!'], [13, 1300, 'g3!'], [18, 1800, 'g3!'], [23, 2300, 'g3!'], [28, 2800, 'g3!'], [33, 3300, 'g3!'], [38, 3800, 'g3!'], [43, 4300, 'g3!'], [48, 4800, 'g3!'],
    ]);
    expect(rows(db, "SELECT COUNT(*) FROM t WHERE g = 'g3'")).toEqual([[0]]);
    expect(rows(db, "SELECT COUNT(*) FROM t WHERE g = 'g3!'")).toEqual([[10]]);
    expect(db.prepare('UPDATE t SET n = 0 WHERE id > 1000').run()).toEqual({ changes: 0, lastInsertRowid: 0 });
  });

  it('UPDATE sees the old values in every SET (no Halloween problem), also when moving primary keys', () => {
    const db = setup();
    // Unique keys are checked row by row, as Postgres does for non-deferrable constraints.
    expect(sqlFailure(db, 'UPDATE t SET id = id + 1, n = id').code).toBe('ERR_CONSTRAINT');
    expect(rows(db, 'SELECT MIN(id), MAX(id), SUM(n) FROM t')).toEqual([[1, 50, 1275]]);
    expect(db.prepare('UPDATE t SET id = id + 1000, n = id').run().changes).toBe(50);
    expect(rows(db, 'SELECT MIN(id), MAX(id), SUM(n) FROM t')).toEqual([[1001, 1050, 1275]]);
    expect(rows(db, "SELECT id FROM t WHERE u = 'u50'")).toEqual([[1050]]);
    expect(rows(db, 'SELECT id FROM t WHERE id = 1050')).toEqual([[1050]]);
  });

  it('UPDATE that breaks a constraint midway changes nothing', () => {
    const db = setup();
    expect(sqlFailure(db, "UPDATE t SET u = 'same' WHERE id <= 3").code).toBe('ERR_CONSTRAINT');
    expect(sqlFailure(db, 'UPDATE t SET id = 50 WHERE id = 49').message).toMatch(/\(id\)=\(50\)/);
    expect(rows(db, "SELECT COUNT(*) FROM t WHERE u = 'same'")).toEqual([[0]]);
    expect(rows(db, 'SELECT id, u FROM t WHERE id IN (1, 2, 3, 49) ORDER BY id')).toEqual([[1, 'u1'], [2, 'u2'], [3, 'u3'], [49, 'u49']]);
  });

  it('UPDATE … SET col = DEFAULT, unknown columns and aliases', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, n INT DEFAULT 42); INSERT INTO t VALUES (1, 1)');
    db.exec('UPDATE t AS x SET n = DEFAULT WHERE x.id = 1');
    expect(rows(db, 'SELECT n FROM t')).toEqual([[42]]);
    expect(sqlFailure(db, 'UPDATE t SET nope = 1')).toMatchObject({ code: 'ERR_SQL', bare: 'column "nope" of relation "t" does not exist' });
    expect(sqlFailure(db, 'UPDATE nope SET n = 1')).toMatchObject({ code: 'ERR_SQL', bare: 'relation "nope" does not exist' });
  });

  it('DELETE with WHERE, subqueries and RETURNING; DELETE without WHERE', () => {
    const db = setup();
    expect(rows(db, "DELETE FROM t WHERE id IN (SELECT id FROM t WHERE g = 'g0') AND n > 30 RETURNING id, u")).toEqual([[35, 'u35'], [40, 'u40'], [45, 'u45'], [50, 'u50']]);
    expect(rows(db, 'SELECT COUNT(*) FROM t')).toEqual([[46]]);
    expect(db.prepare('DELETE FROM t WHERE NOT EXISTS (SELECT 1 FROM t t2 WHERE t2.id = t.id + 1)').run().changes).toBe(4);
    expect(db.prepare('DELETE FROM t').run().changes).toBe(42);
    expect(rows(db, "SELECT COUNT(*) FROM t WHERE g = 'g1'")).toEqual([[0]]);
    db.exec("INSERT INTO t VALUES (1, 'g1', 1, 'u1')");
    expect(rows(db, "SELECT id FROM t WHERE u = 'u1'")).toEqual([[1]]);
  });
});
