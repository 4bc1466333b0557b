/**
 * Differential (issue 4, Tests): generated schemas, data, queries and data changes run through
 * the whole engine (parser → planner with indexes → executor → Database API) and through
 * PGlite; results must be equal — in order when the ORDER BY is total, else as multisets.
 * A statement that fails must fail in both. One PGlite instance; each schema in its own
 * Postgres schema (search_path) and its own in-memory Database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database, DecentDBError } from '../../src/index.js';
import { PgHarness } from './pg-harness.js';
import { canonicalRows, ourCanonicalRows } from './result-compare.js';
import { dmlArb, queryArb, schemaArb, setupSql, type GeneratedQuery, type TableSpec } from './engine-model.js';

let pg: PgHarness;
let schemaNo = 0;

beforeAll(async () => {
  pg = await PgHarness.create();
});
afterAll(async () => {
  await pg.close();
});

type Outcome = { ok: true; rows: string[] } | { ok: false; error: string };

async function theirs(sql: string, ordered: boolean): Promise<Outcome> {
  try {
    const r = canonicalRows(await pg.pgQuery(sql));
    return { ok: true, rows: ordered ? r : r.sort() };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

function ours(db: Database, sql: string, ordered: boolean): Outcome {
  try {
    const r = ourCanonicalRows(db, sql);
    return { ok: true, rows: ordered ? r : r.sort() };
  } catch (e) {
    if (!(e instanceof DecentDBError) || e.code === 'ERR_INTERNAL') throw e;
    return { ok: false, error: e.message };
  }
}

async function open(tables: readonly TableSpec[]): Promise<Database> {
  const ns = `s${++schemaNo}`;
  const setup = setupSql(tables);
  await pg.exec(`CREATE SCHEMA ${ns}; SET search_path = ${ns};\n${setup}`);
  const db = Database.open(':memory:');
  db.exec(setup);
  return db;
}

function sameOutcome(mine: Outcome, pgs: Outcome, sql: string): void {
  expect(mine.ok ? mine.rows : 'error', sql).toEqual(pgs.ok ? pgs.rows : 'error');
}

const TABLE_DUMP = (t: string): GeneratedQuery => ({ sql: `SELECT * FROM ${t} ORDER BY id`, ordered: true });

describe('engine vs Postgres on generated schemas', () => {
  it('SELECT queries return the same rows', async () => {
    await fc.assert(
      fc.asyncProperty(
        schemaArb.chain((tables) => fc.tuple(fc.constant(tables), fc.array(queryArb(tables), { minLength: 12, maxLength: 12 }))),
        async ([tables, queries]) => {
          const db = await open(tables);
          try {
            for (const q of queries) sameOutcome(ours(db, q.sql, q.ordered), await theirs(q.sql, q.ordered), q.sql);
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('INSERT … SELECT, UPDATE and DELETE leave the same tables', async () => {
    await fc.assert(
      fc.asyncProperty(
        schemaArb.chain((tables) => fc.tuple(fc.constant(tables), fc.array(dmlArb(tables), { minLength: 6, maxLength: 6 }), fc.array(queryArb(tables), { minLength: 3, maxLength: 3 }))),
        async ([tables, changes, queries]) => {
          const db = await open(tables);
          try {
            for (const sql of changes) {
              let mineOk = true;
              try {
                db.exec(sql);
              } catch (e) {
                if (!(e instanceof DecentDBError) || e.code === 'ERR_INTERNAL') throw e;
                mineOk = false;
              }
              let theirsOk = true;
              try {
                await pg.exec(sql);
              } catch {
                theirsOk = false;
              }
              expect(mineOk, sql).toBe(theirsOk);
              for (const t of tables) {
                const dump = TABLE_DUMP(t.name);
                sameOutcome(ours(db, dump.sql, true), await theirs(dump.sql, true), `${sql} → ${t.name}`);
              }
            }
            for (const q of queries) sameOutcome(ours(db, q.sql, q.ordered), await theirs(q.sql, q.ordered), q.sql);
          } finally {
            db.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
