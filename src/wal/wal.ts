/**
 * Wal: the `<db>-wal` log file — append (spill, commit), rewrite of the writer's uncommitted
 * frames in place, sync, index lookups, reset — and the PageLog the Pager runs on (ADR-0001). Owns the file format and the in-memory index; knows
 * nothing of snapshots, readers or the main file (the Pager's checkpoint drives `checkpointPlan`,
 * `prune` and `reset`).
 *
 * Invariants:
 *  1. `committedEnd` ≤ `appendOffset`; frames in between are the writer's uncommitted spill,
 *     PAGE frames only, one `region` slot each.
 *  2. The header's end offset on disk equals `committedEnd` after every commit or reset.
 *  3. lsn = epochBase + end offset of the COMMIT frame; `reset` moves epochBase to the last
 *     commit LSN, so LSNs never decrease (ADR-0002).
 *  4. Only frames at or past `committedEnd` are ever rewritten. A rewrite breaks the chain
 *     after it on disk; a commit writes every stale trailer (spill-region.ts) before the frames
 *     and COMMIT frame it appends, so the COMMIT frame validates only over the frames it
 *     commits. Until then recovery cannot accept the rewritten run: no COMMIT follows it.
 */
import { DecentDBError, ioError, writeU32 } from '../util/index.js';
import type { Vfs, VfsFile } from '../vfs/index.js';
import type { CheckpointPage, LogMark, LogVersion, PageLog } from '../pager/index.js';
import {
  COMMIT_FRAME_SIZE, FLAG_CHECKSUMS, FRAME_HEADER_SIZE, FRAME_TRAILER_SIZE, WAL_HEADER_SIZE, chainSeed, chainShift,
  decodeWalHeader, encodeCommitFrame, encodePageFrameBody, encodeWalHeader, pageFrameSize, writeTrailer,
} from './wal-format.js';
import { SpillRegion } from './spill-region.js';
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
  private committedEnd: number;
  /** Largest append position since the last commit, rollback or reset (frames may lie below it). */
  private highWater: number;
  private readonly region: SpillRegion;
  /** Scratch-slot → region frame index, for the frames of one spill or commit. */
  private slots = new Int32Array(64);
  private readonly trailer = new Uint8Array(4);
  lastCommitLsn: number;
  appendedBytes = 0;
  framesWritten = 0;
  framesRewritten = 0;
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
    this.committedEnd = this.appendOffset = this.highWater = this.recovery.endOffset;
    this.region = new SpillRegion(this.frameSize, this.frameSize - FRAME_TRAILER_SIZE, chainShift);
    this.region.reset(this.recovery.chain);
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
    return { offset: this.appendOffset };
  }

  resetTo(mark: LogMark): void {
    const n = (mark.offset - this.committedEnd) / this.frameSize;
    if (!(Number.isInteger(n) && n >= 0 && n <= this.region.count)) {
      throw new DecentDBError('ERR_INTERNAL', `WAL mark ${mark.offset} is not a frame boundary of the uncommitted run [${this.committedEnd}, ${this.appendOffset}]`);
    }
    this.region.truncate(n);
    this.appendOffset = mark.offset;
  }

  /** Drops every uncommitted frame, shrinking the file back to the committed end. */
  rollback(): void {
    const spilled = this.highWater > this.committedEnd;
    this.appendOffset = this.highWater = this.committedEnd;
    this.region.truncate(0);
    if (spilled) this.io('truncate', () => this.file.truncate(this.committedEnd));
  }

  spill(pages: ReadonlyMap<number, Uint8Array>, offsets: number[]): void {
    const n = pages.size;
    if (offsets.length !== n) throw new DecentDBError('ERR_INTERNAL', `spill of ${n} pages got ${offsets.length} frame offsets`);
    let appends = 0;
    let k = 0;
    for (const pageNo of pages.keys()) {
      const off = offsets[k++]!;
      if (off < 0) appends++;
      else this.frameOf(pageNo, off);
    }
    const fs = this.frameSize;
    const buf = this.scratchFor(n * fs, n);
    const slots = this.slots;
    const region = this.region;
    const at = this.appendOffset;
    const base = region.count;
    // Scratch slots: appended frames first (one write), then rewritten ones in map order.
    let a = 0;
    let r = appends;
    k = 0;
    for (const [pageNo, image] of pages) {
      const off = offsets[k]!;
      let s: number;
      let i: number;
      if (off < 0) {
        s = a++;
        i = base + s;
        offsets[k] = at + s * fs + FRAME_HEADER_SIZE;
      } else {
        s = r++;
        i = this.frameOf(pageNo, off);
      }
      region.set(i, pageNo, encodePageFrameBody(buf, s * fs, pageNo, image, this.checksums));
      slots[s] = i;
      k++;
    }
    this.sealSlots(buf, 0, n, n);
    if (appends > 0) this.io('write', () => this.file.write(buf.subarray(0, appends * fs), at));
    this.writeRewrites(buf, appends, n, n);
    this.appendOffset = at + appends * fs;
    if (this.appendOffset > this.highWater) this.highWater = this.appendOffset;
    this.appendedBytes += appends * fs;
    this.framesWritten += n;
    this.framesRewritten += n - appends;
  }

  commit(pages: ReadonlyMap<number, Uint8Array>, spilled: ReadonlyMap<number, number>): number {
    const fs = this.frameSize;
    let appends = 0;
    for (const pageNo of pages.keys()) if (!spilled.has(pageNo)) appends++;
    for (const [pageNo, off] of spilled) this.frameOf(pageNo, off);
    const n = pages.size;
    // Scratch: appended frames, the COMMIT frame (one write), then frames rewritten in place.
    const buf = this.scratchFor(n * fs + COMMIT_FRAME_SIZE, n);
    const slots = this.slots;
    const region = this.region;
    const at = this.appendOffset;
    const base = region.count;
    let a = 0;
    let r = appends;
    for (const [pageNo, image] of pages) {
      const off = spilled.get(pageNo);
      const s = off === undefined ? a++ : r++;
      const i = off === undefined ? base + s : this.frameOf(pageNo, off);
      region.set(i, pageNo, encodePageFrameBody(buf, this.slotStart(s, appends), pageNo, image, this.checksums));
      slots[s] = i;
    }
    this.sealSlots(buf, 0, n, appends);
    const chain = encodeCommitFrame(buf, appends * fs, this.checksums, this.checksums ? region.chainAt(region.count - 1) : 0);
    const end = at + appends * fs + COMMIT_FRAME_SIZE;
    // Invariant 4: stale trailers, then rewritten frames, then the frames and COMMIT appended.
    if (this.checksums) region.staleTrailers(this.fixTrailer);
    this.writeRewrites(buf, appends, n, appends);
    this.io('write', () => this.file.write(buf.subarray(0, appends * fs + COMMIT_FRAME_SIZE), at));
    this.writeHeader(end);
    const lsn = this.epochBase + end;
    for (const [pageNo, off] of spilled) this.index.add(pageNo, lsn, off);
    let p = at + FRAME_HEADER_SIZE;
    for (const pageNo of pages.keys()) {
      if (spilled.has(pageNo)) continue;
      this.index.add(pageNo, lsn, p);
      p += fs;
    }
    this.appendOffset = this.committedEnd = this.highWater = end;
    region.reset(chain);
    this.lastCommitLsn = lsn;
    this.appendedBytes += appends * fs + COMMIT_FRAME_SIZE;
    this.framesWritten += n + 1;
    this.framesRewritten += n - appends;
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
    this.appendOffset = this.committedEnd = this.highWater = WAL_HEADER_SIZE;
    this.region.reset(chainSeed(this.header));
  }

  toOffsetLsn(lsn: number): number {
    return lsn > this.epochBase ? lsn - this.epochBase : 0;
  }

  close(): void {
    this.file.close();
  }

  /**
   * The region index of `pageNo`'s uncommitted frame with payload at `offset`; ERR_INTERNAL when
   * there is none (a rewrite must never land on a committed frame or another page's frame).
   */
  private frameOf(pageNo: number, offset: number): number {
    const i = this.region.indexOf(offset, this.committedEnd, FRAME_HEADER_SIZE);
    if (i < 0 || this.region.pageAt(i) !== pageNo) {
      throw new DecentDBError('ERR_INTERNAL', `page ${pageNo}: no uncommitted frame of it at WAL offset ${offset}`, { pageNo });
    }
    return i;
  }

  /** Byte offset of scratch slot `s` when a COMMIT frame follows slot `commitAfter` - 1 (none: pass the slot count). */
  private slotStart(s: number, commitAfter: number): number {
    return s * this.frameSize + (s >= commitAfter ? COMMIT_FRAME_SIZE : 0);
  }

  private scratchFor(size: number, frames: number): Uint8Array {
    if (this.scratch.length < size) this.scratch = new Uint8Array(Math.max(size, this.scratch.length * 2));
    if (this.slots.length < frames) this.slots = new Int32Array(Math.max(frames, this.slots.length * 2));
    return this.scratch;
  }

  /** Writes the trailers of scratch slots [from, to) from the region's chain values. */
  private sealSlots(buf: Uint8Array, from: number, to: number, commitAfter: number): void {
    const trailerAt = this.frameSize - FRAME_TRAILER_SIZE;
    for (let s = from; s < to; s++) {
      const i = this.slots[s]!;
      const chain = this.checksums ? this.region.chainAt(i) : 0;
      writeTrailer(buf, this.slotStart(s, commitAfter) + trailerAt, chain);
      this.region.wrote(i, chain);
    }
  }

  /** Writes scratch slots [from, to) over their frames, one write per run of adjacent frames. */
  private writeRewrites(buf: Uint8Array, from: number, to: number, commitAfter: number): void {
    const fs = this.frameSize;
    let s = from;
    while (s < to) {
      let e = s + 1;
      while (e < to && this.slots[e] === this.slots[e - 1]! + 1) e++;
      const start = this.slotStart(s, commitAfter);
      const chunk = buf.subarray(start, start + (e - s) * fs);
      const at = this.committedEnd + this.slots[s]! * fs;
      this.io('write', () => this.file.write(chunk, at));
      s = e;
    }
  }

  private readonly fixTrailer = (i: number, chain: number): void => {
    writeU32(this.trailer, 0, chain);
    const at = this.committedEnd + i * this.frameSize + this.frameSize - FRAME_TRAILER_SIZE;
    this.io('write', () => this.file.write(this.trailer, at));
  };

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
