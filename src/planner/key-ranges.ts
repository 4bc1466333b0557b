/**
 * SQL value intervals → native u64 key ranges (spec/native-format.md §1.9–1.10). The native
 * encodings do not preserve SQL order, so an interval becomes one or more key ranges:
 *   INT64 (and rowids): two's complement, negatives sort after positives → split at 0;
 *   FLOAT64: raw IEEE bits, negative floats sort reversed after positives → split at ±0,
 *            with -0.0 (key 2^63) joining 0.0;
 *   TEXT/BLOB/UUID: 8-byte big-endian prefix (monotone, lossy) → [prefix(lo), prefix(hi)];
 *   BOOL 0/1; other types key 0 for everything → the whole key space.
 * Ranges are inclusive supersets; callers recheck every row against the full predicate.
 */
import { indexKeyFromValue, rowidToKey } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { compareKeys } from '../btree/index.js';
import type { U64 } from '../util/index.js';

/** An inclusive range of u64 keys. */
export interface KeyRange {
  readonly lo: U64;
  readonly hi: U64;
  /** Ordered walks (orderedWalk) only: visit the range from `hi` down to `lo`. */
  readonly backward?: boolean;
}

const MAX_U64 = 0xffffffffffffffffn;
const NEG_ZERO_KEY = 0x8000000000000000n;
const MAX_POS_FLOAT_KEY = 0x7fffffffffffffffn;
const POS_INF_KEY = 0x7ff0000000000000n;
const NEG_INF_KEY = 0xfff0000000000000n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const u64 = (v: bigint): U64 => (v <= 9007199254740991n ? Number(v) : v);
const FLOAT: SqlType = { base: 'FLOAT64' };

/** Sorts and merges overlapping or adjacent ranges (so no entry is visited twice). */
export function mergeKeyRanges(ranges: KeyRange[]): KeyRange[] {
  if (ranges.length <= 1) return ranges;
  ranges.sort((a, b) => compareKeys(a.lo, b.lo));
  const out: KeyRange[] = [ranges[0]!];
  for (let i = 1; i < ranges.length; i++) {
    const r = ranges[i]!;
    const last = out[out.length - 1]!;
    if (BigInt(r.lo) <= BigInt(last.hi) + 1n) {
      if (compareKeys(r.hi, last.hi) > 0) out[out.length - 1] = { lo: last.lo, hi: r.hi };
    } else out.push(r);
  }
  return out;
}

function intRanges(lo: bigint, hi: bigint): KeyRange[] {
  if (lo > hi) return [];
  const out: KeyRange[] = [];
  if (hi >= 0n) out.push({ lo: u64(lo < 0n ? 0n : lo), hi: u64(hi) });
  if (lo < 0n) {
    const h = hi < 0n ? hi : -1n;
    out.push({ lo: rowidToKey(lo), hi: rowidToKey(h) });
  }
  return mergeKeyRanges(out);
}

function floatRanges(lo: number | undefined, hi: number | undefined): KeyRange[] {
  if (lo !== undefined && hi !== undefined && !Number.isNaN(hi) && (Number.isNaN(lo) || lo > hi)) return [];
  const out: KeyRange[] = [];
  const bits = (x: number): U64 => indexKeyFromValue(x, FLOAT);
  const hiOpen = hi === undefined || Number.isNaN(hi);
  if (hiOpen || hi >= 0) {
    const l = lo === undefined || lo <= 0 ? 0 : lo;
    out.push({ lo: bits(l), hi: hiOpen ? u64(MAX_POS_FLOAT_KEY) : bits(hi === 0 ? 0 : hi) });
  }
  if (lo === undefined || lo <= 0) {
    const h = !hiOpen && hi < 0 ? bits(hi) : u64(NEG_ZERO_KEY);
    const l = lo === undefined ? u64(MAX_U64) : lo < 0 ? bits(lo) : u64(NEG_ZERO_KEY);
    out.push({ lo: h, hi: l });
  }
  return mergeKeyRanges(out);
}

function toBig(v: Value): bigint | null {
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : null;
  if (typeof v === 'bigint') return v;
  return null;
}

/**
 * Key ranges covering every stored key whose SQL value may lie in [lo, hi] (undefined bound =
 * open). Bounds are treated as inclusive (exclusivity is left to the recheck). A NULL bound
 * matches nothing.
 */
export function keyRangesForInterval(type: SqlType, lo: Value | undefined, hi: Value | undefined): KeyRange[] {
  if (lo === null || hi === null) return [];
  switch (type.base) {
    case 'INT64': {
      const l = lo === undefined ? INT64_MIN : toBig(lo);
      const h = hi === undefined ? INT64_MAX : toBig(hi);
      if (l === null || h === null) return [{ lo: 0, hi: u64(MAX_U64) }];
      return intRanges(l, h);
    }
    case 'FLOAT64':
      return floatRanges(lo === undefined ? undefined : Number(lo), hi === undefined ? undefined : Number(hi));
    case 'BOOL':
      return [{ lo: lo === true ? 1 : 0, hi: hi === false ? 0 : 1 }];
    case 'TEXT':
    case 'BLOB':
    case 'UUID': {
      const l = lo === undefined ? 0 : indexKeyFromValue(lo, type);
      const h = hi === undefined ? u64(MAX_U64) : indexKeyFromValue(hi, type);
      return compareKeys(l, h) > 0 ? [] : [{ lo: l, hi: h }];
    }
    default:
      return [{ lo: 0, hi: u64(MAX_U64) }];
  }
}

/** Key ranges for equality with any of `values` (NULLs skipped), merged. */
export function keyRangesForValues(type: SqlType, values: readonly Value[]): KeyRange[] {
  const out: KeyRange[] = [];
  for (const v of values) {
    if (v === null) continue;
    if (type.base === 'FLOAT64' && Number(v) === 0) {
      out.push({ lo: 0, hi: 0 }, { lo: u64(NEG_ZERO_KEY), hi: u64(NEG_ZERO_KEY) });
      continue;
    }
    if (type.base === 'INT64') {
      const b = toBig(v);
      if (b === null) continue;
      const k = rowidToKey(b);
      out.push({ lo: k, hi: k });
      continue;
    }
    if (type.base !== 'FLOAT64' && type.base !== 'BOOL' && type.base !== 'TEXT' && type.base !== 'BLOB' && type.base !== 'UUID') return [{ lo: 0, hi: u64(MAX_U64) }];
    const k = indexKeyFromValue(v, type);
    out.push({ lo: k, hi: k });
  }
  return mergeKeyRanges(out);
}

/**
 * Key ranges of the interval [lo, hi] (undefined = open, inclusive as above) listed so that a
 * forward walk meets the values in SQL ascending order. Only for types whose keys are monotone
 * in SQL order per range (see order-by-index.ts): INT64 (negatives' range first, then the
 * non-negatives'), BOOL, TEXT/BLOB/UUID prefixes. NULL rows share key 0 with other values; the
 * caller places them.
 */
export function orderedKeyRanges(type: SqlType, lo: Value | undefined, hi: Value | undefined): KeyRange[] {
  if (lo === null || hi === null) return [];
  if (type.base !== 'INT64') return keyRangesForInterval(type, lo, hi);
  const l = lo === undefined ? INT64_MIN : toBig(lo);
  const h = hi === undefined ? INT64_MAX : toBig(hi);
  if (l === null || h === null || l > h) return l === null || h === null ? orderedKeyRanges(type, undefined, undefined) : [];
  const out: KeyRange[] = [];
  if (l < 0n) out.push({ lo: rowidToKey(l), hi: rowidToKey(h < 0n ? h : -1n) });
  if (h >= 0n) out.push({ lo: u64(l < 0n ? 0n : l), hi: u64(h) });
  return out;
}

/**
 * The key ranges of [lo, hi] (as orderedKeyRanges), each with the direction a walk must visit it
 * in, listed so that the walk meets the values in SQL order: ascending, or descending with
 * `desc` (the list reversed, every range walked the other way). FLOAT64 is served too: its keys
 * are the raw IEEE bits, so negatives (keys 2^63 = -0.0 … −∞) are walked backward for ascending
 * order, non-negatives (0 … +∞) forward, and NaN keys (any sign, Postgres: above every number)
 * last; -0.0 and +0.0 meet at the seam between the two. NULL rows (key 0) are the caller's.
 */
export function orderedWalk(type: SqlType, lo: Value | undefined, hi: Value | undefined, desc: boolean): KeyRange[] {
  const asc = type.base === 'FLOAT64' ? floatWalk(lo, hi) : orderedKeyRanges(type, lo, hi);
  if (!desc) return asc;
  const out: KeyRange[] = [];
  for (let i = asc.length - 1; i >= 0; i--) {
    const r = asc[i]!;
    out.push({ lo: r.lo, hi: r.hi, backward: r.backward !== true });
  }
  return out;
}

/** Ascending FLOAT64 walk of [lo, hi] (inclusive superset; see orderedWalk). */
function floatWalk(lo: Value | undefined, hi: Value | undefined): KeyRange[] {
  if (lo === null || hi === null) return [];
  const l = lo === undefined ? undefined : Number(lo);
  // Every number is <= NaN (Postgres), so a NaN upper bound bounds nothing.
  const h = hi === undefined || Number.isNaN(Number(hi)) ? undefined : Number(hi);
  const bits = (x: number): U64 => indexKeyFromValue(x, FLOAT);
  const nans: KeyRange[] = [
    { lo: u64(POS_INF_KEY + 1n), hi: u64(MAX_POS_FLOAT_KEY) },
    { lo: u64(NEG_INF_KEY + 1n), hi: u64(MAX_U64) },
  ];
  if (l !== undefined && Number.isNaN(l)) return h === undefined ? nans : [];
  if (l !== undefined && h !== undefined && l > h) return [];
  const out: KeyRange[] = [];
  if (l === undefined || l <= 0) {
    // Negative floats: larger magnitude = larger key; -0.0 is 2^63.
    const top = h !== undefined && h < 0 ? bits(h) : u64(NEG_ZERO_KEY);
    const bottom = l === undefined || l === -Infinity ? u64(NEG_INF_KEY) : l < 0 ? bits(l) : u64(NEG_ZERO_KEY);
    out.push({ lo: top, hi: bottom, backward: true });
  }
  if (h === undefined || h >= 0) {
    out.push({ lo: l === undefined || l <= 0 ? 0 : bits(l), hi: h === undefined ? u64(POS_INF_KEY) : bits(h === 0 ? 0 : h) });
  }
  if (h === undefined) out.push(...nans);
  return out;
}
