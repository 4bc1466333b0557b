/**
 * The rows an UPDATE or DELETE changes (dml.ts): the general target-row query through the
 * planner (`SELECT ctid, *, set-values… FROM t WHERE …`, plan cached per statement), and a
 * direct rowid read for the row-by-row case `WHERE pk = $n` / `WHERE pk = <integer>` on an
 * INTEGER PRIMARY KEY (for UPDATE, with SET values that are bare parameters or NULL). The
 * direct path selects exactly the row the query would and yields the values the query would;
 * anything it is not sure of (other WHERE shapes, parameters of other JS types, missing
 * parameters) takes the query. select-by-rowid.ts reuses the WHERE analysis for SELECT.
 */
import type { SqlType, Value } from '../record/index.js';
import type * as ast from '../sql/index.js';
import { applyDecimalTypmod, decimalFromNumberString } from '../exec/index.js';
import { castInto, type DmlRun } from './dml-rows.js';
import type { RowRef } from './foreign-keys.js';
import { runSelectInScope } from './row-expressions.js';
import type { TableInfo } from './schema.js';
import type { Rowid } from './table-writer.js';

/** One target row and the values of the statement's extra select expressions for it. */
export interface Target {
  readonly ref: RowRef;
  readonly extra: Value[];
}

/** The target-row query of each UPDATE/DELETE statement, kept so its plan is cached (query.ts). */
const targetQueries = new WeakMap<ast.UpdateStmt | ast.DeleteStmt, { table: string; query: ast.SelectStmt }>();

/** Rows of the target selected by WHERE: (rowid, full row, extra select values). */
export function targetRows(run: DmlRun, stmt: ast.UpdateStmt | ast.DeleteStmt, table: TableInfo, alias: string, where: ast.Expr | null, extra: readonly ast.Expr[]): Target[] {
  let cached = targetQueries.get(stmt);
  if (cached === undefined || cached.table !== table.name) {
    cached = { table: table.name, query: targetQuery(table, alias, where, extra) };
    targetQueries.set(stmt, cached);
  }
  const cursor = runSelectInScope(run.ctx, run.scope, cached.query, run.params, run.sql);
  const out: Target[] = [];
  const width = table.types.length;
  try {
    for (let r = cursor.next(); r !== undefined; r = cursor.next()) {
      out.push({ ref: { rowid: r[0] as Rowid, row: r.slice(1, 1 + width) }, extra: r.slice(1 + width) });
    }
  } finally {
    cursor.close();
  }
  return out;
}

/** `SELECT alias.ctid, alias.*, extra… FROM table alias WHERE where` (the lead's ctid column). */
function targetQuery(table: TableInfo, alias: string, where: ast.Expr | null, extra: readonly ast.Expr[]): ast.SelectStmt {
  const tableRef: ast.TableRef = { kind: 'table', name: { name: table.name, quoted: true }, alias: { name: alias, quoted: true } };
  const items: ast.SelectItem[] = [
    { kind: 'selectExpr', expr: { kind: 'column', table: { name: alias, quoted: true }, name: { name: 'ctid', quoted: false } }, alias: null },
    { kind: 'allColumns', table: { name: alias, quoted: true } },
    ...extra.map((e): ast.SelectItem => ({ kind: 'selectExpr', expr: e, alias: null })),
  ];
  return {
    kind: 'select',
    with: [],
    body: { kind: 'selectCore', distinct: false, items, from: [tableRef], where, groupBy: [], having: null },
    orderBy: [],
    limit: null,
    offset: null,
  };
}


const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/**
 * The operand compared with the INTEGER PRIMARY KEY when `where` is exactly `pk = x` or
 * `x = pk` (unqualified, unquoted column; x a parameter or an integer literal), else null.
 */
export function rowidOperand(table: TableInfo, where: ast.Expr | null): ast.Param | ast.IntegerLiteral | null {
  if (table.rowidColumn < 0 || where === null || where.kind !== 'binary' || where.op !== '=') return null;
  const isPk = (e: ast.Expr): boolean =>
    e.kind === 'column' && e.table === null && !e.name.quoted && e.name.name.toLowerCase() !== 'ctid' && table.column(e.name.name) === table.rowidColumn;
  const isOperand = (e: ast.Expr): boolean => e.kind === 'param' || e.kind === 'integer';
  if (isPk(where.left) && isOperand(where.right)) return where.right as ast.Param | ast.IntegerLiteral;
  if (isPk(where.right) && isOperand(where.left)) return where.left as ast.Param | ast.IntegerLiteral;
  return null;
}

/**
 * The rowid `operand` selects, as the query binds it (INT64): integers only, in range; undefined
 * when the query must decide (its coercion may convert or reject the value).
 */
export function operandRowid(params: readonly Value[], operand: ast.Param | ast.IntegerLiteral): Rowid | undefined {
  const v = operand.kind === 'integer' ? operand.value : params[operand.index - 1];
  if (typeof v === 'number') return Number.isSafeInteger(v) ? v + 0 : undefined; // + 0: no -0 key
  if (typeof v === 'bigint') {
    if (v < INT64_MIN || v > INT64_MAX) return undefined;
    return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
  }
  return undefined;
}

/**
 * The target of a `pk = x` WHERE read by rowid: the row (null when there is none), or undefined
 * when the general query must run. The row is padded/cut to the table width with NULLs, as the
 * scan decodes it.
 */
export function rowidTarget(run: DmlRun, table: TableInfo, operand: ast.Param | ast.IntegerLiteral): RowRef | null | undefined {
  const rowid = operandRowid(run.params, operand);
  if (rowid === undefined) return undefined;
  const row = run.scope.rows.read(table, rowid);
  if (row === undefined) return null;
  const width = table.types.length;
  if (row.length > width) row.length = width;
  while (row.length < width) row.push(null);
  return { rowid, row };
}

/**
 * A SET value the direct path can supply without the query: a bare `$n` (which the query
 * selects as TEXT) or NULL. null when the statement needs the query.
 */
export type DirectSet = { readonly kind: 'param'; readonly index: number } | { readonly kind: 'null' };

export function directSet(e: ast.Expr, type: SqlType): DirectSet | null {
  if (e.kind === 'null') return { kind: 'null' };
  if (e.kind === 'param' && type.base === 'TEXT') return { kind: 'param', index: e.index };
  return null;
}

/**
 * The raw values of `sets` for this run, or undefined when one is of a JS type whose binding
 * the query must handle (missing, Date, bytes, Decimal, …: it converts or throws).
 */
export function directSetValues(run: DmlRun, sets: readonly DirectSet[]): Value[] | undefined {
  const out = new Array<Value>(sets.length);
  for (let k = 0; k < sets.length; k++) {
    const s = sets[k]!;
    if (s.kind === 'null') {
      out[k] = null;
      continue;
    }
    const v = run.params[s.index - 1];
    if (v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'bigint' && typeof v !== 'boolean') return undefined;
    out[k] = v;
  }
  return out;
}

const TEXT: SqlType = Object.freeze({ base: 'TEXT' });

/**
 * castInto of a bare parameter the query would have bound as TEXT (String(v)) into column
 * `pos`. Numbers skip the text where its parse is known: int8in of a safe integer's digits is
 * the integer, float8in of String(x) is x (no "-0" is printed), numeric_in is
 * decimalFromNumberString. -0 comes back as 0, as through the text.
 */
export function castTextParam(run: DmlRun, v: Value, table: TableInfo, pos: number): Value {
  if (typeof v === 'number') {
    const to = table.types[pos]!;
    switch (to.base) {
      case 'INT64':
        if (Number.isSafeInteger(v)) return v + 0;
        break;
      case 'FLOAT64':
        return v + 0;
      case 'DECIMAL':
        if (Number.isFinite(v)) return applyDecimalTypmod(decimalFromNumberString(v), to);
        break;
      default:
        break;
    }
  }
  return castInto(run, v === null || typeof v === 'string' ? v : String(v), TEXT, table, pos);
}

