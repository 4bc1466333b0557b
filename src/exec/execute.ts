/**
 * Instantiates a PhysicalPlan into Operators and exposes the rows: the executor's entry point.
 * Expressions are compiled once per operator tree; subquery plans inside expressions are
 * instantiated once and re-opened per run (correlated: per outer row). `executeReusing` keeps
 * idle trees per plan, so a prepared statement's next run only rebinds parameters and re-opens.
 */
import { DecentDBError, assertNever } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { BSubquery, FrameEdge, OutputColumn, PhysicalPlan, PlanNode } from '../planner/index.js';
import { rowidColumn } from '../planner/index.js';
import { bindParams, compileExpr, compilePredicate } from './compile-expr.js';
import type { Compiled, Env } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { CountScanOp, HashAggregateOp, countStarRoot } from './aggregate-op.js';
import { HashJoinOp, IndexNestedLoopJoinOp, NestedLoopJoinOp } from './join-ops.js';
import { DistinctOp, FilterOp, LimitOp, ProjectOp, SetOpOp, SubqueryScanOp, ValuesOp } from './operator.js';
import type { Operator } from './operator.js';
import { IncrementalSortOp } from './incremental-sort.js';
import { ScanOp } from './scan-op.js';
import { SortOp, TopNOp, makeComparator } from './sort-ops.js';
import { TopNBound } from './top-n-bound.js';
import { WindowOp } from './window-op.js';
import { RecursiveUnionOp, WorkTableScanOp, type WorkTable } from './recursive-union.js';

/** Rows of one execution; iterate, or pull with next(). close() releases spill files early. */
export interface RowIterator extends IterableIterator<Value[]> {
  readonly columns: readonly OutputColumn[];
  close(): void;
}

/** Output types of a node when statically known (for spill encoding), else null. */
function nodeTypes(n: PlanNode): readonly SqlType[] | null {
  switch (n.kind) {
    case 'project':
      return n.exprs.map((e) => e.type);
    case 'distinct':
    case 'setOp':
    case 'recursiveUnion':
      return n.types;
    case 'filter':
    case 'limit':
    case 'sort':
    case 'incrementalSort':
    case 'topN':
      return nodeTypes(n.input);
    default:
      return null;
  }
}

type ScanNode = Extract<PlanNode, { kind: 'scan' }>;

/** A TopN's bound and the Scan below it that prunes with it (top-n-bound.ts). */
interface Pruning {
  readonly scan: ScanNode;
  readonly bound: TopNBound;
}

/**
 * The pruning for a TopN over `n` ordered first by `key`: when that key is a TEXT or INT64
 * column (not the rowid) of a table Scan reached through filters and column projections only.
 */
function topNPruning(n: PlanNode, key: Extract<PlanNode, { kind: 'topN' }>['keys'][number]): Pruning | null {
  if (key.expr.kind !== 'col' || key.expr.slot < 0) return null;
  const base = key.expr.type.base;
  if (base !== 'TEXT' && base !== 'INT64') return null;
  let slot = key.expr.slot;
  for (;;) {
    if (n.kind === 'filter') n = n.input;
    else if (n.kind === 'project') {
      const e = n.exprs[slot];
      if (e === undefined || e.kind !== 'col' || e.slot < 0) return null;
      slot = e.slot;
      n = n.input;
    } else break;
  }
  if (n.kind !== 'scan') return null;
  const field = slot - n.offset;
  const column = n.table.columns[field];
  if (column === undefined || column.type.base !== base || field === rowidColumn(n.table)) return null;
  return { scan: n, bound: new TopNBound(field, base === 'TEXT', key.desc, key.nullsFirst) };
}

/** Builds the operator tree of `n` (exported for tests that drive single operators). */
export function buildOperator(n: PlanNode, env: Env, pruning: Pruning | null = null): Operator {
  const c = (e: Parameters<typeof compileExpr>[0]): Compiled => compileExpr(e, env);
  switch (n.kind) {
    case 'scan': {
      const scan = new ScanOp(n, env);
      if (pruning !== null && pruning.scan === n) scan.attachBound(pruning.bound);
      return scan;
    }
    case 'values':
      return new ValuesOp(n.rows.map((r) => r.map(c)), n.width, n.offset);
    case 'subqueryScan':
      return new SubqueryScanOp(buildOperator(n.input, env), n.offset, n.width, compilePredicate(n.filter, env));
    case 'filter':
      return new FilterOp(buildOperator(n.input, env, pruning), compilePredicate(n.predicate, env)!);
    case 'project':
      return new ProjectOp(buildOperator(n.input, env, pruning), n.exprs.map(c));
    case 'nestedLoopJoin':
      return new NestedLoopJoinOp(n.join, buildOperator(n.left, env), buildOperator(n.right, env), compilePredicate(n.cond, env), n.rightSlots, env);
    case 'indexNestedLoopJoin':
      return new IndexNestedLoopJoinOp(n.join, buildOperator(n.outer, env), new ScanOp(n.inner, env), compilePredicate(n.cond, env), n.innerSlots);
    case 'hashJoin':
      return new HashJoinOp(n.join, buildOperator(n.probe, env), buildOperator(n.build, env), n.probeKeys.map(c), n.buildKeys.map(c), n.keyTypes, compilePredicate(n.cond, env), n.buildSlots, env);
    case 'sort':
      return new SortOp(buildOperator(n.input, env), makeComparator(n.keys, n.keys.map((k) => c(k.expr))), nodeTypes(n.input), env);
    case 'incrementalSort':
      return new IncrementalSortOp(buildOperator(n.input, env), makeComparator(n.keys, n.keys.map((k) => c(k.expr))), n.groupSlot, n.groupType, nodeTypes(n.input), env);
    case 'topN': {
      const prune = n.keys.length > 0 ? topNPruning(n.input, n.keys[0]!) : null;
      const cmp = makeComparator(n.keys, n.keys.map((k) => c(k.expr)));
      return new TopNOp(buildOperator(n.input, env, prune), cmp, c(n.limit), n.offset === null ? null : c(n.offset), env, prune?.bound ?? null);
    }
    case 'aggregate': {
      const root = countStarRoot(n);
      if (root !== null) return new CountScanOp(root, n.aggs.length, env);
      return new HashAggregateOp(
        buildOperator(n.input, env),
        n.groups.map(c),
        n.groups.map((g) => g.type),
        n.aggs,
        n.aggs.map((a) => (a.arg === null ? null : c(a.arg))),
        env,
      );
    }
    case 'distinct':
      return new DistinctOp(buildOperator(n.input, env), n.types, env);
    case 'limit':
      return new LimitOp(buildOperator(n.input, env), n.limit === null ? null : c(n.limit), n.offset === null ? null : c(n.offset));
    case 'setOp':
      // UNION is DISTINCT over UNION ALL, so it spills past the budget as DISTINCT does.
      if (n.op === 'union' && !n.all) return new DistinctOp(new SetOpOp('union', true, buildOperator(n.left, env), buildOperator(n.right, env), n.types, env), n.types, env);
      return new SetOpOp(n.op, n.all, buildOperator(n.left, env), buildOperator(n.right, env), n.types, env);
    case 'window': {
      // Sorted by (partition, order), stably: peers keep input order.
      const keys = [...n.partition.map((expr) => ({ expr, desc: false, nullsFirst: false })), ...n.order];
      const sorted = new SortOp(buildOperator(n.input, env), makeComparator(keys, keys.map((k) => c(k.expr))), nodeTypes(n.input), env);
      const orderCmp = n.order.length === 0 ? null : makeComparator(n.order, n.order.map((k) => c(k.expr)));
      const edge = (x: FrameEdge): { kind: FrameEdge['kind']; offset: Compiled | null } => ({ kind: x.kind, offset: x.offset === null ? null : c(x.offset) });
      const calls = n.calls.map((call) => ({ call, args: call.args.map(c), start: edge(call.frame.start), end: edge(call.frame.end) }));
      return new WindowOp(sorted, n.partition.map(c), n.partitionTypes, orderCmp, calls);
    }
    case 'recursiveUnion': {
      const work: WorkTable = { rows: [] };
      env.workTables.set(n.workTable, work);
      return new RecursiveUnionOp(buildOperator(n.base, env), buildOperator(n.step, env), work, n.all, n.types);
    }
    case 'workTableScan': {
      const work = env.workTables.get(n.workTable);
      if (work === undefined) throw new DecentDBError('ERR_INTERNAL', `work table of "${n.name}" is built outside its recursive query`);
      return new WorkTableScanOp(work);
    }
    default:
      return assertNever(n);
  }
}

/** A fresh Env for `ctx`; subquery operators are built lazily and cached per BSubquery. */
export function newEnv(ctx: ExecContext): Env {
  const subOps = new Map<BSubquery, Operator>();
  const env: Env = {
    ctx,
    outer: [],
    fnCtx: {
      get clock() {
        return env.ctx.clock;
      },
    },
    params: [],
    paramSpecs: [],
    epoch: 0,
    workTables: new Map(),
    runSubquery: (s) => {
      let op = subOps.get(s);
      if (op === undefined) {
        op = buildOperator(s.plan, env);
        subOps.set(s, op);
      }
      const o = op;
      o.open();
      return () => o.next();
    },
  };
  return env;
}

/**
 * The iterator over `root`'s rows. `release(reusable)` runs once: when the rows end, on close(),
 * or when next()/close() throws (then reusable = false: the tree's state is unknown). A class,
 * not closures: one is made per run, and point lookups are dominated by per-run costs.
 */
class TreeIterator implements RowIterator {
  private done = false;
  constructor(
    readonly columns: readonly OutputColumn[],
    private readonly root: Operator,
    private release: ((reusable: boolean) => void) | null,
  ) {}

  private settle(reusable: boolean): void {
    const f = this.release;
    this.release = null;
    f?.(reusable);
  }

  private finish(): void {
    this.done = true;
    try {
      this.root.close();
    } catch (e) {
      this.settle(false);
      throw e;
    }
    this.settle(true);
  }

  next(): IteratorResult<Value[]> {
    if (this.done) return { done: true, value: undefined };
    let r: Value[] | undefined;
    try {
      r = this.root.next();
    } catch (e) {
      this.settle(false);
      throw e;
    }
    if (r === undefined) {
      this.finish();
      return { done: true, value: undefined };
    }
    return { done: false, value: r };
  }

  close(): void {
    if (!this.done) this.finish();
  }

  return(): IteratorResult<Value[]> {
    this.close();
    return { done: true, value: undefined };
  }

  [Symbol.iterator](): this {
    return this;
  }
}

/** Opens `root`; if that throws, closes it (spill files of a half-built sort) and rethrows. */
function openTree(root: Operator): void {
  try {
    root.open();
  } catch (e) {
    try {
      root.close();
    } catch {
      // The open error is the one to report.
    }
    throw e;
  }
}

/**
 * Runs a plan. Parameters, clock, storage and budget come from `ctx`.
 * @example for (const row of execute(plan, ctx)) console.log(row);
 */
export function execute(plan: PhysicalPlan, ctx: ExecContext): RowIterator {
  const env = newEnv(ctx);
  const root = buildOperator(plan.root, env);
  openTree(root);
  return new TreeIterator(plan.columns, root, null);
}

/** A compiled operator tree of one plan, run many times (one run at a time). */
interface ReusableTree {
  readonly env: Env;
  readonly root: Operator;
}

/** Idle trees per plan; a tree is taken out while a run uses it and put back when it ends. */
const idle = new WeakMap<PhysicalPlan, ReusableTree[]>();
const MAX_IDLE = 4;

/** Trees built and reused by executeReusing (tests assert reuse with it). @internal */
export const reuseCounters = { built: 0, reused: 0 };

/**
 * Like execute, but compiles `plan` into an operator tree once and reuses it: a later run swaps
 * in `ctx`, coerces the new parameters into the compiled closures' slots and re-opens the
 * operators (open() resets their state). Concurrent runs of one plan get separate trees. A run
 * that throws discards its tree.
 */
export function executeReusing(plan: PhysicalPlan, ctx: ExecContext): RowIterator {
  let pool = idle.get(plan);
  if (pool === undefined) idle.set(plan, (pool = []));
  let tree = pool.pop();
  if (tree === undefined) {
    const env = newEnv(ctx);
    tree = { env, root: buildOperator(plan.root, env) };
    reuseCounters.built++;
  } else {
    const env = tree.env;
    env.ctx = ctx;
    env.outer.length = 0;
    bindParams(env);
    reuseCounters.reused++;
  }
  tree.env.epoch++;
  const t = tree;
  const p = pool;
  openTree(t.root);
  return new TreeIterator(plan.columns, t.root, (reusable) => {
    if (!reusable || p.length >= MAX_IDLE) return;
    t.env.params.fill(null); // an idle tree holds no caller values (bindParams refills)
    p.push(t);
  });
}
