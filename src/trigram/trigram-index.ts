// A trigram index over a PageStore (spec/native-format.md §1.11, ADR-0007): postings per trigram
// in a native B+Tree keyed (trigram<<16 | chunk). Row changes rewrite only the chunks they
// affect, through the caller's PageStore, so postings commit or roll back with the rows.
// Does not plan or verify queries (trigram-search.ts) and does not read tables.
//
// A handle remembers each touched trigram's tail (last rowid, chunk count, tail length) so that
// appending a rowid above the last one costs one tail-chunk rewrite. Invariant 1: every write to
// the tree while tail states are held goes through the handles holding them: one handle per
// write transaction, or a TrigramTails shared by the successive write transactions of one index
// and cleared on every rollback (the single writer owns it). Read-only handles over a snapshot
// may live as long as it and take no TrigramTails.
import { BTree } from '../btree/index.js';
import { DecentDBError, putVarint } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import type { U64 } from '../util/index.js';
import {
  MAX_CHUNK_ID,
  POSTINGS_CHUNK_BYTES,
  PostingsDecoder,
  chunkPostingsCount,
  encodePostings,
  postingsKey,
  rowidDelta,
} from './postings-codec.js';
import type { PostingList } from './postings-codec.js';
import type { PostingsCache } from './postings-cache.js';
import { TrigramExtractor } from './trigram-text.js';
import { buildFromSortedPairs } from './trigram-build.js';
import type { TrigramPair } from './trigram-build.js';

/**
 * Tail states shared across the write transactions of one index, so a new transaction does not
 * rescan a trigram's postings to find its last rowid. The owner (the engine's single writer) must
 * call `clear()` whenever a transaction or savepoint rolls back, and drop it with the index.
 */
export class TrigramTails {
  /** @internal */
  readonly map = new Map<number, Tail>();

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

export interface TrigramIndexOptions {
  /** Write handles only: tail states kept across transactions (see TrigramTails). */
  readonly tails?: TrigramTails;
  /** Shared decoded-postings cache; used for reads only when `cacheTag` is given. */
  readonly cache?: PostingsCache;
  /** Names this index inside the cache (e.g. the index name); default 'trigram:<root>'. */
  readonly cacheId?: string;
  /** Version of the data this handle reads (a snapshot's commit LSN); omit in write transactions. */
  readonly cacheTag?: string | number;
}

/** Work counters (asserted by tests instead of timings). */
export interface TrigramIndexCounters {
  chunkReads: number;
  chunkWrites: number;
  chunkDeletes: number;
  /** Rowids decoded from the tree (cache misses). */
  postingsDecoded: number;
  /** Tail appends (the cheap path). */
  appends: number;
  /** Trigrams whose postings were decoded and re-chunked (middle insert, remove). */
  rewrites: number;
}

/** @internal */
export interface Tail {
  chunks: number;
  count: number;
  last: U64;
  tailLen: number;
}

interface Loaded {
  list: PostingList;
  chunks: number;
  legacy: boolean;
}

const scratch = new Uint8Array(16);

/**
 * Trigram postings of one index.
 * @example
 *   const idx = TrigramIndex.create(store);
 *   idx.add(1, 'Love Me Do');
 *   idx.postings(0x4c4f56); // postings of 'LOV' → [1]
 */
export class TrigramIndex {
  readonly store: PageStore;
  readonly counters: TrigramIndexCounters = { chunkReads: 0, chunkWrites: 0, chunkDeletes: 0, postingsDecoded: 0, appends: 0, rewrites: 0 };
  private readonly tree: BTree;
  private readonly tails: Map<number, Tail>;
  private readonly cache: PostingsCache | undefined;
  private readonly cacheId: string;
  private readonly cacheTag: string | number | undefined;
  private readonly oldGrams = new TrigramExtractor();
  private readonly newGrams = new TrigramExtractor();

  constructor(store: PageStore, root: number, options: TrigramIndexOptions = {}) {
    this.store = store;
    this.tree = new BTree(store, root);
    this.tails = options.tails?.map ?? new Map<number, Tail>();
    this.cache = options.cache;
    this.cacheId = options.cacheId ?? `trigram:${root}`;
    this.cacheTag = options.cacheTag;
  }

  /** A new empty index (one leaf page). */
  static create(store: PageStore, options?: TrigramIndexOptions): TrigramIndex {
    return new TrigramIndex(store, BTree.create(store).root, options);
  }

  /**
   * Builds an index bottom-up from (trigram, rowid) pairs sorted by trigram then rowid (a
   * stream: e.g. an external sort's output); see also TrigramIndexBuilder.
   */
  static bulkBuild(store: PageStore, pairs: Iterable<TrigramPair>, options?: TrigramIndexOptions): TrigramIndex {
    return new TrigramIndex(store, buildFromSortedPairs(store, pairs), options);
  }

  /** Root page id; changes after a root split, so read it after writes and persist it. */
  get root(): number {
    return this.tree.root;
  }

  /** Indexes a row's text (NULL is not indexed). */
  add(rowid: U64, text: string | null): void {
    if (text === null) return;
    const grams = this.newGrams.extract(text);
    for (let i = 0; i < grams.length; i++) this.addPosting(grams[i]!, rowid);
  }

  /** Removes a row's text (the value it was indexed with). */
  remove(rowid: U64, text: string | null): void {
    if (text === null) return;
    const grams = this.oldGrams.extract(text);
    for (let i = 0; i < grams.length; i++) this.removePosting(grams[i]!, rowid);
  }

  /** Re-indexes a row, touching only the trigrams that differ between the two texts. */
  update(rowid: U64, oldText: string | null, newText: string | null): void {
    const a = oldText === null ? new Uint32Array(0) : this.oldGrams.extract(oldText);
    const b = newText === null ? new Uint32Array(0) : this.newGrams.extract(newText);
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const x = i < a.length ? a[i]! : Infinity;
      const y = j < b.length ? b[j]! : Infinity;
      if (x === y) {
        i++;
        j++;
      } else if (x < y) {
        this.removePosting(x, rowid);
        i++;
      } else {
        this.addPosting(y, rowid);
        j++;
      }
    }
  }

  /**
   * Indexes many rows at once (a multi-row INSERT, a bulkLoad batch): postings are grouped per
   * trigram so each trigram's tail chunk is rewritten once per batch, not once per row.
   */
  addRows(rows: Iterable<readonly [U64, string | null]>): void {
    for (const [t, list] of this.groupByTrigram(rows)) {
      const tail = this.tails.get(t) ?? this.findTail(t);
      if (tail !== undefined && tail.count > 0 && list[0]! > tail.last) this.appendMany(t, tail, list);
      else {
        const cur = this.load(t);
        const merged = mergeUnique(cur.list, list);
        if (merged.length !== cur.list.length || cur.legacy) this.rewrite(t, cur, merged);
      }
    }
  }

  /** Removes many rows (given the texts they were indexed with), one rewrite per trigram. */
  removeRows(rows: Iterable<readonly [U64, string | null]>): void {
    for (const [t, list] of this.groupByTrigram(rows)) {
      const tail = this.tails.get(t);
      if (tail !== undefined && tail.count === 0) continue;
      const cur = this.load(t);
      const gone = new Set<U64>(list);
      const kept = Array.from(cur.list).filter((r) => !gone.has(r));
      if (kept.length !== cur.list.length) this.rewrite(t, cur, kept);
    }
  }

  /** Adds one (trigram, rowid) posting; a posting already present is left as it is. */
  addPosting(trigram: number, rowid: U64): void {
    const tail = this.tails.get(trigram) ?? this.findTail(trigram);
    if (tail !== undefined && tail.count > 0 && rowid > tail.last) {
      this.append(trigram, tail, rowid);
      return;
    }
    const cur = this.load(trigram);
    const list = cur.list;
    const at = lowerBound(list, rowid);
    if (at < list.length && list[at] === rowid && !cur.legacy) return;
    const next: U64[] = Array.from(list);
    if (!(at < list.length && list[at] === rowid)) next.splice(at, 0, rowid);
    this.rewrite(trigram, cur, next);
  }

  /** Removes one (trigram, rowid) posting if present. */
  removePosting(trigram: number, rowid: U64): void {
    const tail = this.tails.get(trigram);
    if (tail !== undefined && (tail.count === 0 || rowid > tail.last)) return;
    const cur = this.load(trigram);
    const list = cur.list;
    const at = lowerBound(list, rowid);
    if (at >= list.length || list[at] !== rowid) return;
    const next: U64[] = Array.from(list);
    next.splice(at, 1);
    this.rewrite(trigram, cur, next);
  }

  /** Sorted rowids of a trigram (shared with the cache: do not modify). */
  postings(trigram: number): PostingList {
    const cache = this.cache;
    const tag = this.cacheTag;
    if (cache !== undefined && tag !== undefined) {
      const hit = cache.get(this.cacheId, trigram, tag);
      if (hit !== undefined) return hit;
    }
    const list = this.load(trigram).list;
    if (cache !== undefined && tag !== undefined) cache.set(this.cacheId, trigram, tag, list);
    return list;
  }

  /** Postings size of a trigram, exact, without decoding (planner statistics). */
  count(trigram: number): number {
    const cache = this.cache;
    const tag = this.cacheTag;
    if (cache !== undefined && tag !== undefined) {
      const hit = cache.get(this.cacheId, trigram, tag);
      if (hit !== undefined) return hit.length;
    }
    const known = this.tails.get(trigram);
    if (known !== undefined) return known.count;
    const c = this.tree.cursor();
    let n = 0;
    let chunk = 0;
    for (let ok = c.seek(postingsKey(trigram, 0)); ok && c.key === postingsKey(trigram, chunk); ok = c.next()) {
      this.counters.chunkReads++;
      n += chunkPostingsCount(c.value());
      chunk++;
      if (chunk > MAX_CHUNK_ID) break;
    }
    if (chunk === 0) {
      const legacy = this.tree.get(trigram);
      if (legacy !== undefined) n = chunkPostingsCount(legacy);
    }
    return n;
  }

  /** Frees every page of the index. */
  destroy(): void {
    this.tree.destroy();
    this.tails.clear();
    this.cache?.invalidateIndex(this.cacheId);
  }

  // ---- internals ----

  /** Tail state without materialising the postings (undefined for a legacy key). */
  private findTail(trigram: number): Tail | undefined {
    this.loadInto(trigram, new PostingsDecoder(trigram, false));
    return this.tails.get(trigram);
  }

  /** Reads and decodes every chunk of a trigram (chunk ids dense from 0; legacy fallback). */
  private load(trigram: number): Loaded {
    return this.loadInto(trigram, new PostingsDecoder(trigram));
  }

  private loadInto(trigram: number, dec: PostingsDecoder): Loaded {
    const c = this.tree.cursor();
    let chunk = 0;
    let tailLen = 0;
    for (let ok = c.seek(postingsKey(trigram, 0)); ok && c.key === postingsKey(trigram, chunk); ok = c.next()) {
      this.counters.chunkReads++;
      const v = c.value();
      dec.chunk(v, chunk);
      tailLen = v.length;
      chunk++;
      if (chunk > MAX_CHUNK_ID) break;
    }
    let legacy = false;
    if (chunk === 0) {
      const bare = this.tree.get(trigram);
      if (bare !== undefined) {
        this.counters.chunkReads++;
        dec.chunk(bare, 0);
        legacy = true;
      }
    }
    this.counters.postingsDecoded += dec.count;
    const list = dec.finish();
    if (!legacy) this.tails.set(trigram, { chunks: chunk, count: dec.count, last: dec.last, tailLen });
    return { list, chunks: chunk, legacy };
  }

  /** The cheap path: one varint appended to the tail chunk, or a new chunk once it is full. */
  private append(trigram: number, tail: Tail, rowid: U64): void {
    this.counters.appends++;
    this.cache?.invalidate(this.cacheId, trigram);
    const d = rowidDelta(tail.last, rowid);
    const n = putVarint(scratch, 0, d);
    if (tail.tailLen >= POSTINGS_CHUNK_BYTES && tail.chunks <= MAX_CHUNK_ID) {
      this.tree.insert(postingsKey(trigram, tail.chunks), scratch.slice(0, n));
      this.counters.chunkWrites++;
      tail.chunks++;
      tail.tailLen = n;
    } else {
      const key = postingsKey(trigram, tail.chunks - 1);
      const old = this.tree.get(key);
      if (old === undefined || old.length !== tail.tailLen) {
        throw new DecentDBError('ERR_INTERNAL', `trigram tail state stale for 0x${trigram.toString(16)} (tree written outside this handle?)`);
      }
      const next = new Uint8Array(old.length + n);
      next.set(old);
      next.set(scratch.subarray(0, n), old.length);
      this.tree.update(key, next);
      this.counters.chunkWrites++;
      tail.tailLen = next.length;
    }
    tail.count++;
    tail.last = rowid;
  }

  /** Postings of a batch of rows per trigram, each list ascending and distinct. */
  private groupByTrigram(rows: Iterable<readonly [U64, string | null]>): Map<number, U64[]> {
    const by = new Map<number, U64[]>();
    let sorted = true;
    for (const [rowid, text] of rows) {
      if (text === null) continue;
      const g = this.newGrams.extract(text);
      for (let i = 0; i < g.length; i++) {
        let l = by.get(g[i]!);
        if (l === undefined) by.set(g[i]!, (l = []));
        else if (!(rowid > l[l.length - 1]!)) sorted = false;
        l.push(rowid);
      }
    }
    if (!sorted) for (const [t, l] of by) by.set(t, mergeUnique([], l));
    return by;
  }

  /** Appends ascending rowids above the tail: the tail chunk rewritten once, new chunks as needed. */
  private appendMany(trigram: number, tail: Tail, list: readonly U64[]): void {
    this.counters.appends += list.length;
    this.cache?.invalidate(this.cacheId, trigram);
    const tree = this.tree;
    let chunk = tail.chunks - 1;
    const old = tree.get(postingsKey(trigram, chunk));
    if (old === undefined || old.length !== tail.tailLen) {
      throw new DecentDBError('ERR_INTERNAL', `trigram tail state stale for 0x${trigram.toString(16)} (tree written outside this handle?)`);
    }
    let buf = new Uint8Array(Math.max(64, old.length + list.length * 10));
    buf.set(old);
    let len = old.length;
    let last = tail.last;
    const flush = (): void => {
      const key = postingsKey(trigram, chunk);
      if (chunk < tail.chunks) tree.update(key, buf.slice(0, len));
      else tree.insert(key, buf.slice(0, len));
      this.counters.chunkWrites++;
    };
    for (let i = 0; i < list.length; i++) {
      const r = list[i]!;
      if (len >= POSTINGS_CHUNK_BYTES && chunk < MAX_CHUNK_ID) {
        flush();
        chunk++;
        len = 0;
      }
      if (len + 10 > buf.length) {
        const next = new Uint8Array(buf.length * 2);
        next.set(buf.subarray(0, len));
        buf = next;
      }
      len = putVarint(buf, len, rowidDelta(last, r));
      last = r;
    }
    flush();
    tail.count += list.length;
    tail.last = last;
    tail.chunks = chunk + 1;
    tail.tailLen = len;
  }

  /** Replaces a trigram's postings, writing only chunks whose bytes change. */
  private rewrite(trigram: number, cur: Loaded, list: readonly U64[]): void {
    this.counters.rewrites++;
    this.cache?.invalidate(this.cacheId, trigram);
    const chunks = encodePostings(list);
    const tree = this.tree;
    if (cur.legacy) {
      tree.delete(trigram);
      this.counters.chunkDeletes++;
    }
    for (let i = 0; i < chunks.length; i++) {
      const key = postingsKey(trigram, i);
      const bytes = chunks[i]!;
      if (i < cur.chunks) {
        const old = tree.get(key);
        if (old !== undefined && equalBytes(old, bytes)) continue;
        tree.update(key, bytes);
      } else {
        tree.insert(key, bytes);
      }
      this.counters.chunkWrites++;
    }
    for (let i = chunks.length; i < cur.chunks; i++) {
      tree.delete(postingsKey(trigram, i));
      this.counters.chunkDeletes++;
    }
    const last = chunks.length > 0 ? chunks[chunks.length - 1]! : undefined;
    this.tails.set(trigram, {
      chunks: chunks.length,
      count: list.length,
      last: list.length > 0 ? list[list.length - 1]! : 0,
      tailLen: last === undefined ? 0 : last.length,
    });
  }
}

/** First index whose rowid is >= `r`. */
export function lowerBound(list: PostingList, r: U64): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorted distinct union of a sorted list and a list (any order). */
function mergeUnique(a: PostingList, b: readonly U64[]): U64[] {
  const all: U64[] = Array.from(a);
  for (const r of b) all.push(r);
  all.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  let w = 0;
  for (let i = 0; i < all.length; i++) if (w === 0 || all[i] !== all[w - 1]) all[w++] = all[i]!;
  all.length = w;
  return all;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
