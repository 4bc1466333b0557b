/**
 * Runs one SQL statement's text on a Database and captures what the CLI prints: result
 * columns (name and exact SqlType), rows (exact engine Values from `Statement.raw`) and the
 * changed-row count, or the error's code and message. Never throws for SQL or engine errors:
 * the caller goes on. Formatting lives in result-format.ts.
 */
import { toDecentDBError, type ErrorCode } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { Database } from '../engine/index.js';

export interface ResultColumn {
  readonly name: string;
  /** Undefined only when a caller builds an outcome without types; the engine always reports one. */
  readonly type: SqlType | undefined;
}

export type StatementOutcome =
  | {
      readonly ok: true;
      /** True when the statement produces rows (SELECT, EXPLAIN, … RETURNING). */
      readonly hasRows: boolean;
      readonly columns: readonly ResultColumn[];
      readonly rows: readonly (readonly Value[])[];
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
    const hasRows = stmt.reader || ((ast.kind === 'insert' || ast.kind === 'update' || ast.kind === 'delete') && ast.returning !== null);
    const r = stmt.raw();
    return { ok: true, hasRows, columns: r.columns, rows: r.rows, changes: r.changes, elapsedMs: now() - start };
  } catch (e) {
    const err = toDecentDBError(e);
    return { ok: false, code: err.code, message: oneLine(err.message), elapsedMs: now() - start };
  }
}

export const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ');
