import { describe, expect, it } from 'vitest';
import { locate, tokenize } from './lexer.js';

const kinds = (sql: string) => tokenize(sql).map((t) => [t.kind, t.value]);

describe('Lexer', () => {
  it('lowercases words and keeps quoted identifiers', () => {
    expect(kinds('SELECT Foo "Bar"')).toEqual([['word', 'select'], ['word', 'foo'], ['quotedIdent', 'Bar'], ['eof', '']]);
  });

  it('reads every operator', () => {
    const ops = '= <> != < <= > >= || + - * / % :: ( ) , ; . [ ] ^';
    expect(tokenize(ops).filter((t) => t.kind === 'op').map((t) => t.value)).toEqual(ops.split(' '));
  });

  it('reads numbers, parameters and strings', () => {
    expect(kinds("1 1.5 .5 1e10 1.5e-3 3. $12 'a''b' N'x' e'\\t'")).toEqual([
      ['integer', '1'], ['decimal', '1.5'], ['decimal', '.5'], ['decimal', '1e10'], ['decimal', '1.5e-3'], ['decimal', '3.'],
      ['param', '12'], ['string', "a'b"], ['string', 'x'], ['string', '\t'], ['eof', ''],
    ]);
  });

  it("drops the trailing spaces of N'…' (bpchar in Postgres) but keeps leading ones and other strings' spaces", () => {
    expect(kinds("N'Edinburgh ' n'  a  ' N' \t ' 'b  ' E'c '")).toEqual([
      ['string', 'Edinburgh'], ['string', '  a'], ['string', ' \t'], ['string', 'b  '], ['string', 'c '], ['eof', ''],
    ]);
  });

  it('keeps an identifier ending in n or e apart from a following string', () => {
    expect(kinds("an 'x'")).toEqual([['word', 'an'], ['string', 'x'], ['eof', '']]);
  });

  it('skips line comments and nested block comments', () => {
    expect(kinds('a -- c1\n/* x /* nested */ still comment */ b')).toEqual([['word', 'a'], ['word', 'b'], ['eof', '']]);
  });

  it('gives 0-based spans', () => {
    const t = tokenize('  SELECT  "x"');
    expect(t.map((x) => [x.start, x.end])).toEqual([[2, 8], [10, 13], [13, 13]]);
  });

  it('decodes E-string escapes', () => {
    expect(tokenize("E'\\n\\\\\\x41\\u00e9\\101'")[0]?.value).toBe('\n\\Aé' + 'A');
  });

  it('locates offsets as 1-based line and column', () => {
    expect(locate('ab\ncd', 4)).toEqual({ position: 5, line: 2, column: 2 });
  });

  it.each([["'open", 'unterminated quoted string'], ['"open', 'unterminated quoted identifier'], ['/* open', 'unterminated /* comment'], ['""', 'zero-length delimited identifier'], ['#', 'syntax error at or near "#"'], ['$', 'syntax error'], ['$1a', 'trailing junk after parameter']])(
    'rejects %s',
    (sql, message) => {
      expect(() => tokenize(sql)).toThrow(message);
    },
  );
});

describe('identifier folding', () => {
  it('folds only ASCII letters, as Postgres does for UTF-8', () => {
    expect(tokenize('Ärger CAFÉ')[0]?.value).toBe('Ärger');
    expect(tokenize('Ärger CAFÉ')[1]?.value).toBe('cafÉ');
  });
});
