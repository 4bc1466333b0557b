// Point search in a leaf image by walking its cells in order (spec/native-format.md §1.4), for a
// page read once and not worth a decoded view (page-view.ts builds the full cell index plus four
// arrays, several times the work of one walk to the key). Used by BTree.get for a leaf with no
// cached view, with number keys; anything needing bigint keys answers LEAF_NEEDS_VIEW.
// Everything read is bounded like the view's decoder; cells past the first key >= the search
// key are not read (nor checked).
import { corrupt, readU16, readU32 } from '../util/index.js';
import { CELL_COUNT, FLAGS, FLAG_DELTA_KEYS, LINK, PAGE_HEADER_SIZE } from './page-view.js';

/** The key is in the leaf: `leafHit` describes its first cell. */
export const LEAF_FOUND = 1;
/** The leaf holds a key greater than the search key and none equal: the tree has no such key. */
export const LEAF_ABSENT = 0;
/** Every key of the leaf is smaller: the first key >= the search key lies in a later leaf. */
export const LEAF_PAST = 2;
/** A key or delta beyond 2^53 on the way: decode the view instead. */
export const LEAF_NEEDS_VIEW = 3;

/** The cell LEAF_FOUND describes (valid until the next searchLeaf). */
export const leafHit = {
  /** The control varint: bit 0 = overflow; >> 1 = inline length or overflow head page. */
  control: 0,
  /** Offset of the value (inline bytes) right after the control varint. */
  valueOffset: 0,
};

/**
 * Searches leaf `buf` (page `pageNo`, page type already checked) for the first cell whose key
 * is >= `key` (a safe non-negative integer). Returns LEAF_FOUND / LEAF_ABSENT / LEAF_PAST /
 * LEAF_NEEDS_VIEW. Throws ERR_CORRUPTION, as the view would, for an out-of-range count, link or
 * overflow head, a truncated varint, a value past the page, or absolute keys out of order.
 */
export function searchLeaf(buf: Uint8Array, pageNo: number, limit: number, key: number): number {
  const size = buf.length;
  const count = readU16(buf, CELL_COUNT);
  if (count > (size - PAGE_HEADER_SIZE) >> 1) throw corrupt(pageNo, `cell count ${count} cannot fit the page`);
  if (readU32(buf, LINK) > limit) throw corrupt(pageNo, `next leaf ${readU32(buf, LINK)} out of range`);
  const delta = buf[FLAGS] === FLAG_DELTA_KEYS;
  // One-byte varints (delta keys, short values) take the first branch: this loop runs for
  // about half the cells of every leaf a lookup reads, so its bytecode count matters before
  // the JIT optimises it as much as after.
  const last = size - 1;
  let pos = PAGE_HEADER_SIZE;
  let prev = 0;
  for (let i = 0; i < count; i++) {
    if (pos >= last) throw corrupt(pageNo, `truncated varint in cell ${i}`);
    let raw = buf[pos]!;
    if (raw < 0x80) pos++;
    else {
      raw = longVarint(buf, pos, size, pageNo, i, 0x2000000000000);
      if (raw < 0) return LEAF_NEEDS_VIEW;
      pos = varintEnd;
    }
    let k = raw;
    if (delta) {
      k = prev + raw;
      if (k > Number.MAX_SAFE_INTEGER) return LEAF_NEEDS_VIEW;
    } else if (k < prev) {
      throw corrupt(pageNo, `keys out of order at cell ${i}`);
    }
    prev = k;
    // Control varint (< 2^33, at most 5 bytes): bit 0 = overflow, >> 1 = length or head.
    let ctl = buf[pos]!;
    let half: number;
    if (ctl < 0x80) {
      pos++;
      half = ctl >> 1;
    } else {
      ctl = longVarint(buf, pos, size, pageNo, i, 0x800000000);
      if (ctl < 0 || ctl > 0x1ffffffff) throw corrupt(pageNo, `leaf control out of range in cell ${i}`);
      pos = varintEnd;
      half = Math.floor(ctl / 2);
    }
    const overflow = (ctl & 1) === 1; // ToInt32 keeps the low bit of any ctl < 2^33
    if (overflow) {
      if (half < 1 || half > limit) throw corrupt(pageNo, `overflow head ${half} out of range in cell ${i}`);
    } else if (pos + half > size) {
      throw corrupt(pageNo, `value of cell ${i} runs past the page`);
    }
    if (k >= key) {
      if (k !== key) return LEAF_ABSENT;
      leafHit.control = ctl;
      leafHit.valueOffset = pos;
      return LEAF_FOUND;
    }
    if (!overflow) pos += half;
  }
  return LEAF_PAST;
}

/** End offset of the varint the last longVarint call read. */
let varintEnd = 0;

/**
 * A varint of two or more bytes at `pos`; -1 when it reaches `tooBig` (its caller decides what
 * that means), ERR_CORRUPTION when the page ends inside it. Sets varintEnd.
 */
function longVarint(buf: Uint8Array, pos: number, size: number, pageNo: number, cell: number, tooBig: number): number {
  let v = 0;
  let mul = 1;
  let b = 0x80;
  while (b >= 0x80) {
    if (mul >= tooBig) return -1;
    if (pos >= size) throw corrupt(pageNo, `truncated varint in cell ${cell}`);
    b = buf[pos++]!;
    v += (b & 0x7f) * mul;
    mul *= 128;
  }
  varintEnd = pos;
  return v;
}
