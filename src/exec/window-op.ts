/**
 * Window functions. The input arrives sorted by (partition keys, order keys) from a stable
 * SortOp (execute.ts), so it spills past the budget like any sort; this operator buffers one
 * partition at a time, computes every call of its Window node over it, appends the results to
 * each row and streams the rows. Peers are rows equal on the ORDER BY keys (all rows without
 * ORDER BY). Frames: ROWS counts rows, RANGE moves by peer groups; the default is RANGE
 * UNBOUNDED PRECEDING to CURRENT ROW. Aggregates over frames that start at the partition
 * start are computed incrementally, others by re-aggregating each row's frame.
 */
import { sqlError } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { FrameEdge, WindowCall } from '../planner/index.js';
import { createAccumulator } from '../types/index.js';
import type { AggregateName } from '../types/index.js';
import type { Compiled } from './compile-expr.js';
import { rowKey } from './operator.js';
import type { Operator } from './operator.js';
import type { RowCompare } from './sort-keys.js';

interface CompiledEdge {
  readonly kind: FrameEdge['kind'];
  readonly offset: Compiled | null;
}

/** A WindowCall with its argument and frame-offset expressions compiled. */
export interface CompiledWindowCall {
  readonly call: WindowCall;
  readonly args: readonly Compiled[];
  readonly start: CompiledEdge;
  readonly end: CompiledEdge;
}

const toInt = (v: Value): number | null => (v === null ? null : Number(v));

export class WindowOp implements Operator {
  /** The current partition's rows, with their window columns appended. */
  private rows: Value[][] = [];
  private i = 0;
  /** First row of the next partition, read ahead. */
  private pending: Value[] | undefined = undefined;
  private done = false;
  private readonly vals: Value[];
  private peerStart = new Int32Array(0);
  private peerEnd = new Int32Array(0);

  constructor(
    private readonly input: Operator,
    private readonly partition: readonly Compiled[],
    private readonly partitionTypes: readonly SqlType[],
    /** Compares the ORDER BY keys only; null without ORDER BY. */
    private readonly orderCmp: RowCompare | null,
    private readonly calls: readonly CompiledWindowCall[],
  ) {
    this.vals = new Array<Value>(partition.length);
  }

  open(): void {
    this.rows = [];
    this.i = 0;
    this.pending = undefined;
    this.done = false;
    this.input.open();
  }

  next(): Value[] | undefined {
    if (this.i < this.rows.length) return this.rows[this.i++];
    if (!this.fill()) return undefined;
    this.compute();
    this.i = 1;
    return this.rows[0];
  }

  close(): void {
    this.rows = [];
    this.pending = undefined;
    this.input.close();
  }

  private key(r: readonly Value[]): unknown {
    if (this.partition.length === 0) return 0;
    for (let k = 0; k < this.partition.length; k++) this.vals[k] = this.partition[k]!(r);
    return rowKey(this.vals, this.partitionTypes);
  }

  /** Reads the next partition into `rows`; false at the end of the input. */
  private fill(): boolean {
    if (this.done) return false;
    const first = this.pending ?? this.input.next();
    this.pending = undefined;
    if (first === undefined) {
      this.done = true;
      this.rows = [];
      return false;
    }
    const rows = [first];
    const key = this.key(first);
    for (let r = this.input.next(); ; r = this.input.next()) {
      if (r === undefined) {
        this.done = true;
        break;
      }
      if (this.key(r) !== key) {
        this.pending = r;
        break;
      }
      rows.push(r);
    }
    this.rows = rows;
    return true;
  }

  private compute(): void {
    const rows = this.rows;
    const n = rows.length;
    if (this.peerStart.length < n) {
      this.peerStart = new Int32Array(Math.max(n, this.peerStart.length * 2));
      this.peerEnd = new Int32Array(this.peerStart.length);
    }
    const ps = this.peerStart;
    const pe = this.peerEnd;
    const cmp = this.orderCmp;
    for (let i = 0; i < n; i++) ps[i] = i > 0 && (cmp === null || cmp(rows[i - 1]!, rows[i]!) === 0) ? ps[i - 1]! : i;
    for (let i = n - 1; i >= 0; i--) pe[i] = i < n - 1 && ps[i + 1] === ps[i] ? pe[i + 1]! : i;
    const results = this.calls.map((c) => this.evaluate(c, rows));
    for (let i = 0; i < n; i++) {
      const r = rows[i]!; // sorted rows are the sort's own copies
      for (const values of results) r.push(values[i]!);
    }
  }

  private evaluate(c: CompiledWindowCall, rows: readonly Value[][]): Value[] {
    const n = rows.length;
    const ps = this.peerStart;
    const pe = this.peerEnd;
    const out = new Array<Value>(n);
    const fn = c.call.fn;
    switch (fn) {
      case 'row_number':
        for (let i = 0; i < n; i++) out[i] = i + 1;
        return out;
      case 'rank':
        for (let i = 0; i < n; i++) out[i] = ps[i]! + 1;
        return out;
      case 'dense_rank': {
        let g = 0;
        for (let i = 0; i < n; i++) out[i] = ps[i] === i ? ++g : g;
        return out;
      }
      case 'percent_rank':
        for (let i = 0; i < n; i++) out[i] = n > 1 ? ps[i]! / (n - 1) : 0;
        return out;
      case 'cume_dist':
        for (let i = 0; i < n; i++) out[i] = (pe[i]! + 1) / n;
        return out;
      case 'ntile':
        return ntile(toInt(c.args[0]!(rows[0]!)), n, out);
      case 'lag':
      case 'lead': {
        const [x, offset, dflt] = c.args;
        for (let i = 0; i < n; i++) {
          const off = offset === undefined ? 1 : toInt(offset(rows[i]!));
          if (off === null) {
            out[i] = null;
            continue;
          }
          const j = fn === 'lag' ? i - off : i + off;
          out[i] = j >= 0 && j < n ? x!(rows[j]!) : dflt === undefined ? null : dflt(rows[i]!);
        }
        return out;
      }
      default:
        return this.framed(c, rows, out);
    }
  }

  /** first_value, last_value, nth_value and the aggregates: over each row's frame. */
  private framed(c: CompiledWindowCall, rows: readonly Value[][], out: Value[]): Value[] {
    const n = rows.length;
    const startOff = frameOffset(c.start, rows[0]!, 'starting');
    const endOff = frameOffset(c.end, rows[0]!, 'ending');
    const rowsMode = c.call.frame.mode === 'rows';
    const ps = this.peerStart;
    const pe = this.peerEnd;
    const from = (i: number): number => {
      switch (c.start.kind) {
        case 'unboundedPreceding':
          return 0;
        case 'preceding':
          return i - startOff;
        case 'following':
          return i + startOff;
        default:
          return rowsMode ? i : ps[i]!;
      }
    };
    const to = (i: number): number => {
      switch (c.end.kind) {
        case 'unboundedFollowing':
          return n - 1;
        case 'preceding':
          return i - endOff;
        case 'following':
          return i + endOff;
        default:
          return rowsMode ? i : pe[i]!;
      }
    };
    const fn = c.call.fn;
    const x = c.args[0];
    if (fn === 'first_value' || fn === 'last_value' || fn === 'nth_value') {
      for (let i = 0; i < n; i++) {
        const s = Math.max(0, from(i));
        const e = Math.min(n - 1, to(i));
        let at = fn === 'first_value' ? s : e;
        if (fn === 'nth_value') {
          const k = toInt(c.args[1]!(rows[i]!));
          if (k !== null && k <= 0) throw sqlError('argument of nth_value must be greater than zero');
          at = k === null ? -1 : s + k - 1;
        }
        out[i] = s <= e && at >= s && at <= e ? x!(rows[at]!) : null;
      }
      return out;
    }
    const acc = createAccumulator(fn as AggregateName, x === undefined ? null : c.call.args[0]!.type);
    const add = (j: number): void => acc.add(x === undefined ? 1 : x(rows[j]!));
    if (c.start.kind === 'unboundedPreceding') {
      // The frame end never moves back: add rows as it advances.
      let added = -1;
      for (let i = 0; i < n; i++) {
        const e = Math.min(n - 1, to(i));
        while (added < e) add(++added);
        out[i] = acc.result();
      }
      return out;
    }
    for (let i = 0; i < n; i++) {
      acc.reset();
      const e = Math.min(n - 1, to(i));
      for (let j = Math.max(0, from(i)); j <= e; j++) add(j);
      out[i] = acc.result();
    }
    return out;
  }
}

/** A frame offset (evaluated once per partition): Postgres rejects NULL and negative ones. */
function frameOffset(edge: CompiledEdge, row: readonly Value[], which: 'starting' | 'ending'): number {
  if (edge.offset === null) return 0;
  const v = toInt(edge.offset(row));
  if (v === null) throw sqlError(`frame ${which} offset must not be null`);
  if (v < 0) throw sqlError(`frame ${which} offset must not be negative`);
  return v;
}

/** NTILE(k): k buckets as equal as possible, the larger ones first (Postgres's rule). */
function ntile(k: number | null, n: number, out: Value[]): Value[] {
  if (k === null) return out.fill(null);
  if (k <= 0) throw sqlError('argument of ntile must be greater than zero');
  const q = Math.floor(n / k);
  const r = n % k;
  const big = r * (q + 1);
  for (let i = 0; i < n; i++) out[i] = i < big ? Math.floor(i / (q + 1)) + 1 : r + Math.floor((i - big) / q) + 1;
  return out;
}
