import { describe, expect, it } from 'vitest';
import { MemoryPageStore } from '../btree/index.js';
import { TrigramIndex } from './trigram-index.js';
import { describeTrigramPlan, searchCandidates, verifiedRowids } from './trigram-search.js';
import type { U64 } from '../util/index.js';

function library(): { idx: TrigramIndex; rows: Map<number, string> } {
  const store = new MemoryPageStore();
  const idx = TrigramIndex.create(store);
  const rows = new Map<number, string>();
  for (let r = 1; r <= 2000; r++) {
    const s = r % 100 === 0 ? `Lovely Rita ${r}` : r % 3 === 0 ? `the song ${r}` : `track number ${r}`;
    rows.set(r, s);
    idx.add(r, s);
  }
  return { idx, rows };
}

const contains = (needle: string) => (s: string): boolean => s.toUpperCase().includes(needle.toUpperCase());

describe('searchCandidates', () => {
  it('plans rarest first and returns verified matches', () => {
    const { idx, rows } = library();
    const s = searchCandidates(idx, '%lovely%', { caseInsensitive: true });
    expect(s.plan.usable).toBe(true);
    expect(s.plan.rarestCount).toBe(20);
    expect(s.plan.counts).toEqual([...s.plan.counts].sort((a, b) => a - b));
    const got = [...verifiedRowids(s.candidates(), (r: U64) => rows.get(r as number), contains('lovely'))];
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 100));
    expect(describeTrigramPlan(s.plan)).toMatch(/^trigram [A-Z ]{3}\(20\)/);
  });

  it('stops at LIMIT without draining the candidates', () => {
    const { idx, rows } = library();
    const s = searchCandidates(idx, '%song%', { caseInsensitive: false });
    const c = s.candidates();
    const got = [...verifiedRowids(c, (r: U64) => rows.get(r as number), contains('song'), 3)];
    expect(got).toEqual([3, 6, 9]);
    expect(c.counters.produced).toBe(3);
  });

  it('refuses patterns without trigrams', () => {
    const { idx } = library();
    for (const p of ['%ab%', 'a_b_c', '%', '']) {
      const s = searchCandidates(idx, p, { caseInsensitive: false });
      expect(s.plan.usable).toBe(false);
      expect(s.plan.reason).toBe('no-trigrams');
      expect(() => s.candidates()).toThrow(/scan instead/);
    }
    expect(searchCandidates(idx, 'abc\\', { caseInsensitive: false }).plan.reason).toBe('bad-pattern');
  });

  it('applies the native guardrails on short patterns with common trigrams', () => {
    const { idx } = library();
    const common = searchCandidates(idx, '%track%', { caseInsensitive: false, postingsThreshold: 1000 });
    expect(common.plan.rarestCount).toBeGreaterThan(1000);
    expect(common.plan.reason).toBe('too-common');
    expect(searchCandidates(idx, '%track%', { caseInsensitive: false, postingsThreshold: 1000, hasOtherFilters: true }).plan.usable).toBe(true);
    // long patterns stay usable above the threshold
    expect(searchCandidates(idx, '%track number%', { caseInsensitive: false, postingsThreshold: 1000 }).plan.usable).toBe(true);
    // with the table size known the decision is cost-based: 1333 of 2000 rows is not selective…
    const ns = searchCandidates(idx, '%track number%', { caseInsensitive: false, tableRows: 2000 });
    expect(ns.plan.reason).toBe('not-selective');
    // …while a short pattern over the native threshold is fine when it keeps few rows of a big table
    const big = searchCandidates(idx, '%track%', { caseInsensitive: false, postingsThreshold: 1000, tableRows: 100_000 });
    expect(big.plan.usable).toBe(true);
  });

  it('answers an absent trigram with no candidates and zero estimate', () => {
    const { idx } = library();
    const s = searchCandidates(idx, '%zebra%', { caseInsensitive: true, tableRows: 2000 });
    expect(s.plan.usable).toBe(true);
    expect(s.plan.estimatedRows).toBe(0);
    expect([...s.candidates()]).toEqual([]);
  });

  it('estimates multi-segment patterns as independent segments, one segment as correlated', () => {
    const { idx } = library();
    const one = searchCandidates(idx, '%track number%', { caseInsensitive: false, tableRows: 100_000 });
    expect(one.plan.estimatedRows).toBe(one.plan.rarestCount);
    const two = searchCandidates(idx, '%lovely%song%', { caseInsensitive: false, tableRows: 2000 });
    // 20 'lovely' rows × (660 'song' rows / 2000 rows): independent segments
    expect(two.plan.rarestCount).toBe(20);
    expect(two.plan.estimatedRows).toBe(Math.ceil((20 * 660) / 2000));
    expect([...two.candidates()]).toEqual([]); // no title has both
  });

  it('skips intersecting lists far larger than the rarest', () => {
    const { idx } = library();
    const s = searchCandidates(idx, '%lovely rita track%', { caseInsensitive: false, maxListRatio: 4 });
    expect(s.plan.intersected).toBeLessThan(s.plan.groups.length);
    expect(describeTrigramPlan(s.plan)).toMatch(/not intersected/);
  });
});
