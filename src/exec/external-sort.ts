/**
 * External merge sort (spec/native-reference.md §3 "Sorting", ADR-0022): rows are buffered up to
 * a memory budget (measured by encoded size), sorted in memory (or handed over already sorted,
 * addSortedRun, by a caller that sorts faster and owns the budget) and spilled as runs of
 * `u32 length + encoded row` records to temp files through a Vfs; runs are merged k-way with a
 * loser tree, at most `fanIn` at a time, in several passes when there are more runs.
 * Stable: equal rows keep insertion order (runs merge in order, ties go to the earlier run).
 * Temp files are deleted as soon as they are merged, and all of them on close() or failure.
 */
import { DecentDBError } from '../util/index.js';
import type { Vfs, VfsFile } from '../vfs/index.js';
import { RunReader, RunWriter } from './run-file.js';

export interface RowCodec<T> {
  encode(row: T): Uint8Array;
  /** Like encode, but the result may view a scratch buffer that the next call overwrites. */
  encodeView?(row: T): Uint8Array;
  /** `bytes` is only valid during the call (it may view a reused buffer): copy what you keep. */
  decode(bytes: Uint8Array): T;
  /** Like decode, of `buf[start, end)`, without a view per record; same validity rule. */
  decodeAt?(buf: Uint8Array, start: number, end: number): T;
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

  /**
   * Spills `rows`, already in order, as one run (rows buffered by add() are spilled first, so
   * run order stays input order and ties still go to the earlier row). The caller owns the
   * memory budget of `rows`; encoding goes through the codec's scratch buffer when it has one.
   */
  addSortedRun(rows: readonly T[]): void {
    if (this.state !== 'adding') throw new DecentDBError('ERR_INTERNAL', 'ExternalSorter.addSortedRun after finish/close');
    if (rows.length === 0) return;
    this.stats.rowsAdded += rows.length;
    this.guard(() => {
      if (this.entries.length > 0) this.spill();
      const codec = this.options.codec;
      const encode = codec.encodeView !== undefined ? codec.encodeView.bind(codec) : codec.encode.bind(codec);
      this.writeRun((w) => {
        for (let i = 0; i < rows.length; i++) this.stats.bytesSpilled += w.write(encode(rows[i]!));
      });
      this.stats.initialRuns++;
    });
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

  private writeRun(body: (w: RunWriter) => void): void {
    const [path, file] = this.newRunFile();
    this.runs.push(path);
    const w = new RunWriter(file, this.bufferBytes);
    body(w);
    w.flush();
    this.closeFile(file);
    this.stats.runsWritten++;
  }

  private spill(): void {
    const entries = this.sortedEntries();
    this.writeRun((w) => {
      for (const e of entries) this.stats.bytesSpilled += w.write(e.bytes);
    });
    this.stats.initialRuns++;
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
      const m = this.openMerge(group);
      for (let r = m.next(); r !== null; r = m.next()) this.stats.bytesSpilled += w.write(r.currentBytes);
      this.endMerge(m, group);
      w.flush();
      this.closeFile(file);
      this.stats.runsWritten++;
      next.push(path);
    }
    this.runs = next;
    this.stats.mergePasses++;
  }

  /**
   * The final merge as an iterator (a plain object, not a generator: one resume per row less);
   * it closes the sorter, deleting every temp file, when exhausted, returned early or failing.
   */
  private merged(paths: readonly string[]): IterableIterator<T> {
    let m: RunMerge<T> | null = null;
    this.guard(() => {
      m = this.openMerge(paths);
    });
    const merge = m as unknown as RunMerge<T>;
    let done = false;
    const end = (): IteratorResult<T> => {
      done = true;
      this.close();
      return { done: true, value: undefined };
    };
    const it: IterableIterator<T> = {
      next: (): IteratorResult<T> => {
        if (done) return { done: true, value: undefined };
        let r: RunReader<T> | null;
        try {
          r = merge.next();
        } catch (e) {
          end();
          throw e;
        }
        return r === null ? end() : { done: false, value: r.current! };
      },
      return: (): IteratorResult<T> => (done ? { done: true, value: undefined } : end()),
      [Symbol.iterator]: () => it,
    };
    return it;
  }

  /** Opens the runs at `paths` for a k-way merge. */
  private openMerge(paths: readonly string[]): RunMerge<T> {
    const readers: RunReader<T>[] = [];
    for (let i = 0; i < paths.length; i++) {
      const file = this.options.vfs.open(paths[i]!, { mode: 'open', readOnly: true });
      this.open.add(file);
      readers.push(new RunReader(file, this.options.codec, this.bufferBytes, i));
    }
    return new RunMerge(readers, this.options.compare);
  }

  /** Closes a finished merge's files and deletes its runs. */
  private endMerge(m: RunMerge<T>, paths: readonly string[]): void {
    for (const r of m.readers) this.closeFile(r.file);
    for (const p of paths) this.deleteRun(p);
  }
}

/**
 * k-way merge of runs with a loser tree (⌈log2 k⌉ comparisons per row). next() returns the
 * reader holding the next row (read `current`/`currentBytes` before calling again), null at
 * the end. Ties go to the earlier run.
 */
class RunMerge<T> {
  private readonly live: boolean[];
  /** tree[1..k-1] hold the loser of each match; leaf s sits at node s + k. */
  private readonly tree: Int32Array;
  private winner: number;
  /** The winner's row was handed out: advance that run before picking again. */
  private pending = false;
  constructor(
    readonly readers: readonly RunReader<T>[],
    private readonly cmp: (a: T, b: T) => number,
  ) {
    const k = readers.length;
    this.live = readers.map((r) => r.next());
    this.tree = new Int32Array(Math.max(1, k));
    this.winner = k === 0 ? -1 : k === 1 ? 0 : this.init(1);
  }

  next(): RunReader<T> | null {
    if (this.pending) {
      this.pending = false;
      let w = this.winner;
      this.live[w] = this.readers[w]!.next();
      const tree = this.tree;
      for (let t = (w + this.readers.length) >> 1; t > 0; t >>= 1) {
        const l = tree[t]!;
        if (this.beats(l, w)) {
          tree[t] = w;
          w = l;
        }
      }
      this.winner = w;
    }
    const w = this.winner;
    if (w < 0 || !this.live[w]) return null;
    this.pending = true;
    return this.readers[w]!;
  }

  private init(node: number): number {
    const k = this.readers.length;
    if (node >= k) return node - k;
    const l = this.init(2 * node);
    const r = this.init(2 * node + 1);
    if (this.beats(l, r)) {
      this.tree[node] = r;
      return l;
    }
    this.tree[node] = l;
    return r;
  }

  /** a beats b: a has a row and b has none, or a's row is smaller, or equal and a is earlier. */
  private beats(a: number, b: number): boolean {
    if (!this.live[a]) return false;
    if (!this.live[b]) return true;
    const c = this.cmp(this.readers[a]!.current!, this.readers[b]!.current!);
    return c < 0 || (c === 0 && a < b);
  }
}
