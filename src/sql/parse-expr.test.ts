import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.js';
import { parseExpression } from './parser.js';
import { printExpr } from './printer.js';
import { bin, bool, call, col, core, dec, id, int, item, neg, not, nul, param, select, str, table, unquoted } from './test-helpers.js';

const sub = select(core({ items: [item(col('a'))], from: [table('t')] }));

const CASES: [string, Expr][] = [
  // literals
  ['42', int(42)],
  ['9007199254740993', int(9007199254740993n)],
  ['-9223372036854775808', int(-9223372036854775808n)],
  ['9223372036854775808', dec('9223372036854775808')],
  ['1.50', dec('1.50')],
  ['.5', dec('.5')],
  ['2e3', dec('2e3')],
  ['1.5E-3', dec('1.5E-3')],
  ['-2.5', dec('-2.5')],
  ["'it''s'", str("it's")],
  ["N'Ærøskøbing'", str('Ærøskøbing')],
  ["N'Edinburgh '", str('Edinburgh')],
  ["E'a\\nb\\'c\\x41'", str("a\nb'cA")],
  ['TRUE', bool(true)],
  ['false', bool(false)],
  ['NULL', nul],
  ['$3', param(3)],
  // names
  ['a', col('a')],
  ['T.A', col('a', 't')],
  ['"Quoted"', { kind: 'column', table: null, name: id('Quoted', true) }],
  ['excluded.score', col('score', 'excluded')],
  // precedence
  ['a OR b AND c', bin('or', col('a'), bin('and', col('b'), col('c')))],
  ['NOT a = b', not(bin('=', col('a'), col('b')))],
  ['NOT a AND b', bin('and', not(col('a')), col('b'))],
  ['a = b IS NULL', { kind: 'isNull', expr: bin('=', col('a'), col('b')), not: false }],
  ['NOT a IS NOT NULL', not({ kind: 'isNull', expr: col('a'), not: true })],
  ['1 + 2 * 3 - 4', bin('-', bin('+', int(1), bin('*', int(2), int(3))), int(4))],
  ['a / b % c', bin('%', bin('/', col('a'), col('b')), col('c'))],
  ["'a' || 1 + 2", bin('||', str('a'), bin('+', int(1), int(2)))],
  ["a || b = 'x'", bin('=', bin('||', col('a'), col('b')), str('x'))],
  ['a != b', bin('<>', col('a'), col('b'))],
  ['a <> b', bin('<>', col('a'), col('b'))],
  ['a <= b AND a >= c AND a < d AND a > e', bin('and', bin('and', bin('and', bin('<=', col('a'), col('b')), bin('>=', col('a'), col('c'))), bin('<', col('a'), col('d'))), bin('>', col('a'), col('e')))],
  ['-a * b', bin('*', neg(col('a')), col('b'))],
  ['- -5', neg(int(-5))],
  ['+a', { kind: 'unary', op: '+', operand: col('a') }],
  ['(a + b) * c', bin('*', bin('+', col('a'), col('b')), col('c'))],
  // IS forms
  ['a IS TRUE', { kind: 'isTruth', expr: col('a'), value: true, not: false }],
  ['a IS NOT FALSE', { kind: 'isTruth', expr: col('a'), value: false, not: true }],
  ['a IS UNKNOWN', { kind: 'isTruth', expr: col('a'), value: null, not: false }],
  ['a IS DISTINCT FROM b', { kind: 'isDistinct', left: col('a'), right: col('b'), not: false }],
  ['a IS NOT DISTINCT FROM NULL', { kind: 'isDistinct', left: col('a'), right: nul, not: true }],
  // predicates
  ['a BETWEEN 1 AND 2 AND b', bin('and', { kind: 'between', expr: col('a'), low: int(1), high: int(2), not: false, symmetric: false }, col('b'))],
  ['a NOT BETWEEN SYMMETRIC 2 AND 1', { kind: 'between', expr: col('a'), low: int(2), high: int(1), not: true, symmetric: true }],
  ['a IN (1, 2, 3)', { kind: 'inList', expr: col('a'), list: [int(1), int(2), int(3)], not: false }],
  ['a NOT IN (SELECT a FROM t)', { kind: 'inSubquery', expr: col('a'), query: sub, not: true }],
  ["name LIKE 'A%'", { kind: 'like', expr: col('name'), pattern: str('A%'), escape: null, not: false, caseInsensitive: false }],
  ["name NOT ILIKE '%a!%%' ESCAPE '!'", { kind: 'like', expr: col('name'), pattern: str('%a!%%'), escape: str('!'), not: true, caseInsensitive: true }],
  // casts and typed literals
  ['a::int', { kind: 'cast', expr: col('a'), type: { name: 'INT', args: [], sqlType: { base: 'INT64' } }, syntax: '::' }],
  ['-5::text', { kind: 'cast', expr: int(-5), type: { name: 'TEXT', args: [], sqlType: { base: 'TEXT' } }, syntax: '::' }],
  ['CAST(x AS numeric(10,2))', { kind: 'cast', expr: col('x'), type: { name: 'NUMERIC', args: [10, 2], sqlType: { base: 'DECIMAL', precision: 10, scale: 2 } }, syntax: 'cast' }],
  ['CAST(x AS varchar(20))', { kind: 'cast', expr: col('x'), type: { name: 'VARCHAR', args: [20], sqlType: { base: 'TEXT' } }, syntax: 'cast' }],
  ["TIMESTAMP '2024-01-01 10:00:00'", { kind: 'cast', expr: str('2024-01-01 10:00:00'), type: { name: 'TIMESTAMP', args: [], sqlType: { base: 'TIMESTAMP' } }, syntax: 'literal' }],
  ["DATE '2024-01-01'", { kind: 'cast', expr: str('2024-01-01'), type: { name: 'DATE', args: [], sqlType: { base: 'TIMESTAMP' } }, syntax: 'literal' }],
  ["timestamp with time zone '2024-01-01'", { kind: 'cast', expr: str('2024-01-01'), type: { name: 'TIMESTAMP WITH TIME ZONE', args: [], sqlType: { base: 'TIMESTAMP' } }, syntax: 'literal' }],
  ['x::double precision', { kind: 'cast', expr: col('x'), type: { name: 'DOUBLE PRECISION', args: [], sqlType: { base: 'FLOAT64' } }, syntax: '::' }],
  ['date', col('date')],
  // CASE
  ["CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END", {
    kind: 'case', operand: null,
    whens: [{ when: bin('>', col('a'), int(0)), then: str('pos') }, { when: bin('<', col('a'), int(0)), then: str('neg') }],
    else: str('zero'),
  }],
  ["CASE a WHEN 1 THEN 'one' END", { kind: 'case', operand: col('a'), whens: [{ when: int(1), then: str('one') }], else: null }],
  // subqueries
  ['EXISTS (SELECT a FROM t)', { kind: 'exists', query: sub }],
  ['NOT EXISTS (SELECT a FROM t)', not({ kind: 'exists', query: sub })],
  ['(SELECT a FROM t)', { kind: 'subquery', query: sub }],
  ['((SELECT a FROM t)) + 1', bin('+', { kind: 'subquery', query: sub }, int(1))],
  ['((SELECT a FROM t) + 1)', bin('+', { kind: 'subquery', query: sub }, int(1))],
  // calls
  ['COUNT(*)', call('count', [], { star: true })],
  ['count(DISTINCT a)', call('count', [col('a')], { distinct: true })],
  ['sum(ALL a)', call('sum', [col('a')])],
  ['coalesce(a, b, 0)', call('coalesce', [col('a'), col('b'), int(0)])],
  ['now()', call('now', [])],
  ['left(a, 2)', call('left', [col('a'), int(2)])],
  ['"MyFunc"(1)', { ...call('x', [int(1)]), name: id('MyFunc', true) }],
  ['ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC)', call('row_number', [], {
    over: { partitionBy: [col('a'), col('b')], orderBy: [{ expr: col('c'), direction: 'desc', nulls: null }] },
  })],
  ['row_number() over ()', call('row_number', [], { over: { partitionBy: [], orderBy: [] } })],
  ['SUBSTRING(s FROM 2 FOR 3)', call('substring', [col('s'), int(2), int(3)])],
  ['substring(s, 2)', call('substring', [col('s'), int(2)])],
  ["TRIM(LEADING 'x' FROM s)", call('ltrim', [col('s'), str('x')])],
  ['TRIM(BOTH FROM s)', call('btrim', [col('s')])],
  ['trim(s)', call('trim', [col('s')])],
  ['EXTRACT(YEAR FROM d)', call('date_part', [str('year'), col('d')])],
  ['CURRENT_TIMESTAMP', { kind: 'sqlValueFunction', name: 'current_timestamp' }],
  ['current_date', { kind: 'sqlValueFunction', name: 'current_date' }],
];

describe('expression parser', () => {
  it.each(CASES)('parses %s', (sql, expected) => {
    expect(parseExpression(sql)).toEqual(expected);
  });

  it.each(CASES)('round-trips %s through the printer', (sql) => {
    const ast = parseExpression(sql);
    expect(parseExpression(printExpr(ast, { quote: 'preserve' }))).toEqual(ast);
    expect(unquoted(parseExpression(printExpr(ast)))).toEqual(unquoted(ast));
  });

  it('prints in the native catalog style', () => {
    expect(printExpr(parseExpression('score >= 0.0'))).toBe('("score" >= 0.0)');
    expect(printExpr(parseExpression('a = 1 and not b'))).toBe('(("a" = 1) AND (NOT "b"))');
    expect(printExpr(parseExpression("x like 'a''b%' escape '!'"))).toBe(`("x" LIKE 'a''b%' ESCAPE '!')`);
    expect(printExpr(parseExpression('count(distinct a)'))).toBe('COUNT(DISTINCT "a")');
  });

  it('rejects INTERVAL literals clearly', () => {
    expect(() => parseExpression("now() - interval '1 day'")).toThrow('INTERVAL is not supported');
  });

  it('parses the native stored CHECK text', () => {
    expect(parseExpression('("score" >= 0.0)')).toEqual(bin('>=', { kind: 'column', table: null, name: id('score', true) }, dec('0.0')));
  });
});

describe('non-ASCII identifiers', () => {
  it('keep non-ASCII letters and print unquoted in preserve mode', () => {
    const e = parseExpression('Ärger + café');
    expect(e).toEqual(bin('+', col('Ärger'), col('café')));
    expect(printExpr(e, { quote: 'preserve' })).toBe('(Ärger + café)');
  });
});
