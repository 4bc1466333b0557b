// Decoding a B+Tree page image (spec/native-format.md §1.4) into an index of its cells, cached
// per image buffer, so lookups binary-search instead of re-scanning varints; a leaf's view is
// kept current through in-place appends and same-size value updates instead of re-decoded.
// Does not modify pages (page-writer.ts does). Every count, offset and id is bounded here.
//
// Common 8-byte page header, little-endian:
//   off size field      meaning
//    0   1   pageType   1 = internal, 2 = leaf
//    1   1   flags      0x01 = keys delta-encoded (readers test == 1; anything else = absolute)
//    2   2   cellCount  u16
//    4   4   link       leaf: next leaf (0 = last) | internal: right child
// Cells packed from offset 8, no slot directory:
//   leaf:     key varint | control varint (bit 0 overflow; >> 1 = length or overflow head) | value
//   internal: key varint | child varint
import { ByteReader, corrupt, readU16, readU32 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { lastReadWasFresh, onImageReuse, type PageStore, type ScanRing } from '../pager/index.js';
import { keyAdd } from './key.js';

export const PAGE_TYPE = 0;
export const FLAGS = 1;
export const CELL_COUNT = 2;
export const LINK = 4;
export const PAGE_HEADER_SIZE = 8;
export const PAGE_INTERNAL = 1;
export const PAGE_LEAF = 2;
export const FLAG_DELTA_KEYS = 0x01;

/** Largest inline leaf value; longer values go to an overflow chain (§1.4). */
export const maxInlineValue = (pageSize: number): number => Math.min(512, pageSize - 24);

/** The highest valid page id of a store, when the store tells (optional `pageCount`). */
export function pageLimit(store: PageStore): number {
  const c = (store as { readonly pageCount?: unknown }).pageCount;
  return typeof c === 'number' ? c : 0xffffffff;
}

/** Spare slots in a leaf view's arrays, so appends in place rarely reallocate. @internal */
export const APPEND_ROOM = 8;

/**
 * The aux, cellOff and payOff arrays of a view with room for `cap` cells, on one backing store:
 * a typed array past V8's on-heap limit (64 bytes) gets an off-heap allocation of its own, so
 * separate arrays cost a page miss three of them.
 */
export function viewArrays(cap: number): { aux: Float64Array; cellOff: Int32Array; payOff: Int32Array } {
  const store = new ArrayBuffer(cap * 16 + 4);
  return { aux: new Float64Array(store, 0, cap), cellOff: new Int32Array(store, cap * 8, cap + 1), payOff: new Int32Array(store, cap * 12 + 4, cap) };
}

/** A leaf's cell index as a writer computed it (flags are always FLAG_DELTA_KEYS). @internal */
export interface ViewParts {
  readonly type: number;
  readonly link: number;
  /** Exactly the page's keys (its length is the cell count). */
  readonly keys: U64[];
  readonly cellOff: Int32Array;
  readonly payOff: Int32Array;
  readonly aux: Float64Array;
}

/**
 * The decoded cell index of one page image. For a leaf, `aux[i]` is the control varint; for an
 * internal page, the child page id. `cellOff[count]` is the end of the last cell. A leaf
 * value starts right after its control varint: `valueOffset(i)` (not stored, so an in-place
 * splice rebases two offset arrays, not three).
 */
export class PageView {
  // Fields are written by the constructor, and again only by `redecode` on a cursor's private
  // scratch view (never one the cache holds) and by the in-place leaf writers (count, h0).
  pageNo!: number;
  type!: number;
  flags!: number;
  /** Mutable only through appendLeafCell / spliceLeaf, on a view its writable buffer owns alone. */
  count!: number;
  link!: number;
  keys!: U64[];
  /** Typed arrays may be longer than `count` (+1 for cellOff): room for in-place appends. */
  cellOff!: Int32Array;
  payOff!: Int32Array;
  aux!: Float64Array;
  /**
   * Value offsets, only for a decoded leaf with a non-minimal control varint (valid LEB128
   * that our writers never produce): then valueOffset cannot derive them, and in-place
   * writers leave such a page to the rewriting path. Null otherwise.
   */
  valOffs!: Int32Array | null;
  /** Header words, to detect a buffer whose bytes changed behind the cache. */
  h0!: number;
  h1!: number;

  /**
   * Decodes `buf`, or, given `parts` (a writer that has just produced `buf` and knows its cell
   * index), takes them as they are: no decoding, no bounds checks needed on our own output.
   */
  constructor(pageNo: number, buf: Uint8Array, limit: number, parts?: ViewParts) {
    if (parts !== undefined) {
      this.pageNo = pageNo;
      this.type = parts.type;
      this.flags = FLAG_DELTA_KEYS;
      this.count = parts.keys.length;
      this.link = parts.link;
      this.keys = parts.keys;
      this.cellOff = parts.cellOff;
      this.payOff = parts.payOff;
      this.valOffs = null;
      this.aux = parts.aux;
      this.h0 = readU32(buf, 0);
      this.h1 = parts.link;
      return;
    }
    this.decode(pageNo, buf, limit, false);
  }

  /**
   * Decodes `buf` into this view, reusing its arrays when they are large enough: for a view
   * only its owner sees (a forward cursor's scratch view for leaves it passes once), never one
   * the cache holds. Returns this.
   */
  redecode(pageNo: number, buf: Uint8Array, limit: number): this {
    this.decode(pageNo, buf, limit, true);
    return this;
  }

  private decode(pageNo: number, buf: Uint8Array, limit: number, reuse: boolean): void {
    const type = buf[PAGE_TYPE]!;
    if (type !== PAGE_INTERNAL && type !== PAGE_LEAF) throw corrupt(pageNo, `bad B+Tree page type ${type}`);
    const flags = buf[FLAGS]!;
    const count = readU16(buf, CELL_COUNT);
    const size = buf.length;
    if (count > (size - PAGE_HEADER_SIZE) >> 1) throw corrupt(pageNo, `cell count ${count} cannot fit the page`);
    const link = readU32(buf, LINK);
    const leaf = type === PAGE_LEAF;
    if (!leaf && (link < 1 || link > limit)) throw corrupt(pageNo, `right child ${link} out of range`);
    if (leaf && link > limit) throw corrupt(pageNo, `next leaf ${link} out of range`);
    this.pageNo = pageNo;
    this.type = type;
    this.flags = flags;
    this.count = count;
    this.link = link;
    this.h0 = readU32(buf, 0);
    this.h1 = link;
    const keys: U64[] = new Array<U64>(count);
    const cap = leaf ? count + APPEND_ROOM : count;
    const { aux, cellOff, payOff } = reuse && this.aux.length >= cap ? this : viewArrays(cap);
    let valOffs: Int32Array | null = null;
    const r = reader.reset(buf, PAGE_HEADER_SIZE, size, pageNo);
    const delta = flags === FLAG_DELTA_KEYS;
    let prev: U64 = 0;
    let pos = PAGE_HEADER_SIZE;
    for (let i = 0; i < count; i++) {
      cellOff[i] = pos;
      // Inline varint for up to 7 bytes (exact in a double); longer ones take ByteReader.
      let raw: U64 = 0;
      let mul = 1;
      let b = 0x80;
      const start = pos;
      while (b >= 0x80 && mul < 0x2000000000000) {
        if (pos >= size) throw corrupt(pageNo, `truncated varint in cell ${i}`);
        b = buf[pos++]!;
        raw += (b & 0x7f) * mul;
        mul *= 128;
      }
      if (b >= 0x80) {
        r.pos = start;
        raw = r.varint();
        pos = r.pos;
      }
      let key: U64;
      if (delta) {
        let k: U64 | undefined;
        if (typeof prev === 'number' && typeof raw === 'number' && prev + raw <= Number.MAX_SAFE_INTEGER) k = prev + raw;
        else k = keyAdd(prev, raw);
        if (k === undefined) throw corrupt(pageNo, `delta key of cell ${i} passes 2^64`);
        key = k;
      } else {
        key = raw;
        if (i > 0 && (typeof key === typeof prev ? key < prev : typeof key === 'number')) {
          throw corrupt(pageNo, `keys out of order at cell ${i}`);
        }
      }
      keys[i] = key;
      prev = key;
      payOff[i] = pos;
      r.pos = pos;
      if (leaf) {
        const ctl = r.smallVarint(0x1ffffffff, 'leaf control');
        aux[i] = ctl;
        if (valOffs !== null) valOffs[i] = r.pos;
        else if (r.pos - pos !== controlSize(ctl)) {
          valOffs = new Int32Array(count);
          for (let j = 0; j < i; j++) valOffs[j] = payOff[j]! + controlSize(aux[j]!);
          valOffs[i] = r.pos;
        }
        if (ctl % 2 === 0) r.skip(ctl / 2);
        else {
          const head = (ctl - 1) / 2;
          if (head < 1 || head > limit) throw corrupt(pageNo, `overflow head ${head} out of range in cell ${i}`);
        }
      } else {
        const child = r.smallVarint(0xffffffff, 'child page id');
        if (child < 1 || child > limit) throw corrupt(pageNo, `child ${child} out of range in cell ${i}`);
        aux[i] = child;
      }
      pos = r.pos;
    }
    cellOff[count] = r.pos;
    this.keys = keys;
    this.cellOff = cellOff;
    this.payOff = payOff;
    this.valOffs = valOffs;
    this.aux = aux;
  }

  get isLeaf(): boolean {
    return this.type === PAGE_LEAF;
  }

  /** Byte offset just past the last cell. */
  get end(): number {
    return this.cellOff[this.count]!;
  }

  /** Child followed by cell index i of an internal page (i === count → right child). */
  child(i: number): number {
    return i < this.count ? this.aux[i]! : this.link;
  }

  /** First cell index whose key is strictly greater than `key` (count if none). */
  upperBound(key: U64): number {
    const keys = this.keys;
    let lo = 0;
    let hi = this.count;
    if (typeof key === 'number') {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const k = keys[mid]!;
        if (typeof k === 'number' && k <= key) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (typeof k === 'number' || k <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First cell index whose key is >= `key` (count if none). */
  lowerBound(key: U64): number {
    const keys = this.keys;
    let lo = 0;
    let hi = this.count;
    if (typeof key === 'number') {
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const k = keys[mid]!;
        if (typeof k === 'number' && k < key) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    }
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (typeof k === 'number' || k < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Byte offset of leaf cell i's value (inline bytes or overflow head): after its control varint. */
  valueOffset(i: number): number {
    const exact = this.valOffs;
    return exact === null ? this.payOff[i]! + controlSize(this.aux[i]!) : exact[i]!;
  }

  /** Whether leaf cell i keeps its value in an overflow chain. */
  isOverflow(i: number): boolean {
    return this.aux[i]! % 2 === 1;
  }

  /** Inline value length of leaf cell i (only when not overflow). */
  valueLength(i: number): number {
    return this.aux[i]! / 2;
  }

  /** Overflow head page of leaf cell i (only when overflow). */
  overflowHead(i: number): number {
    return (this.aux[i]! - 1) / 2;
  }
}

/** Bytes of a control varint (< 2^35) in minimal LEB128. @internal */
export function controlSize(ctl: number): number {
  return ctl < 0x80 ? 1 : ctl < 0x4000 ? 2 : ctl < 0x200000 ? 3 : ctl < 0x10000000 ? 4 : 5;
}

const reader = new ByteReader();
const cache = new WeakMap<Uint8Array, PageView>();
let cacheEnabled = true;
// An image the page cache recycles (evicted, then reused for another page) loses its view.
onImageReuse((image) => {
  cache.delete(image);
});

/** Counters for tests and benchmarks. @internal */
export const pageViewStats = { decodes: 0, hits: 0 };

/** Turns the decoded-page cache on or off (benchmarks compare both). @internal */
export function setPageViewCache(enabled: boolean): void {
  cacheEnabled = enabled;
}

/**
 * The decoded view of `buf` (page `pageNo`). Cached per buffer: committed images never change
 * (PageStore contract 1), and every B+Tree write either drops the view (`forgetPageView`, then a
 * re-decode) or keeps it exact (`appendLeafCell`, `adoptLeafView`, `spliceLeaf`). The header words are
 * compared too, as a guard against a buffer reused behind our back; bytes changed behind the
 * B+Tree's back in a writable buffer it wrote are not detected (only fresh images are decoded).
 */
export function viewOf(pageNo: number, buf: Uint8Array, limit: number): PageView {
  if (cacheEnabled) {
    const v = cache.get(buf);
    if (v !== undefined && v.pageNo === pageNo && v.h0 === readU32(buf, 0) && v.h1 === readU32(buf, LINK)) {
      pageViewStats.hits++;
      return v;
    }
  }
  pageViewStats.decodes++;
  const v = new PageView(pageNo, buf, limit);
  if (cacheEnabled) cache.set(buf, v);
  return v;
}

/** The cached view of `buf` (page `pageNo`) when there is a valid one; never decodes. @internal */
export function cachedView(pageNo: number, buf: Uint8Array): PageView | undefined {
  if (!cacheEnabled) return undefined;
  const v = cache.get(buf);
  if (v !== undefined && v.pageNo === pageNo && v.h0 === readU32(buf, 0) && v.h1 === readU32(buf, LINK)) {
    pageViewStats.hits++;
    return v;
  }
  return undefined;
}

/**
 * Caches `v` as the view of `buf`, a writable image a writer has just edited in place and whose
 * cell index it kept exact (leaf-splice.ts). No-op while the cache is off. @internal
 */
export function cacheView(buf: Uint8Array, v: PageView): void {
  if (cacheEnabled) cache.set(buf, v);
}

/** Whether decoded views are cached (writers skip keeping them current when not). @internal */
export const pageViewCacheEnabled = (): boolean => cacheEnabled;

/** Drops the cached view of a buffer about to be modified. */
export function forgetPageView(buf: Uint8Array): void {
  cache.delete(buf);
}

/**
 * Caches for `copy` (a writable copy of the image `v` describes, possibly with value bytes
 * changed in place, never offsets) a view of its own: the arrays are copied, not shared, so an
 * in-place append to one never shows in the other.
 */
export function adoptLeafView(copy: Uint8Array, v: PageView): void {
  if (!cacheEnabled || v.type !== PAGE_LEAF || v.valOffs !== null) return;
  const n = v.count;
  const w = new PageView(v.pageNo, copy, 0, {
    type: PAGE_LEAF, link: v.link, keys: v.keys.slice(0, n), cellOff: v.cellOff.slice(), payOff: v.payOff.slice(),
    aux: v.aux.slice(),
  });
  cache.set(copy, w);
}

/** Offset just past the control varint read by the last leafControlAt call. */
let ctlEnd = 0;

/** Reads the control varint of the leaf cell whose payload starts at `pos`; sets `ctlEnd`. */
function leafControlAt(buf: Uint8Array, pos: number): number {
  let ctl = 0;
  let mul = 1;
  let b = 0x80;
  while (b >= 0x80) {
    b = buf[pos++]!;
    ctl += (b & 0x7f) * mul;
    mul *= 128;
  }
  ctlEnd = pos;
  return ctl;
}

/**
 * Keeps the cached view of leaf `page` current after one cell was appended in place at `cellStart`
 * (key `key`, payload at `payStart`, cell end `cellEnd`) instead of decoding the page again.
 * `v` is the view the insert descended through; `owned` says it was the view of `page` itself
 * (a writable buffer's own view, so it may grow in place), else it is copied first.
 */
export function appendLeafCell(page: Uint8Array, pageNo: number, v: PageView, owned: boolean, key: U64, cellStart: number, payStart: number, cellEnd: number): void {
  if (!cacheEnabled) return;
  if (v.valOffs !== null) {
    cache.delete(page); // a non-minimal varint elsewhere on the page: decode afresh
    return;
  }
  const n = v.count;
  let w = v;
  if (!owned || v.cellOff.length < n + 2) {
    const { aux, cellOff, payOff } = viewArrays(2 * n + APPEND_ROOM);
    cellOff.set(v.cellOff.subarray(0, n + 1));
    payOff.set(v.payOff.subarray(0, n));
    aux.set(v.aux.subarray(0, n));
    w = new PageView(pageNo, page, 0, { type: PAGE_LEAF, link: v.link, keys: v.keys.slice(0, n), cellOff, payOff, aux });
  }
  const ctl = leafControlAt(page, payStart);
  w.keys[n] = key;
  w.cellOff[n] = cellStart;
  w.payOff[n] = payStart;
  w.aux[n] = ctl;
  w.cellOff[n + 1] = cellEnd;
  w.count = n + 1;
  w.h0 = readU32(page, 0);
  cache.set(page, w);
}

let lastBuf: Uint8Array = new Uint8Array(0);

/** Reads the image of page `pageNo` of `store` (id checked against `limit`), without decoding. */
export function readImage(store: PageStore, pageNo: number, limit: number): Uint8Array {
  if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > limit) throw corrupt(pageNo, 'B+Tree page id out of range');
  return store.read(pageNo);
}

/** Reads and decodes page `pageNo` of `store`. */
export function readPage(store: PageStore, pageNo: number, limit: number): PageView {
  if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > limit) throw corrupt(pageNo, 'B+Tree page id out of range');
  const buf = store.read(pageNo);
  lastBuf = buf;
  return viewOf(pageNo, buf, limit);
}

/**
 * Reads and decodes page `pageNo` for a cursor stepping forward onto it. An image first used
 * just now (read on a miss or ahead of a scan: `lastReadWasFresh`) is decoded into `owner.scratch`,
 * the cursor's own view, reusing its arrays, and not cached: a scan over more pages than the
 * cache holds would otherwise allocate and cache a view per leaf that nothing reads again.
 * Images in use already go through the cache (`viewOf`). With `owner.ring` set, a snapshot
 * reader may serve the page from that ring (scan-ring.ts; always fresh, so always the scratch
 * view): the image then lasts only until the owner's next hop. Returns `owner.scratch` (made on
 * first use) or a cached view; `lastPageBuffer()` is the image.
 */
export function readPassingPage(store: PageStore, pageNo: number, limit: number, owner: { scratch: PageView | null; ring: ScanRing | null }): PageView {
  if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > limit) throw corrupt(pageNo, 'B+Tree page id out of range');
  const ring = owner.ring;
  const buf = ring !== null && store.readPassing !== undefined ? store.readPassing(pageNo, ring) : store.read(pageNo);
  lastBuf = buf;
  if (!cacheEnabled || !lastReadWasFresh()) return viewOf(pageNo, buf, limit);
  pageViewStats.decodes++;
  const s = owner.scratch;
  return s === null ? (owner.scratch = new PageView(pageNo, buf, limit)) : s.redecode(pageNo, buf, limit);
}

/**
 * The image behind the latest `readPage` result, so a caller that needs the bytes too does not
 * read the page from the store a second time (one cache access per page visit).
 */
export const lastPageBuffer = (): Uint8Array => lastBuf;
