// Property: any expression AST the Parser can produce prints to SQL that parses back to it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr, FromItem, Ident, OrderItem, QueryBody, SelectCore, SelectStmt, TypeName } from './ast.js';
import { parse, parseExpression } from './parser.js';
import { printExpr, printStatement } from './printer.js';
import { lookupType, toSqlType } from './type-names.js';
import { unquoted } from './test-helpers.js';

const typeName = (name: string, args: number[] = []): TypeName => {
  const info = lookupType(name.startsWith('TIMESTAMP') ? 'TIMESTAMP' : name);
  if (info === undefined) throw new Error(name);
  return { name, args, sqlType: toSqlType(info.base, args) };
};
const CAST_TYPES = [
  typeName('INT'), typeName('BIGINT'), typeName('TEXT'), typeName('VARCHAR', [20]), typeName('NUMERIC', [10, 2]),
  typeName('DOUBLE PRECISION'), typeName('BOOLEAN'), typeName('TIMESTAMP'), typeName('DATE'), typeName('UUID'), typeName('BYTEA'),
];
const LITERAL_TYPES = [typeName('DATE'), typeName('TIMESTAMP'), typeName('TIMESTAMP WITH TIME ZONE'), typeName('INT'), typeName('TEXT'), typeName('DOUBLE PRECISION')];

const ident: fc.Arbitrary<Ident> = fc.oneof(
  fc.constantFrom('a', 'b', 'score', 'date', 'name', 'x_1').map((name) => ({ name, quoted: false })),
  fc.string({ minLength: 1, maxLength: 6 }).map((name) => ({ name, quoted: true })),
);
const fnName: fc.Arbitrary<Ident> = fc.oneof(
  fc.constantFrom('lower', 'coalesce', 'f', 'left', 'substring', 'trim', 'date').map((name) => ({ name, quoted: false })),
  fc.string({ minLength: 1, maxLength: 4 }).map((name) => ({ name, quoted: true })),
);

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((b): Expr => {
  const n = Number(b);
  return { kind: 'integer', value: Number.isSafeInteger(n) ? n : b };
});
const decimal = fc
  .tuple(fc.boolean(), fc.nat(99999), fc.stringMatching(/^[0-9]{0,4}$/), fc.option(fc.integer({ min: -20, max: 20 }), { nil: undefined }))
  .map(([negative, whole, frac, exp]): Expr => {
    const text = `${negative ? '-' : ''}${whole}.${frac}${exp === undefined ? '' : `e${exp}`}`;
    return { kind: 'decimal', text };
  });

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map((value): Expr => ({ kind: 'integer', value })),
  int64,
  decimal,
  fc.string({ maxLength: 8 }).map((value): Expr => ({ kind: 'string', value })),
  fc.boolean().map((value): Expr => ({ kind: 'boolean', value })),
  fc.constant<Expr>({ kind: 'null' }),
  fc.integer({ min: 1, max: 99 }).map((index): Expr => ({ kind: 'param', index })),
  fc.tuple(fc.option(ident, { nil: null }), ident).map(([table, name]): Expr => ({ kind: 'column', table, name })),
  fc.constantFrom<Expr>({ kind: 'sqlValueFunction', name: 'current_timestamp' }, { kind: 'sqlValueFunction', name: 'current_date' }),
  fc.tuple(fc.constantFrom(...LITERAL_TYPES), fc.string({ maxLength: 6 })).map(([type, value]): Expr => ({
    kind: 'cast', expr: { kind: 'string', value }, type, syntax: 'literal',
  })),
);

const { expr } = fc.letrec<{ expr: Expr; query: SelectStmt }>((tie) => {
  const e = tie('expr');
  const orderItem: fc.Arbitrary<OrderItem> = fc.record({
    expr: e,
    direction: fc.constantFrom(null, 'asc' as const, 'desc' as const),
    nulls: fc.constantFrom(null, 'first' as const, 'last' as const),
  });
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.record({ kind: fc.constant('unary' as const), op: fc.constantFrom('-' as const, '+' as const, 'not' as const), operand: e }),
      fc.record({
        kind: fc.constant('binary' as const),
        op: fc.constantFrom('or' as const, 'and' as const, '=' as const, '<>' as const, '<' as const, '<=' as const, '>' as const, '>=' as const, '||' as const, '+' as const, '-' as const, '*' as const, '/' as const, '%' as const),
        left: e,
        right: e,
      }),
      fc.record({ kind: fc.constant('isNull' as const), expr: e, not: fc.boolean() }),
      fc.record({ kind: fc.constant('isTruth' as const), expr: e, value: fc.constantFrom(true, false, null), not: fc.boolean() }),
      fc.record({ kind: fc.constant('isDistinct' as const), left: e, right: e, not: fc.boolean() }),
      fc.record({ kind: fc.constant('between' as const), expr: e, low: e, high: e, not: fc.boolean(), symmetric: fc.boolean() }),
      fc.record({ kind: fc.constant('inList' as const), expr: e, list: fc.array(e, { minLength: 1, maxLength: 3 }), not: fc.boolean() })
        // `x IN ((SELECT …))` is an IN-subquery to the Parser, never a one-item list.
        .filter((x) => !(x.list.length === 1 && x.list[0]?.kind === 'subquery')),
      fc.record({ kind: fc.constant('inSubquery' as const), expr: e, query: tie('query') as fc.Arbitrary<SelectStmt>, not: fc.boolean() }),
      fc.record({ kind: fc.constant('like' as const), expr: e, pattern: e, escape: fc.option(e, { nil: null }), not: fc.boolean(), caseInsensitive: fc.boolean() }),
      fc.record({ kind: fc.constant('cast' as const), expr: e, type: fc.constantFrom(...CAST_TYPES), syntax: fc.constantFrom('cast' as const, '::' as const) }),
      fc.record({
        kind: fc.constant('case' as const),
        operand: fc.option(e, { nil: null }),
        whens: fc.array(fc.record({ when: e, then: e }), { minLength: 1, maxLength: 2 }),
        else: fc.option(e, { nil: null }),
      }),
      fc.record({ kind: fc.constant('exists' as const), query: tie('query') as fc.Arbitrary<SelectStmt> }),
      fc.record({ kind: fc.constant('subquery' as const), query: tie('query') as fc.Arbitrary<SelectStmt> }),
      fc
        .record({
          name: fnName,
          args: fc.array(e, { maxLength: 3 }),
          star: fc.boolean(),
          distinct: fc.boolean(),
          over: fc.option(fc.record({ partitionBy: fc.array(e, { maxLength: 2 }), orderBy: fc.array(orderItem, { maxLength: 2 }) }), { nil: null }),
        })
        .map((c): Expr => {
          const star = c.star && c.args.length === 0;
          return { kind: 'call', name: c.name, args: c.args, star, distinct: !star && c.distinct && c.args.length > 0, over: c.over };
        }),
    ) as fc.Arbitrary<Expr>,
    query: fc.tuple(e, ident).map(([x, t]): SelectStmt => ({
      kind: 'select',
      with: [],
      body: { kind: 'selectCore', distinct: false, items: [{ kind: 'selectExpr', expr: x, alias: null }], from: [{ kind: 'table', name: t, alias: null }], where: null, groupBy: [], having: null },
      orderBy: [],
      limit: null,
      offset: null,
    })),
  };
});

// Whole queries: select cores, joins, subqueries in FROM, set operations, ORDER BY/LIMIT.
const smallExpr = leaf;
const tableRef: fc.Arbitrary<FromItem> = fc.record({ kind: fc.constant('table' as const), name: ident, alias: fc.option(ident, { nil: null }) });
const { query } = fc.letrec<{ query: SelectStmt; body: QueryBody; from: FromItem }>((tie) => {
  const q = tie('query') as fc.Arbitrary<SelectStmt>;
  const from = tie('from') as fc.Arbitrary<FromItem>;
  const body = tie('body') as fc.Arbitrary<QueryBody>;
  const selectCore: fc.Arbitrary<SelectCore> = fc.record({
    kind: fc.constant('selectCore' as const),
    distinct: fc.boolean(),
    items: fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('allColumns' as const), table: fc.option(ident, { nil: null }) }),
        fc.record({ kind: fc.constant('selectExpr' as const), expr: expr, alias: fc.option(ident, { nil: null }) }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    from: fc.array(from, { maxLength: 2 }),
    where: fc.option(expr, { nil: null }),
    groupBy: fc.array(smallExpr, { maxLength: 2 }),
    having: fc.option(smallExpr, { nil: null }),
  });
  const orderItem: fc.Arbitrary<OrderItem> = fc.record({
    expr: smallExpr,
    direction: fc.constantFrom(null, 'asc' as const, 'desc' as const),
    nulls: fc.constantFrom(null, 'first' as const, 'last' as const),
  });
  const limitValue = fc.option(
    fc.oneof(fc.nat(1000).map((value): Expr => ({ kind: 'integer', value })), fc.integer({ min: 1, max: 9 }).map((index): Expr => ({ kind: 'param', index }))),
    { nil: null },
  );
  return {
    query: fc
      .record({
        kind: fc.constant('select' as const),
        with: fc.array(fc.record({ name: ident, columns: fc.array(ident, { maxLength: 2 }), query: q }), { maxLength: 1 }),
        body,
        orderBy: fc.array(orderItem, { maxLength: 2 }),
        limit: limitValue,
        offset: limitValue,
      })
      // A wrapper that adds nothing collapses to its body when parsed.
      .filter((s) => s.with.length + s.orderBy.length > 0 || s.limit !== null || s.offset !== null || s.body.kind !== 'select'),
    body: fc.oneof(
      { depthSize: 'small' },
      selectCore,
      fc.record({ kind: fc.constant('values' as const), rows: fc.array(fc.array(smallExpr, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 2 }) }),
      fc.record({ kind: fc.constant('setOp' as const), op: fc.constantFrom('union' as const, 'intersect' as const, 'except' as const), all: fc.boolean(), left: body, right: body }),
      q.filter((s) => s.with.length + s.orderBy.length > 0 || s.limit !== null || s.offset !== null),
    ),
    from: fc.oneof(
      { depthSize: 'small' },
      tableRef,
      fc.record({ kind: fc.constant('subqueryRef' as const), query: q, alias: ident, columns: fc.array(ident, { maxLength: 2 }) }),
      fc
        .record({ kind: fc.constant('join' as const), type: fc.constantFrom('inner' as const, 'left' as const, 'right' as const, 'full' as const, 'cross' as const), left: from, right: from, on: smallExpr, using: fc.array(ident, { minLength: 1, maxLength: 2 }), useOn: fc.boolean() })
        .map(({ useOn, ...j }): FromItem => (j.type === 'cross' ? { ...j, on: null, using: null } : useOn ? { ...j, using: null } : { ...j, on: null })),
    ),
  };
});

describe('Printer property', () => {
  it('prints generated queries to SQL that re-parses to the same AST', () => {
    fc.assert(
      fc.property(query, (q) => {
        expect(parse(printStatement(q, { quote: 'preserve' }))).toEqual(q);
      }),
      { numRuns: Number(process.env.SQL_PROP_RUNS ?? 200) },
    );
  });

  it('prints generated expressions to SQL that re-parses to the same AST (quote: preserve)', () => {
    fc.assert(
      fc.property(expr, (e) => {
        expect(parseExpression(printExpr(e, { quote: 'preserve' }))).toEqual(e);
      }),
      { numRuns: Number(process.env.SQL_PROP_RUNS ?? 400) },
    );
  });

  it('round-trips in the native all-quoted style up to the quoted flags', () => {
    fc.assert(
      fc.property(expr, (e) => {
        expect(unquoted(parseExpression(printExpr(e)))).toEqual(unquoted(e));
      }),
      { numRuns: Number(process.env.SQL_PROP_RUNS ?? 300) },
    );
  });
});
