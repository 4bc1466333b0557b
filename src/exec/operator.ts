/**
 * The pull-based Operator contract and the row-at-a-time operators without state beyond a
 * cursor: Values, SubqueryScan, Filter, Project, Limit, Distinct. open() may be called again
 * after close() (subqueries and inner join sides re-open); next() returns undefined at the end.
 */
import { sqlError } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import { compositeKey, hashKey } from '../types/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { GracePairs } from './grace-pairs.js';
import { MAX_SPILL_LEVEL, SpillPartitions, type SpilledPartition } from './hash-spill.js';
import { rowBytes } from './row-codec.js';

export interface Operator {
  open(): void;
  /** The next row, or undefined when exhausted. The row belongs to the caller. */
  next(): Value[] | undefined;
  close(): void;
}

export type Predicate = (row: readonly Value[]) => boolean;

export class ValuesOp implements Operator {
  private i = 0;
  constructor(
    private readonly rows: readonly (readonly Compiled[])[],
    private readonly width: number,
    private readonly offset: number,
  ) {}
  open(): void {
    this.i = 0;
  }
  next(): Value[] | undefined {
    if (this.i >= this.rows.length) return undefined;
    const src = this.rows[this.i++]!;
    const out: Value[] = new Array<Value>(Math.max(this.width, this.offset + src.length)).fill(null);
    for (let c = 0; c < src.length; c++) out[this.offset + c] = src[c]!(out);
    return out;
  }
  close(): void {}
}

/** Places a derived table's rows into the block's wide row at [offset, offset + n). */
export class SubqueryScanOp implements Operator {
  constructor(
    private readonly input: Operator,
    private readonly offset: number,
    private readonly width: number,
    private readonly filter: Predicate | null,
  ) {}
  open(): void {
    this.input.open();
  }
  next(): Value[] | undefined {
    for (;;) {
      const r = this.input.next();
      if (r === undefined) return undefined;
      const out: Value[] = new Array<Value>(this.width).fill(null);
      for (let i = 0; i < r.length; i++) out[this.offset + i] = r[i]!;
      if (this.filter === null || this.filter(out)) return out;
    }
  }
  close(): void {
    this.input.close();
  }
}

export class FilterOp implements Operator {
  constructor(
    private readonly input: Operator,
    private readonly pred: Predicate,
  ) {}
  open(): void {
    this.input.open();
  }
  next(): Value[] | undefined {
    for (;;) {
      const r = this.input.next();
      if (r === undefined || this.pred(r)) return r;
    }
  }
  close(): void {
    this.input.close();
  }
}

export class ProjectOp implements Operator {
  constructor(
    private readonly input: Operator,
    private readonly exprs: readonly Compiled[],
  ) {}
  open(): void {
    this.input.open();
  }
  next(): Value[] | undefined {
    const r = this.input.next();
    if (r === undefined) return undefined;
    const n = this.exprs.length;
    const out: Value[] = new Array<Value>(n);
    for (let i = 0; i < n; i++) out[i] = this.exprs[i]!(r);
    return out;
  }
  close(): void {
    this.input.close();
  }
}

/** LIMIT/OFFSET values: non-negative INT64 (native rule), NULL LIMIT = no limit. */
export function countValue(v: Value, what: string): number {
  if (v === null) return what === 'LIMIT' ? Infinity : 0;
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw sqlError(`${what} must be an integer`);
  if (n < 0) throw sqlError(`${what} must not be negative`);
  return n;
}

export class LimitOp implements Operator {
  private left = 0;
  private skip = 0;
  constructor(
    private readonly input: Operator,
    private readonly limit: Compiled | null,
    private readonly offset: Compiled | null,
  ) {}
  open(): void {
    this.left = this.limit === null ? Infinity : countValue(this.limit([]), 'LIMIT');
    this.skip = this.offset === null ? 0 : countValue(this.offset([]), 'OFFSET');
    this.input.open();
  }
  next(): Value[] | undefined {
    if (this.left <= 0) return undefined;
    for (;;) {
      const r = this.input.next();
      if (r === undefined) return undefined;
      if (this.skip > 0) {
        this.skip--;
        continue;
      }
      this.left--;
      return r;
    }
  }
  close(): void {
    this.input.close();
  }
}

/** Row identity for DISTINCT / set operations (NULLs equal, per type). */
export function rowKey(row: readonly Value[], types: readonly SqlType[]): unknown {
  if (types.length === 1) {
    const k = hashKey(row[0] ?? null, types[0]!);
    return typeof k === 'string' ? 's' + k : k;
  }
  return compositeKey(row, types);
}

/**
 * DISTINCT, streaming: a row is emitted the first time its key is seen. Past the memory budget
 * the seen-set stops growing and rows with unseen keys spill to hash partitions (hash-spill.ts),
 * each de-duplicated by itself after the input ends (output order then differs from input order;
 * the planner never relies on it).
 */
export class DistinctOp implements Operator {
  private seen = new Set<unknown>();
  private bytes = 0;
  private level = 0;
  private spill: SpillPartitions | null = null;
  private pending: SpilledPartition[] = [];
  /** The partition being read; null while reading the input. */
  private part: SpilledPartition | null = null;
  private done = false;
  constructor(
    private readonly input: Operator,
    private readonly types: readonly SqlType[],
    private readonly env: Env,
  ) {}
  open(): void {
    this.reset();
    this.done = false;
    this.input.open();
  }
  next(): Value[] | undefined {
    while (!this.done) {
      const r = this.part === null ? this.input.next() : this.part.next();
      if (r === undefined) {
        this.nextPass();
        continue;
      }
      const k = rowKey(r, this.types);
      if (this.seen.has(k)) continue;
      if (this.spill !== null) {
        this.spill.add(k, r);
        continue;
      }
      this.seen.add(k);
      this.bytes += typeof k === 'string' ? 48 + 2 * k.length : 48;
      if (this.bytes > this.env.ctx.memoryBudgetBytes && this.level < MAX_SPILL_LEVEL) {
        this.spill = new SpillPartitions(this.env.ctx, this.level);
        this.env.ctx.counters.operatorSpills++;
      }
      return r;
    }
    return undefined;
  }
  /** The current pass ended: queue its partitions and move to the next one, if any. */
  private nextPass(): void {
    if (this.spill !== null) {
      for (const p of this.spill.finish()) this.pending.push(p);
      this.spill = null;
    }
    this.part?.dispose();
    this.part = this.pending.pop() ?? null;
    this.seen = new Set();
    this.bytes = 0;
    if (this.part === null) this.done = true;
    else this.level = this.part.level + 1;
  }
  private reset(): void {
    this.spill?.close();
    this.spill = null;
    this.part?.dispose();
    this.part = null;
    for (const p of this.pending) p.dispose();
    this.pending = [];
    this.seen = new Set();
    this.bytes = 0;
    this.level = 0;
  }
  close(): void {
    this.reset();
    this.done = true;
    this.input.close();
  }
}

/**
 * UNION ALL / INTERSECT [ALL] / EXCEPT [ALL] with SQL multiset semantics (UNION without ALL is
 * built as a DistinctOp over UNION ALL, which spills past the budget). INTERSECT/EXCEPT count the
 * right side's keys; past the budget both sides split into file pairs by key (grace-pairs.ts).
 */
export class SetOpOp implements Operator {
  private phase = 0;
  private counts = new Map<unknown, number>();
  private seen = new Set<unknown>();
  private grace: GracePairs | null = null;
  constructor(
    private readonly op: 'union' | 'intersect' | 'except',
    private readonly all: boolean,
    private readonly left: Operator,
    private readonly right: Operator,
    private readonly types: readonly SqlType[],
    private readonly env: Env,
    /** Grace recursion depth (grace-pairs.ts): 0 for the plan's own operator. */
    private readonly level = 0,
  ) {}
  open(): void {
    this.phase = 0;
    this.seen = new Set();
    this.counts = new Map();
    this.grace?.close();
    this.grace = null;
    this.left.open();
    if (this.op === 'union') return;
    // The right side's rows are kept while they fit, so that they can be partitioned if they stop fitting.
    const kept: Value[][] = [];
    const budget = this.env.ctx.memoryBudgetBytes;
    let bytes = 0;
    this.right.open();
    for (let r = this.right.next(); r !== undefined; r = this.right.next()) {
      const k = rowKey(r, this.types);
      this.counts.set(k, (this.counts.get(k) ?? 0) + 1);
      kept.push(r);
      bytes += rowBytes(r) + 48;
      if (bytes > budget && this.level < MAX_SPILL_LEVEL) {
        this.spill(kept);
        return;
      }
    }
    this.right.close();
  }
  /** The right side passed the budget: split both sides by key into file pairs (grace-pairs.ts). */
  private spill(kept: readonly Value[][]): void {
    const ctx = this.env.ctx;
    ctx.counters.operatorSpills++;
    const { op, all, types } = this;
    // Side 0: right rows, side 1: left rows. Only left rows are ever emitted.
    const g = new GracePairs(ctx, this.level, {
      keep: (right, left) => left && (op === 'except' || right),
      pair: (right, left) => new SetOpOp(op, all, left, right, types, this.env, this.level + 1),
    });
    this.grace = g;
    this.counts = new Map();
    for (const r of kept) g.add(0, rowKey(r, types), r);
    for (let r = this.right.next(); r !== undefined; r = this.right.next()) g.add(0, rowKey(r, types), r);
    this.right.close();
    for (let r = this.left.next(); r !== undefined; r = this.left.next()) g.add(1, rowKey(r, types), r);
    g.finish();
  }
  next(): Value[] | undefined {
    if (this.grace !== null) return this.grace.next();
    for (;;) {
      const src = this.phase === 0 ? this.left : this.right;
      const r = src.next();
      if (r === undefined) {
        if (this.phase === 0 && this.op === 'union') {
          this.phase = 1;
          this.right.open();
          continue;
        }
        return undefined;
      }
      if (this.op === 'union') return r; // UNION ALL; UNION is a DistinctOp over it (execute.ts)
      const k = rowKey(r, this.types);
      const c = this.counts.get(k) ?? 0;
      if (this.op === 'intersect') {
        if (c === 0) continue;
        if (this.all) this.counts.set(k, c - 1);
        else {
          if (this.seen.has(k)) continue;
          this.seen.add(k);
        }
        return r;
      }
      if (this.all) {
        if (c > 0) {
          this.counts.set(k, c - 1);
          continue;
        }
        return r;
      }
      if (c > 0 || this.seen.has(k)) continue;
      this.seen.add(k);
      return r;
    }
  }
  close(): void {
    // Trees are kept for reuse (execute.ts): drop this run's rows now, not at the next open.
    this.seen = new Set();
    this.counts = new Map();
    try {
      this.grace?.close();
    } finally {
      this.grace = null;
      this.left.close();
      this.right.close();
    }
  }
}
