/**
 * WITH RECURSIVE (planner recursiveUnion): emits the base term's rows, then runs the step term
 * again and again, each round reading the rows the previous round emitted through its
 * WorkTableScan, until a round emits none. UNION (without ALL) drops rows already emitted, which
 * also ends cycles. Streams: a LIMIT above stops the rounds. Rows of one round are held in memory
 * (the work table); the seen-set of UNION grows with the result.
 */
import type { SqlType, Value } from '../record/index.js';
import { rowKey } from './operator.js';
import type { Operator } from './operator.js';

/** The rows of the previous round, shared by a RecursiveUnionOp and its WorkTableScanOps. */
export interface WorkTable {
  rows: Value[][];
}

export class RecursiveUnionOp implements Operator {
  /** Rows the current round has emitted (the next round's work table). */
  private emitted: Value[][] = [];
  /** The term being read (base, then step each round); null once done or closed. */
  private current: Operator | null = null;
  private seen = new Set<unknown>();

  constructor(
    private readonly base: Operator,
    private readonly step: Operator,
    private readonly work: WorkTable,
    private readonly all: boolean,
    private readonly types: readonly SqlType[],
  ) {}

  open(): void {
    this.close();
    this.base.open();
    this.current = this.base;
  }

  next(): Value[] | undefined {
    for (;;) {
      const source = this.current;
      if (source === null) return undefined;
      const r = source.next();
      if (r === undefined) {
        source.close();
        this.current = null;
        if (this.emitted.length === 0) return undefined;
        // The next round reads what this one emitted.
        this.work.rows = this.emitted;
        this.emitted = [];
        this.step.open();
        this.current = this.step;
        continue;
      }
      if (!this.all) {
        const k = rowKey(r, this.types);
        if (this.seen.has(k)) continue;
        this.seen.add(k);
      }
      this.emitted.push(r.slice()); // the consumer may keep or extend `r`
      return r;
    }
  }

  close(): void {
    this.current?.close();
    this.current = null;
    this.emitted = [];
    this.work.rows = [];
    this.seen = new Set();
  }
}

/** Reads the work table of its RecursiveUnionOp (the previous round's rows). */
export class WorkTableScanOp implements Operator {
  private i = 0;
  private rows: Value[][] = [];
  constructor(private readonly work: WorkTable) {}
  open(): void {
    this.rows = this.work.rows;
    this.i = 0;
  }
  next(): Value[] | undefined {
    return this.i < this.rows.length ? this.rows[this.i++] : undefined;
  }
  close(): void {
    this.rows = [];
  }
}
