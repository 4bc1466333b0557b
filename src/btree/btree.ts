// The native B+Tree (spec/native-format.md §1.4): u64 keys → byte values, duplicates allowed,
// point lookup, insert with the native split policy and root split, update, delete without
// merge (ADR-0012 native: empty leaves may remain), bulk build, destroy, stats.
// Does not know what keys or values mean (record/catalog do) and never caches pages itself.
//
// Invariants (checked by checkTree):
//  1. Keys are non-decreasing within a page and along the leaf chain.
//  2. Child i of an internal page holds keys in [key[i-1], key[i]] (duplicates equal to a
//     separator may sit left of it); the right child holds keys >= the last key.
//  3. All leaves are at the same depth; the leaf chain links them left to right, last next = 0.
import { bytesEqual, constraintError, corrupt, putVarint, readU32, varintSize } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { compareKeys, keyDelta, normalizeKey } from './key.js';
import {
  FLAG_DELTA_KEYS, LINK, PAGE_LEAF, PAGE_TYPE, adoptLeafView, appendLeafCell, cachedView, maxInlineValue, pageLimit, readImage,
  readPage, viewOf,
} from './page-view.js';
import { LEAF_ABSENT, LEAF_FOUND, LEAF_NEEDS_VIEW, LEAF_PAST, leafHit, searchLeaf } from './leaf-search.js';
import type { PageView } from './page-view.js';
import {
  chooseLeafSplit,
  composeLeaf,
  internalSize,
  partitionLeaf,
  spliceInternal,
  writeEmptyLeaf,
  writeInternal,
  writeLeafFromDraft,
} from './page-writer.js';
import type { LeafDraft } from './page-writer.js';
import { freeOverflowChain, overflowChainPages, readOverflowChain, writeOverflowChain } from './overflow.js';
import { LeafCursor, MAX_DEPTH, storeEpoch } from './btree-cursor.js';
import type { BTreeCursor, StoreEpoch } from './btree-cursor.js';
import { bulkBuildTree } from './bulk-build.js';
import { copyBytes, spliceLeaf } from './leaf-splice.js';

export interface InsertOptions {
  /** Reject a key that already exists with ERR_CONSTRAINT (table trees). */
  readonly unique?: boolean;
}

export interface BTreeStats {
  depth: number;
  /** B+Tree pages (leaves + internal), overflow pages excluded. */
  pages: number;
  leaves: number;
  overflowPages: number;
  entries: number;
}

/** Control varint + value (or overflow head) of a cell being written. */
let payload = new Uint8Array(600);

/**
 * The path of the last descendForInsert (page ids and child indexes, root first), shared by
 * every tree: an insert uses it only between its own descent and its separator inserts, and
 * nothing in between descends another tree (engines create BTree objects per call, so
 * per-tree arrays were reallocated for every row).
 */
const pathPages: number[] = [];
const pathIdx: number[] = [];

/** The value of the cell searchLeaf just found in `leaf`: a view of inline bytes, or a copy. */
function leafHitValue(store: PageStore, leaf: Uint8Array): Uint8Array {
  const ctl = leafHit.control;
  if (ctl % 2 === 1) return readOverflowChain(store, (ctl - 1) / 2);
  return leaf.subarray(leafHit.valueOffset, leafHit.valueOffset + ctl / 2);
}

/**
 * A B+Tree over a PageStore. The root page id changes after a root split: read `root` after
 * writes and persist it (catalog record or header).
 * @example
 *   const t = BTree.create(store);
 *   t.insert(1, bytes); t.get(1); // → bytes (a view, see get)
 */
export class BTree {
  readonly store: PageStore;
  private rootPage: number;
  /** The store's modification counter, looked up on first need (a read-only get needs none). */
  private epochRef: StoreEpoch | null = null;
  /** Entries of pathPages/pathIdx valid after this tree's last descendForInsert. */
  private pathDepth = 0;
  /** Cursor for get/has/update/delete, made on first use (many trees only insert or scan). */
  private finderCursor: LeafCursor | undefined = undefined;
  /** Set by descendForInsert: the tightest lower separator on the path equals the key. */
  private lowSepEqual = false;

  constructor(store: PageStore, root: number) {
    this.store = store;
    this.rootPage = root;
  }

  private get epoch(): StoreEpoch {
    return this.epochRef ?? (this.epochRef = storeEpoch(this.store));
  }

  private get finder(): LeafCursor {
    return this.finderCursor ?? (this.finderCursor = new LeafCursor(this, this.epoch));
  }

  /** Allocates an empty leaf root (flags 1). */
  static create(store: PageStore): BTree {
    const root = store.allocate();
    writeEmptyLeaf(store.write(root), 0);
    return new BTree(store, root);
  }

  /** Builds a tree bottom-up from entries sorted by key (duplicates allowed), pages filled. */
  static bulkBuild(store: PageStore, entries: Iterable<readonly [U64, Uint8Array]>): BTree {
    return new BTree(store, bulkBuildTree(store, entries));
  }

  get root(): number {
    return this.rootPage;
  }

  /**
   * Value of the first entry with `key`. Inline values are views into the page image, valid
   * until the next write to this store (forever for a committed snapshot); overflow values are
   * copies.
   */
  get(key: U64): Uint8Array | undefined {
    key = normalizeKey(key);
    // Fast path without a cursor: a leftmost descent; when the leaf holds a key >= `key`, it is
    // the first such key of the tree (invariant 2), as the cursor would find.
    const store = this.store;
    const limit = pageLimit(store);
    let pageNo = this.rootPage;
    let buf = readImage(store, pageNo, limit);
    let v: PageView;
    for (let depth = 0; ; depth++) {
      if (buf[PAGE_TYPE] === PAGE_LEAF) {
        const cached = cachedView(pageNo, buf);
        if (cached !== undefined) {
          v = cached;
          break;
        }
        // A leaf without a decoded view (typically just read from the file): one walk to the
        // key costs a fraction of decoding the whole page, which only pays off after dozens of
        // gets on the same image (cursors, which step through leaves, do decode and cache it).
        const found = typeof key === 'number' ? searchLeaf(buf, pageNo, limit, key) : LEAF_NEEDS_VIEW;
        if (found === LEAF_FOUND) return leafHitValue(store, buf);
        if (found === LEAF_ABSENT) return undefined;
        if (found === LEAF_PAST) return this.getFromLaterLeaf(key, readU32(buf, LINK));
      }
      v = viewOf(pageNo, buf, limit);
      if (v.isLeaf) break;
      if (depth >= MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
      pageNo = v.child(v.lowerBound(key));
      buf = readImage(store, pageNo, limit);
    }
    const i = v.lowerBound(key);
    if (i < v.count) {
      if (compareKeys(v.keys[i]!, key) !== 0) return undefined;
      if (v.isOverflow(i)) return readOverflowChain(store, v.overflowHead(i));
      const off = v.valueOffset(i);
      return buf.subarray(off, off + v.valueLength(i));
    }
    return this.getFromLaterLeaf(key, v.link);
  }

  /**
   * `get` when the first key >= `key` lies in a later leaf (or none does). Usually `key` is the
   * first key of the next leaf (the separator above both): one hop along the chain finds it;
   * otherwise (empty leaves on the way, a decoded next leaf) the cursor follows the chain.
   */
  private getFromLaterLeaf(key: U64, next: number): Uint8Array | undefined {
    if (typeof key === 'number' && next !== 0) {
      const store = this.store;
      const limit = pageLimit(store);
      const buf = readImage(store, next, limit);
      if (buf[PAGE_TYPE] === PAGE_LEAF && cachedView(next, buf) === undefined) {
        const found = searchLeaf(buf, next, limit, key);
        if (found === LEAF_FOUND) return leafHitValue(store, buf);
        if (found === LEAF_ABSENT) return undefined;
      }
    }
    const c = this.finder;
    if (!c.seek(key) || compareKeys(c.key, key) !== 0) return undefined;
    return c.value();
  }

  /** Whether some entry has `key`. */
  has(key: U64): boolean {
    const c = this.finder;
    key = normalizeKey(key);
    return c.seek(key) && compareKeys(c.key, key) === 0;
  }

  /** Inserts after any equal keys; with `unique`, an existing key → ERR_CONSTRAINT. */
  insert(key: U64, value: Uint8Array, opts?: InsertOptions): void {
    key = normalizeKey(key);
    const leaf = this.descendForInsert(key);
    const at = leaf.upperBound(key);
    if (opts?.unique === true) {
      const dupHere = at > 0 && compareKeys(leaf.keys[at - 1]!, key) === 0;
      if (dupHere || (this.lowSepEqual && this.has(key))) {
        throw constraintError('Unique constraint violation', { key: String(key) });
      }
    }
    const len = this.buildPayload(value);
    this.insertAt(leaf, at, key, payload, len);
  }

  /** Replaces the value of the first entry with `key`; false when absent. */
  update(key: U64, value: Uint8Array): boolean {
    key = normalizeKey(key);
    const c = this.finder;
    if (!c.seek(key) || compareKeys(c.key, key) !== 0) return false;
    const v = c.view!;
    const i = c.idx;
    const pageNo = c.pageNo;
    const src = c.buf;
    if (!v.isOverflow(i) && v.valueLength(i) === value.length) {
      // Same-size inline value: overwrite the bytes in place; every offset (and so the cached
      // view) stays valid.
      const page = this.store.write(pageNo);
      this.epoch.n++;
      page.set(value, v.valueOffset(i));
      if (page !== src) adoptLeafView(page, v);
      return true;
    }
    if (v.isOverflow(i)) freeOverflowChain(this.store, v.overflowHead(i));
    const len = this.buildPayload(value);
    this.epoch.n++;
    if (v.flags === FLAG_DELTA_KEYS) {
      const page = this.store.write(pageNo);
      if (spliceLeaf(page, v, page === src, i, 1, key, payload, len)) return true;
    }
    const d = composeLeaf(src, v, i, 1, key, payload.subarray(0, len));
    if (d.end <= this.store.pageSize) {
      writeLeafFromDraft(this.store.write(pageNo), d, 0, d.count, v.link);
      return true;
    }
    // Too big for its leaf: remove it, then re-insert it first among its equal keys (leftmost
    // descent), which is where it was, so duplicate order is kept.
    const saved = payload.slice(0, len);
    const d2 = composeLeaf(src, v, i, 1, undefined, undefined);
    writeLeafFromDraft(this.store.write(pageNo), d2, 0, d2.count, v.link);
    const leaf = this.descendForInsert(key, true);
    this.insertAt(leaf, leaf.lowerBound(key), key, saved, saved.length);
    return true;
  }

  /**
   * Removes the first entry with `key` or, given `value`, the first whose (key, value bytes)
   * match exactly (index trees). No merge: the leaf may become empty.
   */
  delete(key: U64, value?: Uint8Array): boolean {
    key = normalizeKey(key);
    const c = this.finder;
    if (!c.seek(key)) return false;
    while (c.valid && compareKeys(c.key, key) === 0) {
      const v = c.view!;
      const i = c.idx;
      if (value === undefined || this.valueMatches(v, c.buf, i, value)) {
        if (v.isOverflow(i)) freeOverflowChain(this.store, v.overflowHead(i));
        this.epoch.n++;
        const src = c.buf;
        const page = this.store.write(c.pageNo);
        // A removal never grows a delta-key page, so the in-place splice always applies there.
        if (spliceLeaf(page, v, page === src, i, 1, 0, undefined)) return true;
        const d = composeLeaf(src, v, i, 1, undefined, undefined);
        writeLeafFromDraft(page, d, 0, d.count, v.link);
        return true;
      }
      c.next();
    }
    return false;
  }

  cursor(): BTreeCursor {
    return new LeafCursor(this, this.epoch);
  }

  /** Largest key, or undefined when the tree has no entries (empty leaves are skipped). */
  lastKey(): U64 | undefined {
    return this.lastKeyIn(this.rootPage, 0, pageLimit(this.store));
  }

  /** Frees every page of the tree, overflow chains included. The tree is unusable after. */
  destroy(): void {
    const pages: number[] = [];
    const heads: number[] = [];
    this.walk((v) => {
      pages.push(v.pageNo);
      if (v.isLeaf) for (let i = 0; i < v.count; i++) if (v.isOverflow(i)) heads.push(v.overflowHead(i));
    });
    for (const h of heads) freeOverflowChain(this.store, h);
    for (const p of pages) this.store.free(p);
    this.epoch.n++;
  }

  /** Walks the whole tree. */
  stats(): BTreeStats {
    const s: BTreeStats = { depth: 0, pages: 0, leaves: 0, overflowPages: 0, entries: 0 };
    this.walk((v, depth) => {
      s.pages++;
      if (depth + 1 > s.depth) s.depth = depth + 1;
      if (!v.isLeaf) return;
      s.leaves++;
      s.entries += v.count;
      for (let i = 0; i < v.count; i++) if (v.isOverflow(i)) s.overflowPages += overflowChainPages(this.store, v.overflowHead(i));
    });
    return s;
  }

  // ---- internals ----

  /**
   * Descent recording the path: strict (first key > search key: insert after equal keys) or,
   * with `leftmost`, first key >= search key (insert before equal keys; invariant 2 holds both
   * ways because child i accepts keys in [key[i-1], key[i]]).
   */
  private descendForInsert(key: U64, leftmost = false): PageView {
    const store = this.store;
    const limit = pageLimit(store);
    const pages = pathPages;
    const idx = pathIdx;
    let depth = 0;
    let low: U64 | undefined;
    let pageNo = this.rootPage;
    let v = readPage(store, pageNo, limit);
    while (!v.isLeaf) {
      if (depth >= MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
      const i = leftmost ? v.lowerBound(key) : v.upperBound(key);
      if (i > 0) low = v.keys[i - 1]!;
      pages[depth] = pageNo;
      idx[depth] = i;
      depth++;
      pageNo = v.child(i);
      v = readPage(store, pageNo, limit);
    }
    this.pathDepth = depth;
    this.lowSepEqual = low !== undefined && compareKeys(low, key) === 0;
    return v;
  }

  /** Encodes the control varint and value (spilling to an overflow chain) into `payload`. */
  private buildPayload(value: Uint8Array): number {
    const store = this.store;
    if (value.length > maxInlineValue(store.pageSize)) {
      const head = writeOverflowChain(store, value);
      return putVarint(payload, 0, head * 2 + 1);
    }
    if (payload.length < value.length + 10) payload = new Uint8Array(value.length + 16);
    const pos = putVarint(payload, 0, value.length * 2);
    payload.set(value, pos);
    return pos + value.length;
  }

  /** Inserts the cell (`key`, first `cellLen` bytes of `cell`) at index `at` of `leaf`. */
  private insertAt(leaf: PageView, at: number, key: U64, cell: Uint8Array, cellLen: number): void {
    const store = this.store;
    const pageNo = leaf.pageNo;
    const src = store.read(pageNo);
    this.epoch.n++;
    // Native fast path: append one cell in place at the end of the page.
    if (at === leaf.count) {
      const prev = at > 0 && leaf.flags === FLAG_DELTA_KEYS ? leaf.keys[at - 1]! : 0;
      const k = keyDelta(prev, key);
      const end = leaf.end;
      if (end + varintSize(k) + cellLen <= store.pageSize && at < 0xffff) {
        const page = store.write(pageNo);
        const pos = putVarint(page, end, k);
        copyBytes(page, pos, cell, cellLen);
        page[2] = (at + 1) & 0xff;
        page[3] = (at + 1) >>> 8;
        // The view stays current (grown in place when it is this writable buffer's own).
        appendLeafCell(page, pageNo, leaf, page === src, key, end, pos, pos + cellLen);
        return;
      }
    }
    if (leaf.flags === FLAG_DELTA_KEYS) {
      // Mid-page insert: move the tail in place, keep the view current (no re-decode).
      const page = store.write(pageNo);
      if (spliceLeaf(page, leaf, page === src, at, 0, key, cell, cellLen)) return;
    }
    const d = composeLeaf(src, leaf, at, 0, key, cell.subarray(0, cellLen));
    if (d.end <= store.pageSize) {
      writeLeafFromDraft(store.write(pageNo), d, 0, d.count, leaf.link);
      return;
    }
    this.splitLeaf(pageNo, leaf.link, d, at === leaf.count && leaf.link === 0);
  }

  private splitLeaf(pageNo: number, next: number, d: LeafDraft, appendPastEnd: boolean): void {
    const store = this.store;
    const s = chooseLeafSplit(d, store.pageSize, appendPastEnd);
    const starts = s > 0 ? [0, s] : partitionLeaf(d, store.pageSize);
    const parts = starts.length;
    const pages: number[] = [pageNo];
    const seps: U64[] = [];
    for (let p = 1; p < parts; p++) {
      pages.push(store.allocate());
      seps.push(d.keys[starts[p]!]!);
    }
    for (let p = parts - 1; p >= 0; p--) {
      const to = p + 1 < parts ? starts[p + 1]! : d.count;
      // Views built from the draft spare decoding the parts on their next visit; an append
      // past the end never visits its full left part again, so that one is not built.
      const viewOf = appendPastEnd && p === 0 ? undefined : pages[p]!;
      writeLeafFromDraft(store.write(pages[p]!), d, starts[p]!, to, p + 1 < parts ? pages[p + 1]! : next, viewOf);
    }
    pages.shift();
    this.insertSeparators(seps, pages);
  }

  /**
   * Inserts separators and their new right siblings (split from the child at the path's end)
   * into the parents on the recorded path, splitting upwards; a root split makes a new root.
   */
  private insertSeparators(seps: U64[], news: number[]): void {
    const store = this.store;
    const limit = pageLimit(store);
    for (let level = this.pathDepth - 1; level >= 0; level--) {
      const pageNo = pathPages[level]!;
      const j = pathIdx[level]!;
      const v = readPage(store, pageNo, limit);
      const src = store.read(pageNo);
      if (spliceInternal(store.write(pageNo), src, v, j, seps, news)) return;
      const n = v.count;
      const keys = v.keys.slice(0, n);
      const children = Array.from(v.aux.subarray(0, n));
      let right = v.link;
      // child j split into (child j, news...): cells (seps[0], child j), (seps[1], news[0]), ...
      keys.splice(j, 0, ...seps);
      if (j < n) children.splice(j + 1, 0, ...news);
      else {
        children.push(right, ...news.slice(0, -1));
        right = news[news.length - 1]!;
      }
      const m = keys.length;
      if (internalSize(keys, children, 0, m) <= store.pageSize) {
        writeInternal(store.write(pageNo), keys, children, 0, m, right);
        return;
      }
      const mid = m >> 1;
      const fresh = store.allocate();
      writeInternal(store.write(fresh), keys, children, mid + 1, m, right);
      writeInternal(store.write(pageNo), keys, children, 0, mid, children[mid]!);
      seps = [keys[mid]!];
      news = [fresh];
    }
    const root = store.allocate();
    const children = [this.rootPage, ...news.slice(0, -1)];
    writeInternal(store.write(root), seps, children, 0, seps.length, news[news.length - 1]!);
    this.rootPage = root;
  }

  private valueMatches(v: PageView, buf: Uint8Array, i: number, value: Uint8Array): boolean {
    if (v.isOverflow(i)) {
      if (value.length <= maxInlineValue(this.store.pageSize)) return false;
      return bytesEqual(readOverflowChain(this.store, v.overflowHead(i)), value);
    }
    const len = v.valueLength(i);
    if (len !== value.length) return false;
    const off = v.valueOffset(i);
    for (let j = 0; j < len; j++) if (buf[off + j] !== value[j]) return false;
    return true;
  }

  private lastKeyIn(pageNo: number, depth: number, limit: number): U64 | undefined {
    if (depth > MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
    const v = readPage(this.store, pageNo, limit);
    if (v.isLeaf) return v.count > 0 ? v.keys[v.count - 1] : undefined;
    for (let i = v.count; i >= 0; i--) {
      const k = this.lastKeyIn(v.child(i), depth + 1, limit);
      if (k !== undefined) return k;
    }
    return undefined;
  }

  /** Depth-first visit of every tree page (bounded depth; a page seen twice is corruption). */
  private walk(visit: (v: PageView, depth: number) => void): void {
    const store = this.store;
    const limit = pageLimit(store);
    const seen = new Set<number>();
    const stack: number[] = [this.rootPage, 0];
    while (stack.length > 0) {
      const depth = stack.pop()!;
      const pageNo = stack.pop()!;
      if (depth > MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
      if (seen.has(pageNo)) throw corrupt(pageNo, 'page reachable twice in the B+Tree');
      seen.add(pageNo);
      const v = readPage(store, pageNo, limit);
      visit(v, depth);
      if (!v.isLeaf) for (let i = v.count; i >= 0; i--) stack.push(v.child(i), depth + 1);
    }
  }
}
