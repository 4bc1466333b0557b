// Layer 9, exec: value semantics (semantics.ts), compiled expressions, pull-based Operators
// (Scan/IndexSeek/TrigramScan, joins, Sort/TopN with external spill, HashAggregate, set operations) and
// `execute(plan, ctx)`. Plans come from the planner; the engine supplies the ExecContext.
export * from '../types/index.js';
export * from './external-sort.js';
export type { ExecContext, ExecCounters } from './exec-context.js';
export { newCounters } from './exec-context.js';
export { execute, executeReusing, buildOperator, newEnv } from './execute.js';
export type { RowIterator } from './execute.js';
export type { Operator } from './operator.js';
export { compileExpr, compilePredicate, coerceParam } from './compile-expr.js';
export type { Env, Compiled } from './compile-expr.js';
export { rowCodec } from './row-codec.js';
export { explainTrigram } from './trigram-access.js';
