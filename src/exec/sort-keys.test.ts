import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareText } from '../types/index.js';
import type { SqlType, Value } from '../record/index.js';
import { KeyColumns, iota, rowComparator, textPrefix } from './sort-keys.js';
import type { KeySpec } from './sort-keys.js';
import { select, sortIndex } from './sort-select.js';
import { rowCodec } from './row-codec.js';
import { Decimal, Timestamp } from '../record/index.js';
import { newCounters } from './exec-context.js';
import type { Env } from './compile-expr.js';
import type { Operator } from './operator.js';
import { TopNOp } from './sort-ops.js';

const TEXT: SqlType = { base: 'TEXT' };
const INT: SqlType = { base: 'INT64' };
const key = (slot: number, type: SqlType, desc = false, nullsFirst = desc): KeySpec => ({ slot, f: (r) => r[slot] ?? null, type, desc, nullsFirst });
const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '\u007f', '\u0080', 'é', '\ue000', '\uffff', '😀', '\u0000'), maxLength: 16 });

describe('textPrefix', () => {
  it('never contradicts code point order', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const pa = textPrefix(a);
        const pb = textPrefix(b);
        if (pa < pb) expect(compareText(a, b)).toBeLessThan(0);
        if (pa > pb) expect(compareText(a, b)).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('KeyColumns, sortIndex and select', () => {
  const model = (rows: Value[][], specs: KeySpec[]): number[] => {
    const cmp = rowComparator(specs);
    return iota(rows.length).sort((i, j) => cmp(rows[i]!, rows[j]!) || i - j);
  };
  const rowsArb = fc.array(fc.tuple(fc.option(text, { nil: null }), fc.option(fc.integer({ min: -3, max: 3 }), { nil: null })), { maxLength: 120 });

  it('sorts like a stable sort with the row comparator, in both directions and NULLS placements', () => {
    fc.assert(
      fc.property(rowsArb, fc.boolean(), fc.boolean(), fc.boolean(), (raw, d0, nf0, d1) => {
        const rows: Value[][] = raw.map(([s, i]) => [s, i]);
        const specs = [key(0, TEXT, d0, nf0), key(1, INT, d1)];
        const kc = new KeyColumns(specs);
        for (const r of rows) kc.push(r);
        const want = model(rows, specs);
        expect(sortIndex(iota(rows.length), kc.comparator())).toEqual(want);
        for (const k of [0, rows.length >> 1, rows.length - 1]) {
          if (k < 0) continue;
          const a = iota(rows.length);
          select(a, k, 0, a.length - 1, kc.comparator());
          expect(a[k]).toBe(want[k]);
          const before = new Set(want.slice(0, k));
          for (let x = 0; x < k; x++) expect(before.has(a[x]!)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('rowCodec', () => {
  it('round-trips every value representation', () => {
    const codec = rowCodec();
    const row: Value[] = [null, true, false, 0, -0, 1.5, Number.NaN, 2 ** 53 - 1, -(2n ** 63n), 2n ** 63n - 1n, '', 'abc', 'é😀'.repeat(100), 'x'.repeat(300), new Uint8Array([1, 2, 3]), new Uint8Array(0), new Decimal(-12345n, 2), new Timestamp(1_700_000_000_000_000), new Timestamp(2n ** 60n)];
    const back = codec.decode(codec.encode(row));
    expect(back).toEqual(row);
    expect(Object.is(back[4], -0)).toBe(true);
    expect(codec.decode(codec.encodeView!(['é'.repeat(200)]))).toEqual(['é'.repeat(200)]);
  });

  it('rejects truncated and malformed records with ERR_IO', () => {
    const codec = rowCodec();
    const bytes = codec.encode(['hello', 42]);
    for (let cut = 0; cut < bytes.length; cut++) expect(() => codec.decode(bytes.subarray(0, cut))).toThrow(/external sort/);
    expect(() => codec.decode(new Uint8Array([1, 99]))).toThrow(/unknown tag/);
  });
});

describe('TopNOp', () => {
  const env = { ctx: { counters: newCounters() } } as unknown as Env;
  const input = (rows: Value[][]): Operator => {
    let i = 0;
    return { open: () => (i = 0), next: () => rows[i++], close: () => undefined } as unknown as Operator;
  };
  const topN = (rows: Value[][], limit: number, offset: number): Value[][] => {
    const op = new TopNOp(input(rows), rowComparator([key(0, INT)]), () => limit, () => offset, env);
    op.open();
    const out: Value[][] = [];
    for (let r = op.next(); r !== undefined; r = op.next()) out.push(r);
    op.close();
    return out;
  };
  const model = (rows: Value[][], limit: number, offset: number): Value[][] =>
    rows
      .map((r, i) => [r, i] as const)
      .sort((a, b) => ((a[0][0] as number) - (b[0][0] as number)) || a[1] - b[1])
      .slice(offset, offset + limit)
      .map(([r]) => r);

  it('rebuilds key-only rows, and keeps whole rows once the row width changes', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 150 }), fc.integer({ min: 0, max: 150 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 60 }), (ks, widen, limit, offset) => {
        const rows: Value[][] = ks.map((k, i) => (i < widen ? [k] : [k, `x${i}`]));
        expect(topN(rows, limit, offset)).toEqual(model(rows, limit, offset));
      }),
      { numRuns: 200 },
    );
  });
});
