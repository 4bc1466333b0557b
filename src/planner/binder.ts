/**
 * The Binder: a SELECT's AST → a PhysicalPlan, block by block. Resolves FROM items (tables,
 * views inlined from their parsed SQL, CTEs, derived tables), expands `*`, applies the Postgres
 * GROUP BY rule, lays out the select list, ORDER BY (with hidden sort columns), DISTINCT,
 * LIMIT/OFFSET and set operations. Join planning of the FROM clause is planner.ts's job.
 */
import type { Expr, FromItem, OrderItem, QueryBody, SelectCore, SelectStmt } from '../sql/index.js';
import type { SqlType } from '../record/index.js';
import { commonType, pgTypeName } from '../types/index.js';
import { DecentDBError } from '../util/index.js';
import { BOOL, INT64, collectSlots, conjuncts, mapChildren, mapColumns } from './bound-expr.js';
import type { BExpr } from './bound-expr.js';
import { AGG_SLOT, UNKNOWN, WINDOW_SLOT, bindExpr, coerce, exprKey, hasAggregate } from './binder-expr.js';
import type { AggState, ExprEnv, WindowState } from './binder-expr.js';
import { Scope } from './scope.js';
import { pushTopNBelowJoin } from './top-n-pushdown.js';
import type { BindContext, BlockRefs, CteBinding, RelColumn, WorkTableBinding } from './scope.js';
import type { OutputColumn, PlanNode, SortKey, WindowCall } from './plan.js';
import { bindUsing, naturalUsing, starColumns } from './join-using.js';
import { orderedBlock } from './order-by-index.js';
import type { RowsWanted } from './order-by-index.js';
import { collectPlanSlots, planFrom, pruneScans } from './planner.js';
import type { FromTree } from './planner.js';
import { rowidColumn } from './schema.js';

export interface BoundQuery {
  readonly root: PlanNode;
  readonly columns: readonly OutputColumn[];
}

/** Binds and plans a whole SelectStmt at `level`, under `parent` (for correlation). */
export function bindQuery(stmt: SelectStmt, ctx: BindContext, parent: Scope | null, level: number, refs: BlockRefs): BoundQuery {
  ctx.ctes.push([]);
  try {
    for (const cte of stmt.with) {
      const name = cte.name.name.toLowerCase();
      ctx.ctes[ctx.ctes.length - 1]!.push({ name, query: cte.query, columns: cte.columns.map((c) => c.name), recursive: stmt.recursive === true });
    }
    if (stmt.body.kind === 'selectCore') return bindCore(stmt.body, stmt, ctx, parent, level, refs);
    const body = bindBody(stmt.body, ctx, parent, level, refs);
    return finishOutput(body, stmt, ctx);
  } finally {
    ctx.ctes.pop();
  }
}

function bindBody(body: QueryBody, ctx: BindContext, parent: Scope | null, level: number, refs: BlockRefs): BoundQuery {
  switch (body.kind) {
    case 'select':
      return bindQuery(body, ctx, parent, level, refs);
    case 'selectCore':
      return bindCore(body, null, ctx, parent, level, refs);
    case 'values':
      return bindValues(body.rows, ctx, parent, level, refs);
    case 'setOp': {
      const l = bindBody(body.left, ctx, parent, level, refs);
      const r = bindBody(body.right, ctx, parent, level, refs);
      const opName = body.op.toUpperCase();
      if (l.columns.length !== r.columns.length) throw ctx.error(`each ${opName} query must have the same number of columns`, body);
      const types: SqlType[] = [];
      for (let i = 0; i < l.columns.length; i++) {
        const a = l.columns[i]!.type;
        const b = r.columns[i]!.type;
        if (a === UNKNOWN) types.push(b === UNKNOWN ? { base: 'TEXT' } : b);
        else if (b === UNKNOWN) types.push(a);
        else {
          try {
            types.push(commonType(a, b));
          } catch {
            throw ctx.error(`${opName} types ${pgTypeName(a)} and ${pgTypeName(b)} cannot be matched`, body);
          }
        }
      }
      const columns = l.columns.map((c, i) => ({ name: c.name, type: types[i]! }));
      return { root: { kind: 'setOp', op: body.op, all: body.all, left: conform(l, types), right: conform(r, types), types }, columns };
    }
  }
}

/** Projects a query's output to `types` (numeric promotion / typing NULL columns). */
function conform(q: BoundQuery, types: readonly SqlType[]): PlanNode {
  let same = true;
  for (let i = 0; i < types.length; i++) if (q.columns[i]!.type.base !== types[i]!.base) same = false;
  if (same) return q.root;
  const exprs: BExpr[] = q.columns.map((c, i) => {
    const col: BExpr = { kind: 'col', slot: i, type: c.type, name: c.name };
    if (c.type.base === types[i]!.base) return col;
    if (c.type === UNKNOWN) return { kind: 'cast', operand: col, type: types[i]! };
    return { kind: 'promote', operand: col, type: types[i]! };
  });
  return { kind: 'project', input: q.root, exprs };
}

function bindValues(rows: readonly (readonly Expr[])[], ctx: BindContext, parent: Scope | null, level: number, refs: BlockRefs): BoundQuery {
  const scope = new Scope(parent, level);
  const env = makeEnv(scope, ctx, null, null, 'VALUES');
  const bound = rows.map((r) => r.map((e) => bindExpr(e, env)));
  const n = bound[0]?.length ?? 0;
  for (const r of bound) if (r.length !== n) throw ctx.error('VALUES lists must all be the same length', null);
  const types: SqlType[] = [];
  for (let c = 0; c < n; c++) {
    let t: SqlType | null = null;
    for (const r of bound) {
      const x = r[c]!;
      if (x.type === UNKNOWN) continue;
      t = t === null ? x.type : commonType(t, x.type);
    }
    types.push(t ?? { base: 'TEXT' });
  }
  const out = bound.map((r) => r.map((x, c) => coerce(x, types[c]!, env, {})));
  mergeRefs(refs, scope.refs, level);
  return { root: { kind: 'values', rows: out, width: n, offset: 0 }, columns: types.map((t, i) => ({ name: `column${i + 1}`, type: t })) };
}

function makeEnv(scope: Scope, ctx: BindContext, agg: AggState | null, window: WindowState | null, clause: string): ExprEnv {
  return {
    scope,
    ctx,
    agg,
    window,
    clause,
    subquery: (stmt, s) => {
      const subRefs: BlockRefs = { outer: new Map() };
      const q = bindQuery(stmt, ctx, s, s.level + 1, subRefs);
      return { plan: { root: q.root, columns: q.columns, paramTypes: [], planningStates: 0 }, refs: subRefs };
    },
  };
}

/** Adds the outer references (levels below `level`) of a nested block to `into`. */
function mergeRefs(into: BlockRefs, from: BlockRefs, level: number): void {
  for (const [lv, slots] of from.outer) {
    if (lv >= level) continue;
    let set = into.outer.get(lv);
    if (set === undefined) into.outer.set(lv, (set = new Set()));
    for (const s of slots) set.add(s);
  }
}

// ---------------------------------------------------------------------------------------------
// FROM

function bindFrom(item: FromItem, scope: Scope, ctx: BindContext): FromTree {
  switch (item.kind) {
    case 'table': {
      const name = item.name.name.toLowerCase();
      const alias = (item.alias ?? item.name).name.toLowerCase();
      const cte = ctx.findCte(name);
      if (cte?.self !== undefined) {
        if (typeof cte.self === 'string') throw ctx.error(cte.self, item);
        cte.self.refs++;
        if (cte.self.refs > 1) throw ctx.error(`recursive reference to query "${name}" must not appear more than once`, item);
        const rel = scope.addRel(alias, cte.self.columns, item, ctx);
        return { kind: 'leaf', rel, source: { kind: 'derived', root: { kind: 'workTableScan', name, workTable: cte.self.id }, columns: cte.self.columns } };
      }
      if (cte !== undefined && !ctx.expanding.includes(`cte:${name}`)) {
        ctx.expanding.push(`cte:${name}`);
        try {
          return cte.recursive ? recursiveCte(cte, alias, scope, ctx, item) : derived(cte.query, alias, cte.columns, scope, ctx, item);
        } finally {
          ctx.expanding.pop();
        }
      }
      const table = ctx.schema.table(name);
      if (table !== undefined) {
        // The system column `ctid` (the row's rowid, as in Postgres' tuple id) follows the
        // table's columns; DML uses it to address target rows. It is never part of `*`.
        const columns = table.columns.map((c) => ({ name: c.name, type: c.type }));
        columns.push({ name: CTID, type: INT64 });
        const rel = scope.addRel(alias, columns, item, ctx);
        rel.system.add(CTID);
        return { kind: 'leaf', rel, source: { kind: 'table', table } };
      }
      const view = ctx.schema.view(name);
      if (view !== undefined) {
        if (ctx.expanding.includes(`view:${name}`)) throw ctx.error(`infinite recursion detected in rules for relation "${name}"`, item);
        ctx.expanding.push(`view:${name}`);
        const saved = ctx.ctes.splice(0);
        try {
          return derived(view.query, alias, view.def.columns, scope, ctx, item);
        } finally {
          ctx.ctes.push(...saved);
          ctx.expanding.pop();
        }
      }
      throw ctx.error(`relation "${item.name.name}" does not exist`, item);
    }
    case 'subqueryRef': {
      if (item.alias === null) throw ctx.error('subquery in FROM must have an alias', item);
      return derived(item.query, item.alias.name.toLowerCase(), item.columns.map((c) => c.name), scope, ctx, item);
    }
    case 'join': {
      const firstRel = scope.rels.length;
      const left = bindFrom(item.left, scope, ctx);
      const leftRels = scope.rels.length;
      const right = bindFrom(item.right, scope, ctx);
      const env = makeEnv(scope, ctx, null, null, 'JOIN conditions');
      if (item.on !== null) return { kind: 'join', join: item.type, left, right, on: coerce(bindExpr(item.on, env), BOOL, env, item.on) };
      const usingItem = item.natural === true ? naturalUsing(item, left, right, scope) : item;
      if (usingItem.using !== null) {
        const { on, using } = bindUsing(usingItem, left, right, [firstRel, leftRels], scope, env, ctx);
        return { kind: 'join', join: item.type, left, right, on, using };
      }
      return { kind: 'join', join: item.type, left, right, on: null };
    }
  }
}

/**
 * A CTE of WITH RECURSIVE. `base UNION [ALL] step` where `step` names the CTE once: a
 * recursiveUnion over the work table; a CTE that never names itself is an ordinary derived
 * table. Postgres's rules: the base term must not name the CTE, the column types come from the
 * base term and the step term must produce the same ones, no ORDER BY/LIMIT around the union.
 */
function recursiveCte(cte: CteBinding, alias: string, scope: Scope, ctx: BindContext, node: object): FromTree {
  const q = cte.query;
  const body = q.body;
  const name = cte.name;
  if (body.kind !== 'setOp' || body.op !== 'union' || q.with.length > 0) {
    cte.self = `recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`;
    try {
      return derived(q, alias, cte.columns, scope, ctx, node);
    } finally {
      cte.self = undefined;
    }
  }
  const refs: BlockRefs = { outer: new Map() };
  let base: BoundQuery;
  cte.self = `recursive reference to query "${name}" must not appear within its non-recursive term`;
  try {
    base = bindBody(body.left, ctx, scope.parent, scope.level, refs);
  } finally {
    cte.self = undefined;
  }
  if (cte.columns.length > base.columns.length) throw ctx.error(`WITH query "${name}" has ${base.columns.length} columns available but ${cte.columns.length} columns specified`, node);
  const columns: RelColumn[] = base.columns.map((c, i) => ({ name: cte.columns[i] ?? c.name, type: c.type === UNKNOWN ? { base: 'TEXT' } : c.type }));
  const work: WorkTableBinding = { id: ctx.nextWorkTable++, columns, refs: 0 };
  let step: BoundQuery;
  cte.self = work;
  try {
    step = bindBody(body.right, ctx, scope.parent, scope.level, refs);
  } finally {
    cte.self = undefined;
  }
  if (work.refs === 0) return derived(q, alias, cte.columns, scope, ctx, node);
  if (q.orderBy.length > 0 || q.limit !== null || q.offset !== null) throw ctx.error('ORDER BY/LIMIT/OFFSET in a recursive query is not implemented', node);
  if (step.columns.length !== columns.length) throw ctx.error('each UNION query must have the same number of columns', body);
  step.columns.forEach((c, i) => {
    const want = columns[i]!.type;
    const got = c.type === UNKNOWN ? { base: 'TEXT' as const } : c.type;
    if (got.base !== want.base) {
      throw ctx.error(`recursive query "${name}" column ${i + 1} has type ${pgTypeName(want)} in non-recursive term but type ${pgTypeName(got)} overall`, body);
    }
  });
  mergeRefs(scope.refs, refs, scope.level);
  const root: PlanNode = { kind: 'recursiveUnion', name, base: base.root, step: step.root, workTable: work.id, all: body.all, types: columns.map((c) => c.type) };
  const rel = scope.addRel(alias, columns, node, ctx);
  return { kind: 'leaf', rel, source: { kind: 'derived', root, columns } };
}

function derived(query: SelectStmt, alias: string, names: readonly string[], scope: Scope, ctx: BindContext, node: object): FromTree {
  const refs: BlockRefs = { outer: new Map() };
  const q = bindQuery(query, ctx, scope.parent, scope.level, refs);
  mergeRefs(scope.refs, refs, scope.level);
  if (names.length > q.columns.length) throw ctx.error(`table "${alias}" has ${q.columns.length} columns available but ${names.length} columns specified`, node);
  const columns: RelColumn[] = q.columns.map((c, i) => ({ name: names[i] ?? c.name, type: c.type === UNKNOWN ? { base: 'TEXT' } : c.type }));
  const rel = scope.addRel(alias, columns, node, ctx);
  return { kind: 'leaf', rel, source: { kind: 'derived', root: q.root, columns } };
}

// ---------------------------------------------------------------------------------------------
// SELECT core

function outputName(e: Expr): string {
  switch (e.kind) {
    case 'column':
      return e.name.name;
    case 'call':
      return e.name.name;
    case 'cast':
      return e.expr.kind === 'column' || e.expr.kind === 'call' ? outputName(e.expr) : e.type.name.toLowerCase().split(' ')[0]!;
    case 'case':
      return 'case';
    case 'exists':
      return 'exists';
    case 'subquery': {
      const b = e.query.body;
      if (b.kind === 'selectCore' && b.items.length === 1) {
        const it = b.items[0]!;
        if (it.kind !== 'selectExpr') return '?column?';
        return it.alias !== null ? it.alias.name : outputName(it.expr);
      }
      return '?column?';
    }
    case 'sqlValueFunction':
      return e.name;
    default:
      return '?column?';
  }
}

interface Item {
  expr: BExpr;
  name: string;
}

function bindCore(core: SelectCore, stmt: SelectStmt | null, ctx: BindContext, parent: Scope | null, level: number, refs: BlockRefs): BoundQuery {
  const scope = new Scope(parent, level);
  const trees = core.from.map((f) => bindFrom(f, scope, ctx));
  const whereEnv = makeEnv(scope, ctx, null, null, 'WHERE');
  const where = core.where === null ? null : coerce(bindExpr(core.where, whereEnv), BOOL, whereEnv, core.where);

  const agg: AggState = { calls: [], keys: [], inside: false };
  const win: WindowState = { groups: [], count: 0 };
  const selEnv = makeEnv(scope, ctx, agg, win, 'SELECT');

  const items: Item[] = [];
  for (const it of core.items) {
    if (it.kind === 'allColumns') {
      const t = it.table === null ? null : it.table.name.toLowerCase();
      if (t === null) for (const tree of trees) items.push(...starColumns(tree, scope));
      let any = false;
      for (const rel of scope.rels) {
        if (t === null || rel.alias !== t) continue;
        any = true;
        rel.columns.forEach((c, i) => {
          if (rel.system.has(c.name)) return;
          items.push({ expr: { kind: 'col', slot: rel.offset + i, type: c.type, name: scope.display(rel, c.name) }, name: c.name });
        });
      }
      if (t !== null && !any) throw ctx.error(`missing FROM-clause entry for table "${t}"`, it);
      if (t === null && scope.rels.length === 0) throw ctx.error('SELECT * with no tables specified is not valid', it);
      continue;
    }
    const e = bindExpr(it.expr, selEnv);
    items.push({ expr: e.type === UNKNOWN ? coerce(e, { base: 'TEXT' }, selEnv, it.expr) : e, name: it.alias !== null ? it.alias.name : outputName(it.expr) });
  }

  const groupEnv = makeEnv(scope, ctx, null, null, 'GROUP BY');
  const groups: BExpr[] = core.groupBy.map((g) => {
    const ref = outputRef(g, items, scope);
    if (ref !== null) {
      if (hasAggregate(items[ref]!.expr)) throw ctx.error('aggregate functions are not allowed in GROUP BY', g);
      return items[ref]!.expr;
    }
    return bindExpr(g, groupEnv);
  });
  const havingEnv = makeEnv(scope, ctx, agg, null, 'HAVING');
  const having = core.having === null ? null : coerce(bindExpr(core.having, havingEnv), BOOL, havingEnv, core.having);

  // ORDER BY: output column by ordinal/name, else an expression (hidden column).
  const orderItems = stmt?.orderBy ?? [];
  const sortRefs: { index: number; desc: boolean; nullsFirst: boolean }[] = [];
  const hidden: Item[] = [];
  for (const o of orderItems) {
    let idx = outputRef(o.expr, items, scope, true);
    if (idx === null) {
      const e = bindExpr(o.expr, selEnv);
      const key = exprKey(e);
      idx = items.findIndex((it) => exprKey(it.expr) === key);
      if (idx < 0) {
        const hk = hidden.findIndex((h) => exprKey(h.expr) === key);
        idx = items.length + (hk >= 0 ? hk : hidden.push({ expr: e, name: '?sort?' }) - 1);
      }
    }
    const desc = o.direction === 'desc';
    sortRefs.push({ index: idx, desc, nullsFirst: o.nulls === null ? desc : o.nulls === 'first' });
  }
  if (core.distinct && hidden.length > 0) throw ctx.error('for SELECT DISTINCT, ORDER BY expressions must appear in select list', orderItems[0]!.expr);

  // FROM + WHERE.
  const whereList = conjuncts(where);
  for (const c of whereList) if (hasAggregate(c)) throw ctx.error('aggregate functions are not allowed in WHERE', core.where);
  let root: PlanNode = planFrom(trees, whereList, scope, ctx);
  {
    // Decode only the table columns the block reads (wide-row slots below the aggregate).
    const used = collectPlanSlots(root, new Set());
    const isAggBlock = agg.calls.length > 0 || groups.length > 0 || having !== null;
    const above: BExpr[] = isAggBlock ? [...groups, ...agg.calls.flatMap((a) => (a.arg === null ? [] : [a.arg]))] : [...items, ...hidden].map((it) => it.expr);
    if (!isAggBlock) {
      for (const g of win.groups) above.push(...g.partition, ...g.order.map((o) => o.expr), ...g.calls.flatMap((c) => windowExprs(c.call)));
    }
    for (const e of above) collectSlots(e, used);
    root = pruneScans(root, used);
  }

  const isAgg = agg.calls.length > 0 || groups.length > 0 || having !== null;
  let post = (e: BExpr): BExpr => e;
  let rowWidth = scope.width;
  if (isAgg) {
    const gKeys = groups.map(exprKey);
    const ng = groups.length;
    const rewrite = (e: BExpr): BExpr => {
      const k = gKeys.indexOf(exprKey(e));
      if (k >= 0) return { kind: 'col', slot: k, type: e.type, name: groups[k]!.kind === 'col' ? (groups[k] as { name: string }).name : `group${k + 1}` };
      if (e.kind === 'col') {
        if (e.slot <= WINDOW_SLOT) return e;
        if (e.slot <= AGG_SLOT) return { ...e, slot: ng + (AGG_SLOT - e.slot) };
        throw ctx.error(`column "${e.name}" must appear in the GROUP BY clause or be used in an aggregate function`, core);
      }
      if (e.kind === 'subquery' && e.refs.length > 0) {
        const pairs: [number, number][] = [];
        for (const slot of e.refs) {
          const g = groups.findIndex((x) => x.kind === 'col' && x.slot === slot);
          if (g < 0) throw ctx.error('subquery uses ungrouped column from outer query', core);
          pairs.push([slot, g]);
        }
        return mapChildren({ ...e, regroup: { width: scope.width, pairs } }, rewrite);
      }
      return mapChildren(e, rewrite);
    };
    post = rewrite;
    root = { kind: 'aggregate', input: root, groups, aggs: agg.calls };
    rowWidth = ng + agg.calls.length;
    if (having !== null) root = { kind: 'filter', input: root, predicate: rewrite(having) };
  }
  if (win.groups.length > 0) {
    // One Window node per (PARTITION BY, ORDER BY); each appends its calls' columns to the row.
    const slotOf = new Array<number>(win.count);
    for (const g of win.groups) {
      const partition = g.partition.map(post);
      const calls = g.calls.map(({ call }) => mapWindowCall(call, post));
      root = {
        kind: 'window',
        input: root,
        partition,
        order: g.order.map((o) => ({ expr: post(o.expr), desc: o.desc, nullsFirst: o.nullsFirst })),
        partitionTypes: partition.map((p) => p.type),
        calls,
      };
      for (const { index } of g.calls) slotOf[index] = rowWidth++;
    }
    const prev = post;
    post = (e) => mapColumns(prev(e), (c) => (c.slot <= WINDOW_SLOT ? { ...c, slot: slotOf[WINDOW_SLOT - c.slot]! } : c));
  }
  const outExprs = [...items, ...hidden].map((it) => post(it.expr));
  root = { kind: 'project', input: root, exprs: outExprs };
  const columns: OutputColumn[] = items.map((it) => ({ name: it.name, type: it.expr.type }));
  if (core.distinct) root = { kind: 'distinct', input: root, types: columns.map((c) => c.type) };
  const keys: SortKey[] = sortRefs.map((s) => ({ expr: { kind: 'col', slot: s.index, type: outExprs[s.index]!.type, name: s.index < items.length ? items[s.index]!.name : outExprs[s.index]!.kind === 'col' ? (outExprs[s.index] as { name: string }).name : exprLabel(outExprs[s.index]!) }, desc: s.desc, nullsFirst: s.nullsFirst }));
  // ORDER BY served by rowid/index order (no Sort/TopN) where the key encoding allows it.
  const served = keys.length > 0 && !isAgg && win.groups.length === 0 && !core.distinct ? orderedBlock(root, keys, ctx.schema, rowsWanted(stmt)) : null;
  if (served !== null) root = served.root;
  root = applySortLimit(root, keys, stmt, ctx, scope, served);
  if (!isAgg && win.groups.length === 0 && !core.distinct) root = pushTopNBelowJoin(root);
  if (hidden.length > 0) root = { kind: 'project', input: root, exprs: columns.map((c, i) => ({ kind: 'col', slot: i, type: c.type, name: c.name })) };
  mergeRefs(refs, scope.refs, level);
  return { root, columns };
}

/** The expressions a window call reads (arguments and frame offsets). */
function windowExprs(c: WindowCall): BExpr[] {
  const out = [...c.args];
  if (c.frame.start.offset !== null) out.push(c.frame.start.offset);
  if (c.frame.end.offset !== null) out.push(c.frame.end.offset);
  return out;
}

/** `c` with `f` applied to its arguments and frame offsets. */
function mapWindowCall(c: WindowCall, f: (e: BExpr) => BExpr): WindowCall {
  const edge = (x: WindowCall['frame']['start']): WindowCall['frame']['start'] => (x.offset === null ? x : { kind: x.kind, offset: f(x.offset) });
  return { ...c, args: c.args.map(f), frame: { mode: c.frame.mode, start: edge(c.frame.start), end: edge(c.frame.end) } };
}

function exprLabel(e: BExpr): string {
  return e.kind === 'col' ? e.name : 'expr';
}

/** An ORDER BY / GROUP BY item naming an output column (ordinal or bare alias), else null. */
function outputRef(e: Expr, items: readonly Item[], scope: Scope, preferOutput = false): number | null {
  if (e.kind === 'integer') {
    const n = Number(e.value);
    if (n < 1 || n > items.length) throw new DecentDBError('ERR_SQL', `position ${n} is not in select list`);
    return n - 1;
  }
  if (e.kind === 'column' && e.table === null) {
    const name = e.name.name.toLowerCase();
    const inFrom = scope.rels.some((r) => r.columns.some((c) => c.name.toLowerCase() === name));
    if (inFrom && !preferOutput) return null;
    const hits = items.map((it, i) => (it.name.toLowerCase() === name ? i : -1)).filter((i) => i >= 0);
    if (hits.length >= 1) return hits[0]!;
  }
  return null;
}

function bindLimit(e: Expr | null, ctx: BindContext, scope: Scope, what: string): BExpr | null {
  if (e === null) return null;
  if (e.kind !== 'integer' && e.kind !== 'param') throw ctx.error(`${what} must be an integer literal or a parameter`, e);
  const env = makeEnv(scope, ctx, null, null, what);
  if (e.kind === 'integer' && Number(e.value) < 0) throw ctx.error(`${what} must not be negative`, e);
  return coerce(bindExpr(e, env), INT64, env, e);
}

/** LIMIT + OFFSET of a statement when literal (for the ordered-walk cost rule). */
function rowsWanted(stmt: SelectStmt | null): RowsWanted {
  const lit = (e: Expr | null): number | undefined => (e === null ? 0 : e.kind === 'integer' ? Number(e.value) : undefined);
  const limit = lit(stmt?.limit ?? null);
  const offset = lit(stmt?.offset ?? null);
  return { limited: stmt !== null && stmt.limit !== null, count: limit === undefined || offset === undefined ? undefined : limit + offset };
}

/** `served`: the input already comes in key order (order-by-index.ts), by groups or exactly. */
function applySortLimit(root: PlanNode, keys: readonly SortKey[], stmt: SelectStmt | null, ctx: BindContext, scope: Scope, served: { readonly groups: boolean } | null = null): PlanNode {
  if (stmt === null) return root;
  const limit = bindLimit(stmt.limit, ctx, scope, 'LIMIT');
  const offset = bindLimit(stmt.offset, ctx, scope, 'OFFSET');
  if (served !== null) {
    const lead = keys[0]!.expr as Extract<BExpr, { kind: 'col' }>;
    if (served.groups) root = { kind: 'incrementalSort', input: root, keys, groupSlot: lead.slot, groupType: lead.type };
  } else if (keys.length > 0 && limit !== null) return { kind: 'topN', input: root, keys, limit, offset };
  else if (keys.length > 0) root = { kind: 'sort', input: root, keys };
  if (limit !== null || offset !== null) root = { kind: 'limit', input: root, limit, offset };
  return root;
}

/** ORDER BY / LIMIT over a set operation or VALUES: output columns only. */
function finishOutput(body: BoundQuery, stmt: SelectStmt, ctx: BindContext): BoundQuery {
  const scope = new Scope(null, 0);
  const keys: SortKey[] = stmt.orderBy.map((o: OrderItem) => {
    let idx: number | null = null;
    if (o.expr.kind === 'integer') idx = Number(o.expr.value) - 1;
    else if (o.expr.kind === 'column' && o.expr.table === null) {
      const n = o.expr.name.name.toLowerCase();
      idx = body.columns.findIndex((c) => c.name.toLowerCase() === n);
    }
    if (idx === null || idx < 0 || idx >= body.columns.length) throw ctx.error('invalid UNION/INTERSECT/EXCEPT ORDER BY clause', o.expr);
    const desc = o.direction === 'desc';
    const c = body.columns[idx]!;
    return { expr: { kind: 'col', slot: idx, type: c.type, name: c.name }, desc, nullsFirst: o.nulls === null ? desc : o.nulls === 'first' };
  });
  return { root: applySortLimit(body.root, keys, stmt, ctx, scope), columns: body.columns };
}

export { rowidColumn };

/** Name of the rowid system column of every table relation. */
export const CTID = 'ctid';
