/**
 * The virtual file system the engine runs on: small, synchronous, offset-addressed. An OPFS
 * FileSystemSyncAccessHandle maps onto VfsFile one call for one call (read/write at an
 * offset, getSize, truncate, flush, close). Only factories of async backends are async.
 * Implementations wrap platform errors as DecentDBError('ERR_IO', …, {cause}).
 */

export type OpenMode = 'open' | 'create' | 'openOrCreate';

export interface OpenFlags {
  /** `open` requires the file to exist, `create` truncates or creates, `openOrCreate` either. */
  readonly mode: OpenMode;
  /** The file is only read (no writes, truncates or syncs will be issued). */
  readonly readOnly?: boolean;
}

/** A file the engine reads and writes at absolute offsets. Every call is synchronous. */
export interface VfsFile {
  /** Fills `buf` from `offset`; returns bytes read. A short read zero-fills the rest of `buf`. */
  read(buf: Uint8Array, offset: number): number;
  /** Writes all of `buf` at `offset`, extending the file when needed. */
  write(buf: Uint8Array, offset: number): void;
  size(): number;
  truncate(size: number): void;
  /** Durability barrier: writes issued before it are on stable storage when it returns. */
  sync(): void;
  close(): void;
}

/** An exclusive hold on a database across OS processes (ADR-0008). */
export interface VfsLock {
  /** Gives the hold up; idempotent. */
  release(): void;
}

export interface Vfs {
  open(path: string, flags: OpenFlags): VfsFile;
  delete(path: string): void;
  exists(path: string): boolean;
  /**
   * Optional (ADR-0008): takes the database at `path` for this process, or throws
   * DecentDBError('ERR_IO', 'database is locked by another process (pid N)', {path, pid}).
   * Backends without other processes (MemoryVfs, the browser's worker-owned files) omit it.
   */
  lock?(path: string): VfsLock;
}
