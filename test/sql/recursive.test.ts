/**
 * WITH RECURSIVE against PGlite (planner binder.ts recursiveCte, exec/recursive-union.ts):
 * counters, tree walks over a real table with depth and path, UNION ending cycles, several
 * columns, LIMIT over an unbounded recursion, recursive CTEs next to ordinary ones and inside
 * subqueries, and the errors Postgres gives for malformed recursion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { samePg } from './pg-compare.js';
import type { Database } from '../../src/index.js';
import { memoryDb, rows } from './sql-helpers.js';

const SETUP = `CREATE TABLE emp (id INTEGER PRIMARY KEY, name TEXT NOT NULL, boss INTEGER REFERENCES emp (id));
INSERT INTO emp VALUES (1, 'ada', NULL), (2, 'bob', 1), (3, 'cy', 1), (4, 'dee', 2), (5, 'eve', 4), (6, 'fay', 3), (7, 'gus', NULL), (8, 'hal', 7);
CREATE TABLE edge (a INTEGER, b INTEGER);
INSERT INTO edge VALUES (1, 2), (2, 3), (3, 1), (3, 4), (4, 5), (6, 6);`;

let pg: PGlite;
let db: Database;

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(SETUP);
  db = memoryDb(SETUP);
});

afterAll(async () => {
  db.close();
  await pg.close();
});

const same = (sql: string, ordered = false): Promise<void> => samePg(pg, [db], sql, { ordered });

describe('WITH RECURSIVE', () => {
  it('counts, walks trees and follows graphs as Postgres does', async () => {
    for (const sql of [
      'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 10) SELECT n FROM t',
      'WITH RECURSIVE t(n) AS (VALUES (1) UNION ALL SELECT n * 2 FROM t WHERE n < 1000) SELECT sum(n), count(*) FROM t',
      `WITH RECURSIVE sub(id, name, depth, path) AS (
         SELECT id, name, 0, name FROM emp WHERE boss IS NULL
         UNION ALL
         SELECT e.id, e.name, s.depth + 1, s.path || '/' || e.name FROM emp e JOIN sub s ON e.boss = s.id)
       SELECT * FROM sub`,
      `WITH RECURSIVE up AS (SELECT id, boss FROM emp WHERE name = 'eve' UNION ALL SELECT e.id, e.boss FROM emp e, up WHERE e.id = up.boss) SELECT id FROM up`,
      'WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT e.b FROM edge e JOIN r ON e.a = r.n) SELECT n FROM r',
      'WITH RECURSIVE r(n) AS (SELECT 6 UNION SELECT b FROM edge, r WHERE a = n) SELECT n FROM r',
      'WITH RECURSIVE fib(i, a, b) AS (SELECT 1, 0::bigint, 1::bigint UNION ALL SELECT i + 1, b, a + b FROM fib WHERE i < 40) SELECT i, a FROM fib',
      `WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 20), bosses AS (SELECT DISTINCT boss FROM emp WHERE boss IS NOT NULL)
       SELECT n FROM t WHERE n IN (SELECT boss FROM bosses)`,
      'SELECT name, (WITH RECURSIVE d(id, k) AS (SELECT emp.id, 0 UNION ALL SELECT e.boss, k + 1 FROM emp e JOIN d ON e.id = d.id WHERE e.boss IS NOT NULL) SELECT max(k) FROM d) AS depth FROM emp',
      'WITH RECURSIVE t AS (SELECT 1 AS x) SELECT x FROM t',
      'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 2) SELECT n FROM t',
    ])
      await same(sql);
  });

  it('stops an unbounded recursion at the LIMIT above it, in order', async () => {
    await same('WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT n FROM t LIMIT 7', true);
    await same(`WITH RECURSIVE sub(id, depth) AS (SELECT id, 0 FROM emp WHERE boss IS NULL UNION ALL SELECT e.id, depth + 1 FROM emp e JOIN sub ON e.boss = sub.id)
      SELECT id, depth FROM sub ORDER BY depth, id`, true);
  });

  it('rejects what Postgres rejects', async () => {
    for (const sql of [
      'WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT * FROM t',
      'WITH RECURSIVE t(n) AS (SELECT 1 FROM t) SELECT * FROM t',
      'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT a.n + b.n FROM t a, t b) SELECT * FROM t',
      "WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 'x' FROM t) SELECT * FROM t",
      'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1, 2 FROM t) SELECT * FROM t',
      'WITH t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT * FROM t',
    ])
      await same(sql);
    expect(() => rows(db, 'WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT * FROM t')).toThrow('recursive reference to query "t" must not appear within its non-recursive term');
    expect(() => rows(db, 'WITH RECURSIVE t(n) AS (SELECT 1 FROM t) SELECT * FROM t')).toThrow('does not have the form non-recursive-term UNION [ALL] recursive-term');
  });

  it('shows the recursion in EXPLAIN and survives a view', () => {
    const plan = rows(db, 'EXPLAIN WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) SELECT n FROM t').map((r) => String(r[0])).join('\n');
    expect(plan).toContain('RecursiveUnion All t');
    expect(plan).toContain('WorkTableScan t');
    const v = memoryDb(`${SETUP} CREATE VIEW chain AS WITH RECURSIVE c(id, depth) AS (SELECT id, 0 FROM emp WHERE boss IS NULL UNION ALL SELECT e.id, c.depth + 1 FROM emp e JOIN c ON e.boss = c.id) SELECT * FROM c;`);
    expect(rows(v, 'SELECT max(depth) FROM chain')).toEqual([[3]]);
    v.close();
  });
});
