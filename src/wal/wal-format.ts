/**
 * The WAL file layout (spec/native-format.md §2.2–2.3, native "v8") and our compatible
 * checksum extension (ADR-0002): header and frame encoding and the CRC-32C chain. No I/O.
 *
 * Header (32 bytes, offset 0):
 *   off size field
 *    0   8   magic            "DDBWAL01"
 *    8   4   header_version   1
 *   12   4   page_size        must equal the database page size
 *   16   8   wal_end_offset   just past the last committed frame; 0 = empty
 *   24   4   flags            (native: reserved, 0) bit 0 = frames carry a chained CRC-32C
 *   28   4   salt             (native: reserved, 0) seeds the chain; changes at every reset
 *
 * Frame: type u8 (0 PAGE, 1 COMMIT, 2 CHECKPOINT) | page_id u32 | payload
 *        (PAGE: page_size bytes, COMMIT: none, CHECKPOINT: u64 LSN) | trailer 8 bytes.
 * Trailer (ours; native writes 0 and ignores it): u32 chained CRC-32C over this frame's type,
 * page_id and payload, continuing from the previous frame's value (the first frame continues
 * from the header seed); then u32 0. Frames no COMMIT follows yet may hold stale trailers while
 * the writer rewrites them in place (wal.ts invariant 4); recovery never accepts such frames.
 */
import { crc32c, readU32, writeU32, writeU64 } from '../util/index.js';

export const WAL_HEADER_SIZE = 32;
export const WAL_VERSION = 1;
export const FLAG_CHECKSUMS = 1;
export const FRAME_HEADER_SIZE = 5;
export const FRAME_TRAILER_SIZE = 8;
export const FRAME_PAGE = 0;
export const FRAME_COMMIT = 1;
export const FRAME_CHECKPOINT = 2;
const MAGIC = [0x44, 0x44, 0x42, 0x57, 0x41, 0x4c, 0x30, 0x31]; // "DDBWAL01"
const VERSION = 8, PAGE_SIZE = 12, END = 16, FLAGS = 24, SALT = 28;

export interface WalHeader {
  pageSize: number;
  endOffset: number;
  flags: number;
  salt: number;
}

export const pageFrameSize = (pageSize: number): number => FRAME_HEADER_SIZE + pageSize + FRAME_TRAILER_SIZE;
export const COMMIT_FRAME_SIZE = FRAME_HEADER_SIZE + FRAME_TRAILER_SIZE;
export const CHECKPOINT_FRAME_SIZE = FRAME_HEADER_SIZE + 8 + FRAME_TRAILER_SIZE;

export function encodeWalHeader(h: WalHeader, out: Uint8Array): void {
  out.fill(0, 0, WAL_HEADER_SIZE);
  for (let i = 0; i < 8; i++) out[i] = MAGIC[i]!;
  writeU32(out, VERSION, WAL_VERSION);
  writeU32(out, PAGE_SIZE, h.pageSize);
  writeU64(out, END, h.endOffset);
  writeU32(out, FLAGS, h.flags);
  writeU32(out, SALT, h.salt);
}

/** Decodes a header; returns a reason string when the bytes are not a valid header. */
export function decodeWalHeader(b: Uint8Array): WalHeader | string {
  for (let i = 0; i < 8; i++) if (b[i] !== MAGIC[i]) return 'bad magic';
  const version = readU32(b, VERSION);
  if (version !== WAL_VERSION) return `unsupported header version ${version}`;
  const hi = readU32(b, END + 4);
  if (hi >= 0x200000) return 'end offset out of range';
  return {
    pageSize: readU32(b, PAGE_SIZE),
    endOffset: hi * 0x100000000 + readU32(b, END),
    flags: readU32(b, FLAGS),
    salt: readU32(b, SALT),
  };
}

/** The chain seed: CRC-32C of the header minus its end offset (so rewriting the end keeps it). */
export function chainSeed(header: Uint8Array): number {
  return crc32c(header, FLAGS, WAL_HEADER_SIZE, crc32c(header, 0, END));
}

/**
 * Writes a PAGE frame at `out[at]` (image copied in) and returns the chain value after it.
 * With `checksums` false the trailer is zero (native layout) and `chain` passes through.
 */
export function encodePageFrame(
  out: Uint8Array, at: number, pageNo: number, image: Uint8Array, checksums: boolean, chain: number,
): number {
  out[at] = FRAME_PAGE;
  writeU32(out, at + 1, pageNo);
  out.set(image, at + FRAME_HEADER_SIZE);
  return sealFrame(out, at, FRAME_HEADER_SIZE + image.length, checksums, chain);
}

/**
 * Writes a PAGE frame's body (type, page id, image) at `out[at]` without its trailer and returns
 * the body's CRC-32C from seed 0 (0 when `checksums` is false); `writeTrailer` seals it later,
 * once the chain value is known (a spill rewriting frames in place, wal.ts).
 */
export function encodePageFrameBody(out: Uint8Array, at: number, pageNo: number, image: Uint8Array, checksums: boolean): number {
  out[at] = FRAME_PAGE;
  writeU32(out, at + 1, pageNo);
  out.set(image, at + FRAME_HEADER_SIZE);
  return checksums ? crc32c(out, at, at + FRAME_HEADER_SIZE + image.length, 0) : 0;
}

/** Writes a frame trailer (chain value, then u32 0) at `out[at]`. */
export function writeTrailer(out: Uint8Array, at: number, chain: number): void {
  writeU32(out, at, chain);
  writeU32(out, at + 4, 0);
}

/**
 * The chain step as a linear map. CRC-32C is affine in its seed: for any body of `bodyLength`
 * bytes, crc32c(body, seed) = crc32c(body, 0) ^ shift(seed), where shift(s) is what s becomes
 * after `bodyLength` zero bytes (minus the seed-0 part). So a frame's chain value is its body CRC
 * from seed 0 xor shift(previous chain value): the writer recomputes the chain after rewriting
 * a frame from per-frame body CRCs, without reading frames back. Four 256-entry tables, built
 * from the 32 one-bit seeds (32 CRC passes over `bodyLength` zeros).
 */
export function chainShift(bodyLength: number): (seed: number) => number {
  const zeros = new Uint8Array(bodyLength);
  const base = crc32c(zeros, 0, bodyLength, 0);
  const t = new Int32Array(4 * 256);
  for (let bit = 0; bit < 32; bit++) {
    const column = crc32c(zeros, 0, bodyLength, (1 << bit) >>> 0) ^ base;
    const table = (bit >> 3) * 256;
    const mask = 1 << (bit & 7);
    for (let v = 1; v < 256; v++) if ((v & mask) !== 0) t[table + v]! ^= column;
  }
  return (seed: number): number =>
    (t[seed & 0xff]! ^ t[256 + ((seed >>> 8) & 0xff)]! ^ t[512 + ((seed >>> 16) & 0xff)]! ^ t[768 + (seed >>> 24)]!) >>> 0;
}

export function encodeCommitFrame(out: Uint8Array, at: number, checksums: boolean, chain: number): number {
  out[at] = FRAME_COMMIT;
  writeU32(out, at + 1, 0);
  return sealFrame(out, at, FRAME_HEADER_SIZE, checksums, chain);
}

function sealFrame(out: Uint8Array, at: number, bodySize: number, checksums: boolean, chain: number): number {
  const t = at + bodySize;
  const next = checksums ? crc32c(out, at, t, chain) : chain;
  writeU32(out, t, checksums ? next : 0);
  writeU32(out, t + 4, 0);
  return next;
}
