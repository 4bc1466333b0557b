/**
 * CRC-32C (Castagnoli): reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF.
 * Used by the header checksum, catalog keys, composite index keys and WAL frame trailers
 * (spec/native-format.md §1.2, §1.3). Slicing-by-16 over aligned 32-bit words for long inputs
 * (WAL frames: recovery is CRC-bound, ADR-0002), slicing-by-8 over bytes for short ones.
 */

/**
 * 16 tables of 256 entries as Int32Array: V8 keeps int32 values unboxed, whereas Uint32Array
 * elements above 2^31 become doubles in the xor chain (measured ~2× slower).
 */
const TABLES: Int32Array = (() => {
  const t = new Int32Array(16 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n]!;
    for (let s = 1; s < 16; s++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
})();

/** Word reads assume little-endian memory; elsewhere every input takes the byte path. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes the word path's alignment and view set-up do not pay. */
const WORD_PATH_MIN = 64;

/** A 32-bit view of the last ArrayBuffer seen, so chained per-frame calls allocate nothing. */
let words: Int32Array = new Int32Array(0);
let wordsOf: ArrayBufferLike | null = null;

function wordView(buffer: ArrayBufferLike): Int32Array {
  if (wordsOf !== buffer || words.length !== buffer.byteLength >> 2) {
    words = new Int32Array(buffer, 0, buffer.byteLength >> 2);
    wordsOf = buffer;
  }
  return words;
}

/**
 * Continues a CRC-32C over `buf[start, end)`. Pass the previous result as `crc` to chain;
 * start a fresh checksum with `crc32c(buf)`.
 */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  const t = TABLES;
  let c = ~crc | 0;
  let i = start;
  if (LITTLE_ENDIAN && end - i >= WORD_PATH_MIN) {
    const base = buf.byteOffset;
    while (((base + i) & 3) !== 0) c = t[(c ^ buf[i++]!) & 0xff]! ^ (c >>> 8);
    const w = wordView(buf.buffer);
    let j = (base + i) >> 2;
    const blocks = (end - i) >> 4;
    const stop = j + blocks * 4;
    for (; j < stop; j += 4) {
      const a = c ^ w[j]!;
      const b = w[j + 1]!;
      const d = w[j + 2]!;
      const e = w[j + 3]!;
      c =
        t[3840 + (a & 0xff)]! ^ t[3584 + ((a >>> 8) & 0xff)]! ^ t[3328 + ((a >>> 16) & 0xff)]! ^ t[3072 + (a >>> 24)]! ^
        t[2816 + (b & 0xff)]! ^ t[2560 + ((b >>> 8) & 0xff)]! ^ t[2304 + ((b >>> 16) & 0xff)]! ^ t[2048 + (b >>> 24)]! ^
        t[1792 + (d & 0xff)]! ^ t[1536 + ((d >>> 8) & 0xff)]! ^ t[1280 + ((d >>> 16) & 0xff)]! ^ t[1024 + (d >>> 24)]! ^
        t[768 + (e & 0xff)]! ^ t[512 + ((e >>> 8) & 0xff)]! ^ t[256 + ((e >>> 16) & 0xff)]! ^ t[e >>> 24]!;
    }
    i += blocks * 16;
  }
  while (end - i >= 8) {
    const a = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    c =
      t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^ t[1024 + (a >>> 24)]! ^
      t[768 + buf[i + 4]!]! ^ t[512 + buf[i + 5]!]! ^ t[256 + buf[i + 6]!]! ^ t[buf[i + 7]!]!;
    i += 8;
  }
  while (i < end) c = t[(c ^ buf[i++]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const utf8 = new TextEncoder();

/** CRC-32C of a string's UTF-8 bytes (catalog keys hash `table:<name>` and friends). */
export function crc32cString(s: string): number {
  return crc32c(utf8.encode(s));
}
