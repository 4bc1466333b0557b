/**
 * Differential property tests of the trigram index (ADR-0007) against a full scan with the exact
 * LIKE/ILIKE matcher (src/exec/like.ts): random texts (ASCII, accented Latin, Cyrillic, Greek, CJK,
 * emoji, and characters whose case folding crosses scripts: K KELVIN SIGN, İ, Å ANGSTROM SIGN) and
 * random patterns (%, _, ESCAPE, mixed case). Index candidates must include every true match and
 * verified results must equal the scan, across inserts, updates, deletes, commits and rollbacks.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MemoryPageStore, committedView } from '../../src/btree/index.js';
import { compileLike, foldCodePoint as likeFold, likeLiteralSegments } from '../../src/types/index.js';
import {
  CASE_SCAN_LIMIT,
  TrigramIndex,
  TrigramTails,
  foldCodePoint,
  patternSegments,
  patternTrigrams,
  searchCandidates,
  textTrigrams,
  verifiedRowids,
} from '../../src/trigram/index.js';
import type { U64 } from '../../src/util/index.js';

const CHARS = [
  ...'abcklmsxyzABCKLMSXYZ0 -.',
  ...'éÉàÀñÑßẞçÇøØ',
  ...'дДжЖяЯ',
  ...'σΣςωΩ',
  ...'中文字',
  '😀', '👍🏽', '\u212a' /* KELVIN SIGN → k */, '\u0130' /* İ → i */, 'ı', '\u212b' /* Å → å */, 'å', 'Å', '\u2126' /* Ω → ω */,
  '%', '_', '\\', '!',
];

const char = fc.constantFrom(...CHARS);
const text = fc.array(char, { maxLength: 14 }).map((cs) => cs.join(''));

/** A random case/fold variant of one character (what ILIKE treats as equal, and some that are not). */
function variant(c: string, pick: number): string {
  const options = [c, c.toUpperCase(), c.toLowerCase()];
  if (c.toLowerCase() === 'k') options.push('\u212a');
  if (c.toLowerCase() === 'i') options.push('\u0130');
  if (c.toLowerCase() === 'å') options.push('\u212b');
  if (c.toLowerCase() === 'ω') options.push('\u2126');
  return options[pick % options.length]!;
}

interface PatternSpec {
  readonly pattern: string;
  readonly escape: string | null | undefined;
}

/** Patterns built from a source text: random slices with wildcards, case variants and escapes. */
const patternFrom = (source: fc.Arbitrary<string>): fc.Arbitrary<PatternSpec> =>
  fc
    .record({
      src: source,
      ops: fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat()), { maxLength: 20 }),
      lead: fc.boolean(),
      trail: fc.boolean(),
      from: fc.nat(),
      escape: fc.constantFrom<string | null | undefined>(undefined, '!', null),
    })
    .map(({ src, ops, lead, trail, from, escape }) => {
      const chars = [...src];
      const start = chars.length === 0 ? 0 : from % chars.length;
      const esc = escape === undefined ? '\\' : escape;
      let p = lead ? '%' : '';
      for (let i = start; i < chars.length; i++) {
        const [op, n] = ops[(i - start) % Math.max(1, ops.length)] ?? [0, 0];
        const c = chars[i]!;
        if (op === 1) p += '_';
        else if (op === 2) p += '%';
        else {
          const v = op >= 7 ? variant(c, n) : c;
          const special = v === '%' || v === '_' || (esc !== null && v === esc);
          p += special ? (esc !== null ? esc + v : '_') : v;
        }
      }
      if (trail) p += '%';
      return { pattern: p, escape };
    });

function scanMatches(rows: Map<number, string | null>, spec: PatternSpec, ci: boolean): number[] {
  const m = compileLike(spec.pattern, { escape: spec.escape, caseInsensitive: ci });
  const out: number[] = [];
  for (const [r, s] of [...rows].sort((a, b) => a[0] - b[0])) if (s !== null && m.matches(s)) out.push(r);
  return out;
}

function checkQuery(idx: TrigramIndex, rows: Map<number, string | null>, spec: PatternSpec, ci: boolean): void {
  const truth = scanMatches(rows, spec, ci);
  const s = searchCandidates(idx, spec.pattern, { caseInsensitive: ci, escape: spec.escape });
  if (s.plan.groups.length === 0) return; // the planner scans
  const candidates = [...s.candidates()] as number[];
  const cset = new Set(candidates);
  for (const r of truth) if (!cset.has(r)) expect.fail(`index dropped row ${r} ${JSON.stringify(rows.get(r))} for ${ci ? 'ILIKE' : 'LIKE'} ${JSON.stringify(spec)}`);
  const m = compileLike(spec.pattern, { escape: spec.escape, caseInsensitive: ci });
  const verified = [...verifiedRowids(candidates, (r: U64) => rows.get(r as number), (t) => m.matches(t))];
  expect(verified).toEqual(truth);
}

describe('trigram index vs full scan', () => {
  it('uses the same per-code-point fold as the LIKE matcher', () => {
    for (let cp = 0; cp < CASE_SCAN_LIMIT; cp++) {
      if (cp === 0xd800) cp = 0xe000;
      if (foldCodePoint(cp) !== likeFold(cp)) expect.fail(`fold differs at U+${cp.toString(16)}`);
    }
  });

  it('extracts the same literal segments as the LIKE matcher', () => {
    fc.assert(
      fc.property(patternFrom(text), ({ pattern, escape }) => {
        const mine = patternSegments(pattern, escape);
        if (mine === undefined) return;
        expect(mine).toEqual(likeLiteralSegments(pattern, escape === undefined ? '\\' : escape));
      }),
      { numRuns: 500 },
    );
  });

  it('never requires a trigram a matching value lacks (LIKE and ILIKE)', () => {
    fc.assert(
      fc.property(text, fc.nat(), fc.boolean(), fc.array(fc.nat(), { maxLength: 14 }), (source, seed, ci, picks) => {
        const spec = fc.sample(patternFrom(fc.constant(source)), { numRuns: 1, seed })[0]!;
        const m = compileLike(spec.pattern, { escape: spec.escape, caseInsensitive: ci });
        const need = patternTrigrams(spec.pattern, { caseInsensitive: ci, escape: spec.escape });
        if (need === undefined) return;
        // the source itself, and a case/fold variant of it (the value side of ILIKE equality)
        const variantValue = [...source].map((c, i) => variant(c, picks[i] ?? 0)).join('');
        for (const value of [source, variantValue]) {
          if (!m.matches(value)) continue;
          const have = new Set(textTrigrams(value));
          for (const g of need.groups) {
            if (!g.some((t) => have.has(t))) expect.fail(`group ${g.map((t) => t.toString(16))} of ${JSON.stringify(spec)} missing from ${JSON.stringify(value)}`);
          }
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('finds the folded forms that ILIKE equates (Kelvin sign, dotted I, Angstrom)', () => {
    const store = new MemoryPageStore();
    const idx = TrigramIndex.create(store);
    const rows = new Map<number, string | null>([
      [1, 'Pink Floyd'],
      [2, 'PIN\u212a FLOYD'],
      [3, '\u0130stanbul'],
      [4, 'istanbul'],
      [5, '\u212bngström'],
      [6, 'ÅNGSTRÖM'],
      [7, null],
      [8, 'ångström'],
    ]);
    for (const [r, s] of rows) idx.add(r, s);
    for (const p of ['%pink%', '%PINK FLOYD%', '%istanbul', '%ångström%', '%ÅNGSTRÖM%', 'ång%']) {
      checkQuery(idx, rows, { pattern: p, escape: undefined }, true);
      checkQuery(idx, rows, { pattern: p, escape: undefined }, false);
    }
    expect(scanMatches(rows, { pattern: '%pink%', escape: undefined }, true)).toEqual([1, 2]);
  });

  it('equals a full scan across inserts, updates, deletes, commits and rollbacks', () => {
    type Op = readonly ['put' | 'delete' | 'commit' | 'rollback', number, string | null];
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 5, arbitrary: fc.tuple(fc.constant('put' as const), fc.integer({ min: 1, max: 40 }), fc.option(text, { freq: 8, nil: null })) },
      { weight: 2, arbitrary: fc.tuple(fc.constant('delete' as const), fc.integer({ min: 1, max: 40 }), fc.constant(null)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('commit' as const), fc.constant(0), fc.constant(null)) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('rollback' as const), fc.constant(0), fc.constant(null)) },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), (ops, seeds) => {
        const store = new MemoryPageStore(512);
        const tails = new TrigramTails(); // shared by the successive write transactions
        let idx = TrigramIndex.create(store, { tails });
        store.commit();
        let rows = new Map<number, string | null>();
        let committedRows = new Map(rows);
        let committedRoot = idx.root;
        for (const [kind, r, s] of ops) {
          if (kind === 'put') {
            if (rows.has(r)) idx.update(r, rows.get(r)!, s);
            else idx.add(r, s);
            rows.set(r, s);
          } else if (kind === 'delete') {
            if (rows.has(r)) idx.remove(r, rows.get(r)!);
            rows.delete(r);
          } else if (kind === 'commit') {
            store.commit();
            committedRows = new Map(rows);
            committedRoot = idx.root;
            idx = new TrigramIndex(store, committedRoot, { tails }); // next transaction's handle
          } else {
            store.rollback();
            rows = new Map(committedRows);
            tails.clear(); // the owner's duty on every rollback
            idx = new TrigramIndex(store, committedRoot, { tails });
          }
        }
        const values = [...rows.values()].filter((v): v is string => v !== null);
        const source = values.length > 0 ? fc.constantFrom(...values) : text;
        const reader = new TrigramIndex(store, idx.root);
        for (const seed of seeds) {
          const spec = fc.sample(patternFrom(source), { numRuns: 1, seed })[0]!;
          checkQuery(reader, rows, spec, seed % 2 === 0);
          checkQuery(reader, rows, spec, seed % 2 === 1);
        }
        // the committed snapshot answers for the committed rows
        store.commit();
        const snap = new TrigramIndex(committedView(store), idx.root);
        const spec = fc.sample(patternFrom(source), { numRuns: 1, seed: seeds[0]! })[0]!;
        checkQuery(snap, rows, spec, true);
      }),
      { numRuns: 200 },
    );
  });
});
