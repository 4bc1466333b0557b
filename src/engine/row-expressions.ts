/**
 * Expressions evaluated against one stored row rather than inside a SELECT: CHECK constraints,
 * DEFAULT and GENERATED columns, ON CONFLICT … SET, RETURNING. Bound by the planner
 * (bindRowExpr), compiled by the executor once per parameter set, then called per row.
 */
import { DecentDBError } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { Expr } from '../sql/index.js';
import type { ColumnDef, TableDef } from '../catalog/index.js';
import { parseExpression } from '../sql/index.js';
import { bindRowExpr, type BoundRowExpr, type RowRelation } from '../planner/index.js';
import { assignCast, compileExpr, newEnv, type Compiled } from '../exec/index.js';
import type { PageStore } from '../pager/index.js';
import type { EngineContext } from './engine-context.js';
import { execContext, plannerSchema, runSelectInScope, type QueryCursor } from './query.js';
import type { Schema, TableInfo } from './schema.js';

/** A compiled row expression: call with the row and the statement's parameters. */
export interface RowExpr {
  (row: readonly Value[], params: readonly Value[]): Value;
  readonly type: SqlType;
}

/**
 * Compiles `expr` over rows of `table` (columns addressed by name or `alias.name`); with
 * `withExcluded`, rows are the table row followed by the proposed row, named `excluded`.
 * `table` null: the expression may not reference columns (DEFAULT).
 */
export function compileRowExpr(
  ctx: EngineContext,
  schema: Schema,
  table: TableInfo | null,
  alias: string,
  expr: Expr,
  clause: string,
  withExcluded = false,
  store?: PageStore,
): RowExpr {
  const relations: RowRelation[] = [];
  if (table !== null) {
    const columns = table.def.columns.map((c) => ({ name: c.name, type: c.type }));
    relations.push({ alias, columns });
    if (withExcluded) relations.push({ alias: 'excluded', columns });
  }
  return compileBound(ctx, bindRowExpr(expr, plannerSchema(schema), relations, clause), clause, store);
}

function compileBound(ctx: EngineContext, bound: BoundRowExpr, clause: string, store: PageStore | undefined): RowExpr {
  let lastParams: readonly Value[] | null = null;
  let fn: Compiled | null = null;
  const target = store ?? ctx.session.writeTransaction;
  const call = ((row: readonly Value[], params: readonly Value[]): Value => {
    if (fn === null || params !== lastParams) {
      if (target === null) throw new DecentDBError('ERR_INTERNAL', `${clause} expression evaluated outside a transaction`);
      fn = compileExpr(bound.expr, newEnv(execContext(ctx, target, params)));
      lastParams = params;
    }
    return fn(row);
  }) as RowExpr;
  Object.defineProperty(call, 'type', { value: bound.expr.type });
  return call;
}

/** Parsed and bound stored expressions, per table definition (a new TableDef after any DDL). */
const storedCache = new WeakMap<TableDef, Map<string, BoundRowExpr>>();

/**
 * compileRowExpr for an expression stored in the catalog (CHECK, DEFAULT, GENERATED text) of
 * `table`: parsing and binding are done once per TableDef object, so repeated executions of
 * a statement only compile. `columns` false binds without the table's columns (DEFAULT).
 */
export function compileStoredExpr(ctx: EngineContext, schema: Schema, table: TableInfo, alias: string, sql: string, clause: string, columns = true): RowExpr {
  let cache = storedCache.get(table.def);
  if (cache === undefined) {
    cache = new Map();
    storedCache.set(table.def, cache);
  }
  const key = `${clause}\u0000${columns ? alias : ''}\u0000${sql}`;
  let bound = cache.get(key);
  if (bound === undefined) {
    const relations: RowRelation[] = columns ? [{ alias, columns: table.def.columns.map((c) => ({ name: c.name, type: c.type })) }] : [];
    bound = bindRowExpr(parseExpression(sql), plannerSchema(schema), relations, clause);
    cache.set(key, bound);
  }
  if (bound.expr.kind === 'const') return constRowExpr(bound.expr.value, bound.expr.type, bound);
  return compileBound(ctx, bound, clause, undefined);
}

/** One RowExpr per constant stored expression (DEFAULT 0): nothing to compile per statement. */
const constExprs = new WeakMap<BoundRowExpr, RowExpr>();

function constRowExpr(value: Value, type: SqlType, bound: BoundRowExpr): RowExpr {
  let e = constExprs.get(bound);
  if (e === undefined) {
    e = Object.assign((): Value => value, { type });
    constExprs.set(bound, e);
  }
  return e;
}

/** The value a column gets when an ALTER TABLE … ADD COLUMN fills existing rows. */
export function evaluateColumnDefault(ctx: EngineContext, column: ColumnDef, _table: string): Value {
  if (column.defaultSql === undefined) return null;
  const e = compileRowExpr(ctx, ctx.session.schema, null, '', parseExpression(column.defaultSql), 'DEFAULT');
  const v = e([], []);
  return v === null ? null : assignCast(v, e.type, column.type, column.name, ctx.clock);
}

export { runSelectInScope, type QueryCursor };
