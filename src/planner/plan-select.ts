/**
 * The planner's entry: a SELECT AST (or EXPLAIN's inner SELECT) → an immutable PhysicalPlan.
 * The engine keeps the plan cache (keyed by SQL text, invalidated by the schema cookie); plans
 * hold parameters symbolically so one plan serves every execution.
 */
import type { SelectStmt } from '../sql/index.js';
import type { SqlType } from '../record/index.js';
import { bindQuery } from './binder.js';
import type { PhysicalPlan } from './plan.js';
import { BindContext } from './scope.js';
import type { Schema } from './schema.js';

export interface PlanOptions {
  /** The statement's SQL text, for error positions (line, column). */
  readonly sql?: string;
  /** Types of `$n` fixed by the caller (e.g. from bound JS values); others are inferred. */
  readonly paramTypes?: readonly (SqlType | undefined)[];
}

/**
 * Binds and plans a SELECT.
 * @example const plan = planSelect(parse('SELECT name FROM users WHERE id = $1') as SelectStmt, schema);
 */
export function planSelect(stmt: SelectStmt, schema: Schema, options: PlanOptions = {}): PhysicalPlan {
  const ctx = new BindContext(schema, options.sql ?? null);
  if (options.paramTypes) options.paramTypes.forEach((t, i) => (ctx.paramTypes[i] = t));
  const q = bindQuery(stmt, ctx, null, 0, { outer: new Map() });
  const paramTypes: SqlType[] = [];
  for (let i = 0; i < ctx.paramTypes.length; i++) paramTypes.push(ctx.paramTypes[i] ?? { base: 'TEXT' });
  return { root: q.root, columns: q.columns, paramTypes, planningStates: ctx.planningStates };
}
