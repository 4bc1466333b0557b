/**
 * Native B+Tree keys derived from values (spec/native-format.md §1.9, §1.10): rowid ↔ key for
 * integer primary keys, `indexKeyFromValue` for secondary indexes (native ordering quirks
 * kept: negatives and floats misorder, TEXT/BLOB keep an 8-byte prefix, composites hash), and
 * the index entry value (rowid, plus the full TEXT/BLOB for single-column indexes). Ordering
 * beyond the native rules is not attempted here.
 */
import { crc32c, corrupt, readU64, u64FromBigInt, utf8Encoder, writeU64, ByteReader } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { SqlType, Value } from './value.js';

const TWO_64 = 2n ** 64n;
const f64 = new DataView(new ArrayBuffer(8));
const keyScratch = new Uint8Array(8);

/** The u64 key of a signed 64-bit rowid (two's complement: negatives sort after positives). */
export function rowidToKey(rowid: number | bigint): U64 {
  if (typeof rowid === 'number') return rowid >= 0 ? rowid : u64FromBigInt(TWO_64 + BigInt(rowid));
  return u64FromBigInt(rowid >= 0n ? rowid : TWO_64 + rowid);
}

/** The signed rowid of a u64 key (inverse of rowidToKey); number when safe. */
export function keyToRowid(key: U64): number | bigint {
  if (typeof key === 'number') return key;
  const v = key >= 2n ** 63n ? key - TWO_64 : key;
  return v >= -9007199254740991n && v <= 9007199254740991n ? Number(v) : v;
}

function prefixKey(bytes: Uint8Array): U64 {
  // First ≤ 8 bytes, big-endian, zero-padded on the right.
  let hi = 0;
  let lo = 0;
  for (let i = 0; i < 8; i++) {
    const b = i < bytes.length ? bytes[i]! : 0;
    if (i < 4) hi = hi * 256 + b;
    else lo = lo * 256 + b;
  }
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/**
 * The native secondary-index key of one value: INT64 two's-complement bits, BOOL 0/1, FLOAT64
 * raw IEEE-754 bits, TEXT/BLOB first 8 bytes big-endian zero-padded, anything else 0.
 *
 * @example indexKeyFromValue('Alice', { base: 'TEXT' }) // 0x416C696365000000n
 */
export function indexKeyFromValue(value: Value, type: SqlType): U64 {
  if (value === null || value === undefined) return 0;
  switch (type.base) {
    case 'INT64':
      return typeof value === 'number' || typeof value === 'bigint' ? rowidToKey(value) : 0;
    case 'BOOL':
      return value === true ? 1 : 0;
    case 'FLOAT64': {
      if (typeof value !== 'number' && typeof value !== 'bigint') return 0;
      f64.setFloat64(0, Number(value), true);
      const lo = f64.getUint32(0, true);
      const hi = f64.getUint32(4, true);
      return hi < 0x200000 ? hi * 0x100000000 + lo : (BigInt(hi) << 32n) | BigInt(lo);
    }
    case 'TEXT':
      // 9 code units always cover the first 8 UTF-8 bytes without splitting a surrogate pair.
      return typeof value === 'string' ? prefixKey(utf8Encoder.encode(value.length > 9 ? value.slice(0, 9) : value)) : 0;
    case 'BLOB':
    case 'UUID':
      return value instanceof Uint8Array ? prefixKey(value) : 0;
    default:
      return 0;
  }
}

/** Key of a composite (≥ 2 column) index: CRC-32C over each column's key as 8 bytes LE. */
export function compositeIndexKey(values: readonly Value[], types: readonly SqlType[]): number {
  let crc = 0;
  for (let i = 0; i < values.length; i++) {
    writeU64(keyScratch, 0, indexKeyFromValue(values[i]!, types[i]!));
    crc = crc32c(keyScratch, 0, 8, crc);
  }
  return crc;
}

/** Key of an index over `types.length` columns (single: the value's key, else the hash). */
export function indexKey(values: readonly Value[], types: readonly SqlType[]): U64 {
  return types.length === 1 ? indexKeyFromValue(values[0]!, types[0]!) : compositeIndexKey(values, types);
}

/** True when entries of this index carry the full value (single-column TEXT/BLOB/UUID). */
export function indexEntryHasValue(types: readonly SqlType[]): boolean {
  if (types.length !== 1) return false;
  const b = types[0]!.base;
  return b === 'TEXT' || b === 'BLOB' || b === 'UUID';
}

/**
 * An index entry value: `rowid u64 LE`, or for single-column TEXT/BLOB indexes
 * `varint(len) + bytes + rowid u64 LE`. Pass `value` exactly when indexEntryHasValue.
 */
export function encodeIndexEntry(rowid: number | bigint, value?: string | Uint8Array): Uint8Array {
  const key = rowidToKey(rowid);
  if (value === undefined) {
    const out = new Uint8Array(8);
    writeU64(out, 0, key);
    return out;
  }
  const bytes = typeof value === 'string' ? utf8Encoder.encode(value) : value;
  let n = bytes.length;
  let lenSize = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    lenSize++;
  }
  const out = new Uint8Array(lenSize + bytes.length + 8);
  let pos = 0;
  n = bytes.length;
  while (n >= 128) {
    out[pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  out.set(bytes, pos);
  writeU64(out, pos + bytes.length, key);
  return out;
}

let entryScratch = new Uint8Array(64);

/**
 * encodeIndexEntry into a buffer shared by every call: the result is a view, valid only until
 * the next encodeIndexEntryView call. For callers that consume it at once (a B+Tree insert
 * copies it; a delete compares it): no allocation per entry.
 */
export function encodeIndexEntryView(rowid: number | bigint, value?: string | Uint8Array): Uint8Array {
  const key = rowidToKey(rowid);
  if (value === undefined) {
    writeU64(entryScratch, 0, key);
    return entryScratch.subarray(0, 8);
  }
  // ≤ 5000 UTF-16 units: at most 15 000 UTF-8 bytes, so the length varint takes ≤ 2 bytes.
  if (typeof value === 'string' && value.length <= 5000) {
    // Room for a 2-byte length, the UTF-8 bytes (≤ 3 per UTF-16 unit) and the rowid.
    const need = value.length * 3 + 10;
    if (need > entryScratch.length) entryScratch = new Uint8Array(Math.max(need, entryScratch.length * 2));
    // Encode the text after a 2-byte length slot; move it left when the length takes 1 byte.
    const n = utf8Encoder.encodeInto(value, entryScratch.subarray(2)).written;
    let pos = 0;
    if (n < 128) {
      entryScratch.copyWithin(1, 2, 2 + n);
      entryScratch[pos++] = n;
    } else {
      entryScratch[pos++] = (n % 128) | 0x80;
      entryScratch[pos++] = Math.floor(n / 128);
    }
    writeU64(entryScratch, pos + n, key);
    return entryScratch.subarray(0, pos + n + 8);
  }
  return encodeIndexEntry(rowid, value);
}

const entryReader = new ByteReader();

/** Decoded index entry: the row it points to and, for TEXT/BLOB indexes, the value bytes. */
export interface IndexEntry {
  readonly rowid: number | bigint;
  readonly value: Uint8Array | undefined;
}

/** Decodes an index entry written by encodeIndexEntry (`hasValue` per indexEntryHasValue). */
export function decodeIndexEntry(bytes: Uint8Array, hasValue: boolean, pageNo = 0): IndexEntry {
  if (!hasValue) {
    if (bytes.length !== 8) throw corrupt(pageNo, `index entry of ${bytes.length} bytes`);
    return { rowid: keyToRowid(readU64(bytes, 0)), value: undefined };
  }
  const r = entryReader.reset(bytes, 0, bytes.length, pageNo);
  const len = r.smallVarint(r.remaining, 'index entry length');
  const value = r.bytes(len).slice();
  if (r.remaining !== 8) throw corrupt(pageNo, `index entry ends with ${r.remaining} bytes, not a rowid`);
  return { rowid: keyToRowid(readU64(bytes, r.pos)), value };
}

/** The rowid of an index entry without copying the value. */
export function indexEntryRowid(bytes: Uint8Array, pageNo = 0): number | bigint {
  if (bytes.length < 8) throw corrupt(pageNo, `index entry of ${bytes.length} bytes`);
  return keyToRowid(readU64(bytes, bytes.length - 8));
}
