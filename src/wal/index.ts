// Layer 3, wal: the `<db>-wal` file (native v8 layout + chained CRC-32C, ADR-0002), its
// in-memory index, recovery, and `openPager`, which wires the Wal under the Pager (ADR-0001).
export { openPager } from './open-pager.js';
export { Wal } from './wal.js';
export { WalIndex } from './wal-index.js';
export { recoverWal } from './wal-recovery.js';
export type { RecoveryResult } from './wal-recovery.js';
export {
  CHECKPOINT_FRAME_SIZE, COMMIT_FRAME_SIZE, FLAG_CHECKSUMS, FRAME_CHECKPOINT, FRAME_COMMIT, FRAME_PAGE,
  WAL_HEADER_SIZE, chainSeed, decodeWalHeader, encodeWalHeader, pageFrameSize,
} from './wal-format.js';
export type { WalHeader } from './wal-format.js';
