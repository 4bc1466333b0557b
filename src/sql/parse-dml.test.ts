import { describe, expect, it } from 'vitest';
import type { Statement } from './ast.js';
import { parse } from './parser.js';
import { printStatement } from './printer.js';
import { bin, col, core, dec, id, int, item, param, select, star, str, table, unquoted } from './test-helpers.js';

const values = (...rows: ReturnType<typeof int>[][]) => select({ kind: 'values', rows });
const DEF = { kind: 'default' } as const;

const CASES: [string, Statement][] = [
  ["INSERT INTO t (a, b) VALUES (1, 'x'), (2, DEFAULT)", {
    kind: 'insert', table: id('t'), alias: null, columns: [id('a'), id('b')],
    source: values([int(1), str('x')], [int(2), DEF]), onConflict: null, returning: null,
  }],
  ['INSERT INTO t VALUES ($1, $2)', {
    kind: 'insert', table: id('t'), alias: null, columns: [], source: values([param(1), param(2)]), onConflict: null, returning: null,
  }],
  ['INSERT INTO t DEFAULT VALUES RETURNING *', {
    kind: 'insert', table: id('t'), alias: null, columns: [], source: null, onConflict: null, returning: [star()],
  }],
  ['INSERT INTO t (a) SELECT a FROM u WHERE a > 1', {
    kind: 'insert', table: id('t'), alias: null, columns: [id('a')],
    source: select(core({ items: [item(col('a'))], from: [table('u')], where: bin('>', col('a'), int(1)) })), onConflict: null, returning: null,
  }],
  ['INSERT INTO t (SELECT a FROM u)', {
    kind: 'insert', table: id('t'), alias: null, columns: [],
    source: select(core({ items: [item(col('a'))], from: [table('u')] })), onConflict: null, returning: null,
  }],
  ['INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING', {
    kind: 'insert', table: id('t'), alias: null, columns: [id('a')], source: values([int(1)]),
    onConflict: { target: null, action: { kind: 'nothing' } }, returning: null,
  }],
  ['INSERT INTO t AS x (id, n) VALUES (1, 2) ON CONFLICT (id) DO UPDATE SET n = x.n + excluded.n WHERE x.n < 10 RETURNING id, n AS total', {
    kind: 'insert', table: id('t'), alias: id('x'), columns: [id('id'), id('n')], source: values([int(1), int(2)]),
    onConflict: {
      target: { kind: 'columns', columns: [id('id')], where: null },
      action: { kind: 'update', set: [{ column: id('n'), value: bin('+', col('n', 'x'), col('n', 'excluded')) }], where: bin('<', col('n', 'x'), int(10)) },
    },
    returning: [item(col('id')), item(col('n'), 'total')],
  }],
  ['INSERT INTO t (a) VALUES (1) ON CONFLICT ON CONSTRAINT t_pkey DO UPDATE SET a = DEFAULT', {
    kind: 'insert', table: id('t'), alias: null, columns: [id('a')], source: values([int(1)]),
    onConflict: { target: { kind: 'constraint', name: id('t_pkey') }, action: { kind: 'update', set: [{ column: id('a'), value: DEF }], where: null } },
    returning: null,
  }],
  ['INSERT INTO t (a) VALUES (1) ON CONFLICT (a) WHERE a > 0 DO NOTHING', {
    kind: 'insert', table: id('t'), alias: null, columns: [id('a')], source: values([int(1)]),
    onConflict: { target: { kind: 'columns', columns: [id('a')], where: bin('>', col('a'), int(0)) }, action: { kind: 'nothing' } },
    returning: null,
  }],
  ['UPDATE users SET score = score + 1.0, name = DEFAULT WHERE id = 1', {
    kind: 'update', table: id('users'), alias: null,
    set: [{ column: id('score'), value: bin('+', col('score'), dec('1.0')) }, { column: id('name'), value: DEF }],
    from: [], where: bin('=', col('id'), int(1)), returning: null,
  }],
  ['UPDATE t AS a SET x = b.y FROM b WHERE a.id = b.id RETURNING a.*', {
    kind: 'update', table: id('t'), alias: id('a'), set: [{ column: id('x'), value: col('y', 'b') }],
    from: [table('b')], where: bin('=', col('id', 'a'), col('id', 'b')), returning: [star('a')],
  }],
  ['UPDATE t u SET x = 1', {
    kind: 'update', table: id('t'), alias: id('u'), set: [{ column: id('x'), value: int(1) }], from: [], where: null, returning: null,
  }],
  ['DELETE FROM t', { kind: 'delete', table: id('t'), alias: null, where: null, returning: null }],
  ['DELETE FROM t AS x WHERE x.a IS NULL RETURNING *', {
    kind: 'delete', table: id('t'), alias: id('x'), where: { kind: 'isNull', expr: col('a', 'x'), not: false }, returning: [star()],
  }],
];

describe('DML parser', () => {
  it.each(CASES)('parses %s', (sql, expected) => {
    expect(parse(sql)).toEqual(expected);
  });

  it.each(CASES)('round-trips %s through the printer', (sql) => {
    const ast = parse(sql);
    expect(parse(printStatement(ast, { quote: 'preserve' }))).toEqual(ast);
    expect(unquoted(parse(printStatement(ast)))).toEqual(unquoted(ast));
  });

  it('prints DML in the native style', () => {
    expect(printStatement(parse("insert into t (a) values (1, 'x''y')"))).toBe(`INSERT INTO "t" ("a") VALUES (1, 'x''y')`);
    expect(printStatement(parse('update t set a = a + 1 where id = $1'))).toBe('UPDATE "t" SET "a" = ("a" + 1) WHERE ("id" = $1)');
  });

  it.each([
    ['SELECT DEFAULT', 'DEFAULT is not allowed in this context'],
    ['INSERT INTO t SELECT DEFAULT', 'DEFAULT is not allowed in this context'],
    ['UPDATE t SET (a, b) = (1, 2)', 'multi-column assignment is not supported'],
    ['DELETE FROM t USING u', 'DELETE … USING is not supported'],
    ['WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', 'WITH before INSERT is not supported'],
  ])('rejects %s', (sql, message) => {
    expect(() => parse(sql)).toThrow(message);
  });
});
