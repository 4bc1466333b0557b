/**
 * The native record codec (spec/native-format.md §1.7): `varint field_count`, then per field
 * `kind u8, varint payload_len, payload`. Writes with the native policy (compact kinds 13–16,
 * zlib above 128 bytes kept when < 90 %, record-value overflow above pageSize − 128) and reads
 * every kind 0–17. It does not know column names or page layout; chains go through
 * OverflowWriter/OverflowReader.
 *
 *   kind  payload                         kind  payload
 *    0    NULL, empty                      9    BLOB zlib stream
 *    1    INT64 varint(zigzag)            10    TEXT zlib, in a chain: [head u32][len u32]
 *    2    BOOL 1 byte (legacy)            11    BLOB zlib, in a chain
 *    3    FLOAT64 8 bytes LE              12    DECIMAL: scale u8, varint(zigzag unscaled)
 *    4/5  TEXT/BLOB raw                   13/14 BOOL false/true, empty
 *    6/7  TEXT/BLOB chain [head][len]     15/16 INT64 0/1, empty
 *    8    TEXT zlib stream (78 9C …)      17    TIMESTAMP varint(zigzag µs)
 */
import { unzlibSync, zlibSync } from 'fflate';
import {
  ByteReader,
  ByteWriter,
  DecentDBError,
  corrupt,
  readU32,
  utf8Decoder,
  utf8Encoder,
  varintSize,
  zigzagDecode,
  zigzagEncode,
} from '../util/index.js';
import type { OverflowReader, OverflowWriter } from './overflow.js';
import { Decimal, Timestamp } from './value.js';
import type { SqlType, Value } from './value.js';

export const KIND = {
  NULL: 0,
  INT64: 1,
  BOOL: 2,
  FLOAT64: 3,
  TEXT: 4,
  BLOB: 5,
  TEXT_OVERFLOW: 6,
  BLOB_OVERFLOW: 7,
  TEXT_COMPRESSED: 8,
  BLOB_COMPRESSED: 9,
  TEXT_COMPRESSED_OVERFLOW: 10,
  BLOB_COMPRESSED_OVERFLOW: 11,
  DECIMAL: 12,
  BOOL_FALSE: 13,
  BOOL_TRUE: 14,
  INT64_ZERO: 15,
  INT64_ONE: 16,
  TIMESTAMP: 17,
} as const;
export type RecordKind = (typeof KIND)[keyof typeof KIND];
export const MAX_KIND = 17;

/** TEXT/BLOB payloads longer than this are offered to zlib (ADR-0048). */
export const COMPRESS_MIN_BYTES = 128;
/** Bytes of a page left for the rest of the record: longer payloads go to a chain. */
export const OVERFLOW_RESERVE_BYTES = 128;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export interface RecordEncodeOptions {
  /**
   * The zlib (RFC 1950) compressor. Default: fflate `zlibSync` at level 6. Its streams are
   * valid but not always byte-identical to the native engine's zlib; Node callers wanting
   * identical bytes may pass `node:zlib`'s deflateSync.
   */
  readonly deflate?: (bytes: Uint8Array) => Uint8Array;
}

const defaultDeflate = (bytes: Uint8Array): Uint8Array => zlibSync(bytes, { level: 6 });

const scratch = new ByteWriter(256);
const f64 = new DataView(new ArrayBuffer(8));
const f64Bytes = new Uint8Array(f64.buffer);

function typeError(i: number, type: SqlType, v: Value): DecentDBError {
  const shown = typeof v === 'bigint' ? `${v}n` : typeof v;
  return new DecentDBError('ERR_INTERNAL', `record field ${i}: ${shown} is not a ${type.base} value`);
}

function putEmpty(w: ByteWriter, kind: number): void {
  w.u8(kind);
  w.u8(0);
}

function putInt64(w: ByteWriter, v: number | bigint, kind: number): void {
  if (typeof v === 'number' && v > -0x40000000 && v < 0x40000000) {
    // |v| < 2^30: zigzag < 2^31, so the varint fits 32-bit bit operations and ≤ 5 bytes
    // (its length then takes 1 byte). Same bytes as the general path below.
    const z = v >= 0 ? v * 2 : -v * 2 - 1;
    w.ensure(7);
    const b = w.buf;
    let p = w.pos;
    b[p++] = kind;
    const lenAt = p++;
    const start = p;
    let x = z;
    while (x >= 128) {
      b[p++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    b[p++] = x;
    b[lenAt] = p - start;
    w.pos = p;
    return;
  }
  const z = zigzagEncode(v);
  w.u8(kind);
  w.varint(varintSize(z));
  w.varint(z);
}

function putBytes(w: ByteWriter, bytes: Uint8Array, text: boolean, overflow: OverflowWriter, deflate: (b: Uint8Array) => Uint8Array): void {
  let payload = bytes;
  let compressed = false;
  if (bytes.length > COMPRESS_MIN_BYTES) {
    const c = deflate(bytes);
    // Kept only when smaller than 90 % of the original (integer form of c < 0.9 * n).
    if (c.length * 10 < bytes.length * 9) {
      payload = c;
      compressed = true;
    }
  }
  if (payload.length > overflow.pageSize - OVERFLOW_RESERVE_BYTES) {
    const head = overflow.write(payload);
    w.u8(text ? (compressed ? KIND.TEXT_COMPRESSED_OVERFLOW : KIND.TEXT_OVERFLOW) : compressed ? KIND.BLOB_COMPRESSED_OVERFLOW : KIND.BLOB_OVERFLOW);
    w.u8(8);
    w.u32(head);
    w.u32(payload.length);
    return;
  }
  w.u8(text ? (compressed ? KIND.TEXT_COMPRESSED : KIND.TEXT) : compressed ? KIND.BLOB_COMPRESSED : KIND.BLOB);
  w.varint(payload.length);
  w.bytes(payload);
}

/** Strings this short encode to ≤ 126 UTF-8 bytes: never compressed, one-byte length. */
const SHORT_TEXT_CHARS = 42;

function putShortText(w: ByteWriter, v: string): void {
  w.ensure(2 + SHORT_TEXT_CHARS * 3);
  const b = w.buf;
  const at = w.pos;
  b[at] = KIND.TEXT;
  const n = utf8Encoder.encodeInto(v, b.subarray(at + 2, at + 2 + SHORT_TEXT_CHARS * 3)).written;
  b[at + 1] = n;
  w.pos = at + 2 + n;
}

function checkInt64(i: number, type: SqlType, v: Value): number | bigint {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v;
    if (Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63) return BigInt(v);
  } else if (typeof v === 'bigint' && v >= INT64_MIN && v <= INT64_MAX) {
    return v;
  }
  throw typeError(i, type, v);
}

function putField(w: ByteWriter, i: number, v: Value, type: SqlType, overflow: OverflowWriter, deflate: (b: Uint8Array) => Uint8Array): void {
  if (v === null || v === undefined) {
    putEmpty(w, KIND.NULL);
    return;
  }
  switch (type.base) {
    case 'INT64': {
      const n = checkInt64(i, type, v);
      if (n === 0 || n === 0n) putEmpty(w, KIND.INT64_ZERO);
      else if (n === 1 || n === 1n) putEmpty(w, KIND.INT64_ONE);
      else putInt64(w, n, KIND.INT64);
      return;
    }
    case 'BOOL':
      if (typeof v !== 'boolean') throw typeError(i, type, v);
      putEmpty(w, v ? KIND.BOOL_TRUE : KIND.BOOL_FALSE);
      return;
    case 'FLOAT64':
      if (typeof v !== 'number' && typeof v !== 'bigint') throw typeError(i, type, v);
      f64.setFloat64(0, Number(v), true);
      w.u8(KIND.FLOAT64);
      w.u8(8);
      w.bytes(f64Bytes);
      return;
    case 'TEXT':
      if (typeof v !== 'string') throw typeError(i, type, v);
      if (v.length <= SHORT_TEXT_CHARS) putShortText(w, v);
      else putBytes(w, utf8Encoder.encode(v), true, overflow, deflate);
      return;
    case 'BLOB':
    case 'UUID':
      if (!(v instanceof Uint8Array)) throw typeError(i, type, v);
      putBytes(w, v, false, overflow, deflate);
      return;
    case 'DECIMAL': {
      if (!(v instanceof Decimal) || v.scale < 0 || v.scale > 255 || v.unscaled < INT64_MIN || v.unscaled > INT64_MAX) throw typeError(i, type, v);
      const u = v.unscaled;
      const z = zigzagEncode(u >= -MAX_SAFE && u <= MAX_SAFE ? Number(u) : u);
      w.u8(KIND.DECIMAL);
      w.varint(1 + varintSize(z));
      w.u8(v.scale);
      w.varint(z);
      return;
    }
    case 'TIMESTAMP':
      if (!(v instanceof Timestamp)) throw typeError(i, type, v);
      putInt64(w, checkInt64(i, type, v.micros), KIND.TIMESTAMP);
      return;
  }
}

/**
 * Encodes one row (or catalog record) with the native writer policy. `types[i]` says how
 * `values[i]` is stored; NULL is kind 0 for every type. Returns a fresh array.
 *
 * @example encodeRecord([1, 'a'], [{ base: 'INT64' }, { base: 'TEXT' }], inlineOnly())
 *   // → 02 10 00 04 01 61
 */
export function encodeRecord(values: readonly Value[], types: readonly SqlType[], overflow: OverflowWriter, options?: RecordEncodeOptions): Uint8Array {
  const w = encodeIntoScratch(values, types, overflow, options);
  const out = w.finish();
  if (w.buf.length > 65536) scratch.buf = new Uint8Array(256);
  return out;
}

/**
 * encodeRecord into a buffer shared by every call: the result is a view, valid only until the
 * next encodeRecord/encodeRecordView call. For a caller that copies it at once (a B+Tree
 * insert or update copies the value into the page): no allocation per row.
 */
export function encodeRecordView(values: readonly Value[], types: readonly SqlType[], overflow: OverflowWriter, options?: RecordEncodeOptions): Uint8Array {
  const w = encodeIntoScratch(values, types, overflow, options);
  const out = w.buf.subarray(0, w.pos);
  // A huge record's buffer is dropped for the next call (the view keeps it alive meanwhile).
  if (w.buf.length > 65536) scratch.buf = new Uint8Array(256);
  return out;
}

function encodeIntoScratch(values: readonly Value[], types: readonly SqlType[], overflow: OverflowWriter, options: RecordEncodeOptions | undefined): ByteWriter {
  if (values.length !== types.length) {
    throw new DecentDBError('ERR_INTERNAL', `record has ${values.length} values but ${types.length} types`);
  }
  const deflate = options?.deflate ?? defaultDeflate;
  const w = scratch.reset();
  w.varint(values.length);
  for (let i = 0; i < values.length; i++) putField(w, i, values[i]!, types[i]!, overflow, deflate);
  return w;
}

// ---------------------------------------------------------------------------------------
// Decoding

const payloadReader = new ByteReader();

function inflate(bytes: Uint8Array, pageNo: number): Uint8Array {
  try {
    return unzlibSync(bytes);
  } catch (e) {
    throw new DecentDBError('ERR_CORRUPTION', `page ${pageNo}: bad zlib stream in record`, { pageNo }, { cause: e });
  }
}

/**
 * Longest TEXT payload decoded by shortText. Measured in Node 20 on title-like ASCII: at ~26
 * bytes shortText takes 77 ns and allocates only the string (~47 B), TextDecoder 91 ns and
 * ~143 B (the subarray view besides the string); at ~42 bytes TextDecoder is faster.
 */
const SHORT_TEXT = 32;
/** Char-code arrays by length, reused: fromCharCode.apply takes exactly `length` arguments. */
const codeArrays: number[][] = Array.from({ length: SHORT_TEXT + 1 }, (_, n) => new Array<number>(n).fill(0));

/**
 * ASCII fast path for short strings: one string built from the bytes' codes, no view and no
 * intermediate strings (TextDecoder's per-call cost and its subarray dominate short values).
 */
function shortText(buf: Uint8Array, start: number, end: number): string {
  const codes = codeArrays[end - start]!;
  for (let i = start, j = 0; i < end; i++, j++) {
    const c = buf[i]!;
    if (c >= 0x80) return utf8Decoder.decode(buf.subarray(start, end));
    codes[j] = c;
  }
  return String.fromCharCode.apply(null, codes);
}

/** UTF-8 `buf[start, end)` as a string: short ASCII by shortText, else TextDecoder. */
export function decodeText(buf: Uint8Array, start: number, end: number): string {
  return end - start <= SHORT_TEXT ? shortText(buf, start, end) : utf8Decoder.decode(buf.subarray(start, end));
}

function readInt(buf: Uint8Array, start: number, end: number, pageNo: number): number | bigint {
  const v = payloadReader.reset(buf, start, end, pageNo).varint();
  return zigzagDecode(v);
}

function readChain(buf: Uint8Array, start: number, end: number, overflow: OverflowReader, pageNo: number): Uint8Array {
  if (end - start !== 8) throw corrupt(pageNo, `overflow reference of ${end - start} bytes`);
  const head = readU32(buf, start);
  const len = readU32(buf, start + 4);
  if (head === 0) throw corrupt(pageNo, 'overflow reference to page 0');
  const bytes = overflow.read(head, len);
  if (bytes.length !== len) throw corrupt(head, `overflow chain holds ${bytes.length} bytes, record says ${len}`);
  return bytes;
}

/** Decodes one field's payload `buf[start, end)` of the given kind. */
export function decodeFieldValue(kind: number, buf: Uint8Array, start: number, end: number, overflow: OverflowReader | null, pageNo = 0): Value {
  switch (kind) {
    case KIND.NULL:
      return null;
    case KIND.INT64:
      return readInt(buf, start, end, pageNo);
    case KIND.BOOL:
      if (end - start !== 1) throw corrupt(pageNo, `BOOL field of ${end - start} bytes`);
      return buf[start] !== 0;
    case KIND.FLOAT64:
      if (end - start !== 8) throw corrupt(pageNo, `FLOAT64 field of ${end - start} bytes`);
      f64Bytes.set(buf.subarray(start, end));
      return f64.getFloat64(0, true);
    case KIND.TEXT:
      return decodeText(buf, start, end);
    case KIND.BLOB:
      return buf.slice(start, end);
    case KIND.TEXT_COMPRESSED:
      return utf8Decoder.decode(inflate(buf.subarray(start, end), pageNo));
    case KIND.BLOB_COMPRESSED:
      return inflate(buf.subarray(start, end), pageNo);
    case KIND.TEXT_OVERFLOW:
    case KIND.BLOB_OVERFLOW:
    case KIND.TEXT_COMPRESSED_OVERFLOW:
    case KIND.BLOB_COMPRESSED_OVERFLOW: {
      if (overflow === null) throw new DecentDBError('ERR_INTERNAL', `record overflow kind ${kind} read without an overflow reader`);
      let bytes = readChain(buf, start, end, overflow, pageNo);
      if (kind >= KIND.TEXT_COMPRESSED_OVERFLOW) bytes = inflate(bytes, pageNo);
      if (kind === KIND.TEXT_OVERFLOW || kind === KIND.TEXT_COMPRESSED_OVERFLOW) return utf8Decoder.decode(bytes);
      return kind === KIND.BLOB_OVERFLOW ? bytes.slice() : bytes;
    }
    case KIND.DECIMAL: {
      if (end - start < 2) throw corrupt(pageNo, `DECIMAL field of ${end - start} bytes`);
      const u = readInt(buf, start + 1, end, pageNo);
      return new Decimal(BigInt(u), buf[start]!);
    }
    case KIND.BOOL_FALSE:
      return false;
    case KIND.BOOL_TRUE:
      return true;
    case KIND.INT64_ZERO:
      return 0;
    case KIND.INT64_ONE:
      return 1;
    case KIND.TIMESTAMP:
      return new Timestamp(readInt(buf, start, end, pageNo));
    default:
      throw corrupt(pageNo, `unknown record kind ${kind}`);
  }
}

/**
 * Walks a record's fields without decoding them: `next()` moves to the following field and
 * exposes its kind and payload bounds; `value()` decodes the current one. Reuse one reader
 * (`reset`) per scan: walking allocates nothing.
 */
export class RecordReader {
  private readonly r = new ByteReader();
  fieldCount = 0;
  /** Index of the current field; -1 before the first `next()`. */
  index = -1;
  kind = 0;
  payloadStart = 0;
  payloadEnd = 0;

  reset(bytes: Uint8Array, pageNo = 0): this {
    return this.resetAt(bytes, 0, bytes.length, pageNo);
  }

  /** Starts on the record at `bytes[start, end)` (a value inside a page image, no view). */
  resetAt(bytes: Uint8Array, start: number, end: number, pageNo = 0): this {
    const r = this.r.reset(bytes, start, end, pageNo);
    // Every field takes at least two bytes, which bounds the count before any allocation.
    this.fieldCount = r.smallVarint(end - start, 'record field count');
    this.index = -1;
    this.kind = 0;
    this.payloadStart = this.payloadEnd = r.pos;
    return this;
  }

  get bytes(): Uint8Array {
    return this.r.buf;
  }

  get pageNo(): number {
    return this.r.pageNo;
  }

  /** Moves to the next field; false after the last one. */
  next(): boolean {
    if (this.index + 1 >= this.fieldCount) {
      this.index = this.fieldCount;
      return false;
    }
    const r = this.r;
    this.index++;
    const buf = r.buf;
    const pos = r.pos;
    // Fast path: a one-byte length (fields under 128 bytes), in bounds.
    if (pos + 1 < r.end) {
      const k = buf[pos]!;
      const n = buf[pos + 1]!;
      if (k <= MAX_KIND && n < 0x80 && pos + 2 + n <= r.end) {
        this.kind = k;
        this.payloadStart = pos + 2;
        r.pos = this.payloadEnd = pos + 2 + n;
        return true;
      }
    }
    const kind = r.u8();
    if (kind > MAX_KIND) throw corrupt(r.pageNo, `unknown record kind ${kind} in field ${this.index}`);
    const len = r.smallVarint(r.remaining, 'record field length');
    if (len > r.remaining) throw corrupt(r.pageNo, `record field ${this.index} runs ${len - r.remaining} bytes past the record`);
    this.kind = kind;
    this.payloadStart = r.pos;
    this.payloadEnd = r.pos + len;
    r.pos = this.payloadEnd;
    return true;
  }

  /** Moves forward to field `i` (must not be behind the current one); false if absent. */
  seek(i: number): boolean {
    while (this.index < i) if (!this.next()) return false;
    return this.index === i;
  }

  /**
   * resetAt(bytes, start, end) then seek(field), with the walk done inline while the count and
   * the lengths are one-byte varints (short fields: most rows); anything else, including
   * absent fields and malformed bytes, takes the checked path.
   */
  fieldAt(bytes: Uint8Array, start: number, end: number, field: number): boolean {
    const count = bytes[start]!;
    if (start < end && field < count && count < 0x80 && count <= end - start - 1) {
      let p = start + 1;
      for (let f = 0; ; f++) {
        if (p + 1 >= end) break;
        const kind = bytes[p]!;
        const len = bytes[p + 1]!;
        if (kind > MAX_KIND || len >= 0x80 || p + 2 + len > end) break;
        if (f === field) {
          this.r.reset(bytes, p + 2 + len, end);
          this.fieldCount = count;
          this.index = f;
          this.kind = kind;
          this.payloadStart = p + 2;
          this.payloadEnd = p + 2 + len;
          return true;
        }
        p += 2 + len;
      }
    }
    return this.resetAt(bytes, start, end).seek(field);
  }

  /** The current field's value. */
  value(overflow: OverflowReader | null): Value {
    return decodeFieldValue(this.kind, this.r.buf, this.payloadStart, this.payloadEnd, overflow, this.r.pageNo);
  }

  /** The current field's raw payload (a view). */
  payload(): Uint8Array {
    return this.r.buf.subarray(this.payloadStart, this.payloadEnd);
  }
}

const shared = new RecordReader();

/**
 * Decodes every field of a record into `out` (reused when given). `pageNo` only labels
 * ERR_CORRUPTION messages.
 */
export function decodeRecord(bytes: Uint8Array, overflow: OverflowReader | null, out?: Value[], pageNo = 0): Value[] {
  return decodeRecordAt(bytes, 0, bytes.length, overflow, out, pageNo);
}

/** decodeRecord of the record at `bytes[start, end)`. */
export function decodeRecordAt(bytes: Uint8Array, start: number, end: number, overflow: OverflowReader | null, out?: Value[], pageNo = 0): Value[] {
  const rr = shared.resetAt(bytes, start, end, pageNo);
  // Sized at creation: growing `length` of an empty array is a slow runtime call per row.
  if (out === undefined) out = new Array<Value>(rr.fieldCount);
  else if (out.length !== rr.fieldCount) out.length = rr.fieldCount;
  while (rr.next()) out[rr.index] = rr.value(overflow);
  return out;
}

/** Decodes field `i` only (fields before it are skipped, not decoded); undefined if absent. */
export function decodeField(bytes: Uint8Array, i: number, overflow: OverflowReader | null, pageNo = 0): Value | undefined {
  const rr = shared.reset(bytes, pageNo);
  return rr.seek(i) ? rr.value(overflow) : undefined;
}

/**
 * Decodes the fields at ascending positions `fields` into `out[0..]`; absent ones are
 * undefined.
 */
export function decodeFields(bytes: Uint8Array, fields: readonly number[], overflow: OverflowReader | null, out: (Value | undefined)[] = [], pageNo = 0): (Value | undefined)[] {
  return decodeFieldsAt(bytes, 0, bytes.length, fields, overflow, out, pageNo);
}

/** decodeFields of the record at `bytes[start, end)`. */
export function decodeFieldsAt(
  bytes: Uint8Array,
  start: number,
  end: number,
  fields: readonly number[],
  overflow: OverflowReader | null,
  out: (Value | undefined)[] = [],
  pageNo = 0,
): (Value | undefined)[] {
  const rr = shared.resetAt(bytes, start, end, pageNo);
  if (out.length !== fields.length) out.length = fields.length; // a runtime call even when equal
  for (let j = 0; j < fields.length; j++) out[j] = rr.seek(fields[j]!) ? rr.value(overflow) : undefined;
  return out;
}

/** Number of fields in a record. */
export function recordFieldCount(bytes: Uint8Array, pageNo = 0): number {
  return shared.reset(bytes, pageNo).fieldCount;
}

/** Every field's kind number, in order (tools and tests). */
export function recordKinds(bytes: Uint8Array, pageNo = 0): number[] {
  const rr = shared.reset(bytes, pageNo);
  const kinds: number[] = [];
  while (rr.next()) kinds.push(rr.kind);
  return kinds;
}

/** Every field's kind and raw payload (copied), in order. */
export function decodeRecordRaw(bytes: Uint8Array, pageNo = 0): { kind: number; payload: Uint8Array }[] {
  const rr = shared.reset(bytes, pageNo);
  const fields: { kind: number; payload: Uint8Array }[] = [];
  while (rr.next()) fields.push({ kind: rr.kind, payload: rr.payload().slice() });
  return fields;
}

/** True for kinds 6, 7, 10, 11, whose value lives in a record-value overflow chain. */
export const isOverflowKind = (kind: number): boolean =>
  kind === KIND.TEXT_OVERFLOW || kind === KIND.BLOB_OVERFLOW || kind === KIND.TEXT_COMPRESSED_OVERFLOW || kind === KIND.BLOB_COMPRESSED_OVERFLOW;

/** Head pages of the record-value overflow chains a record owns (free them with the row). */
export function recordOverflowHeads(bytes: Uint8Array, pageNo = 0): number[] {
  const rr = shared.reset(bytes, pageNo);
  const heads: number[] = [];
  while (rr.next()) {
    if (!isOverflowKind(rr.kind)) continue;
    if (rr.payloadEnd - rr.payloadStart !== 8) throw corrupt(pageNo, `overflow reference of ${rr.payloadEnd - rr.payloadStart} bytes`);
    heads.push(readU32(rr.bytes, rr.payloadStart));
  }
  return heads;
}
