/**
 * The one-row lookup `SELECT cols | * FROM t [alias] WHERE pk = $n` (or `pk = <integer>`) on an
 * INTEGER PRIMARY KEY, read straight from the table tree by rowid instead of opening the
 * planner's operator tree: the statement is still planned (cached, so names, types and errors
 * are the planner's), only execution is skipped. Anything else — other shapes, qualified or
 * computed items, a parameter the query would convert or reject — returns undefined and takes
 * the general path (statement.ts). Does not handle writes (dml-targets.ts does for UPDATE/DELETE).
 */
import { BTree } from '../btree/index.js';
import { decodeRecord, overflowFor, rowidToKey, type SqlType, type Value } from '../record/index.js';
import type * as ast from '../sql/index.js';
import { operandRowid, rowidOperand } from './dml-targets.js';
import type { EngineContext } from './engine-context.js';
import { planFor } from './query.js';

/** The statement's shape, when it has the one this path serves (analysed once per AST). */
interface RowidSelect {
  readonly table: string;
  readonly where: ast.Expr;
  /** Per select item: a column name, or null for `*`. */
  readonly items: readonly (string | null)[];
}

const shapes = new WeakMap<ast.SelectStmt, RowidSelect | null>();

function shapeOf(s: ast.SelectStmt): RowidSelect | null {
  let shape = shapes.get(s);
  if (shape === undefined) {
    shape = analyse(s);
    shapes.set(s, shape);
  }
  return shape;
}

function analyse(s: ast.SelectStmt): RowidSelect | null {
  if (s.with.length > 0 || s.orderBy.length > 0 || s.limit !== null || s.offset !== null) return null;
  const b = s.body;
  if (b.kind !== 'selectCore' || b.distinct || b.groupBy.length > 0 || b.having !== null || b.where === null || b.from.length !== 1) return null;
  const from = b.from[0]!;
  if (from.kind !== 'table') return null;
  const items: (string | null)[] = [];
  for (const item of b.items) {
    if (item.kind === 'allColumns') {
      if (item.table !== null) return null;
      items.push(null);
    } else {
      const e = item.expr;
      if (e.kind !== 'column' || e.table !== null || e.name.quoted || e.name.name.toLowerCase() === 'ctid') return null;
      items.push(e.name.name);
    }
  }
  return { table: from.name.name, where: b.where, items };
}

/**
 * Runs `s` by rowid when it has the served shape and its key operand is an integer the query
 * would use as is; undefined otherwise. Rows: none or one, as the query returns them.
 */
export function selectByRowid(
  ctx: EngineContext,
  s: ast.SelectStmt,
  params: readonly Value[],
  sql: string | undefined,
): { columns: readonly { readonly name: string; readonly type: SqlType }[]; rows: Value[][] } | undefined {
  const shape = shapeOf(s);
  if (shape === null) return undefined;
  const session = ctx.session;
  const schema = session.schema;
  const table = schema.table(shape.table);
  if (table === undefined) return undefined;
  const operand = rowidOperand(table, shape.where);
  if (operand === null) return undefined;
  const rowid = operandRowid(params, operand);
  if (rowid === undefined) return undefined;
  const positions: number[] = [];
  for (const name of shape.items) {
    if (name === null) {
      for (let p = 0; p < table.types.length; p++) positions.push(p);
      continue;
    }
    const p = table.column(name);
    if (p < 0) return undefined;
    positions.push(p);
  }
  // Planned (and cached) as before: the binder's checks, names and types stay the planner's.
  const plan = planFor(s, schema, sql);
  if (plan.columns.length !== positions.length) return undefined;
  const write = session.writeTransaction;
  const read = write === null ? ctx.pager.beginRead() : null;
  try {
    const store = write ?? read!;
    const bytes = new BTree(store, table.def.rootPage).get(rowidToKey(rowid));
    if (bytes === undefined) return { columns: plan.columns, rows: [] };
    const record = decodeRecord(bytes, overflowFor(store));
    const row = new Array<Value>(positions.length);
    // Fields past the record's end read as NULL, as the scan decodes them.
    for (let i = 0; i < positions.length; i++) row[i] = record[positions[i]!] ?? null;
    return { columns: plan.columns, rows: [row] };
  } finally {
    read?.end();
  }
}
