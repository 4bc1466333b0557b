/**
 * Table access: full scan of the table B+Tree, rowid seeks/ranges, secondary-index seeks and
 * ranges (entry value ends with the rowid u64 LE, format §1.10) followed by a rowid fetch, and
 * trigram candidates (keys ascending, lazy: LIMIT stops the intersection) or their fallback scan.
 * Key ranges come from planner/key-ranges.ts at open time (parameters); since native keys are
 * lossy every row is rechecked against the Scan's full pushed-down filter.
 */
import { readU64 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { compareKeys } from '../btree/index.js';
import type { BTreeCursor } from '../btree/index.js';
import { compositeIndexKey, decodeFields, decodeRecord, keyToRowid } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { keyRangesForInterval, keyRangesForValues, mergeKeyRanges } from '../planner/index.js';
import type { KeyRange, PlanNode } from '../planner/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { compileExpr, compilePredicate } from './compile-expr.js';
import type { Operator, Predicate } from './operator.js';
import { compileTrigramArgs, countedCandidates, openTrigram } from './trigram-access.js';
import type { TrigramArgs } from './trigram-access.js';

type ScanNode = Extract<PlanNode, { kind: 'scan' }>;

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
    this.lo = (a.kind === 'rowidRange' || a.kind === 'indexRange') && a.lo !== null ? compileExpr(a.lo.value, env) : null;
    this.hi = (a.kind === 'rowidRange' || a.kind === 'indexRange') && a.hi !== null ? compileExpr(a.hi.value, env) : null;
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

  private bounded(type: SqlType): KeyRange[] {
    const lo = this.lo === null ? undefined : this.lo(this.arg);
    const hi = this.hi === null ? undefined : this.hi(this.arg);
    return mergeKeyRanges(keyRangesForInterval(type, lo, hi));
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
        if (!table.seek(rowid) || compareKeys(table.key, rowid) !== 0) continue;
        bytes = table.value();
      } else bytes = table.value();
      counters.rowsRead++;
      const row = this.decode(bytes);
      if (this.filter === null || this.filter(row)) return row;
      counters.rechecksFailed++;
    }
  }

  /** Moves `cur` to the next entry inside the current key range (ranges are disjoint, sorted). */
  private advance(cur: BTreeCursor): boolean {
    for (;;) {
      if (this.rangeIdx >= this.ranges.length) return false;
      const r = this.ranges[this.rangeIdx]!;
      const ok = this.started ? cur.next() : cur.seek(r.lo);
      this.started = true;
      if (ok && compareKeys(cur.key, r.hi) <= 0) return true;
      this.rangeIdx++;
      this.started = false;
    }
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
