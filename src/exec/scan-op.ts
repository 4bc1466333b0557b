/**
 * Table access: full scan of the table B+Tree, rowid seeks/ranges, secondary-index seeks and
 * ranges (entry value ends with the rowid u64 LE, format §1.10) followed by a rowid fetch, and
 * trigram candidates (keys ascending, lazy: LIMIT stops the intersection) or their fallback scan.
 * Ordered walks (OrderedAccess, for ORDER BY) visit their key ranges in SQL order, ascending or
 * descending (a range marked `backward` is walked from its high key down with seekLast/prev),
 * give NULL rows their own pass and may build rows from index entries alone (covering).
 * Key ranges come from planner/key-ranges.ts at open time (parameters); since native keys are
 * lossy every row is rechecked against the Scan's full pushed-down filter.
 */
import { readU64, utf8Decoder } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { compareKeys } from '../btree/index.js';
import type { BTreeCursor } from '../btree/index.js';
import { compositeIndexKey, decodeFields, decodeIndexEntry, decodeRecord, keyToRowid } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { keyRangesForInterval, keyRangesForValues, mergeKeyRanges, orderedWalk, rowidColumn } from '../planner/index.js';
import type { KeyRange, PlanNode } from '../planner/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { compileExpr, compilePredicate } from './compile-expr.js';
import type { Operator, Predicate } from './operator.js';
import { compileTrigramArgs, countedCandidates, openTrigram } from './trigram-access.js';
import type { TrigramArgs } from './trigram-access.js';

type ScanNode = Extract<PlanNode, { kind: 'scan' }>;

const f64 = new DataView(new ArrayBuffer(8));
/** The FLOAT64 value of a native index key (its raw IEEE bits, format §1.10). */
function floatFromKey(k: U64): number {
  if (typeof k === 'number') {
    f64.setUint32(0, Math.floor(k / 0x100000000));
    f64.setUint32(4, k >>> 0);
  } else f64.setBigUint64(0, k);
  return f64.getFloat64(0);
}

const INT64: SqlType = { base: 'INT64' };

export class ScanOp implements Operator {
  private readonly filter: Predicate | null;
  private readonly values: readonly Compiled[];
  private readonly lo: Compiled | null;
  private readonly hi: Compiled | null;
  private readonly scratch: Value[] = [];
  private readonly fieldScratch: (Value | undefined)[] = [];
  private table: BTreeCursor | null = null;
  private index: BTreeCursor | null = null;
  private ranges: KeyRange[] = [];
  private rangeIdx = 0;
  /**
   * Per range of an ordered index walk: 0 every row, 1 rows whose indexed column is not NULL,
   * 2 only its NULL rows (NULLs share key 0, so they get their own pass, first or last).
   */
  private rangeModes: (0 | 1 | 2)[] = [];
  /** Wide-row slot of the indexed column an ordered index walk checks for NULL. */
  private readonly nullSlot: number;
  /** Ordered TEXT/BLOB index walk building rows from the entries (OrderedAccess.covering). */
  private readonly covering: boolean;
  /** Slot of the integer-PK column when a covering walk must fill it, else -1. */
  private readonly rowidSlot: number;
  /** Ordered walk of a TEXT/BLOB index, whose entries carry the value (NULL: none). */
  private readonly valueEntries: boolean;
  private started = false;
  private arg: readonly Value[] = [];
  private readonly trigramArgs: TrigramArgs | null;
  /** Trigram candidate keys of this open; null when the access scans. */
  private candidates: Iterator<U64> | null = null;

  /** Record fields to decode (node.columns without the ctid position). */
  private readonly fieldColumns: readonly number[];
  private readonly wantsRowid: boolean;

  constructor(
    private readonly node: ScanNode,
    private readonly env: Env,
  ) {
    this.filter = compilePredicate(node.filter, env);
    const n = node.table.columns.length;
    this.fieldColumns = node.columns.filter((c) => c < n);
    this.wantsRowid = node.columns.includes(n);
    const a = node.access;
    this.values = a.kind === 'rowidEq' || a.kind === 'indexEq' || a.kind === 'compositeEq' ? a.values.map((v) => compileExpr(v, env)) : [];
    const ranged = a.kind === 'rowidRange' || a.kind === 'indexRange' || a.kind === 'rowidOrder' || a.kind === 'indexOrder';
    this.lo = ranged && a.lo !== null ? compileExpr(a.lo.value, env) : null;
    this.hi = ranged && a.hi !== null ? compileExpr(a.hi.value, env) : null;
    this.nullSlot = a.kind === 'indexOrder' ? node.offset + a.column : -1;
    this.covering = a.kind === 'indexOrder' && a.covering;
    this.valueEntries = a.kind === 'indexOrder' && (a.type.base === 'TEXT' || a.type.base === 'BLOB');
    const rid = rowidColumn(node.table);
    this.rowidSlot = this.covering && rid >= 0 && node.columns.includes(rid) ? node.offset + rid : -1;
    this.trigramArgs = a.kind === 'trigram' ? compileTrigramArgs(a, env) : null;
  }

  open(): void {
    this.openWith([]);
  }

  /** Opens with access values evaluated against `arg` (the outer row of an index join). */
  openWith(arg: readonly Value[]): void {
    this.arg = arg;
    const ctx = this.env.ctx;
    this.table = ctx.openCursor(this.node.table.rootPage);
    this.started = false;
    this.rangeIdx = 0;
    this.candidates = null;
    this.rangeModes = [];
    const a = this.node.access;
    switch (a.kind) {
      case 'full':
        this.ranges = [];
        this.index = null;
        return;
      case 'trigram': {
        this.ranges = [];
        this.index = null;
        const t = this.trigramArgs!;
        const o = openTrigram(a, ctx, this.node.table.name, t.pattern(arg), t.escape === null ? undefined : t.escape(arg));
        if (o.kind === 'empty') this.table = null;
        else if (o.kind === 'index') this.candidates = countedCandidates(o.search, ctx);
        return;
      }
      case 'rowidEq':
        this.ranges = keyRangesForValues(INT64, this.values.map((f) => f(arg)));
        this.index = null;
        return;
      case 'rowidRange':
        this.ranges = this.bounded(INT64);
        this.index = null;
        return;
      case 'indexEq':
        this.ranges = keyRangesForValues(a.type, this.values.map((f) => f(arg)));
        this.index = ctx.openCursor(a.index.rootPage);
        return;
      case 'indexRange':
        this.ranges = this.bounded(a.type);
        this.index = ctx.openCursor(a.index.rootPage);
        return;
      case 'rowidOrder':
        this.ranges = this.bounded(INT64, a.desc);
        this.index = null;
        return;
      case 'indexOrder': {
        this.ranges = this.bounded(a.type, a.desc);
        this.rangeModes = this.ranges.map(() => 1);
        if (a.lo === null && a.hi === null) {
          // Bounded walks never need NULL rows: no comparison with NULL holds.
          const nulls: KeyRange = { lo: 0, hi: 0 };
          if (a.nullsFirst) {
            this.ranges.unshift(nulls);
            this.rangeModes.unshift(2);
          } else {
            this.ranges.push(nulls);
            this.rangeModes.push(2);
          }
        }
        this.index = ctx.openCursor(a.index.rootPage);
        return;
      }
      case 'compositeEq': {
        const vals = this.values.map((f) => f(arg));
        this.ranges = [];
        if (!vals.includes(null)) {
          const k = compositeIndexKey(vals, a.types);
          this.ranges = [{ lo: k, hi: k }];
        }
        this.index = ctx.openCursor(a.index.rootPage);
        return;
      }
    }
  }

  /**
   * Key ranges of the access bounds in key order, or with `desc` given (an ordered walk) in SQL
   * ascending (false) or descending (true) order, each with its walk direction.
   */
  private bounded(type: SqlType, desc?: boolean): KeyRange[] {
    const lo = this.lo === null ? undefined : this.lo(this.arg);
    const hi = this.hi === null ? undefined : this.hi(this.arg);
    return desc !== undefined ? orderedWalk(type, lo, hi, desc) : mergeKeyRanges(keyRangesForInterval(type, lo, hi));
  }

  next(): Value[] | undefined {
    const a = this.node.access;
    const table = this.table;
    if (table === null) return undefined;
    const counters = this.env.ctx.counters;
    const candidates = this.candidates;
    if (candidates !== null) {
      for (;;) {
        const c = candidates.next();
        if (c.done === true) return undefined;
        const key = c.value;
        if (!table.seek(key) || compareKeys(table.key, key) !== 0) continue;
        counters.rowsRead++;
        const row = this.decode(table.value());
        if (this.filter === null || this.filter(row)) return row;
        counters.rechecksFailed++;
      }
    }
    if (a.kind === 'full' || a.kind === 'trigram') {
      for (;;) {
        const ok = this.started ? table.next() : table.first();
        this.started = true;
        if (!ok) return undefined;
        counters.rowsRead++;
        const row = this.decode(table.value());
        if (this.filter === null || this.filter(row)) return row;
      }
    }
    const cur = this.index ?? table;
    for (;;) {
      if (!this.advance(cur)) return undefined;
      let bytes: Uint8Array;
      if (this.index !== null) {
        counters.indexEntries++;
        const v = this.index.value();
        const rowid: U64 = readU64(v, v.length - 8);
        const key = this.index.key;
        const nonZero = key !== 0 && key !== 0n;
        // A TEXT/BLOB entry without value bytes is a NULL (a value has at least its length).
        const knownNull = this.valueEntries && v.length === 8;
        if (knownNull && this.rangeModes[this.rangeIdx] === 1) continue;
        if (this.covering && (nonZero || knownNull)) {
          // The entry alone gives the row (see OrderedAccess.covering).
          const row = this.coveredRow(key, v, rowid, knownNull);
          if (this.filter === null || this.filter(row)) return row;
          counters.rechecksFailed++;
          continue;
        }
        if (!table.seek(rowid) || compareKeys(table.key, rowid) !== 0) continue;
        bytes = table.value();
      } else bytes = table.value();
      counters.rowsRead++;
      const row = this.decode(bytes);
      const mode = this.rangeModes.length === 0 ? 0 : this.rangeModes[this.rangeIdx]!;
      if (mode !== 0 && (row[this.nullSlot] === null) !== (mode === 2)) continue;
      if (this.filter === null || this.filter(row)) return row;
      counters.rechecksFailed++;
    }
  }

  /** Moves `cur` to the next entry inside the current key range (ranges are disjoint). */
  private advance(cur: BTreeCursor): boolean {
    for (;;) {
      if (this.rangeIdx >= this.ranges.length) return false;
      const r = this.ranges[this.rangeIdx]!;
      if (r.backward === true) {
        const ok = this.started ? cur.prev() : cur.seekLast(r.hi);
        this.started = true;
        if (ok && compareKeys(cur.key, r.lo) >= 0) return true;
      } else {
        const ok = this.started ? cur.next() : cur.seek(r.lo);
        this.started = true;
        if (ok && compareKeys(cur.key, r.hi) <= 0) return true;
      }
      this.rangeIdx++;
      this.started = false;
    }
  }

  /** A row of only the indexed column and the rowid, from an index entry of key ≠ 0 or a NULL. */
  private coveredRow(key: U64, entry: Uint8Array, rowidKey: U64, isNull: boolean): Value[] {
    const a = this.node.access as Extract<ScanNode['access'], { kind: 'indexOrder' }>;
    const off = this.node.offset;
    const out: Value[] = new Array<Value>(this.node.width).fill(null);
    const base = a.type.base;
    if (isNull) out[off + a.column] = null;
    else if (base === 'INT64') out[off + a.column] = keyToRowid(key);
    else if (base === 'BOOL') out[off + a.column] = true;
    else if (base === 'FLOAT64') out[off + a.column] = floatFromKey(key);
    else {
      const bytes = decodeIndexEntry(entry, true).value!;
      out[off + a.column] = base === 'TEXT' ? utf8Decoder.decode(bytes) : bytes;
    }
    const rowid = keyToRowid(rowidKey);
    if (this.rowidSlot >= 0) out[this.rowidSlot] = rowid;
    if (this.wantsRowid) out[off + this.node.table.columns.length] = rowid;
    return out;
  }

  private decode(bytes: Uint8Array): Value[] {
    const off = this.node.offset;
    const out: Value[] = new Array<Value>(this.node.width).fill(null);
    const cols = this.fieldColumns;
    const n = this.node.table.columns.length;
    if (cols.length === n) {
      const rec = decodeRecord(bytes, this.env.ctx.overflow, this.scratch);
      for (let i = 0; i < cols.length && i < rec.length; i++) out[off + i] = rec[i]!;
    } else if (cols.length > 0) {
      const vals = decodeFields(bytes, cols, this.env.ctx.overflow, this.fieldScratch);
      for (let j = 0; j < cols.length; j++) out[off + cols[j]!] = vals[j] ?? null;
    }
    // The `ctid` system column (binder.ts) sits right after the table's columns.
    if (this.wantsRowid && this.table !== null) out[off + n] = keyToRowid(this.table.key);
    return out;
  }

  close(): void {
    this.table = null;
    this.index = null;
    this.candidates?.return?.();
    this.candidates = null;
  }
}
