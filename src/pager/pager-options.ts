/**
 * Pager options, their documented defaults, and the result/stat shapes the Pager reports.
 * Durability contracts are ADR-0003; checkpoint and long-reader rules ADR-0001.
 */
import { DecentDBError } from '../util/index.js';
import { DEFAULT_PAGE_SIZE, isValidPageSize } from './db-header.js';

/**
 * - `full`: the WAL is synced before commit returns; an acknowledged commit survives a crash.
 * - `normal`: group commit; the WAL is synced once `groupCommitMaxCommits` commits or
 *   `groupCommitMaxDelayMs` ms have accumulated since the last sync (checked at each commit),
 *   and on `syncWal()`, checkpoint and close. A crash may lose the last few acknowledged
 *   commits, never tears one (chained frame checksums).
 * - `off`: no syncs at commit (checkpoint and close still sync); a crash may lose every commit
 *   since the last sync, never tears one.
 */
export type Durability = 'full' | 'normal' | 'off';

export interface PagerWarning {
  readonly kind: 'long-reader' | 'reader-aborted' | 'wal-recovery';
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface PagerOptions {
  /** `open` requires an existing database; `openOrCreate` (default) creates one when missing. */
  readonly mode?: 'open' | 'openOrCreate';
  /** Page size of a new database (power of two, 1024..65536; default 4096). Ignored on open. */
  readonly pageSize?: number;
  /** Page cache budget in bytes (default 4 MiB). */
  readonly cacheBytes?: number;
  /** Default durability of commits (default 'full'). */
  readonly durability?: Durability;
  /** 'normal' mode: sync after this many unsynced commits (default 32). */
  readonly groupCommitMaxCommits?: number;
  /** 'normal' mode: sync at a commit when this long has passed since the last sync (default 50). */
  readonly groupCommitMaxDelayMs?: number;
  /** Automatic checkpoint once this many WAL bytes were appended since the last one (default 8 MiB). */
  readonly checkpointThresholdBytes?: number;
  /** A write transaction's dirty pages beyond this are spilled to the WAL (default 16 MiB). */
  readonly spillBudgetBytes?: number;
  /** A reader blocking the WAL for longer than this is aborted (default 300 000 ms). */
  readonly readerTimeoutMs?: number;
  /** A reader pinning more WAL growth than this is aborted (default 64 MiB). */
  readonly maxWalBytesPerReader?: number;
  /** A reader blocking the WAL this long gets one `onWarning` (default 60 000 ms). */
  readonly readerWarnMs?: number;
  readonly onWarning?: (w: PagerWarning) => void;
  /** Checkpoint (and truncate the WAL when possible) at close (default true). */
  readonly checkpointOnClose?: boolean;
  /** Milliseconds clock; injectable for tests (default Date.now). */
  readonly clock?: () => number;
}

export type ResolvedPagerOptions = Required<Omit<PagerOptions, 'onWarning'>> & Pick<PagerOptions, 'onWarning'>;

const MiB = 1024 * 1024;

export function resolvePagerOptions(o: PagerOptions = {}): ResolvedPagerOptions {
  const pageSize = o.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!isValidPageSize(pageSize)) {
    throw new DecentDBError('ERR_INTERNAL', `invalid option pageSize ${pageSize}: a power of two in 1024..65536`, { pageSize });
  }
  return {
    mode: o.mode ?? 'openOrCreate',
    pageSize,
    cacheBytes: o.cacheBytes ?? 4 * MiB,
    durability: o.durability ?? 'full',
    groupCommitMaxCommits: o.groupCommitMaxCommits ?? 32,
    groupCommitMaxDelayMs: o.groupCommitMaxDelayMs ?? 50,
    checkpointThresholdBytes: o.checkpointThresholdBytes ?? 8 * MiB,
    spillBudgetBytes: o.spillBudgetBytes ?? 16 * MiB,
    readerTimeoutMs: o.readerTimeoutMs ?? 300_000,
    maxWalBytesPerReader: o.maxWalBytesPerReader ?? 64 * MiB,
    readerWarnMs: o.readerWarnMs ?? 60_000,
    onWarning: o.onWarning,
    checkpointOnClose: o.checkpointOnClose ?? true,
    clock: o.clock ?? Date.now,
  };
}

export interface CheckpointResult {
  readonly pagesCopied: number;
  readonly walBytesBefore: number;
  readonly walBytesAfter: number;
  readonly truncated: boolean;
  /** Monotonic LSN up to which the main file now holds every commit. */
  readonly checkpointLsn: number;
}

export interface PagerStats {
  readonly pagesRead: number;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  readonly cacheEvictions: number;
  /** Page reads that reused an evicted image instead of allocating one (page-cache.ts). */
  readonly imagesReused: number;
  /** Pages a large scan read into its own ring buffer instead of the cache (scan-ring.ts). */
  readonly scanRingPages: number;
  readonly framesWritten: number;
  /** Of `framesWritten`, uncommitted frames rewritten in place (a page spilled again in one transaction). */
  readonly framesRewritten: number;
  readonly walSyncs: number;
  readonly dbSyncs: number;
  readonly checkpoints: number;
  readonly commits: number;
  readonly spilledPages: number;
  readonly walBytes: number;
}
