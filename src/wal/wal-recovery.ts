/**
 * WAL recovery (spec/native-format.md §2.6 plus ADR-0002): validate the header, scan frames,
 * index committed frames, stop at the first frame whose type, length or chained checksum is
 * wrong. Damage policy (ADR-0002):
 *  - bad magic/version, page size ≠ database → ERR_CORRUPTION (a log no longer than its header
 *    holds no frame: Wal.open starts such a file afresh and never calls this);
 *  - native WAL (no checksum flag): the header end offset bounds the scan, as natively; an end
 *    offset inside the header or beyond the file → ERR_CORRUPTION;
 *  - our WAL (checksum flag): frames validate themselves, so the end offset is advisory (a
 *    crash may persist the header write but not the frames, or the reverse): scan to the file
 *    size while the chain holds; a mismatch before the end offset keeps the committed prefix
 *    and reports the discarded bytes (never served).
 */
import { DecentDBError, crc32c, readU32, readU64 } from '../util/index.js';
import type { VfsFile } from '../vfs/index.js';
import {
  CHECKPOINT_FRAME_SIZE, COMMIT_FRAME_SIZE, FLAG_CHECKSUMS, FRAME_CHECKPOINT, FRAME_COMMIT,
  FRAME_HEADER_SIZE, FRAME_PAGE, WAL_HEADER_SIZE, chainSeed, decodeWalHeader, pageFrameSize,
} from './wal-format.js';
import type { WalIndex } from './wal-index.js';

export interface RecoveryResult {
  readonly salt: number;
  readonly checksums: boolean;
  /** Offset just past the last committed frame (32 when none). */
  readonly endOffset: number;
  /** Chain value after the last committed frame. */
  readonly chain: number;
  readonly commits: number;
  /** Bytes inside the header's end offset that were not used (torn or uncommitted). */
  readonly discardedBytes: number;
  /** Why scanning stopped before the end offset, when it did. */
  readonly stopReason: string | undefined;
}

const walCorrupt = (path: string, what: string): DecentDBError =>
  new DecentDBError('ERR_CORRUPTION', `WAL ${path}: ${what}`, { path });

/**
 * Read size. Recovery reads the WAL front to back and checksums each chunk where it was read.
 * From a cold cache the kernel's readahead fetches ahead while a chunk is checksummed; 1 MiB
 * chunks overlapped best in measurement (256 KiB alike, 4 MiB a little worse, 16 MiB clearly).
 */
const CHUNK = 1 << 20;

export function recoverWal(file: VfsFile, path: string, pageSize: number, index: WalIndex): RecoveryResult {
  const fileSize = file.size();
  if (fileSize < WAL_HEADER_SIZE) throw walCorrupt(path, `file is ${fileSize} bytes, shorter than its header`);
  const hb = new Uint8Array(WAL_HEADER_SIZE);
  file.read(hb, 0);
  const h = decodeWalHeader(hb);
  if (typeof h === 'string') throw walCorrupt(path, h);
  if (h.pageSize !== pageSize) throw walCorrupt(path, `page size ${h.pageSize} does not match the database (${pageSize})`);
  const checksums = (h.flags & FLAG_CHECKSUMS) !== 0;
  const seed = checksums ? chainSeed(hb) : 0;
  const claimedEnd = h.endOffset;
  if (!checksums) {
    if (claimedEnd !== 0 && claimedEnd < WAL_HEADER_SIZE) throw walCorrupt(path, `end offset ${claimedEnd} lies inside the header`);
    if (claimedEnd > fileSize) throw walCorrupt(path, `end offset ${claimedEnd} beyond the file size ${fileSize}`);
  }
  const walEnd = checksums ? fileSize : claimedEnd;
  if (walEnd === 0) {
    return { salt: h.salt, checksums, endOffset: WAL_HEADER_SIZE, chain: seed, commits: 0, discardedBytes: 0, stopReason: undefined };
  }

  const frameSize = pageFrameSize(pageSize);
  const buf = new Uint8Array(Math.max(CHUNK, 2 * frameSize));
  let bufStart = 0;
  let bufLen = 0;
  const ensure = (off: number, n: number): number => {
    if (off >= bufStart && off + n <= bufStart + bufLen) return off - bufStart;
    bufStart = off;
    bufLen = Math.min(buf.length, walEnd - off);
    file.read(buf.subarray(0, bufLen), off);
    return 0;
  };

  const pendingPages: number[] = [];
  const pendingOffsets: number[] = [];
  let off = WAL_HEADER_SIZE;
  let chain = seed;
  let committedEnd = WAL_HEADER_SIZE;
  let committedChain = seed;
  let commits = 0;
  let maxCheckpoint = 0;
  let stopReason: string | undefined;
  while (off < walEnd) {
    let p = ensure(off, 1);
    const type = buf[p]!;
    const size = type === FRAME_PAGE ? frameSize : type === FRAME_COMMIT ? COMMIT_FRAME_SIZE
      : type === FRAME_CHECKPOINT ? CHECKPOINT_FRAME_SIZE : 0;
    if (size === 0) { stopReason = `invalid frame type ${type} at offset ${off}`; break; }
    if (off + size > walEnd) { stopReason = `short frame at offset ${off}`; break; }
    p = ensure(off, size);
    const body = size - 8;
    if (checksums) {
      const next = crc32c(buf, p, p + body, chain);
      if (readU32(buf, p + body) !== next) { stopReason = `checksum mismatch at offset ${off}`; break; }
      chain = next;
    }
    const end = off + size;
    if (type === FRAME_PAGE) {
      const pageNo = readU32(buf, p + 1);
      if (pageNo === 0) throw walCorrupt(path, `PAGE frame at offset ${off} has page id 0`);
      pendingPages.push(pageNo);
      pendingOffsets.push(off + FRAME_HEADER_SIZE);
    } else if (type === FRAME_COMMIT) {
      for (let i = 0; i < pendingPages.length; i++) index.add(pendingPages[i]!, end, pendingOffsets[i]!);
      pendingPages.length = pendingOffsets.length = 0;
      committedEnd = end;
      committedChain = chain;
      commits++;
    } else {
      const lsn = readU64(buf, p + FRAME_HEADER_SIZE);
      const n = typeof lsn === 'number' ? lsn : Number.MAX_SAFE_INTEGER;
      if (n > committedEnd) throw walCorrupt(path, `checkpoint LSN ${n} beyond the last commit ${committedEnd}`);
      if (n > maxCheckpoint) maxCheckpoint = n;
      pendingPages.length = pendingOffsets.length = 0;
      committedEnd = end;
      committedChain = chain;
    }
    off = end;
  }
  return {
    salt: h.salt,
    checksums,
    endOffset: committedEnd,
    chain: committedChain,
    commits,
    discardedBytes: Math.max(0, Math.min(claimedEnd, walEnd) - committedEnd),
    stopReason,
  };
}
