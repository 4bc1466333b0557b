/**
 * Database options: what `Database.open` accepts, with the documented defaults. Storage
 * options pass through to the pager (src/pager/pager-options.ts holds their contracts).
 */
import type { Durability, PagerWarning } from '../pager/index.js';
import type { Vfs } from '../vfs/index.js';

export interface DatabaseOptions {
  /** File system to use. Default: node:fs for a path, memory for ':memory:'. */
  readonly vfs?: Vfs;
  /** `open` fails when the database does not exist; default `openOrCreate`. */
  readonly mode?: 'open' | 'openOrCreate';
  /** Page size of a new database (power of two, 1024..65536; default 4096). */
  readonly pageSize?: number;
  /** Page cache budget in bytes (default 4 MiB). */
  readonly cacheSizeBytes?: number;
  /** Default commit durability: 'full' (default), 'normal' (group commit) or 'off'. */
  readonly durability?: Durability;
  /**
   * 'normal' durability: the WAL is synced at most this many ms after an unsynced commit (at a
   * later commit, or by a timer the Database sets; default 50).
   */
  readonly groupCommitDelayMs?: number;
  /** Automatic checkpoint once the WAL grew by this many bytes (default 8 MiB). */
  readonly checkpointBytes?: number;
  /** Abort read snapshots older than this (default 300 000 ms). */
  readonly readerTimeoutMs?: number;
  /** Abort a read snapshot that pins more WAL growth than this (default 64 MiB). */
  readonly maxWalBytesPerReader?: number;
  /** Warn (onWarning) about read snapshots older than this (default 60 000 ms). */
  readonly readerWarnMs?: number;
  readonly onWarning?: (w: PagerWarning) => void;
  /** Memory budget of one sort or hash operation before it spills (default 16 MiB). */
  readonly memoryBudgetBytes?: number;
  /** Maximum number of cached statement plans (default 256). */
  readonly planCacheSize?: number;
  /** Milliseconds clock for NOW() and timeouts (tests). */
  readonly clock?: () => number;
}

export const DEFAULT_MEMORY_BUDGET_BYTES = 16 * 1024 * 1024;
export const DEFAULT_PLAN_CACHE_SIZE = 256;
export const DEFAULT_GROUP_COMMIT_DELAY_MS = 50;
