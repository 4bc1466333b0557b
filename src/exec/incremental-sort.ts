/**
 * IncrementalSort: the input arrives ordered by the native index key of its leading sort column
 * (an ordered index walk, planner/order-by-index.ts), which is SQL order up to ties between
 * values sharing a key (TEXT/BLOB/UUID 8-byte prefixes; equal keys under further ORDER BY
 * keys; FLOAT64 -0.0/+0.0 and NaNs, adjacent in the walk). Each run of rows with an equal key
 * (NULLs a run of their own) is sorted by the full comparator and emitted, so LIMIT stops the
 * walk early; runs arrive in walk order, ascending or descending. A run larger than the memory
 * budget goes through the ExternalSorter, as a Sort would.
 */
import type { SqlType, Value } from '../record/index.js';
import { indexKeyFromValue } from '../record/index.js';
import { utf8Encoder } from '../util/index.js';
import type { Env } from './compile-expr.js';
import { ExternalSorter } from './external-sort.js';
import type { Operator } from './operator.js';
import { rowBytes, rowCodec } from './row-codec.js';
import type { RowCompare } from './sort-ops.js';

/**
 * The index key of one value as comparable parts, computed without allocating for TEXT (the
 * 8-byte UTF-8 prefix of indexKeyFromValue, as two 32-bit halves) and BLOB/UUID; other key
 * types (exact: INT64, BOOL) compare their key directly. NULL is a run of its own.
 */
export class RunKey {
  isNull = false;
  hi = 0;
  lo = 0;
  other: unknown = undefined;
  private static readonly scratch = new Uint8Array(32);

  load(v: Value, type: SqlType): void {
    this.isNull = v === null;
    this.hi = 0;
    this.lo = 0;
    this.other = undefined;
    if (v === null) return;
    if (type.base === 'TEXT' && typeof v === 'string') this.text(v);
    else if ((type.base === 'BLOB' || type.base === 'UUID') && v instanceof Uint8Array) this.bytes(v, v.length);
    else if (type.base === 'FLOAT64') {
      // -0.0/+0.0 (keys 2^63 and 0) and every NaN are equal SQL values: one run each.
      const x = Number(v);
      this.other = x === 0 ? 0 : Number.isNaN(x) ? 'NaN' : x;
    } else this.other = indexKeyFromValue(v, type);
  }

  private text(s: string): void {
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < 8; i++) {
      const c = i < s.length ? s.charCodeAt(i) : 0;
      if (c >= 0x80) {
        // Non-ASCII within the prefix: encode (9 code units cover the first 8 bytes).
        const b = RunKey.scratch;
        const n = utf8Encoder.encodeInto(s.length > 9 ? s.slice(0, 9) : s, b).written;
        this.bytes(b, n);
        return;
      }
      if (i < 4) hi = hi * 256 + c;
      else lo = lo * 256 + c;
    }
    this.hi = hi;
    this.lo = lo;
  }

  private bytes(b: Uint8Array, n: number): void {
    let hi = 0;
    let lo = 0;
    for (let i = 0; i < 8; i++) {
      const x = i < n ? b[i]! : 0;
      if (i < 4) hi = hi * 256 + x;
      else lo = lo * 256 + x;
    }
    this.hi = hi;
    this.lo = lo;
  }

  equals(o: RunKey): boolean {
    return this.isNull === o.isNull && this.hi === o.hi && this.lo === o.lo && this.other === o.other;
  }
}

export class IncrementalSortOp implements Operator {
  private run: Value[][] = [];
  private i = 0;
  private pending: Value[] | undefined = undefined;
  private sorter: ExternalSorter<Value[]> | null = null;
  private iter: Iterator<Value[]> | null = null;

  constructor(
    private readonly input: Operator,
    private readonly cmp: RowCompare,
    private readonly groupSlot: number,
    private readonly groupType: SqlType,
    private readonly types: readonly SqlType[] | null,
    private readonly env: Env,
  ) {}

  private readonly runKey = new RunKey();
  private readonly rowKey = new RunKey();

  /** Whether `row` belongs to the current run (loads its key). */
  private inRun(row: readonly Value[]): boolean {
    this.rowKey.load(row[this.groupSlot] ?? null, this.groupType);
    return this.rowKey.equals(this.runKey);
  }

  open(): void {
    this.closeSorter();
    this.run = [];
    this.i = 0;
    this.input.open();
    this.pending = this.input.next();
  }

  next(): Value[] | undefined {
    if (this.iter !== null) {
      const r = this.iter.next();
      if (r.done !== true) return r.value;
      this.closeSorter();
    }
    if (this.i < this.run.length) return this.run[this.i++];
    if (!this.fill()) return undefined;
    return this.next();
  }

  /** Reads the next run of equal keys into `run` (or the sorter); false at the end of input. */
  private fill(): boolean {
    let r = this.pending;
    if (r === undefined) return false;
    this.runKey.load(r[this.groupSlot] ?? null, this.groupType);
    const ctx = this.env.ctx;
    const budget = ctx.memoryBudgetBytes;
    let bytes = 0;
    let run: Value[][] = [];
    let sorter: ExternalSorter<Value[]> | null = null;
    while (r !== undefined && this.inRun(r)) {
      if (sorter !== null) sorter.add(r);
      else {
        run.push(r);
        bytes += rowBytes(r);
        if (bytes > budget && this.types !== null) {
          ctx.counters.sortSpills++;
          sorter = new ExternalSorter<Value[]>({ compare: this.cmp, codec: rowCodec(this.types), vfs: ctx.vfs, tempPath: ctx.tempPath, memoryBudgetBytes: budget });
          this.sorter = sorter;
          for (const x of run) sorter.add(x);
          run = [];
        }
      }
      r = this.input.next();
    }
    this.pending = r;
    if (sorter !== null) this.iter = sorter.finish();
    else if (run.length > 1) run.sort(this.cmp);
    this.run = run;
    this.i = 0;
    return true;
  }

  private closeSorter(): void {
    this.sorter?.close();
    this.sorter = null;
    this.iter = null;
  }

  close(): void {
    this.closeSorter();
    this.run = [];
    this.pending = undefined;
    this.input.close();
  }
}
