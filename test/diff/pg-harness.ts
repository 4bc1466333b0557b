/**
 * A PGlite (real Postgres 17 in WASM) harness for differential tests of exec semantics: one
 * instance per test file, results normalised to our Value conventions (int8 → number|bigint,
 * numeric → Decimal, timestamp → Timestamp, bytea/uuid → Uint8Array), errors as messages.
 * Not a model of our engine: it only answers "what does Postgres say".
 */
import { PGlite } from '@electric-sql/pglite';
import type { Value } from '../../src/record/index.js';
import { parseDecimal } from '../../src/types/index.js';
import { parseFloat64, parseInt64, parseUuid } from '../../src/types/index.js';
import { parseTimestamp } from '../../src/types/index.js';

const OID = { bool: 16, bytea: 17, int8: 20, int2: 21, int4: 23, text: 25, float4: 700, float8: 701, timestamp: 1114, numeric: 1700, uuid: 2950 } as const;

const parsers = {
  [OID.int8]: (s: string) => parseInt64(s),
  [OID.int4]: (s: string) => Number(s),
  [OID.int2]: (s: string) => Number(s),
  [OID.float8]: (s: string) => parseFloat64(s),
  [OID.float4]: (s: string) => parseFloat64(s),
  [OID.numeric]: (s: string) => parseDecimal(s),
  [OID.timestamp]: (s: string) => parseTimestamp(s),
  [OID.uuid]: (s: string) => parseUuid(s),
  [OID.bool]: (s: string) => s === 't',
  [OID.text]: (s: string) => s,
};

export type PgOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export class PgHarness {
  private constructor(private readonly db: PGlite) {}

  static async create(): Promise<PgHarness> {
    const db = await PGlite.create({ parsers });
    await db.exec(`SET TimeZone = 'UTC'; SET extra_float_digits = 1;`);
    return new PgHarness(db);
  }

  /** Rows of a query as arrays of normalised values. */
  async pgQuery(sql: string): Promise<Value[][]> {
    const r = await this.db.query<Value[]>(sql, [], { rowMode: 'array' });
    return r.rows;
  }

  /** Runs a script of statements (results discarded). */
  async exec(sql: string): Promise<void> {
    await this.db.exec(sql);
  }

  /** The first column of the first row, or the error message. */
  async scalar(sql: string): Promise<PgOutcome<Value>> {
    try {
      const rows = await this.pgQuery(sql);
      return { ok: true, value: rows[0]?.[0] ?? null };
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** `SELECT (expr)::text`: Postgres's own output text, or the error message. */
  async text(expr: string): Promise<PgOutcome<string | null>> {
    const r = await this.scalar(`SELECT (${expr})::text`);
    return r.ok ? { ok: true, value: r.value as string | null } : r;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** A SQL string literal (standard_conforming_strings: only quotes are doubled). */
export const lit = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Runs ours the same way: the value's text, or the error message. */
export function ours<T>(fn: () => T): PgOutcome<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}
