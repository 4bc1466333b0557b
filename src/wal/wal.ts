/**
 * Wal: the `<db>-wal` log file — append (spill, commit), sync, index lookups, reset — and the
 * PageLog the Pager runs on (ADR-0001). Owns the file format and the in-memory index; knows
 * nothing of snapshots, readers or the main file (the Pager's checkpoint drives `checkpointPlan`,
 * `prune` and `reset`).
 *
 * Invariants:
 *  1. `committedEnd` ≤ `appendOffset`; frames in between are the writer's uncommitted spill.
 *  2. The header's end offset on disk equals `committedEnd` after every commit or reset.
 *  3. lsn = epochBase + end offset of the COMMIT frame; `reset` moves epochBase to the last
 *     commit LSN, so LSNs never decrease (ADR-0002).
 */
import { DecentDBError, ioError } from '../util/index.js';
import type { Vfs, VfsFile } from '../vfs/index.js';
import type { CheckpointPage, LogMark, LogVersion, PageLog } from '../pager/index.js';
import {
  COMMIT_FRAME_SIZE, FLAG_CHECKSUMS, FRAME_HEADER_SIZE, WAL_HEADER_SIZE, chainSeed,
  decodeWalHeader, encodeCommitFrame, encodePageFrame, encodeWalHeader, pageFrameSize,
} from './wal-format.js';
import { WalIndex } from './wal-index.js';
import { recoverWal, type RecoveryResult } from './wal-recovery.js';

const FRESH_SALT = 0x5eed0001;

export class Wal implements PageLog {
  readonly index = new WalIndex();
  readonly recovery: RecoveryResult;
  private readonly header = new Uint8Array(WAL_HEADER_SIZE);
  private readonly frameSize: number;
  private scratch: Uint8Array;
  private salt: number;
  private checksums: boolean;
  private epochBase = 0;
  private appendOffset: number;
  private appendChain: number;
  private committedEnd: number;
  private committedChain: number;
  lastCommitLsn: number;
  appendedBytes = 0;
  framesWritten = 0;
  syncs = 0;
  synced = true;

  private constructor(private readonly file: VfsFile, readonly path: string, readonly pageSize: number, fresh: boolean, damagedBytes = 0) {
    this.frameSize = pageFrameSize(pageSize);
    this.scratch = new Uint8Array(this.frameSize);
    if (fresh) {
      this.salt = FRESH_SALT;
      this.checksums = true;
      this.writeHeader(0);
      this.file.truncate(WAL_HEADER_SIZE);
      this.syncFile();
      this.recovery = {
        salt: this.salt, checksums: true, endOffset: WAL_HEADER_SIZE, chain: chainSeed(this.header),
        commits: 0, discardedBytes: damagedBytes, stopReason: damagedBytes > 0 ? 'the WAL was shorter than a valid header; started afresh' : undefined,
      };
    } else {
      this.recovery = recoverWal(file, path, pageSize, this.index);
      this.salt = this.recovery.salt;
      this.checksums = this.recovery.checksums;
      this.encodeHeader(this.recovery.endOffset);
    }
    this.committedEnd = this.appendOffset = this.recovery.endOffset;
    this.committedChain = this.appendChain = this.recovery.chain;
    this.lastCommitLsn = this.recovery.commits > 0 ? this.committedEnd : 0;
  }

  /** Opens (or creates) the log at `path` and recovers it; throws ERR_CORRUPTION on a damaged header. */
  static open(vfs: Vfs, path: string, pageSize: number): Wal {
    const file = vfs.open(path, { mode: 'openOrCreate' });
    try {
      // A WAL no longer than its header holds no frame, committed or not: a crash may have torn
      // the header while the WAL was being created or reset. Start it afresh rather than
      // refusing the database; nothing recoverable can be lost (test/crash-sql).
      const size = file.size();
      return holdsNoFrame(file) ? new Wal(file, path, pageSize, true, size) : new Wal(file, path, pageSize, false);
    } catch (e) {
      file.close();
      throw e;
    }
  }

  get sizeBytes(): number {
    return this.appendOffset;
  }

  get hasFrames(): boolean {
    return this.appendOffset > WAL_HEADER_SIZE;
  }

  get maxPageNo(): number {
    return this.index.maxPageNo;
  }

  find(pageNo: number, snapshotLsn: number): LogVersion | undefined {
    return this.index.find(pageNo, snapshotLsn);
  }

  readPayload(pageNo: number, offset: number, buf: Uint8Array): void {
    const n = this.file.read(buf, offset);
    if (n !== buf.length) {
      throw new DecentDBError('ERR_CORRUPTION', `page ${pageNo}: WAL frame at ${offset} lies beyond the end of ${this.path}`, { pageNo });
    }
  }

  mark(): LogMark {
    return { offset: this.appendOffset, chain: this.appendChain };
  }

  resetTo(mark: LogMark): void {
    this.appendOffset = mark.offset;
    this.appendChain = mark.chain;
  }

  /** Drops every uncommitted frame, shrinking the file back to the committed end. */
  rollback(): void {
    const spilled = this.appendOffset > this.committedEnd;
    this.appendOffset = this.committedEnd;
    this.appendChain = this.committedChain;
    if (spilled) this.io('truncate', () => this.file.truncate(this.committedEnd));
  }

  spill(pages: ReadonlyMap<number, Uint8Array>, offsets: number[]): void {
    const size = pages.size * this.frameSize;
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.max(size, this.scratch.length * 2));
    const buf = this.scratch;
    const at = this.appendOffset;
    let chain = this.appendChain;
    let p = 0;
    offsets.length = 0;
    for (const [pageNo, image] of pages) {
      chain = encodePageFrame(buf, p, pageNo, image, this.checksums, chain);
      offsets.push(at + p + FRAME_HEADER_SIZE);
      p += this.frameSize;
    }
    this.io('write', () => this.file.write(buf.subarray(0, size), at));
    this.appendOffset = at + size;
    this.appendChain = chain;
    this.appendedBytes += size;
    this.framesWritten += pages.size;
  }

  commit(pages: ReadonlyMap<number, Uint8Array>, spilled: ReadonlyMap<number, number>): number {
    const size = pages.size * this.frameSize + COMMIT_FRAME_SIZE;
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.max(size, this.scratch.length * 2));
    const buf = this.scratch;
    const at = this.appendOffset;
    let chain = this.appendChain;
    let p = 0;
    for (const [pageNo, image] of pages) {
      chain = encodePageFrame(buf, p, pageNo, image, this.checksums, chain);
      p += this.frameSize;
    }
    chain = encodeCommitFrame(buf, p, this.checksums, chain);
    const end = at + size;
    this.io('write', () => this.file.write(buf.subarray(0, size), at));
    this.writeHeader(end);
    const lsn = this.epochBase + end;
    for (const [pageNo, off] of spilled) if (!pages.has(pageNo)) this.index.add(pageNo, lsn, off);
    p = at + FRAME_HEADER_SIZE;
    for (const pageNo of pages.keys()) {
      this.index.add(pageNo, lsn, p);
      p += this.frameSize;
    }
    this.appendOffset = this.committedEnd = end;
    this.appendChain = this.committedChain = chain;
    this.lastCommitLsn = lsn;
    this.appendedBytes += size;
    this.framesWritten += pages.size + 1;
    this.synced = false;
    return lsn;
  }

  sync(): void {
    this.syncFile();
    this.synced = true;
  }

  checkpointPlan(safeLsn: number): CheckpointPage[] {
    return this.index.plan(safeLsn);
  }

  prune(plan: readonly CheckpointPage[]): void {
    this.index.prune(plan);
  }

  reset(): void {
    this.salt = (this.salt + 1) >>> 0;
    this.checksums = true;
    this.writeHeader(0);
    this.io('truncate', () => this.file.truncate(WAL_HEADER_SIZE));
    this.syncFile();
    this.synced = true;
    this.index.clear();
    this.epochBase = this.lastCommitLsn;
    this.appendOffset = this.committedEnd = WAL_HEADER_SIZE;
    this.appendChain = this.committedChain = chainSeed(this.header);
  }

  toOffsetLsn(lsn: number): number {
    return lsn > this.epochBase ? lsn - this.epochBase : 0;
  }

  close(): void {
    this.file.close();
  }

  private encodeHeader(end: number): void {
    encodeWalHeader({ pageSize: this.pageSize, endOffset: end, flags: this.checksums ? FLAG_CHECKSUMS : 0, salt: this.salt }, this.header);
  }

  private writeHeader(end: number): void {
    this.encodeHeader(end);
    this.io('write', () => this.file.write(this.header, 0));
  }

  private syncFile(): void {
    this.io('sync', () => this.file.sync());
    this.syncs++;
  }

  private io(op: string, f: () => void): void {
    try {
      f();
    } catch (e) {
      if (e instanceof DecentDBError) throw e;
      throw ioError(`WAL ${op} failed: ${this.path}`, e, { path: this.path });
    }
  }
}

/** True when the log cannot hold a frame: shorter than its header, or only an invalid header. */
function holdsNoFrame(file: VfsFile): boolean {
  const size = file.size();
  if (size < WAL_HEADER_SIZE) return true;
  if (size > WAL_HEADER_SIZE) return false;
  const header = new Uint8Array(WAL_HEADER_SIZE);
  file.read(header, 0);
  return typeof decodeWalHeader(header) === 'string';
}
