/**
 * A Vfs held in memory: the test double for every layer above, and the backing store of
 * in-memory databases. Files survive close/reopen within one MemoryVfs instance.
 */
import { DecentDBError, ioError } from '../util/index.js';
import type { OpenFlags, Vfs, VfsFile } from './vfs.js';

class MemoryFileData {
  bytes = new Uint8Array(0);
  length = 0;
}

class MemoryFile implements VfsFile {
  private closed = false;
  constructor(private readonly data: MemoryFileData, private readonly path: string) {}

  read(buf: Uint8Array, offset: number): number {
    this.check();
    const d = this.data;
    const n = Math.max(0, Math.min(buf.length, d.length - offset));
    if (n > 0) buf.set(d.bytes.subarray(offset, offset + n));
    if (n < buf.length) buf.fill(0, n);
    return n;
  }

  write(buf: Uint8Array, offset: number): void {
    this.check();
    const d = this.data;
    const end = offset + buf.length;
    if (end > d.bytes.length) {
      let cap = Math.max(4096, d.bytes.length * 2);
      while (cap < end) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(d.bytes.subarray(0, d.length));
      d.bytes = next;
    }
    d.bytes.set(buf, offset);
    if (end > d.length) d.length = end;
  }

  size(): number {
    this.check();
    return this.data.length;
  }

  truncate(size: number): void {
    this.check();
    const d = this.data;
    if (size < d.length) d.bytes.fill(0, size, d.length);
    else if (size > d.bytes.length) {
      const next = new Uint8Array(size);
      next.set(d.bytes.subarray(0, d.length));
      d.bytes = next;
    }
    d.length = size;
  }

  sync(): void {
    this.check();
  }

  close(): void {
    this.closed = true;
  }

  private check(): void {
    if (this.closed) throw ioError(`file is closed: ${this.path}`);
  }
}

export class MemoryVfs implements Vfs {
  private readonly files = new Map<string, MemoryFileData>();

  open(path: string, flags: OpenFlags): VfsFile {
    let data = this.files.get(path);
    if (data === undefined) {
      if (flags.mode === 'open') throw new DecentDBError('ERR_IO', `no such file: ${path}`, { path });
      data = new MemoryFileData();
      this.files.set(path, data);
    } else if (flags.mode === 'create') {
      data.bytes = new Uint8Array(0);
      data.length = 0;
    }
    return new MemoryFile(data, path);
  }

  delete(path: string): void {
    this.files.delete(path);
  }

  exists(path: string): boolean {
    return this.files.has(path);
  }

  /** A copy of a file's bytes (tests, export). */
  snapshot(path: string): Uint8Array | undefined {
    const d = this.files.get(path);
    return d === undefined ? undefined : d.bytes.slice(0, d.length);
  }
}
