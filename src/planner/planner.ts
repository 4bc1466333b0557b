/**
 * Plans a query block's FROM clause and WHERE conjuncts: flattens inner/cross/comma joins into
 * a join graph (outer joins stay units), pushes single-relation conjuncts into scans (with
 * access-path selection), then orders the joins: dynamic programming over left-deep orders up
 * to DP_MAX_RELATIONS relations, greedy beyond (so 20+ equality-joined tables plan in a
 * bounded number of states). Each join step picks index nested loop, hash or nested loop by
 * cost from Schema statistics. Wide-row layout: see plan.ts.
 */
import type { TableDef } from '../catalog/index.js';
import type { SqlType } from '../record/index.js';
import type { JoinType } from '../sql/index.js';
import { andAll, collectSlots, isRowIndependent } from './bound-expr.js';
import type { BExpr } from './bound-expr.js';
import { chooseAccess, filteredRows } from './access-path.js';
import type { AccessChoice } from './access-path.js';
import type { JoinKind, PlanNode, OutputColumn } from './plan.js';
import type { BindContext, RelBinding, Scope, UsingColumn } from './scope.js';
import { rowidColumn } from './schema.js';

export const DP_MAX_RELATIONS = 8;

const slotCache = new WeakMap<BExpr, ReadonlySet<number>>();

/** collectSlots, memoised per (immutable) expression: join search asks the same ones often. */
function slotsOf(e: BExpr): ReadonlySet<number> {
  let s = slotCache.get(e);
  if (s === undefined) slotCache.set(e, (s = collectSlots(e, new Set())));
  return s;
}

export type FromTree =
  | { readonly kind: 'leaf'; readonly rel: RelBinding; readonly source: { readonly kind: 'table'; readonly table: TableDef } | { readonly kind: 'derived'; readonly root: PlanNode; readonly columns: readonly OutputColumn[] } }
  | {
      readonly kind: 'join';
      readonly join: JoinType;
      readonly left: FromTree;
      readonly right: FromTree;
      readonly on: BExpr | null;
      /** Merged columns of JOIN … USING (binder only; the planner joins on `on`). */
      readonly using?: readonly UsingColumn[];
    };

/** A unit of the join graph: one relation, or an outer join planned as a whole. */
interface Item {
  readonly slots: readonly number[];
  readonly slotSet: ReadonlySet<number>;
  readonly tree: FromTree;
  /** Conjuncts referencing only this item. */
  readonly pushed: BExpr[];
}

interface Conj {
  readonly expr: BExpr;
  /** Bit i set when the conjunct reads item i (items ≤ 52 via arrays below). */
  readonly items: readonly number[];
}

interface Planned {
  readonly plan: PlanNode;
  readonly rows: number;
  readonly cost: number;
}

function leafSlots(t: FromTree, out: number[]): number[] {
  if (t.kind === 'leaf') {
    for (let i = 0; i < t.rel.columns.length; i++) out.push(t.rel.offset + i);
  } else {
    leafSlots(t.left, out);
    leafSlots(t.right, out);
  }
  return out;
}

function flatten(t: FromTree, items: FromTree[], conj: BExpr[]): void {
  if (t.kind === 'join' && (t.join === 'inner' || t.join === 'cross')) {
    flatten(t.left, items, conj);
    flatten(t.right, items, conj);
    if (t.on !== null) pushConjuncts(t.on, conj);
  } else items.push(t);
}

function pushConjuncts(e: BExpr, out: BExpr[]): void {
  if (e.kind === 'and') for (const a of e.args) pushConjuncts(a, out);
  else out.push(e);
}

/** Plans FROM + WHERE of one block into a node producing wide rows. */
export function planFrom(trees: readonly FromTree[], where: readonly BExpr[], scope: Scope, ctx: BindContext): PlanNode {
  if (trees.length === 0) {
    const root: PlanNode = { kind: 'values', rows: [[]], width: 0, offset: 0 };
    const cond = andAll(where);
    return cond === null ? root : { kind: 'filter', input: root, predicate: cond };
  }
  const items: FromTree[] = [];
  const conj: BExpr[] = [];
  for (const t of trees) flatten(t, items, conj);
  for (const w of where) pushConjuncts(w, conj);
  return planGraph(items, conj, scope, ctx).plan;
}

function planGraph(trees: readonly FromTree[], conjList: readonly BExpr[], scope: Scope, ctx: BindContext): Planned {
  const items: Item[] = trees.map((t) => {
    const slots = leafSlots(t, []);
    return { slots, slotSet: new Set(slots), tree: t, pushed: [] };
  });
  const topFilters: BExpr[] = [];
  const conjs: Conj[] = [];
  for (const e of conjList) {
    const slots = collectSlots(e, new Set());
    const touched: number[] = [];
    items.forEach((it, i) => {
      for (const s of slots)
        if (it.slotSet.has(s)) {
          touched.push(i);
          break;
        }
    });
    if (touched.length === 0) {
      if (items.length === 1) items[0]!.pushed.push(e);
      else topFilters.push(e);
    } else if (touched.length === 1) items[touched[0]!]!.pushed.push(e);
    else conjs.push({ expr: e, items: touched });
  }
  const planned = items.map((it) => planItem(it, scope, ctx));
  let result: Planned;
  if (items.length === 1) result = planned[0]!;
  else if (items.length <= DP_MAX_RELATIONS) result = orderDp(items, planned, conjs, scope, ctx);
  else result = orderGreedy(items, planned, conjs, scope, ctx);
  const top = andAll(topFilters);
  if (top !== null) result = { plan: { kind: 'filter', input: result.plan, predicate: top }, rows: result.rows, cost: result.cost };
  return result;
}

function planItem(it: Item, scope: Scope, ctx: BindContext): Planned {
  const t = it.tree;
  if (t.kind === 'leaf') {
    if (t.source.kind === 'table') {
      const table = t.source.table;
      const choice = chooseAccess(table, t.rel.offset, it.pushed, ctx.schema);
      return { plan: scanNode(table, t.rel, choice, it.pushed, scope), rows: filteredRows(choice, it.pushed.length), cost: choice.rows };
    }
    const plan: PlanNode = { kind: 'subqueryScan', input: t.source.root, alias: t.rel.alias, offset: t.rel.offset, width: scope.width, filter: andAll(it.pushed) };
    return { plan, rows: Math.max(1, 100 * Math.pow(0.5, it.pushed.length)), cost: 100 };
  }
  // An outer join: plan both sides, then join them (RIGHT becomes LEFT with sides swapped).
  let left = t.left;
  let right = t.right;
  let join: JoinKind = t.join === 'full' ? 'full' : 'left';
  if (t.join === 'right') [left, right] = [right, left];
  if (t.join === 'inner' || t.join === 'cross') join = 'inner';
  const on: BExpr[] = [];
  if (t.on !== null) pushConjuncts(t.on, on);
  const rightSlots = new Set(leafSlots(right, []));
  const toRight: BExpr[] = [];
  const cond: BExpr[] = [];
  for (const c of on) {
    const slots = collectSlots(c, new Set());
    const onlyRight = slots.size > 0 && [...slots].every((s) => rightSlots.has(s));
    if (onlyRight && join === 'left') toRight.push(c);
    else cond.push(c);
  }
  const lItems: FromTree[] = [];
  const lConj: BExpr[] = [];
  flatten(left, lItems, lConj);
  // WHERE conjuncts on the preserved side alone filter it before the join (same result).
  const leftSlots = new Set(leafSlots(left, []));
  const above: BExpr[] = [];
  for (const c of it.pushed) {
    const slots = slotsOf(c);
    if (join !== 'full' && slots.size > 0 && [...slots].every((x) => leftSlots.has(x))) lConj.push(c);
    else above.push(c);
  }
  const rItems: FromTree[] = [];
  const rConj: BExpr[] = [...toRight];
  flatten(right, rItems, rConj);
  const lp = planGraph(lItems, lConj, scope, ctx);
  // Index nested loop when the inner side is a single table reachable by key.
  if (join === 'left' && rItems.length === 1 && rItems[0]!.kind === 'leaf' && rItems[0]!.source.kind === 'table') {
    const inl = tryIndexJoin(lp, leftSlots, rItems[0]!, rConj, cond, 'left', scope, ctx);
    if (inl !== null) {
      const rp = planGraph(rItems, rConj, scope, ctx);
      const hashCost = lp.cost + rp.cost + lp.rows + rp.rows;
      if (inl.cost <= hashCost) return { ...inl, plan: wrapFilters(inl.plan, above), rows: Math.max(inl.rows, lp.rows) };
    }
  }
  const rp = planGraph(rItems, rConj, scope, ctx);
  const j = joinPlans(lp, leftSlots, rp, new Set(leafSlots(right, [])), cond, join);
  return { plan: wrapFilters(j.plan, above), rows: Math.max(j.rows, join === 'inner' ? 1 : lp.rows), cost: j.cost };
}

function wrapFilters(plan: PlanNode, filters: readonly BExpr[]): PlanNode {
  const f = andAll(filters);
  return f === null ? plan : { kind: 'filter', input: plan, predicate: f };
}

function scanNode(table: TableDef, rel: RelBinding, choice: AccessChoice, pushed: readonly BExpr[], scope: Scope): Extract<PlanNode, { kind: 'scan' }> {
  return {
    kind: 'scan',
    table,
    alias: rel.alias,
    access: choice.access,
    accessText: choice.text,
    offset: rel.offset,
    width: scope.width,
    // Every column of the relation, the trailing `ctid` system column included (binder.ts);
    // pruned later to the ones the query reads.
    columns: rel.columns.map((_, i) => i),
    filter: andAll(pushed),
  };
}

/** Equality conjuncts usable as hash keys between slot sets L and R (sides normalised). */
function equiKeys(conds: readonly BExpr[], l: ReadonlySet<number>, r: ReadonlySet<number>): { lk: BExpr[]; rk: BExpr[]; types: SqlType[]; rest: BExpr[] } {
  const lk: BExpr[] = [];
  const rk: BExpr[] = [];
  const types: SqlType[] = [];
  const rest: BExpr[] = [];
  const within = (e: BExpr, s: ReadonlySet<number>): boolean => {
    const slots = slotsOf(e);
    if (slots.size === 0) return false;
    for (const x of slots) if (!s.has(x)) return false;
    return true;
  };
  for (const c of conds) {
    if (c.kind === 'compare' && c.op === '=') {
      if (within(c.left, l) && within(c.right, r)) {
        lk.push(c.left);
        rk.push(c.right);
        types.push(c.cmpType);
        continue;
      }
      if (within(c.left, r) && within(c.right, l)) {
        lk.push(c.right);
        rk.push(c.left);
        types.push(c.cmpType);
        continue;
      }
    }
    rest.push(c);
  }
  return { lk, rk, types, rest };
}

function joinPlans(lp: Planned, lSlots: ReadonlySet<number>, rp: Planned, rSlots: ReadonlySet<number>, conds: readonly BExpr[], join: JoinKind): Planned {
  const { lk, rk, types, rest } = equiKeys(conds, lSlots, rSlots);
  const rows = estimateJoinRows(lp.rows, rp.rows, lk.length);
  if (lk.length > 0) {
    // Inner joins build the smaller side; outer joins build the non-preserved (right) side.
    const swap = join === 'inner' && lp.rows < rp.rows;
    const probe = swap ? rp : lp;
    const build = swap ? lp : rp;
    return {
      plan: {
        kind: 'hashJoin',
        join,
        probe: probe.plan,
        build: build.plan,
        probeKeys: swap ? rk : lk,
        buildKeys: swap ? lk : rk,
        keyTypes: types,
        cond: andAll(rest),
        buildSlots: [...(swap ? lSlots : rSlots)].sort((a, b) => a - b),
        probeSlots: [...(swap ? rSlots : lSlots)].sort((a, b) => a - b),
      },
      rows,
      cost: lp.cost + rp.cost + lp.rows + rp.rows * 1.5,
    };
  }
  return {
    plan: { kind: 'nestedLoopJoin', join, left: lp.plan, right: rp.plan, cond: andAll(conds), rightSlots: [...rSlots].sort((a, b) => a - b) },
    rows,
    cost: lp.cost + rp.cost + lp.rows * rp.rows,
  };
}

function estimateJoinRows(l: number, r: number, equi: number): number {
  if (equi === 0) return Math.max(1, l * r);
  return Math.max(1, Math.max(l, r));
}

/** Cost of reading one table row found through a secondary index, in rows scanned sequentially. */
const INDEX_FETCH_COST = 3;

/** Index (or rowid) nested-loop join of `outer` with the single table `inner`, if a key matches. */
function tryIndexJoin(
  outer: Planned,
  outerSlots: ReadonlySet<number>,
  inner: FromTree,
  innerPushed: readonly BExpr[],
  conds: readonly BExpr[],
  join: 'inner' | 'left',
  scope: Scope,
  ctx: BindContext,
): Planned | null {
  if (inner.kind !== 'leaf' || inner.source.kind !== 'table') return null;
  const table = inner.source.table;
  const independent = (e: BExpr): boolean => {
    if (isRowIndependent(e)) return true;
    const slots = slotsOf(e);
    for (const s of slots) if (!outerSlots.has(s)) return false;
    return true;
  };
  const keyConds = conds.filter((c) => c.kind === 'compare' && c.op === '=');
  const choice = chooseAccess(table, inner.rel.offset, keyConds, ctx.schema, independent);
  if (choice.access.kind !== 'rowidEq' && choice.access.kind !== 'indexEq' && choice.access.kind !== 'compositeEq') return null;
  const scan = scanNode(table, inner.rel, choice, innerPushed, scope);
  const innerSlots: number[] = [];
  for (let i = 0; i < inner.rel.columns.length; i++) innerSlots.push(inner.rel.offset + i);
  const perProbe = Math.max(1, choice.rows);
  // A probe is one B+Tree descent (2). Each row it finds costs 1 through the rowid key, but
  // through a secondary index it is a further descent into the table (3): random lookups, so
  // probing many rows per key loses to scanning the inner side once and hashing.
  const perRow = choice.access.kind === 'rowidEq' ? 1 : INDEX_FETCH_COST;
  return {
    plan: { kind: 'indexNestedLoopJoin', join, outer: outer.plan, inner: scan, cond: andAll(conds), innerSlots },
    rows: Math.max(1, outer.rows * Math.min(perProbe, filteredRows(choice, innerPushed.length + 1))),
    cost: outer.cost + outer.rows * (2 + perProbe * perRow),
  };
}

/** Best way to join the planned set `left` (items in `inLeft`) with item j. */
function joinStep(
  left: Planned,
  inLeft: readonly boolean[],
  j: number,
  items: readonly Item[],
  planned: readonly Planned[],
  conjs: readonly Conj[],
  scope: Scope,
  ctx: BindContext,
): Planned {
  const conds: BExpr[] = [];
  for (const c of conjs) {
    if (!c.items.includes(j)) continue;
    if (c.items.every((i) => i === j || inLeft[i])) conds.push(c.expr);
  }
  const lSlots = new Set<number>();
  items.forEach((it, i) => {
    if (inLeft[i]) for (const s of it.slots) lSlots.add(s);
  });
  const hash = joinPlans(left, lSlots, planned[j]!, items[j]!.slotSet, conds, 'inner');
  const tree = items[j]!.tree;
  if (tree.kind === 'leaf' && tree.source.kind === 'table' && conds.length > 0) {
    const inl = tryIndexJoin(left, lSlots, tree, items[j]!.pushed, conds, 'inner', scope, ctx);
    if (inl !== null && inl.cost < hash.cost) return inl;
  }
  return hash;
}

function connected(j: number, inLeft: readonly boolean[], conjs: readonly Conj[]): boolean {
  for (const c of conjs) if (c.items.includes(j) && c.items.some((i) => i !== j && inLeft[i])) return true;
  return false;
}

function orderDp(items: readonly Item[], planned: readonly Planned[], conjs: readonly Conj[], scope: Scope, ctx: BindContext): Planned {
  const n = items.length;
  const full = (1 << n) - 1;
  const best: (Planned | undefined)[] = new Array<Planned | undefined>(full + 1);
  for (let i = 0; i < n; i++) best[1 << i] = planned[i];
  const inLeft: boolean[] = new Array<boolean>(n).fill(false);
  for (let mask = 1; mask <= full; mask++) {
    if ((mask & (mask - 1)) === 0) continue;
    for (let i = 0; i < n; i++) inLeft[i] = (mask & (1 << i)) !== 0;
    let anyConnected = false;
    for (let j = 0; j < n && !anyConnected; j++) {
      if (!inLeft[j]) continue;
      inLeft[j] = false;
      if (best[mask ^ (1 << j)] !== undefined && connected(j, inLeft, conjs)) anyConnected = true;
      inLeft[j] = true;
    }
    let cur: Planned | undefined;
    for (let j = 0; j < n; j++) {
      if (!inLeft[j]) continue;
      const left = best[mask ^ (1 << j)];
      if (left === undefined) continue;
      inLeft[j] = false;
      if (!anyConnected || connected(j, inLeft, conjs)) {
        ctx.planningStates++;
        const p = joinStep(left, inLeft, j, items, planned, conjs, scope, ctx);
        if (cur === undefined || p.cost < cur.cost) cur = p;
      }
      inLeft[j] = true;
    }
    best[mask] = cur;
  }
  return best[full]!;
}

function orderGreedy(items: readonly Item[], planned: readonly Planned[], conjs: readonly Conj[], scope: Scope, ctx: BindContext): Planned {
  const n = items.length;
  const inLeft: boolean[] = new Array<boolean>(n).fill(false);
  let start = 0;
  for (let i = 1; i < n; i++) if (planned[i]!.rows < planned[start]!.rows) start = i;
  inLeft[start] = true;
  let cur = planned[start]!;
  for (let step = 1; step < n; step++) {
    let bestJ = -1;
    let bestP: Planned | undefined;
    const anyConnected = items.some((_, j) => !inLeft[j] && connected(j, inLeft, conjs));
    for (let j = 0; j < n; j++) {
      if (inLeft[j] || (anyConnected && !connected(j, inLeft, conjs))) continue;
      ctx.planningStates++;
      const p = joinStep(cur, inLeft, j, items, planned, conjs, scope, ctx);
      if (bestP === undefined || p.rows < bestP.rows || (p.rows === bestP.rows && p.cost < bestP.cost)) {
        bestP = p;
        bestJ = j;
      }
    }
    inLeft[bestJ] = true;
    cur = bestP!;
  }
  return cur;
}

/** Adds every wide-row slot read by the block-level nodes of `n` (not inside derived tables). */
export function collectPlanSlots(n: PlanNode, out: Set<number>): Set<number> {
  const add = (e: BExpr | null): void => {
    if (e !== null) collectSlots(e, out);
  };
  switch (n.kind) {
    case 'scan': {
      add(n.filter);
      const a = n.access;
      if (a.kind === 'rowidEq' || a.kind === 'indexEq' || a.kind === 'compositeEq') a.values.forEach(add);
      if (a.kind === 'rowidRange' || a.kind === 'indexRange' || a.kind === 'rowidOrder' || a.kind === 'indexOrder') {
        add(a.lo?.value ?? null);
        add(a.hi?.value ?? null);
      }
      if (a.kind === 'trigram') {
        add(a.pattern);
        add(a.escape);
      }
      return out;
    }
    case 'subqueryScan':
      add(n.filter);
      return out;
    case 'filter':
      add(n.predicate);
      return collectPlanSlots(n.input, out);
    case 'nestedLoopJoin':
      add(n.cond);
      collectPlanSlots(n.left, out);
      return collectPlanSlots(n.right, out);
    case 'indexNestedLoopJoin':
      add(n.cond);
      collectPlanSlots(n.outer, out);
      return collectPlanSlots(n.inner, out);
    case 'hashJoin':
      add(n.cond);
      n.probeKeys.forEach(add);
      n.buildKeys.forEach(add);
      collectPlanSlots(n.probe, out);
      return collectPlanSlots(n.build, out);
    default:
      return out;
  }
}

/** Rebuilds the block-level Scans of `n` to decode only the table columns in `used`. */
export function pruneScans(n: PlanNode, used: ReadonlySet<number>): PlanNode {
  switch (n.kind) {
    case 'scan':
      return { ...n, columns: n.columns.filter((c) => used.has(n.offset + c)) };
    case 'filter':
      return { ...n, input: pruneScans(n.input, used) };
    case 'nestedLoopJoin':
      return { ...n, left: pruneScans(n.left, used), right: pruneScans(n.right, used) };
    case 'indexNestedLoopJoin':
      return { ...n, outer: pruneScans(n.outer, used), inner: pruneScans(n.inner, used) as Extract<PlanNode, { kind: 'scan' }> };
    case 'hashJoin':
      return { ...n, probe: pruneScans(n.probe, used), build: pruneScans(n.build, used) };
    default:
      return n;
  }
}

export { rowidColumn };
