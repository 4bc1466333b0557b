/**
 * Statement: one parsed SQL statement bound to its Database, executed with `run`, `get`,
 * `all` or `iterate` (better-sqlite3's verbs) and positional `$n` parameters. Dispatches by
 * statement kind to queries (query.ts), DML (dml.ts), DDL (ddl.ts, alter.ts) and transaction
 * control (session.ts). Results leave the engine through js-values.ts, or as exact engine
 * Values through `raw` / `iterateRaw` (for tools such as the CLI).
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
import { exprName } from './dml-rows.js';
import { compileRowExpr } from './row-expressions.js';
import { type RowidLookup, rowidLookup, selectByRowid } from './select-by-rowid.js';

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

/** A result column with its exact static type (what `Statement.raw` reports). */
export interface RawColumn {
  readonly name: string;
  readonly type: SqlType;
}

/**
 * One execution's complete result as engine Values, without the JS mapping of js-values.ts:
 * TIMESTAMP stays a `Timestamp` (exact microseconds, where a `Date` keeps milliseconds),
 * DECIMAL a `Decimal` (unscaled bigint and scale), UUID its 16 bytes, INT64 a number or bigint.
 * Meant for tools (the CLI's `--json`, export) that must print values exactly.
 */
export interface RawResult {
  /** One entry per result column, in order; names may repeat (`SELECT a, a`). */
  readonly columns: readonly RawColumn[];
  /** Rows as arrays of Values (each row its own array). Empty for statements without rows. */
  readonly rows: Value[][];
  /** Rows inserted, updated or deleted by the statement (0 for others). */
  readonly changes: number;
  /** Rowid of the last row inserted by this statement (0 when none). */
  readonly lastInsertRowid: number | bigint;
}

/** Rows produced by one execution, as engine Values, plus how many rows it changed. */
interface Execution {
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  readonly cursor: QueryCursor | null;
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

const EMPTY: Execution = { columns: [], cursor: null, changes: 0, lastInsertRowid: 0 };

/** `getByRowid`'s answer when the statement needs the general path. */
const NOT_SERVED = Symbol('not served');

export class Statement {
  /** The last rowid lookup this SELECT got (select-by-rowid.ts), reused while its schema holds. */
  private lookup: RowidLookup | null = null;

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
    const s = this.ast;
    if (s.kind === 'select') {
      const row = this.getByRowid(s, params, rowMode);
      if (row !== NOT_SERVED) return row;
    }
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
    const s = this.ast;
    if (s.kind === 'select') {
      const row = this.getByRowid(s, params, rowMode);
      if (row !== NOT_SERVED) return row === undefined ? [] : [row];
    }
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
  iterate(params: readonly unknown[] = [], rowMode: RowMode = 'object'): Generator<Row, void, undefined> {
    return this.stream(params, (row, columns) => shape(row, columns, rowMode));
  }

  /**
   * Runs the statement to completion and returns its columns and rows as exact engine Values
   * (see {@link RawResult}); parameters bind as for `run`/`all`.
   *
   * @example
   * const r = db.prepare('SELECT ts, price FROM t').raw();
   * r.columns[0].type;        // { base: 'TIMESTAMP' }
   * (r.rows[0][0] as Timestamp).micros; // exact µs since the epoch
   */
  raw(params: readonly unknown[] = []): RawResult {
    const ex = this.execute(params);
    const rows: Value[][] = [];
    if (ex.cursor !== null) {
      try {
        // Cursors may reuse their row array between calls: each row is copied.
        for (let row = ex.cursor.next(); row !== undefined; row = ex.cursor.next()) rows.push(row.slice());
      } catch (e) {
        throw toDecentDBError(e);
      } finally {
        ex.cursor.close();
      }
    }
    return { columns: ex.columns.map((c) => ({ name: c.name, type: c.type })), rows, changes: ex.changes, lastInsertRowid: ex.lastInsertRowid };
  }

  /**
   * Streams rows as exact engine Values (as `raw` returns them, one fresh array per row); a
   * read snapshot is held until the iterator finishes or is returned. Columns: `rawColumns()`.
   */
  iterateRaw(params: readonly unknown[] = []): Generator<Value[], void, undefined> {
    return this.stream(params, (row) => row.slice());
  }

  /** Runs the statement lazily and yields `map(row)` per row; closing the generator closes the cursor. */
  private *stream<T>(params: readonly unknown[], map: (row: Value[], columns: Execution['columns']) => T): Generator<T, void, undefined> {
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
        yield map(row, ex.columns);
      }
    } finally {
      ex.cursor.close();
    }
  }


  /**
   * Result columns, described without running the statement: a SELECT is planned, EXPLAIN has
   * its one `query_plan` column, INSERT/UPDATE/DELETE … RETURNING bind their RETURNING list
   * against the target table. Empty for statements without rows (and for DML on a view, whose
   * INSTEAD OF triggers return none).
   */
  columns(): ColumnInfo[] {
    return this.describe().map((c) => ({ name: c.name, type: typeName(c.type) }));
  }

  /** Like `columns()`, with each column's SqlType (DECIMAL precision and scale included). */
  rawColumns(): RawColumn[] {
    return this.describe();
  }

  private describe(): RawColumn[] {
    const s = this.ast;
    if (s.kind === 'explain') return [{ name: 'query_plan', type: { base: 'TEXT' } }];
    if (s.kind === 'select') return this.execute([], true).columns.map((c) => ({ name: c.name, type: c.type }));
    if ((s.kind === 'insert' || s.kind === 'update' || s.kind === 'delete') && s.returning !== null) {
      try {
        return this.returningColumns(s, s.returning);
      } catch (e) {
        throw toDecentDBError(e);
      }
    }
    return [];
  }

  /** RETURNING columns as dml-rows.ts returningColumns names and types them, bound but not run. */
  private returningColumns(s: ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt, items: readonly ast.SelectItem[]): RawColumn[] {
    const schema = this.ctx.session.schema;
    const table = schema.table(s.table.name);
    if (table === undefined) return [];
    const alias = s.alias?.name ?? table.name;
    const typeOf = (e: ast.Expr): SqlType => compileRowExpr(this.ctx, schema, table, alias, e, 'RETURNING').type;
    const out: RawColumn[] = [];
    for (const item of items) {
      if (item.kind === 'allColumns') {
        for (const c of table.def.columns) out.push({ name: c.name, type: typeOf({ kind: 'column', table: null, name: { name: c.name, quoted: true } }) });
      } else {
        out.push({ name: item.alias?.name ?? exprName(item.expr), type: typeOf(item.expr) });
      }
    }
    return out;
  }

  /**
   * `get` of a SELECT served by rowid (select-by-rowid.ts) straight from the JS parameters to
   * the JS row, without an Execution, cursor or Value arrays; NOT_SERVED for the general path.
   * Parameters are checked first, as `execute` does, so errors come in the same order.
   */
  private getByRowid(s: ast.SelectStmt, params: readonly unknown[], rowMode: RowMode): Row | undefined | typeof NOT_SERVED {
    let lookup: RowidLookup | null;
    let found: (Value | undefined)[] | null;
    try {
      for (let i = 0; i < params.length; i++) fromJs(params[i], i + 1);
      lookup = rowidLookup(this.ctx, s, this.positionText, this.lookup);
      if (lookup === null) return NOT_SERVED;
      this.lookup = lookup;
      const rowid = lookup.rowidOf(params);
      if (rowid === undefined) return NOT_SERVED;
      found = lookup.read(this.ctx, rowid);
    } catch (e) {
      throw toDecentDBError(e);
    }
    if (found === null) return undefined;
    const columns = lookup.columns;
    // Fields past the record's end read as NULL, as the scan decodes them.
    if (rowMode === 'array') {
      const out = new Array<JsValue>(found.length);
      for (let i = 0; i < found.length; i++) out[i] = toJs(found[i] ?? null, columns[i]!.type);
      return out;
    }
    const names = lookup.names;
    const obj: Record<string, JsValue> = {};
    for (let i = 0; i < found.length; i++) obj[names[i]!] = toJs(found[i] ?? null, columns[i]!.type);
    return obj;
  }

  /** Runs the statement; `describeOnly` plans a SELECT without reading rows. */
  private execute(params: readonly unknown[], describeOnly = false): Execution {
    const values = new Array<Value>(params.length);
    for (let i = 0; i < params.length; i++) values[i] = fromJs(params[i], i + 1);
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
        const direct = describeOnly ? undefined : selectByRowid(ctx, s, params, this.positionText);
        if (direct !== undefined) return { columns: direct.columns, cursor: arrayCursor(direct.rows), changes: 0, lastInsertRowid: 0 };
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
