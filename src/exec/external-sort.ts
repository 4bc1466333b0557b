/**
 * External merge sort (spec/native-reference.md §3 "Sorting", ADR-0022): rows are buffered up to
 * a memory budget (measured by encoded size), sorted in memory and spilled as runs of
 * `u32 length + encoded row` records to temp files through a Vfs; runs are merged k-way with a
 * binary min-heap, at most `fanIn` at a time, in several passes when there are more runs.
 * Stable: equal rows keep insertion order (runs merge in order, ties go to the earlier run).
 * Temp files are deleted as soon as they are merged, and all of them on close() or failure.
 */
import { DecentDBError, readU32, writeU32 } from '../util/index.js';
import type { Vfs, VfsFile } from '../vfs/index.js';

export interface RowCodec<T> {
  encode(row: T): Uint8Array;
  /** `bytes` is only valid during the call (it may view a reused buffer): copy what you keep. */
  decode(bytes: Uint8Array): T;
}

export interface ExternalSortOptions<T> {
  readonly compare: (a: T, b: T) => number;
  readonly codec: RowCodec<T>;
  readonly vfs: Vfs;
  /** Returns a fresh, unused path for each run file. */
  readonly tempPath: () => string;
  /** In-memory bytes (encoded size + per-row overhead) before a run is spilled; default 16 MiB. */
  readonly memoryBudgetBytes?: number;
  /** Runs merged at once; default 64, at least 2. */
  readonly fanIn?: number;
  /** Read/write buffer per run; default 64 KiB. */
  readonly bufferBytes?: number;
  /** Bytes charged per buffered row besides its encoding (object headers); default 32. */
  readonly rowOverheadBytes?: number;
}

export interface ExternalSortStats {
  rowsAdded: number;
  /** Runs spilled during run generation. */
  initialRuns: number;
  /** All run files written, including intermediate merge outputs. */
  runsWritten: number;
  /** Merge passes, counting the final streaming merge (0 when nothing spilled). */
  mergePasses: number;
  bytesSpilled: number;
}

interface Entry<T> {
  row: T;
  bytes: Uint8Array;
}

const DEFAULT_BUDGET = 16 * 1024 * 1024;
const DEFAULT_BUFFER = 64 * 1024;

function sortError(message: string): DecentDBError {
  return new DecentDBError('ERR_IO', `external sort: ${message}`);
}

/** Appends records to a run file through a buffer. */
class RunWriter {
  private readonly buf: Uint8Array;
  private used = 0;
  private offset = 0;
  constructor(
    private readonly file: VfsFile,
    bufferBytes: number,
  ) {
    this.buf = new Uint8Array(bufferBytes);
  }
  write(record: Uint8Array): number {
    if (this.used + 4 > this.buf.length) this.flush();
    writeU32(this.buf, this.used, record.length);
    this.used += 4;
    if (this.used + record.length <= this.buf.length) {
      this.buf.set(record, this.used);
      this.used += record.length;
    } else {
      this.flush();
      this.file.write(record, this.offset);
      this.offset += record.length;
    }
    return 4 + record.length;
  }
  flush(): void {
    if (this.used === 0) return;
    this.file.write(this.buf.subarray(0, this.used), this.offset);
    this.offset += this.used;
    this.used = 0;
  }
}

/** Reads records back from a run file through a buffer; `current` is the decoded head row. */
class RunReader<T> {
  private readonly buf: Uint8Array;
  private bufStart = 0; // file offset of buf[0]
  private bufLen = 0;
  private pos = 0; // file offset of the next record
  private readonly fileSize: number;
  current: T | undefined = undefined;
  /** The encoded form of `current`; valid until the next call of next() on this reader. */
  currentBytes: Uint8Array = new Uint8Array(0);
  constructor(
    private readonly file: VfsFile,
    private readonly codec: RowCodec<T>,
    bufferBytes: number,
    readonly order: number,
  ) {
    this.buf = new Uint8Array(bufferBytes);
    this.fileSize = file.size();
  }

  /** Advances to the next row; false at the end of the run. */
  next(): boolean {
    if (this.pos >= this.fileSize) {
      this.current = undefined;
      return false;
    }
    const len = readU32(this.bytes(this.pos, 4), 0);
    if (len > this.fileSize - this.pos - 4) throw sortError(`run record of ${len} bytes overruns the file at ${this.pos}`);
    this.currentBytes = this.bytes(this.pos + 4, len);
    this.current = this.codec.decode(this.currentBytes);
    this.pos += 4 + len;
    return true;
  }

  /** A view of `len` bytes at file offset `at`: inside the buffer, or a one-off copy for big records. */
  private bytes(at: number, len: number): Uint8Array {
    if (at < this.bufStart || at + len > this.bufStart + this.bufLen) {
      if (len > this.buf.length) {
        const big = new Uint8Array(len);
        this.file.read(big, at);
        return big;
      }
      this.bufStart = at;
      this.bufLen = Math.min(this.buf.length, this.fileSize - at);
      this.file.read(this.buf.subarray(0, this.bufLen), at);
    }
    return this.buf.subarray(at - this.bufStart, at - this.bufStart + len);
  }
}

/**
 * Sorts rows that may not fit in memory.
 * ```ts
 * const s = new ExternalSorter({ compare, codec, vfs, tempPath: () => `/tmp/sort-${n++}` });
 * for (const r of rows) s.add(r);
 * for (const r of s.finish()) use(r); // temp files are gone once iteration ends
 * ```
 */
export class ExternalSorter<T> {
  readonly stats: ExternalSortStats = { rowsAdded: 0, initialRuns: 0, runsWritten: 0, mergePasses: 0, bytesSpilled: 0 };
  private readonly budget: number;
  private readonly fanIn: number;
  private readonly bufferBytes: number;
  private readonly overhead: number;
  private entries: Entry<T>[] = [];
  private memBytes = 0;
  private runs: string[] = [];
  private readonly live = new Set<string>();
  private readonly open = new Set<VfsFile>();
  private state: 'adding' | 'finished' | 'closed' = 'adding';

  constructor(private readonly options: ExternalSortOptions<T>) {
    this.budget = options.memoryBudgetBytes ?? DEFAULT_BUDGET;
    this.fanIn = Math.max(2, options.fanIn ?? 64);
    this.bufferBytes = Math.max(16, options.bufferBytes ?? DEFAULT_BUFFER);
    this.overhead = options.rowOverheadBytes ?? 32;
  }

  /** Temp files currently on the Vfs (for tests and leak checks). */
  get tempFiles(): readonly string[] {
    return [...this.live];
  }

  add(row: T): void {
    if (this.state !== 'adding') throw new DecentDBError('ERR_INTERNAL', 'ExternalSorter.add after finish/close');
    const bytes = this.options.codec.encode(row);
    this.entries.push({ row, bytes });
    this.memBytes += bytes.length + this.overhead;
    this.stats.rowsAdded++;
    if (this.memBytes > this.budget) this.guard(() => this.spill());
  }

  /** Ends input and returns the rows in order; the iterator closes the sorter when exhausted. */
  finish(): IterableIterator<T> {
    if (this.state !== 'adding') throw new DecentDBError('ERR_INTERNAL', 'ExternalSorter.finish called twice');
    this.state = 'finished';
    if (this.runs.length === 0) {
      const entries = this.sortedEntries();
      this.entries = [];
      return this.fromMemory(entries);
    }
    this.guard(() => {
      if (this.entries.length > 0) this.spill();
      while (this.runs.length > this.fanIn) this.mergePass();
    });
    this.stats.mergePasses++;
    return this.merged(this.runs);
  }

  /** Deletes every temp file and drops buffered rows; safe to call more than once. */
  close(): void {
    this.state = 'closed';
    this.entries = [];
    for (const f of this.open) f.close();
    this.open.clear();
    for (const p of this.live) if (this.options.vfs.exists(p)) this.options.vfs.delete(p);
    this.live.clear();
    this.runs = [];
  }

  private guard(fn: () => void): void {
    let ok = false;
    try {
      fn();
      ok = true;
    } finally {
      if (!ok) this.close();
    }
  }

  private sortedEntries(): Entry<T>[] {
    const cmp = this.options.compare;
    return this.entries.sort((a, b) => cmp(a.row, b.row));
  }

  private *fromMemory(entries: Entry<T>[]): IterableIterator<T> {
    try {
      for (const e of entries) yield e.row;
    } finally {
      this.close();
    }
  }

  private newRunFile(): [string, VfsFile] {
    const path = this.options.tempPath();
    const file = this.options.vfs.open(path, { mode: 'create' });
    this.live.add(path);
    this.open.add(file);
    return [path, file];
  }

  private closeFile(f: VfsFile): void {
    this.open.delete(f);
    f.close();
  }

  private deleteRun(path: string): void {
    this.live.delete(path);
    if (this.options.vfs.exists(path)) this.options.vfs.delete(path);
  }

  private spill(): void {
    const entries = this.sortedEntries();
    const [path, file] = this.newRunFile();
    const w = new RunWriter(file, this.bufferBytes);
    for (const e of entries) this.stats.bytesSpilled += w.write(e.bytes);
    w.flush();
    this.closeFile(file);
    this.runs.push(path);
    this.stats.initialRuns++;
    this.stats.runsWritten++;
    this.entries = [];
    this.memBytes = 0;
  }

  /** One intermediate pass: consecutive groups of fanIn runs become one run each (order kept). */
  private mergePass(): void {
    const next: string[] = [];
    for (let i = 0; i < this.runs.length; i += this.fanIn) {
      const group = this.runs.slice(i, i + this.fanIn);
      if (group.length === 1) {
        next.push(group[0]!);
        continue;
      }
      const [path, file] = this.newRunFile();
      const w = new RunWriter(file, this.bufferBytes);
      // Copies each record's bytes as read: no re-encoding in intermediate passes.
      for (const r of this.mergeRuns(group)) this.stats.bytesSpilled += w.write(r.currentBytes);
      w.flush();
      this.closeFile(file);
      this.stats.runsWritten++;
      next.push(path);
    }
    this.runs = next;
    this.stats.mergePasses++;
  }

  private *merged(runs: string[]): IterableIterator<T> {
    try {
      for (const r of this.mergeRuns(runs)) yield r.current!;
    } finally {
      this.close();
    }
  }

  /**
   * k-way merge of run files with a binary min-heap; yields the reader holding the next row
   * (read `current`/`currentBytes` before resuming). Each run is deleted once exhausted.
   */
  private *mergeRuns(paths: readonly string[]): Generator<RunReader<T>> {
    const cmp = this.options.compare;
    const readers: RunReader<T>[] = [];
    const files: VfsFile[] = [];
    for (let i = 0; i < paths.length; i++) {
      const file = this.options.vfs.open(paths[i]!, { mode: 'open', readOnly: true });
      this.open.add(file);
      files.push(file);
      const r = new RunReader(file, this.options.codec, this.bufferBytes, i);
      if (r.next()) readers.push(r);
    }
    const less = (a: RunReader<T>, b: RunReader<T>): boolean => {
      const c = cmp(a.current!, b.current!);
      return c < 0 || (c === 0 && a.order < b.order);
    };
    const heap = readers;
    const siftDown = (i: number): void => {
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) return;
        const r = l + 1;
        const m = r < n && less(heap[r]!, heap[l]!) ? r : l;
        if (!less(heap[m]!, heap[i]!)) return;
        const t = heap[m]!;
        heap[m] = heap[i]!;
        heap[i] = t;
        i = m;
      }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) siftDown(i);
    while (heap.length > 0) {
      const top = heap[0]!;
      yield top;
      if (!top.next()) {
        const last = heap.pop()!;
        if (heap.length > 0) heap[0] = last;
      }
      siftDown(0);
    }
    for (const f of files) this.closeFile(f);
    for (const p of paths) this.deleteRun(p);
  }
}
