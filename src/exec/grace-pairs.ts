/**
 * Grace partitioning of a two-input hash operator whose table passed the memory budget (a hash
 * join's build side, INTERSECT/EXCEPT's right side): both inputs are split into SPILL_FANOUT
 * files by a hash of the key (the same key, NULL included, lands in the same pair of files),
 * then each pair is processed by a fresh operator one level deeper, which may split its pair
 * again. Per-key semantics hold per pair: LEFT/FULL joins (a probe row's matches and a build
 * row's only chance to match are in its pair) and multiset INTERSECT/EXCEPT [ALL]. Output order
 * differs from the in-memory operator's (the planner never relies on it).
 */
import type { Value } from '../record/index.js';
import type { ExecContext } from './exec-context.js';
import { SPILL_FANOUT, SpillPartitions, type SpilledPartition } from './hash-spill.js';
import type { Operator } from './operator.js';

/** An Operator over one spilled file (or over nothing); closing it deletes the file. */
class PartitionSource implements Operator {
  constructor(private readonly part: SpilledPartition | undefined) {}
  open(): void {}
  next(): Value[] | undefined {
    return this.part?.next();
  }
  close(): void {
    this.part?.dispose();
  }
}

/** Side 0 and side 1 of the operator (join: build, probe; set operation: right, left). */
export type Side = 0 | 1;

export interface GraceOptions {
  /** Whether a pair with these sides present can produce a row (else both files are dropped). */
  keep(has0: boolean, has1: boolean): boolean;
  /** The operator for one pair of files, one level deeper. */
  pair(side0: Operator, side1: Operator): Operator;
}

export class GracePairs {
  private readonly sides: [SpillPartitions, SpillPartitions];
  private pairs: Array<[SpilledPartition | undefined, SpilledPartition | undefined]> = [];
  private current: Operator | null = null;
  /** The files `current` reads (disposed here too: a failed open may leave a side open). */
  private currentParts: [SpilledPartition | undefined, SpilledPartition | undefined] = [undefined, undefined];
  private finished = false;

  constructor(
    ctx: Pick<ExecContext, 'vfs' | 'tempPath'>,
    level: number,
    private readonly options: GraceOptions,
  ) {
    this.sides = [new SpillPartitions(ctx, level), new SpillPartitions(ctx, level)];
  }

  add(side: Side, key: unknown, row: readonly Value[]): void {
    this.sides[side].add(key, row);
  }

  /** Both sides are in: pair the files up, dropping pairs that cannot produce a row. */
  finish(): void {
    const s0 = new Array<SpilledPartition | undefined>(SPILL_FANOUT);
    const s1 = new Array<SpilledPartition | undefined>(SPILL_FANOUT);
    for (const part of this.sides[0].finish()) s0[part.index] = part;
    for (const part of this.sides[1].finish()) s1[part.index] = part;
    this.finished = true;
    for (let i = SPILL_FANOUT - 1; i >= 0; i--) {
      const a = s0[i];
      const b = s1[i];
      if ((a !== undefined || b !== undefined) && this.options.keep(a !== undefined, b !== undefined)) this.pairs.push([a, b]);
      else {
        a?.dispose();
        b?.dispose();
      }
    }
  }

  next(): Value[] | undefined {
    for (;;) {
      if (this.current !== null) {
        const r = this.current.next();
        if (r !== undefined) return r;
        this.closeCurrent();
      }
      const pair = this.pairs.pop();
      if (pair === undefined) return undefined;
      this.currentParts = pair;
      const op = this.options.pair(new PartitionSource(pair[0]), new PartitionSource(pair[1]));
      this.current = op;
      op.open();
    }
  }

  private closeCurrent(): void {
    try {
      this.current?.close();
    } finally {
      this.current = null;
      this.currentParts[0]?.dispose();
      this.currentParts[1]?.dispose();
      this.currentParts = [undefined, undefined];
    }
  }

  /** Deletes every file still on the Vfs; safe to call twice. */
  close(): void {
    this.closeCurrent();
    if (!this.finished) {
      this.sides[0].close();
      this.sides[1].close();
      this.finished = true;
    }
    for (const [a, b] of this.pairs) {
      a?.dispose();
      b?.dispose();
    }
    this.pairs = [];
  }
}
