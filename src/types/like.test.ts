import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileLike, likeLiteralPrefix, likeLiteralSegments, sqlLike } from './like.js';

/** Reference model: the pattern as an anchored, unicode-aware regular expression. */
function model(subject: string, pattern: string, ci: boolean): boolean {
  let re = '';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '\\') re += (chars[++i] ?? '').replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    else if (c === '%') re += '.*';
    else if (c === '_') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  const lower = (s: string): string => Array.from(s, (ch) => (ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch)).join('');
  return new RegExp(`^${ci ? lower(re) : re}$`, 'su').test(ci ? lower(subject) : subject);
}

const alphabet = ['a', 'b', 'é', 'Ж', 'ж', '😀', '\n', '.', '*'];
const str = fc.array(fc.constantFrom(...alphabet), { maxLength: 10 }).map((a) => a.join(''));
const pat = fc
  .array(fc.constantFrom(...alphabet, '%', '_', '%', '_', '\\%', '\\_', '\\\\'), { maxLength: 8 })
  .map((a) => a.join(''));

describe('LIKE matcher', () => {
  it('agrees with a regular-expression model on random patterns', () => {
    fc.assert(
      fc.property(str, pat, fc.boolean(), (s, p, ci) => {
        expect(compileLike(p, { caseInsensitive: ci }).matches(s)).toBe(model(s, p, ci));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the model on patterns without _ (matched over UTF-16 code units)', () => {
    // ('İ' folds to 'i' as towlower does, which the model's toLowerCase does not: tested below.)
    const chars = ['a', 'B', 'é', 'Ж', '😀', '𐐀', 'K', 'k', 'i'];
    const subject = fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((a) => a.join(''));
    const noAny = fc.array(fc.constantFrom(...chars, '%', '%', '\\_'), { maxLength: 6 }).map((a) => a.join(''));
    fc.assert(
      fc.property(subject, noAny, fc.boolean(), (s, p, ci) => {
        expect(compileLike(p, { caseInsensitive: ci }).matches(s)).toBe(model(s, p, ci));
      }),
      { numRuns: 2000 },
    );
    expect(sqlLike('x😀y', '%😀%')).toBe(true);
    expect(sqlLike('x😀y', 'x%y')).toBe(true);
    expect(sqlLike('😀', '😀')).toBe(true);
    expect(sqlLike('SUMMER of Love', '%love%', { caseInsensitive: true })).toBe(true);
    expect(sqlLike('\u212A', 'k', { caseInsensitive: true })).toBe(true);
    expect(sqlLike('xİy', '%i%', { caseInsensitive: true })).toBe(true);
  });

  it("searches '%literal%' by string search with the same answers", () => {
    const ci = { caseInsensitive: true };
    expect(sqlLike('Kelvin \u212Aey', '%KEY%', ci)).toBe(true);
    expect(sqlLike('kEy', '%\u212Aey%', ci)).toBe(true);
    expect(sqlLike('xİz', '%iz%', ci)).toBe(true);
    expect(sqlLike('xİz', '%iz%')).toBe(false);
    expect(sqlLike('axb', '%a.b%', ci)).toBe(false);
    expect(sqlLike('a.b', '%a.b%', ci)).toBe(true);
    expect(sqlLike('x(y)[z]\\+*?^$|/-', '%(y)[z]\\\\+*?^$|/-%', ci)).toBe(true);
    expect(sqlLike('Ab', '%ab%')).toBe(false);
    expect(sqlLike('Ab', '%ab%', ci)).toBe(true);
    expect(sqlLike('日本語', '%本%')).toBe(true);
    expect(sqlLike('ÉCOLE', '%éc%', ci)).toBe(true);
    const subject = fc.array(fc.constantFrom('a', 'B', '.', '*', '(', 'é', 'É', '\u212A', 'İ', 'k', 'I', '😀'), { maxLength: 10 }).map((a) => a.join(''));
    const lit = fc.array(fc.constantFrom('a', 'b', 'B', '.', '*', '(', 'é', 'k', 'K', 'i', '\u212A'), { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    fc.assert(
      fc.property(subject, lit, fc.boolean(), (s, l, fold) => {
        // Reference: some run of the subject's characters matches the literal alone (an
        // anchored pattern, which takes the per-character matcher, not the string search).
        const viaContains = compileLike(`%${l}%`, { caseInsensitive: fold }).matches(s);
        const chars = Array.from(s);
        let found = false;
        for (let i = 0; i < chars.length && !found; i++) {
          for (let j = i; j <= chars.length && !found; j++) {
            found = compileLike(l, { caseInsensitive: fold }).matches(chars.slice(i, j).join(''));
          }
        }
        expect(viaContains).toBe(found);
      }),
      { numRuns: 1000 },
    );
  });

  it('treats _ as one character, including astral ones', () => {
    expect(sqlLike('😀', '_')).toBe(true);
    expect(sqlLike('a😀b', 'a_b')).toBe(true);
    expect(sqlLike('ab', '_')).toBe(false);
  });

  it('honours ESCAPE, ESCAPE disabled, and raises on a trailing escape only when reached', () => {
    expect(sqlLike('a%', 'a\\%')).toBe(true);
    expect(sqlLike('ab', 'a\\%')).toBe(false);
    expect(sqlLike('a_c', 'a#_c', { escape: '#' })).toBe(true);
    expect(sqlLike('abc', 'a#_c', { escape: '#' })).toBe(false);
    expect(sqlLike('a\\b', 'a\\b', { escape: '' })).toBe(true);
    expect(sqlLike('', '\\')).toBe(false);
    expect(() => sqlLike('abc', 'ab\\')).toThrow('LIKE pattern must not end with escape character');
    expect(() => compileLike('x', { escape: 'ab' })).toThrow('invalid escape string');
  });

  it('folds non-ASCII letters for ILIKE', () => {
    expect(sqlLike('ЖУК', 'жук', { caseInsensitive: true })).toBe(true);
    expect(sqlLike('Éa', 'é%', { caseInsensitive: true })).toBe(true);
    expect(sqlLike('ЖУК', 'жук')).toBe(false);
    expect(sqlLike('İ', 'i', { caseInsensitive: true })).toBe(true);
  });

  it('stays linear on patterns that make backtracking matchers explode', () => {
    const m = compileLike('%a%a%a%a%a%a%b');
    expect(m.matches('a'.repeat(20000))).toBe(false);
    expect(m.matches('a'.repeat(20000) + 'b')).toBe(true);
  });

  it('returns NULL for NULL operands', () => {
    expect(sqlLike(null, 'a')).toBe(null);
    expect(sqlLike('a', null)).toBe(null);
  });

  it('extracts literal segments and the literal prefix', () => {
    expect(likeLiteralSegments('ab%c_de')).toEqual(['ab', 'c', 'de']);
    expect(likeLiteralSegments('%\\%x%')).toEqual(['%x']);
    expect(likeLiteralPrefix('abc%d')).toEqual({ prefix: 'abc', exact: false });
    expect(likeLiteralPrefix('a\\_b')).toEqual({ prefix: 'a_b', exact: true });
  });
});
