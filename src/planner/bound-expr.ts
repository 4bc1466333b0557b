/**
 * Bound expressions: names resolved to row slots, every node typed. The executor compiles
 * them once into closures; EXPLAIN prints them. Immutable; parameters stay symbolic so one plan
 * serves every execution. Slots index the row the expression is evaluated against (a block's
 * wide join row, or an aggregate/projection output row).
 */
import type { SqlType, Value } from '../record/index.js';
import type { PlanNode } from './plan.js';

export type CompareOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type ArithOp = '+' | '-' | '*' | '/' | '%';

export type BExpr =
  | { readonly kind: 'const'; readonly value: Value; readonly type: SqlType }
  | { readonly kind: 'param'; readonly index: number; readonly type: SqlType }
  /** A slot of the current row; `name` is for EXPLAIN. */
  | { readonly kind: 'col'; readonly slot: number; readonly type: SqlType; readonly name: string }
  /** A slot of an enclosing query's current row (correlation); `level` is that query's depth. */
  | { readonly kind: 'outer'; readonly level: number; readonly slot: number; readonly type: SqlType; readonly name: string }
  | { readonly kind: 'neg'; readonly operand: BExpr; readonly type: SqlType }
  | { readonly kind: 'not'; readonly operand: BExpr; readonly type: SqlType }
  | { readonly kind: 'arith'; readonly op: ArithOp; readonly left: BExpr; readonly right: BExpr; readonly type: SqlType }
  | { readonly kind: 'concat'; readonly left: BExpr; readonly right: BExpr; readonly type: SqlType }
  /** Both operands already promoted to `cmpType` (see `promote` nodes). */
  | { readonly kind: 'compare'; readonly op: CompareOp; readonly left: BExpr; readonly right: BExpr; readonly cmpType: SqlType; readonly type: SqlType }
  | { readonly kind: 'and' | 'or'; readonly args: readonly BExpr[]; readonly type: SqlType }
  | { readonly kind: 'isNull'; readonly operand: BExpr; readonly not: boolean; readonly type: SqlType }
  | { readonly kind: 'isTruth'; readonly operand: BExpr; readonly value: boolean | null; readonly not: boolean; readonly type: SqlType }
  | { readonly kind: 'isDistinct'; readonly left: BExpr; readonly right: BExpr; readonly not: boolean; readonly cmpType: SqlType; readonly type: SqlType }
  | { readonly kind: 'inList'; readonly operand: BExpr; readonly list: readonly BExpr[]; readonly not: boolean; readonly cmpType: SqlType; readonly type: SqlType }
  | { readonly kind: 'like'; readonly operand: BExpr; readonly pattern: BExpr; readonly escape: BExpr | null; readonly not: boolean; readonly caseInsensitive: boolean; readonly type: SqlType }
  /** Implicit numeric promotion (INT64 → DECIMAL/FLOAT64, DECIMAL → FLOAT64). */
  | { readonly kind: 'promote'; readonly operand: BExpr; readonly type: SqlType }
  | { readonly kind: 'cast'; readonly operand: BExpr; readonly type: SqlType }
  | { readonly kind: 'case'; readonly whens: readonly { readonly when: BExpr; readonly then: BExpr }[]; readonly else: BExpr | null; readonly type: SqlType }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly BExpr[]; readonly type: SqlType }
  | BSubquery;

/**
 * A subquery used as a value. `plan` yields rows of one column (scalar, in) or any (exists).
 * `correlated` subqueries are re-run per outer row; others run once per execution.
 */
export interface BSubquery {
  readonly kind: 'subquery';
  readonly mode: 'scalar' | 'exists' | 'in';
  readonly plan: PlanNode;
  /** Depth of the subquery's own block (its rows go to env.outer[level] for deeper queries). */
  readonly level: number;
  readonly correlated: boolean;
  /** Slots of the enclosing block's row the subquery reads (for pushdown decisions). */
  readonly refs: readonly number[];
  /** True when it also reads blocks further out than the enclosing one (no result cache). */
  readonly deepCorrelated: boolean;
  /**
   * Set when the enclosing block aggregates: the enclosing row is then a group row, and the
   * subquery (bound against the wide row) sees a wide row rebuilt as wide[w] = row[r] per pair.
   */
  readonly regroup?: { readonly width: number; readonly pairs: readonly (readonly [number, number])[] };
  /** For 'in': the tested value (already promoted to cmpType) and NOT. */
  readonly operand: BExpr | null;
  readonly not: boolean;
  readonly cmpType: SqlType;
  readonly type: SqlType;
}

export const BOOL: SqlType = { base: 'BOOL' };
export const INT64: SqlType = { base: 'INT64' };
export const TEXT: SqlType = { base: 'TEXT' };
export const FLOAT64: SqlType = { base: 'FLOAT64' };

/** Calls `f` on each direct child expression (not into subquery plans). */
export function forEachChild(e: BExpr, f: (c: BExpr) => void): void {
  switch (e.kind) {
    case 'const':
    case 'param':
    case 'col':
    case 'outer':
      return;
    case 'neg':
    case 'not':
    case 'promote':
    case 'cast':
    case 'isNull':
    case 'isTruth':
      f(e.operand);
      return;
    case 'arith':
    case 'concat':
    case 'compare':
    case 'isDistinct':
      f(e.left);
      f(e.right);
      return;
    case 'and':
    case 'or':
    case 'call':
      for (const a of e.args) f(a);
      return;
    case 'inList':
      f(e.operand);
      for (const a of e.list) f(a);
      return;
    case 'like':
      f(e.operand);
      f(e.pattern);
      if (e.escape) f(e.escape);
      return;
    case 'case':
      for (const w of e.whens) {
        f(w.when);
        f(w.then);
      }
      if (e.else) f(e.else);
      return;
    case 'subquery':
      if (e.operand) f(e.operand);
      return;
  }
}

/** Slots of the current row that `e` reads (not counting outer references). */
export function collectSlots(e: BExpr, out: Set<number>): Set<number> {
  if (e.kind === 'col') out.add(e.slot);
  else if (e.kind === 'subquery') for (const r of e.refs) out.add(r);
  if (e.kind !== 'col') forEachChild(e, (c) => collectSlots(c, out));
  return out;
}

/** Whether `e` reads no slot of the current row (constants, params, outer refs, subqueries). */
export function isRowIndependent(e: BExpr): boolean {
  if (e.kind === 'col') return false;
  if (e.kind === 'subquery' && e.correlated) return false;
  let ok = true;
  forEachChild(e, (c) => {
    if (ok && !isRowIndependent(c)) ok = false;
  });
  return ok;
}

/** A copy of `e` with each direct child replaced by `f(child)` (subquery plans kept). */
export function mapChildren(e: BExpr, f: (c: BExpr) => BExpr): BExpr {
  switch (e.kind) {
    case 'col':
    case 'const':
    case 'param':
    case 'outer':
      return e;
    case 'neg':
    case 'not':
    case 'promote':
    case 'cast':
    case 'isNull':
    case 'isTruth':
      return { ...e, operand: f(e.operand) };
    case 'arith':
    case 'concat':
    case 'compare':
    case 'isDistinct':
      return { ...e, left: f(e.left), right: f(e.right) };
    case 'and':
    case 'or':
    case 'call':
      return { ...e, args: e.args.map(f) };
    case 'inList':
      return { ...e, operand: f(e.operand), list: e.list.map(f) };
    case 'like':
      return { ...e, operand: f(e.operand), pattern: f(e.pattern), escape: e.escape ? f(e.escape) : null };
    case 'case':
      return { ...e, whens: e.whens.map((w) => ({ when: f(w.when), then: f(w.then) })), else: e.else ? f(e.else) : null };
    case 'subquery':
      return { ...e, operand: e.operand ? f(e.operand) : null };
  }
}

/** Rewrites every column reference through `map`. */
export function mapColumns(e: BExpr, map: (c: Extract<BExpr, { kind: 'col' }>) => BExpr): BExpr {
  return e.kind === 'col' ? map(e) : mapChildren(e, (c) => mapColumns(c, map));
}

/** Splits nested ANDs into a conjunct list. */
export function conjuncts(e: BExpr | null, out: BExpr[] = []): BExpr[] {
  if (e === null) return out;
  if (e.kind === 'and') for (const a of e.args) conjuncts(a, out);
  else out.push(e);
  return out;
}

/** AND of a list (null when empty). */
export function andAll(list: readonly BExpr[]): BExpr | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  return { kind: 'and', args: list, type: BOOL };
}
