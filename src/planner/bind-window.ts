/**
 * Binds a window function call `f(…) OVER (PARTITION BY … ORDER BY … [frame])` as Postgres
 * types it: ranking functions (row_number, rank, dense_rank → BIGINT; percent_rank, cume_dist →
 * DOUBLE; ntile(n) → BIGINT), offsets (lag/lead(x [, n [, default]]) → type of x), frame values
 * (first_value, last_value, nth_value) and the aggregates COUNT/SUM/AVG/MIN/MAX over the frame.
 * Calls with the same PARTITION BY and ORDER BY share one WindowGroup (one sort); each call
 * becomes a placeholder column WINDOW_SLOT - i that the block binder maps to its Window node.
 * Named windows (WINDOW w AS …), GROUPS frames, EXCLUDE and DISTINCT inside a window aggregate
 * are rejected.
 */
import type { Expr, WindowFrame as AstFrame } from '../sql/index.js';
import type { SqlType } from '../record/index.js';
import { aggregateResultType, isAggregateName } from '../types/index.js';
import { FLOAT64, INT64 } from './bound-expr.js';
import type { BExpr } from './bound-expr.js';
import { AGGREGATE_ARGUMENTS, UNKNOWN, WINDOW_SLOT, bindExpr, coerce, coerceUnknownText, exprKey, unifyAll, wrap } from './binder-expr.js';
import type { ExprEnv } from './binder-expr.js';
import type { FrameEdge, WindowCall, WindowFn, WindowFrame } from './plan.js';

type CallExpr = Extract<Expr, { kind: 'call' }>;

const RANKING = new Set(['row_number', 'rank', 'dense_rank', 'percent_rank', 'cume_dist']);
const VALUE_FNS = new Set(['lag', 'lead', 'first_value', 'last_value', 'nth_value', 'ntile']);

/** Functions that exist only as window functions (a call without OVER is an error). */
export const isWindowOnly = (name: string): boolean => RANKING.has(name) || VALUE_FNS.has(name);

/** RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW: Postgres's default frame. */
const DEFAULT_FRAME: WindowFrame = { mode: 'range', start: { kind: 'unboundedPreceding', offset: null }, end: { kind: 'currentRow', offset: null } };

export function bindWindow(e: CallExpr, name: string, env: ExprEnv): BExpr {
  const w = env.window;
  if (w === null) {
    if (env.clause === AGGREGATE_ARGUMENTS) throw env.ctx.error('aggregate function calls cannot contain window function calls', e);
    throw env.ctx.error(env.clause === 'window function arguments' ? 'window function calls cannot be nested' : `window functions are not allowed in ${env.clause}`, e);
  }
  if (!RANKING.has(name) && !VALUE_FNS.has(name) && !isAggregateName(name)) {
    throw env.ctx.error(`OVER specified, but ${name} is not a window function nor an aggregate function`, e);
  }
  if (e.distinct) throw env.ctx.error('DISTINCT is not implemented for window functions', e);
  const over = e.over!; // bindCall sends only calls with OVER here
  const definition: ExprEnv = { ...env, window: null, clause: 'window definitions' };
  const partition = over.partitionBy.map((p) => coerceUnknownText(bindExpr(p, definition), env, p));
  const order = over.orderBy.map((o) => {
    const desc = o.direction === 'desc';
    return { expr: coerceUnknownText(bindExpr(o.expr, definition), env, o.expr), desc, nullsFirst: o.nulls === null ? desc : o.nulls === 'first' };
  });
  const call: WindowCall = { ...bindCallArgs(e, name, { ...env, window: null, clause: 'window function arguments' }), frame: bindFrame(over.frame ?? null, definition) };
  const key = exprKey({ kind: 'call', name: 'w', args: [...partition, ...order.map((o) => o.expr)], type: INT64 }) + order.map((o) => `${o.desc}${o.nullsFirst}`).join();
  let group = w.groups.find((g) => g.key === key);
  if (group === undefined) {
    group = { key, partition, order, calls: [] };
    w.groups.push(group);
  }
  const index = w.count++;
  group.calls.push({ call, index });
  return { kind: 'col', slot: WINDOW_SLOT - index, type: call.type, name };
}

function bindCallArgs(e: CallExpr, name: string, env: ExprEnv): Omit<WindowCall, 'frame'> {
  const arity = (min: number, max: number): void => {
    if (e.star || e.args.length < min || e.args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      throw env.ctx.error(`function ${name} takes ${want} argument${max === 1 ? '' : 's'}`, e);
    }
  };
  const arg = (i: number): BExpr => bindExpr(e.args[i]!, env);
  const int = (i: number): BExpr => coerce(arg(i), INT64, env, e.args[i]!);
  const fn = name as WindowFn;
  if (RANKING.has(name)) {
    arity(0, 0);
    return { fn, args: [], type: name === 'percent_rank' || name === 'cume_dist' ? FLOAT64 : INT64 };
  }
  if (isAggregateName(name)) {
    if (e.star) {
      if (name !== 'count') throw env.ctx.error(`${name}(*) must be used with COUNT`, e);
      return { fn, args: [], type: INT64 };
    }
    arity(1, 1);
    const x = coerceUnknownText(arg(0), env, e);
    return { fn, args: [x], type: wrap(env, e, () => aggregateResultType(name, x.type)) };
  }
  switch (name) {
    case 'ntile':
      arity(1, 1);
      return { fn, args: [int(0)], type: INT64 };
    case 'lag':
    case 'lead': {
      arity(1, 3);
      const x = arg(0);
      if (e.args.length < 3) {
        const v = coerceUnknownText(x, env, e);
        return { fn, args: e.args.length === 2 ? [v, int(1)] : [v], type: v.type };
      }
      const [[v, d], t] = unifyAll([x, arg(2)], env, e) as [[BExpr, BExpr], SqlType];
      const typed = t === UNKNOWN ? [coerceUnknownText(v, env, e), coerceUnknownText(d, env, e)] : [v, d];
      return { fn, args: [typed[0]!, int(1), typed[1]!], type: typed[0]!.type };
    }
    case 'nth_value': {
      arity(2, 2);
      const v = coerceUnknownText(arg(0), env, e);
      return { fn, args: [v, int(1)], type: v.type };
    }
    default: {
      arity(1, 1); // first_value, last_value
      const v = coerceUnknownText(arg(0), env, e);
      return { fn, args: [v], type: v.type };
    }
  }
}

function bindFrame(f: AstFrame | null, env: ExprEnv): WindowFrame {
  if (f === null) return DEFAULT_FRAME;
  const edge = (b: AstFrame['start']): FrameEdge => {
    if (b.offset === null) return { kind: b.kind, offset: null };
    const off = coerce(bindExpr(b.offset, env), INT64, env, b.offset);
    if (off.kind !== 'const' && off.kind !== 'param') throw env.ctx.error('frame offsets must be constants or parameters', b.offset);
    return { kind: b.kind, offset: off };
  };
  return { mode: f.mode, start: edge(f.start), end: edge(f.end) };
}
