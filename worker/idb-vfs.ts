/**
 * IdbVfs: the engine's Vfs over IndexedDB (via `idb`), for browsers without OPFS sync access
 * handles. Every file lives in memory (loaded at `create`) as fixed-size chunks; writes mark
 * chunks dirty, `sync()` seals the file's dirty chunks into a pending batch, and `await
 * flush()` writes all pending batches in ONE IDB transaction, so a commit is atomic in IDB.
 * The worker awaits flush() before acknowledging a write. Bytes are those of a Node file.
 *
 * Invariants:
 *  1. IDB holds the state as of the last completed flush(); memory is always ahead or equal;
 *  2. a pending batch is a copy taken at sync(): later writes never change it;
 *  3. within one flush, batches apply in sync order, range deletes before puts.
 */
import { openDB } from 'idb';
import type { IDBPDatabase } from 'idb';
import { DecentDBError, ioError } from '../src/util/index.js';
import type { OpenFlags, Vfs, VfsFile } from '../src/vfs/index.js';
import { ClosableFile, isQuotaError, quotaError } from './dom-util.js';

const CHUNKS = 'chunks';
const FILES = 'files';
const DB_VERSION = 1;

type ChunkKey = [string, number];

interface FileRecord {
  readonly size: number;
}

class FileState {
  size = 0;
  readonly chunks = new Map<number, Uint8Array>();
  readonly dirty = new Set<number>();
  /** Lowest chunk index cut away by a truncate since the last seal (Infinity: none). */
  truncatedFrom = Infinity;
  metaDirty = false;
}

interface Batch {
  readonly path: string;
  /** Delete the file's chunks from this index on (Infinity: none); applied before puts. */
  readonly deleteFrom: number;
  readonly puts: ReadonlyArray<readonly [number, Uint8Array]>;
  /** New size, or undefined when the file was deleted. */
  readonly size: number | undefined;
}

export interface IdbVfsOptions {
  /** Chunk size in bytes (fixed for a database's life). Default 8192. */
  readonly chunkSizeBytes?: number;
}

class IdbFile extends ClosableFile implements VfsFile {
  constructor(private readonly vfs: IdbVfs, private readonly state: FileState, path: string) {
    super(path);
  }

  read(buf: Uint8Array, offset: number): number {
    this.check();
    const n = Math.max(0, Math.min(buf.length, this.state.size - offset));
    this.copy(buf, offset, n, false);
    if (n < buf.length) buf.fill(0, n);
    return n;
  }

  write(buf: Uint8Array, offset: number): void {
    this.check();
    const s = this.state;
    this.copy(buf, offset, buf.length, true);
    if (offset + buf.length > s.size) {
      s.size = offset + buf.length;
      s.metaDirty = true;
    }
  }

  size(): number {
    this.check();
    return this.state.size;
  }

  truncate(size: number): void {
    this.check();
    this.vfs.truncateState(this.state, size);
  }

  sync(): void {
    this.check();
    this.vfs.seal(this.path, this.state);
  }

  /**
   * Copies `n` bytes between `buf` and the file's chunks from `offset`: out of the chunks
   * (a missing chunk reads as zeros), or into them (`write`: created as needed, marked dirty).
   */
  private copy(buf: Uint8Array, offset: number, n: number, write: boolean): void {
    const s = this.state;
    const cs = this.vfs.chunkSizeBytes;
    for (let done = 0; done < n;) {
      const pos = offset + done;
      const idx = Math.floor(pos / cs);
      const within = pos - idx * cs;
      const take = Math.min(cs - within, n - done);
      let chunk = s.chunks.get(idx);
      if (write) {
        if (chunk === undefined) s.chunks.set(idx, (chunk = new Uint8Array(cs)));
        chunk.set(buf.subarray(done, done + take), within);
        s.dirty.add(idx);
      } else if (chunk === undefined) {
        buf.fill(0, done, done + take);
      } else {
        buf.set(chunk.subarray(within, within + take), done);
      }
      done += take;
    }
  }
}

/**
 * @example
 *   const vfs = await IdbVfs.create('decentdb:app');
 *   const db = Database.open('app.ddb', { vfs });
 *   db.exec('INSERT …');   // the pager syncs: a batch is sealed
 *   await vfs.flush();     // now durable in IndexedDB
 */
export class IdbVfs implements Vfs {
  /** `transactions`: IndexedDB transactions committed (one per flush that had batches). */
  readonly counters = { transactions: 0, chunksWritten: 0 };
  private readonly files = new Map<string, FileState>();
  private pending: Batch[] = [];
  private flushing: Promise<void> = Promise.resolve();

  private constructor(private readonly db: IDBPDatabase, readonly chunkSizeBytes: number) {}

  /** Opens (creating) the IndexedDB database `idbName` and loads every file into memory. */
  static async create(idbName: string, options: IdbVfsOptions = {}): Promise<IdbVfs> {
    if ((globalThis as { indexedDB?: unknown }).indexedDB === undefined) {
      throw new DecentDBError('ERR_BROWSER_IDB_UNAVAILABLE', 'IndexedDB is not available here');
    }
    let db: IDBPDatabase;
    try {
      db = await openDB(idbName, DB_VERSION, {
        upgrade(d) {
          d.createObjectStore(CHUNKS);
          d.createObjectStore(FILES);
        },
      });
    } catch (e) {
      throw ioError(`cannot open IndexedDB ${idbName}`, e, { idbName });
    }
    const chunkSize = options.chunkSizeBytes ?? 8192;
    const vfs = new IdbVfs(db, chunkSize);
    const tx = db.transaction([CHUNKS, FILES], 'readonly');
    const [paths, records, keys, chunks] = await Promise.all([
      tx.objectStore(FILES).getAllKeys(), tx.objectStore(FILES).getAll(),
      tx.objectStore(CHUNKS).getAllKeys(), tx.objectStore(CHUNKS).getAll(),
    ]);
    for (let i = 0; i < paths.length; i++) {
      const st = new FileState();
      st.size = (records[i] as FileRecord).size;
      vfs.files.set(paths[i] as string, st);
    }
    for (let i = 0; i < keys.length; i++) {
      const [path, idx] = keys[i] as ChunkKey;
      const data = chunks[i] as Uint8Array;
      const st = vfs.files.get(path);
      if (st === undefined || data.length !== chunkSize) {
        throw new DecentDBError('ERR_CORRUPTION', `IndexedDB chunk ${path}#${idx} is inconsistent (size ${data.length}, chunk size ${chunkSize})`, { path, chunk: idx });
      }
      st.chunks.set(idx, data);
    }
    return vfs;
  }

  open(path: string, flags: OpenFlags): VfsFile {
    let st = this.files.get(path);
    if (st === undefined) {
      if (flags.mode === 'open') throw new DecentDBError('ERR_IO', `no such file: ${path}`, { path });
      st = new FileState();
      st.metaDirty = true;
      this.files.set(path, st);
    } else if (flags.mode === 'create') {
      this.truncateState(st, 0);
    }
    return new IdbFile(this, st, path);
  }

  delete(path: string): void {
    if (!this.files.delete(path)) return;
    this.pending.push({ path, deleteFrom: 0, puts: [], size: undefined });
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  /** Synced batches not yet written to IndexedDB. */
  get pendingBatches(): number {
    return this.pending.length;
  }

  /** Writes every pending batch in one IndexedDB transaction; resolves once it committed. */
  flush(): Promise<void> {
    this.flushing = this.flushing.catch(() => undefined).then(() => this.writePending()); // the previous failure went to its own caller
    return this.flushing;
  }

  /** Flushes, then closes the IndexedDB connection. */
  async close(): Promise<void> {
    await this.flush();
    this.db.close();
  }

  /** @internal */
  truncateState(st: FileState, size: number): void {
    const cs = this.chunkSizeBytes;
    if (size < st.size) {
      const keep = Math.ceil(size / cs);
      for (const idx of [...st.chunks.keys()]) if (idx >= keep) st.chunks.delete(idx);
      st.truncatedFrom = Math.min(st.truncatedFrom, keep);
      const last = st.chunks.get(keep - 1);
      if (last !== undefined && size % cs !== 0) {
        last.fill(0, size % cs);
        st.dirty.add(keep - 1);
      }
    }
    st.size = size;
    st.metaDirty = true;
  }

  /** @internal Seals a file's dirty chunks into a pending batch (invariant 2). */
  seal(path: string, st: FileState): void {
    if (st.dirty.size === 0 && !st.metaDirty && st.truncatedFrom === Infinity) return;
    const puts: Array<readonly [number, Uint8Array]> = [];
    for (const idx of st.dirty) {
      const chunk = st.chunks.get(idx);
      if (chunk !== undefined) puts.push([idx, chunk.slice()]);
    }
    this.pending.push({ path, deleteFrom: st.truncatedFrom, puts, size: st.size });
    st.dirty.clear();
    st.truncatedFrom = Infinity;
    st.metaDirty = false;
  }

  private async writePending(): Promise<void> {
    if (this.pending.length === 0) return;
    const batches = this.pending;
    this.pending = [];
    const tx = this.db.transaction([CHUNKS, FILES], 'readwrite');
    const chunksStore = tx.objectStore(CHUNKS);
    const filesStore = tx.objectStore(FILES);
    const ops: Promise<unknown>[] = [];
    for (const b of batches) { // invariant 3
      if (b.deleteFrom !== Infinity) ops.push(chunksStore.delete(IDBKeyRange.bound([b.path, b.deleteFrom], [b.path, Infinity])));
      if (b.size === undefined) {
        ops.push(filesStore.delete(b.path));
        continue;
      }
      for (const [idx, data] of b.puts) ops.push(chunksStore.put(data, [b.path, idx]));
      ops.push(filesStore.put({ size: b.size } satisfies FileRecord, b.path));
      this.counters.chunksWritten += b.puts.length;
    }
    try {
      await Promise.all([...ops, tx.done]);
    } catch (e) {
      // The batches stay pending (memory is ahead of IDB, invariant 1); a later flush retries.
      this.pending = batches.concat(this.pending);
      throw isQuotaError(e) || isQuotaError(tx.error) ? quotaError(`IndexedDB ${this.db.name}`, e) : ioError('IndexedDB transaction failed', e);
    }
    this.counters.transactions++;
  }
}
