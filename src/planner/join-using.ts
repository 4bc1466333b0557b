/**
 * JOIN … USING (cols) as Postgres defines it: each USING column becomes one merged output
 * column, the left one for INNER/LEFT, the right one for RIGHT, COALESCE(left, right) for FULL
 * (all in the pair's common type); an unqualified name resolves to the outermost merged column
 * (scope.using), qualified names still reach each side's own column, a later USING on the same
 * name joins against the merged column, and `*` lists merged columns first, then the left's
 * other columns, then the right's. A NATURAL join is USING the names both sides' `*` lists
 * share, in the left's order; with none it joins every pair (a cross join of its type).
 */
import type { Ident, JoinRef } from '../sql/index.js';
import type { SqlType } from '../record/index.js';
import { commonType, pgTypeName } from '../types/index.js';
import { DecentDBError } from '../util/index.js';
import { BOOL } from './bound-expr.js';
import type { BExpr } from './bound-expr.js';
import { coerce } from './binder-expr.js';
import type { ExprEnv } from './binder-expr.js';
import type { FromTree } from './planner.js';
import type { BindContext, Scope, UsingColumn } from './scope.js';

/** Merged USING columns a FROM subtree exposes by (lowercase) name, the outermost winning. */
function visibleUsing(t: FromTree, out: Map<string, UsingColumn> = new Map()): Map<string, UsingColumn> {
  if (t.kind === 'leaf') return out;
  visibleUsing(t.right, out);
  visibleUsing(t.left, out);
  for (const u of t.using ?? []) out.set(u.key, u);
  return out;
}

/** The column `name` of one join side: its merged USING column, else its only plain column. */
function sideColumn(t: FromTree, scope: Scope, from: number, to: number, name: string, side: 'left' | 'right', ctx: BindContext, node: object): { expr: BExpr; name: string } {
  const merged = visibleUsing(t).get(name);
  if (merged !== undefined) return { expr: merged.expr, name: merged.name };
  let hit: { expr: BExpr; name: string } | null = null;
  for (let i = from; i < to; i++) {
    const rel = scope.rels[i]!;
    const c = rel.columns.findIndex((col) => col.name.toLowerCase() === name && !rel.system.has(col.name));
    if (c < 0) continue;
    if (hit !== null) throw ctx.error(`common column name "${name}" appears more than once in ${side} table`, node);
    const col = rel.columns[c]!;
    hit = { expr: { kind: 'col', slot: rel.offset + c, type: col.type, name: scope.display(rel, col.name) }, name: col.name };
  }
  if (hit === null) throw ctx.error(`column "${name}" specified in USING clause does not exist in ${side} table`, node);
  return hit;
}

/**
 * Binds the USING list of `item` (sides already bound: the left's relations are
 * scope.rels[first, leftEnd), the right's follow): the join condition and the merged columns, which it also makes the
 * unqualified meaning of their names in `scope`.
 */
export function bindUsing(item: JoinRef, left: FromTree, right: FromTree, [first, leftEnd]: readonly [number, number], scope: Scope, env: ExprEnv, ctx: BindContext): { on: BExpr; using: UsingColumn[] } {
  const parts: BExpr[] = [];
  const using: UsingColumn[] = [];
  for (const u of item.using ?? []) {
    const key = u.name.toLowerCase();
    if (using.some((x) => x.key === key)) throw ctx.error(`column name "${u.name}" appears more than once in USING clause`, u);
    const l = sideColumn(left, scope, first, leftEnd, key, 'left', ctx, u);
    const r = sideColumn(right, scope, leftEnd, scope.rels.length, key, 'right', ctx, u);
    let t: SqlType;
    try {
      t = commonType(l.expr.type, r.expr.type);
    } catch (err) {
      if (err instanceof DecentDBError) throw ctx.error(`JOIN/USING types ${pgTypeName(l.expr.type)} and ${pgTypeName(r.expr.type)} cannot be matched`, u);
      throw err;
    }
    const lc = coerce(l.expr, t, env, u);
    const rc = coerce(r.expr, t, env, u);
    parts.push({ kind: 'compare', op: '=', left: lc, right: rc, cmpType: t, type: BOOL });
    const expr: BExpr = item.type === 'full' ? { kind: 'call', name: 'coalesce', args: [lc, rc], type: t } : item.type === 'right' ? rc : lc;
    const col: UsingColumn = { key, name: l.name, expr, type: t, rels: [first, scope.rels.length] };
    using.push(col);
    const list = scope.using.get(key);
    if (list === undefined) scope.using.set(key, [col]);
    else list.push(col);
  }
  return { on: parts.length === 1 ? parts[0]! : { kind: 'and', args: parts, type: BOOL }, using };
}

/** A NATURAL join as the USING join it means (`using: null` when the sides share no name). */
export function naturalUsing(item: JoinRef, left: FromTree, right: FromTree, scope: Scope): JoinRef {
  const rightNames = new Set(starColumns(right, scope).map((c) => c.name.toLowerCase()));
  const names: Ident[] = [];
  const seen = new Set<string>();
  for (const c of starColumns(left, scope)) {
    const key = c.name.toLowerCase();
    if (!rightNames.has(key) || seen.has(key)) continue;
    seen.add(key);
    names.push({ name: c.name, quoted: true });
  }
  return { ...item, using: names.length === 0 ? null : names };
}

/** The columns of an unqualified `*` over one FROM item, in Postgres order. */
export function starColumns(t: FromTree, scope: Scope): { expr: BExpr; name: string }[] {
  if (t.kind === 'leaf') {
    const rel = t.rel;
    const out: { expr: BExpr; name: string }[] = [];
    rel.columns.forEach((c, i) => {
      if (!rel.system.has(c.name)) out.push({ expr: { kind: 'col', slot: rel.offset + i, type: c.type, name: scope.display(rel, c.name) }, name: c.name });
    });
    return out;
  }
  const l = starColumns(t.left, scope);
  const r = starColumns(t.right, scope);
  const using = t.using ?? [];
  if (using.length === 0) return [...l, ...r];
  const keys = new Set(using.map((u) => u.key));
  const rest = (c: { name: string }): boolean => !keys.has(c.name.toLowerCase());
  return [...using.map((u) => ({ expr: u.expr, name: u.name })), ...l.filter(rest), ...r.filter(rest)];
}
