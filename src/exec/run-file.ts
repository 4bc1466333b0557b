/**
 * Run files: length-prefixed records (`u32 length + encoded record`) written and read back
 * sequentially through one buffer each, on a temp file of a Vfs. The external sort's runs and
 * the hash operators' spill partitions use them. Deleting the files is the owner's job.
 */
import { DecentDBError, readU32, writeU32 } from '../util/index.js';
import type { VfsFile } from '../vfs/index.js';
import type { RowCodec } from './external-sort.js';

function runError(message: string): DecentDBError {
  return new DecentDBError('ERR_IO', `spill file: ${message}`);
}

/** Appends records to a run file through a buffer. */
export class RunWriter {
  private readonly buf: Uint8Array;
  private used = 0;
  private offset = 0;
  constructor(
    private readonly file: VfsFile,
    bufferBytes: number,
  ) {
    this.buf = new Uint8Array(bufferBytes);
  }
  write(record: Uint8Array): number {
    if (this.used + 4 > this.buf.length) this.flush();
    writeU32(this.buf, this.used, record.length);
    this.used += 4;
    if (this.used + record.length <= this.buf.length) {
      this.buf.set(record, this.used);
      this.used += record.length;
    } else {
      this.flush();
      this.file.write(record, this.offset);
      this.offset += record.length;
    }
    return 4 + record.length;
  }
  flush(): void {
    if (this.used === 0) return;
    this.file.write(this.buf.subarray(0, this.used), this.offset);
    this.offset += this.used;
    this.used = 0;
  }
}

/** Reads records back from a run file through a buffer; `current` is the decoded head row. */
export class RunReader<T> {
  private readonly buf: Uint8Array;
  private bufStart = 0; // file offset of buf[0]
  private bufLen = 0;
  private pos = 0; // file offset of the next record
  private readonly fileSize: number;
  /** Where `current`'s encoding lies: in `src` at [at, at + len). */
  private src: Uint8Array;
  private at = 0;
  private len = 0;
  current: T | undefined = undefined;
  constructor(
    readonly file: VfsFile,
    private readonly codec: RowCodec<T>,
    bufferBytes: number,
    readonly order: number,
  ) {
    this.buf = new Uint8Array(bufferBytes);
    this.src = this.buf;
    this.fileSize = file.size();
  }

  /** The encoded form of `current`; valid until the next call of next() on this reader. */
  get currentBytes(): Uint8Array {
    return this.src.subarray(this.at, this.at + this.len);
  }

  /** Advances to the next row; false at the end of the run. */
  next(): boolean {
    if (this.pos >= this.fileSize) {
      this.current = undefined;
      return false;
    }
    if (this.fileSize - this.pos < 4) throw runError(`run record header overruns the file at ${this.pos}`);
    const h = this.resident(this.pos, 4);
    const len = readU32(this.buf, h);
    if (len > this.fileSize - this.pos - 4) throw runError(`run record of ${len} bytes overruns the file at ${this.pos}`);
    if (len > this.buf.length) {
      const big = new Uint8Array(len);
      this.file.read(big, this.pos + 4);
      this.src = big;
      this.at = 0;
    } else {
      this.src = this.buf;
      this.at = this.resident(this.pos + 4, len);
    }
    this.len = len;
    const codec = this.codec;
    this.current = codec.decodeAt !== undefined ? codec.decodeAt(this.src, this.at, this.at + len) : codec.decode(this.src.subarray(this.at, this.at + len));
    this.pos += 4 + len;
    return true;
  }

  /** Makes file bytes [at, at + len) (len <= buffer size) resident; returns their offset in buf. */
  private resident(at: number, len: number): number {
    if (at < this.bufStart || at + len > this.bufStart + this.bufLen) {
      this.bufStart = at;
      this.bufLen = Math.min(this.buf.length, this.fileSize - at);
      this.file.read(this.buf.subarray(0, this.bufLen), at);
    }
    return at - this.bufStart;
  }
}

