// Building B+Tree page images (spec/native-format.md §1.4): leaf rewrites with one cell
// inserted, replaced or removed, the native leaf split (~2/3 left; append-past-end puts only the
// new cell right), and internal page encoding. Always writes flags = 1 (delta keys).
// Does not descend or choose pages (btree.ts does); works in module scratch, no per-cell garbage.
import { DecentDBError, putVarint, varintSize, writeU16, writeU32 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { keyDelta } from './key.js';
import {
  APPEND_ROOM,
  CELL_COUNT,
  FLAGS,
  FLAG_DELTA_KEYS,
  LINK,
  PAGE_HEADER_SIZE,
  PAGE_INTERNAL,
  PAGE_LEAF,
  PAGE_TYPE,
  PageView,
  cacheView,
  controlSize,
  forgetPageView,
  pageViewCacheEnabled,
  viewArrays,
} from './page-view.js';

/** A leaf image composed in scratch: `count` cells, cell i at `off[i]`, payload at `pay[i]`. */
export class LeafDraft {
  buf = new Uint8Array(0);
  keys: U64[] = [];
  off = new Int32Array(0);
  pay = new Int32Array(0);
  count = 0;

  /** Byte offset just past the last cell. */
  get end(): number {
    return this.off[this.count]!;
  }

  ensure(pageSize: number, cells: number): void {
    if (this.buf.length < 2 * pageSize + 64) this.buf = new Uint8Array(2 * pageSize + 64);
    if (this.off.length < cells + 2) {
      this.off = new Int32Array(cells * 2 + 16);
      this.pay = new Int32Array(cells * 2 + 16);
    }
  }
}

const draft = new LeafDraft();

/**
 * Composes in scratch: cells [0, at) of `v`, then the new cell (`newKey` + `payload` = control
 * varint and value bytes) when given, then cells [at + skip, count) of `v`.
 */
export function composeLeaf(
  src: Uint8Array,
  v: PageView,
  at: number,
  skip: number,
  newKey: U64 | undefined,
  payload: Uint8Array | undefined,
): LeafDraft {
  const d = draft;
  d.ensure(src.length, v.count + 1);
  d.count = 0;
  let pos = PAGE_HEADER_SIZE;
  let prev: U64 = 0;
  pos = copyCells(d, pos, src, v, 0, at, prev);
  if (at > 0) prev = v.keys[at - 1]!;
  if (newKey !== undefined && payload !== undefined) {
    const m = d.count++;
    d.off[m] = pos;
    d.keys[m] = newKey;
    pos = putVarint(d.buf, pos, keyDelta(prev, newKey));
    d.pay[m] = pos;
    d.buf.set(payload, pos);
    pos += payload.length;
    prev = newKey;
  }
  pos = copyCells(d, pos, src, v, at + skip, v.count, prev);
  d.off[d.count] = pos;
  return d;
}

/** Appends cells [from, to) of `v` re-keyed after `prev`; cells after the first copy as bytes. */
function copyCells(d: LeafDraft, pos: number, src: Uint8Array, v: PageView, from: number, to: number, prev: U64): number {
  if (from >= to) return pos;
  const buf = d.buf;
  if (v.flags !== FLAG_DELTA_KEYS) {
    for (let j = from; j < to; j++) {
      const m = d.count++;
      const key = v.keys[j]!;
      d.off[m] = pos;
      d.keys[m] = key;
      pos = putVarint(buf, pos, keyDelta(prev, key));
      d.pay[m] = pos;
      const a = v.payOff[j]!;
      const b = v.cellOff[j + 1]!;
      buf.set(src.subarray(a, b), pos);
      pos += b - a;
      prev = key;
    }
    return pos;
  }
  // Delta keys: only the first copied cell's delta changes; the rest are byte-identical.
  const m0 = d.count++;
  const k0 = v.keys[from]!;
  d.off[m0] = pos;
  d.keys[m0] = k0;
  pos = putVarint(buf, pos, keyDelta(prev, k0));
  d.pay[m0] = pos;
  const a = v.payOff[from]!;
  const b = v.cellOff[to]!;
  buf.set(src.subarray(a, b), pos);
  const shift = pos - a;
  for (let j = from + 1; j < to; j++) {
    const m = d.count++;
    d.off[m] = v.cellOff[j]! + shift;
    d.pay[m] = v.payOff[j]! + shift;
    d.keys[m] = v.keys[j]!;
  }
  return pos + (b - a);
}

/**
 * Writes draft cells [from, to) as a complete leaf into `page` (rekeying the first as absolute).
 * Given `pageNo`, also caches the page's view, built from the draft (a split's halves are
 * visited again at once: this spares decoding them).
 */
export function writeLeafFromDraft(page: Uint8Array, d: LeafDraft, from: number, to: number, next: number, pageNo?: number): void {
  forgetPageView(page);
  let pos = PAGE_HEADER_SIZE;
  if (from < to) {
    pos = putVarint(page, pos, d.keys[from]!);
    const a = d.pay[from]!;
    const b = d.off[to]!;
    page.set(d.buf.subarray(a, b), pos);
    pos += b - a;
  }
  page.fill(0, pos);
  writeHeader(page, PAGE_LEAF, to - from, next);
  if (pageNo !== undefined) cacheDraftView(page, pageNo, d, from, to, next);
}

/** The view of a leaf just written from draft cells [from, to); none if a control varint is not minimal. */
function cacheDraftView(page: Uint8Array, pageNo: number, d: LeafDraft, from: number, to: number, next: number): void {
  if (!pageViewCacheEnabled()) return;
  const n = to - from;
  const { aux, cellOff, payOff } = viewArrays(n + APPEND_ROOM);
  cellOff[0] = PAGE_HEADER_SIZE;
  if (n > 0) {
    // Draft byte x of cells [from, to) sits at x + shift in the page (see writeLeafFromDraft).
    const pay0 = PAGE_HEADER_SIZE + varintSize(d.keys[from]!);
    const shift = pay0 - d.pay[from]!;
    payOff[0] = pay0;
    for (let j = 1; j < n; j++) {
      cellOff[j] = d.off[from + j]! + shift;
      payOff[j] = d.pay[from + j]! + shift;
    }
    cellOff[n] = d.off[to]! + shift;
    for (let j = 0; j < n; j++) {
      let pos = payOff[j]!;
      let ctl = 0;
      let mul = 1;
      let b = 0x80;
      while (b >= 0x80) {
        b = page[pos++]!;
        ctl += (b & 0x7f) * mul;
        mul *= 128;
      }
      aux[j] = ctl;
      if (pos - payOff[j]! !== controlSize(ctl)) return; // copied from a foreign page: decode it
    }
  }
  cacheView(page, new PageView(pageNo, page, 0, { type: PAGE_LEAF, link: next, keys: d.keys.slice(from, to), cellOff, payOff, aux }));
}

/** Size in bytes of the leaf holding draft cells [from, to). */
export function draftLeafSize(d: LeafDraft, from: number, to: number): number {
  if (from >= to) return PAGE_HEADER_SIZE;
  return PAGE_HEADER_SIZE + varintSize(d.keys[from]!) + (d.off[to]! - d.pay[from]!);
}

/**
 * Native leaf split point: the first cell index where the left part holds >= 2/3 of the bytes,
 * clamped so both halves fit; `appendPastEnd` keeps all old cells left (new cell alone right).
 * Returns -1 when no 2-way split fits (see partitionLeaf).
 */
export function chooseLeafSplit(d: LeafDraft, pageSize: number, appendPastEnd: boolean): number {
  const m = d.count;
  if (m < 2) throw new DecentDBError('ERR_INTERNAL', 'leaf split with fewer than 2 cells');
  if (appendPastEnd && draftLeafSize(d, 0, m - 1) <= pageSize) return m - 1;
  const target = PAGE_HEADER_SIZE + ((d.end - PAGE_HEADER_SIZE) * 2) / 3;
  let s = 1;
  while (s < m - 1 && d.off[s]! < target) s++;
  while (s > 1 && draftLeafSize(d, 0, s) > pageSize) s--;
  while (s < m - 1 && draftLeafSize(d, s, m) > pageSize) s++;
  if (draftLeafSize(d, 0, s) > pageSize || draftLeafSize(d, s, m) > pageSize) return -1;
  return s;
}

/**
 * Fallback when no 2-way split fits (a small cell between two near-page-size cells): greedy
 * partition into as many leaves as needed. Returns the start index of each part.
 */
export function partitionLeaf(d: LeafDraft, pageSize: number): number[] {
  const starts: number[] = [];
  let start = 0;
  while (start < d.count) {
    let end = start + 1;
    if (draftLeafSize(d, start, end) > pageSize) throw new DecentDBError('ERR_INTERNAL', 'leaf cell larger than a page');
    while (end < d.count && draftLeafSize(d, start, end + 1) <= pageSize) end++;
    starts.push(start);
    start = end;
  }
  return starts;
}

export function writeHeader(page: Uint8Array, type: number, count: number, link: number): void {
  page[PAGE_TYPE] = type;
  page[FLAGS] = FLAG_DELTA_KEYS;
  writeU16(page, CELL_COUNT, count);
  writeU32(page, LINK, link);
}

/** Bytes an internal page with these cells needs. */
export function internalSize(keys: readonly U64[], children: readonly number[], from: number, to: number): number {
  let size = PAGE_HEADER_SIZE;
  let prev: U64 = 0;
  for (let i = from; i < to; i++) {
    const k = keys[i]!;
    size += varintSize(keyDelta(prev, k)) + varintSize(children[i]!);
    prev = k;
  }
  return size;
}

/** Encodes cells [from, to) and `right` as an internal page into `page`. */
export function writeInternal(
  page: Uint8Array,
  keys: readonly U64[],
  children: readonly number[],
  from: number,
  to: number,
  right: number,
): void {
  forgetPageView(page);
  let pos = PAGE_HEADER_SIZE;
  let prev: U64 = 0;
  for (let i = from; i < to; i++) {
    const k = keys[i]!;
    pos = putVarint(page, pos, keyDelta(prev, k));
    pos = putVarint(page, pos, children[i]!);
    prev = k;
  }
  page.fill(0, pos);
  writeHeader(page, PAGE_INTERNAL, to - from, right);
}

/** Writes an empty leaf (flags 1). */
export function writeEmptyLeaf(page: Uint8Array, next: number): void {
  forgetPageView(page);
  page.fill(0);
  writeHeader(page, PAGE_LEAF, 0, next);
}

let internalScratch = new Uint8Array(0);

/**
 * Fast path of a child split: splices the cells (seps[0], child j), (seps[1], news[0]), … and
 * (key j, last new page) into internal page `v` (delta keys only), copying untouched cells as
 * bytes. Writes `page` and returns true, or returns false when the result would not fit.
 */
export function spliceInternal(page: Uint8Array, src: Uint8Array, v: PageView, j: number, seps: readonly U64[], news: readonly number[]): boolean {
  if (v.flags !== FLAG_DELTA_KEYS) return false;
  const pageSize = src.length;
  if (internalScratch.length < 2 * pageSize) internalScratch = new Uint8Array(2 * pageSize);
  const buf = internalScratch;
  const n = v.count;
  const headEnd = v.cellOff[j]!;
  buf.set(src.subarray(PAGE_HEADER_SIZE, headEnd), PAGE_HEADER_SIZE);
  let pos = headEnd;
  let prev: U64 = j > 0 ? v.keys[j - 1]! : 0;
  for (let t = 0; t < seps.length; t++) {
    const k = seps[t]!;
    pos = putVarint(buf, pos, keyDelta(prev, k));
    pos = putVarint(buf, pos, t === 0 ? v.child(j) : news[t - 1]!);
    prev = k;
  }
  const last = news[news.length - 1]!;
  let right = v.link;
  if (j < n) {
    pos = putVarint(buf, pos, keyDelta(prev, v.keys[j]!));
    pos = putVarint(buf, pos, last);
    const tailStart = v.cellOff[j + 1]!;
    const tailEnd = v.cellOff[n]!;
    if (pos + (tailEnd - tailStart) > pageSize) return false;
    buf.set(src.subarray(tailStart, tailEnd), pos);
    pos += tailEnd - tailStart;
  } else right = last;
  if (pos > pageSize || n + seps.length > 0xffff) return false;
  forgetPageView(page);
  page.set(buf.subarray(PAGE_HEADER_SIZE, pos), PAGE_HEADER_SIZE);
  page.fill(0, pos);
  writeHeader(page, PAGE_INTERNAL, n + seps.length, right);
  return true;
}
