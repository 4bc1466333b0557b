import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DecentDBError } from '../util/index.js';
import type { Statement } from './ast.js';
import { parse, parseScript } from './parser.js';
import { printStatement } from './printer.js';
import { col, core, id, int, item, select, table, unquoted } from './test-helpers.js';
import { positionOf } from './token-stream.js';

const CASES: [string, Statement][] = [
  ['BEGIN', { kind: 'begin', mode: null, isolation: null }],
  ['BEGIN TRANSACTION', { kind: 'begin', mode: null, isolation: null }],
  ['begin work', { kind: 'begin', mode: null, isolation: null }],
  ['BEGIN IMMEDIATE', { kind: 'begin', mode: 'immediate', isolation: null }],
  ['BEGIN EXCLUSIVE TRANSACTION', { kind: 'begin', mode: 'exclusive', isolation: null }],
  ['BEGIN DEFERRED', { kind: 'begin', mode: 'deferred', isolation: null }],
  ['BEGIN ISOLATION LEVEL SERIALIZABLE', { kind: 'begin', mode: null, isolation: 'serializable' }],
  ['START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ WRITE', { kind: 'begin', mode: null, isolation: 'repeatable read' }],
  ['COMMIT', { kind: 'commit' }],
  ['END TRANSACTION', { kind: 'commit' }],
  ['COMMIT WORK', { kind: 'commit' }],
  ['ROLLBACK', { kind: 'rollback', savepoint: null }],
  ['ROLLBACK TO SAVEPOINT sp1', { kind: 'rollback', savepoint: id('sp1') }],
  ['ROLLBACK TRANSACTION TO sp1', { kind: 'rollback', savepoint: id('sp1') }],
  ['SAVEPOINT sp1', { kind: 'savepoint', name: id('sp1') }],
  ['RELEASE SAVEPOINT sp1', { kind: 'release', name: id('sp1') }],
  ['RELEASE sp1', { kind: 'release', name: id('sp1') }],
  ['EXPLAIN SELECT a FROM t', { kind: 'explain', analyze: false, statement: select(core({ items: [item(col('a'))], from: [table('t')] })) }],
  ['EXPLAIN ANALYZE DELETE FROM t', { kind: 'explain', analyze: true, statement: { kind: 'delete', table: id('t'), alias: null, where: null, returning: null } }],
];

function sqlError(fn: () => unknown): DecentDBError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DecentDBError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('statement parser', () => {
  it.each(CASES)('parses %s', (sql, expected) => {
    expect(parse(sql)).toEqual(expected);
  });

  it.each(CASES)('round-trips %s through the printer', (sql) => {
    const ast = parse(sql);
    expect(parse(printStatement(ast, { quote: 'preserve' }))).toEqual(ast);
    expect(unquoted(parse(printStatement(ast)))).toEqual(unquoted(ast));
  });

  it('folds unquoted identifiers and keeps quoted spelling', () => {
    expect(parse('SELECT MyCol FROM "MyTable"')).toEqual(
      select(core({ items: [item(col('mycol'))], from: [{ kind: 'table', name: id('MyTable', true), alias: null }] })),
    );
    expect(parse('select "a""b" from t')).toEqual(
      select(core({ items: [item({ kind: 'column', table: null, name: id('a"b', true) })], from: [table('t')] })),
    );
  });

  it('splits a script into statements with their spans', () => {
    const sql = "BEGIN; -- start\nINSERT INTO t VALUES (1);;\n/* c */ COMMIT ;";
    const out = parseScript(sql);
    expect(out.map((s) => s.statement.kind)).toEqual(['begin', 'insert', 'commit']);
    expect(out.map((s) => s.text)).toEqual(['BEGIN', 'INSERT INTO t VALUES (1)', 'COMMIT']);
    for (const s of out) expect(sql.slice(s.start, s.end)).toBe(s.text);
    expect(parseScript('  -- nothing\n ; ')).toEqual([]);
  });

  it('records source positions for column refs, calls and tables', () => {
    const stmt = parse('SELECT a, lower(b) FROM t');
    if (stmt.kind !== 'select' || stmt.body.kind !== 'selectCore') throw new Error('shape');
    const [a, b] = stmt.body.items;
    expect(a?.kind === 'selectExpr' && positionOf(a.expr)).toBe(7);
    expect(b?.kind === 'selectExpr' && positionOf(b.expr)).toBe(10);
    expect(positionOf(stmt.body.from[0] as object)).toBe(24);
  });

  it('parses the Chinook PostgreSQL script (psql meta-commands skipped)', () => {
    const raw = readFileSync(new URL('../../../shared/data/chinook/Chinook_PostgreSql.sql', import.meta.url), 'utf8');
    const script = raw.split('\n').filter((l) => !l.startsWith('\\')).join('\n');
    const out = parseScript(script);
    const kinds: Record<string, number> = {};
    for (const s of out) kinds[s.statement.kind] = (kinds[s.statement.kind] ?? 0) + 1;
    expect(kinds).toEqual({ dropDatabase: 1, createDatabase: 1, createTable: 11, alterTable: 11, createIndex: 11, insert: 24 });
    let rows = 0;
    for (const s of out) {
      const st = s.statement;
      if (st.kind === 'insert' && st.source?.body.kind === 'values') rows += st.source.body.rows.length;
    }
    expect(rows).toBe(15607);
    const album = out.find((s) => s.statement.kind === 'insert' && s.statement.table.name === 'album');
    expect(album && unquoted(parse(printStatement(album.statement)))).toEqual(album && unquoted(album.statement));
  });
});

describe('syntax errors', () => {
  it.each([
    ['SELECT * FORM t', 'syntax error at or near "FORM" (line 1, column 10)', 10, 1, 10],
    ['SELECT a FORM t', 'syntax error at or near "t" (line 1, column 15)', 15, 1, 15],
    ['SELECT FROM', 'syntax error at or near "FROM" (line 1, column 8)', 8, 1, 8],
    ['SELECT a,\n  FROM t', 'syntax error at or near "FROM" (line 2, column 3)', 13, 2, 3],
    ['SELECT (1', 'syntax error at end of input (line 1, column 10)', 10, 1, 10],
    ["SELECT 'abc", `unterminated quoted string at or near "'abc" (line 1, column 8)`, 8, 1, 8],
    ['SELECT 1 /* x', 'unterminated /* comment (line 1, column 10)', 10, 1, 10],
    ['SELECT "a', 'unterminated quoted identifier at or near ""a" (line 1, column 8)', 8, 1, 8],
    ['SELECT 12abc', 'trailing junk after numeric literal at or near "12a" (line 1, column 8)', 8, 1, 8],
    ['SELECT $0', 'there is no parameter $0 (line 1, column 8)', 8, 1, 8],
    ['SELECT a ? b', 'syntax error at or near "?" (line 1, column 10)', 10, 1, 10],
    ['SELECT 1 SELECT 2', 'syntax error at or near "SELECT" (line 1, column 10)', 10, 1, 10],
    ['SELECT 1; SELECT 2', 'expected a single statement (line 1, column 11)', 11, 1, 11],
    ['', 'empty statement (line 1, column 1)', 1, 1, 1],
    ['PRAGMA foo', 'PRAGMA is not supported (line 1, column 1)', 1, 1, 1],
    ['VACUUM', 'VACUUM is not supported (line 1, column 1)', 1, 1, 1],
    ['SELECT select FROM t', 'syntax error at or near "select" (line 1, column 8)', 8, 1, 8],
  ])('%s → %s', (sql, message, position, line, column) => {
    const e = sqlError(() => parse(sql));
    expect(e.code).toBe('ERR_SQL');
    expect(e.message).toBe(message);
    expect(e.details).toEqual({ position, line, column });
  });

  it('reports the failing statement of a script at its own position', () => {
    const e = sqlError(() => parseScript('SELECT 1;\nSELECT 2;\nSELEC 3;'));
    expect(e.details).toEqual({ position: 21, line: 3, column: 1 });
  });

  it('parses integers beyond 2^53 exactly', () => {
    expect(parse('SELECT 9223372036854775807')).toEqual(select(core({ items: [item(int(9223372036854775807n))] })));
  });
});

describe('limits', () => {
  it('reports absurd nesting as ERR_SQL instead of overflowing the stack', () => {
    const e = sqlError(() => parse(`SELECT ${'('.repeat(200_000)}1${')'.repeat(200_000)}`));
    expect(e.code).toBe('ERR_SQL');
    expect(e.message).toContain('too deeply nested');
  });
});
