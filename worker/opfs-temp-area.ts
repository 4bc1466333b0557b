/**
 * Temporary files multiplexed onto one OPFS sync access handle, for when OpfsVfs's spare
 * handles run out (sort runs, hash-spill partitions and Grace file pairs can need dozens at
 * once, and a handle can only be opened asynchronously). Each temporary file is a list of
 * fixed-size extents of the area's file, allocated on write and returned on truncate/delete;
 * the area's file is truncated to nothing once every extent is free. Not durable (sync is a
 * no-op): temporary files never outlive the engine's statement.
 */
import { ioError } from '../src/util/index.js';
import type { VfsFile } from '../src/vfs/index.js';
import { ClosableFile, isQuotaError, quotaError } from './dom-util.js';
import type { SyncAccessHandle } from './opfs-vfs.js';

export const TEMP_EXTENT_BYTES = 256 * 1024;

/** One temporary file's bytes: which extents of the area hold it, and its length. */
export interface TempData {
  readonly extents: number[];
  length: number;
}

export class TempArea {
  private readonly free: number[] = [];
  /** Extents the area's file holds (used or free). */
  private count = 0;
  private zero: Uint8Array | null = null;

  constructor(
    private readonly handle: SyncAccessHandle,
    /** Throws the quota error when the area may not grow by `bytes` (OpfsVfs.checkQuota). */
    private readonly checkQuota: (bytes: number, path: string) => void,
    readonly extentBytes = TEMP_EXTENT_BYTES,
  ) {}

  /** Bytes the area's file holds. */
  get sizeBytes(): number {
    return this.count * this.extentBytes;
  }

  /** A zero-filled extent for `path`. */
  allocate(path: string): number {
    const reused = this.free.pop();
    const e = reused ?? this.count;
    if (reused === undefined) this.checkQuota(this.extentBytes, path);
    this.zero ??= new Uint8Array(this.extentBytes);
    this.io('write', path, () => this.handle.write(this.zero!, { at: e * this.extentBytes }));
    if (reused === undefined) this.count++;
    return e;
  }

  /** Returns extents to the pool; empties the area's file once nothing is in use. */
  release(extents: readonly number[], path: string): void {
    for (const e of extents) this.free.push(e);
    if (this.free.length === this.count && this.count > 0) {
      this.io('truncate', path, () => this.handle.truncate(0));
      this.free.length = 0;
      this.count = 0;
    }
  }

  read(buf: Uint8Array, at: number, path: string): void {
    const n = this.io('read', path, () => this.handle.read(buf, { at }));
    if (n < buf.length) buf.fill(0, n);
  }

  write(buf: Uint8Array, at: number, path: string): void {
    const n = this.io('write', path, () => this.handle.write(buf, { at }));
    if (n !== buf.length) throw quotaError(path);
  }

  private io(op: string, path: string, f: () => number | void): number {
    try {
      return f() ?? 0;
    } catch (e) {
      throw isQuotaError(e) ? quotaError(path, e) : ioError(`${op} failed: temporary file ${path}`, e, { path });
    }
  }
}

/** A VfsFile over a TempData in a TempArea; VfsFiles of one path share its TempData. */
export class TempAreaFile extends ClosableFile implements VfsFile {
  constructor(private readonly area: TempArea, private readonly data: TempData, path: string) {
    super(path);
  }

  read(buf: Uint8Array, offset: number): number {
    this.check();
    const n = Math.max(0, Math.min(buf.length, this.data.length - offset));
    this.each(offset, n, (at, from, len) => this.area.read(buf.subarray(from, from + len), at, this.path));
    if (n < buf.length) buf.fill(0, n);
    return n;
  }

  write(buf: Uint8Array, offset: number): void {
    this.check();
    // Bytes between the old end and `offset` must read as zeros: fresh extents are zero-filled,
    // and the tail of the last old extent was zeroed by truncate (or never written).
    const end = offset + buf.length;
    this.reserve(end);
    this.each(offset, buf.length, (at, from, len) => this.area.write(buf.subarray(from, from + len), at, this.path));
    if (end > this.data.length) this.data.length = end;
  }

  size(): number {
    this.check();
    return this.data.length;
  }

  truncate(size: number): void {
    this.check();
    const d = this.data;
    if (size > d.length) {
      this.reserve(size);
    } else {
      const keep = Math.ceil(size / this.area.extentBytes);
      this.area.release(d.extents.splice(keep), this.path);
      // Zero the cut tail of the last kept extent so a later extension reads zeros there.
      const tail = size % this.area.extentBytes;
      if (tail !== 0 && d.length > size) {
        const last = d.extents[keep - 1]!; // keep >= 1 when tail != 0
        this.area.write(new Uint8Array(Math.min(this.area.extentBytes, d.length - (keep - 1) * this.area.extentBytes) - tail), last * this.area.extentBytes + tail, this.path);
      }
    }
    d.length = size;
  }

  sync(): void {
    this.check(); // temporary: nothing to make durable
  }

  /** Allocates the extents that bytes [0, end) need. */
  private reserve(end: number): void {
    const need = Math.ceil(end / this.area.extentBytes);
    while (this.data.extents.length < need) this.data.extents.push(this.area.allocate(this.path));
  }

  /** Calls `f(areaOffset, bufOffset, length)` for each extent-contiguous piece of [offset, offset + n). */
  private each(offset: number, n: number, f: (at: number, from: number, len: number) => void): void {
    const size = this.area.extentBytes;
    let done = 0;
    while (done < n) {
      const pos = offset + done;
      const inExtent = pos % size;
      const len = Math.min(n - done, size - inExtent);
      f(this.data.extents[Math.floor(pos / size)]! * size + inExtent, done, len);
      done += len;
    }
  }
}
