import { describe, expect, it } from 'vitest';
import { percentileSorted, round, summarize } from './stats.js';

describe('summarize', () => {
  it('computes nearest-rank percentiles', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    const s = summarize(samples);
    expect(s.count).toBe(100);
    expect(s.min).toBe(1);
    expect(s.max).toBe(100);
    expect(s.p50).toBe(50);
    expect(s.p95).toBe(95);
    expect(s.p99).toBe(99);
    expect(s.mean).toBe(50.5);
  });

  it('handles one sample and empty input', () => {
    expect(summarize([7]).p95).toBe(7);
    expect(Number.isNaN(summarize([]).p50)).toBe(true);
    expect(Number.isNaN(percentileSorted([], 50))).toBe(true);
  });

  it('does not modify the input', () => {
    const input = [3, 1, 2];
    summarize(input);
    expect(input).toEqual([3, 1, 2]);
  });
});

describe('round', () => {
  it('keeps three significant digits below 100 and integers above', () => {
    expect(round(0.0123456)).toBe(0.0123);
    expect(round(12.345)).toBe(12.3);
    expect(round(1234.5)).toBe(1235);
    expect(round(0)).toBe(0);
  });
});
