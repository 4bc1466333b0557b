import { describe, expect, it } from 'vitest';
import type { Statement } from './ast.js';
import { parse } from './parser.js';
import { printStatement } from './printer.js';
import { bin, call, col, core, id, int, item, join, param, select, star, str, table, unquoted } from './test-helpers.js';

const one = core({ items: [item(int(1))] });
const two = core({ items: [item(int(2))] });
const three = core({ items: [item(int(3))] });
const tA = core({ items: [item(col('a'))], from: [table('t')] });

const CASES: [string, Statement][] = [
  ['SELECT 1', select(one)],
  ['select 1;', select(one)],
  ['SELECT DISTINCT a FROM t', select(core({ distinct: true, items: [item(col('a'))], from: [table('t')] }))],
  ['SELECT ALL a FROM t', select(tA)],
  ['SELECT *, t.*, a AS x, b y, "C" FROM t', select(core({
    items: [star(), star('t'), item(col('a'), 'x'), item(col('b'), 'y'), item({ kind: 'column', table: null, name: id('C', true) })],
    from: [table('t')],
  }))],
  ['SELECT a FROM t AS u, v w', select(core({ items: [item(col('a'))], from: [table('t', 'u'), table('v', 'w')] }))],
  ['SELECT a FROM public.t', select(tA)],
  ['SELECT a FROM t WHERE a > $1 GROUP BY a, b HAVING count(*) > 1', select(core({
    items: [item(col('a'))], from: [table('t')], where: bin('>', col('a'), param(1)),
    groupBy: [col('a'), col('b')], having: bin('>', call('count', [], { star: true }), int(1)),
  }))],
  ['SELECT a FROM t ORDER BY a ASC NULLS FIRST, b DESC, c NULLS LAST LIMIT 10 OFFSET 5', select(tA, {
    orderBy: [
      { expr: col('a'), direction: 'asc', nulls: 'first' },
      { expr: col('b'), direction: 'desc', nulls: null },
      { expr: col('c'), direction: null, nulls: 'last' },
    ],
    limit: int(10), offset: int(5),
  })],
  ['SELECT a FROM t LIMIT $1 OFFSET $2', select(tA, { limit: param(1), offset: param(2) })],
  ['SELECT a FROM t OFFSET 5 LIMIT ALL', select(tA, { offset: int(5) })],
  ['SELECT a FROM t OFFSET 5 ROWS', select(tA, { offset: int(5) })],
  // joins
  ['SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (id) CROSS JOIN d', select(core({
    items: [star()],
    from: [join('cross', join('left', join('inner', table('a'), table('b'), bin('=', col('id', 'a'), col('id', 'b'))), table('c'), null, ['id']), table('d'), null)],
  }))],
  ['SELECT * FROM a INNER JOIN b ON TRUE RIGHT JOIN c ON FALSE FULL OUTER JOIN d ON NULL', select(core({
    items: [star()],
    from: [join('full', join('right', join('inner', table('a'), table('b'), { kind: 'boolean', value: true }), table('c'), { kind: 'boolean', value: false }), table('d'), { kind: 'null' })],
  }))],
  ['SELECT * FROM a JOIN (b JOIN c ON x) ON y', select(core({
    items: [star()],
    from: [join('inner', table('a'), join('inner', table('b'), table('c'), col('x')), col('y'))],
  }))],
  ['SELECT s.a FROM (SELECT a FROM t) AS s', select(core({
    items: [item(col('a', 's'))],
    from: [{ kind: 'subqueryRef', query: select(tA), alias: id('s'), columns: [] }],
  }))],
  ['SELECT * FROM (VALUES (1, 2), (3, 4)) v (x, y)', select(core({
    items: [star()],
    from: [{ kind: 'subqueryRef', query: select({ kind: 'values', rows: [[int(1), int(2)], [int(3), int(4)]] }), alias: id('v'), columns: [id('x'), id('y')] }],
  }))],
  // set operations
  ['SELECT 1 UNION SELECT 2 INTERSECT SELECT 3', select({
    kind: 'setOp', op: 'union', all: false, left: one, right: { kind: 'setOp', op: 'intersect', all: false, left: two, right: three },
  })],
  ['SELECT 1 UNION ALL SELECT 2 EXCEPT SELECT 3 ORDER BY 1 LIMIT 2', select({
    kind: 'setOp', op: 'except', all: false, left: { kind: 'setOp', op: 'union', all: true, left: one, right: two }, right: three,
  }, { orderBy: [{ expr: int(1), direction: null, nulls: null }], limit: int(2) })],
  ['(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3', select({
    kind: 'setOp', op: 'intersect', all: false, left: { kind: 'setOp', op: 'union', all: false, left: one, right: two }, right: three,
  })],
  ['SELECT 1 EXCEPT (SELECT 2 EXCEPT SELECT 3)', select({
    kind: 'setOp', op: 'except', all: false, left: one, right: { kind: 'setOp', op: 'except', all: false, left: two, right: three },
  })],
  ['(SELECT a FROM t ORDER BY a LIMIT 1) UNION SELECT 2', select({
    kind: 'setOp', op: 'union', all: false,
    left: select(tA, { orderBy: [{ expr: col('a'), direction: null, nulls: null }], limit: int(1) }), right: two,
  })],
  ['((SELECT 1))', select(one)],
  ['(SELECT 1 LIMIT 1)', select(one, { limit: int(1) })],
  ['VALUES (1, \'a\'), (2, \'b\')', select({ kind: 'values', rows: [[int(1), str('a')], [int(2), str('b')]] })],
  // WITH
  ['WITH x (a) AS (SELECT 1), y AS (SELECT a FROM t) SELECT * FROM x, y', select(core({ items: [star()], from: [table('x'), table('y')] }), {
    with: [{ name: id('x'), columns: [id('a')], query: select(one) }, { name: id('y'), columns: [], query: select(tA) }],
  })],
];

describe('query parser', () => {
  it.each(CASES)('parses %s', (sql, expected) => {
    expect(parse(sql)).toEqual(expected);
  });

  it.each(CASES)('round-trips %s through the printer', (sql) => {
    const ast = parse(sql);
    expect(parse(printStatement(ast, { quote: 'preserve' }))).toEqual(ast);
    expect(unquoted(parse(printStatement(ast)))).toEqual(unquoted(ast));
  });

  it('prints views like the native catalog', () => {
    expect(printStatement(parse('select * from users where is_active = true'))).toBe('SELECT * FROM "users" WHERE ("is_active" = TRUE)');
    expect(parse('SELECT * FROM "users" WHERE ("is_active" = TRUE)')).toEqual(
      select(core({
        items: [star()],
        from: [{ kind: 'table', name: id('users', true), alias: null }],
        where: bin('=', { kind: 'column', table: null, name: id('is_active', true) }, { kind: 'boolean', value: true }),
      })),
    );
  });

  it('parses and prints window frames', () => {
    expect(printStatement(parse('SELECT sum(x) OVER (ORDER BY id ROWS 2 PRECEDING) FROM t'))).toBe('SELECT SUM("x") OVER (ORDER BY "id" ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM "t"');
    expect(printStatement(parse('SELECT last_value(x) OVER (PARTITION BY g RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM t'))).toBe('SELECT LAST_VALUE("x") OVER (PARTITION BY "g" RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM "t"');
    expect(() => parse('SELECT sum(x) OVER (ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM t')).toThrow('frame start cannot be UNBOUNDED FOLLOWING');
    expect(() => parse('SELECT sum(x) OVER (RANGE 2 PRECEDING) FROM t')).toThrow('RANGE with offset PRECEDING/FOLLOWING is not supported');
    expect(() => parse('SELECT sum(x) OVER (GROUPS CURRENT ROW) FROM t')).toThrow('GROUPS window frames are not supported');
  });

  it('parses and prints NATURAL joins', () => {
    expect(printStatement(parse('SELECT * FROM a NATURAL JOIN b'))).toBe('SELECT * FROM "a" NATURAL JOIN "b"');
    expect(printStatement(parse('SELECT * FROM a natural left outer join b NATURAL FULL JOIN c'))).toBe('SELECT * FROM "a" NATURAL LEFT JOIN "b" NATURAL FULL JOIN "c"');
  });

  it('prints set operations with the parentheses precedence needs', () => {
    expect(printStatement(parse('(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3'))).toBe('(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3');
    expect(printStatement(parse('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3'))).toBe('SELECT 1 UNION SELECT 2 INTERSECT SELECT 3');
    expect(printStatement(parse('SELECT 1 EXCEPT (SELECT 2 EXCEPT SELECT 3)'))).toBe('SELECT 1 EXCEPT (SELECT 2 EXCEPT SELECT 3)');
  });

  it.each([
    ['SELECT a FROM t LIMIT a', 'LIMIT must be an integer literal or a parameter'],
    ['SELECT a FROM t LIMIT 1 + 1', 'LIMIT must be an integer literal or a parameter'],
    ['SELECT a FROM t OFFSET -1', 'OFFSET must not be negative'],
    ['SELECT * FROM a NATURAL CROSS JOIN b', 'NATURAL CROSS JOIN is not valid'],
    ['SELECT * FROM a NATURAL JOIN b ON a.x = b.x', 'a NATURAL join cannot have an ON or USING clause'],
    ['SELECT * FROM a NATURAL b', 'expected JOIN after NATURAL'],
    ['SELECT DISTINCT ON (a) a FROM t', 'DISTINCT ON is not supported'],
    ['VALUES (1, 2), (3)', 'VALUES lists must all be the same length'],
    ['SELECT a FROM t FETCH FIRST 1 ROWS ONLY', 'FETCH is not supported'],
  ])('rejects %s', (sql, message) => {
    expect(() => parse(sql)).toThrow(message);
  });
});
