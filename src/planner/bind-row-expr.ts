/**
 * Binds one expression against the columns of stored rows — CHECK constraints, DEFAULT and
 * GENERATED expressions, UPDATE/ON CONFLICT SET values and RETURNING items — outside any
 * SELECT. Relations are laid out one after another in the row (slot = offset + column).
 */
import type { Expr, SelectStmt } from '../sql/index.js';
import type { SqlType } from '../record/index.js';
import { bindQuery } from './binder.js';
import { UNKNOWN, bindExpr, type ExprEnv } from './binder-expr.js';
import type { BExpr } from './bound-expr.js';
import { BindContext, Scope, type BlockRefs, type RelColumn } from './scope.js';
import type { Schema } from './schema.js';

export interface RowRelation {
  readonly alias: string;
  readonly columns: readonly RelColumn[];
}

export interface BoundRowExpr {
  readonly expr: BExpr;
  /** Inferred types of `$n` (undefined where the expression gave no hint). */
  readonly paramTypes: readonly (SqlType | undefined)[];
}

/** Binds `expr` over rows made of `relations` (no aggregates or windows allowed). */
export function bindRowExpr(expr: Expr, schema: Schema, relations: readonly RowRelation[], clause: string, sql: string | null = null): BoundRowExpr {
  const ctx = new BindContext(schema, sql);
  const scope = new Scope(null, 0);
  for (const r of relations) scope.addRel(r.alias.toLowerCase(), r.columns, null, ctx);
  const env: ExprEnv = {
    scope,
    ctx,
    agg: null,
    window: null,
    clause,
    subquery: (stmt: SelectStmt, s: Scope) => {
      const refs: BlockRefs = { outer: new Map() };
      const q = bindQuery(stmt, ctx, s, s.level + 1, refs);
      return { plan: { root: q.root, columns: q.columns, paramTypes: [], planningStates: 0 }, refs };
    },
  };
  const bound = bindExpr(expr, env);
  return { expr: bound, paramTypes: ctx.paramTypes.slice() };
}

/** True when the binder could not type the expression (a bare NULL, `$n` or string literal). */
export const isUntyped = (e: BExpr): boolean => e.type === UNKNOWN;
