/**
 * The one-row lookup `SELECT cols | * FROM t [alias] WHERE pk = $n` (or `pk = <integer>`) on an
 * INTEGER PRIMARY KEY, read straight from the table tree by rowid instead of opening the
 * planner's operator tree: the statement is still planned (cached, so names, types and errors
 * are the planner's), only execution is skipped. A RowidLookup holds what one statement needs
 * per schema (table, positions, result columns), so a prepared `get` does no analysis per call.
 * Anything else — other shapes, qualified or computed items, a parameter the query would convert
 * or reject — gets no lookup (or an undefined rowid) and takes the general path (statement.ts).
 * Does not handle writes (dml-targets.ts does for UPDATE/DELETE).
 */
import { BTree, readOverflowChain } from '../btree/index.js';
import type { PageStore } from '../pager/index.js';
import { decodeFields, decodeRecord, rowidToKey, type OverflowReader, type SqlType, type Value } from '../record/index.js';
import type * as ast from '../sql/index.js';
import { operandRowid, rowidOperand } from './dml-targets.js';
import type { EngineContext } from './engine-context.js';
import { planFor } from './query.js';
import type { Schema, TableInfo } from './schema.js';

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

export type ResultColumns = readonly { readonly name: string; readonly type: SqlType }[];

/**
 * A served statement prepared against one schema (valid while `session.schema` is `schema` and
 * its structure token unchanged; `validFor`). The root page is still read from the table at each
 * call: one property load, and right whatever moved it.
 */
export class RowidLookup {
  /** The result columns' names, in order (object rows use them as keys). */
  readonly names: readonly string[];
  /** Positions never decrease: `read` decodes only those fields, in one pass. */
  private readonly inOrder: boolean;
  /** Reused by `read`: the result row (valid until this lookup's next read). */
  private readonly row: (Value | undefined)[] = [];
  /** Reused by `read` when positions are out of order: the whole decoded record. */
  private readonly record: Value[] = [];
  /** Overflow chains of the record being read come from `overflow.store`, set per read. */
  private readonly overflow = new StoreOverflowReader();
  /** The table tree of the last read, reused while its store and root stay the same. */
  private tree: BTree | null = null;

  constructor(
    readonly schema: Schema,
    readonly structure: object,
    readonly table: TableInfo,
    readonly operand: ast.Param | ast.IntegerLiteral,
    /** Per result column, its field position in the table record. */
    readonly positions: readonly number[],
    readonly columns: ResultColumns,
  ) {
    this.names = columns.map((c) => c.name);
    this.inOrder = positions.every((p, i) => i === 0 || p >= positions[i - 1]!);
  }

  validFor(schema: Schema): boolean {
    return schema === this.schema && schema.structure === this.structure;
  }

  /**
   * The rowid this execution selects, from the JS parameters as given (only a number that is a
   * safe integer, or an integer literal); undefined when the general path must bind it.
   */
  rowidOf(params: readonly unknown[]): number | undefined {
    const op = this.operand;
    const v = op.kind === 'integer' ? op.value : params[op.index - 1];
    return typeof v === 'number' && Number.isSafeInteger(v) ? v + 0 : undefined; // + 0: no -0 key
  }

  /**
   * The result row of `rowid` (one entry per result column; undefined for a field past the
   * record's end, which reads as NULL), or null when there is no such row; read from the open
   * write transaction or the last commit. The array is reused by the next call.
   */
  read(ctx: EngineContext, rowid: number | bigint): (Value | undefined)[] | null {
    // Outside a transaction: a momentary snapshot, as nothing can commit during this call and
    // neither the tree nor the record outlives it (decoded Values never share page bytes).
    const store: PageStore = ctx.session.writeTransaction ?? ctx.pager.momentaryRead();
    const root = this.table.def.rootPage;
    let tree = this.tree;
    if (tree === null || tree.store !== store || tree.root !== root) tree = this.tree = new BTree(store, root);
    const bytes = tree.get(rowidToKey(rowid));
    if (bytes === undefined) return null;
    this.overflow.store = store;
    const positions = this.positions;
    let row: (Value | undefined)[];
    if (this.inOrder) row = decodeFields(bytes, positions, this.overflow, this.row);
    else {
      const record = decodeRecord(bytes, this.overflow, this.record);
      row = this.row;
      row.length = positions.length;
      for (let i = 0; i < positions.length; i++) row[i] = record[positions[i]!];
    }
    // Nothing read here outlives the call: pages evicted by it may be reused (pager.quiesce).
    ctx.pager.quiesce();
    return row;
  }
}

/** An OverflowReader over whichever store a lookup is reading (one per lookup, not per call). */
class StoreOverflowReader implements OverflowReader {
  store: PageStore | null = null;

  read(head: number, totalLen: number): Uint8Array {
    return readOverflowChain(this.store!, head, totalLen);
  }
}

/**
 * The RowidLookup of `s` against the session's current schema when `s` has the served shape
 * (planned, so the binder's checks and errors come first); null otherwise. `known` is the
 * caller's earlier answer, returned as is while still valid.
 */
export function rowidLookup(ctx: EngineContext, s: ast.SelectStmt, sql: string | undefined, known: RowidLookup | null = null): RowidLookup | null {
  const schema = ctx.session.schema;
  if (known !== null && known.validFor(schema)) return known;
  const shape = shapeOf(s);
  if (shape === null) return null;
  const table = schema.table(shape.table);
  if (table === undefined) return null;
  const operand = rowidOperand(table, shape.where);
  if (operand === null) return null;
  const positions: number[] = [];
  for (const name of shape.items) {
    if (name === null) {
      for (let p = 0; p < table.types.length; p++) positions.push(p);
      continue;
    }
    const p = table.column(name);
    if (p < 0) return null;
    positions.push(p);
  }
  // Planned (and cached) as before: the binder's checks, names and types stay the planner's.
  const plan = planFor(s, schema, sql);
  if (plan.columns.length !== positions.length) return null;
  return new RowidLookup(schema, schema.structure, table, operand, positions, plan.columns);
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
): { columns: ResultColumns; rows: Value[][] } | undefined {
  const lookup = rowidLookup(ctx, s, sql);
  if (lookup === null) return undefined;
  const rowid = operandRowid(params, lookup.operand);
  if (rowid === undefined) return undefined;
  const found = lookup.read(ctx, rowid);
  if (found === null) return { columns: lookup.columns, rows: [] };
  const row = new Array<Value>(found.length);
  // Fields past the record's end read as NULL, as the scan decodes them.
  for (let i = 0; i < found.length; i++) row[i] = found[i] ?? null;
  return { columns: lookup.columns, rows: [row] };
}
