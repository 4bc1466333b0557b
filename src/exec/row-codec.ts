/**
 * Row ↔ bytes for the external sorter's spill files: a private, self-describing format (a tag
 * byte per value, by the value's JS representation, so it needs no types) written into one
 * reused scratch buffer (encodeView), not the native record format: spill files never outlive
 * the sort, so they need neither compression nor overflow chains, and must be cheap to write.
 */
import { DecentDBError, utf8Encoder } from '../util/index.js';
import { Decimal, Timestamp, decodeText } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { RowCodec } from './external-sort.js';

const T_NULL = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_NUMBER = 3;
const T_BIGINT = 4;
const T_TEXT = 5;
const T_BYTES = 6;
const T_DECIMAL = 7;
const T_TS_NUMBER = 8;
const T_TS_BIGINT = 9;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function spillError(message: string): DecentDBError {
  return new DecentDBError('ERR_IO', `external sort: spill record ${message}`);
}

// 8-byte numbers go through this scratch in host byte order on both sides: spill files live and
// die in one process.
const scratch = new Uint8Array(8);
const scratchF64 = new Float64Array(scratch.buffer);
const scratchI64 = new BigInt64Array(scratch.buffer);

/** Encodes rows into one growing scratch buffer; each result views it until the next call. */
class SpillEncoder {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  encode(row: readonly Value[]): Uint8Array {
    this.pos = 0;
    this.room(5);
    this.len(row.length);
    for (const v of row) this.value(v);
    return this.buf.subarray(0, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A length: one byte below 255, else 255 and a u32. */
  private len(n: number): void {
    if (n < 255) {
      this.buf[this.pos++] = n;
      return;
    }
    this.buf[this.pos] = 255;
    this.view.setUint32(this.pos + 1, n, true);
    this.pos += 5;
  }

  private bigint(tag: number, v: bigint): void {
    if (v < INT64_MIN || v > INT64_MAX) throw new DecentDBError('ERR_INTERNAL', `sort spill: integer ${v} is outside INT64`);
    scratchI64[0] = v;
    this.eight(tag);
  }

  /** A tag and the 8 bytes in `scratch`. */
  private eight(tag: number): void {
    this.room(9);
    const buf = this.buf;
    const p = this.pos;
    buf[p] = tag;
    for (let k = 0; k < 8; k++) buf[p + 1 + k] = scratch[k]!;
    this.pos = p + 9;
  }

  private value(v: Value): void {
    if (v === null) {
      this.room(1);
      this.buf[this.pos++] = T_NULL;
    } else if (typeof v === 'number') {
      scratchF64[0] = v;
      this.eight(T_NUMBER);
    } else if (typeof v === 'string') {
      this.text(v);
    } else if (typeof v === 'boolean') {
      this.room(1);
      this.buf[this.pos++] = v ? T_TRUE : T_FALSE;
    } else if (typeof v === 'bigint') {
      this.bigint(T_BIGINT, v);
    } else if (v instanceof Uint8Array) {
      this.room(6 + v.length);
      this.buf[this.pos++] = T_BYTES;
      this.len(v.length);
      this.buf.set(v, this.pos);
      this.pos += v.length;
    } else if (v instanceof Decimal) {
      const digits = v.unscaled.toString();
      this.room(7 + digits.length);
      this.buf[this.pos++] = T_DECIMAL;
      this.buf[this.pos++] = v.scale;
      this.text(digits);
    } else if (v instanceof Timestamp) {
      if (typeof v.micros === 'bigint') {
        this.bigint(T_TS_BIGINT, v.micros);
      } else {
        scratchF64[0] = v.micros;
        this.eight(T_TS_NUMBER);
      }
    } else {
      throw new DecentDBError('ERR_INTERNAL', 'sort spill: unknown value representation');
    }
  }

  /** Tag, length, UTF-8: ASCII by a byte loop, anything else through TextEncoder.encodeInto. */
  private text(s: string): void {
    const n = s.length;
    this.room(6 + 3 * n);
    this.buf[this.pos++] = T_TEXT;
    const buf = this.buf;
    const lenAt = this.pos;
    const start = lenAt + (n < 255 ? 1 : 5);
    let p = start;
    let i = 0;
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      buf[p++] = c;
    }
    let written = n;
    if (i < n) written = utf8Encoder.encodeInto(s, buf.subarray(start)).written;
    // The length field's width was chosen from the UTF-16 length: re-place if UTF-8 crossed 255.
    if (n < 255 && written >= 255) {
      buf.copyWithin(lenAt + 5, start, start + written);
      buf[lenAt] = 255;
      this.view.setUint32(lenAt + 1, written, true);
      this.pos = lenAt + 5 + written;
      return;
    }
    if (n < 255) buf[lenAt] = written;
    else {
      buf[lenAt] = 255;
      this.view.setUint32(lenAt + 1, written, true);
    }
    this.pos = start + written;
  }
}

/** Decodes one spill record; bounds every length against the record. */
class SpillDecoder {
  private b: Uint8Array = scratch;
  private pos = 0;
  private end = 0;

  decode(b: Uint8Array, start = 0, end = b.length): Value[] {
    this.b = b;
    this.pos = start;
    this.end = end;
    const count = this.len();
    if (count > this.end - this.pos) throw spillError(`claims ${count} values in ${this.end - this.pos} bytes`);
    const row = new Array<Value>(count);
    for (let i = 0; i < count; i++) row[i] = this.value();
    if (this.pos !== this.end) throw spillError('has trailing bytes');
    this.b = scratch;
    return row;
  }

  private need(n: number): void {
    if (n > this.end - this.pos) throw spillError('is truncated');
  }

  private len(): number {
    this.need(1);
    const x = this.b[this.pos++]!;
    if (x < 255) return x;
    this.need(4);
    const b = this.b;
    const p = this.pos;
    this.pos += 4;
    return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000;
  }

  private eight(): void {
    this.need(8);
    const b = this.b;
    const p = this.pos;
    for (let k = 0; k < 8; k++) scratch[k] = b[p + k]!;
    this.pos += 8;
  }

  private text(): string {
    const n = this.len();
    this.need(n);
    const s = decodeText(this.b, this.pos, this.pos + n);
    this.pos += n;
    return s;
  }

  private value(): Value {
    this.need(1);
    const tag = this.b[this.pos++]!;
    switch (tag) {
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_NUMBER:
        this.eight();
        return scratchF64[0]!;
      case T_TS_NUMBER:
        this.eight();
        return new Timestamp(scratchF64[0]!);
      case T_BIGINT:
        this.eight();
        return scratchI64[0]!;
      case T_TS_BIGINT:
        this.eight();
        return new Timestamp(scratchI64[0]!);
      case T_TEXT:
        return this.text();
      case T_BYTES: {
        const n = this.len();
        this.need(n);
        const v = this.b.slice(this.pos, this.pos + n);
        this.pos += n;
        return v;
      }
      case T_DECIMAL: {
        this.need(2);
        const scale = this.b[this.pos++]!;
        if (this.b[this.pos++] !== T_TEXT) throw spillError('has a malformed decimal');
        const digits = this.text();
        if (!/^-?[0-9]+$/.test(digits)) throw spillError('has a malformed decimal');
        return new Decimal(BigInt(digits), scale);
      }
      default:
        throw spillError(`has unknown tag ${tag}`);
    }
  }
}

/**
 * The spill codec for rows. `types` is accepted for compatibility and not needed: the format
 * is self-describing. `encode` returns a fresh copy; `encodeView` a view of the scratch buffer.
 */
export function rowCodec(_types?: readonly SqlType[]): RowCodec<Value[]> {
  const enc = new SpillEncoder();
  const dec = new SpillDecoder();
  return {
    encode: (row) => enc.encode(row).slice(),
    encodeView: (row) => enc.encode(row),
    decode: (bytes) => dec.decode(bytes),
    decodeAt: (buf, start, end) => dec.decode(buf, start, end),
  };
}

/** Rough in-memory size of a row, for the memory budget. */
export function rowBytes(row: readonly Value[]): number {
  let n = 16 + row.length * 8;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (typeof v === 'string') n += 16 + v.length * 2;
    else if (v instanceof Uint8Array) n += 32 + v.length;
    else if (typeof v === 'object' && v !== null) n += 32;
  }
  return n;
}
