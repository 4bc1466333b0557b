// Layer 8, planner: Binder (names, types, GROUP BY rule), access-path selection over native
// index keys, join ordering (DP/greedy), the PhysicalPlan tree and EXPLAIN text. No execution:
// the executor (exec) instantiates plans. The engine implements `Schema`.
export type { Schema, SchemaView } from './schema.js';
export { rowidColumn } from './schema.js';
export type { BExpr, BSubquery, CompareOp, ArithOp } from './bound-expr.js';
export { collectSlots, conjuncts, andAll, isRowIndependent, forEachChild } from './bound-expr.js';
export type { Access, TrigramAccess, OrderedAccess, Bound, SortKey, AggCall, JoinKind, PlanNode, OutputColumn, PhysicalPlan, WindowCall, WindowFn, WindowFrame, FrameEdge } from './plan.js';
export { planSelect } from './plan-select.js';
export type { PlanOptions } from './plan-select.js';
export { explain } from './explain.js';
export type { ExplainOptions } from './explain.js';
export { formatExpr } from './expr-format.js';
export { DP_MAX_RELATIONS } from './planner.js';
export { keyRangesForInterval, keyRangesForValues, mergeKeyRanges, orderedKeyRanges, orderedWalk } from './key-ranges.js';
export type { KeyRange } from './key-ranges.js';
export { bindRowExpr, isUntyped } from './bind-row-expr.js';
export type { RowRelation, BoundRowExpr } from './bind-row-expr.js';
