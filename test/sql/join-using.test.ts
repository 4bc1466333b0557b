/**
 * JOIN … USING against PGlite (issue 4, planner/join-using.ts): the merged column is the left
 * one (INNER/LEFT), the right one (RIGHT), COALESCE of both (FULL); `*` lists merged columns
 * first; qualified names reach each side; chained USING joins on the merged column; correlated
 * subqueries see the merged value. Column names and rows (as multisets) are compared.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { samePg } from './pg-compare.js';
import type { Database } from '../../src/index.js';
import { memoryDb } from './sql-helpers.js';

const SETUP = `CREATE TABLE a (id INTEGER, x INTEGER, y TEXT);
CREATE TABLE b (z TEXT, x INTEGER, id INTEGER);
CREATE TABLE c (x BIGINT, w TEXT);
CREATE TABLE d (x DOUBLE PRECISION, id INTEGER);
INSERT INTO a VALUES (1, 10, 'a1'), (2, 20, 'a2'), (3, NULL, 'a3'), (4, 40, 'a4'), (5, 10, 'a5');
INSERT INTO b VALUES ('b1', 10, 100), ('b2', 30, 300), ('b3', NULL, 500), ('b4', 40, 4), ('b5', 30, 2);
INSERT INTO c VALUES (10, 'c10'), (30, 'c30'), (50, 'c50'), (NULL, 'cnull');
INSERT INTO d VALUES (10.0, 1), (30.5, 2), (20, 3);`;

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

const same = (sql: string): Promise<void> => samePg(pg, [db], sql);

describe('JOIN … USING merges columns as Postgres does', () => {
  const kinds = ['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN'];
  for (const k of kinds) {
    it(`${k} USING: *, the merged name, qualified names, filters and grouping`, async () => {
      for (const sql of [
        `SELECT * FROM a ${k} b USING (x)`,
        `SELECT x, a.x, b.x FROM a ${k} b USING (x)`,
        `SELECT * FROM a ${k} b USING (x, id)`,
        `SELECT * FROM a ${k} b USING (id, x)`,
        `SELECT a.*, b.* FROM a ${k} b USING (x)`,
        `SELECT b.*, * FROM a ${k} b USING (x)`,
        `SELECT x FROM a ${k} b USING (x) WHERE x > 15`,
        `SELECT x FROM a ${k} b USING (x) WHERE x IS NULL`,
        `SELECT x, count(*) FROM a ${k} b USING (x) GROUP BY x`,
        `SELECT x + 1 AS x1, y, z FROM a ${k} b USING (x) ORDER BY x`,
        `SELECT * FROM a ${k} c USING (x)`,
        `SELECT x, id FROM a ${k} d USING (x, id)`,
        `SELECT * FROM (SELECT 10 AS x, 'v' AS v UNION ALL SELECT 99, 'w') s ${k} b USING (x)`,
        `SELECT x, (SELECT count(*) FROM c WHERE c.x = x) FROM a ${k} b USING (x)`,
        `SELECT x, (SELECT max(w) FROM c WHERE c.w IS NOT NULL AND x IS NULL) FROM a ${k} b USING (x)`,
      ])
        await same(sql);
    });
  }

  it('chains: a later USING joins on the merged column', async () => {
    for (const sql of [
      'SELECT * FROM a JOIN b USING (x) JOIN c USING (x)',
      'SELECT * FROM a FULL JOIN b USING (x) FULL JOIN c USING (x)',
      'SELECT * FROM a LEFT JOIN b USING (x) RIGHT JOIN c USING (x)',
      'SELECT x, a.x, b.x, c.x FROM a FULL JOIN b USING (x) LEFT JOIN c USING (x)',
      'SELECT * FROM a FULL JOIN b USING (x) JOIN a AS e USING (x, id)',
      'SELECT * FROM a JOIN b ON a.x = b.x JOIN c USING (w)',
      'SELECT * FROM c, a FULL JOIN b USING (x)',
    ])
      await same(sql);
  });

  it('rejects what Postgres rejects', async () => {
    for (const sql of [
      'SELECT * FROM a JOIN b USING (nope)',
      'SELECT * FROM a JOIN b USING (x, x)',
      'SELECT id FROM a JOIN b USING (x)',
      'SELECT * FROM a JOIN b ON a.x = b.x JOIN c USING (x)',
      'SELECT * FROM a JOIN c USING (w)',
      'SELECT x FROM c, a FULL JOIN b USING (x)',
      'SELECT * FROM a JOIN c USING (x) JOIN b USING (z)',
    ])
      await same(sql);
  });

  it('NATURAL joins USING the shared column names', async () => {
    for (const k of ['NATURAL JOIN', 'NATURAL LEFT JOIN', 'NATURAL RIGHT OUTER JOIN', 'NATURAL FULL JOIN', 'NATURAL INNER JOIN']) {
      for (const sql of [
        `SELECT * FROM a ${k} b`,
        `SELECT x, id, y, z FROM a ${k} b`,
        `SELECT * FROM a ${k} c`,
        `SELECT * FROM a ${k} d`,
        `SELECT * FROM c ${k} (SELECT 'cnull' AS w, 1 AS extra) s`,
        `SELECT count(*) FROM b ${k} c`,
        `SELECT * FROM (SELECT 1 AS p) s ${k} (SELECT 2 AS q) t`,
        `SELECT * FROM a ${k} b ${k} c`,
      ])
        await same(sql);
    }
  });

  it('rejects NATURAL joins Postgres rejects', async () => {
    for (const sql of ['SELECT * FROM a JOIN b ON a.x = b.x NATURAL JOIN d']) await same(sql);
  });
});
