/**
 * Table access: full scan of the table B+Tree, rowid seeks/ranges, secondary-index seeks and
 * ranges (entry value ends with the rowid u64 LE, format §1.10) followed by a rowid fetch, and
 * trigram candidates (keys ascending, lazy: LIMIT stops the intersection) or their fallback scan.
 * Ordered walks (OrderedAccess, for ORDER BY) visit their key ranges in SQL order, ascending or
 * descending (a range marked `backward` is walked from its high key down with seekLast/prev),
 * give NULL rows their own pass and may build rows from index entries alone (covering).
 * Key ranges come from planner/key-ranges.ts at open time (parameters); since native keys are
 * lossy every row is rechecked against the Scan's full pushed-down filter.
 * Rowid fetches after an index entry, and the starts of key ranges, step the cursor forward
 * when the target lies just ahead (rows inserted together sit together, so consecutive index
 * entries often point at neighbouring rows) instead of descending from the root each time; the
 * cursors live across the re-opens of one pass of an index join (its inner side) for the same
 * reason.
 * Per row, records are decoded in place in the page image (no view), a row the filter rejects
 * is recycled for the next one, and text-prefilter.ts may reject a row from its bytes alone.
 */
import { corrupt, readU64, utf8Decoder } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { compareKeys } from '../btree/index.js';
import type { BTreeCursor } from '../btree/index.js';
import { compositeIndexKey, decodeFieldsAt, decodeIndexEntry, decodeRecordAt, keyToRowid } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { keyRangesForInterval, keyRangesForValues, mergeKeyRanges, orderedWalk, rowidColumn } from '../planner/index.js';
import type { KeyRange, PlanNode } from '../planner/index.js';
import type { Compiled, Env } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { compileExpr, compilePredicate } from './compile-expr.js';
import type { Operator, Predicate } from './operator.js';
import { TextPrefilter } from './text-prefilter.js';
import type { TopNBound } from './top-n-bound.js';
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

/**
 * Entries a rowid fetch steps forward before it seeks instead: a step inside a leaf costs a
 * comparison, a seek one page visit per tree level; a miss wastes at most this many steps.
 */
const FETCH_STEPS = 4;

export class ScanOp implements Operator {
  private readonly filter: Predicate | null;
  private readonly values: readonly Compiled[];
  private readonly lo: Compiled | null;
  private readonly hi: Compiled | null;
  private readonly scratch: Value[] = [];
  private readonly fieldScratch: (Value | undefined)[] = [];
  private table: BTreeCursor | null = null;
  private index: BTreeCursor | null = null;
  /** The table cursor kept across re-opens within one run (`cursorRun`), for rowid fetches. */
  private tableCursor: BTreeCursor | null = null;
  /** Like tableCursor, for this Scan's index (reset with it). */
  private indexCursor: BTreeCursor | null = null;
  private cursorCtx: ExecContext | null = null;
  private cursorRun = -1;
  /** The range cursor sits on the leftmost entry of its key's run (see advance). */
  private leftmost = false;
  /** An all-NULL row of the block's width: copying it beats new Array(width).fill(null) ~2×. */
  private readonly blank: Value[];
  /** A decoded row the filter rejected, reused by the next decode (no slot outside ours is set). */
  private spare: Value[] | null = null;
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
  /** Rejects rows from their bytes before decoding, when the filter allows (text-prefilter.ts). */
  private readonly prefilter: TextPrefilter | null;
  /** Rejects rows a TopN above cannot return, from their bytes (top-n-bound.ts). */
  private bound: TopNBound | null = null;
  /** prefilter or bound is set: rows are checked from their bytes first. */
  private byteChecks: boolean;
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
    this.blank = new Array<Value>(node.width).fill(null);
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
    const text = node.table.columns.map((c) => c.type.base === 'TEXT');
    this.prefilter = TextPrefilter.of(node.filter, node.offset, text, env);
    this.byteChecks = this.prefilter !== null;
  }

  /** Lets the TopN above prune this scan's rows (execute.ts checks the path between them). */
  attachBound(bound: TopNBound): void {
    this.bound = bound;
    this.byteChecks = true;
  }

  open(): void {
    this.forgetCursors();
    this.openWith([]);
  }

  /**
   * Drops the cursors kept across openWith calls. Every open() does, and an index join does at
   * its own open(): a new pass may follow writes (a subquery re-run while its statement
   * writes), whereas within one pass nothing writes (DML collects its rows first), so a kept
   * cursor's position and page image are current.
   */
  forgetCursors(): void {
    this.tableCursor = null;
    this.indexCursor = null;
    this.cursorCtx = null;
    this.leftmost = false;
  }

  /** Opens with access values evaluated against `arg` (the outer row of an index join). */
  openWith(arg: readonly Value[]): void {
    this.arg = arg;
    const ctx = this.env.ctx;
    this.table = this.tableCursorOf(ctx);
    this.prefilter?.open();
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
        this.index = this.indexCursorOf(ctx, a.index.rootPage);
        return;
      case 'indexRange':
        this.ranges = this.bounded(a.type);
        this.index = this.indexCursorOf(ctx, a.index.rootPage);
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
        this.index = this.indexCursorOf(ctx, a.index.rootPage);
        return;
      }
      case 'compositeEq': {
        const vals = this.values.map((f) => f(arg));
        this.ranges = [];
        if (!vals.includes(null)) {
          const k = compositeIndexKey(vals, a.types);
          this.ranges = [{ lo: k, hi: k }];
        }
        this.index = this.indexCursorOf(ctx, a.index.rootPage);
        return;
      }
    }
  }

  /** The run's table cursor: positioned wherever the last open left it, which fetches use. */
  private tableCursorOf(ctx: ExecContext): BTreeCursor {
    if (this.tableCursor === null || this.cursorCtx !== ctx || this.cursorRun !== this.env.epoch) {
      this.tableCursor = ctx.openCursor(this.node.table.rootPage);
      // A table scan keeps nothing of a leaf it has left (rows are decoded values): past the
      // cache's size it reads through its own ring (scan-ring.ts).
      const k = this.node.access.kind;
      if (k === 'full' || k === 'trigram') this.tableCursor.useRing();
      this.indexCursor = null;
      this.cursorCtx = ctx;
      this.cursorRun = this.env.epoch;
    }
    return this.tableCursor;
  }

  /** The run's index cursor (every index access positions it afresh: one object per run). */
  private indexCursorOf(ctx: ExecContext, rootPage: number): BTreeCursor {
    return (this.indexCursor ??= ctx.openCursor(rootPage));
  }

  /**
   * Positions the table cursor on `rowid`; false when the table has no such row. Same result as
   * a seek: stepping forward from a smaller key stops at the first key >= rowid, and a cursor
   * already on `rowid` stays (current within one pass, see forgetCursors).
   */
  private fetch(table: BTreeCursor, rowid: U64): boolean {
    if (table.valid) {
      const c = compareKeys(table.key, rowid);
      if (c === 0) return true;
      if (c < 0) {
        for (let i = 0; i < FETCH_STEPS; i++) {
          if (!table.next()) break;
          const d = compareKeys(table.key, rowid);
          if (d === 0) return true;
          if (d > 0) return false;
        }
      }
    }
    return table.seek(rowid) && compareKeys(table.key, rowid) === 0;
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
        if (this.byteChecks && this.prefiltered(table)) {
          counters.rechecksFailed++;
          continue;
        }
        const row = this.decodeCurrent(table);
        if (this.filter === null || this.filter(row)) return row;
        this.spare = row;
        counters.rechecksFailed++;
      }
    }
    if (a.kind === 'full' || a.kind === 'trigram') {
      for (;;) {
        const ok = this.started ? table.next() : table.first();
        this.started = true;
        if (!ok) return undefined;
        counters.rowsRead++;
        if (this.byteChecks && this.prefiltered(table)) continue;
        const row = this.decodeCurrent(table);
        if (this.filter === null || this.filter(row)) return row;
        this.spare = row;
      }
    }
    const cur = this.index ?? table;
    for (;;) {
      if (!this.advance(cur)) return undefined;
      const index = this.index;
      if (index !== null) {
        counters.indexEntries++;
        // The entry ends with the rowid (u64 LE); read in place, without a view.
        let entry = index.valueInPage();
        let start = index.valueStart;
        let end = index.valueEnd;
        if (entry === null) {
          entry = index.value();
          start = 0;
          end = entry.length;
        }
        const entryLen = end - start;
        if (entryLen < 8) throw corrupt(0, `index entry of ${entryLen} bytes has no rowid`);
        const rowid: U64 = readU64(entry, end - 8);
        const key = index.key;
        const nonZero = key !== 0 && key !== 0n;
        // A TEXT/BLOB entry without value bytes is a NULL (a value has at least its length).
        const knownNull = this.valueEntries && entryLen === 8;
        if (knownNull && this.rangeModes[this.rangeIdx] === 1) continue;
        if (this.covering && (nonZero || knownNull)) {
          // The entry alone gives the row (see OrderedAccess.covering).
          const row = this.coveredRow(key, index.value(), rowid, knownNull);
          if (this.filter === null || this.filter(row)) return row;
          counters.rechecksFailed++;
          continue;
        }
        if (!this.fetch(table, rowid)) continue;
      }
      counters.rowsRead++;
      if (this.byteChecks && this.prefiltered(table)) {
        counters.rechecksFailed++;
        continue;
      }
      const row = this.decodeCurrent(table);
      const mode = this.rangeModes.length === 0 ? 0 : this.rangeModes[this.rangeIdx]!;
      if (mode !== 0 && (row[this.nullSlot] === null) !== (mode === 2)) {
        this.spare = row;
        continue;
      }
      if (this.filter === null || this.filter(row)) return row;
      this.spare = row;
      counters.rechecksFailed++;
    }
  }

  /** Moves `cur` to the next entry inside the current key range (ranges are disjoint). */
  private advance(cur: BTreeCursor): boolean {
    for (;;) {
      if (this.rangeIdx >= this.ranges.length) return false;
      const r = this.ranges[this.rangeIdx]!;
      if (r.backward === true) {
        this.leftmost = false;
        const ok = this.started ? cur.prev() : cur.seekLast(r.hi);
        this.started = true;
        if (ok && compareKeys(cur.key, r.lo) >= 0) return true;
      } else {
        let ok: boolean;
        if (!this.started) ok = this.seekForward(cur, r.lo);
        // A single rowid has a single row: done without moving, so the next open can stay.
        else if (cur === this.table && compareKeys(r.lo, r.hi) === 0) ok = false;
        else ok = cur.next();
        this.started = true;
        if (ok && compareKeys(cur.key, r.hi) <= 0) return true;
        // Past the range: on the first entry after one of key <= hi (or a seek's), so the
        // leftmost of its key's run — where a seek to that key would land.
        this.leftmost = ok;
      }
      this.rangeIdx++;
      this.started = false;
    }
  }

  /**
   * cur.seek(lo) without a descent when the cursor (kept from the last range or open) sits
   * just before `lo`, or on `lo` as the leftmost of its run (always so on the table: unique
   * keys): stepping forward from a smaller key lands on the leftmost entry >= lo.
   */
  private seekForward(cur: BTreeCursor, lo: U64): boolean {
    const leftmost = this.leftmost;
    this.leftmost = false;
    if (cur.valid) {
      const c = compareKeys(cur.key, lo);
      if (c === 0 && (leftmost || cur === this.table)) return true;
      if (c < 0) {
        for (let i = 0; i < FETCH_STEPS; i++) {
          if (!cur.next()) break;
          if (compareKeys(cur.key, lo) >= 0) return true;
        }
      }
    }
    return cur.seek(lo);
  }

  /** A row of only the indexed column and the rowid, from an index entry of key ≠ 0 or a NULL. */
  private coveredRow(key: U64, entry: Uint8Array, rowidKey: U64, isNull: boolean): Value[] {
    const a = this.node.access as Extract<ScanNode['access'], { kind: 'indexOrder' }>;
    const off = this.node.offset;
    const out: Value[] = this.blank.slice();
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

  /** Whether the prefilter or the TopN bound rejects the table cursor's entry (counted) from its inline bytes. */
  private prefiltered(table: BTreeCursor): boolean {
    const page = table.valueInPage();
    if (page === null) return false;
    const s = table.valueStart;
    const e = table.valueEnd;
    if (this.prefilter !== null && this.prefilter.rejects(page, s, e)) {
      this.env.ctx.counters.prefiltered++;
      return true;
    }
    if (this.bound !== null && this.bound.rejects(page, s, e)) {
      this.env.ctx.counters.topNPruned++;
      return true;
    }
    return false;
  }

  /** The row of the table cursor's entry, decoded in place when the record is stored inline. */
  private decodeCurrent(table: BTreeCursor): Value[] {
    const page = table.valueInPage();
    if (page !== null) return this.decode(page, table.valueStart, table.valueEnd);
    const v = table.value();
    return this.decode(v, 0, v.length);
  }

  /**
   * The row of the record at `bytes[start, end)`. Writes every slot of node.columns (NULL for
   * fields a short record lacks), so a recycled `spare` row needs no clearing: no other slot
   * of it was ever set.
   */
  private decode(bytes: Uint8Array, start: number, end: number): Value[] {
    const off = this.node.offset;
    let out = this.spare;
    if (out === null) out = this.blank.slice();
    else this.spare = null;
    const cols = this.fieldColumns;
    const n = this.node.table.columns.length;
    if (cols.length === n) {
      const rec = decodeRecordAt(bytes, start, end, this.env.ctx.overflow, this.scratch);
      for (let i = 0; i < n; i++) out[off + i] = i < rec.length ? rec[i]! : null;
    } else if (cols.length > 0) {
      const vals = decodeFieldsAt(bytes, start, end, cols, this.env.ctx.overflow, this.fieldScratch);
      for (let j = 0; j < cols.length; j++) out[off + cols[j]!] = vals[j] ?? null;
    }
    // The `ctid` system column (binder.ts) sits right after the table's columns.
    if (this.wantsRowid && this.table !== null) out[off + n] = keyToRowid(this.table.key);
    return out;
  }

  close(): void {
    this.table = null;
    this.forgetCursors();
    this.spare = null;
    this.index = null;
    this.candidates?.return?.();
    this.candidates = null;
  }
}
