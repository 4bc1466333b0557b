import { describe, expect, it } from 'vitest';
import { CASE_SCAN_LIMIT, foldCodePoint, matchClass, patternSegments, patternTrigrams } from './pattern-trigrams.js';
import { textTrigrams, trigramLabel } from './trigram-text.js';

const labels = (p: string, ci: boolean, escape?: string | null): string[] =>
  patternTrigrams(p, { caseInsensitive: ci, escape })!.groups.map((g) => g.map(trigramLabel).join('|')).sort();

describe('pattern trigrams', () => {
  it('splits literal segments at % and _ and resolves escapes', () => {
    expect(patternSegments('ab%c_de')).toEqual(['ab', 'c', 'de']);
    expect(patternSegments('%100\\%%')).toEqual(['100%']);
    expect(patternSegments('a\\_b')).toEqual(['a_b']);
    expect(patternSegments('x!%y', '!')).toEqual(['x%y']);
    expect(patternSegments('x\\%y', null)).toEqual(['x\\', 'y']);
    expect(patternSegments('x\\%y', '')).toEqual(['x\\', 'y']);
    expect(patternSegments('%😀ab%')).toEqual(['😀ab']);
  });

  it('gives up on patterns the matcher treats specially', () => {
    expect(patternSegments('abc\\')).toBeUndefined();
    expect(patternSegments('abc', 'xy')).toBeUndefined();
    expect(patternTrigrams('abc\\', { caseInsensitive: false })).toBeUndefined();
  });

  it('takes trigrams of each segment, never across a wildcard', () => {
    expect(labels('%love%', false)).toEqual(['LOV', 'OVE']);
    expect(labels('lo_ve', false)).toEqual([]);
    expect(labels('%abc%def_gh', false)).toEqual(['ABC', 'DEF']);
  });

  it('uppercases ASCII for LIKE, so case-sensitive trigrams are a superset', () => {
    expect(labels('%Love%', false)).toEqual(labels('%LOVE%', false));
    // non-ASCII letters are kept byte for byte: é and É give different trigrams
    expect(labels('%café%', false)).not.toEqual(labels('%cafÉ%', false));
  });

  it('knows which value characters ILIKE equates with a pattern character', () => {
    expect(matchClass(0x61, true)).toEqual([0x41, 0x61]);
    expect(matchClass(0x6b, true)).toEqual([0x4b, 0x6b, 0x212a]); // KELVIN SIGN folds to k
    expect(matchClass(0x69, true)).toEqual([0x49, 0x69, 0x130]); // İ folds to i
    expect(matchClass(0xe9, true)).toEqual([0xc9, 0xe9]);
    expect(matchClass(0x4e2d, true)).toEqual([0x4e2d]);
    expect(matchClass(0xe9, false)).toEqual([0xe9]);
  });

  it('turns ILIKE characters whose case forms differ in bytes into OR-groups', () => {
    expect(labels('%love%', true)).toEqual(['LOV', 'OVE']);
    // k may be K KELVIN SIGN (E2 84 AA) in the value, i may be İ (C4 B0)
    expect(labels('%kiss%', true)).toEqual(['ISS|\\xc4\\xb0S', 'KIS|K\\xc4\\xb0|\\xe2\\x84\\xaa']);
    // é/É share their first byte (C3): 'AF\xc3' stays a plain trigram, 'Fé' becomes an OR-group
    expect(labels('%cafés%', true)).toEqual(['AF\\xc3', 'CAF', 'F\\xc3\\x89|F\\xc3\\xa9', '\\xc3\\x89S|\\xc3\\xa9S']);
    expect(labels('%中文字%', true).length).toBe(7); // 9 bytes, no case
    expect(labels('%café%', false)).toEqual(Array.from(textTrigrams('café')).map(trigramLabel).sort());
  });

  it('gives no requirement across a lone surrogate', () => {
    expect(labels('%ab\ud800cd%', false)).toEqual([]);
  });

  it('reports the longest literal in code points', () => {
    expect(patternTrigrams('%ab%cdef%', { caseInsensitive: false })!.longestLiteral).toBe(4);
    expect(patternTrigrams('%😀😀%', { caseInsensitive: false })!.longestLiteral).toBe(2);
  });

  it('finds no lower-case mapping at or above the scan limit', () => {
    for (let cp = CASE_SCAN_LIMIT; cp <= 0x10ffff; cp++) {
      if (foldCodePoint(cp) !== cp) expect.fail(`U+${cp.toString(16)} folds`);
    }
  });
});
