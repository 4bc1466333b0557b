/**
 * Physical plan nodes: an immutable tree the executor instantiates into Operators and EXPLAIN
 * prints. Parameters stay symbolic (BExpr 'param'), so a plan is reusable across executions.
 * Rows of one query block use a fixed "wide" layout: every relation of the block owns the slots
 * [offset, offset + width); join operators merge the slots of both sides, so join order and
 * build/probe choice never change where a column lives.
 */
import type { IndexDef, TableDef } from '../catalog/index.js';
import type { SqlType } from '../record/index.js';
import type { BExpr } from './bound-expr.js';

/** How a Scan reaches its rows. Index/rowid bounds are evaluated at open time (params). */
export type Access =
  | { readonly kind: 'full' }
  | { readonly kind: 'rowidEq'; readonly values: readonly BExpr[] }
  | { readonly kind: 'rowidRange'; readonly lo: Bound | null; readonly hi: Bound | null }
  | { readonly kind: 'indexEq'; readonly index: IndexDef; readonly type: SqlType; readonly values: readonly BExpr[] }
  | { readonly kind: 'indexRange'; readonly index: IndexDef; readonly type: SqlType; readonly lo: Bound | null; readonly hi: Bound | null }
  /** Composite (hashed) index: one value per index column, equality only. */
  | { readonly kind: 'compositeEq'; readonly index: IndexDef; readonly types: readonly SqlType[]; readonly values: readonly BExpr[] }
  /**
   * Trigram index or full scan, decided at open time (ADR-0007): the executor evaluates the
   * pattern, asks the index for a plan and reads its candidates, or scans when the index is not
   * usable for that pattern (too short, too common, NULL, parameter of another type).
   */
  | TrigramAccess
  | OrderedAccess;

/**
 * A walk that yields rows in SQL order of one column, ascending or (`desc`, the B+Tree cursor
 * walking backward) descending (ORDER BY served without a full sort, order-by-index.ts):
 * `rowidOrder` walks the table tree (key ranges of negative and non-negative rowids visited in
 * SQL order), `indexOrder` a single-column btree index over all rows (no partial index),
 * placing the NULL rows (key 0, shared with 0 / '' / false / +0.0) first or last by a separate
 * pass over key 0. TEXT/BLOB/UUID keys are 8-byte prefixes: rows then come in prefix order
 * only, and an IncrementalSort above sorts each run of equal keys. FLOAT64 walks the negative
 * floats' keys in reverse. Bounds narrow the walk as in ranges.
 */
export type OrderedAccess =
  | { readonly kind: 'rowidOrder'; readonly desc: boolean; readonly lo: Bound | null; readonly hi: Bound | null }
  | {
      readonly kind: 'indexOrder';
      readonly desc: boolean;
      readonly index: IndexDef;
      readonly type: SqlType;
      /** Table column the index covers (its NULL rows are placed by a separate pass). */
      readonly column: number;
      readonly nullsFirst: boolean;
      readonly lo: Bound | null;
      readonly hi: Bound | null;
      /**
       * The query reads only the indexed column and the rowid: rows are built from the index
       * entries without reading the table (TEXT/BLOB entries carry the full value, format
       * §1.10; INT64 keys are the value, BOOL key 1 is true), except entries of key 0 (shared
       * by NULL with 0, false, '' and empty blobs), which are fetched.
       */
      readonly covering: boolean;
    };

/** `column [I]LIKE pattern [ESCAPE e]` served by a trigram index (see Access). */
export interface TrigramAccess {
  readonly kind: 'trigram';
  readonly index: IndexDef;
  /** Table column the index covers. */
  readonly column: number;
  readonly pattern: BExpr;
  /** null = the default escape (backslash). */
  readonly escape: BExpr | null;
  readonly caseInsensitive: boolean;
  /** Other conjuncts also filter the table's rows (relaxes the native short-pattern guardrail). */
  readonly hasOtherFilters: boolean;
}

export interface Bound {
  readonly value: BExpr;
  readonly inclusive: boolean;
}

export interface SortKey {
  readonly expr: BExpr;
  readonly desc: boolean;
  readonly nullsFirst: boolean;
}

/** Window functions: ranking, offsets, frame values, and the aggregates over a frame. */
export type WindowFn =
  | 'row_number' | 'rank' | 'dense_rank' | 'percent_rank' | 'cume_dist' | 'ntile'
  | 'lag' | 'lead' | 'first_value' | 'last_value' | 'nth_value'
  | 'count' | 'sum' | 'avg' | 'min' | 'max';

/** One end of a frame; `offset` (an INT64 constant or parameter) for n PRECEDING / FOLLOWING. */
export interface FrameEdge {
  readonly kind: 'unboundedPreceding' | 'preceding' | 'currentRow' | 'following' | 'unboundedFollowing';
  readonly offset: BExpr | null;
}

/** ROWS counts rows; RANGE moves by peer groups (rows equal on the ORDER BY keys). */
export interface WindowFrame {
  readonly mode: 'rows' | 'range';
  readonly start: FrameEdge;
  readonly end: FrameEdge;
}

export interface WindowCall {
  readonly fn: WindowFn;
  /** Bound arguments; COUNT(*) has none. */
  readonly args: readonly BExpr[];
  readonly frame: WindowFrame;
  readonly type: SqlType;
}

export interface AggCall {
  /** count, sum, avg, min, max (lowercase); `star` for count(*). */
  readonly name: string;
  readonly arg: BExpr | null;
  readonly distinct: boolean;
  readonly type: SqlType;
}

export type JoinKind = 'inner' | 'left' | 'full';

export type PlanNode =
  | {
      readonly kind: 'scan';
      readonly table: TableDef;
      readonly alias: string;
      readonly access: Access;
      /** Text of the index/rowid condition for EXPLAIN. */
      readonly accessText: string;
      /** Table column c lands in slot offset + c; only `columns` are decoded. */
      readonly offset: number;
      readonly width: number;
      readonly columns: readonly number[];
      /** Full pushed-down predicate, rechecked on every row (index keys are lossy). */
      readonly filter: BExpr | null;
    }
  | { readonly kind: 'values'; readonly rows: readonly (readonly BExpr[])[]; readonly width: number; readonly offset: number }
  | { readonly kind: 'subqueryScan'; readonly input: PlanNode; readonly alias: string; readonly offset: number; readonly width: number; readonly filter: BExpr | null }
  /** WITH RECURSIVE: `base`, then `step` over the rows of the previous round (its workTableScan) until a round adds none. */
  | { readonly kind: 'recursiveUnion'; readonly name: string; readonly base: PlanNode; readonly step: PlanNode; readonly workTable: number; readonly all: boolean; readonly types: readonly SqlType[] }
  /** The rows the previous round of recursiveUnion `workTable` produced. */
  | { readonly kind: 'workTableScan'; readonly name: string; readonly workTable: number }
  | { readonly kind: 'filter'; readonly input: PlanNode; readonly predicate: BExpr }
  | { readonly kind: 'project'; readonly input: PlanNode; readonly exprs: readonly BExpr[] }
  | { readonly kind: 'nestedLoopJoin'; readonly join: JoinKind; readonly left: PlanNode; readonly right: PlanNode; readonly cond: BExpr | null; readonly rightSlots: readonly number[] }
  /** `inner` is a Scan whose access values read the outer row. */
  | { readonly kind: 'indexNestedLoopJoin'; readonly join: 'inner' | 'left'; readonly outer: PlanNode; readonly inner: Extract<PlanNode, { kind: 'scan' }>; readonly cond: BExpr | null; readonly innerSlots: readonly number[] }
  /** `probe` rows are streamed; LEFT preserves probe rows, FULL both sides. */
  | {
      readonly kind: 'hashJoin';
      readonly join: JoinKind;
      readonly probe: PlanNode;
      readonly build: PlanNode;
      readonly probeKeys: readonly BExpr[];
      readonly buildKeys: readonly BExpr[];
      readonly keyTypes: readonly SqlType[];
      readonly cond: BExpr | null;
      readonly buildSlots: readonly number[];
      readonly probeSlots: readonly number[];
    }
  | { readonly kind: 'sort'; readonly input: PlanNode; readonly keys: readonly SortKey[] }
  /**
   * Input arrives ordered by the index key of slot `groupSlot` (a prefix of the sort order, see
   * OrderedAccess); each run of rows with an equal key is sorted by `keys` and emitted.
   */
  | { readonly kind: 'incrementalSort'; readonly input: PlanNode; readonly keys: readonly SortKey[]; readonly groupSlot: number; readonly groupType: SqlType }
  | { readonly kind: 'topN'; readonly input: PlanNode; readonly keys: readonly SortKey[]; readonly limit: BExpr; readonly offset: BExpr | null }
  | { readonly kind: 'aggregate'; readonly input: PlanNode; readonly groups: readonly BExpr[]; readonly aggs: readonly AggCall[] }
  | { readonly kind: 'distinct'; readonly input: PlanNode; readonly types: readonly SqlType[] }
  | { readonly kind: 'limit'; readonly input: PlanNode; readonly limit: BExpr | null; readonly offset: BExpr | null }
  | { readonly kind: 'setOp'; readonly op: 'union' | 'intersect' | 'except'; readonly all: boolean; readonly left: PlanNode; readonly right: PlanNode; readonly types: readonly SqlType[] }
  /** Appends ROW_NUMBER() per partition in `order` to each row (input order otherwise kept). */
  | {
      readonly kind: 'window';
      readonly input: PlanNode;
      readonly partition: readonly BExpr[];
      readonly order: readonly SortKey[];
      readonly partitionTypes: readonly SqlType[];
      /** Appended to each row in this order. */
      readonly calls: readonly WindowCall[];
    };

export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
}

/** A planned SELECT: immutable, parameterised, reusable. */
export interface PhysicalPlan {
  readonly root: PlanNode;
  readonly columns: readonly OutputColumn[];
  /** Highest `$n` referenced (0 when none) and each one's inferred type. */
  readonly paramTypes: readonly SqlType[];
  /** Join-order search states visited while planning (a counter for tests). */
  readonly planningStates: number;
}
