/**
 * A copy-on-write Vfs for tools that must never change a database (inspect, export, the
 * shell's .schema): files are read from the base Vfs, every write, truncate or delete lands
 * in memory and is forgotten on close. Lets the Pager open a file and replay its WAL (which
 * may want to create `-wal` or repair a header) without touching the disk.
 */
import { DecentDBError } from '../util/index.js';
import type { OpenFlags, Vfs, VfsFile } from '../vfs/index.js';

const BLOCK = 4096;

class OverlayFile implements VfsFile {
  private readonly blocks = new Map<number, Uint8Array>();
  private length: number;
  /** Base bytes at or beyond this offset are gone (truncated away). */
  private baseLimit: number;

  constructor(private readonly base: VfsFile | null) {
    this.length = base === null ? 0 : base.size();
    this.baseLimit = this.length;
  }

  /** Reads base bytes [pos, pos+len) into dst, zeros where the base has none. */
  private readBase(dst: Uint8Array, pos: number): void {
    const base = this.base;
    const avail = base === null ? 0 : Math.max(0, Math.min(dst.length, this.baseLimit - pos));
    if (avail > 0 && base !== null) base.read(dst.subarray(0, avail), pos);
    if (avail < dst.length) dst.fill(0, avail);
  }

  read(buf: Uint8Array, offset: number): number {
    const n = Math.max(0, Math.min(buf.length, this.length - offset));
    if (this.blocks.size === 0) {
      if (n > 0) this.readBase(buf.subarray(0, n), offset);
    } else {
      for (let done = 0; done < n; ) {
        const pos = offset + done;
        const b = Math.floor(pos / BLOCK);
        const within = pos - b * BLOCK;
        const take = Math.min(BLOCK - within, n - done);
        const block = this.blocks.get(b);
        if (block !== undefined) buf.set(block.subarray(within, within + take), done);
        else this.readBase(buf.subarray(done, done + take), pos);
        done += take;
      }
    }
    if (n < buf.length) buf.fill(0, n);
    return n;
  }

  write(buf: Uint8Array, offset: number): void {
    for (let done = 0; done < buf.length; ) {
      const pos = offset + done;
      const b = Math.floor(pos / BLOCK);
      const within = pos - b * BLOCK;
      const take = Math.min(BLOCK - within, buf.length - done);
      let block = this.blocks.get(b);
      if (block === undefined) {
        block = new Uint8Array(BLOCK);
        const start = b * BLOCK;
        this.readBase(block, start);
        this.blocks.set(b, block);
      }
      block.set(buf.subarray(done, done + take), within);
      done += take;
    }
    this.length = Math.max(this.length, offset + buf.length);
  }

  size(): number {
    return this.length;
  }

  truncate(size: number): void {
    if (size < this.length) {
      for (const b of [...this.blocks.keys()]) if (b * BLOCK >= size) this.blocks.delete(b);
      this.blocks.get(Math.floor(size / BLOCK))?.fill(0, size % BLOCK);
      // Base bytes past `size` must read as zero if the file grows again.
      this.baseLimit = Math.min(this.baseLimit, size);
    }
    this.length = size;
  }

  sync(): void {}

  close(): void {
    this.base?.close();
  }
}

/**
 * @example
 * const ro = new OverlayVfs(new NodeVfs());
 * const pager = openPager(ro, 'app.ddb', { mode: 'open', checkpointOnClose: false });
 */
export class OverlayVfs implements Vfs {
  private readonly deleted = new Set<string>();

  constructor(private readonly base: Vfs) {}

  open(path: string, flags: OpenFlags): VfsFile {
    const exists = this.exists(path);
    if (!exists && flags.mode === 'open') throw new DecentDBError('ERR_IO', `cannot open ${path}: no such file`, { path });
    if (!exists || flags.mode === 'create') return new OverlayFile(null);
    return new OverlayFile(this.base.open(path, { mode: 'open', readOnly: true }));
  }

  delete(path: string): void {
    this.deleted.add(path);
  }

  exists(path: string): boolean {
    return !this.deleted.has(path) && this.base.exists(path);
  }
}
