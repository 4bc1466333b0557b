/**
 * Hash aggregation: groups rows by the GROUP BY key (NULLs group together), feeding one
 * accumulator per aggregate call (DISTINCT handled by the accumulator factory). Output rows
 * are [group values…, aggregate results…] in first-seen group order. Without GROUP BY it
 * yields exactly one row, even over no input (COUNT(*) = 0, SUM = NULL). CountScanOp answers
 * a bare `COUNT(*) FROM t` (no filter, no GROUP BY) by stepping the table's cursor, decoding
 * nothing.
 */
import { countEntries } from '../btree/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { AggCall, PlanNode } from '../planner/index.js';
import { createAccumulator } from '../types/index.js';
import type { Accumulator, AggregateName } from '../types/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { rowKey } from './operator.js';
import type { Operator } from './operator.js';

interface Group {
  readonly values: Value[];
  readonly accs: Accumulator[];
}

export class HashAggregateOp implements Operator {
  private out: Value[][] = [];
  private i = 0;
  constructor(
    private readonly input: Operator,
    private readonly groups: readonly Compiled[],
    private readonly groupTypes: readonly SqlType[],
    private readonly aggs: readonly AggCall[],
    private readonly args: readonly (Compiled | null)[],
  ) {}
  private newGroup(values: Value[]): Group {
    return { values, accs: this.aggs.map((a) => createAccumulator(a.name as AggregateName, a.arg === null ? null : a.arg.type, a.distinct)) };
  }
  open(): void {
    const map = new Map<unknown, Group>();
    const ng = this.groups.length;
    const na = this.aggs.length;
    this.input.open();
    if (ng === 0) {
      // One group: no key, no lookup, no per-row allocation.
      const grp = this.newGroup([]);
      map.set(0, grp);
      for (let r = this.input.next(); r !== undefined; r = this.input.next()) {
        for (let a = 0; a < na; a++) {
          const f = this.args[a];
          grp.accs[a]!.add(f === null || f === undefined ? 1 : f(r));
        }
      }
    }
    for (let r = ng === 0 ? undefined : this.input.next(); r !== undefined; r = this.input.next()) {
      const vals: Value[] = new Array<Value>(ng);
      for (let g = 0; g < ng; g++) vals[g] = this.groups[g]!(r);
      const k = ng === 0 ? 0 : rowKey(vals, this.groupTypes);
      let grp = map.get(k);
      if (grp === undefined) map.set(k, (grp = this.newGroup(vals)));
      for (let a = 0; a < na; a++) {
        const f = this.args[a];
        grp.accs[a]!.add(f === null || f === undefined ? 1 : f(r));
      }
    }
    this.input.close();
    if (ng === 0 && map.size === 0) map.set(0, this.newGroup([]));
    this.out = [];
    for (const g of map.values()) {
      const row = g.values.slice();
      for (const acc of g.accs) row.push(acc.result());
      this.out.push(row);
    }
    this.i = 0;
  }
  next(): Value[] | undefined {
    return this.i < this.out.length ? this.out[this.i++] : undefined;
  }
  close(): void {
    this.out = [];
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
