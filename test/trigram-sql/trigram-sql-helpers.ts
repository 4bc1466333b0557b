/**
 * Shared by the trigram SQL suites: random text over a small alphabet spanning ASCII, accented
 * Latin (with the case traps ß, ſ, ı, İ, K KELVIN SIGN), Cyrillic, CJK and emoji; LIKE pattern
 * generators; and `trigramIndexesAgree`, which opens the database file directly and checks each
 * trigram index, posting by posting, against its table (ADR-0007 §3: postings follow rows).
 */
import { expect } from 'vitest';
import fc from 'fast-check';
import type { Vfs } from '../../src/vfs/index.js';
import { BTree } from '../../src/btree/index.js';
import { readCatalog, type IndexDef, type TableDef } from '../../src/catalog/index.js';
import { decodeRecord, overflowFor } from '../../src/record/index.js';
import { openPager } from '../../src/wal/index.js';
import { checkTrigramIndex, textTrigrams, trigramEntries } from '../../src/trigram/index.js';

/** Characters values are made of: few enough that random patterns hit. */
export const ALPHABET = ['a', 'b', 'A', 'B', 'k', 'K', 's', 'S', 'i', 'I', ' ', '%', '_', '!', '\\', 'é', 'É', 'ß', 'ſ', 'ı', 'İ', '\u212a', 'д', 'Д', 'ж', '音', '楽', '😀', '🎵'];

export const textArb: fc.Arbitrary<string> = fc.array(fc.constantFrom(...ALPHABET), { maxLength: 10 }).map((a) => a.join(''));
export const valueArb: fc.Arbitrary<string | null> = fc.option(textArb, { freq: 8, nil: null });

/** A case variant of `s` (some characters upper-, some lower-cased). */
export function flipCase(s: string, seed: number): string {
  let out = '';
  let i = 0;
  for (const ch of s) {
    const bit = (seed >>> i++ % 30) & 1;
    out += bit === 1 ? ch.toUpperCase() : ch.toLowerCase();
  }
  return out;
}

export interface Pattern {
  readonly text: string;
  readonly caseInsensitive: boolean;
  /** null: the default escape (backslash); else the ESCAPE character ('' = none). */
  readonly escape: string | null;
}

/** A pattern built from a piece of a value: % or _ around and inside, escapes, case flips. */
export function patternArb(values: () => readonly string[]): fc.Arbitrary<Pattern> {
  return fc
    .record({
      pick: fc.nat(),
      from: fc.nat(12),
      len: fc.integer({ min: 0, max: 6 }),
      lead: fc.constantFrom('%', '', '_', '%_'),
      trail: fc.constantFrom('%', '', '_%'),
      hole: fc.option(fc.nat(6), { nil: undefined }),
      flip: fc.nat(),
      ci: fc.boolean(),
      escape: fc.constantFrom(null, '!', ''),
      random: fc.option(textArb, { freq: 4, nil: undefined }),
    })
    .map((r) => {
      const vs = values();
      const base = r.random ?? (vs.length === 0 ? '' : vs[r.pick % vs.length]!);
      const chars = [...base].slice(r.from % Math.max(1, [...base].length), undefined).slice(0, r.len);
      if (r.hole !== undefined && chars.length > 0) chars[r.hole % chars.length] = r.hole % 2 === 0 ? '_' : '%';
      const esc = r.escape ?? '\\';
      // Escape the wildcard-like characters that came from the value, so they match literally.
      const body = chars.map((c, i) => (r.hole !== undefined && i === r.hole % chars.length ? c : esc !== '' && (c === '%' || c === '_' || c === esc) ? esc + c : c)).join('');
      const text = r.lead + (r.flip % 3 === 0 ? flipCase(body, r.flip) : body) + r.trail;
      return { text, caseInsensitive: r.ci, escape: r.escape };
    });
}

/** `LIKE`/`ILIKE` with the pattern as `$1` and its ESCAPE clause. */
export function likeSql(column: string, p: Pattern, param = '$1'): string {
  return `${column} ${p.caseInsensitive ? 'ILIKE' : 'LIKE'} ${param}${p.escape === null ? '' : ` ESCAPE '${p.escape}'`}`;
}

/** The pattern as an SQL string literal. */
export const literal = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/**
 * Opens `path` on `vfs` (recovering it) and checks every trigram index: sound (checkTrigramIndex)
 * and holding exactly the postings of its table's rows. Returns the postings checked.
 */
export function trigramIndexesAgree(vfs: Vfs, path: string): number {
  const pager = openPager(vfs, path, { mode: 'open', checkpointOnClose: false });
  let postings = 0;
  try {
    const r = pager.beginRead();
    try {
      const tables: TableDef[] = [];
      const indexes: IndexDef[] = [];
      const root = pager.header.rootCatalog;
      for (const { entry } of root === 0 ? [] : readCatalog(r, root)) {
        if (entry.kind === 'table') tables.push(entry.table);
        else if (entry.kind === 'index' && entry.index.kind === 'trigram') indexes.push(entry.index);
      }
      const overflow = overflowFor(r);
      for (const ix of indexes) {
        const t = tables.find((x) => x.name.toLowerCase() === ix.table.toLowerCase())!;
        const pos = t.columns.findIndex((c) => c.name.toLowerCase() === ix.columns[0]!.toLowerCase());
        const expected = new Set<string>();
        const c = new BTree(r, t.rootPage).cursor();
        for (let ok = c.first(); ok; ok = c.next()) {
          const v = decodeRecord(c.value(), overflow)[pos];
          if (typeof v === 'string') for (const g of textTrigrams(v)) expected.add(`${g}:${String(c.key)}`);
        }
        const actual = new Set<string>();
        for (const [g, list] of trigramEntries(r, ix.rootPage)) for (const k of list) actual.add(`${g}:${String(k)}`);
        const check = checkTrigramIndex(r, ix.rootPage);
        expect(check.postings, `${ix.name}: postings`).toBe(actual.size);
        const missing = [...expected].filter((x) => !actual.has(x)).slice(0, 5);
        const extra = [...actual].filter((x) => !expected.has(x)).slice(0, 5);
        expect({ index: ix.name, missing, extra }).toEqual({ index: ix.name, missing: [], extra: [] });
        postings += actual.size;
      }
    } finally {
      r.end();
    }
  } finally {
    pager.close();
  }
  return postings;
}
