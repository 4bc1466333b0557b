// Sorted-batch merge into a B+Tree (spec/native-format.md §1.4): each new entry goes to the leaf
// an insert would choose (strict descent); leaves that receive entries are rewritten, runs of
// consecutive ones packed together and filled to the byte; every other leaf is kept, unread.
// The internal levels are then rebuilt bottom-up over the leaf list (as bulkBuild does), reusing
// the old internal pages and the old root's page id. Into an empty tree this is a bottom-up
// build; when every new key sorts last, an append at the right edge. Does not sort, check
// uniqueness or know what entries mean (callers do); unsorted input is ERR_INTERNAL.
import { DecentDBError, corrupt, putVarint, varintSize } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { compareKeys, keyDelta } from './key.js';
import { FLAG_DELTA_KEYS, PAGE_HEADER_SIZE, PAGE_LEAF, forgetPageView, maxInlineValue, pageLimit, readPage } from './page-view.js';
import { LeafCells } from './bulk-leaf-reader.js';
import { groupChildren } from './bulk-build.js';
import { writeHeader, writeInternal } from './page-writer.js';
import { writeOverflowChain } from './overflow.js';
import { MAX_DEPTH, storeEpoch } from './btree-cursor.js';

/**
 * Pull source of entries in non-decreasing key order. After next() returns true, `key` (a
 * canonical u64) and the value bytes[start, end) describe the entry until the next call.
 */
export interface SortedEntrySource {
  next(): boolean;
  readonly key: U64;
  readonly bytes: Uint8Array;
  readonly start: number;
  readonly end: number;
  /**
   * Optional: hands the current entry and every later one to `sink.add`, in order, until next()
   * would return false (the source then stands as next() left it). The per-entry loop then runs
   * in the source's own code, where its type is known, instead of in one loop shared by every
   * kind of source: that shared loop's JIT code is thrown away (deoptimized) each time a source
   * of another class reaches it, e.g. a table's rows, then an index's entries.
   */
  drainTo?(sink: EntrySink): void;
}

/** Receives the entries a source pushes (SortedEntrySource.drainTo). */
export interface EntrySink {
  add(key: U64, bytes: Uint8Array, start: number, end: number): void;
}

export interface MergeResult {
  /** Root after the merge (the old root's page id whenever the old root was internal). */
  readonly root: number;
  readonly added: number;
  /**
   * New entries whose key differs from the entry written just before them: exact into an empty
   * tree, an estimate otherwise (a key may also sit in a kept leaf).
   */
  readonly distinctAdded: number;
  readonly rewrittenLeaves: number;
  readonly keptLeaves: number;
}

/**
 * Merges `source` into the tree at `root`; among equal keys old entries stay first. Every page
 * it holds between source.next() calls is a private copy, so the source may let the store spill.
 */
export function mergeSorted(store: PageStore, root: number, source: SortedEntrySource): MergeResult {
  if (!source.next()) return { root, added: 0, distinctAdded: 0, rewrittenLeaves: 0, keptLeaves: 0 };
  const shape = collectLeaves(store, root);
  const w = new LeafWriter(store);
  const old = new Uint8Array(store.pageSize);
  const v = new LeafCells();
  const limit = pageLimit(store);
  let have = true;
  let lastNew: U64 | undefined;
  let added = 0;
  let distinct = 0;
  let rewritten = 0;
  let prevRewritten = false;
  const n = shape.leaves.length;
  for (let i = 0; i < n; i++) {
    const pageNo = shape.leaves[i]!;
    const hi = shape.highs[i];
    if (!have || (hi !== undefined && compareKeys(source.key, hi) >= 0)) {
      w.keep(pageNo, shape.lows[i]!);
      prevRewritten = false;
      continue;
    }
    old.set(store.read(pageNo));
    v.decode(old, pageNo, limit);
    if (prevRewritten) store.free(pageNo); // packed into the open page: its id is not needed
    else w.open(pageNo);
    rewritten++;
    prevRewritten = true;
    const count = v.count;
    const keys = v.keys;
    // Cells of a delta-keyed page after the first of a run keep their bytes (same predecessor).
    const raw = v.flags === FLAG_DELTA_KEYS;
    let j = 0;
    for (;;) {
      const here = have && (hi === undefined || compareKeys(source.key, hi) < 0);
      if (here && j >= count && hi === undefined) {
        // Past the last leaf's old cells: every remaining entry goes here, in a tight loop
        // (a load into an empty table or index, or the append of a rowid-ordered batch).
        const r = appendRest(w, source, lastNew);
        added += r.added;
        distinct += r.distinct;
        have = false;
        break;
      }
      if (here && (j >= count || compareKeys(keys[j]!, source.key) > 0)) {
        const key = source.key;
        if (lastNew !== undefined && compareKeys(key, lastNew) < 0) throw unsorted(key);
        if (w.last === undefined || compareKeys(w.last, key) !== 0) distinct++;
        w.addNew(key, source.bytes, source.start, source.end);
        lastNew = key;
        added++;
        have = source.next();
        continue;
      }
      if (j >= count) break;
      // Old cells up to the next new entry (old ones first among equal keys).
      let end = count;
      if (here) {
        end = j + 1;
        while (end < count && compareKeys(keys[end]!, source.key) <= 0) end++;
      }
      if (raw) w.addOldRun(keys, v.cellOff, v.payOff, old, j, end);
      else for (let c = j; c < end; c++) w.addOld(keys[c]!, old, v.payOff[c]!, v.cellOff[c + 1]!);
      j = end;
    }
  }
  if (have) throw new DecentDBError('ERR_INTERNAL', 'bulk merge: entries left past the last leaf');
  w.close(0);
  const newRoot = buildLevels(store, w.pages, w.lows, shape.internals, root, shape.rootInternal);
  storeEpoch(store).n++; // open cursors over this store re-seek (a B+Tree write, as BTree's)
  return { root: newRoot, added, distinctAdded: distinct, rewrittenLeaves: rewritten, keptLeaves: n - rewritten };
}

/** Writes every remaining source entry (the current one first) after the open page's cells. */
function appendRest(w: LeafWriter, source: SortedEntrySource, lastNew: U64 | undefined): { added: number; distinct: number } {
  if (source.drainTo !== undefined) {
    const sink = new AppendSink(w, lastNew);
    source.drainTo(sink);
    return { added: sink.added, distinct: sink.distinct };
  }
  let added = 0;
  let distinct = 0;
  let prev = lastNew;
  do {
    const key = source.key;
    const last = w.last; // the key written just before (old or new), as in mergeSorted
    if (typeof key === 'number' && typeof prev === 'number' && typeof last === 'number') {
      if (key < prev) throw unsorted(key);
      if (key !== last) distinct++;
    } else {
      if (prev !== undefined && compareKeys(key, prev) < 0) throw unsorted(key);
      if (last === undefined || compareKeys(last, key) !== 0) distinct++;
    }
    w.addNew(key, source.bytes, source.start, source.end);
    prev = key;
    added++;
  } while (source.next());
  return { added, distinct };
}

/** appendRest's loop body, for sources that push their entries (drainTo). */
class AppendSink implements EntrySink {
  added = 0;
  distinct = 0;
  /** Last new key, or -1 before the first: keys are u64, never negative. */
  private prev: U64;

  constructor(
    private readonly w: LeafWriter,
    lastNew: U64 | undefined,
  ) {
    this.prev = lastNew ?? -1;
  }

  add(key: U64, bytes: Uint8Array, start: number, end: number): void {
    const prev = this.prev;
    const last = this.w.last; // the key written just before (old or new), as in mergeSorted
    if (typeof key === 'number' && typeof prev === 'number' && typeof last === 'number') {
      if (key < prev) throw unsorted(key);
      if (key !== last) this.distinct++;
    } else {
      if (prev !== -1 && compareKeys(key, prev) < 0) throw unsorted(key);
      if (last === undefined || compareKeys(last, key) !== 0) this.distinct++;
    }
    this.w.addNew(key, bytes, start, end);
    this.prev = key;
    this.added++;
  }
}

const unsorted = (key: U64): DecentDBError => new DecentDBError('ERR_INTERNAL', `bulk merge input not sorted at key ${String(key)}`);

interface TreeShape {
  /** Leaf page ids left to right, with the separator bounds the descent gives each. */
  readonly leaves: number[];
  readonly lows: U64[];
  readonly highs: (U64 | undefined)[];
  /** Internal pages, root excluded (reused for the rebuilt levels). */
  readonly internals: number[];
  rootInternal: boolean;
}

function collectLeaves(store: PageStore, root: number): TreeShape {
  const limit = pageLimit(store);
  const shape: TreeShape = { leaves: [], lows: [], highs: [], internals: [], rootInternal: false };
  // Every leaf is at one depth (invariant 3): found down the left edge, so leaves are listed
  // without being read (each one is read only if it receives entries).
  let leafDepth = 0;
  for (let p = root, v = readPage(store, p, limit); !v.isLeaf; v = readPage(store, p, limit)) {
    if (++leafDepth > MAX_DEPTH) throw corrupt(p, 'B+Tree deeper than any valid tree (cycle?)');
    p = v.child(0);
  }
  const seen = new Set<number>();
  const visit = (pageNo: number, lo: U64, hi: U64 | undefined, depth: number): void => {
    if (seen.has(pageNo)) throw corrupt(pageNo, 'page reachable twice in the B+Tree');
    seen.add(pageNo);
    if (depth === leafDepth) {
      shape.leaves.push(pageNo);
      shape.lows.push(lo);
      shape.highs.push(hi);
      return;
    }
    const v = readPage(store, pageNo, limit);
    if (v.isLeaf) throw corrupt(pageNo, `leaf at depth ${depth}, others at ${leafDepth}`);
    if (depth > 0) shape.internals.push(pageNo);
    else shape.rootInternal = true;
    // The view's arrays are this page's own (JS arrays), valid while children are read.
    const keys = v.keys;
    const m = v.count;
    for (let i = 0; i <= m; i++) visit(v.child(i), i === 0 ? lo : keys[i - 1]!, i < m ? keys[i]! : hi, depth + 1);
  };
  visit(root, 0, undefined, 0);
  return shape;
}

/** Fills leaf pages in a private buffer; each page is written whole when the next one is known. */
class LeafWriter {
  readonly pages: number[] = [];
  readonly lows: U64[] = [];
  count = 0;
  /** Last key of the open page (0 at its start: the delta base). */
  prev: U64 = 0;
  /** Last key written, across pages; undefined after a kept leaf (its keys are not read). */
  last: U64 | undefined = undefined;
  private readonly buf: Uint8Array;
  private pos = PAGE_HEADER_SIZE;
  private pageNo = 0;
  private readonly pageSize: number;
  private readonly inlineMax: number;

  constructor(private readonly store: PageStore) {
    this.pageSize = store.pageSize;
    this.inlineMax = maxInlineValue(store.pageSize);
    this.buf = new Uint8Array(store.pageSize);
  }

  /** Starts filling page `pageNo` (closing the open page, linked to it). */
  open(pageNo: number): void {
    if (this.pageNo !== 0) this.flush(pageNo);
    this.pageNo = pageNo;
    this.pos = PAGE_HEADER_SIZE;
    this.count = 0;
    this.prev = 0;
  }

  /** Keeps leaf `pageNo` as it is, with `low` as its separator. */
  keep(pageNo: number, low: U64): void {
    if (this.pageNo !== 0) {
      this.flush(pageNo);
      this.pageNo = 0;
    }
    this.pages.push(pageNo);
    this.lows.push(low);
    this.last = undefined;
  }

  close(next: number): void {
    if (this.pageNo !== 0) this.flush(next);
    this.pageNo = 0;
  }

  /** A new entry: value bytes[start, end), to an overflow chain when too long to stay inline. */
  addNew(key: U64, bytes: Uint8Array, start: number, end: number): void {
    const len = end - start;
    if (len > this.inlineMax) {
      const ctl = writeOverflowChain(this.store, bytes.subarray(start, end)) * 2 + 1;
      const at = this.reserve(key, varintSize(ctl));
      this.pos = putVarint(this.buf, at, ctl);
      return;
    }
    const ctl = len * 2;
    const ctlSize = ctl < 128 ? 1 : varintSize(ctl);
    let at = this.reserve(key, ctlSize + len);
    const b = this.buf;
    if (ctlSize === 1) b[at++] = ctl;
    else at = putVarint(b, at, ctl);
    copyBytes(b, at, bytes, start, end);
    this.pos = at + len;
  }

  /** An old cell: its payload (control varint + inline value or overflow head) src[from, to) as it is. */
  addOld(key: U64, src: Uint8Array, from: number, to: number): void {
    const at = this.reserve(key, to - from);
    copyBytes(this.buf, at, src, from, to);
    this.pos = at + to - from;
  }

  /**
   * Old cells [from, to) of a delta-keyed page `src` (offsets from its view): the first of each
   * page gets its key re-encoded; the rest are copied as bytes, as many whole cells as fit.
   */
  addOldRun(keys: readonly U64[], cellOff: Int32Array, payOff: Int32Array, src: Uint8Array, from: number, to: number): void {
    while (from < to) {
      this.addOld(keys[from]!, src, payOff[from]!, cellOff[from + 1]!);
      from++;
      if (from >= to) return;
      const room = this.pageSize - this.pos;
      const base = cellOff[from]!;
      let end = to;
      if (cellOff[end]! - base > room) {
        let lo = from;
        let hi = to; // cellOff[lo] - base <= room < cellOff[hi] - base
        while (hi - lo > 1) {
          const mid = (lo + hi) >>> 1;
          if (cellOff[mid]! - base <= room) lo = mid;
          else hi = mid;
        }
        end = lo;
      }
      if (end === from) continue; // the next cell opens a new page
      const bytes = cellOff[end]! - base;
      copyBytes(this.buf, this.pos, src, base, base + bytes);
      this.pos += bytes;
      this.count += end - from;
      this.prev = keys[end - 1]!;
      this.last = this.prev;
      from = end;
    }
  }

  /** Writes the key of a cell with `body` payload bytes, opening a new page when it does not fit; returns the payload offset. */
  private reserve(key: U64, body: number): number {
    const prev = this.prev;
    let d = this.count === 0 ? key : typeof key === 'number' && typeof prev === 'number' ? key - prev : keyDelta(prev, key);
    let ds = typeof d === 'number' && d < 128 ? 1 : varintSize(d);
    if (this.count > 0 && this.pos + ds + body > this.pageSize) {
      this.open(this.store.allocate());
      d = key;
      ds = varintSize(d);
    }
    if (this.count === 0) {
      this.pages.push(this.pageNo);
      this.lows.push(key);
    }
    const b = this.buf;
    let at = this.pos;
    if (ds === 1) b[at++] = d as number;
    else at = putVarint(b, at, d);
    this.prev = key;
    this.last = key;
    this.count++;
    return at;
  }

  private flush(next: number): void {
    const img = this.store.write(this.pageNo);
    forgetPageView(img);
    img.set(this.buf.subarray(0, this.pos));
    img.fill(0, this.pos);
    writeHeader(img, PAGE_LEAF, this.count, next);
  }
}

function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, from: number, to: number): void {
  if (to - from > 24) {
    dst.set(src.subarray(from, to), at);
    return;
  }
  for (let i = from; i < to; i++) dst[at++] = src[i]!;
}

/**
 * Builds internal levels above `pages` (each with its separator) until one root remains; pages
 * come from `reuse` first. When the old root was internal its page id is kept for the new root.
 */
function buildLevels(store: PageStore, pages: number[], lows: U64[], reuse: number[], oldRoot: number, rootInternal: boolean): number {
  let next = 0;
  const alloc = (): number => (next < reuse.length ? reuse[next++]! : store.allocate());
  const pageSize = store.pageSize;
  while (pages.length > 1) {
    const groups = groupChildren(pages, lows, pageSize);
    const upPages: number[] = [];
    const upLows: U64[] = [];
    for (let g = 0; g < groups.length - 1; g++) {
      const from = groups[g]!;
      const to = groups[g + 1]!;
      // cells (low[i+1], page[i]) for i in [from, to-1), right child = page[to-1]
      const keys = lows.slice(from + 1, to);
      const children = pages.slice(from, to - 1);
      const p = alloc();
      writeInternal(store.write(p), keys, children, 0, keys.length, pages[to - 1]!);
      upPages.push(p);
      upLows.push(lows[from]!);
    }
    pages = upPages;
    lows = upLows;
  }
  for (let i = next; i < reuse.length; i++) store.free(reuse[i]!);
  const root = pages[0]!;
  if (!rootInternal || root === oldRoot) return root;
  // The old root was internal and is no longer in the tree: move the new root into its page id
  // (so catalogs keep pointing at it), then free the page the root was built in.
  const image = store.read(root).slice();
  const img = store.write(oldRoot);
  forgetPageView(img);
  img.set(image);
  store.free(root);
  return oldRoot;
}
