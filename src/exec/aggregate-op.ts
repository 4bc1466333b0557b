/**
 * Hash aggregation: groups rows by the GROUP BY key (NULLs group together), feeding one
 * accumulator per aggregate call (DISTINCT handled by the accumulator factory). Output rows
 * are [group values…, aggregate results…] in first-seen group order while the groups fit the
 * memory budget; past it, rows of groups not yet in the table spill to hash partitions
 * (hash-spill.ts) that are aggregated one at a time after the table's groups are emitted.
 * Without GROUP BY it yields exactly one row, even over no input (COUNT(*) = 0, SUM = NULL).
 * CountScanOp answers a bare `COUNT(*) FROM t` (no filter, no GROUP BY) by stepping the
 * table's cursor, decoding nothing.
 */
import { countEntries } from '../btree/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { AggCall, PlanNode } from '../planner/index.js';
import { createAccumulator } from '../types/index.js';
import type { Accumulator, AggregateName } from '../types/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { MAX_SPILL_LEVEL, SpillPartitions, type SpilledPartition } from './hash-spill.js';
import { rowKey } from './operator.js';
import type { Operator } from './operator.js';
import { rowBytes } from './row-codec.js';

interface Group {
  readonly values: Value[];
  readonly accs: Accumulator[];
}

/** Bytes charged per group besides its key values (map entry, group and accumulator objects). */
const GROUP_OVERHEAD_BYTES = 96;
const ACCUMULATOR_BYTES = 48;

export class HashAggregateOp implements Operator {
  /** Groups of the table being emitted. */
  private emitting: Iterator<Group> | null = null;
  /** Spilled partitions still to aggregate (a stack). */
  private pending: SpilledPartition[] = [];
  /** The partitions of the pass in progress, until handed over (deleted on close). */
  private spilling: SpillPartitions | null = null;
  constructor(
    private readonly input: Operator,
    private readonly groups: readonly Compiled[],
    private readonly groupTypes: readonly SqlType[],
    private readonly aggs: readonly AggCall[],
    private readonly args: readonly (Compiled | null)[],
    private readonly env: Env,
  ) {}
  private newGroup(values: Value[]): Group {
    return { values, accs: this.aggs.map((a) => createAccumulator(a.name as AggregateName, a.arg === null ? null : a.arg.type, a.distinct)) };
  }
  open(): void {
    this.close();
    this.input.open();
    try {
      if (this.groups.length === 0) {
        this.emitting = [this.single()].values();
        return;
      }
      this.emitting = this.pass(() => this.input.next(), 0).values();
    } finally {
      this.input.close();
    }
  }
  /** No GROUP BY: one group, no key, no lookup, no per-row allocation, never spilled. */
  private single(): Group {
    const grp = this.newGroup([]);
    const na = this.aggs.length;
    for (let r = this.input.next(); r !== undefined; r = this.input.next()) {
      for (let a = 0; a < na; a++) {
        const f = this.args[a];
        grp.accs[a]!.add(f === null || f === undefined ? 1 : f(r));
      }
    }
    return grp;
  }
  /**
   * Aggregates the rows `next` yields into a fresh table. Once the table passes the budget (and
   * `level` may still spill), rows of groups not in it go to partitions for a later pass.
   */
  private pass(next: () => Value[] | undefined, level: number): Map<unknown, Group> {
    const map = new Map<unknown, Group>();
    const ng = this.groups.length;
    const na = this.aggs.length;
    const ctx = this.env.ctx;
    const budget = ctx.memoryBudgetBytes;
    const perGroup = GROUP_OVERHEAD_BYTES + na * ACCUMULATOR_BYTES;
    let bytes = 0;
    let spill: SpillPartitions | null = null;
    for (let r = next(); r !== undefined; r = next()) {
      const vals: Value[] = new Array<Value>(ng);
      for (let g = 0; g < ng; g++) vals[g] = this.groups[g]!(r);
      const k = rowKey(vals, this.groupTypes);
      let grp = map.get(k);
      if (grp === undefined) {
        if (spill !== null) {
          spill.add(k, r);
          continue;
        }
        map.set(k, (grp = this.newGroup(vals)));
        bytes += rowBytes(vals) + perGroup;
        if (bytes > budget && level < MAX_SPILL_LEVEL) {
          spill = this.spilling = new SpillPartitions(ctx, level);
          ctx.counters.operatorSpills++;
        }
      }
      for (let a = 0; a < na; a++) {
        const f = this.args[a];
        grp.accs[a]!.add(f === null || f === undefined ? 1 : f(r));
      }
    }
    if (spill !== null) {
      this.spilling = null;
      for (const p of spill.finish()) this.pending.push(p);
    }
    return map;
  }
  next(): Value[] | undefined {
    for (;;) {
      if (this.emitting !== null) {
        const n = this.emitting.next();
        if (n.done !== true) {
          const g = n.value;
          const row = g.values.slice();
          for (const acc of g.accs) row.push(acc.result());
          return row;
        }
        this.emitting = null;
      }
      const part = this.pending.pop();
      if (part === undefined) return undefined;
      try {
        this.emitting = this.pass(() => part.next(), part.level + 1).values();
      } finally {
        part.dispose();
      }
    }
  }
  close(): void {
    this.emitting = null;
    this.spilling?.close();
    this.spilling = null;
    for (const p of this.pending) p.dispose();
    this.pending = [];
  }
}

type AggregateNode = Extract<PlanNode, { kind: 'aggregate' }>;

/** The table root when `n` is COUNT(*)… over an unfiltered full Scan without GROUP BY, else null. */
export function countStarRoot(n: AggregateNode): number | null {
  const input = n.input;
  if (n.groups.length !== 0 || n.aggs.length === 0 || input.kind !== 'scan') return null;
  if (input.access.kind !== 'full' || input.filter !== null) return null;
  for (const a of n.aggs) if (a.name !== 'count' || a.arg !== null || a.distinct) return null;
  return input.table.rootPage;
}

/** COUNT(*) [, COUNT(*)…] of a whole table: counts the table B+Tree's entries. */
export class CountScanOp implements Operator {
  private count = 0;
  private emitted = false;
  constructor(
    private readonly rootPage: number,
    private readonly width: number,
    private readonly env: Env,
  ) {}
  open(): void {
    const ctx = this.env.ctx;
    // Sum the leaves' cell counts: no entry is decoded (SQLite counts the same way).
    const n = countEntries(ctx.store, this.rootPage);
    ctx.counters.rowsRead += n;
    this.count = n;
    this.emitted = false;
  }
  next(): Value[] | undefined {
    if (this.emitted) return undefined;
    this.emitted = true;
    return new Array<Value>(this.width).fill(this.count);
  }
  close(): void {}
}
