/**
 * Window functions against PGlite (planner/bind-window.ts, exec/window-op.ts): ranking, NTILE,
 * LAG/LEAD, FIRST/LAST/NTH_VALUE and the aggregates over the default frame, ROWS and RANGE
 * frames, several window specifications in one query, windows over aggregates, ties (peers),
 * NULLs in partition and order keys, and the errors Postgres gives. Results compare as
 * multisets of canonical rows, with the output column names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { samePg } from './pg-compare.js';
import type { Database } from '../../src/index.js';
import { memoryDb, rows } from './sql-helpers.js';

const SETUP = `CREATE TABLE w (id INTEGER PRIMARY KEY, g TEXT, x INTEGER, f DOUBLE PRECISION);
INSERT INTO w VALUES (1, 'a', 10, 1.5), (2, 'a', 20, 2.5), (3, 'a', 20, NULL), (4, 'a', NULL, 4.0),
  (5, 'b', 5, 0.5), (6, 'b', 5, 1.0), (7, 'b', 7, -2.0), (8, NULL, 1, 3.0), (9, NULL, 2, 3.0),
  (10, 'c', 100, 10.0), (11, 'a', 30, 0.0), (12, 'b', NULL, NULL);`;

let pg: PGlite;
let db: Database;
let tiny: Database;

beforeAll(async () => {
  pg = await PGlite.create();
  await pg.exec(SETUP);
  db = memoryDb(SETUP);
  tiny = memoryDb(SETUP, { memoryBudgetBytes: 64 });
});

afterAll(async () => {
  db.close();
  tiny.close();
  await pg.close();
});

const same = (sql: string): Promise<void> => samePg(pg, [db, tiny], sql, { messages: true });

describe('window functions as Postgres computes them', () => {
  it('ranks rows, with ties as peers', async () => {
    for (const sql of [
      'SELECT id, row_number() OVER (PARTITION BY g ORDER BY x, id), rank() OVER (PARTITION BY g ORDER BY x), dense_rank() OVER (PARTITION BY g ORDER BY x) FROM w',
      'SELECT id, percent_rank() OVER (ORDER BY x), cume_dist() OVER (ORDER BY x) FROM w',
      'SELECT id, rank() OVER (ORDER BY x DESC NULLS LAST), rank() OVER (ORDER BY f NULLS FIRST) FROM w',
      'SELECT id, rank() OVER (), dense_rank() OVER (PARTITION BY g), percent_rank() OVER (PARTITION BY g) FROM w',
      'SELECT id, ntile(3) OVER (ORDER BY id), ntile(5) OVER (PARTITION BY g ORDER BY id), ntile(20) OVER (ORDER BY id) FROM w',
    ])
      await same(sql);
  });

  it('reads other rows with LAG, LEAD, FIRST_VALUE, LAST_VALUE and NTH_VALUE', async () => {
    for (const sql of [
      'SELECT id, lag(x) OVER (ORDER BY id), lead(x) OVER (ORDER BY id), lag(x, 2) OVER (PARTITION BY g ORDER BY id), lead(f, 1, -1.0) OVER (PARTITION BY g ORDER BY id) FROM w',
      'SELECT id, lag(g, 1, \'none\') OVER (ORDER BY id), lead(id, -1) OVER (ORDER BY id), lag(x, 0) OVER (ORDER BY id) FROM w',
      'SELECT id, first_value(id) OVER (PARTITION BY g ORDER BY x, id), last_value(x) OVER (PARTITION BY g ORDER BY x), nth_value(id, 2) OVER (PARTITION BY g ORDER BY x, id), last_value(x) OVER (ORDER BY x) FROM w',
      'SELECT id, last_value(id) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), first_value(x) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) FROM w',
    ])
      await same(sql);
  });

  it('aggregates over the default frame, whole partitions and ROWS/RANGE frames', async () => {
    for (const sql of [
      'SELECT id, sum(x) OVER (PARTITION BY g ORDER BY id), count(*) OVER (PARTITION BY g), count(x) OVER (ORDER BY x), max(f) OVER (PARTITION BY g ORDER BY x) FROM w',
      'SELECT id, sum(x) OVER (ORDER BY x), min(x) OVER (ORDER BY x RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING), avg(f) OVER (PARTITION BY g) FROM w',
      'SELECT id, sum(x) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING), count(*) OVER (ORDER BY id ROWS 2 PRECEDING), avg(f) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING) FROM w',
      'SELECT id, sum(x) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING), max(x) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) FROM w',
      'SELECT id, sum(f) OVER (ORDER BY x RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), count(*) OVER (ORDER BY x RANGE CURRENT ROW) FROM w',
    ])
      await same(sql);
  });

  it('combines several windows, windows over aggregates, and windows in ORDER BY and subqueries', async () => {
    for (const sql of [
      'SELECT g, count(*), sum(x), rank() OVER (ORDER BY count(*) DESC), max(sum(x)) OVER (ORDER BY g NULLS FIRST) FROM w GROUP BY g',
      'SELECT id FROM w ORDER BY row_number() OVER (ORDER BY f DESC NULLS LAST, id) LIMIT 5',
      'SELECT * FROM (SELECT id, g, rank() OVER (PARTITION BY g ORDER BY x DESC) AS r FROM w) t WHERE r = 1',
      'SELECT id, x - lag(x) OVER (ORDER BY id) AS delta, sum(x) OVER (ORDER BY id) * 2 AS s2 FROM w WHERE id > 2',
      'SELECT DISTINCT g, count(*) OVER (PARTITION BY g) FROM w',
    ])
      await same(sql);
  });

  it('rejects what Postgres rejects', async () => {
    for (const sql of [
      'SELECT id FROM w WHERE row_number() OVER () > 1',
      'SELECT sum(row_number() OVER ()) FROM w',
      'SELECT row_number() OVER (ORDER BY rank() OVER ()) FROM w',
      'SELECT sum(rank() OVER ()) OVER () FROM w',
      'SELECT ntile(0) OVER () FROM w',
      'SELECT upper(g) OVER () FROM w',
      'SELECT count(DISTINCT x) OVER () FROM w',
      'SELECT sum(x) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM w',
      'SELECT sum(x) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM w',
      'SELECT sum(x) OVER (ORDER BY id ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM w',
      'SELECT nth_value(x, 0) OVER () FROM w',
      'SELECT rank() FROM w',
      'SELECT lag(x) FROM w',
    ])
      await same(sql);
  });
});

describe('views', () => {
  it('keep window specifications and frames through the stored SQL', () => {
    const v = memoryDb(`${SETUP} CREATE VIEW running AS SELECT id, sum(x) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s, rank() OVER (ORDER BY x DESC) AS r FROM w;`);
    expect(rows(v, 'SELECT s, r FROM running WHERE id = 3')).toEqual(rows(db, 'SELECT s, r FROM (SELECT id, sum(x) OVER (PARTITION BY g ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s, rank() OVER (ORDER BY x DESC) AS r FROM w) q WHERE id = 3'));
    expect(rows(v, 'SELECT s FROM running WHERE id = 3')).toEqual([[40]]);
    v.close();
  });
});

describe('EXPLAIN', () => {
  it('shows one Window node per window specification with its calls', () => {
    const plan = rows(db, 'EXPLAIN SELECT rank() OVER (PARTITION BY g ORDER BY x), sum(x) OVER (PARTITION BY g ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), row_number() OVER (ORDER BY id) FROM w').map((r) => String(r[0]));
    expect(plan.filter((l) => l.includes('Window'))).toHaveLength(2);
    expect(plan.join('\n')).toContain('sum(x) ROWS BETWEEN 1 PRECEDING AND CURRENT ROW');
  });
});
