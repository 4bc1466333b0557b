/**
 * OpfsVfs: the engine's Vfs over OPFS FileSystemSyncAccessHandles (worker-only API). Handles
 * are opened asynchronously by `create`/`prepare` before the synchronous engine runs; files the
 * engine opens without preparation (temporary sort and spill files) take a pre-opened spare
 * handle from a small pool, and once it is empty share one more handle in extents
 * (opfs-temp-area.ts). Does no locking between tabs: owner-election.ts guarantees one owner.
 *
 * Invariants:
 *  1. every open access handle is in exactly one of `files` (bound to a path) or `spares`, or is
 *     the temp area's (`areaEntry`), whose files are in `temps`;
 *  2. a path's VfsFile objects share one handle; closing a VfsFile never closes the handle
 *     (OPFS allows one handle per file, so reopen must be synchronous and free);
 *  3. a spare-backed file is temporary: it lives under its spare's name and `delete` (or
 *     `close` of the Vfs) returns the handle to the pool, truncated.
 */
import { DecentDBError, ioError } from '../src/util/index.js';
import type { OpenFlags, Vfs, VfsFile } from '../src/vfs/index.js';
import { ClosableFile, errorName, isQuotaError, quotaError, sleep } from './dom-util.js';
import { TempArea, TempAreaFile, type TempData } from './opfs-temp-area.js';

/** The worker-only OPFS handle (lib.webworker's FileSystemSyncAccessHandle, narrowed). */
export interface SyncAccessHandle {
  read(buffer: Uint8Array, options?: { at?: number }): number;
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(newSize: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

interface OpfsFileHandle {
  createSyncAccessHandle(): Promise<SyncAccessHandle>;
}

interface OpfsDirectory {
  getFileHandle(name: string, options?: { create?: boolean }): Promise<OpfsFileHandle>;
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<OpfsDirectory>;
  removeEntry(name: string): Promise<void>;
  keys(): AsyncIterableIterator<string>;
}

export interface OpfsVfsOptions {
  /** Spare handles kept open for unprepared (temporary) files. Default 4. */
  readonly spareHandles?: number;
  /** Total time to keep retrying a handle another worker still holds. Default 5000 ms. */
  readonly openRetryMs?: number;
  /** Test hook: fail writes that would grow the directory's files past this many bytes. */
  readonly quotaBytes?: number;
}

interface Entry {
  handle: SyncAccessHandle;
  /** Name in the OPFS directory (the spare's name for temporary files). */
  readonly fileName: string;
  readonly spare: boolean;
}

const SPARE_PREFIX = '.decentdb-spare-';

/** OPFS names cannot contain '/': URI-encode (reversible, unlike the Rust era's '%' → '_', spec §5.1). */
export const opfsFileName = (path: string): string => encodeURIComponent(path);

const isBusy = (e: unknown): boolean => {
  const n = errorName(e);
  return n === 'NoModificationAllowedError' || n === 'InvalidStateError';
};

/**
 * Retries `open` while another worker still holds the file (a dying owner), with backoff. A
 * file that vanished between its lookup and its handle (the previous holder removing its spare
 * files on close) is looked up again a few times: `open` creates it afresh.
 */
export async function withOpenRetry<T>(open: () => Promise<T>, retryMs: number, what: string, onRetry?: () => void): Promise<T> {
  const start = Date.now();
  let delay = 10;
  for (let attempt = 1; ; attempt++) {
    try {
      return await open();
    } catch (e) {
      const vanished = errorName(e) === 'NotFoundError' && attempt < 4;
      if (!isBusy(e) && !vanished) throw ioError(`cannot open ${what}: ${String(e)}`, e, { file: what });
      if (Date.now() - start >= retryMs) {
        throw new DecentDBError('ERR_BROWSER_OWNER_TIMEOUT', `${what} is still held by another worker after ${attempt} attempts`,
          { file: what, retryable: true }, { cause: e });
      }
      onRetry?.();
      await sleep(delay);
      delay = Math.min(delay * 2, 200);
    }
  }
}

class OpfsFile extends ClosableFile implements VfsFile {
  constructor(private readonly vfs: OpfsVfs, private readonly entry: Entry, path: string) {
    super(path);
  }

  read(buf: Uint8Array, offset: number): number {
    this.check();
    let n: number;
    try {
      n = this.entry.handle.read(buf, { at: offset });
    } catch (e) {
      throw this.failure('read', e, offset);
    }
    if (n < buf.length) buf.fill(0, n);
    return n;
  }

  write(buf: Uint8Array, offset: number): void {
    this.check();
    const h = this.entry.handle;
    const before = h.getSize();
    this.vfs.checkQuota(offset + buf.length - before, this.path);
    let n: number;
    try {
      n = h.write(buf, { at: offset });
    } catch (e) {
      this.restoreSize(before);
      throw this.failure('write', e, offset);
    }
    if (n !== buf.length) {
      // A short write means the storage ran out; undo any growth so the file stays as it was.
      this.restoreSize(before);
      throw quotaError(this.path);
    }
  }

  size(): number {
    this.check();
    return this.entry.handle.getSize();
  }

  truncate(size: number): void {
    this.check();
    this.vfs.checkQuota(size - this.entry.handle.getSize(), this.path);
    try {
      this.entry.handle.truncate(size);
    } catch (e) {
      throw this.failure('truncate', e, size);
    }
  }

  sync(): void {
    this.check();
    try {
      this.entry.handle.flush();
    } catch (e) {
      throw ioError(`flush failed: ${this.path}`, e, { path: this.path });
    }
    this.vfs.counters.flushes++;
  }

  /** The error for a failed read, write or truncate: the quota error when the storage is full, else ERR_IO. */
  private failure(op: string, e: unknown, offset: number): DecentDBError {
    return isQuotaError(e) ? quotaError(this.path, e) : ioError(`${op} failed: ${this.path} at ${offset}`, e, { path: this.path, offset });
  }

  private restoreSize(before: number): void {
    try {
      if (this.entry.handle.getSize() > before) this.entry.handle.truncate(before);
    } catch {
      // Shrinking back is best effort; the pager rewrites or truncates the file on recovery.
    }
  }
}

/**
 * @example
 *   const vfs = await OpfsVfs.create('decentdb');
 *   await vfs.prepare('app.ddb', 'app.ddb-wal');
 *   const db = Database.open('app.ddb', { vfs });
 */
export class OpfsVfs implements Vfs {
  readonly counters = { flushes: 0, openRetries: 0 };
  private readonly files = new Map<string, Entry>();
  private readonly spares: Entry[] = [];
  /** Paths that exist as far as the engine is concerned (invariant: bound in `files`, or on disk). */
  private readonly existing = new Set<string>();
  private readonly deletedOnDisk = new Set<string>();
  private spareSeq = 0;
  /** Temporary files past the spare pool, multiplexed on `areaEntry`'s handle. */
  private readonly temps = new Map<string, TempData>();
  private areaEntry: Entry | null = null;
  private area: TempArea | null = null;
  /** The refill in progress, if any (settle). */
  private settling: Promise<void> | null = null;

  private constructor(private readonly dir: OpfsDirectory, private readonly options: OpfsVfsOptions) {}

  /** Opens (creating) the OPFS directory `dirName`, fills the spare-handle pool and prepares `paths` (see prepare). */
  static async create(dirName: string, options: OpfsVfsOptions = {}, paths: readonly string[] = []): Promise<OpfsVfs> {
    const storage = (globalThis as unknown as { navigator?: { storage?: { getDirectory?: () => Promise<OpfsDirectory> } } }).navigator?.storage;
    if (storage?.getDirectory === undefined) throw new DecentDBError('ERR_BROWSER_OPFS_UNAVAILABLE', 'OPFS is not available here');
    let dir: OpfsDirectory;
    try {
      dir = await (await storage.getDirectory()).getDirectoryHandle(dirName, { create: true });
    } catch (e) {
      throw new DecentDBError('ERR_BROWSER_OPFS_UNAVAILABLE', `cannot open OPFS directory ${dirName}`, { dirName }, { cause: e });
    }
    const vfs = new OpfsVfs(dir, options);
    // Spare files a closed (or crashed) owner left behind: the pool's first names are reopened
    // (and truncated) by settle, the others removed. Every handle opens concurrently: each
    // open is an asynchronous round trip to the browser's storage, and connect waits for them.
    const reused = new Set([`${SPARE_PREFIX}area`, ...Array.from({ length: options.spareHandles ?? 4 }, (_, i) => `${SPARE_PREFIX}${i}`)]);
    const removals: Promise<unknown>[] = [];
    for await (const name of dir.keys()) {
      if (!name.startsWith(SPARE_PREFIX)) vfs.existing.add(decodeName(name));
      else if (!reused.has(name)) removals.push(dir.removeEntry(name).catch(() => undefined)); // best effort, as in close
    }
    await Promise.all([...removals, vfs.settle(), vfs.prepare(...paths)]);
    return vfs;
  }

  /** True where this worker can create sync access handles (a Dedicated Worker with OPFS). */
  static isSupported(): boolean {
    const g = globalThis as { FileSystemSyncAccessHandle?: unknown; navigator?: { storage?: { getDirectory?: unknown } } };
    return typeof g.FileSystemSyncAccessHandle === 'function' && typeof g.navigator?.storage?.getDirectory === 'function';
  }

  /** Opens access handles for `paths` (e.g. the database and its `-wal`) so the engine can open them synchronously. */
  async prepare(...paths: string[]): Promise<void> {
    const todo = [...new Set(paths)].filter((path) => this.files.get(path)?.spare !== false);
    await Promise.all(todo.map(async (path) => {
      this.files.set(path, await this.openHandle(opfsFileName(path), path, false));
      this.deletedOnDisk.delete(path);
    }));
  }

  /** Refills the spare pool (and opens the temp area once); call between requests. Concurrent calls share one refill. */
  settle(): Promise<void> {
    return (this.settling ??= this.refill().finally(() => {
      this.settling = null;
    }));
  }

  private async refill(): Promise<void> {
    const opens: Promise<void>[] = [];
    for (let n = this.spares.length; n < (this.options.spareHandles ?? 4); n++) {
      const fileName = `${SPARE_PREFIX}${this.spareSeq++}`;
      opens.push(this.openHandle(fileName, fileName, true).then((entry) => {
        entry.handle.truncate(0);
        this.spares.push(entry);
      }));
    }
    if (this.areaEntry === null) {
      const fileName = `${SPARE_PREFIX}area`;
      opens.push(this.openHandle(fileName, fileName, true).then((entry) => {
        entry.handle.truncate(0);
        this.areaEntry = entry;
        this.area = new TempArea(entry.handle, (bytes, path) => this.checkQuota(bytes, path));
      }));
    }
    await Promise.all(opens);
  }

  private async openHandle(fileName: string, what: string, spare: boolean): Promise<Entry> {
    const handle = await withOpenRetry(async () => (await this.dir.getFileHandle(fileName, { create: true })).createSyncAccessHandle(),
      this.options.openRetryMs ?? 5000, what, () => this.counters.openRetries++);
    return { handle, fileName, spare };
  }

  open(path: string, flags: OpenFlags): VfsFile {
    const temp = this.temps.get(path);
    if (temp !== undefined) {
      const f = new TempAreaFile(this.area!, temp, path); // temps is empty without an area
      if (flags.mode === 'create') f.truncate(0);
      return f;
    }
    let entry = this.files.get(path);
    if (!this.existing.has(path)) {
      if (flags.mode === 'open') throw new DecentDBError('ERR_IO', `no such file: ${path}`, { path });
      if (entry === undefined && this.spares.length === 0 && this.area !== null) {
        const data: TempData = { extents: [], length: 0 };
        this.temps.set(path, data);
        this.existing.add(path);
        this.deletedOnDisk.delete(path);
        return new TempAreaFile(this.area, data, path);
      }
      if (entry === undefined) entry = this.takeSpare(path);
      this.existing.add(path);
      this.deletedOnDisk.delete(path);
    } else if (entry === undefined) {
      throw ioError(`file not prepared: ${path} (call prepare before opening)`, undefined, { path });
    }
    if (flags.mode === 'create') entry.handle.truncate(0);
    return new OpfsFile(this, entry, path);
  }

  delete(path: string): void {
    if (!this.existing.delete(path)) return;
    const temp = this.temps.get(path);
    if (temp !== undefined) {
      this.temps.delete(path);
      this.area!.release(temp.extents, path); // temps is empty without an area
      return;
    }
    const entry = this.files.get(path);
    if (entry === undefined) return;
    entry.handle.truncate(0);
    if (entry.spare) {
      this.files.delete(path);
      this.spares.push(entry);
    } else {
      this.deletedOnDisk.add(path);
    }
  }

  exists(path: string): boolean {
    return this.existing.has(path);
  }

  /** Bytes held by every file of this Vfs (for the quota test hook and estimates). */
  usedBytes(): number {
    let n = 0;
    for (const e of this.files.values()) n += e.handle.getSize();
    return n + (this.area?.sizeBytes ?? 0);
  }

  /** @internal Throws the quota error when the test hook's limit would be passed (growth ≤ 0 never fails). */
  checkQuota(growthBytes: number, path: string): void {
    const limit = this.options.quotaBytes;
    if (limit !== undefined && growthBytes > 0 && this.usedBytes() + growthBytes > limit) throw quotaError(path);
  }

  /** Flushes and releases every handle; files deleted by the engine are removed from disk. */
  async close(): Promise<void> {
    let failure: unknown;
    const removals = [...this.deletedOnDisk].map(opfsFileName);
    for (const e of new Set([...this.files.values(), ...this.spares, ...(this.areaEntry === null ? [] : [this.areaEntry])])) {
      try {
        e.handle.flush();
      } catch (err) {
        failure ??= err;
      }
      e.handle.close();
      if (e.spare) removals.push(e.fileName); // pooled, or a temporary file on a spare's handle
    }
    this.files.clear();
    this.spares.length = 0;
    this.temps.clear();
    this.areaEntry = null;
    this.area = null;
    for (const name of removals) await this.dir.removeEntry(name).catch(() => undefined); // best effort: stale spares are removed at the next create
    if (failure !== undefined) throw ioError('flush failed while closing the OPFS files', failure);
  }

  private takeSpare(path: string): Entry {
    const entry = this.spares.pop();
    if (entry === undefined) {
      throw ioError(`no spare OPFS handle for ${path}: prepare it, or raise spareHandles`, undefined, { path });
    }
    entry.handle.truncate(0);
    this.files.set(path, entry);
    return entry;
  }
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
