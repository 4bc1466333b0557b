/**
 * Every error path a user meets, with its code: syntax errors (ERR_SQL with line/column and
 * position), unknown relations/columns/functions, type errors, runtime errors, constraint
 * errors naming table/column/value, transaction misuse (ERR_TRANSACTION) and bad parameters.
 * Data-driven: one row per statement. Failing statements leave the database unchanged.
 */
import { describe, expect, it } from 'vitest';
import { failure, memoryDb, rows, sqlFailure } from './sql-helpers.js';

const SETUP = `
  CREATE TABLE t (id INT PRIMARY KEY, a TEXT UNIQUE, n INT NOT NULL DEFAULT 0 CHECK (n >= 0), d DECIMAL(5,2), b BOOL);
  CREATE TABLE c (id INT PRIMARY KEY, tid INT REFERENCES t(id));
  INSERT INTO t VALUES (1, 'x', 1, 1.5, true), (2, 'y', 2, NULL, NULL);
  INSERT INTO c VALUES (10, 1)`;

interface Case {
  readonly sql: string;
  readonly code: string;
  readonly message: RegExp | string;
  readonly details?: Record<string, unknown>;
  readonly params?: readonly unknown[];
}

const SYNTAX: readonly Case[] = [
  { sql: 'SELEC 1', code: 'ERR_SQL', message: 'syntax error at or near "SELEC" (line 1, column 1)', details: { position: 1, line: 1, column: 1 } },
  { sql: 'SELECT * FROM t WHERE', code: 'ERR_SQL', message: 'syntax error at end of input (line 1, column 22)', details: { position: 22 } },
  { sql: 'SELECT *\nFRM t', code: 'ERR_SQL', message: 'syntax error at or near "FRM" (line 2, column 1)', details: { line: 2, column: 1 } },
  { sql: "SELECT 'abc", code: 'ERR_SQL', message: /unterminated quoted string.*\(line 1, column 8\)/ },
  { sql: 'SELECT 1 /* open', code: 'ERR_SQL', message: /unterminated \/\* comment/ },
  { sql: 'SELECT "unclosed FROM t', code: 'ERR_SQL', message: /unterminated quoted identifier/ },
  { sql: 'CREATE TABLE z (a NOSUCHTYPE)', code: 'ERR_SQL', message: /type "nosuchtype" is not supported/i },
  { sql: 'SELECT * FROM t LIMIT -1', code: 'ERR_SQL', message: /LIMIT must not be negative/ },
  { sql: 'INSERT INTO t VALUES (1,', code: 'ERR_SQL', message: /syntax error at end of input/ },
];

const BINDING: readonly Case[] = [
  { sql: 'SELECT * FROM nope', code: 'ERR_SQL', message: 'relation "nope" does not exist (line 1, column 15)', details: { position: 15, line: 1, column: 15 } },
  { sql: 'SELECT a,\n  nope FROM t', code: 'ERR_SQL', message: 'column "nope" does not exist (line 2, column 3)', details: { position: 13 } },
  { sql: 'SELECT nope FROM t', code: 'ERR_SQL', message: 'column "nope" does not exist' },
  { sql: 'SELECT t.nope FROM t', code: 'ERR_SQL', message: 'column t.nope does not exist' },
  { sql: 'SELECT x.a FROM t', code: 'ERR_SQL', message: 'missing FROM-clause entry for table "x"' },
  { sql: 'SELECT id FROM t a, t b', code: 'ERR_SQL', message: 'column reference "id" is ambiguous' },
  { sql: 'SELECT id FROM t, t', code: 'ERR_SQL', message: 'table name "t" specified more than once' },
  { sql: 'SELECT nosuchfn(1)', code: 'ERR_SQL', message: 'function nosuchfn(bigint) does not exist' },
  { sql: 'SELECT a FROM t GROUP BY n', code: 'ERR_SQL', message: 'column "a" must appear in the GROUP BY clause or be used in an aggregate function' },
  { sql: 'SELECT * FROM t ORDER BY 9', code: 'ERR_SQL', message: 'position 9 is not in select list' },
  { sql: 'SELECT a, n FROM t UNION SELECT a FROM t', code: 'ERR_SQL', message: 'each UNION query must have the same number of columns' },
  { sql: 'SELECT * FROM t WHERE id IN (SELECT id, a FROM t)', code: 'ERR_SQL', message: 'subquery has too many columns' },
  { sql: 'WITH x AS (SELECT 1) SELECT * FROM y', code: 'ERR_SQL', message: 'relation "y" does not exist' },
  { sql: 'INSERT INTO nope VALUES (1)', code: 'ERR_SQL', message: 'relation "nope" does not exist' },
  { sql: 'UPDATE t SET nope = 1', code: 'ERR_SQL', message: 'column "nope" of relation "t" does not exist' },
  { sql: 'DELETE FROM t WHERE nope = 1', code: 'ERR_SQL', message: 'column "nope" does not exist' },
  { sql: 'SELECT $2', code: 'ERR_SQL', message: 'there is no parameter $2', params: [1] },
  { sql: 'EXPLAIN INSERT INTO t VALUES (9)', code: 'ERR_SQL', message: 'EXPLAIN supports SELECT statements only' },
  { sql: 'CREATE DATABASE x', code: 'ERR_SQL', message: /CREATE DATABASE is not supported/ },
];

const STORED_EXPRESSIONS: readonly Case[] = [
  { sql: 'CREATE TABLE z (a INT CHECK (nope > 0))', code: 'ERR_SQL', message: 'column "nope" does not exist (line 1, column 30)', details: { position: 30 } },
  { sql: 'CREATE TABLE z (a INT CHECK (a))', code: 'ERR_SQL', message: 'argument of CHECK must be type boolean, not type bigint' },
  { sql: 'CREATE TABLE z (a INT CHECK (SUM(a) > 0))', code: 'ERR_SQL', message: /aggregate functions are not allowed in CHECK/ },
  { sql: 'CREATE TABLE z (a INT CHECK (a > (SELECT 1)))', code: 'ERR_SQL', message: 'cannot use subqueries in check constraint' },
  { sql: 'CREATE TABLE z (a INT CHECK (a > $1))', code: 'ERR_SQL', message: 'cannot use parameters in check constraint' },
  { sql: 'CREATE TABLE z (a INT DEFAULT (a + 1))', code: 'ERR_SQL', message: /column "a" does not exist/ },
  { sql: "CREATE TABLE z (a INT DEFAULT 'abc')", code: 'ERR_SQL', message: 'invalid input syntax for type bigint: "abc"' },
  { sql: 'CREATE TABLE z (b BOOL DEFAULT 5)', code: 'ERR_SQL', message: 'column "b" is of type boolean but default expression is of type bigint' },
  { sql: 'CREATE TABLE z (a INT, b INT GENERATED ALWAYS AS (zz * 2) STORED)', code: 'ERR_SQL', message: /column "zz" does not exist/ },
  { sql: 'ALTER TABLE t ADD COLUMN z INT DEFAULT nope', code: 'ERR_SQL', message: /column "nope" does not exist/ },
  { sql: 'ALTER TABLE t ADD CONSTRAINT c2 CHECK (zz > 0)', code: 'ERR_SQL', message: /column "zz" does not exist/ },
];

const TYPES: readonly Case[] = [
  { sql: 'SELECT SUM(a) FROM t', code: 'ERR_SQL', message: 'function sum(text) does not exist' },
  { sql: 'SELECT a + 1 FROM t', code: 'ERR_SQL', message: 'operator does not exist: text + bigint' },
  { sql: 'SELECT * FROM t WHERE a = 1', code: 'ERR_SQL', message: 'operator does not exist: text = bigint' },
  { sql: "SELECT * FROM t WHERE b = 'maybe'", code: 'ERR_SQL', message: 'invalid input syntax for type boolean: "maybe"' },
  { sql: "SELECT CAST('x' AS INT)", code: 'ERR_SQL', message: 'invalid input syntax for type bigint: "x"' },
  { sql: 'SELECT a FROM t UNION SELECT n FROM t', code: 'ERR_SQL', message: 'UNION types text and bigint cannot be matched' },
  { sql: "INSERT INTO t (id, n) VALUES ('abc', 1)", code: 'ERR_SQL', message: 'invalid input syntax for type bigint: "abc"' },
  { sql: 'INSERT INTO t (id, d) VALUES (5, 1000)', code: 'ERR_SQL', message: /numeric field overflow/ },
  { sql: 'SELECT * FROM t LIMIT $1', code: 'ERR_SQL', message: 'invalid input syntax for type bigint: "a"', params: ['a'] },
];

const RUNTIME: readonly Case[] = [
  { sql: 'SELECT 1 / 0', code: 'ERR_SQL', message: 'division by zero' },
  { sql: 'SELECT 9223372036854775807 + 1', code: 'ERR_SQL', message: 'bigint out of range' },
  { sql: 'SELECT (SELECT id FROM t)', code: 'ERR_SQL', message: 'more than one row returned by a subquery used as an expression' },
  { sql: "SELECT 'a' LIKE 'a' ESCAPE 'xx'", code: 'ERR_SQL', message: 'invalid escape string' },
  { sql: 'UPDATE t SET n = n / (id - 1)', code: 'ERR_SQL', message: 'division by zero' },
];

const CONSTRAINTS: readonly Case[] = [
  { sql: "INSERT INTO t (id, a) VALUES (1, 'q')", code: 'ERR_CONSTRAINT', message: 'duplicate key value violates unique constraint "t_pkey" on table "t": key (id)=(1) already exists', details: { table: 't', column: 'id', value: '1' } },
  { sql: "INSERT INTO t (id, a) VALUES (3, 'x')", code: 'ERR_CONSTRAINT', message: 'duplicate key value violates unique constraint "uniq_t_a_idx" on table "t": key (a)=(x) already exists', details: { table: 't', value: 'x' } },
  { sql: "UPDATE t SET a = 'x' WHERE id = 2", code: 'ERR_CONSTRAINT', message: /"uniq_t_a_idx" on table "t": key \(a\)=\(x\)/ },
  { sql: 'INSERT INTO t (id, n) VALUES (3, NULL)', code: 'ERR_CONSTRAINT', message: 'null value in column "n" of relation "t" violates not-null constraint', details: { table: 't', column: 'n' } },
  { sql: 'UPDATE t SET id = NULL', code: 'ERR_CONSTRAINT', message: 'null value in column "id" of relation "t" violates not-null constraint' },
  { sql: "INSERT INTO t VALUES (3, 'z', -1, 2.5, false)", code: 'ERR_CONSTRAINT', message: 'new row for relation "t" violates check constraint "t_n_check": failing row contains (3, z, -1, 2.50, false)', details: { table: 't', constraint: 't_n_check' } },
  { sql: 'INSERT INTO c VALUES (11, 99)', code: 'ERR_CONSTRAINT', message: /table "c".*column "tid".*\(tid\)=\(99\).*table "t"/, details: { table: 'c', column: 'tid', value: '99' } },
  { sql: 'DELETE FROM t WHERE id = 1', code: 'ERR_CONSTRAINT', message: /table "t".*\(id\)=\(1\) is still referenced from table "c"/, details: { table: 't', value: '1' } },
  { sql: 'DROP TABLE t', code: 'ERR_CONSTRAINT', message: 'cannot drop table t because table c references it' },
];

const TRANSACTIONS: readonly Case[] = [
  { sql: 'COMMIT', code: 'ERR_TRANSACTION', message: 'there is no transaction in progress' },
  { sql: 'ROLLBACK', code: 'ERR_TRANSACTION', message: 'there is no transaction in progress' },
  { sql: 'RELEASE SAVEPOINT sp', code: 'ERR_TRANSACTION', message: 'savepoint "sp" does not exist' },
  { sql: 'ROLLBACK TO SAVEPOINT sp', code: 'ERR_TRANSACTION', message: 'savepoint "sp" does not exist' },
];

function check(c: Case): void {
  const db = memoryDb(SETUP);
  const before = rows(db, 'SELECT * FROM t ORDER BY id');
  const f = sqlFailure(db, c.sql, c.params ?? []);
  expect(f.code).toBe(c.code);
  if (typeof c.message === 'string') expect([f.message, f.bare]).toContain(c.message);
  else expect(f.message).toMatch(c.message);
  if (c.details !== undefined) expect(f.details).toMatchObject(c.details);
  expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual(before);
  db.close();
}

describe('syntax errors: ERR_SQL with line, column and position', () => {
  it.each(SYNTAX.map((c) => [c.sql, c] as const))('%s', (_sql, c) => check(c));
});

describe('unknown names and misuse of SQL: ERR_SQL', () => {
  it.each(BINDING.map((c) => [c.sql, c] as const))('%s', (_sql, c) => check(c));
});

describe('CHECK, DEFAULT and GENERATED expressions are validated when created: ERR_SQL', () => {
  it.each(STORED_EXPRESSIONS.map((c) => [c.sql, c] as const))('%s', (_sql, c) => check(c));

  it('accepts what Postgres accepts: NOW(), casts from literals, assignment casts, NULL', () => {
    const db = memoryDb(
      "CREATE TABLE ok (t TIMESTAMP DEFAULT NOW(), u TEXT DEFAULT 'x' || 'y', n DECIMAL(5,2) DEFAULT 1, b BOOL DEFAULT 'true', i INT DEFAULT 1.5, z INT DEFAULT NULL, c INT CHECK (NULL), g TEXT GENERATED ALWAYS AS (i * 2) STORED)",
    );
    db.exec('INSERT INTO ok DEFAULT VALUES');
    expect(rows(db, 'SELECT u, n, b, i, z, g FROM ok')).toEqual([['xy', '1.00', true, 2, null, '4']]);
  });
});

describe('type errors: ERR_SQL', () => {
  it.each(TYPES.map((c) => [c.sql, c] as const))('%s', (_sql, c) => check(c));
});

describe('runtime errors: ERR_SQL', () => {
  it.each(RUNTIME.map((c) => [c.sql, c] as const))('%s', (_sql, c) => check(c));
});

describe('constraint errors: ERR_CONSTRAINT naming table, column and value', () => {
  it.each(CONSTRAINTS.map((c) => [c.sql, c] as const))('%s', (_sql, c) => check(c));
});

describe('transaction misuse: ERR_TRANSACTION', () => {
  it.each(TRANSACTIONS.map((c) => [c.sql, c] as const))('%s', (_sql, c) => check(c));
});

describe('API misuse', () => {
  it('rejects parameters of unsupported JS types and prepare() of several statements', () => {
    const db = memoryDb(SETUP);
    expect(failure(() => db.query('SELECT $1', [{}]))).toMatchObject({ code: 'ERR_SQL', bare: 'parameter $1 has an unsupported type ([object Object])' });
    expect(failure(() => db.query('SELECT $1', [Symbol('s')])).code).toBe('ERR_SQL');
    expect(failure(() => db.query('SELECT $1', [new Date(Number.NaN)])).message).toBe('parameter $1 is an invalid Date');
    expect(failure(() => db.prepare('SELECT 1; SELECT 2')).message).toBe('prepare takes exactly one statement; use exec for scripts');
    expect(failure(() => db.prepare('')).code).toBe('ERR_SQL');
    expect(failure(() => db.bulkLoad('nope', [])).bare).toBe('relation "nope" does not exist');
  });

  it('every error is a DecentDBError with a stable code, never a raw TypeError', () => {
    const db = memoryDb(SETUP);
    for (const sql of ['SELECT', 'SELECT (', "SELECT 'a' || ", 'INSERT INTO t DEFAULT', 'UPDATE t SET', 'CREATE TABLE', 'DROP', 'ALTER TABLE t ADD', 'WITH']) {
      expect(['ERR_SQL']).toContain(sqlFailure(db, sql).code);
    }
  });
});
