// In-place leaf edits (spec/native-format.md §1.4, flags 1 = delta keys): insert, replace or
// remove one cell of a writable leaf image by moving its tail bytes and re-encoding only the
// next cell's key delta, keeping the page's cached view exact (its arrays shifted), so a leaf
// that took a mid-page insert is not decoded again. Cost: a memmove of the tail plus one pass
// over the view entries after the edit. The bytes are exactly what composeLeaf +
// writeLeafFromDraft would write. Does not split (btree.ts does when this returns false) and
// leaves absolute-key pages (flags 0) and non-minimal control varints to that rewriting path.
import { putVarint, readU32, varintSize, writeU16 } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { keyDelta } from './key.js';
import { APPEND_ROOM, CELL_COUNT, FLAG_DELTA_KEYS, PAGE_LEAF, PageView, cacheView, pageViewCacheEnabled, viewArrays } from './page-view.js';

/** Counters for tests: splices done, and how many of them had to copy the view's arrays. @internal */
export const leafSpliceStats = { splices: 0, viewCopies: 0 };

/**
 * Replaces cells [at, at + skip) (skip 0 or 1) of leaf `v` by the cell (`key`, `payload`) when
 * `payload` is given (its first `payloadLen` bytes: control varint + inline value or overflow
 * head, as the B+Tree builds it), in place in `page`: the writable image of `v`'s page,
 * byte-equal to the image `v` was decoded from. `owned` says `v` is `page`'s own cached view
 * (it may then be changed in place); otherwise the view is copied first and the copy cached
 * for `page`. The new key must keep the page's order (between keys at-1 and at+skip). Returns
 * false, leaving `page` and `v` untouched, when the result would not fit the page, the cell
 * count would pass 65535, or the page is not one this function edits (see the file header).
 */
export function spliceLeaf(
  page: Uint8Array,
  v: PageView,
  owned: boolean,
  at: number,
  skip: number,
  key: U64,
  payload: Uint8Array | undefined,
  payloadLen: number = payload === undefined ? 0 : payload.length,
): boolean {
  const n = v.count;
  const ins = payload === undefined ? 0 : 1;
  const newCount = n - skip + ins;
  if (v.flags !== FLAG_DELTA_KEYS || v.type !== PAGE_LEAF || v.valOffs !== null || newCount > 0xffff) return false;
  const next = at + skip; // first kept cell after the edit
  const hasNext = next < n;
  const prev: U64 = at > 0 ? v.keys[at - 1]! : 0;
  const start = v.cellOff[at]!;
  const end = v.cellOff[n]!;
  // The edit rewrites [start, regionEnd): the replaced cells and the next cell's key delta.
  const regionEnd = hasNext ? v.payOff[next]! : end;
  let keyLen = 0;
  let cellLen = 0;
  if (payload !== undefined) {
    keyLen = varintSize(keyDelta(prev, key));
    cellLen = keyLen + payloadLen;
  }
  const nextDelta: U64 = hasNext ? keyDelta(payload !== undefined ? key : prev, v.keys[next]!) : 0;
  const nextLen = hasNext ? varintSize(nextDelta) : 0;
  const delta = cellLen + nextLen - (regionEnd - start);
  if (end + delta > page.length) return false;

  if (delta !== 0) page.copyWithin(regionEnd + delta, regionEnd, end);
  let pos = start;
  if (payload !== undefined) {
    pos = putVarint(page, pos, keyDelta(prev, key));
    copyBytes(page, pos, payload, payloadLen);
    pos += payloadLen;
  }
  if (hasNext) putVarint(page, pos, nextDelta);
  if (delta < 0) page.fill(0, end + delta, end);
  writeU16(page, CELL_COUNT, newCount);
  leafSpliceStats.splices++;
  if (!pageViewCacheEnabled()) return true;

  // The view: cells before `at` keep their entries; kept cells from `next` on move by
  // `ins - skip` slots and `delta` bytes, except the next cell's start (its delta re-encoded).
  let w = v;
  if (!owned || v.cellOff.length < newCount + 1 || v.payOff.length < newCount) {
    leafSpliceStats.viewCopies++;
    const { aux, cellOff, payOff } = viewArrays(newCount + (owned ? newCount : 0) + APPEND_ROOM);
    cellOff.set(v.cellOff.subarray(0, n + 1));
    payOff.set(v.payOff.subarray(0, n));
    aux.set(v.aux.subarray(0, n));
    w = new PageView(v.pageNo, page, 0, { type: PAGE_LEAF, link: v.link, keys: v.keys.slice(0, n), cellOff, payOff, aux });
  }
  const { keys, cellOff, payOff, aux } = w;
  const shift = ins - skip;
  if (shift !== 0) {
    // memmove the kept entries [next, n) to [next + shift, n + shift), then rebase them.
    cellOff.copyWithin(next + shift, next, n);
    payOff.copyWithin(next + shift, next, n);
    aux.copyWithin(next + shift, next, n);
  }
  if (delta !== 0) {
    for (let j = next + shift; j < newCount; j++) {
      cellOff[j]! += delta;
      payOff[j]! += delta;
    }
  }
  cellOff[newCount] = end + delta;
  if (hasNext) cellOff[next + shift] = start + cellLen;
  if (payload !== undefined) {
    // cellOff[at] is unchanged (the new cell starts where the replaced ones did).
    let ctl = 0;
    let mul = 1;
    let i = 0;
    let b = 0x80;
    while (b >= 0x80) {
      b = payload[i++]!;
      ctl += (b & 0x7f) * mul;
      mul *= 128;
    }
    payOff[at] = start + keyLen;
    aux[at] = ctl;
    if (skip === 1) keys[at] = key;
    else keys.splice(at, 0, key);
  } else {
    keys.splice(at, skip);
  }
  w.count = newCount;
  w.h0 = readU32(page, 0);
  if (w !== v) cacheView(page, w);
  return true;
}

/** `dst[at..] = src[0, len)` without a subarray object for the small cells of most rows. */
export function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, len: number): void {
  if (len > 64) {
    dst.set(len === src.length ? src : src.subarray(0, len), at);
    return;
  }
  for (let i = 0; i < len; i++) dst[at + i] = src[i]!;
}
