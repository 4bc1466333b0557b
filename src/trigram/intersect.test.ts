import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PostingsIntersection } from './intersect.js';

const sorted = (xs: number[]): Float64Array => Float64Array.from(new Set(xs)).sort();

describe('PostingsIntersection', () => {
  it('yields exactly the common rowids, ascending', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 0, max: 300 }), { maxLength: 120 }), { minLength: 1, maxLength: 4 }), (raw) => {
        const lists = raw.map(sorted).sort((a, b) => a.length - b.length);
        const expected = Array.from(lists[0]!).filter((x) => lists.every((l) => l.includes(x)));
        expect([...new PostingsIntersection(lists)]).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('does work linear in the lists for lists of equal size', () => {
    const a = Float64Array.from({ length: 100_000 }, (_, i) => i * 2);
    const b = Float64Array.from({ length: 100_000 }, (_, i) => i * 3);
    const it = new PostingsIntersection([a, b]);
    let n = 0;
    while (it.nextRowid() !== undefined) n++;
    expect(n).toBe(Math.ceil(100_000 / 3));
    expect(it.counters.comparisons).toBeLessThan(4 * (a.length + b.length));
  });

  it('gallops: a small list against a huge one costs |small| · log(|huge|/|small|)', () => {
    const small = Float64Array.from({ length: 100 }, (_, i) => i * 10_000 + 5);
    const huge = Float64Array.from({ length: 1_000_000 }, (_, i) => i);
    const it = new PostingsIntersection([small, huge]);
    expect([...it].length).toBe(100);
    // log2(1e6 / 100) ≈ 13.3; galloping costs ≤ ~2 log2(gap) + 2 per lookup
    expect(it.counters.comparisons).toBeLessThan(100 * (2 * 14 + 4));
  });

  it('stops early: taking k rowids does not scan the rest', () => {
    const a = Float64Array.from({ length: 100_000 }, (_, i) => i);
    const b = Float64Array.from({ length: 100_000 }, (_, i) => i);
    const it = new PostingsIntersection([a, b]);
    for (let k = 0; k < 10; k++) it.nextRowid();
    expect(it.counters.comparisons).toBeLessThan(50);
    expect(it.counters.produced).toBe(10);
  });

  it('handles empty inputs and bigint rowids', () => {
    expect([...new PostingsIntersection([])]).toEqual([]);
    expect([...new PostingsIntersection([new Float64Array(0), Float64Array.of(1)])]).toEqual([]);
    const big = [1, 2n ** 60n, 2n ** 63n];
    expect([...new PostingsIntersection([[2n ** 60n], big])]).toEqual([2n ** 60n]);
    expect([...new PostingsIntersection([Float64Array.of(1, 7), big])]).toEqual([1]);
  });
});
