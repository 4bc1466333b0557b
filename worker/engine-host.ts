/**
 * The one place in worker/ that touches the engine's `Database` API. It imports the engine
 * from src/engine/index.ts, never src/index.ts (which registers node:fs), so browser bundles
 * never see NodeVfs. Everything else talks to the narrow `EngineDatabase` below; tests may
 * inject `worker/testing/fake-engine.ts` instead. Named parameters are rewritten here
 * (named-params.ts), since the engine binds `$1…` positionally.
 */
import { Database } from '../src/engine/index.js';
import { DecentDBError } from '../src/util/index.js';
import type { Vfs } from '../src/vfs/index.js';
import { WAL_HEADER_SIZE } from '../src/wal/index.js';
import type { BulkLoadOptions, BulkLoadResult, BulkRow, Durability, Params, RowArray, RunResult } from './api.js';
import { bindNamed, rewriteNamed } from './named-params.js';

/** A prepared statement as the worker needs it. */
export interface EngineStatement {
  columnNames(): readonly string[];
  run(params?: Params): RunResult;
  /** Rows as arrays in column order (rowMode 'array'); the iterator may be abandoned early. */
  iterate(params?: Params): Iterator<RowArray>;
  close(): void;
}

/** The database file held still for an export (EngineDatabase.pinFile). */
export interface FilePin {
  /** False once a checkpoint wrote to the file after all (the snapshot was aborted as too old). */
  intact(): boolean;
  release(): void;
}

/** The subset of `Database` the worker drives. */
export interface EngineDatabase {
  exec(sql: string): void;
  prepare(sql: string): EngineStatement;
  bulkLoad(table: string, rows: readonly BulkRow[], options?: BulkLoadOptions): BulkLoadResult;
  checkpoint(): void;
  /**
   * Checkpoints until the file holds every commit, then holds a read snapshot of that commit:
   * a checkpoint copies only versions no newer than the oldest snapshot, so none writes the
   * file until `release`. ERR_BROWSER_EXPORT_BUSY (retryable) when an older snapshot (an
   * unfinished paged statement, or another pin with commits since) kept the checkpoint from
   * emptying the WAL.
   */
  pinFile(): FilePin;
  readonly inTransaction: boolean;
  close(): void;
}

export interface EngineOptions {
  readonly durability?: Durability;
  readonly cacheSizeBytes?: number;
}

export type EngineOpener = (vfs: Vfs, path: string, options: EngineOptions) => EngineDatabase;

/** Suffixes of the files a database owns, which the OPFS VFS must prepare before open. */
export const DATABASE_FILE_SUFFIXES = ['', '-wal'] as const;

/** Opens the real engine on `path` in `vfs` (the owner's OPFS or IndexedDB storage). */
export const openEngine: EngineOpener = (vfs, path, options) => {
  // The engine treats an undefined option as absent.
  const db = Database.open(path, { vfs, durability: options.durability, cacheSizeBytes: options.cacheSizeBytes });
  return {
    exec: (sql) => db.exec(sql),
    prepare: (text) => {
      const { sql, names } = rewriteNamed(text);
      const s = db.prepare(sql); // cached by SQL text and stateless: close has nothing to free
      return {
        columnNames: () => s.columns().map((c) => c.name),
        run: (p) => s.run(bindNamed(names, p)),
        iterate: (p) => s.iterate(bindNamed(names, p), 'array') as Iterator<RowArray>,
        close: () => undefined,
      };
    },
    bulkLoad: (table, rows, o) => db.bulkLoad(table, rows, o ?? {}),
    checkpoint: () => {
      db.checkpoint();
    },
    pinFile: () => {
      db.checkpoint();
      const { walBytes, checkpoints } = db.stats();
      if (walBytes > WAL_HEADER_SIZE) {
        throw new DecentDBError('ERR_BROWSER_EXPORT_BUSY', 'an unfinished statement or export holds an older snapshot; end it and export again', { retryable: true });
      }
      // A statement's iterator holds its read snapshot from its first row until return().
      const snapshot = db.prepare('SELECT 1').iterate([], 'array');
      snapshot.next();
      return { intact: () => db.stats().checkpoints === checkpoints, release: () => void snapshot.return(undefined) };
    },
    get inTransaction() {
      return db.inTransaction;
    },
    close: () => db.close(),
  };
};
