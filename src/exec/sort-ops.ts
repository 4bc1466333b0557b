/**
 * Ordering operators: Sort (an index sort over extracted key columns in memory; past the budget
 * each batch becomes a sorted run of the ExternalSorter spilling to the Vfs), TopN (a bounded
 * buffer cut by quickselect, never a full sort), and Window (ROW_NUMBER() per partition). Sort
 * keys are slots of the input row or compiled expressions, with NULLS FIRST/LAST as requested.
 */
import type { SqlType, Value } from '../record/index.js';
import type { SortKey } from '../planner/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { ExternalSorter } from './external-sort.js';
import { countValue, rowKey } from './operator.js';
import type { Operator } from './operator.js';
import { rowBytes, rowCodec } from './row-codec.js';
import { KeyColumns, iota, keySpecs, pick, rowComparator } from './sort-keys.js';
import type { IndexCompare, KeySpec, RowCompare, RowComparator } from './sort-keys.js';
import { select, sortIndex, sortRange } from './sort-select.js';
import type { TopNBound } from './top-n-bound.js';

export type { RowCompare, RowComparator } from './sort-keys.js';

/**
 * A comparator over keys computed by `fs` (slot readers or any compiled expressions), with the
 * comparison of each key chosen once from its type; it carries its keys so Sort and TopN can
 * extract key columns instead (sort-keys.ts). Still a plain RowCompare for other callers.
 */
export function makeComparator(keys: readonly SortKey[], fs: readonly Compiled[]): RowComparator {
  return rowComparator(keySpecs(keys, fs));
}

/** Bytes charged per row for its extracted key values (references in the key columns). */
const KEY_BYTES = 8;

export class SortOp implements Operator {
  private rows: Value[][] = [];
  /** Output order as positions in `rows`, or null when `rows` is already in order. */
  private order: number[] | null = null;
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
    const keys = (this.cmp as RowComparator).keys;
    if (keys === undefined) this.openGeneric();
    else this.openKeyed(keys);
    this.i = 0;
  }

  /**
   * Rows and their key columns collect up to the budget; each full batch is sorted as an index
   * array (ties by input position) and spilled as one run; the runs merge with a row comparator
   * that uses native TEXT order when no key string seen had a surrogate.
   */
  private openKeyed(keys: readonly KeySpec[]): void {
    const ctx = this.env.ctx;
    const budget = ctx.memoryBudgetBytes;
    const perRow = keys.length * KEY_BYTES;
    let bytes = 0;
    let rows: Value[][] = [];
    const kc = new KeyColumns(keys);
    let nativeText = true;
    let mergeCmp = rowComparator(keys, false);
    const sorter = (): ExternalSorter<Value[]> => {
      if (this.sorter === null) {
        ctx.counters.sortSpills++;
        this.sorter = new ExternalSorter<Value[]>({ compare: (a, b) => mergeCmp(a, b), codec: rowCodec(), vfs: ctx.vfs, tempPath: ctx.tempPath, memoryBudgetBytes: budget });
      }
      return this.sorter;
    };
    this.input.open();
    for (let r = this.input.next(); r !== undefined; r = this.input.next()) {
      rows.push(r);
      kc.push(r);
      bytes += rowBytes(r) + perRow;
      if (bytes > budget && this.types !== null) {
        const s = sorter();
        const idx = sortIndex(iota(rows.length), kc.comparator());
        s.addSortedRun(pick(rows, idx));
        nativeText &&= kc.nativeText;
        rows = [];
        kc.clear();
        bytes = 0;
      }
    }
    this.input.close();
    const idx = sortIndex(iota(rows.length), kc.comparator());
    nativeText &&= kc.nativeText;
    if (this.sorter !== null) {
      this.sorter.addSortedRun(pick(rows, idx));
      mergeCmp = rowComparator(keys, nativeText);
      this.iter = this.sorter.finish();
      this.rows = [];
      this.order = null;
    } else {
      this.rows = rows;
      this.order = idx;
    }
  }

  private openGeneric(): void {
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
        this.sorter = new ExternalSorter<Value[]>({ compare: this.cmp, codec: rowCodec(), vfs: ctx.vfs, tempPath: ctx.tempPath, memoryBudgetBytes: budget });
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
    this.order = null;
  }

  next(): Value[] | undefined {
    if (this.iter !== null) {
      const r = this.iter.next();
      return r.done === true ? undefined : r.value;
    }
    if (this.i >= this.rows.length) return undefined;
    const at = this.i++;
    return this.order === null ? this.rows[at] : this.rows[this.order[at]!];
  }
  private closeSorter(): void {
    this.sorter?.close();
    this.sorter = null;
    this.iter = null;
  }
  close(): void {
    this.closeSorter();
    this.rows = [];
    this.order = null;
  }
}

/**
 * Keeps the best LIMIT + OFFSET (= cap) rows. Rows and their key columns collect in a buffer of
 * at most 2 × cap + 64; when it fills, a quickselect keeps the best cap (in input order, so ties
 * still go to the earlier row) and remembers the worst kept row: later rows that do not beat it
 * are dropped after one comparison. At the end a second selection finds the OFFSET boundary and
 * only the returned page is sorted: O(n + LIMIT log LIMIT) comparisons, never a full sort.
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
    /** Published after each cut for the Scan below to prune with (top-n-bound.ts). */
    private readonly bound: TopNBound | null = null,
  ) {}
  open(): void {
    this.bound?.reset();
    const limit = countValue(this.limit([]), 'LIMIT');
    const skip = this.offset === null ? 0 : countValue(this.offset([]), 'OFFSET');
    const cap = limit + skip;
    const keys = (this.cmp as RowComparator).keys;
    const { rows, maxBuf, order } = keys === undefined ? this.collectGeneric(cap) : this.collectKeyed(cap, skip, keys);
    const counters = this.env.ctx.counters;
    if (maxBuf > counters.topNMaxHeap) counters.topNMaxHeap = maxBuf;
    this.out = order === null ? rows.slice(skip, cap) : pick(rows, order);
    this.i = 0;
  }

  /**
   * When every slot of the input rows is a plain key slot (SELECT a, b … ORDER BY b, a), rows
   * are not kept at all: the kept ones are rebuilt from the key columns at the end, so the rows
   * that lose are garbage at once instead of surviving young-generation collections.
   */
  private collectKeyed(cap: number, skip: number, keys: readonly KeySpec[]): { rows: Value[][]; maxBuf: number; order: number[] } {
    const bufferCap = cap * 2 + 64;
    let rows: Value[][] = [];
    const kc = new KeyColumns(keys);
    let cmp: IndexCompare = kc.comparator();
    let native = kc.nativeText;
    let worst = -1; // position of the worst kept row after a cut, or -1
    let maxBuf = 0;
    let width = -1;
    let keyOnly = false;
    this.input.open();
    if (cap > 0) {
      for (let r = this.input.next(); r !== undefined; r = this.input.next()) {
        if (width !== r.length) {
          if (width < 0) keyOnly = keySlotsCover(keys, r.length);
          else if (keyOnly) {
            rows = rebuildRows(kc, keys, width, iota(kc.length));
            keyOnly = false;
          }
          width = r.length;
        }
        const n = kc.length;
        kc.push(r);
        if (kc.nativeText !== native) {
          native = kc.nativeText;
          cmp = kc.comparator();
        }
        if (worst >= 0 && cmp(n, worst) > 0) {
          kc.pop();
          continue;
        }
        if (!keyOnly) rows.push(r);
        if (n + 1 >= bufferCap) {
          maxBuf = n + 1;
          const idx = iota(n + 1);
          select(idx, cap - 1, 0, n, cmp);
          const worstOld = idx[cap - 1]!;
          const keep = Uint32Array.from(idx.slice(0, cap)).sort();
          if (!keyOnly) rows = pick(rows, keep);
          kc.compact(keep);
          cmp = kc.comparator();
          worst = keep.indexOf(worstOld);
          this.bound?.set(kc.cols[0]![worst]!);
        }
      }
    }
    this.input.close();
    const count = kc.length;
    if (count > maxBuf) maxBuf = count;
    const end = Math.min(cap, count);
    if (skip >= end) return { rows: [], maxBuf, order: [] };
    const idx = iota(count);
    if (count > end) select(idx, end - 1, 0, count - 1, cmp);
    if (skip > 0) select(idx, skip, 0, end - 1, cmp);
    sortRange(idx, skip, end - 1, cmp);
    const order = idx.slice(skip, end);
    if (keyOnly) return { rows: rebuildRows(kc, keys, width, order), maxBuf, order: iota(order.length) };
    return { rows, maxBuf, order };
  }

  /** For a comparator without keys: sort the buffer whenever it fills, keep the first cap. */
  private collectGeneric(cap: number): { rows: Value[][]; maxBuf: number; order: null } {
    const bufferCap = cap * 2 + 64;
    const buf: Value[][] = [];
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
    buf.sort(this.cmp);
    return { rows: buf, maxBuf, order: null };
  }

  next(): Value[] | undefined {
    return this.i < this.out.length ? this.out[this.i++] : undefined;
  }
  close(): void {
    this.out = [];
  }
}

/** True when each slot 0..width-1 is read by some plain slot key. */
function keySlotsCover(keys: readonly KeySpec[], width: number): boolean {
  if (width === 0) return false;
  const seen = new Array<boolean>(width).fill(false);
  for (const k of keys) if (k.slot >= 0 && k.slot < width) seen[k.slot] = true;
  return seen.every((x) => x);
}

/** The rows at `positions`, `width` slots each, rebuilt from key columns that cover every slot. */
function rebuildRows(kc: KeyColumns, keys: readonly KeySpec[], width: number, positions: readonly number[]): Value[][] {
  const n = positions.length;
  const out = new Array<Value[]>(n);
  for (let i = 0; i < n; i++) out[i] = new Array<Value>(width).fill(null);
  for (let k = 0; k < keys.length; k++) {
    const slot = keys[k]!.slot;
    if (slot < 0 || slot >= width) continue;
    const col = kc.cols[k]!;
    for (let i = 0; i < n; i++) out[i]![slot] = col[positions[i]!] ?? null;
  }
  return out;
}
