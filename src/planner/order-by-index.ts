/**
 * ORDER BY served by key order instead of a sort (issue 4): a single-table block whose leading
 * ORDER BY key is a plain column walks the rowid or a single-column btree index in SQL order,
 * ascending (cursor forward) or descending (cursor backward: B+Tree seekLast/prev), with
 * OrderedAccess in plan.ts. Only where the native key order is provably SQL order per key range
 * (spec/native-format.md §1.9–1.10):
 *   rowid (INT64 PK): exact, never NULL, negative/non-negative key ranges in SQL order → no sort;
 *   INT64, BOOL: exact per key; NULLs share key 0 and are placed by a separate pass;
 *   FLOAT64: raw IEEE bits: non-negatives ascend with the key, negatives descend (walked the
 *     other way), NaNs last; -0.0/+0.0 are one IncrementalSort run; NULLs as INT64;
 *   TEXT/BLOB/UUID: 8-byte big-endian prefix of the UTF-8/raw bytes, monotone but lossy (our
 *     TEXT order is UTF-8 byte order = COLLATE "C") → rows come grouped by prefix, and an
 *     IncrementalSort sorts each group;
 *   DECIMAL/TIMESTAMP (key 0), composite (hash), expression and partial indexes: never; the
 *     Sort/TopN stays.
 */
import type { IndexDef, TableDef } from '../catalog/index.js';
import { UNKNOWN_TABLE_ROWS } from './access-path.js';
import type { SqlType } from '../record/index.js';
import { conjuncts } from './bound-expr.js';
import type { BExpr } from './bound-expr.js';
import type { OrderedAccess, PlanNode, SortKey } from './plan.js';
import type { Schema } from './schema.js';
import { rowidColumn } from './schema.js';

type ScanNode = Extract<PlanNode, { kind: 'scan' }>;

/** Index key types whose key order is SQL order (exactly, or by prefix). */
const ORDERED_KEYS = new Set(['INT64', 'BOOL', 'FLOAT64', 'TEXT', 'BLOB', 'UUID']);
/**
 * Key types where equal SQL values come out adjacent (no IncrementalSort for a single key):
 * one key per value, or for FLOAT64 -0.0/+0.0 and the NaNs, adjacent by walk order.
 */
const EXACT_KEYS = new Set(['INT64', 'BOOL', 'FLOAT64']);
/**
 * Key types whose non-zero keys give the value without reading the table row: TEXT/BLOB
 * entries carry the full value, INT64 and FLOAT64 keys are the value's bits, BOOL key 1 is true.
 */
const COVERING_KEYS = new Set(['TEXT', 'BLOB', 'INT64', 'FLOAT64', 'BOOL']);
/**
 * A non-covering walk fetches each row by rowid; measured on 100k music tracks, fetching
 * LIMIT + OFFSET rows costs about what a scan + TopN of the whole table does at half the table,
 * so it is used only while the rows it expects to walk stay under rows / FETCH_COST.
 */
const FETCH_COST = 3;

/** How much of the result the block reads: LIMIT + OFFSET when both are literals. */
export interface RowsWanted {
  readonly limited: boolean;
  /** LIMIT + OFFSET, or undefined when a parameter decides (assumed small). */
  readonly count: number | undefined;
}

export interface IndexOrder {
  /** The scan, its access replaced by an OrderedAccess. */
  readonly scan: ScanNode;
  /** True when rows still need an IncrementalSort over runs of equal keys. */
  readonly groups: boolean;
}

function orderIndex(table: TableDef, column: number, schema: Schema): IndexDef | undefined {
  const name = table.columns[column]!.name.toLowerCase();
  let best: IndexDef | undefined;
  for (const ix of schema.indexesOf(table.name)) {
    if (ix.kind !== 'btree' || ix.expressionSql !== undefined || ix.predicateSql !== '' || ix.columns.length !== 1) continue;
    if (ix.columns[0]!.toLowerCase() !== name) continue;
    if (best === undefined || (ix.unique && !best.unique)) best = ix;
  }
  return best;
}

/**
 * The scan rewritten to yield rows in the order of `keys` (given the projection `outExprs` the
 * keys' slots point into), or null when its access or the key types do not allow it. The
 * current access is replaced only when it reads the whole table or a range of the same key:
 * an equality or another index's range is assumed more selective than an ordered walk.
 */
export function indexOrderFor(scan: ScanNode, keys: readonly SortKey[], outExprs: readonly BExpr[], schema: Schema, wanted: RowsWanted): IndexOrder | null {
  const first = keys[0];
  if (first === undefined || first.expr.kind !== 'col') return null;
  const e = outExprs[first.expr.slot];
  if (e === undefined || e.kind !== 'col') return null;
  const table = scan.table;
  const column = e.slot - scan.offset;
  if (column < 0 || column >= table.columns.length) return null;
  const type: SqlType = table.columns[column]!.type;
  if (e.type.base !== type.base || !ORDERED_KEYS.has(type.base)) return null;
  const a = scan.access;
  let access: OrderedAccess;
  let exact: boolean;
  if (column === rowidColumn(table)) {
    if (a.kind !== 'full' && a.kind !== 'rowidRange') return null;
    access = { kind: 'rowidOrder', desc: first.desc, lo: a.kind === 'rowidRange' ? a.lo : null, hi: a.kind === 'rowidRange' ? a.hi : null };
    exact = true;
  } else {
    const ix = orderIndex(table, column, schema);
    if (ix === undefined) return null;
    const sameRange = a.kind === 'indexRange' && a.index.name === ix.name;
    if (a.kind !== 'full' && !sameRange) return null;
    const rid = rowidColumn(table);
    const n = table.columns.length;
    const covering = COVERING_KEYS.has(type.base) && scan.columns.every((c) => c === column || c === rid || c === n);
    if (!sameRange && !covering) {
      // A walk over the whole table fetching every row loses to a scan + sort without LIMIT.
      if (!wanted.limited) return null;
      // Each other filter conjunct is assumed to pass half the rows (as filteredRows does).
      const rows = schema.rowCount(table.name) ?? UNKNOWN_TABLE_ROWS;
      const walked = wanted.count === undefined ? 0 : wanted.count * Math.pow(2, conjuncts(scan.filter).length);
      if (walked * FETCH_COST > rows) return null;
    }
    access = {
      kind: 'indexOrder',
      desc: first.desc,
      index: ix,
      type,
      column,
      nullsFirst: first.nullsFirst,
      lo: sameRange ? a.lo : null,
      hi: sameRange ? a.hi : null,
      covering,
    };
    exact = EXACT_KEYS.has(type.base);
  }
  // Rowids are unique and never NULL: later keys never break a tie.
  const groups = access.kind === 'rowidOrder' ? false : !exact || keys.length > 1;
  const columns = scan.columns.includes(column) ? scan.columns : [...scan.columns, column].sort((x, y) => x - y);
  return { scan: { ...scan, access, columns }, groups };
}

/** Replaces the Scan under a block's Project (the only shape served), or null. */
export function orderedBlock(root: PlanNode, keys: readonly SortKey[], schema: Schema, wanted: RowsWanted): { root: PlanNode; groups: boolean } | null {
  if (root.kind !== 'project' || root.input.kind !== 'scan') return null;
  const o = indexOrderFor(root.input, keys, root.exprs, schema, wanted);
  if (o === null) return null;
  return { root: { ...root, input: o.scan }, groups: o.groups };
}
