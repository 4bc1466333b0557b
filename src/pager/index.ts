// Layer 2, pager: page cache, header, freelist, snapshot read and write transactions,
// durability modes and checkpoints over a PageLog (the WAL, wired by src/wal `openPager`).
// See docs/adr/0001-page-images-and-snapshots.md and 0003-durability-modes.md.
//
// API (open with `openPager(vfs, path, options?)` from src/wal):
//   pager.pageSize; pager.header: DbHeader (committed: formatVersion, pageSize, schemaCookie,
//     rootCatalog, freelistHead, freelistCount, lastCheckpointLsn, pageCount); pager.stats
//   pager.beginRead(): ReadTransaction — PageStore (read only) + snapshotLsn, header, end()
//   pager.beginWrite({durability?}): WriteTransaction — PageStore + setRootCatalog(n),
//     bumpSchemaCookie(), rootCatalog/schemaCookie/pageCount/header, savepoint() → id,
//     rollbackTo(id), release(id), spillSafePoint(), commit(), rollback()
//   pager.checkpoint(): CheckpointResult; pager.syncWal(); pager.close()
export type { PageStore } from './page-store.js';
export type { CheckpointPage, LogMark, LogVersion, PageLog } from './page-log.js';
export {
  BACKUP_HEADER_OFFSET, DEFAULT_PAGE_SIZE, FORMAT_VERSION, HEADER_SIZE, MAX_PAGE_SIZE, MIN_PAGE_SIZE, decodeHeader, decodePage1, encodeHeader,
  headerChecksum, isValidPageSize, newHeaderFields,
} from './db-header.js';
export type { DbHeader, DbHeaderFields } from './db-header.js';
export { trunkCapacity, walkFreelist } from './freelist.js';
export type { FreelistWalk } from './freelist.js';
export { PageCache, onImageReuse } from './page-cache.js';
export type { PageCacheStats } from './page-cache.js';
export { resolvePagerOptions } from './pager-options.js';
export type {
  CheckpointResult, Durability, PagerOptions, PagerStats, PagerWarning, ResolvedPagerOptions,
} from './pager-options.js';
export { lastReadWasFresh, Pager, walPathOf } from './pager.js';
export type { PageLogFactory } from './pager.js';
export { ReadTransaction } from './read-transaction.js';
export { ScanRing } from './scan-ring.js';
export { WriteTransaction } from './write-transaction.js';
