/**
 * Little-endian field access on page buffers without DataView allocation, shared UTF-8
 * codecs and hex. Hot paths (page decode, record decode) use these directly.
 */

export const utf8Encoder = new TextEncoder();
export const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

export const readU16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
export const readU32 = (b: Uint8Array, o: number): number =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

export function writeU16(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
}

export function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}

/** Reads a u64 as a number when it is a safe integer, else as a bigint (the Key convention). */
export function readU64(b: Uint8Array, o: number): number | bigint {
  const lo = readU32(b, o);
  const hi = readU32(b, o + 4);
  if (hi < 0x200000) return hi * 0x100000000 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Writes a u64 given as a non-negative number or bigint below 2^64. */
export function writeU64(b: Uint8Array, o: number, v: number | bigint): void {
  if (typeof v === 'number') {
    writeU32(b, o, v >>> 0);
    writeU32(b, o + 4, Math.floor(v / 0x100000000) >>> 0);
  } else {
    writeU32(b, o, Number(v & 0xffffffffn));
    writeU32(b, o + 4, Number((v >> 32n) & 0xffffffffn));
  }
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i]! < 16 ? '0' : '') + b[i]!.toString(16);
  return s;
}

export function fromHex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Lexicographic unsigned byte comparison: negative, zero or positive. */
/** compareBytes of `a[start, end)` (a field inside a page image, no view) and `b`. */
export function compareBytesAt(a: Uint8Array, start: number, end: number, b: Uint8Array): number {
  const n = end - start;
  const len = n < b.length ? n : b.length;
  for (let i = 0; i < len; i++) {
    const d = a[start + i]! - b[i]!;
    if (d !== 0) return d;
  }
  return n - b.length;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
