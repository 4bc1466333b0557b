/**
 * Ordering operators: Sort (in memory until the budget is exceeded, then through the
 * ExternalSorter spilling runs to the Vfs), TopN (a bounded max-heap of LIMIT + OFFSET rows,
 * never a full sort), and Window (ROW_NUMBER() per partition). Sort keys are slots of the
 * input row (the binder projects them), compared with NULLS FIRST/LAST as requested.
 */
import type { SqlType, Value } from '../record/index.js';
import type { SortKey } from '../planner/index.js';
import { compareValues } from '../types/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { ExternalSorter } from './external-sort.js';
import { countValue, rowKey } from './operator.js';
import type { Operator } from './operator.js';
import { rowBytes, rowCodec } from './row-codec.js';

export type RowCompare = (a: readonly Value[], b: readonly Value[]) => number;

/** A comparator over keys computed by `fs` (slot readers or any compiled expressions). */
export function makeComparator(keys: readonly SortKey[], fs: readonly Compiled[]): RowCompare {
  const n = keys.length;
  if (n === 1 && keys[0]!.expr.kind === 'col') {
    // Single slot key: the common ORDER BY col [LIMIT] shape, without closure calls.
    const slot = keys[0]!.expr.slot;
    const type = keys[0]!.expr.type;
    const sign = keys[0]!.desc ? -1 : 1;
    const nullSign = keys[0]!.nullsFirst ? -1 : 1;
    return (a, b) => {
      const x = a[slot] ?? null;
      const y = b[slot] ?? null;
      if (x === null || y === null) return x === y ? 0 : x === null ? nullSign : -nullSign;
      return sign * compareValues(x, y, type);
    };
  }
  const desc = keys.map((k) => k.desc);
  const nullsFirst = keys.map((k) => k.nullsFirst);
  const types = keys.map((k) => k.expr.type);
  return (a, b) => {
    for (let i = 0; i < n; i++) {
      const f = fs[i]!;
      const x = f(a);
      const y = f(b);
      let c: number;
      if (x === null || y === null) {
        if (x === y) continue;
        c = x === null ? (nullsFirst[i] ? -1 : 1) : nullsFirst[i] ? 1 : -1;
        return c;
      }
      c = compareValues(x, y, types[i]!);
      if (c !== 0) return desc[i] ? -c : c;
    }
    return 0;
  };
}

export class SortOp implements Operator {
  private rows: Value[][] = [];
  private i = 0;
  private sorter: ExternalSorter<Value[]> | null = null;
  private iter: Iterator<Value[]> | null = null;
  constructor(
    private readonly input: Operator,
    private readonly cmp: RowCompare,
    private readonly types: readonly SqlType[] | null,
    private readonly env: Env,
  ) {}
  open(): void {
    this.closeSorter();
    const ctx = this.env.ctx;
    const budget = ctx.memoryBudgetBytes;
    let bytes = 0;
    let rows: Value[][] = [];
    this.input.open();
    for (let r = this.input.next(); r !== undefined; r = this.input.next()) {
      if (this.sorter !== null) {
        this.sorter.add(r);
        continue;
      }
      rows.push(r);
      bytes += rowBytes(r);
      if (bytes > budget && this.types !== null) {
        ctx.counters.sortSpills++;
        this.sorter = new ExternalSorter<Value[]>({ compare: this.cmp, codec: rowCodec(this.types), vfs: ctx.vfs, tempPath: ctx.tempPath, memoryBudgetBytes: budget });
        for (const x of rows) this.sorter.add(x);
        rows = [];
      }
    }
    this.input.close();
    if (this.sorter !== null) {
      this.iter = this.sorter.finish();
      this.rows = [];
    } else {
      rows.sort(this.cmp);
      this.rows = rows;
    }
    this.i = 0;
  }
  next(): Value[] | undefined {
    if (this.iter !== null) {
      const r = this.iter.next();
      return r.done === true ? undefined : r.value;
    }
    return this.i < this.rows.length ? this.rows[this.i++] : undefined;
  }
  private closeSorter(): void {
    this.sorter?.close();
    this.sorter = null;
    this.iter = null;
  }
  close(): void {
    this.closeSorter();
    this.rows = [];
  }
}

/**
 * Keeps the best LIMIT + OFFSET rows: rows collect in a buffer of at most 2 × cap + 64; when it
 * fills, it is sorted (stable, so ties keep input order) and cut back to cap. O(n log cap)
 * with native sorts, never a full sort of the input.
 */
export class TopNOp implements Operator {
  private out: Value[][] = [];
  private i = 0;
  constructor(
    private readonly input: Operator,
    private readonly cmp: RowCompare,
    private readonly limit: Compiled,
    private readonly offset: Compiled | null,
    private readonly env: Env,
  ) {}
  open(): void {
    const limit = countValue(this.limit([]), 'LIMIT');
    const skip = this.offset === null ? 0 : countValue(this.offset([]), 'OFFSET');
    const cap = limit + skip;
    const bufferCap = cap * 2 + 64;
    let buf: Value[][] = [];
    let maxBuf = 0;
    this.input.open();
    if (cap > 0) {
      for (let r = this.input.next(); r !== undefined; r = this.input.next()) {
        buf.push(r);
        if (buf.length >= bufferCap) {
          maxBuf = buf.length;
          buf.sort(this.cmp);
          buf.length = cap;
        }
      }
    }
    this.input.close();
    if (buf.length > maxBuf) maxBuf = buf.length;
    const counters = this.env.ctx.counters;
    if (maxBuf > counters.topNMaxHeap) counters.topNMaxHeap = maxBuf;
    buf.sort(this.cmp);
    this.out = buf.slice(skip, cap);
    buf = [];
    this.i = 0;
  }
  next(): Value[] | undefined {
    return this.i < this.out.length ? this.out[this.i++] : undefined;
  }
  close(): void {
    this.out = [];
  }
}

/** ROW_NUMBER() OVER (PARTITION BY … ORDER BY …): sorts by (partition, order), numbers rows. */
export class WindowOp implements Operator {
  private rows: Value[][] = [];
  private i = 0;
  constructor(
    private readonly input: Operator,
    private readonly partition: readonly Compiled[],
    private readonly partitionTypes: readonly SqlType[],
    private readonly cmp: RowCompare,
  ) {}
  open(): void {
    const rows: Value[][] = [];
    this.input.open();
    for (let r = this.input.next(); r !== undefined; r = this.input.next()) rows.push(r);
    this.input.close();
    const pk = (r: readonly Value[]): unknown => rowKey(this.partition.map((f) => f(r)), this.partitionTypes);
    const keys = new Map<Value[], unknown>();
    const firstSeen = new Map<unknown, number>();
    for (const r of rows) {
      const k = pk(r);
      keys.set(r, k);
      if (!firstSeen.has(k)) firstSeen.set(k, firstSeen.size);
    }
    const seq = new Map<Value[], number>();
    rows.forEach((r, i) => seq.set(r, i));
    rows.sort((a, b) => firstSeen.get(keys.get(a))! - firstSeen.get(keys.get(b))! || this.cmp(a, b) || seq.get(a)! - seq.get(b)!);
    let prev: unknown = undefined;
    let n = 0;
    for (const r of rows) {
      const k = keys.get(r);
      n = k === prev ? n + 1 : 1;
      prev = k;
      r.push(n);
    }
    this.rows = rows;
    this.i = 0;
  }
  next(): Value[] | undefined {
    return this.i < this.rows.length ? this.rows[this.i++] : undefined;
  }
  close(): void {
    this.rows = [];
  }
}
