// Lazy intersection of sorted postings, smallest list first: each rowid of the smallest list is
// looked up in every other list by galloping (exponential then binary search) from where that
// list's last lookup ended. Work is O(|A| · log(|B|/|A|)) comparisons per other list B, never
// more than a linear merge (the native one was quadratic). Rowids are produced one at a time,
// so a LIMIT stops the work early. Also the sorted union of an OR-group's lists (linear merge).
// Does not decode or verify. ADR-0007.
import type { U64 } from '../util/index.js';
import type { PostingList } from './postings-codec.js';

export interface IntersectCounters {
  /** Rowid comparisons made (a proof of linear work in tests). */
  comparisons: number;
  /** Rowids produced. */
  produced: number;
}

/**
 * Iterates the rowids present in every list. Lists must be sorted ascending; pass the smallest
 * first (the driver). An empty list array yields nothing.
 * @example
 *   const it = new PostingsIntersection([Float64Array.of(2, 5), Float64Array.of(1, 2, 3, 5)]);
 *   [...it]; // → [2, 5]
 */
export class PostingsIntersection implements IterableIterator<U64> {
  readonly counters: IntersectCounters = { comparisons: 0, produced: 0 };
  private readonly lists: readonly PostingList[];
  private readonly pos: Int32Array;
  private di = 0;
  private done: boolean;

  constructor(lists: readonly PostingList[]) {
    this.lists = lists;
    this.pos = new Int32Array(lists.length);
    this.done = lists.length === 0;
  }

  /** The next common rowid, or undefined when exhausted. */
  nextRowid(): U64 | undefined {
    if (this.done) return undefined;
    const lists = this.lists;
    const driver = lists[0]!;
    const pos = this.pos;
    outer: while (this.di < driver.length) {
      const x = driver[this.di++]!;
      for (let j = 1; j < lists.length; j++) {
        const l = lists[j]!;
        const k = this.gallop(l, pos[j]!, x);
        if (k >= l.length) {
          this.done = true;
          return undefined;
        }
        pos[j] = k;
        this.counters.comparisons++;
        if (l[k] !== x) continue outer;
      }
      this.counters.produced++;
      return x;
    }
    this.done = true;
    return undefined;
  }

  next(): IteratorResult<U64> {
    const r = this.nextRowid();
    return r === undefined ? { done: true, value: undefined } : { done: false, value: r };
  }

  [Symbol.iterator](): IterableIterator<U64> {
    return this;
  }

  /** First index >= `from` whose rowid is >= x (l.length when none). */
  private gallop(l: PostingList, from: number, x: U64): number {
    const n = l.length;
    if (from >= n) return n;
    this.counters.comparisons++;
    if (!(l[from]! < x)) return from;
    let lo = from;
    let step = 1;
    let hi = from + 1;
    while (hi < n) {
      this.counters.comparisons++;
      if (!(l[hi]! < x)) break;
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    if (hi > n) hi = n;
    // invariant: l[lo] < x and (hi == n or l[hi] >= x)
    let a = lo + 1;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >>> 1;
      this.counters.comparisons++;
      if (l[mid]! < x) a = mid + 1;
      else b = mid;
    }
    return a;
  }
}

/** Sorted union of sorted lists (k-way merge by repeated two-way merges, smallest first). */
export function unionPostings(lists: readonly PostingList[]): PostingList {
  const queue = [...lists].sort((a, b) => a.length - b.length);
  while (queue.length > 1) {
    const merged = mergeTwo(queue.shift()!, queue.shift()!);
    let at = 0;
    while (at < queue.length && queue[at]!.length < merged.length) at++;
    queue.splice(at, 0, merged);
  }
  return queue[0] ?? [];
}

function mergeTwo(a: PostingList, b: PostingList): PostingList {
  const numeric = a instanceof Float64Array && b instanceof Float64Array;
  const out: U64[] | Float64Array = numeric ? new Float64Array(a.length + b.length) : [];
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    let x: U64;
    if (j >= b.length || (i < a.length && a[i]! < b[j]!)) x = a[i++]!;
    else if (i >= a.length || b[j]! < a[i]!) x = b[j++]!;
    else {
      x = a[i++]!;
      j++;
    }
    out[n++] = x;
  }
  return numeric ? (out as Float64Array).subarray(0, n) : out;
}
