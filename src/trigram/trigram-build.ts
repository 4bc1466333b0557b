// Bottom-up builds of a trigram index (CREATE INDEX on a full table, bulkLoad): chunks are
// produced in key order and handed to BTree.bulkBuild, so pages are written once, filled.
// Two inputs: (trigram, rowid) pairs already sorted (exec/external-sort.ts with
// compareTrigramPairs + trigramPairCodec, wired by the engine; one trigram held at a time), or
// TrigramIndexBuilder, which keeps each trigram's delta varints in memory (≈ the finished index:
// ~2 bytes per posting plus ~100 bytes per distinct trigram). Does not sort pairs. ADR-0007.
import { BTree } from '../btree/index.js';
import { ByteReader, DecentDBError, putVarint } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import type { U64 } from '../util/index.js';
import { ChunkWriter, MAX_CHUNK_ID, POSTINGS_CHUNK_BYTES, PostingsDecoder, encodePostings, postingsKey, rowidDelta } from './postings-codec.js';
import { TrigramExtractor } from './trigram-text.js';

/** A (trigram, rowid) pair of a build stream. */
export type TrigramPair = readonly [trigram: number, rowid: U64];

/**
 * Builds the index tree from pairs sorted by (trigram, rowid); exact duplicates are skipped,
 * out-of-order input is ERR_INTERNAL. Streams: holds one trigram's chunks at a time.
 * Returns the root page id.
 */
export function buildFromSortedPairs(store: PageStore, pairs: Iterable<TrigramPair>): number {
  return BTree.bulkBuild(store, entriesFromPairs(pairs)).root;
}

/** Order of a build stream: by trigram, then rowid. */
export function compareTrigramPairs(a: TrigramPair, b: TrigramPair): number {
  if (a[0] !== b[0]) return a[0] - b[0];
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * A codec for spilling pairs through exec/external-sort.ts (structurally its RowCodec):
 * trigram as 3 bytes, then the rowid varint.
 */
export const trigramPairCodec = {
  encode(pair: TrigramPair): Uint8Array {
    const out = new Uint8Array(13);
    out[0] = pair[0] >>> 16;
    out[1] = (pair[0] >>> 8) & 0xff;
    out[2] = pair[0] & 0xff;
    return out.subarray(0, putVarint(out, 3, pair[1]));
  },
  decode(bytes: Uint8Array): TrigramPair {
    const r = new ByteReader(bytes, 3);
    return [(bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]!, r.varint()];
  },
};

function* entriesFromPairs(pairs: Iterable<TrigramPair>): Generator<readonly [number, Uint8Array]> {
  let cur = -1;
  let last: U64 = 0;
  let w = new ChunkWriter();
  for (const [t, r] of pairs) {
    if (t !== cur) {
      if (t < cur) throw new DecentDBError('ERR_INTERNAL', `trigram build input not sorted at trigram ${t}`);
      yield* chunkEntries(cur, w.finish());
      cur = t;
      w = new ChunkWriter();
    } else if (r === last) {
      continue;
    } else if (r < last) {
      throw new DecentDBError('ERR_INTERNAL', `trigram build input not sorted at rowid ${String(r)}`);
    }
    w.push(r);
    last = r;
  }
  yield* chunkEntries(cur, w.finish());
}

function* chunkEntries(trigram: number, chunks: readonly Uint8Array[]): Generator<readonly [number, Uint8Array]> {
  for (let i = 0; i < chunks.length; i++) yield [postingsKey(trigram, i), chunks[i]!];
}

/** Per-trigram accumulator: the delta varints so far, plus out-of-order rowids if any. */
class Postings {
  bytes = new Uint8Array(8);
  len = 0;
  count = 0;
  last: U64 = 0;
  late: U64[] | null = null;
}

/**
 * Collects rows (ideally in rowid order, as a table scan yields them) and builds the tree.
 * @example
 *   const b = new TrigramIndexBuilder();
 *   for (const [rowid, title] of rows) b.add(rowid, title);
 *   const root = b.build(store);
 */
export class TrigramIndexBuilder {
  private readonly byTrigram = new Map<number, Postings>();
  private readonly grams = new TrigramExtractor();
  private bytes = 0;
  /** Postings added. */
  pairs = 0;

  /** Approximate heap held (encoded postings + per-trigram overhead), for a caller's budget. */
  get memoryBytes(): number {
    return this.bytes + this.byTrigram.size * 100;
  }

  get trigramCount(): number {
    return this.byTrigram.size;
  }

  add(rowid: U64, text: string | null): void {
    if (text === null) return;
    const g = this.grams.extract(text);
    for (let i = 0; i < g.length; i++) this.addPosting(g[i]!, rowid);
  }

  addPosting(trigram: number, rowid: U64): void {
    let p = this.byTrigram.get(trigram);
    if (p === undefined) {
      p = new Postings();
      this.byTrigram.set(trigram, p);
    }
    this.pairs++;
    if (p.count > 0 && !(rowid > p.last)) {
      if (rowid !== p.last) (p.late ??= []).push(rowid);
      return;
    }
    const d = p.count === 0 ? rowid : rowidDelta(p.last, rowid);
    if (p.len + 10 > p.bytes.length) {
      const next = new Uint8Array(p.bytes.length * 2);
      next.set(p.bytes.subarray(0, p.len));
      this.bytes += next.length - p.bytes.length;
      p.bytes = next;
    }
    p.len = putVarint(p.bytes, p.len, d);
    p.last = rowid;
    p.count++;
  }

  /** Writes the tree (pages filled bottom-up) and returns its root page id. */
  build(store: PageStore): number {
    const trigrams = Int32Array.from(this.byTrigram.keys()).sort();
    return BTree.bulkBuild(store, this.entries(trigrams)).root;
  }

  private *entries(trigrams: Int32Array): Generator<readonly [number, Uint8Array]> {
    for (let k = 0; k < trigrams.length; k++) {
      const t = trigrams[k]!;
      const p = this.byTrigram.get(t)!;
      if (p.late !== null) {
        yield* chunkEntries(t, encodePostings(mergeLate(t, p)));
        continue;
      }
      yield* cutChunks(t, p.bytes, p.len);
    }
  }
}

/** Cuts an encoded delta string at the native threshold, never inside a varint. */
function* cutChunks(trigram: number, bytes: Uint8Array, len: number): Generator<readonly [number, Uint8Array]> {
  let start = 0;
  let chunk = 0;
  while (start < len) {
    let end = len;
    if (chunk < MAX_CHUNK_ID && start + POSTINGS_CHUNK_BYTES < len) {
      end = start + POSTINGS_CHUNK_BYTES;
      while (bytes[end - 1]! >= 0x80) end++;
    }
    yield [postingsKey(trigram, chunk), bytes.subarray(start, end)];
    start = end;
    chunk++;
  }
}

function mergeLate(t: number, p: Postings): U64[] {
  const d = new PostingsDecoder(t);
  d.chunk(p.bytes.subarray(0, p.len));
  const all: U64[] = Array.from(d.finish());
  for (const r of p.late!) all.push(r);
  all.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let w = 1;
  for (let i = 1; i < all.length; i++) if (all[i] !== all[w - 1]) all[w++] = all[i]!;
  all.length = Math.min(w, all.length);
  return all;
}
