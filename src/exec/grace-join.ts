/**
 * A hash join whose build side passed the memory budget, as a Grace hash join: both inputs are
 * split into SPILL_FANOUT files by a hash of the join key (the same key, NULL included, lands in
 * the same pair of files), then each pair is joined by a fresh HashJoinOp one level deeper,
 * which may split its pair again. LEFT and FULL semantics hold per pair: a probe row's matches
 * are all in its pair, and a build row is unmatched overall iff it is unmatched in its pair.
 * Output order differs from the in-memory join's (the planner never relies on it).
 */
import type { Value } from '../record/index.js';
import type { JoinKind } from '../planner/index.js';
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

/** Makes the join of one pair of files: (build side, probe side) → joined rows. */
export type PairJoin = (build: Operator, probe: Operator) => Operator;

export class GraceHashJoin {
  private readonly builds: SpillPartitions;
  private readonly probes: SpillPartitions;
  private pairs: Array<[SpilledPartition | undefined, SpilledPartition | undefined]> = [];
  private current: Operator | null = null;
  /** The files `current` reads (disposed here too: a failed open may leave its build side open). */
  private currentParts: [SpilledPartition | undefined, SpilledPartition | undefined] = [undefined, undefined];
  private finished = false;

  constructor(
    ctx: Pick<ExecContext, 'vfs' | 'tempPath'>,
    level: number,
    private readonly join: JoinKind,
    private readonly pairJoin: PairJoin,
  ) {
    this.builds = new SpillPartitions(ctx, level);
    this.probes = new SpillPartitions(ctx, level);
  }

  addBuild(key: unknown, row: readonly Value[]): void {
    this.builds.add(key, row);
  }

  addProbe(key: unknown, row: readonly Value[]): void {
    this.probes.add(key, row);
  }

  /** Both sides are in: pair the files up, dropping pairs that cannot produce a row. */
  finish(): void {
    const b = new Array<SpilledPartition | undefined>(SPILL_FANOUT);
    const p = new Array<SpilledPartition | undefined>(SPILL_FANOUT);
    for (const part of this.builds.finish()) b[part.index] = part;
    for (const part of this.probes.finish()) p[part.index] = part;
    this.finished = true;
    for (let i = SPILL_FANOUT - 1; i >= 0; i--) {
      const bi = b[i];
      const pi = p[i];
      const useful = this.join === 'full' ? bi !== undefined || pi !== undefined : this.join === 'left' ? pi !== undefined : bi !== undefined && pi !== undefined;
      if (useful) this.pairs.push([bi, pi]);
      else {
        bi?.dispose();
        pi?.dispose();
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
      const op = this.pairJoin(new PartitionSource(pair[0]), new PartitionSource(pair[1]));
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
      this.builds.close();
      this.probes.close();
      this.finished = true;
    }
    for (const [b, p] of this.pairs) {
      b?.dispose();
      p?.dispose();
    }
    this.pairs = [];
  }
}
