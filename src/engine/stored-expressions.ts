/**
 * Validation of the expressions a table stores as text — CHECK, DEFAULT and GENERATED — when
 * CREATE TABLE or ALTER TABLE introduces them, as Postgres does: names must resolve, CHECK must
 * be boolean, DEFAULT/GENERATED must be assignable to the column, and none may use
 * parameters or subqueries. Errors point into the statement's own text. Evaluation is
 * row-expressions.ts's job.
 */
import { DecentDBError } from '../util/index.js';
import type { SqlType } from '../record/index.js';
import type * as ast from '../sql/index.js';
import { bindRowExpr, isUntyped, type RowRelation } from '../planner/index.js';
import { castKind, castValue, pgTypeName } from '../types/index.js';
import { plannerSchema } from './query.js';
import type { Schema } from './schema.js';

export interface StoredExpression {
  readonly kind: 'CHECK' | 'DEFAULT' | 'GENERATED';
  readonly expr: ast.Expr;
  /** The column a DEFAULT or GENERATED expression fills (and its type). */
  readonly column?: { readonly name: string; readonly type: SqlType };
}

const FORBIDDEN: Record<string, string> = { param: 'parameters', subquery: 'subqueries', exists: 'subqueries', inSubquery: 'subqueries' };

/** Throws ERR_SQL when an expression of a table with `columns` would be refused by Postgres. */
export function validateStoredExpressions(
  schema: Schema,
  table: string,
  columns: readonly { readonly name: string; readonly type: SqlType }[],
  exprs: readonly StoredExpression[],
  sql: string | null,
): void {
  const relations: RowRelation[] = [{ alias: table, columns: columns.map((c) => ({ name: c.name, type: c.type })) }];
  for (const e of exprs) {
    const forbidden = findForbidden(e.expr);
    if (forbidden !== undefined) throw new DecentDBError('ERR_SQL', `cannot use ${forbidden} in ${e.kind === 'CHECK' ? 'check constraint' : e.kind === 'DEFAULT' ? 'DEFAULT expression' : 'generated column'}`, { table });
    const bound = bindRowExpr(e.expr, plannerSchema(schema), e.kind === 'DEFAULT' ? [] : relations, e.kind, sql).expr;
    const untyped = isUntyped(bound);
    if (e.kind === 'CHECK') {
      if (bound.type.base !== 'BOOL' && !untyped) {
        throw new DecentDBError('ERR_SQL', `argument of CHECK must be type boolean, not type ${pgTypeName(bound.type)}`, { table });
      }
      continue;
    }
    const to = e.column!.type;
    if (bound.kind === 'const' && untyped && typeof bound.value === 'string') {
      castValue(bound.value, { base: 'TEXT' }, to); // throws ERR_SQL: invalid input syntax for type …
      continue;
    }
    const kind = untyped ? 'identity' : castKind(bound.type, to);
    if (kind === null || kind === 'explicit') {
      throw new DecentDBError('ERR_SQL', `column "${e.column!.name}" is of type ${pgTypeName(to)} but ${e.kind === 'DEFAULT' ? 'default' : 'generation'} expression is of type ${pgTypeName(bound.type)}`, { table, column: e.column!.name });
    }
  }
}

function findForbidden(node: unknown): string | undefined {
  if (Array.isArray(node)) {
    for (const n of node) {
      const f = findForbidden(n);
      if (f !== undefined) return f;
    }
    return undefined;
  }
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return undefined;
  const kind = (node as { kind?: unknown }).kind;
  if (typeof kind === 'string' && FORBIDDEN[kind] !== undefined) return FORBIDDEN[kind];
  for (const v of Object.values(node)) {
    const f = findForbidden(v);
    if (f !== undefined) return f;
  }
  return undefined;
}
