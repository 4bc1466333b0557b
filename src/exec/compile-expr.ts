/**
 * Compiles bound expressions into closures once per plan instantiation: no AST walk per row.
 * Three-valued logic as Postgres: AND/OR with NULL, comparisons with NULL → NULL, IN lists
 * (x NOT IN (…, NULL) is never TRUE), IS [NOT] DISTINCT FROM. Closures read parameters from
 * `env.params` slots, coerced once per run (bindParams), so one compiled tree serves many runs
 * with new parameters; per-run caches (uncorrelated subqueries) reset when `env.epoch` moves.
 * Subqueries run through the `runSubquery` hook (execute.ts), once when uncorrelated, per row
 * when correlated.
 */
import { DecentDBError, sqlError } from '../util/index.js';
import { Decimal, Timestamp } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { BExpr, BSubquery } from '../planner/index.js';
import type { WorkTable } from './recursive-union.js';
import { compareValues, hashKey, promoteValue, sqlCompare } from '../types/index.js';
import { applyArithmetic, concat, negate } from '../types/index.js';
import { castValue, parseText } from '../types/index.js';
import { compileLike } from '../types/index.js';
import type { LikeMatcher } from '../types/index.js';
import { lookupFunction } from '../types/index.js';
import type { FunctionContext } from '../types/index.js';
import { timestampFromDate } from '../types/index.js';
import type { ExecContext } from './exec-context.js';

export type Compiled = (row: readonly Value[]) => Value;

/** Runtime state shared by the compiled closures of one operator tree (one or many runs). */
export interface Env {
  /** The current run's context; a reused execution (execute.ts) swaps it before each run. */
  ctx: ExecContext;
  /** Current row of each enclosing query level (correlation). */
  readonly outer: (readonly Value[] | undefined)[];
  readonly fnCtx: FunctionContext;
  /** Opens a subquery plan and returns a row pull function (execute.ts). */
  readonly runSubquery: (s: BSubquery) => () => Value[] | undefined;
  /** Coerced parameter values of the current run, one slot per (index, type) compiled. */
  readonly params: Value[];
  /** What each slot of `params` holds (bindParams fills the slots from ctx.params). */
  readonly paramSpecs: ParamSpec[];
  /** Moves on every run; closures caching per-run results reset when it changes. */
  epoch: number;
  /** Work tables of the recursive queries built in this Env, by plan id (recursive-union.ts). */
  readonly workTables: Map<number, WorkTable>;
}

export interface ParamSpec {
  /** 1-based `$n`. */
  readonly index: number;
  readonly type: SqlType;
  readonly key: string;
}

/** The slot of `$index` coerced to `type` (registered and bound on first use). */
function paramSlot(env: Env, index: number, type: SqlType): number {
  const key = `${index}:${type.base}:${type.precision ?? ''}:${type.scale ?? ''}`;
  const specs = env.paramSpecs;
  for (let i = 0; i < specs.length; i++) if (specs[i]!.key === key) return i;
  specs.push({ index, type, key });
  env.params.push(coerceParam(env.ctx.params[index - 1], type, index, env));
  return specs.length - 1;
}

/** Coerces `env.ctx.params` into the slots compiled so far (start of each reused run). */
export function bindParams(env: Env): void {
  const specs = env.paramSpecs;
  const raw = env.ctx.params;
  for (let i = 0; i < specs.length; i++) {
    const s = specs[i]!;
    env.params[i] = coerceParam(raw[s.index - 1], s.type, s.index, env);
  }
}

/** A JS value bound to `$n`, converted to the type the binder inferred. */
export function coerceParam(v: unknown, type: SqlType, index: number, env: Env): Value {
  if (v === undefined) throw sqlError(`there is no parameter $${index}`);
  if (v === null) return null;
  if (v instanceof Date) {
    if (type.base !== 'TIMESTAMP') throw sqlError(`parameter $${index}: a Date binds only to TIMESTAMP`);
    return timestampFromDate(v);
  }
  switch (type.base) {
    case 'INT64':
      if (typeof v === 'number' && Number.isInteger(v)) return v;
      if (typeof v === 'bigint') return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
      if (typeof v === 'boolean') return v ? 1 : 0;
      break;
    case 'FLOAT64':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      break;
    case 'DECIMAL':
      if (v instanceof Decimal) return v;
      if (typeof v === 'number' || typeof v === 'bigint') return castValue(typeof v === 'bigint' ? v : v, Number.isInteger(v) || typeof v === 'bigint' ? { base: 'INT64' } : { base: 'FLOAT64' }, type);
      break;
    case 'BOOL':
      if (typeof v === 'boolean') return v;
      break;
    case 'TEXT':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
      break;
    case 'BLOB':
    case 'UUID':
      if (v instanceof Uint8Array) return v;
      break;
    case 'TIMESTAMP':
      if (v instanceof Timestamp) return v;
      if (typeof v === 'number' || typeof v === 'bigint') return new Timestamp(v);
      break;
  }
  if (typeof v === 'string') return parseText(v, type, env.ctx.clock);
  throw sqlError(`parameter $${index}: cannot bind ${typeof v} to ${type.base}`);
}

function truth(v: Value): boolean | null {
  return v === null ? null : v === true;
}

/** Compiles `e` for rows of the current level. */
export function compileExpr(e: BExpr, env: Env): Compiled {
  switch (e.kind) {
    case 'const': {
      const v = e.value;
      return () => v;
    }
    case 'param': {
      const slot = paramSlot(env, e.index, e.type);
      const ps = env.params;
      return () => ps[slot]!;
    }
    case 'col': {
      const s = e.slot;
      return (row) => row[s] ?? null;
    }
    case 'outer': {
      const { level, slot } = e;
      const outer = env.outer;
      return () => outer[level]?.[slot] ?? null;
    }
    case 'neg': {
      const f = compileExpr(e.operand, env);
      const t = e.type;
      return (row) => negate(f(row), t);
    }
    case 'not': {
      const f = compileExpr(e.operand, env);
      return (row) => {
        const v = f(row);
        return v === null ? null : !v;
      };
    }
    case 'promote': {
      const f = compileExpr(e.operand, env);
      const from = e.operand.type;
      const to = e.type;
      return (row) => promoteValue(f(row), from, to);
    }
    case 'cast': {
      const f = compileExpr(e.operand, env);
      const from = e.operand.type;
      const to = e.type;
      return (row) => castValue(f(row), from, to, env.ctx.clock);
    }
    case 'arith': {
      const l = compileExpr(e.left, env);
      const r = compileExpr(e.right, env);
      const { op, type } = e;
      return (row) => applyArithmetic(op, l(row), r(row), type);
    }
    case 'concat': {
      const l = compileExpr(e.left, env);
      const r = compileExpr(e.right, env);
      const lt = e.left.type;
      const rt = e.right.type;
      return (row) => concat(l(row), lt, r(row), rt);
    }
    case 'compare':
      return compileCompare(e, env);
    case 'and': {
      const fs = e.args.map((a) => compileExpr(a, env));
      return (row) => {
        let sawNull = false;
        for (let i = 0; i < fs.length; i++) {
          const v = fs[i]!(row);
          if (v === false) return false;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : true;
      };
    }
    case 'or': {
      const fs = e.args.map((a) => compileExpr(a, env));
      return (row) => {
        let sawNull = false;
        for (let i = 0; i < fs.length; i++) {
          const v = fs[i]!(row);
          if (v === true) return true;
          if (v === null) sawNull = true;
        }
        return sawNull ? null : false;
      };
    }
    case 'isNull': {
      const f = compileExpr(e.operand, env);
      const not = e.not;
      return (row) => (f(row) === null) !== not;
    }
    case 'isTruth': {
      const f = compileExpr(e.operand, env);
      const { value, not } = e;
      return (row) => (truth(f(row)) === value) !== not;
    }
    case 'isDistinct': {
      const l = compileExpr(e.left, env);
      const r = compileExpr(e.right, env);
      const { cmpType, not } = e;
      return (row) => {
        const a = l(row);
        const b = r(row);
        const distinct = a === null || b === null ? a !== b : compareValues(a, b, cmpType) !== 0;
        return distinct !== not;
      };
    }
    case 'inList':
      return compileInList(e, env);
    case 'like': {
      const x = compileExpr(e.operand, env);
      const p = compileExpr(e.pattern, env);
      const esc = e.escape === null ? null : compileExpr(e.escape, env);
      const { not, caseInsensitive } = e;
      let lastPattern: string | null = null;
      let lastEscape: Value = null;
      let matcher: LikeMatcher | null = null;
      return (row) => {
        const s = x(row);
        const pat = p(row);
        const es = esc === null ? '\\' : esc(row);
        if (s === null || pat === null || (esc !== null && es === null)) return null;
        if (matcher === null || pat !== lastPattern || es !== lastEscape) {
          matcher = compileLike(pat as string, { escape: es as string, caseInsensitive });
          lastPattern = pat as string;
          lastEscape = es;
        }
        return matcher.matches(s as string) !== not;
      };
    }
    case 'case': {
      const whens = e.whens.map((w) => compileExpr(w.when, env));
      const thens = e.whens.map((w) => compileExpr(w.then, env));
      const els = e.else === null ? null : compileExpr(e.else, env);
      return (row) => {
        for (let i = 0; i < whens.length; i++) if (whens[i]!(row) === true) return thens[i]!(row);
        return els === null ? null : els(row);
      };
    }
    case 'call': {
      const f = lookupFunction(e.name);
      if (f === undefined) throw sqlError(`function ${e.name} does not exist`);
      const args = e.args.map((a) => compileExpr(a, env));
      const types = e.args.map((a) => a.type);
      const vals: Value[] = new Array<Value>(args.length).fill(null);
      const fnCtx = env.fnCtx;
      const strict = f.strict;
      return (row) => {
        for (let i = 0; i < args.length; i++) {
          const v = args[i]!(row);
          if (v === null && strict) return null;
          vals[i] = v;
        }
        return f.impl(vals, types, fnCtx);
      };
    }
    case 'subquery':
      return compileSubquery(e, env);
  }
}

function compileCompare(e: Extract<BExpr, { kind: 'compare' }>, env: Env): Compiled {
  const l = compileExpr(e.left, env);
  const r = compileExpr(e.right, env);
  const { op, cmpType } = e;
  if (cmpType.base === 'INT64' || cmpType.base === 'TEXT') {
    // Fast path: JS relational operators agree with SQL for integers (number/bigint mixes
    // included); TEXT uses compareValues for code-point order when not equal.
    return (row) => {
      const a = l(row);
      if (a === null) return null;
      const b = r(row);
      if (b === null) return null;
      if (op === '=') return a === b || (typeof a !== 'string' && a == b);
      return sqlCompare(op, a, b, cmpType);
    };
  }
  return (row) => sqlCompare(op, l(row), r(row), cmpType);
}

function compileInList(e: Extract<BExpr, { kind: 'inList' }>, env: Env): Compiled {
  const x = compileExpr(e.operand, env);
  const { not, cmpType } = e;
  const constant = e.list.every((v) => v.kind === 'const' || v.kind === 'param');
  if (constant) {
    // Parameters are constant within a run: the key set is rebuilt when the run changes.
    const fs = e.list.map((item) => compileExpr(item, env));
    let keys = new Set<unknown>();
    let hasNull = false;
    let epoch = NaN;
    const build = (): void => {
      keys = new Set<unknown>();
      hasNull = false;
      for (const f of fs) {
        const v = f([]);
        if (v === null) hasNull = true;
        else keys.add(hashKey(v, cmpType));
      }
      epoch = env.epoch;
    };
    build();
    return (row) => {
      if (epoch !== env.epoch) build();
      const v = x(row);
      if (v === null) return null;
      if (keys.has(hashKey(v, cmpType))) return !not;
      return hasNull ? null : not;
    };
  }
  const items = e.list.map((v) => compileExpr(v, env));
  return (row) => {
    const v = x(row);
    if (v === null) return null;
    let sawNull = false;
    for (let i = 0; i < items.length; i++) {
      const w = items[i]!(row);
      if (w === null) sawNull = true;
      else if (compareValues(v, w, cmpType) === 0) return !not;
    }
    return sawNull ? null : not;
  };
}

const SUBQUERY_CACHE_MAX = 10_000;

/** An exact, type-tagged text of a value for cache keys (distinct values never collide). */
function valueTag(v: Value): string {
  if (v === null) return 'n';
  if (v instanceof Uint8Array) {
    let s = 'b';
    for (const b of v) s += b.toString(16).padStart(2, '0');
    return s;
  }
  if (v instanceof Decimal) return `d${v.unscaled}e${v.scale}`;
  if (v instanceof Timestamp) return `t${v.micros}`;
  return `${typeof v}:${String(v)}`;
}

interface InSet {
  keys: Set<unknown>;
  hasNull: boolean;
  empty: boolean;
}

function compileSubquery(e: BSubquery, env: Env): Compiled {
  const level = e.level - 1;
  const outer = env.outer;
  const operand = e.operand === null ? null : compileExpr(e.operand, env);
  const { mode, cmpType, not, correlated } = e;
  let onceDone = false;
  let onceValue: Value = null;
  let onceSet: InSet | null = null;
  let epoch = env.epoch;
  /** Results cached for one run are dropped when a new run starts (new data, new params). */
  const fresh = (): void => {
    if (epoch === env.epoch) return;
    epoch = env.epoch;
    onceDone = false;
    onceValue = null;
    onceSet = null;
    cache?.clear();
  };

  const regroup = e.regroup;
  const widen = (row: readonly Value[]): readonly Value[] => {
    if (regroup === undefined) return row;
    const wide: Value[] = new Array<Value>(regroup.width).fill(null);
    for (const [w, r] of regroup.pairs) wide[w] = row[r] ?? null;
    return wide;
  };
  const open = (groupRow: readonly Value[]): (() => Value[] | undefined) => {
    const row = widen(groupRow);
    const saved = outer[level];
    outer[level] = row;
    env.ctx.counters.subqueryRuns++;
    const pull = env.runSubquery(e);
    outer[level] = saved;
    return () => {
      const s = outer[level];
      outer[level] = row;
      try {
        return pull();
      } finally {
        outer[level] = s;
      }
    };
  };
  const scalar = (row: readonly Value[]): Value => {
    const pull = open(row);
    const first = pull();
    if (first === undefined) return null;
    if (pull() !== undefined) throw new DecentDBError('ERR_SQL', 'more than one row returned by a subquery used as an expression');
    return first[0] ?? null;
  };
  const exists = (row: readonly Value[]): Value => open(row)() !== undefined;
  const buildSet = (row: readonly Value[]): InSet => {
    const pull = open(row);
    const s: InSet = { keys: new Set(), hasNull: false, empty: true };
    for (let r = pull(); r !== undefined; r = pull()) {
      s.empty = false;
      const v = r[0] ?? null;
      if (v === null) s.hasNull = true;
      else s.keys.add(hashKey(v, cmpType));
    }
    return s;
  };
  const inTest = (v: Value, s: InSet): Value => {
    if (s.empty) return not;
    if (v === null) return null;
    if (s.keys.has(hashKey(v, cmpType))) return !not;
    return s.hasNull ? null : not;
  };

  // Correlated on the enclosing row only: cache results by the referenced outer values.
  const cacheable = correlated && !e.deepCorrelated && e.refs.length > 0;
  const cache = cacheable ? new Map<string, Value | InSet>() : null;
  if (cache !== null) {
    const refs = e.refs;
    const cached = <R extends Value | InSet>(row: readonly Value[], f: (row: readonly Value[]) => R): R => {
      fresh();
      const w = widen(row);
      let key = '';
      for (let i = 0; i < refs.length; i++) key += valueTag(w[refs[i]!] ?? null) + '\u0001';
      const hit = cache.get(key);
      if (hit !== undefined) return hit as R;
      const v = f(row);
      if (cache.size >= SUBQUERY_CACHE_MAX) cache.clear();
      cache.set(key, v);
      return v;
    };
    if (mode === 'scalar') return (row) => cached(row, scalar);
    if (mode === 'exists') return (row) => cached(row, exists);
    const opc = operand!;
    return (row) => inTest(opc(row), cached(row, buildSet));
  }
  if (mode === 'scalar') {
    if (correlated) return scalar;
    return (row) => {
      fresh();
      if (!onceDone) {
        onceValue = scalar(row);
        onceDone = true;
      }
      return onceValue;
    };
  }
  if (mode === 'exists') {
    if (correlated) return exists;
    return (row) => {
      fresh();
      if (!onceDone) {
        onceValue = exists(row);
        onceDone = true;
      }
      return onceValue;
    };
  }
  const op = operand!;
  if (correlated) return (row) => inTest(op(row), buildSet(row));
  return (row) => {
    fresh();
    if (onceSet === null) onceSet = buildSet(row);
    return inTest(op(row), onceSet);
  };
}

/** Compiles a predicate: true only when the expression is TRUE (WHERE/ON/HAVING semantics). */
export function compilePredicate(e: BExpr | null, env: Env): ((row: readonly Value[]) => boolean) | null {
  if (e === null) return null;
  const f = compileExpr(e, env);
  return (row) => f(row) === true;
}
