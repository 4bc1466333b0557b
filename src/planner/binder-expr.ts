/**
 * Binds AST expressions: resolves column names through Scopes (case-insensitive; ambiguity and
 * unknown-name errors as Postgres words them), types every node with the value semantics'
 * rules, infers `$n` types from context, folds string literals into the type they meet
 * (Postgres "unknown" literals), and collects aggregates for the block. Query blocks themselves
 * are bound in binder.ts (reached through the `subquery` callback).
 */
import type { Expr, SelectStmt } from '../sql/index.js';
import type { SqlType, Value } from '../record/index.js';
import { Decimal } from '../record/index.js';
import { DecentDBError } from '../util/index.js';
// Type rules live with the value semantics in exec (one source of truth); see the report/ADR
// note on this upward import of pure functions.
import { aggregateResultType, castKind, castValue, commonType, isAggregateName, lookupFunction, parseDecimal, pgTypeName, resultType } from '../types/index.js';
import { formatExpr } from './expr-format.js';
import type { AggCall, PhysicalPlan, WindowCall } from './plan.js';
import { bindWindow, isWindowOnly } from './bind-window.js';
import { BOOL, INT64, TEXT, collectSlots, forEachChild, mapColumns } from './bound-expr.js';
import type { BExpr, BSubquery } from './bound-expr.js';
import type { BindContext, Scope } from './scope.js';

/** The type of a NULL literal, an unresolved `$n` or a string literal before it meets a type. */
export const UNKNOWN: SqlType = { base: 'TEXT' };

/** Aggregates met while binding one block's select list / HAVING / ORDER BY. */
export interface AggState {
  readonly calls: AggCall[];
  readonly keys: string[];
  /** True while binding an aggregate's argument (nested aggregates are an error). */
  inside: boolean;
}

/** Window calls sharing one PARTITION BY / ORDER BY: one sort, one Window node (bind-window.ts). */
export interface WindowGroup {
  readonly key: string;
  readonly partition: BExpr[];
  readonly order: { expr: BExpr; desc: boolean; nullsFirst: boolean }[];
  /** The group's calls with their block-wide index (placeholder slot WINDOW_SLOT - index). */
  readonly calls: { call: WindowCall; index: number }[];
}

/** The window function calls of one block. */
export interface WindowState {
  readonly groups: WindowGroup[];
  count: number;
}

export interface ExprEnv {
  readonly scope: Scope;
  readonly ctx: BindContext;
  readonly agg: AggState | null;
  readonly window: WindowState | null;
  /** Clause name for "aggregate functions are not allowed in WHERE". */
  readonly clause: string;
  readonly subquery: (stmt: SelectStmt, scope: Scope) => { plan: PhysicalPlan; refs: Scope['refs'] };
}

/** Placeholder slots: aggregate i → AGG_SLOT - i; window call i → WINDOW_SLOT - i. */
export const AGG_SLOT = -1;
export const WINDOW_SLOT = -1_000_000;

/** The clause name while an aggregate's argument is bound (no window calls inside). */
export const AGGREGATE_ARGUMENTS = 'aggregate function arguments';

const isUnknown = (e: BExpr): boolean => e.type === UNKNOWN;

/** Coerces `e` to `to`: types unknowns, promotes numerics; ERR_SQL when Postgres would not. */
export function coerce(e: BExpr, to: SqlType, env: ExprEnv, node: object | null): BExpr {
  if (e.type === to) return e;
  if (isUnknown(e)) {
    if (e.kind === 'param') {
      env.ctx.paramTypes[e.index - 1] ??= to;
      return { kind: 'param', index: e.index, type: env.ctx.paramTypes[e.index - 1]! };
    }
    if (e.kind === 'const') {
      if (e.value === null) return { kind: 'const', value: null, type: to };
      if (to.base === 'TEXT') return { kind: 'const', value: e.value, type: to };
      try {
        return { kind: 'const', value: castValue(e.value, TEXT, to), type: to };
      } catch (err) {
        if (err instanceof DecentDBError) throw env.ctx.error(err.message, node);
        throw err;
      }
    }
  }
  if (e.type.base === to.base && (to.base !== 'DECIMAL' || to.precision === undefined)) return e;
  // DECIMALs compare and combine by value whatever their typmods (numeric(10,2) = numeric(12,4)).
  if (e.type.base === 'DECIMAL' && to.base === 'DECIMAL') return e;
  const k = castKind(e.type, to);
  if (k === 'identity' || k === 'implicit') return { kind: 'promote', operand: e, type: to };
  if (e.type.base === 'TEXT' && to.base === 'TEXT') return e;
  throw env.ctx.error(`operator does not exist: ${pgTypeName(e.type)} = ${pgTypeName(to)}`, node);
}

/** The common type of two operands (unknowns adopt the other side; two unknowns are TEXT). */
function unify(a: BExpr, b: BExpr, env: ExprEnv, node: object): [BExpr, BExpr, SqlType] {
  if (isUnknown(a) && isUnknown(b)) return [coerce(a, TEXT, env, node), coerce(b, TEXT, env, node), TEXT];
  if (isUnknown(a)) return [coerce(a, b.type, env, node), b, b.type];
  if (isUnknown(b)) return [a, coerce(b, a.type, env, node), a.type];
  let t: SqlType;
  try {
    t = commonType(a.type, b.type);
  } catch (err) {
    if (err instanceof DecentDBError) throw env.ctx.error(err.message, node);
    throw err;
  }
  return [coerce(a, t, env, node), coerce(b, t, env, node), t];
}

export function unifyAll(list: BExpr[], env: ExprEnv, node: object): [BExpr[], SqlType] {
  let t: SqlType | null = null;
  for (const e of list) {
    if (isUnknown(e)) continue;
    try {
      t = t === null ? e.type : commonType(t, e.type);
    } catch (err) {
      if (err instanceof DecentDBError) throw env.ctx.error(err.message, node);
      throw err;
    }
  }
  const target = t ?? TEXT;
  return [list.map((e) => coerce(e, target, env, node)), target];
}

export function wrap<T>(env: ExprEnv, node: object, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof DecentDBError && err.code === 'ERR_SQL' && err.details === undefined) throw env.ctx.error(err.message, node);
    throw err;
  }
}

/** Resolves a column reference through the scope chain (correlation recorded on the way). */
export function resolveColumn(table: string | null, name: string, env: ExprEnv, node: object): BExpr {
  let scope: Scope | null = env.scope;
  while (scope !== null) {
    const hit = lookupIn(scope, table, name, env, node);
    if (hit !== null) {
      if (scope === env.scope) return hit;
      // A correlated reference: every slot it reads (a merged USING column may read two).
      const level = scope.level;
      const slots = collectSlots(hit, new Set());
      for (let s: Scope | null = env.scope; s !== null && s !== scope; s = s.parent) {
        let set = s.refs.outer.get(level);
        if (set === undefined) s.refs.outer.set(level, (set = new Set()));
        for (const x of slots) set.add(x);
      }
      return mapColumns(hit, (c) => ({ kind: 'outer', level, slot: c.slot, type: c.type, name: c.name }));
    }
    scope = scope.parent;
  }
  if (table !== null) {
    let known = false;
    for (let s: Scope | null = env.scope; s !== null && !known; s = s.parent) known = s.rels.some((r) => r.alias === table);
    if (!known) throw env.ctx.error(`missing FROM-clause entry for table "${table}"`, node);
    throw env.ctx.error(`column ${table}.${name} does not exist`, node);
  }
  throw env.ctx.error(`column "${name}" does not exist`, node);
}

/** The expression a name means in `scope`: a column, or a merged USING column's expression. */
function lookupIn(scope: Scope, table: string | null, name: string, env: ExprEnv, node: object): BExpr | null {
  if (table === null) {
    const u = scope.usingColumn(name, () => env.ctx.error(`column reference "${name}" is ambiguous`, node));
    if (u !== null) return u;
  }
  let found: BExpr | null = null;
  for (const rel of scope.rels) {
    if (table !== null && rel.alias !== table) continue;
    for (let i = 0; i < rel.columns.length; i++) {
      const c = rel.columns[i]!;
      if (c.name.toLowerCase() !== name) continue;
      if (found !== null) throw env.ctx.error(`column reference "${name}" is ambiguous`, node);
      found = { kind: 'col', slot: rel.offset + i, type: c.type, name: scope.display(rel, c.name) };
    }
  }
  return found;
}

/** A structural key of a bound expression (GROUP BY matching, aggregate dedupe). */
export function exprKey(e: BExpr): string {
  return JSON.stringify(e, (k, v: unknown) => (k === 'plan' ? '#plan' : typeof v === 'bigint' ? `${v}n` : v instanceof Decimal ? v.toString() : v));
}

function literal(value: Value, type: SqlType): BExpr {
  return { kind: 'const', value, type };
}

/** Binds an expression in `env`. */
export function bindExpr(e: Expr, env: ExprEnv): BExpr {
  switch (e.kind) {
    case 'integer':
      return literal(e.value, INT64);
    case 'decimal': {
      const d = parseDecimal(e.text);
      if (d === null) return literal(Number(e.text), { base: 'FLOAT64' });
      return literal(d, { base: 'DECIMAL' });
    }
    case 'string':
      return literal(e.value, UNKNOWN);
    case 'boolean':
      return literal(e.value, BOOL);
    case 'null':
      return literal(null, UNKNOWN);
    case 'param': {
      const t = env.ctx.paramTypes[e.index - 1];
      if (env.ctx.paramTypes.length < e.index) env.ctx.paramTypes.length = e.index;
      return { kind: 'param', index: e.index, type: t ?? UNKNOWN };
    }
    case 'column':
      return resolveColumn(e.table === null ? null : e.table.name.toLowerCase(), e.name.name.toLowerCase(), env, e);
    case 'unary': {
      const x = bindExpr(e.operand, env);
      if (e.op === 'not') return { kind: 'not', operand: coerce(x, BOOL, env, e), type: BOOL };
      const t = isUnknown(x) ? INT64 : x.type;
      if (t.base !== 'INT64' && t.base !== 'FLOAT64' && t.base !== 'DECIMAL') throw env.ctx.error(`operator does not exist: ${e.op} ${pgTypeName(t)}`, e);
      const xo = coerce(x, t, env, e);
      if (e.op === '+') return xo;
      if (xo.kind === 'const' && typeof xo.value === 'number' && xo.value > 0) return literal(-xo.value, t);
      return { kind: 'neg', operand: xo, type: t };
    }
    case 'binary':
      return bindBinary(e, env);
    case 'isNull':
      return { kind: 'isNull', operand: coerceUnknownText(bindExpr(e.expr, env), env, e), not: e.not, type: BOOL };
    case 'isTruth':
      return { kind: 'isTruth', operand: coerce(bindExpr(e.expr, env), BOOL, env, e), value: e.value, not: e.not, type: BOOL };
    case 'isDistinct': {
      const [l, r, t] = unify(bindExpr(e.left, env), bindExpr(e.right, env), env, e);
      return { kind: 'isDistinct', left: l, right: r, not: e.not, cmpType: t, type: BOOL };
    }
    case 'between': {
      const x = bindExpr(e.expr, env);
      const lo = bindExpr(e.low, env);
      const hi = bindExpr(e.high, env);
      const [all, t] = unifyAll([x, lo, hi], env, e);
      const [bx, blo, bhi] = all as [BExpr, BExpr, BExpr];
      const ge = (a: BExpr, b: BExpr): BExpr => ({ kind: 'compare', op: '>=', left: a, right: b, cmpType: t, type: BOOL });
      const le = (a: BExpr, b: BExpr): BExpr => ({ kind: 'compare', op: '<=', left: a, right: b, cmpType: t, type: BOOL });
      let body: BExpr = { kind: 'and', args: [ge(bx, blo), le(bx, bhi)], type: BOOL };
      if (e.symmetric) body = { kind: 'or', args: [body, { kind: 'and', args: [ge(bx, bhi), le(bx, blo)], type: BOOL }], type: BOOL };
      return e.not ? { kind: 'not', operand: body, type: BOOL } : body;
    }
    case 'inList': {
      const [all, t] = unifyAll([bindExpr(e.expr, env), ...e.list.map((x) => bindExpr(x, env))], env, e);
      return { kind: 'inList', operand: all[0]!, list: all.slice(1), not: e.not, cmpType: t, type: BOOL };
    }
    case 'inSubquery': {
      const operand = bindExpr(e.expr, env);
      const sub = env.subquery(e.query, env.scope);
      if (sub.plan.columns.length !== 1) throw env.ctx.error('subquery has too many columns', e);
      const st = sub.plan.columns[0]!.type;
      const [l, , t] = unify(operand, { kind: 'const', value: null, type: st }, env, e);
      return makeSubquery('in', sub, l, e.not, t, BOOL, env);
    }
    case 'exists': {
      const sub = env.subquery(e.query, env.scope);
      return makeSubquery('exists', sub, null, false, BOOL, BOOL, env);
    }
    case 'subquery': {
      const sub = env.subquery(e.query, env.scope);
      if (sub.plan.columns.length !== 1) throw env.ctx.error('subquery must return only one column', e);
      const t = sub.plan.columns[0]!.type;
      return makeSubquery('scalar', sub, null, false, t, t, env);
    }
    case 'like': {
      const x = coerceUnknownText(bindExpr(e.expr, env), env, e);
      const p = coerce(bindExpr(e.pattern, env), TEXT, env, e);
      const esc = e.escape === null ? null : coerce(bindExpr(e.escape, env), TEXT, env, e);
      if (x.type.base !== 'TEXT') throw env.ctx.error(`operator does not exist: ${pgTypeName(x.type)} ~~ text`, e);
      return { kind: 'like', operand: x, pattern: p, escape: esc, not: e.not, caseInsensitive: e.caseInsensitive, type: BOOL };
    }
    case 'cast': {
      const x = bindExpr(e.expr, env);
      const to = e.type.sqlType;
      if (isUnknown(x)) return coerce(x, to, env, e);
      if (castKind(x.type, to) === null) throw env.ctx.error(`cannot cast type ${pgTypeName(x.type)} to ${pgTypeName(to)}`, e);
      return { kind: 'cast', operand: x, type: to };
    }
    case 'case': {
      const operand = e.operand === null ? null : bindExpr(e.operand, env);
      const whens: BExpr[] = [];
      for (const w of e.whens) {
        if (operand === null) whens.push(coerce(bindExpr(w.when, env), BOOL, env, w.when));
        else {
          const [l, r, t] = unify(operand, bindExpr(w.when, env), env, w.when);
          whens.push({ kind: 'compare', op: '=', left: l, right: r, cmpType: t, type: BOOL });
        }
      }
      const results = e.whens.map((w) => bindExpr(w.then, env));
      if (e.else !== null) results.push(bindExpr(e.else, env));
      const [rs, t] = unifyAll(results, env, e);
      return {
        kind: 'case',
        whens: whens.map((w, i) => ({ when: w, then: rs[i]! })),
        else: e.else === null ? null : rs[rs.length - 1]!,
        type: t,
      };
    }
    case 'call':
      return bindCall(e, env);
    case 'sqlValueFunction': {
      const name = e.name === 'current_date' ? 'current_date' : 'now';
      return { kind: 'call', name, args: [], type: wrap(env, e, () => lookupFunction(name)?.returnType([]) ?? { base: 'TIMESTAMP' }) };
    }
    case 'default':
      throw env.ctx.error('DEFAULT is not allowed in this context', e);
  }
}

export function coerceUnknownText(x: BExpr, env: ExprEnv, node: object): BExpr {
  return isUnknown(x) ? coerce(x, TEXT, env, node) : x;
}

function makeSubquery(mode: BSubquery['mode'], sub: { plan: PhysicalPlan; refs: Scope['refs'] }, operand: BExpr | null, not: boolean, cmpType: SqlType, type: SqlType, env: ExprEnv): BExpr {
  const refs = sub.refs.outer;
  let correlated = false;
  let deepCorrelated = false;
  for (const level of refs.keys()) {
    if (level <= env.scope.level) correlated = true;
    if (level < env.scope.level) deepCorrelated = true;
  }
  const mine = refs.get(env.scope.level);
  const s: BSubquery = {
    kind: 'subquery',
    mode,
    plan: sub.plan.root,
    level: env.scope.level + 1,
    correlated,
    operand,
    not,
    cmpType,
    type,
    refs: mine === undefined ? [] : [...mine].sort((a, b) => a - b),
    deepCorrelated,
  };
  return s;
}

const COMPARE_OPS = new Set(['=', '<>', '<', '<=', '>', '>=']);

function bindBinary(e: Extract<Expr, { kind: 'binary' }>, env: ExprEnv): BExpr {
  const l = bindExpr(e.left, env);
  const r = bindExpr(e.right, env);
  if (e.op === 'and' || e.op === 'or') {
    const args: BExpr[] = [];
    for (const x of [coerce(l, BOOL, env, e.left), coerce(r, BOOL, env, e.right)]) {
      if (x.kind === e.op) args.push(...x.args);
      else args.push(x);
    }
    return { kind: e.op, args, type: BOOL };
  }
  if (COMPARE_OPS.has(e.op)) {
    const [bl, br, t] = unify(l, r, env, e);
    return { kind: 'compare', op: e.op as '=', left: bl, right: br, cmpType: t, type: BOOL };
  }
  if (e.op === '||') {
    const bl = isUnknown(l) ? coerce(l, r.type.base === 'BLOB' ? r.type : TEXT, env, e) : l;
    const br = isUnknown(r) ? coerce(r, bl.type.base === 'BLOB' ? bl.type : TEXT, env, e) : r;
    const t = wrap(env, e, () => resultType('||', bl.type, br.type));
    return { kind: 'concat', left: bl, right: br, type: t };
  }
  const op = e.op as '+' | '-' | '*' | '/' | '%';
  const bl = isUnknown(l) ? coerce(l, isUnknown(r) ? INT64 : r.type, env, e) : l;
  const br = isUnknown(r) ? coerce(r, bl.type, env, e) : r;
  const t = wrap(env, e, () => resultType(op, bl.type, br.type));
  return { kind: 'arith', op, left: coerce(bl, t, env, e), right: coerce(br, t, env, e), type: t };
}

function bindCall(e: Extract<Expr, { kind: 'call' }>, env: ExprEnv): BExpr {
  const name = e.name.name.toLowerCase();
  if (e.over !== null) return bindWindow(e, name, env);
  if (isWindowOnly(name)) throw env.ctx.error(`window function ${name} requires an OVER clause`, e);
  if (isAggregateName(name)) {
    const agg = env.agg;
    if (agg === null) throw env.ctx.error(`aggregate functions are not allowed in ${env.clause}`, e);
    if (agg.inside) throw env.ctx.error('aggregate function calls cannot be nested', e);
    let arg: BExpr | null = null;
    if (!e.star) {
      if (e.args.length !== 1) throw env.ctx.error(`function ${name} takes exactly one argument`, e);
      agg.inside = true;
      try {
        arg = coerceUnknownText(bindExpr(e.args[0]!, { ...env, agg, window: null, clause: AGGREGATE_ARGUMENTS }), env, e);
      } finally {
        agg.inside = false;
      }
    } else if (name !== 'count') throw env.ctx.error(`${name}(*) must be used with COUNT`, e);
    const type = wrap(env, e, () => aggregateResultType(name, arg === null ? null : arg.type));
    const call: AggCall = { name, arg, distinct: e.distinct, type };
    const key = exprKey({ kind: 'call', name: `${name}${e.distinct ? ' distinct' : ''}`, args: arg === null ? [] : [arg], type });
    let i = agg.keys.indexOf(key);
    if (i < 0) {
      i = agg.calls.length;
      agg.calls.push(call);
      agg.keys.push(key);
    }
    return { kind: 'col', slot: AGG_SLOT - i, type, name: `${name}(${e.distinct ? 'DISTINCT ' : ''}${arg === null ? '*' : formatExpr(arg)})` };
  }
  if (e.star || e.distinct) throw env.ctx.error(`function ${name} is not an aggregate`, e);
  const f = lookupFunction(name);
  const args = e.args.map((a) => bindExpr(a, env));
  if (f === undefined) throw env.ctx.error(`function ${name}(${args.map((a) => pgTypeName(a.type)).join(', ')}) does not exist`, e);
  let bound = args;
  if (name === 'coalesce' || name === 'nullif' || name === 'greatest' || name === 'least') bound = unifyAll(args, env, e)[0];
  else bound = args.map((a) => (isUnknown(a) ? coerce(a, TEXT, env, e) : a));
  const type = wrap(env, e, () => f.returnType(bound.map((a) => a.type)));
  return { kind: 'call', name, args: bound, type };
}

/** True when `e` contains an aggregate placeholder. */
export function hasAggregate(e: BExpr): boolean {
  if (e.kind === 'col') return e.slot <= AGG_SLOT && e.slot > WINDOW_SLOT;
  let found = false;
  const visit = (x: BExpr): void => {
    if (!found && hasAggregate(x)) found = true;
  };
  if (e.kind !== 'const' && e.kind !== 'param' && e.kind !== 'outer') forEachChild(e, visit);
  return found;
}

