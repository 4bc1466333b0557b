/**
 * NodeVfs: the Vfs over node:fs, synchronous calls only. `sync` is fsync by default or
 * fdatasync when asked (file size changes are then made durable by the next fsync or by
 * the WAL header write that follows them). Reached only from the Node entry point.
 */
import * as fs from 'node:fs';
import { DecentDBError, ioError } from '../util/index.js';
import type { OpenFlags, Vfs, VfsFile } from './vfs.js';

export interface NodeVfsOptions {
  /** 'fsync' (default) or 'fdatasync' for VfsFile.sync(). */
  readonly syncCall?: 'fsync' | 'fdatasync';
}

class NodeFile implements VfsFile {
  private fd: number;
  constructor(
    fd: number,
    private readonly path: string,
    private readonly useDatasync: boolean,
  ) {
    this.fd = fd;
  }

  read(buf: Uint8Array, offset: number): number {
    let total = 0;
    try {
      while (total < buf.length) {
        const n = fs.readSync(this.fd, buf, total, buf.length - total, offset + total);
        if (n === 0) break;
        total += n;
      }
    } catch (e) {
      throw ioError(`read failed: ${this.path}`, e, { path: this.path, offset });
    }
    if (total < buf.length) buf.fill(0, total);
    return total;
  }

  write(buf: Uint8Array, offset: number): void {
    let total = 0;
    try {
      while (total < buf.length) total += fs.writeSync(this.fd, buf, total, buf.length - total, offset + total);
    } catch (e) {
      throw ioError(`write failed: ${this.path}`, e, { path: this.path, offset });
    }
  }

  size(): number {
    try {
      return fs.fstatSync(this.fd).size;
    } catch (e) {
      throw ioError(`stat failed: ${this.path}`, e, { path: this.path });
    }
  }

  truncate(size: number): void {
    try {
      fs.ftruncateSync(this.fd, size);
    } catch (e) {
      throw ioError(`truncate failed: ${this.path}`, e, { path: this.path, size });
    }
  }

  sync(): void {
    try {
      if (this.useDatasync) fs.fdatasyncSync(this.fd);
      else fs.fsyncSync(this.fd);
    } catch (e) {
      throw ioError(`sync failed: ${this.path}`, e, { path: this.path });
    }
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch (e) {
      throw ioError(`close failed: ${this.path}`, e, { path: this.path });
    } finally {
      this.fd = -1;
    }
  }
}

export class NodeVfs implements Vfs {
  private readonly useDatasync: boolean;

  constructor(options: NodeVfsOptions = {}) {
    this.useDatasync = options.syncCall === 'fdatasync';
  }

  open(path: string, flags: OpenFlags): VfsFile {
    let mode: string;
    if (flags.readOnly) mode = 'r';
    else if (flags.mode === 'open') mode = 'r+';
    else if (flags.mode === 'create') mode = 'w+';
    else mode = fs.existsSync(path) ? 'r+' : 'w+';
    try {
      return new NodeFile(fs.openSync(path, mode), path, this.useDatasync);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT') throw new DecentDBError('ERR_IO', `no such file: ${path}`, { path }, { cause: e });
      throw ioError(`cannot open ${path}: ${code ?? String(e)}`, e, { path });
    }
  }

  delete(path: string): void {
    try {
      fs.rmSync(path, { force: true });
    } catch (e) {
      throw ioError(`cannot delete ${path}`, e, { path });
    }
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }
}
