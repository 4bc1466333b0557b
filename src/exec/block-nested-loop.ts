/**
 * A nested-loop join whose inner side passed the memory budget, as a block nested loop: the
 * inner rows go to one temp file; the outer side is read in blocks of up to the budget, and the
 * file is scanned once per block, each inner row tried against every outer row of the block.
 * LEFT/FULL: a block's unmatched outer rows follow its scan; FULL's unmatched inner rows (a bit
 * per inner row across blocks) follow a last scan. Output order is block by block, inner-major
 * within a block (the planner never relies on a join's order). Deletes its file on close().
 */
import type { Value } from '../record/index.js';
import type { JoinKind } from '../planner/index.js';
import type { VfsFile } from '../vfs/index.js';
import type { ExecContext } from './exec-context.js';
import type { Operator, Predicate } from './operator.js';
import { rowBytes, rowCodec } from './row-codec.js';
import { RunReader, RunWriter } from './run-file.js';

const BUFFER_BYTES = 64 * 1024;

export interface BlockJoinSpec {
  readonly join: JoinKind;
  readonly cond: Predicate | null;
  /** Joins an outer row with an inner row into a fresh output row. */
  readonly merge: (outer: readonly Value[], inner: readonly Value[]) => Value[];
}

export class BlockNestedLoop {
  private file: VfsFile | null;
  private readonly path: string;
  private readonly writer: RunWriter;
  private inner = 0;
  private rows: Generator<Value[], void, undefined> | null = null;

  constructor(
    private readonly ctx: Pick<ExecContext, 'vfs' | 'tempPath' | 'memoryBudgetBytes'>,
    private readonly spec: BlockJoinSpec,
  ) {
    this.path = ctx.tempPath();
    this.file = ctx.vfs.open(this.path, { mode: 'create' });
    this.writer = new RunWriter(this.file, BUFFER_BYTES);
  }

  private readonly codec = rowCodec();

  /** Appends an inner row to the file (before start()). */
  addInner(row: readonly Value[]): void {
    this.writer.write(this.codec.encodeView!(row as Value[]));
    this.inner++;
  }

  /** All inner rows are in: joins them with `outer` (already open) on demand. */
  start(outer: Operator): void {
    this.writer.flush();
    this.rows = this.join(outer);
  }

  next(): Value[] | undefined {
    const r = this.rows?.next();
    return r === undefined || r.done === true ? undefined : r.value;
  }

  private *join(outer: Operator): Generator<Value[], void, undefined> {
    const { join, cond, merge } = this.spec;
    const innerMatched = join === 'full' ? new Uint8Array(this.inner) : null;
    const budget = this.ctx.memoryBudgetBytes;
    for (;;) {
      const block: Value[][] = [];
      let bytes = 0;
      for (let r = outer.next(); r !== undefined; r = outer.next()) {
        block.push(r.slice()); // held across outer.next() calls
        bytes += rowBytes(r);
        if (bytes > budget) break;
      }
      if (block.length === 0) break;
      const outerMatched = new Uint8Array(block.length);
      const reader = this.reader();
      for (let j = 0; reader.next(); j++) {
        const inner = reader.current!; // next() returned true
        for (let i = 0; i < block.length; i++) {
          const out = merge(block[i]!, inner);
          if (cond !== null && !cond(out)) continue;
          outerMatched[i] = 1;
          if (innerMatched !== null) innerMatched[j] = 1;
          yield out;
        }
      }
      if (join !== 'inner') for (let i = 0; i < block.length; i++) if (outerMatched[i] === 0) yield block[i]!;
    }
    if (innerMatched === null) return;
    const reader = this.reader();
    for (let j = 0; reader.next(); j++) if (innerMatched[j] === 0) yield reader.current!;
  }

  private reader(): RunReader<Value[]> {
    return new RunReader(this.file!, this.codec, BUFFER_BYTES, 0); // open until close()
  }

  /** Deletes the file; safe to call twice. */
  close(): void {
    this.rows = null;
    const f = this.file;
    if (f === null) return;
    this.file = null;
    try {
      f.close();
    } finally {
      this.ctx.vfs.delete(this.path);
    }
  }
}
