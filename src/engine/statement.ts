/**
 * Statement: one parsed SQL statement bound to its Database, executed with `run`, `get`,
 * `all` or `iterate` (better-sqlite3's verbs) and positional `$n` parameters. Dispatches by
 * statement kind to queries (query.ts), DML (dml.ts), DDL (ddl.ts, alter.ts) and transaction
 * control (session.ts). Results leave the engine through js-values.ts.
 */
import { DecentDBError, assertNever, toDecentDBError } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import type * as ast from '../sql/index.js';
import { createIndex, createTable, createTrigger, createView, dropIndex, dropTable, dropTrigger, dropView } from './ddl.js';
import { alterTable, alterView } from './alter.js';
import { executeDml } from './dml.js';
import type { EngineContext } from './engine-context.js';
import { fromJs, toJs, type JsValue } from './js-values.js';
import { explainStatement, openQuery, viewColumns, type QueryCursor } from './query.js';

export type RowMode = 'object' | 'array';
export type Row = Record<string, JsValue> | JsValue[];

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement (0 for others). */
  readonly changes: number;
  /** Rowid of the last row inserted by this statement (0 when none). */
  readonly lastInsertRowid: number | bigint;
}

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
}

/** Rows produced by one execution, as engine Values, plus how many rows it changed. */
interface Execution {
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  readonly cursor: QueryCursor | null;
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

const EMPTY: Execution = { columns: [], cursor: null, changes: 0, lastInsertRowid: 0 };

export class Statement {
  constructor(
    private readonly ctx: EngineContext,
    readonly ast: ast.Statement,
    readonly source: string,
    /** The text AST positions are offsets into (the whole script for `exec`). */
    private readonly positionText: string = source,
  ) {}

  /** True when the statement only reads (SELECT, EXPLAIN). */
  get reader(): boolean {
    return this.ast.kind === 'select' || this.ast.kind === 'explain';
  }

  /** Executes the statement to completion (a SELECT's rows are computed and discarded). */
  run(params: readonly unknown[] = []): RunResult {
    const ex = this.execute(params);
    if (ex.cursor !== null) {
      try {
        while (ex.cursor.next() !== undefined);
      } catch (e) {
        throw toDecentDBError(e);
      } finally {
        ex.cursor.close();
      }
    }
    return { changes: ex.changes, lastInsertRowid: ex.lastInsertRowid };
  }

  get(params: readonly unknown[] = [], rowMode: RowMode = 'object'): Row | undefined {
    const ex = this.execute(params);
    if (ex.cursor === null) return undefined;
    try {
      const row = ex.cursor.next();
      return row === undefined ? undefined : shape(row, ex.columns, rowMode);
    } catch (e) {
      throw toDecentDBError(e);
    } finally {
      ex.cursor.close();
    }
  }

  all(params: readonly unknown[] = [], rowMode: RowMode = 'object'): Row[] {
    const ex = this.execute(params);
    const out: Row[] = [];
    if (ex.cursor === null) return out;
    try {
      for (let row = ex.cursor.next(); row !== undefined; row = ex.cursor.next()) out.push(shape(row, ex.columns, rowMode));
    } catch (e) {
      throw toDecentDBError(e);
    } finally {
      ex.cursor.close();
    }
    return out;
  }

  /** Streams rows; a read snapshot is held until the iterator finishes or is returned. */
  *iterate(params: readonly unknown[] = [], rowMode: RowMode = 'object'): Generator<Row, void, undefined> {
    const ex = this.execute(params);
    if (ex.cursor === null) return;
    try {
      for (;;) {
        let row: Value[] | undefined;
        if (!this.ctx.isOpen()) throw new DecentDBError('ERR_TRANSACTION', 'the database is closed');
        try {
          row = ex.cursor.next();
        } catch (e) {
          throw toDecentDBError(e);
        }
        if (row === undefined) return;
        yield shape(row, ex.columns, rowMode);
      }
    } finally {
      ex.cursor.close();
    }
  }

  /**
   * Result columns of a SELECT or EXPLAIN (planned, not run); empty for other statements,
   * including DML with RETURNING, whose columns are known once it runs.
   */
  columns(): ColumnInfo[] {
    if (this.ast.kind === 'explain') return [{ name: 'query_plan', type: 'TEXT' }];
    if (this.ast.kind !== 'select') return [];
    const ex = this.execute([], true);
    return ex.columns.map((c) => ({ name: c.name, type: typeName(c.type) }));
  }

  /** Runs the statement; `describeOnly` plans a SELECT without reading rows. */
  private execute(params: readonly unknown[], describeOnly = false): Execution {
    const values = params.map((p, i) => fromJs(p, i + 1));
    try {
      return this.dispatch(values, describeOnly);
    } catch (e) {
      throw toDecentDBError(e);
    }
  }

  private dispatch(params: Value[], describeOnly: boolean): Execution {
    const { ctx } = this;
    const s = this.ast;
    const session = ctx.session;
    switch (s.kind) {
      case 'select': {
        const q = openQuery(ctx, s, params, describeOnly, this.positionText);
        return { columns: q.columns, cursor: q, changes: 0, lastInsertRowid: 0 };
      }
      case 'explain': {
        const lines = explainStatement(ctx, s, params, this.positionText);
        return { columns: [{ name: 'query_plan', type: { base: 'TEXT' } }], cursor: arrayCursor(lines.map((l) => [l])), changes: 0, lastInsertRowid: 0 };
      }
      case 'insert':
      case 'update':
      case 'delete': {
        const r = session.write((scope) => executeDml(ctx, scope, s, params, this.positionText));
        return {
          columns: r.returning?.columns ?? [],
          cursor: r.returning === null ? null : arrayCursor(r.returning.rows),
          changes: r.changes,
          lastInsertRowid: r.lastInsertRowid,
        };
      }
      case 'createTable':
        session.write((scope) => createTable(scope, s, this.positionText));
        return EMPTY;
      case 'createIndex':
        session.write((scope) => createIndex(scope, s));
        return EMPTY;
      case 'createView': {
        const cols = viewColumns(ctx, s.query, this.positionText);
        session.write((scope) => createView(scope, s, cols.columns, cols.dependencies));
        return EMPTY;
      }
      case 'createTrigger':
        session.write((scope) => createTrigger(scope, s));
        return EMPTY;
      case 'dropTable':
        session.write((scope) => dropTable(scope, s));
        return EMPTY;
      case 'dropIndex':
        session.write((scope) => dropIndex(scope, s));
        return EMPTY;
      case 'dropView':
        session.write((scope) => dropView(scope, s));
        return EMPTY;
      case 'dropTrigger':
        session.write((scope) => dropTrigger(scope, s));
        return EMPTY;
      case 'alterTable':
        session.write((scope) => alterTable(ctx, scope, s, this.positionText));
        return EMPTY;
      case 'alterView':
        session.write((scope) => alterView(scope, s));
        return EMPTY;
      case 'begin':
        session.begin();
        return EMPTY;
      case 'commit':
        session.commit();
        return EMPTY;
      case 'rollback':
        if (s.savepoint === null) session.rollback();
        else session.rollbackTo(s.savepoint.name);
        return EMPTY;
      case 'savepoint':
        session.savepoint(s.name.name);
        return EMPTY;
      case 'release':
        session.release(s.name.name);
        return EMPTY;
      case 'createDatabase':
      case 'dropDatabase':
        throw new DecentDBError('ERR_SQL', `${s.kind === 'createDatabase' ? 'CREATE' : 'DROP'} DATABASE is not supported: a DecentDB database is one file`);
      default:
        return assertNever(s, 'statement');
    }
  }
}

function arrayCursor(rows: readonly Value[][]): QueryCursor {
  let i = 0;
  return {
    columns: [],
    next: () => rows[i++],
    close: () => {
      i = rows.length;
    },
  };
}

function shape(row: readonly Value[], columns: Execution['columns'], mode: RowMode): Row {
  if (mode === 'array') {
    const out: JsValue[] = new Array<JsValue>(row.length);
    for (let i = 0; i < row.length; i++) out[i] = toJs(row[i]!, columns[i]?.type);
    return out;
  }
  const obj: Record<string, JsValue> = {};
  for (let i = 0; i < row.length; i++) obj[columns[i]?.name ?? `column${i + 1}`] = toJs(row[i]!, columns[i]?.type);
  return obj;
}

export function typeName(t: SqlType): string {
  return t.base === 'DECIMAL' ? `DECIMAL(${t.precision ?? 18},${t.scale ?? 0})` : t.base;
}
