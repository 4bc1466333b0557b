/**
 * Spill partitions for the hash operators (aggregation, DISTINCT, join) past the memory budget, by
 * Grace partitioning as Postgres 13's hash aggregation does it: once the in-memory table is
 * full, a row whose key is not in it goes to one of SPILL_FANOUT temp files chosen by a hash of
 * the key salted with the recursion level; each file is later processed on its own, by the same
 * operator, with an empty table. A key never straddles the table and a file, or two files, so
 * every group or distinct value is finished in exactly one place. Past MAX_SPILL_LEVEL an
 * operator stops spilling and grows in memory (a key set no hash separates). Does not decide
 * when to spill or what a row means: the operators do.
 */
import type { Value } from '../record/index.js';
import type { VfsFile } from '../vfs/index.js';
import type { ExecContext } from './exec-context.js';
import { rowCodec } from './row-codec.js';
import { RunReader, RunWriter } from './run-file.js';

export const SPILL_FANOUT = 16;
export const MAX_SPILL_LEVEL = 6;
const BUFFER_BYTES = 32 * 1024;

type SpillContext = Pick<ExecContext, 'vfs' | 'tempPath'>;

const f64 = new Float64Array(1);
const f64Words = new Int32Array(f64.buffer);

/** A 32-bit hash of a key from rowKey (string, number, boolean or null), salted by `level`. */
export function keyHash(key: unknown, level: number): number {
  let h = (0x811c9dc5 ^ Math.imul(level + 1, 0x9e3779b1)) | 0;
  if (typeof key === 'string') {
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  } else if (typeof key === 'number') {
    f64[0] = key;
    h = Math.imul(h ^ f64Words[0]!, 0x01000193);
    h = Math.imul(h ^ f64Words[1]!, 0x01000193);
  } else {
    h = Math.imul(h ^ (key === true ? 1 : key === false ? 2 : 3), 0x01000193);
  }
  // Final avalanche (murmur3 fmix32): the low bits pick the partition.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** One spilled partition: its rows are read back once, then the file is deleted. */
export class SpilledPartition {
  private reader: RunReader<Value[]> | null = null;
  constructor(
    private readonly ctx: SpillContext,
    private file: VfsFile | null,
    private readonly path: string,
    /** The level whose table overflowed into this file; its rows are processed at level + 1. */
    readonly level: number,
    /** Which of the SPILL_FANOUT files of its level this is (the same key always lands in the same one). */
    readonly index: number,
    readonly rows: number,
  ) {}

  /** The next spilled row (a fresh array), or undefined at the end. */
  next(): Value[] | undefined {
    if (this.file === null) return undefined;
    this.reader ??= new RunReader(this.file, rowCodec(), BUFFER_BYTES, 0);
    return this.reader.next() ? this.reader.current : undefined;
  }

  /** Closes and deletes the file; safe to call twice. */
  dispose(): void {
    if (this.file === null) return;
    const f = this.file;
    this.file = null;
    this.reader = null;
    try {
      f.close();
    } finally {
      this.ctx.vfs.delete(this.path);
    }
  }
}

/** The SPILL_FANOUT files one overflowing table writes its unmatched rows to. */
export class SpillPartitions {
  private readonly files: (VfsFile | null)[] = new Array<VfsFile | null>(SPILL_FANOUT).fill(null);
  private readonly paths: string[] = new Array<string>(SPILL_FANOUT).fill('');
  private readonly writers: (RunWriter | null)[] = new Array<RunWriter | null>(SPILL_FANOUT).fill(null);
  private readonly counts = new Array<number>(SPILL_FANOUT).fill(0);
  private readonly codec = rowCodec();
  private handedOver = false;

  constructor(
    private readonly ctx: SpillContext,
    readonly level: number,
  ) {}

  /** Appends `row` (encoded now: the caller may reuse the array) to the file of `key`. */
  add(key: unknown, row: readonly Value[]): void {
    const p = keyHash(key, this.level) % SPILL_FANOUT;
    let w = this.writers[p];
    if (w === null || w === undefined) {
      const path = this.ctx.tempPath();
      const file = this.ctx.vfs.open(path, { mode: 'create' });
      this.files[p] = file;
      this.paths[p] = path;
      w = new RunWriter(file, BUFFER_BYTES);
      this.writers[p] = w;
    }
    w.write(this.codec.encodeView!(row as Value[]));
    this.counts[p]!++;
  }

  /** Flushes every file and hands them over as partitions (the caller disposes them). */
  finish(): SpilledPartition[] {
    const out: SpilledPartition[] = [];
    for (let p = 0; p < SPILL_FANOUT; p++) {
      const file = this.files[p];
      if (file === null || file === undefined) continue;
      this.writers[p]!.flush(); // a file always has its writer
      out.push(new SpilledPartition(this.ctx, file, this.paths[p]!, this.level, p, this.counts[p]!));
    }
    this.handedOver = true;
    return out;
  }

  /** Deletes the files unless finish() handed them over; safe to call twice. */
  close(): void {
    if (this.handedOver) return;
    this.handedOver = true;
    for (let p = 0; p < SPILL_FANOUT; p++) {
      const file = this.files[p];
      if (file === null || file === undefined) continue;
      this.files[p] = null;
      try {
        file.close();
      } finally {
        this.ctx.vfs.delete(this.paths[p]!);
      }
    }
  }
}
