/**
 * Chinook (issue 4, Tests): the Postgres script loads through our engine, and every query of
 * chinook-queries.ts returns exactly what PGlite (Postgres 17) returns on the same script.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/index.js';
import { PgHarness } from '../diff/pg-harness.js';
import { canonicalRows, ourCanonicalRows, sortedRows } from '../diff/result-compare.js';
import { chinookScript } from './chinook-script.js';
import { CHINOOK_QUERIES } from './chinook-queries.js';

let db: Database;
let pg: PgHarness;

beforeAll(async () => {
  const script = chinookScript();
  db = Database.open(':memory:');
  db.exec(script);
  pg = await PgHarness.create();
  await pg.exec(script);
});

afterAll(async () => {
  db.close();
  await pg.close();
});

describe('Chinook loads from its Postgres script', () => {
  it('has every row of every table', () => {
    const counts = db.query(
      `SELECT (SELECT COUNT(*) FROM artist) a, (SELECT COUNT(*) FROM album) b, (SELECT COUNT(*) FROM track) c, (SELECT COUNT(*) FROM invoice) d,
              (SELECT COUNT(*) FROM invoice_line) e, (SELECT COUNT(*) FROM playlist_track) f, (SELECT COUNT(*) FROM customer) g, (SELECT COUNT(*) FROM employee) h`,
      [],
      { rowMode: 'array' },
    );
    expect(counts).toEqual([[275, 347, 3503, 412, 2240, 8715, 59, 8]]);
  });

  it("stores N'Edinburgh ' as 'Edinburgh', as Postgres does (N'…' is bpchar)", async () => {
    const sql = 'SELECT city, LENGTH(city) FROM customer WHERE customer_id = 54';
    expect(db.query(sql, [], { rowMode: 'array' })).toEqual([['Edinburgh', 9]]);
    expect(ourCanonicalRows(db, sql)).toEqual(canonicalRows(await pg.pgQuery(sql)));
  });

  it('gives foreign-key columns their index and keeps the script\'s own indexes', () => {
    const plan = db.query('EXPLAIN SELECT * FROM track WHERE album_id = 5', [], { rowMode: 'array' }).flat().join('\n');
    expect(plan).toMatch(/IndexSeek track USING (fk_track_album_id_idx|track_album_id_idx)/);
  });
});

describe('Chinook queries equal Postgres', () => {
  it.each(CHINOOK_QUERIES.map((q) => [q.name, q] as const))('%s', async (_name, q) => {
    const theirs = await pg.pgQuery(q.sql);
    const mine = ourCanonicalRows(db, q.sql);
    if (q.ordered) expect(mine).toEqual(canonicalRows(theirs));
    else expect([...mine].sort()).toEqual(sortedRows(theirs));
  });
});
