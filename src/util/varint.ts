/**
 * Unsigned LEB128 varints (7 data bits per byte, low group first, at most 10 bytes) and
 * zigzag (spec/native-format.md §1.3), plus a reusable ByteReader and a growable ByteWriter.
 *
 * u64 values follow the Key convention: a `number` when <= Number.MAX_SAFE_INTEGER, else a
 * `bigint`. Small values never allocate. Malformed input throws ERR_CORRUPTION naming the
 * page (the reader's `pageNo`, 0 when not reading a page).
 */
import { corrupt } from './errors.js';

/** An unsigned 64-bit integer: number when safe, bigint above 2^53 - 1 (canonical form). */
export type U64 = number | bigint;

const TWO_POW_53 = 2 ** 53;

/** Canonical form of a u64 given as bigint. */
export const u64FromBigInt = (v: bigint): U64 => (v <= 9007199254740991n ? Number(v) : v);

export function varintSize(v: U64): number {
  if (typeof v === 'number') {
    let n = 1;
    while (v >= 128) {
      v = Math.floor(v / 128);
      n++;
    }
    return n;
  }
  let n = 1;
  while (v >= 128n) {
    v >>= 7n;
    n++;
  }
  return n;
}

/** Writes `v` at `buf[pos]`; returns the position after it. */
export function putVarint(buf: Uint8Array, pos: number, v: U64): number {
  if (typeof v === 'number') {
    while (v >= 128) {
      buf[pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 128n) {
    buf[pos++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[pos++] = Number(v);
  return pos;
}

/** zigzag(n) for a signed 64-bit integer given as number (safe) or bigint. */
export function zigzagEncode(n: number | bigint): U64 {
  if (typeof n === 'number' && n >= -(2 ** 52) && n < 2 ** 52) return n >= 0 ? n * 2 : -n * 2 - 1;
  const b = BigInt(n);
  return u64FromBigInt(b >= 0n ? b << 1n : ((-b) << 1n) - 1n);
}

/** Inverse of zigzagEncode: a signed value, number when safe, else bigint. */
export function zigzagDecode(u: U64): number | bigint {
  if (typeof u === 'number') return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  const v = (u & 1n) === 0n ? u >> 1n : -((u + 1n) >> 1n);
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

/**
 * A cursor over bytes. Reuse one instance per decoder (`reset`) so decoding allocates
 * nothing per value.
 */
export class ByteReader {
  buf: Uint8Array;
  pos: number;
  end: number;
  pageNo: number;

  constructor(buf: Uint8Array = new Uint8Array(0), pos = 0, end = buf.length, pageNo = 0) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.pageNo = pageNo;
  }

  reset(buf: Uint8Array, pos = 0, end = buf.length, pageNo = 0): this {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.pageNo = pageNo;
    return this;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** A u64 varint as number|bigint (see U64). */
  varint(): U64 {
    const buf = this.buf;
    let pos = this.pos;
    const end = this.end;
    let result = 0;
    let mul = 1;
    // Up to 7 bytes (49 bits) accumulate exactly in a double.
    for (let i = 0; i < 7; i++) {
      if (pos >= end) throw corrupt(this.pageNo, 'truncated varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
      mul *= 128;
    }
    let big = BigInt(result);
    let shift = 49n;
    for (let i = 7; i < 10; i++) {
      if (pos >= end) throw corrupt(this.pageNo, 'truncated varint');
      const b = buf[pos++]!;
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        if (big > 0xffffffffffffffffn) throw corrupt(this.pageNo, 'varint exceeds 64 bits');
        return u64FromBigInt(big);
      }
      shift += 7n;
    }
    throw corrupt(this.pageNo, 'varint longer than 10 bytes');
  }

  /** A varint that must be a safe integer no larger than `max` (lengths, counts, page ids). */
  smallVarint(max = Number.MAX_SAFE_INTEGER, what = 'value'): number {
    const v = this.varint();
    if (typeof v !== 'number' || v > max) throw corrupt(this.pageNo, `${what} out of range: ${v}`);
    return v;
  }

  u8(): number {
    if (this.pos >= this.end) throw corrupt(this.pageNo, 'unexpected end of data');
    return this.buf[this.pos++]!;
  }

  u32(): number {
    if (this.pos + 4 > this.end) throw corrupt(this.pageNo, 'unexpected end of data');
    const b = this.buf;
    const o = this.pos;
    this.pos = o + 4;
    return (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
  }

  /** A view of the next `n` bytes (no copy). */
  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) throw corrupt(this.pageNo, `length ${n} runs past the end of data`);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) throw corrupt(this.pageNo, `length ${n} runs past the end of data`);
    this.pos += n;
  }
}

/** A growable output buffer. `reset()` and reuse it; `finish()` copies the written bytes. */
export class ByteWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
  }

  reset(): this {
    this.pos = 0;
    return this;
  }

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  u32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const o = this.pos;
    b[o] = v & 0xff;
    b[o + 1] = (v >>> 8) & 0xff;
    b[o + 2] = (v >>> 16) & 0xff;
    b[o + 3] = (v >>> 24) & 0xff;
    this.pos = o + 4;
  }

  varint(v: U64): void {
    this.ensure(10);
    this.pos = putVarint(this.buf, this.pos, v);
  }

  bytes(src: Uint8Array): void {
    this.ensure(src.length);
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  /** The bytes written so far, as a view (valid until the next write or reset). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

export { TWO_POW_53 };
