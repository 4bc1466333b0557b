/**
 * Row encoding for bulkLoad: the native record (spec/native-format.md §1.7) written into one
 * reusable buffer, no allocation per row, for rows whose values take the plain kinds (NULL,
 * INT64 with the compact 0/1 kinds, BOOL, FLOAT64, TEXT of at most 127 UTF-8 bytes, DECIMAL,
 * TIMESTAMP). Any other row (long TEXT, which may compress or overflow, BLOB, UUID, huge
 * integers, a value of the wrong type) goes through record's encodeRecord: same bytes, same errors.
 */
import { putVarint, varintSize, zigzagEncode } from '../util/index.js';
import { Decimal, KIND, Timestamp, encodeRecord, type OverflowWriter, type SqlType, type Value } from '../record/index.js';

/**
 * TEXT written here: at most this many UTF-16 units and UTF-8 bytes. Up to 127 bytes the
 * length varint is one byte and the value is never compressed (record-codec compresses only
 * above COMPRESS_MIN_BYTES = 128), so the bytes equal encodeRecord's; longer text goes there.
 */
const FAST_TEXT_MAX = 127;
/** Worst case of a fast-path field: kind, one-byte length, FAST_TEXT_MAX units of 3 UTF-8 bytes. */
const FAST_FIELD_MAX = 2 + FAST_TEXT_MAX * 3;
/** Integers inside ±2^52 zigzag-encode to a safe number. */
const SMALL_INT = 2 ** 52;

const C_INT64 = 1;
const C_TEXT = 2;
const C_DECIMAL = 3;
const C_FLOAT64 = 4;
const C_BOOL = 5;
const C_TIMESTAMP = 6;
const C_OTHER = 0;
const CODE: Readonly<Record<string, number>> = { INT64: C_INT64, TEXT: C_TEXT, DECIMAL: C_DECIMAL, FLOAT64: C_FLOAT64, BOOL: C_BOOL, TIMESTAMP: C_TIMESTAMP };

const DECIMAL_MEMO_MAX = 256;

const f64 = new DataView(new ArrayBuffer(8));
const f64Bytes = new Uint8Array(f64.buffer);
const utf8 = new TextEncoder();

/** Encodes rows of one table; `bytes[0, length)` holds the last row encoded. */
export class RecordScratch {
  /** Sized for the fast path's worst case at once: growing it later is a path the JIT has not seen. */
  bytes: Uint8Array;
  length = 0;
  /** Per column: its type as a small code (a switch on numbers compiles to a jump table). */
  private readonly codes: Uint8Array;
  /**
   * Per column: field bytes of DECIMAL values by identity (bulk-load's cast memo hands out one
   * instance per distinct input, and loads repeat prices; Decimal is immutable), at most DECIMAL_MEMO_MAX.
   */
  private readonly decimals: Map<Decimal, Uint8Array>[];
  /** The DECIMAL value written last (any column) and its field bytes. */
  private lastDecimal: Decimal | null = null;
  private lastField: Uint8Array = new Uint8Array(0);

  constructor(private readonly types: readonly SqlType[]) {
    this.bytes = new Uint8Array(8 + types.length * FAST_FIELD_MAX);
    this.codes = Uint8Array.from(types, (t) => CODE[t.base] ?? C_OTHER);
    this.decimals = types.map(() => new Map<Decimal, Uint8Array>());
  }

  encode(row: readonly Value[], overflow: OverflowWriter): void {
    if (!this.encodeFast(row)) this.encodeSlow(row, overflow);
  }

  private encodeSlow(row: readonly Value[], overflow: OverflowWriter): void {
    const out = encodeRecord(row, this.types, overflow);
    if (out.length > this.bytes.length) this.bytes = new Uint8Array(Math.max(out.length, 2 * this.bytes.length));
    this.bytes.set(out);
    this.length = out.length;
  }

  /** Writes the record when every value takes a plain kind; false (nothing defined) otherwise. */
  private encodeFast(row: readonly Value[]): boolean {
    const n = row.length;
    if (n !== this.codes.length) return false;
    // Worst case per field: kind + 1-byte length + the UTF-8 room of the longest fast text.
    if (this.bytes.length < 8 + n * FAST_FIELD_MAX) this.bytes = new Uint8Array(8 + n * FAST_FIELD_MAX);
    const b = this.bytes;
    let pos = n < 128 ? ((b[0] = n), 1) : putVarint(b, 0, n);
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) {
        b[pos++] = KIND.NULL;
        b[pos++] = 0;
        continue;
      }
      switch (this.codes[i]) {
        case C_INT64: {
          if (typeof v !== 'number' || !Number.isInteger(v) || v <= -SMALL_INT || v >= SMALL_INT) return false;
          if (v === 0 || v === 1) {
            b[pos++] = v === 0 ? KIND.INT64_ZERO : KIND.INT64_ONE;
            b[pos++] = 0;
            break;
          }
          pos = putZigzag(b, pos, KIND.INT64, v);
          break;
        }
        case C_TEXT: {
          if (typeof v !== 'string' || v.length > FAST_TEXT_MAX) return false;
          b[pos] = KIND.TEXT;
          const at = pos + 2;
          let len = v.length;
          for (let c = 0; c < len; c++) {
            const ch = v.charCodeAt(c);
            if (ch >= 0x80) {
              len = utf8.encodeInto(v, b.subarray(at, at + FAST_TEXT_MAX * 3)).written;
              if (len > FAST_TEXT_MAX) return false;
              break;
            }
            b[at + c] = ch;
          }
          b[pos + 1] = len;
          pos = at + len;
          break;
        }
        case C_DECIMAL: {
          if (!(v instanceof Decimal)) return false;
          let field: Uint8Array | undefined;
          // Loads repeat a price row after row: the previous row's instance needs no lookup.
          if (v === this.lastDecimal) field = this.lastField;
          else {
            const memo = this.decimals[i]!;
            field = memo.get(v);
            if (field === undefined) {
              field = decimalField(v);
              if (field === undefined) return false;
              if (memo.size < DECIMAL_MEMO_MAX) memo.set(v, field);
            }
            this.lastDecimal = v;
            this.lastField = field;
          }
          for (let k = 0; k < field.length; k++) b[pos++] = field[k]!;
          break;
        }
        default:
          // The rarer kinds apart: a smaller loop body compiles sooner and cheaper.
          pos = putOther(b, pos, this.codes[i]!, v);
          if (pos < 0) return false;
      }
    }
    this.length = pos;
    return true;
  }
}

/** A FLOAT64, BOOL or TIMESTAMP field at `pos`; the end, or -1 for a value encodeRecord must judge. */
function putOther(b: Uint8Array, pos: number, code: number, v: Value): number {
  switch (code) {
    case C_FLOAT64:
      if (typeof v !== 'number') return -1;
      f64.setFloat64(0, v, true);
      b[pos++] = KIND.FLOAT64;
      b[pos++] = 8;
      for (let k = 0; k < 8; k++) b[pos++] = f64Bytes[k]!;
      return pos;
    case C_BOOL:
      if (typeof v !== 'boolean') return -1;
      b[pos++] = v ? KIND.BOOL_TRUE : KIND.BOOL_FALSE;
      b[pos++] = 0;
      return pos;
    case C_TIMESTAMP: {
      if (!(v instanceof Timestamp)) return -1;
      const m = v.micros;
      if (typeof m !== 'number' || !Number.isInteger(m) || m <= -SMALL_INT || m >= SMALL_INT) return -1;
      return putZigzag(b, pos, KIND.TIMESTAMP, m);
    }
    default:
      return -1;
  }
}

/** kind, varint(payload length), varint(zigzag v) for |v| < 2^52. */
function putZigzag(b: Uint8Array, pos: number, kind: number, v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1;
  b[pos++] = kind;
  if (z < 0x80000000) {
    // Below 2^31 (most integers): shifts, not the float division the general loop needs.
    const start = pos + 1;
    let p = start;
    while (z >= 128) {
      b[p++] = (z & 0x7f) | 0x80;
      z >>>= 7;
    }
    b[p++] = z;
    b[pos] = p - start;
    return p;
  }
  const lenAt = pos++;
  const start = pos;
  while (z >= 128) {
    b[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  b[pos++] = z;
  b[lenAt] = pos - start;
  return pos;
}

/** The DECIMAL field (kind 12, length, scale u8, varint zigzag unscaled), or undefined when encodeRecord must judge it. */
function decimalField(v: Decimal): Uint8Array | undefined {
  const u = v.unscaled;
  if (v.scale < 0 || v.scale > 255 || u <= -(2n ** 52n) || u >= 2n ** 52n) return undefined;
  const z = zigzagEncode(Number(u));
  const size = varintSize(z);
  const out = new Uint8Array(3 + size);
  out[0] = KIND.DECIMAL;
  out[1] = 1 + size;
  out[2] = v.scale;
  putVarint(out, 3, z);
  return out;
}
