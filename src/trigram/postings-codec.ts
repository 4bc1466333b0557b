// Postings of one trigram as the native index stores them (spec/native-format.md §1.11): rowids
// (u64 table keys) ascending, each written as the varint delta from the previous one (the first
// from 0); the byte string is cut into chunks of ≈400 bytes, a chunk ending at the first varint
// boundary at or past 400 bytes; deltas continue across chunks. Tree key = trigram<<16 | chunk.
// Does not touch the tree (trigram-index.ts does). Decoding bounds everything: ERR_CORRUPTION.
//
// Invariants: 1. rowids strictly increase (a zero delta after the first is corruption).
//             2. chunk ids are dense from 0; the first missing id ends the list.
import { DecentDBError, corrupt, putVarint, u64FromBigInt, varintSize } from '../util/index.js';
import type { U64 } from '../util/index.js';

/** Native `PostingsChunkThreshold`. */
export const POSTINGS_CHUNK_BYTES = 400;
/** chunk_id is a u16; the last id absorbs whatever does not fit before it. */
export const MAX_CHUNK_ID = 0xffff;
const CHUNK_SPAN = 0x10000;

/** Sorted rowids: a Float64Array while every rowid is a safe integer, else a U64 array. */
export type PostingList = Float64Array | readonly U64[];

/** Tree key of a postings chunk: `(trigram << 16) | chunk`, below 2^40 so a plain number. */
export const postingsKey = (trigram: number, chunk: number): number => trigram * CHUNK_SPAN + chunk;
/** Trigram of a tree key (new layout). */
export const keyTrigram = (key: number): number => Math.floor(key / CHUNK_SPAN);
/** Chunk id of a tree key (new layout). */
export const keyChunk = (key: number): number => key % CHUNK_SPAN;

const MAX_U64 = 0xffffffffffffffffn;

/** `b - a` for rowids with a < b (canonical U64). */
export function rowidDelta(a: U64, b: U64): U64 {
  if (typeof a === 'number' && typeof b === 'number') return b - a;
  return u64FromBigInt(BigInt(b) - BigInt(a));
}

/** `a + d`, or undefined past 2^64 - 1. */
export function rowidAdd(a: U64, d: U64): U64 | undefined {
  if (typeof a === 'number' && typeof d === 'number') {
    const s = a + d;
    if (s <= Number.MAX_SAFE_INTEGER) return s;
  }
  const s = BigInt(a) + BigInt(d);
  return s > MAX_U64 ? undefined : u64FromBigInt(s);
}

/** Appends varint deltas to a growing chunk list, cutting at the native threshold. */
export class ChunkWriter {
  readonly chunks: Uint8Array[] = [];
  private buf = new Uint8Array(POSTINGS_CHUNK_BYTES + 16);
  private len = 0;
  private last: U64 = 0;
  private count = 0;

  /** Adds the next rowid (strictly above the previous one). */
  push(rowid: U64): void {
    if (this.count > 0 && !(rowid > this.last)) {
      throw new DecentDBError('ERR_INTERNAL', `postings not ascending at rowid ${String(rowid)}`);
    }
    const d = this.count === 0 ? rowid : rowidDelta(this.last, rowid);
    if (this.len >= POSTINGS_CHUNK_BYTES && this.chunks.length < MAX_CHUNK_ID) this.cut();
    if (this.len + 10 > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.len = putVarint(this.buf, this.len, d);
    this.last = rowid;
    this.count++;
  }

  /** The chunks; the writer is spent after this. */
  finish(): Uint8Array[] {
    if (this.len > 0) this.cut();
    return this.chunks;
  }

  private cut(): void {
    this.chunks.push(this.buf.slice(0, this.len));
    this.len = 0;
  }
}

/** Chunks of a sorted rowid list (empty list → no chunks). */
export function encodePostings(rowids: PostingList): Uint8Array[] {
  const w = new ChunkWriter();
  for (let i = 0; i < rowids.length; i++) w.push(rowids[i]!);
  return w.finish();
}

/** Bytes a delta varint takes (for tail appends). */
export const deltaSize = (prev: U64, rowid: U64, first: boolean): number =>
  varintSize(first ? rowid : rowidDelta(prev, rowid));

/**
 * Decodes chunks in order into one sorted list. Feed chunks with `chunk`, then `finish`.
 * `pageNo`/`trigram` only label corruption errors.
 */
export class PostingsDecoder {
  private nums = new Float64Array(64);
  private big: U64[] | null = null;
  count = 0;
  last: U64 = 0;

  /** `keep` false: only count and last are tracked (finding a trigram's tail). */
  constructor(
    private readonly trigram = 0,
    private readonly keep = true,
  ) {}

  chunk(bytes: Uint8Array, chunkId = 0, pageNo = 0): void {
    const end = bytes.length;
    let pos = 0;
    while (pos < end) {
      let v = 0;
      let mul = 1;
      let b = 0x80;
      let i = 0;
      // Fast path: deltas up to 7 bytes accumulate exactly in a double.
      for (; i < 7 && pos < end; i++) {
        b = bytes[pos++]!;
        v += (b & 0x7f) * mul;
        if (b < 0x80) break;
        mul *= 128;
      }
      let d: U64 = v;
      if (b >= 0x80) {
        if (i < 7) throw this.bad(pageNo, chunkId, 'truncated varint');
        let big = BigInt(v);
        let shift = 49n;
        for (;;) {
          if (pos >= end || shift > 63n) throw this.bad(pageNo, chunkId, 'bad varint');
          b = bytes[pos++]!;
          big |= BigInt(b & 0x7f) << shift;
          if (b < 0x80) break;
          shift += 7n;
        }
        if (big > MAX_U64) throw this.bad(pageNo, chunkId, 'varint exceeds 64 bits');
        d = u64FromBigInt(big);
      }
      if (this.count > 0 && d === 0) throw this.bad(pageNo, chunkId, 'rowids not strictly increasing');
      const r = this.count === 0 ? d : rowidAdd(this.last, d);
      if (r === undefined) throw this.bad(pageNo, chunkId, 'rowid past 2^64 - 1');
      this.append(r);
    }
  }

  finish(): PostingList {
    if (!this.keep) return [];
    if (this.big !== null) return this.big;
    return this.nums.slice(0, this.count);
  }

  private append(r: U64): void {
    this.last = r;
    if (!this.keep) {
      this.count++;
      return;
    }
    if (this.big !== null) {
      this.big.push(r);
      this.count++;
      return;
    }
    if (typeof r !== 'number') {
      this.big = Array.from(this.nums.subarray(0, this.count));
      this.big.push(r);
      this.count++;
      return;
    }
    if (this.count === this.nums.length) {
      const next = new Float64Array(this.nums.length * 2);
      next.set(this.nums);
      this.nums = next;
    }
    this.nums[this.count++] = r;
  }

  private bad(pageNo: number, chunkId: number, what: string): DecentDBError {
    return corrupt(pageNo, `trigram 0x${this.trigram.toString(16)} chunk ${chunkId}: ${what}`);
  }
}

/** Number of rowids in a chunk (varints end in a byte below 0x80); no decoding. */
export function chunkPostingsCount(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! < 0x80) n++;
  return n;
}

/** Decodes a whole chunk list (tests, legacy values). */
export function decodePostings(chunks: readonly Uint8Array[], trigram = 0): PostingList {
  const d = new PostingsDecoder(trigram);
  for (let i = 0; i < chunks.length; i++) d.chunk(chunks[i]!, i);
  return d.finish();
}
