/**
 * Instantiates a PhysicalPlan into Operators for one execution and exposes the rows: the
 * executor's entry point. Expressions are compiled once here; subquery plans inside
 * expressions are instantiated once and re-opened per run (correlated: per outer row).
 */
import { assertNever } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { BSubquery, OutputColumn, PhysicalPlan, PlanNode } from '../planner/index.js';
import { compileExpr, compilePredicate } from './compile-expr.js';
import type { Compiled, Env } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { HashAggregateOp } from './aggregate-op.js';
import { HashJoinOp, IndexNestedLoopJoinOp, NestedLoopJoinOp } from './join-ops.js';
import { DistinctOp, FilterOp, LimitOp, ProjectOp, SetOpOp, SubqueryScanOp, ValuesOp } from './operator.js';
import type { Operator } from './operator.js';
import { ScanOp } from './scan-op.js';
import { SortOp, TopNOp, WindowOp, makeComparator } from './sort-ops.js';

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
      return n.types;
    case 'filter':
    case 'limit':
    case 'sort':
    case 'topN':
      return nodeTypes(n.input);
    default:
      return null;
  }
}

/** Builds the operator tree of `n` (exported for tests that drive single operators). */
export function buildOperator(n: PlanNode, env: Env): Operator {
  const c = (e: Parameters<typeof compileExpr>[0]): Compiled => compileExpr(e, env);
  switch (n.kind) {
    case 'scan':
      return new ScanOp(n, env);
    case 'values':
      return new ValuesOp(n.rows.map((r) => r.map(c)), n.width, n.offset);
    case 'subqueryScan':
      return new SubqueryScanOp(buildOperator(n.input, env), n.offset, n.width, compilePredicate(n.filter, env));
    case 'filter':
      return new FilterOp(buildOperator(n.input, env), compilePredicate(n.predicate, env)!);
    case 'project':
      return new ProjectOp(buildOperator(n.input, env), n.exprs.map(c));
    case 'nestedLoopJoin':
      return new NestedLoopJoinOp(n.join, buildOperator(n.left, env), buildOperator(n.right, env), compilePredicate(n.cond, env), n.rightSlots);
    case 'indexNestedLoopJoin':
      return new IndexNestedLoopJoinOp(n.join, buildOperator(n.outer, env), new ScanOp(n.inner, env), compilePredicate(n.cond, env), n.innerSlots);
    case 'hashJoin':
      return new HashJoinOp(n.join, buildOperator(n.probe, env), buildOperator(n.build, env), n.probeKeys.map(c), n.buildKeys.map(c), n.keyTypes, compilePredicate(n.cond, env), n.buildSlots);
    case 'sort':
      return new SortOp(buildOperator(n.input, env), makeComparator(n.keys, n.keys.map((k) => c(k.expr))), nodeTypes(n.input), env);
    case 'topN':
      return new TopNOp(buildOperator(n.input, env), makeComparator(n.keys, n.keys.map((k) => c(k.expr))), c(n.limit), n.offset === null ? null : c(n.offset), env);
    case 'aggregate':
      return new HashAggregateOp(
        buildOperator(n.input, env),
        n.groups.map(c),
        n.groups.map((g) => g.type),
        n.aggs,
        n.aggs.map((a) => (a.arg === null ? null : c(a.arg))),
      );
    case 'distinct':
      return new DistinctOp(buildOperator(n.input, env), n.types);
    case 'limit':
      return new LimitOp(buildOperator(n.input, env), n.limit === null ? null : c(n.limit), n.offset === null ? null : c(n.offset));
    case 'setOp':
      return new SetOpOp(n.op, n.all, buildOperator(n.left, env), buildOperator(n.right, env), n.types);
    case 'window':
      return new WindowOp(buildOperator(n.input, env), n.partition.map(c), n.partitionTypes, makeComparator(n.order, n.order.map((k) => c(k.expr))));
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
    fnCtx: { clock: ctx.clock },
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
 * Runs a plan. Parameters, clock, storage and budget come from `ctx`.
 * @example for (const row of execute(plan, ctx)) console.log(row);
 */
export function execute(plan: PhysicalPlan, ctx: ExecContext): RowIterator {
  const env = newEnv(ctx);
  const root = buildOperator(plan.root, env);
  root.open();
  let done = false;
  const it: RowIterator = {
    columns: plan.columns,
    next(): IteratorResult<Value[]> {
      if (done) return { done: true, value: undefined };
      const r = root.next();
      if (r === undefined) {
        done = true;
        root.close();
        return { done: true, value: undefined };
      }
      return { done: false, value: r };
    },
    close(): void {
      if (!done) {
        done = true;
        root.close();
      }
    },
    return(): IteratorResult<Value[]> {
      it.close();
      return { done: true, value: undefined };
    },
    [Symbol.iterator]() {
      return it;
    },
  };
  return it;
}
