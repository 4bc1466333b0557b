/**
 * Runs one SQL statement's text on a Database and captures what the CLI prints: result
 * columns (name and type), rows (JS values, array form) and the changed-row count, or the
 * error's code and message. Never throws for SQL or engine errors: the caller goes on.
 * Formatting lives in result-format.ts.
 */
import { toDecentDBError, type ErrorCode } from '../util/index.js';
import type { SqlType } from '../record/index.js';
import type { Database } from '../engine/index.js';
import { parseColumnType, type ResultValue } from './result-values.js';

export interface ResultColumn {
  readonly name: string;
  /** Undefined when the engine does not report it (RETURNING columns). */
  readonly type: SqlType | undefined;
}

export type StatementOutcome =
  | {
      readonly ok: true;
      /** True when the statement produces rows (SELECT, EXPLAIN, … RETURNING). */
      readonly hasRows: boolean;
      readonly columns: readonly ResultColumn[];
      readonly rows: readonly (readonly ResultValue[])[];
      readonly changes: number;
      readonly elapsedMs: number;
    }
  | { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly elapsedMs: number };

/** Runs `sql` (one statement, no parameters). `now` is a millisecond clock for timing. */
export function runStatement(db: Database, sql: string, now: () => number = Date.now): StatementOutcome {
  const start = now();
  try {
    const stmt = db.prepare(sql);
    const ast = stmt.ast;
    if (stmt.reader) {
      // columns() describes SELECTs; EXPLAIN's one column is fixed (engine statement.ts).
      const columns =
        ast.kind === 'explain' ? [{ name: 'query_plan', type: parseColumnType('TEXT') }] : stmt.columns().map((c) => ({ name: c.name, type: parseColumnType(c.type) }));
      const rows = stmt.all([], 'array') as ResultValue[][];
      return { ok: true, hasRows: true, columns, rows, changes: 0, elapsedMs: now() - start };
    }
    if ((ast.kind === 'insert' || ast.kind === 'update' || ast.kind === 'delete') && ast.returning !== null) {
      // columns() describes SELECTs only: RETURNING names come from the object rows.
      const objects = stmt.all([], 'object') as Record<string, ResultValue>[];
      const first = objects[0];
      const names = first === undefined ? [] : Object.keys(first);
      const rows = objects.map((o) => names.map((n) => o[n] ?? null));
      return { ok: true, hasRows: true, columns: names.map((name) => ({ name, type: undefined })), rows, changes: rows.length, elapsedMs: now() - start };
    }
    const r = stmt.run();
    return { ok: true, hasRows: false, columns: [], rows: [], changes: r.changes, elapsedMs: now() - start };
  } catch (e) {
    const err = toDecentDBError(e);
    return { ok: false, code: err.code, message: oneLine(err.message), elapsedMs: now() - start };
  }
}

export const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ');
