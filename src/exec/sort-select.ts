/**
 * Selection on an index array under a total order (IndexCompare): `select` moves the element of
 * rank k to position k with smaller ones before it and larger ones after (quickselect, median of
 * three, falling back to a full sort of the range after too many rounds, so never quadratic).
 * TopN uses it to keep LIMIT + OFFSET rows in O(n) and to sort only the returned page; Sort
 * uses sortIndex, a merge sort of an index array.
 */
import type { IndexCompare } from './sort-keys.js';

/** Partially orders a[lo..hi] (inclusive) so that a[k] holds the element of rank k - lo there. */
export function select(a: number[], k: number, lo: number, hi: number, cmp: IndexCompare): void {
  let rounds = 0;
  const maxRounds = 2 * Math.ceil(Math.log2(hi - lo + 2)) + 8;
  while (hi - lo > 16) {
    if (++rounds > maxRounds) {
      sortRange(a, lo, hi, cmp);
      return;
    }
    // Median of three to a[lo], a[lo + 1] ≤ a[lo] ≤ a[hi] as sentinels.
    const mid = (lo + hi) >>> 1;
    swap(a, mid, lo + 1);
    if (cmp(a[lo + 1]!, a[hi]!) > 0) swap(a, lo + 1, hi);
    if (cmp(a[lo]!, a[hi]!) > 0) swap(a, lo, hi);
    if (cmp(a[lo + 1]!, a[lo]!) > 0) swap(a, lo + 1, lo);
    const pivot = a[lo]!;
    let i = lo + 1;
    let j = hi;
    for (;;) {
      do i++;
      while (cmp(a[i]!, pivot) < 0);
      do j--;
      while (cmp(a[j]!, pivot) > 0);
      if (j < i) break;
      swap(a, i, j);
    }
    a[lo] = a[j]!;
    a[j] = pivot;
    if (j >= k) hi = j - 1;
    if (j <= k) lo = i;
  }
  if (hi > lo) sortRange(a, lo, hi, cmp);
}

/** Sorts a[lo..hi] (inclusive). */
export function sortRange(a: number[], lo: number, hi: number, cmp: IndexCompare): void {
  if (hi - lo < 16) {
    for (let i = lo + 1; i <= hi; i++) {
      const x = a[i]!;
      let j = i - 1;
      while (j >= lo && cmp(a[j]!, x) > 0) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = x;
    }
    return;
  }
  const part = sortIndex(a.slice(lo, hi + 1), cmp);
  for (let i = 0; i < part.length; i++) a[lo + i] = part[i]!;
}

const RUN = 12;

/**
 * Sorts `a` in place (stable) and returns it: insertion-sorted runs of 12, then bottom-up
 * merges, skipping a merge when the halves are already in order. A plain JS merge sort, because
 * here the comparator can be inlined, which Array.prototype.sort's builtin cannot do.
 */
export function sortIndex(a: number[], cmp: IndexCompare): number[] {
  const n = a.length;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const x = a[i]!;
      let j = i - 1;
      while (j >= lo && cmp(a[j]!, x) > 0) {
        a[j + 1] = a[j]!;
        j--;
      }
      a[j + 1] = x;
    }
  }
  if (n <= RUN) return a;
  let src = a;
  let dst = new Array<number>(n);
  for (let w = RUN; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(lo + w, n);
      const hi = Math.min(lo + 2 * w, n);
      let i = lo;
      if (mid >= hi || cmp(src[mid - 1]!, src[mid]!) <= 0) {
        for (; i < hi; i++) dst[i] = src[i]!;
        continue;
      }
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) dst[k++] = cmp(src[j]!, src[i]!) < 0 ? src[j++]! : src[i++]!;
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== a) for (let i = 0; i < n; i++) a[i] = src[i]!;
  return a;
}

function swap(a: number[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
