/**
 * Join operators over wide rows (planner/plan.ts): each side fills only its own slots, and a
 * joined row is the left/probe row with the other side's slots copied in. NestedLoopJoin
 * (buffers the inner side once per open; past the memory budget a block nested loop over a
 * file, block-nested-loop.ts), IndexNestedLoopJoin (re-opens an index/rowid Scan
 * per outer row), HashJoin (builds on one side; LEFT keeps unmatched probe rows, FULL also
 * unmatched build rows; past the memory budget it becomes a Grace hash join, grace-pairs.ts).
 * NULL keys never match (SQL `=`).
 */
import type { SqlType, Value } from '../record/index.js';
import type { JoinKind } from '../planner/index.js';
import { compositeKey, hashKey } from '../types/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { BlockNestedLoop } from './block-nested-loop.js';
import { GracePairs } from './grace-pairs.js';
import { MAX_SPILL_LEVEL } from './hash-spill.js';
import type { Operator, Predicate } from './operator.js';
import { rowBytes } from './row-codec.js';
import type { ScanOp } from './scan-op.js';

function merge(base: readonly Value[], other: readonly Value[], slots: readonly number[]): Value[] {
  const out = base.slice();
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i]!;
    out[s] = other[s] ?? null;
  }
  return out;
}

export class NestedLoopJoinOp implements Operator {
  private rights: Value[][] = [];
  private matched: Uint8Array = new Uint8Array(0);
  private leftRow: Value[] | undefined = undefined;
  private leftMatched = false;
  private j = 0;
  private tail = -1;
  private blocks: BlockNestedLoop | null = null;
  constructor(
    private readonly join: JoinKind,
    private readonly left: Operator,
    private readonly right: Operator,
    private readonly cond: Predicate | null,
    private readonly rightSlots: readonly number[],
    private readonly env: Env,
  ) {}
  open(): void {
    this.blocks?.close();
    this.blocks = null;
    this.right.open();
    this.rights = [];
    const budget = this.env.ctx.memoryBudgetBytes;
    let bytes = 0;
    for (let r = this.right.next(); r !== undefined; r = this.right.next()) {
      this.rights.push(r);
      bytes += rowBytes(r) + 16;
      if (bytes > budget) {
        this.spill();
        return;
      }
    }
    this.right.close();
    this.matched = new Uint8Array(this.rights.length);
    this.left.open();
    this.leftRow = undefined;
    this.tail = -1;
  }
  /** The inner side passed the budget: a block nested loop over it in a file (block-nested-loop.ts). */
  private spill(): void {
    const ctx = this.env.ctx;
    ctx.counters.operatorSpills++;
    const slots = this.rightSlots;
    const b = new BlockNestedLoop(ctx, { join: this.join, cond: this.cond, merge: (o, i) => merge(o, i, slots) });
    this.blocks = b;
    for (const r of this.rights) b.addInner(r);
    this.rights = [];
    for (let r = this.right.next(); r !== undefined; r = this.right.next()) b.addInner(r);
    this.right.close();
    this.left.open();
    b.start(this.left);
  }
  next(): Value[] | undefined {
    if (this.blocks !== null) return this.blocks.next();
    for (;;) {
      if (this.tail >= 0) {
        while (this.tail < this.rights.length) {
          const i = this.tail++;
          if (this.matched[i] === 0) return this.rights[i]!.slice();
        }
        return undefined;
      }
      if (this.leftRow === undefined) {
        this.leftRow = this.left.next();
        if (this.leftRow === undefined) {
          if (this.join === 'full') {
            this.tail = 0;
            continue;
          }
          return undefined;
        }
        this.j = 0;
        this.leftMatched = false;
      }
      const l = this.leftRow;
      while (this.j < this.rights.length) {
        const i = this.j++;
        const out = merge(l, this.rights[i]!, this.rightSlots);
        if (this.cond === null || this.cond(out)) {
          this.leftMatched = true;
          this.matched[i] = 1;
          return out;
        }
      }
      this.leftRow = undefined;
      if (!this.leftMatched && this.join !== 'inner') return l;
    }
  }
  close(): void {
    try {
      this.blocks?.close();
    } finally {
      this.blocks = null;
      this.left.close();
      this.rights = [];
      this.matched = new Uint8Array(0);
      this.leftRow = undefined;
    }
  }
}

/** Slots in [0, width) that are not in `slots`. */
function complement(width: number, slots: readonly number[]): number[] {
  const inSlots = new Uint8Array(width);
  for (const s of slots) if (s < width) inSlots[s] = 1;
  const out: number[] = [];
  for (let i = 0; i < width; i++) if (inSlots[i] === 0) out.push(i);
  return out;
}

export class IndexNestedLoopJoinOp implements Operator {
  private outerRow: Value[] | undefined = undefined;
  private matched = false;
  /** Slots the outer row fills (complement of innerSlots), for rows of `outerWidth`. */
  private outerSlots: number[] = [];
  private outerWidth = -1;
  constructor(
    private readonly join: 'inner' | 'left',
    private readonly outer: Operator,
    private readonly inner: ScanOp,
    private readonly cond: Predicate | null,
    private readonly innerSlots: readonly number[],
  ) {}
  open(): void {
    this.inner.forgetCursors(); // a new pass: cursors kept from the last one may be stale
    this.outer.open();
    this.outerRow = undefined;
  }
  next(): Value[] | undefined {
    for (;;) {
      if (this.outerRow === undefined) {
        this.outerRow = this.outer.next();
        if (this.outerRow === undefined) return undefined;
        this.inner.openWith(this.outerRow);
        this.matched = false;
      }
      const o = this.outerRow;
      for (let r = this.inner.next(); r !== undefined; r = this.inner.next()) {
        const out = this.join2(o, r);
        if (this.cond === null || this.cond(out)) {
          this.matched = true;
          return out;
        }
      }
      this.outerRow = undefined;
      if (!this.matched && this.join === 'left') return o;
    }
  }
  close(): void {
    this.outer.close();
    this.inner.close();
    this.outerRow = undefined;
  }

  /**
   * The joined row. The inner Scan hands over a fresh wide row of its own, so the outer slots
   * are copied into it instead of copying the outer row and then the inner slots (one array
   * per joined row instead of two).
   */
  private join2(o: readonly Value[], r: Value[]): Value[] {
    if (r.length !== o.length) return merge(o, r, this.innerSlots);
    if (this.outerWidth !== o.length) {
      this.outerSlots = complement(o.length, this.innerSlots);
      this.outerWidth = o.length;
    }
    const slots = this.outerSlots;
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      r[s] = o[s] ?? null;
    }
    return r;
  }
}

export function keyOf(fs: readonly Compiled[], types: readonly SqlType[], row: readonly Value[], scratch: Value[]): unknown {
  if (fs.length === 1) {
    const v = fs[0]!(row);
    if (v === null) return null;
    const k = hashKey(v, types[0]!);
    return typeof k === 'string' ? 's' + k : k;
  }
  for (let i = 0; i < fs.length; i++) {
    const v = fs[i]!(row);
    if (v === null) return null;
    scratch[i] = v;
  }
  return compositeKey(scratch, types);
}

export class HashJoinOp implements Operator {
  private table = new Map<unknown, number[]>();
  private buildRows: Value[][] = [];
  private matched: Uint8Array = new Uint8Array(0);
  private probeRow: Value[] | undefined = undefined;
  private bucket: readonly number[] = [];
  private bi = 0;
  private probeMatched = false;
  private tail = -1;
  private readonly scratch: Value[] = [];
  private grace: GracePairs | null = null;
  constructor(
    private readonly join: JoinKind,
    private readonly probe: Operator,
    private readonly build: Operator,
    private readonly probeKeys: readonly Compiled[],
    private readonly buildKeys: readonly Compiled[],
    private readonly types: readonly SqlType[],
    private readonly cond: Predicate | null,
    private readonly buildSlots: readonly number[],
    private readonly env: Env,
    /** Grace recursion depth: 0 for the plan's own join, n + 1 for a pair of files of level n. */
    private readonly level = 0,
  ) {}
  open(): void {
    this.grace?.close();
    this.grace = null;
    this.table = new Map();
    this.buildRows = [];
    const ctx = this.env.ctx;
    const budget = ctx.memoryBudgetBytes;
    let bytes = 0;
    this.build.open();
    for (let r = this.build.next(); r !== undefined; r = this.build.next()) {
      const idx = this.buildRows.length;
      this.buildRows.push(r);
      bytes += rowBytes(r) + 16;
      if (bytes > budget && this.level < MAX_SPILL_LEVEL) {
        this.spill();
        return;
      }
      const k = keyOf(this.buildKeys, this.types, r, this.scratch);
      if (k === null) continue;
      const b = this.table.get(k);
      if (b === undefined) this.table.set(k, [idx]);
      else b.push(idx);
    }
    this.build.close();
    this.matched = new Uint8Array(this.buildRows.length);
    this.probe.open();
    this.probeRow = undefined;
    this.tail = -1;
  }
  /** The build side passed the budget: partition both sides into files and join them pair by pair. */
  private spill(): void {
    const ctx = this.env.ctx;
    ctx.counters.operatorSpills++;
    const join = this.join;
    // Side 0: build rows, side 1: probe rows. A pair needs a build side unless probe rows survive alone.
    const g = new GracePairs(ctx, this.level, {
      keep: (build, probe) => (join === 'full' ? true : join === 'left' ? probe : build && probe),
      pair: (build, probe) => new HashJoinOp(join, probe, build, this.probeKeys, this.buildKeys, this.types, this.cond, this.buildSlots, this.env, this.level + 1),
    });
    this.grace = g;
    for (const r of this.buildRows) g.add(0, keyOf(this.buildKeys, this.types, r, this.scratch), r);
    this.buildRows = [];
    this.table = new Map();
    for (let r = this.build.next(); r !== undefined; r = this.build.next()) g.add(0, keyOf(this.buildKeys, this.types, r, this.scratch), r);
    this.build.close();
    this.probe.open();
    for (let r = this.probe.next(); r !== undefined; r = this.probe.next()) g.add(1, keyOf(this.probeKeys, this.types, r, this.scratch), r);
    g.finish();
  }
  next(): Value[] | undefined {
    if (this.grace !== null) return this.grace.next();
    for (;;) {
      if (this.tail >= 0) {
        while (this.tail < this.buildRows.length) {
          const i = this.tail++;
          if (this.matched[i] === 0) return this.buildRows[i]!.slice();
        }
        return undefined;
      }
      if (this.probeRow === undefined) {
        const p = this.probe.next();
        if (p === undefined) {
          if (this.join === 'full') {
            this.tail = 0;
            continue;
          }
          return undefined;
        }
        this.probeRow = p;
        const k = keyOf(this.probeKeys, this.types, p, this.scratch);
        this.bucket = k === null ? [] : (this.table.get(k) ?? []);
        this.bi = 0;
        this.probeMatched = false;
      }
      const p = this.probeRow;
      while (this.bi < this.bucket.length) {
        const i = this.bucket[this.bi++]!;
        const out = merge(p, this.buildRows[i]!, this.buildSlots);
        if (this.cond === null || this.cond(out)) {
          this.probeMatched = true;
          this.matched[i] = 1;
          return out;
        }
      }
      this.probeRow = undefined;
      if (!this.probeMatched && this.join !== 'inner') return p;
    }
  }
  close(): void {
    try {
      this.grace?.close();
    } finally {
      this.grace = null;
      this.probe.close();
      this.probeRow = undefined;
      this.bucket = [];
      this.matched = new Uint8Array(0);
      this.table = new Map();
      this.buildRows = [];
    }
  }
}
