/**
 * Generators for the engine differential tests: a small random schema (tables with INT, TEXT,
 * DECIMAL and BOOL columns, nullable or not, optional secondary indexes), rows for it, and
 * SELECT statements over it that Postgres and DecentDB must answer identically. Every query
 * says whether its ORDER BY is total (rows compared in order) or not (compared as multisets).
 */
import fc from 'fast-check';

export type ColType = 'INT' | 'TEXT' | 'DECIMAL' | 'BOOL';

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColType;
  readonly notNull: boolean;
}

export interface TableSpec {
  readonly name: string;
  /** Column 0 is `id INT PRIMARY KEY`; column 1 is `k INT` (join key); then one per type. */
  readonly columns: readonly ColumnSpec[];
  readonly indexed: readonly string[];
  readonly rows: readonly (readonly (string | null)[])[];
}

export interface GeneratedQuery {
  readonly sql: string;
  readonly ordered: boolean;
}

const SQL_TYPE: Record<ColType, string> = { INT: 'INT', TEXT: 'TEXT', DECIMAL: 'DECIMAL(8,2)', BOOL: 'BOOL' };

const INT_LITS = ['-3', '-1', '0', '1', '2', '3', '7'];
const TEXT_LITS = ["'a'", "'ab'", "'abc'", "'B'", "''", "'a%b'", "'b_'", "'Ab'"];
const DEC_LITS = ['-1.50', '0', '0.25', '1', '2.50', '10.05'];
const BOOL_LITS = ['TRUE', 'FALSE'];
const LITS: Record<ColType, readonly string[]> = { INT: INT_LITS, TEXT: TEXT_LITS, DECIMAL: DEC_LITS, BOOL: BOOL_LITS };

function valueOf(type: ColType, notNull: boolean): fc.Arbitrary<string | null> {
  const v = fc.constantFrom(...LITS[type]);
  return notNull ? v : fc.option(v, { nil: null, freq: 4 });
}

function tableSpec(name: string): fc.Arbitrary<TableSpec> {
  const extra = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean());
  return extra.chain(([kNull, sNull, dNull, bNull, iNull]) => {
    const columns: ColumnSpec[] = [
      { name: 'id', type: 'INT', notNull: true },
      { name: 'k', type: 'INT', notNull: !kNull },
      { name: 's', type: 'TEXT', notNull: !sNull },
      { name: 'd', type: 'DECIMAL', notNull: !dNull },
      { name: 'b', type: 'BOOL', notNull: !bNull },
      { name: 'i', type: 'INT', notNull: !iNull },
    ];
    const row = fc.tuple(...columns.slice(1).map((c) => valueOf(c.type, c.notNull)));
    return fc.record({
      indexed: fc.subarray(['k', 's', 'd', 'i'], { maxLength: 3 }),
      rows: fc.array(row, { minLength: 0, maxLength: 14 }),
    }).map(({ indexed, rows }) => ({
      name,
      columns,
      indexed,
      rows: rows.map((r, i) => [String(i + 1), ...r]),
    }));
  });
}

/** Two or three tables, a, b (and c). */
export const schemaArb: fc.Arbitrary<TableSpec[]> = fc.boolean().chain((three) =>
  fc.tuple(tableSpec('a'), tableSpec('b'), tableSpec('c')).map((ts) => (three ? ts : ts.slice(0, 2))),
);

/** DDL + INSERTs that create `tables` (same text for both engines). */
export function setupSql(tables: readonly TableSpec[]): string {
  const out: string[] = [];
  for (const t of tables) {
    const cols = t.columns.map((c, i) => `${c.name} ${SQL_TYPE[c.type]}${i === 0 ? ' PRIMARY KEY' : c.notNull ? ' NOT NULL' : ''}`);
    out.push(`CREATE TABLE ${t.name} (${cols.join(', ')})`);
    for (const c of t.indexed) out.push(`CREATE INDEX ${t.name}_${c}_ix ON ${t.name} (${c})`);
    if (t.rows.length > 0) out.push(`INSERT INTO ${t.name} VALUES ${t.rows.map((r) => `(${r.map((v) => v ?? 'NULL').join(', ')})`).join(', ')}`);
  }
  return out.join(';\n');
}

// ------------------------------------------------------------------------------------------
// Queries

const typed = (t: string, type: ColType): string[] => {
  switch (type) {
    case 'INT':
      return [`${t}.k`, `${t}.i`, `${t}.id`];
    case 'TEXT':
      return [`${t}.s`];
    case 'DECIMAL':
      return [`${t}.d`];
    case 'BOOL':
      return [`${t}.b`];
  }
};

const colType = fc.constantFrom<ColType>('INT', 'INT', 'TEXT', 'DECIMAL', 'BOOL');

function comparison(t: string): fc.Arbitrary<string> {
  return colType.chain((type) =>
    fc.oneof(
      fc.tuple(fc.constantFrom(...typed(t, type)), fc.constantFrom('=', '<>', '<', '<=', '>', '>='), fc.constantFrom(...LITS[type])).map(([c, op, v]) => `${c} ${op} ${v}`),
      fc.tuple(fc.constantFrom(...typed(t, type)), fc.boolean()).map(([c, not]) => `${c} IS ${not ? 'NOT ' : ''}NULL`),
      fc.tuple(fc.constantFrom(...typed(t, type)), fc.boolean(), fc.uniqueArray(fc.option(fc.constantFrom(...LITS[type]), { nil: null, freq: 5 }), { minLength: 1, maxLength: 3 })).map(
        ([c, not, l]) => `${c} ${not ? 'NOT ' : ''}IN (${l.map((v) => v ?? 'NULL').join(', ')})`,
      ),
    ),
  );
}

function atom(t: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: comparison(t) },
    fc.tuple(fc.constantFrom(...INT_LITS), fc.constantFrom(...INT_LITS), fc.boolean()).map(([x, y, not]) => `${t}.k ${not ? 'NOT ' : ''}BETWEEN ${x} AND ${y}`),
    fc.tuple(fc.constantFrom('LIKE', 'NOT LIKE', 'ILIKE'), fc.constantFrom("'a%'", "'%b'", "'_b%'", "'a\\%%'", "'%'", "'A%'")).map(([op, p]) => `${t}.s ${op} ${p}`),
    fc.constantFrom(`${t}.b`, `NOT ${t}.b`, `${t}.k = ${t}.i`, `${t}.d > ${t}.k`, `(${t}.k + ${t}.i) % 2 = 0`, `COALESCE(${t}.k, ${t}.i, 0) > 0`, `${t}.s || 'x' = 'ax'`),
  );
}

/** A WHERE predicate over alias `t` with AND/OR/NOT nesting (three-valued logic). */
export function predicate(t: string, depth = 2): fc.Arbitrary<string> {
  if (depth === 0) return atom(t);
  const sub = predicate(t, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: atom(t) },
    fc.tuple(sub, fc.constantFrom('AND', 'OR'), sub).map(([x, op, y]) => `(${x} ${op} ${y})`),
    sub.map((x) => `NOT (${x})`),
  );
}

const tableName = (tables: readonly TableSpec[]): fc.Arbitrary<string> => fc.constantFrom(...tables.map((t) => t.name));

const SELECT_LISTS = ['t.id, t.k, t.s', 't.id, t.d, t.b', 't.k, t.i, t.d', 't.s, t.b', 't.id, t.k + t.i, t.d * 2, UPPER(t.s), LENGTH(t.s)', 't.id, CASE WHEN t.k > 0 THEN \'pos\' WHEN t.k < 0 THEN \'neg\' ELSE t.s END, NULLIF(t.k, 1)'];

function simpleSelect(tables: readonly TableSpec[]): fc.Arbitrary<GeneratedQuery> {
  return fc
    .tuple(tableName(tables), fc.constantFrom(...SELECT_LISTS), predicate('t'), fc.boolean(), fc.constantFrom('none', 'total', 'total-desc', 'limit'), fc.boolean())
    .map(([name, list, where, distinct, order, nullsFirst]) => {
      const n = list.split(', ').length;
      const positions = Array.from({ length: n }, (_, i) => `${i + 1}${order === 'total-desc' ? ' DESC' : ''}${nullsFirst ? ' NULLS FIRST' : ' NULLS LAST'}`).join(', ');
      let sql = `SELECT ${distinct ? 'DISTINCT ' : ''}${list} FROM ${name} t WHERE ${where}`;
      if (order !== 'none') sql += ` ORDER BY ${positions}`;
      if (order === 'limit') sql += ' LIMIT 4 OFFSET 1';
      return { sql, ordered: order !== 'none' };
    });
}

function joinSelect(tables: readonly TableSpec[]): fc.Arbitrary<GeneratedQuery> {
  return fc
    .tuple(fc.constantFrom('JOIN', 'LEFT JOIN'), fc.constantFrom('x.k = y.k', 'x.k = y.i', 'x.s = y.s', 'x.d = y.d', 'x.k = y.k AND x.b = y.b'), predicate('x', 1), predicate('y', 1), fc.boolean())
    .map(([join, on, px, py, extraOn]) => ({
      sql: `SELECT x.id, y.id, x.k, y.s FROM a x ${join} b y ON ${on}${extraOn ? ` AND ${py}` : ''} WHERE ${px}`,
      ordered: false,
    }))
    .filter(() => tables.length >= 2);
}

function threeWayJoin(tables: readonly TableSpec[]): fc.Arbitrary<GeneratedQuery> {
  const third = tables.length >= 3 ? 'c' : 'a';
  return fc.tuple(predicate('x', 1), fc.constantFrom('JOIN', 'LEFT JOIN')).map(([p, j]) => ({
    sql: `SELECT x.id, y.id, z.id FROM a x JOIN b y ON y.k = x.k ${j} ${third} z ON z.i = y.i AND z.id <> x.id WHERE ${p}`,
    ordered: false,
  }));
}

function groupSelect(tables: readonly TableSpec[]): fc.Arbitrary<GeneratedQuery> {
  return fc
    .tuple(
      tableName(tables),
      fc.constantFrom('t.k', 't.s', 't.b', 't.d', 't.k, t.b'),
      fc.constantFrom('COUNT(*)', 'COUNT(t.i)', 'SUM(t.i)', 'SUM(t.d)', 'MIN(t.s)', 'MAX(t.d)', 'COUNT(DISTINCT t.s)', 'SUM(DISTINCT t.k)', 'AVG(t.d)', 'MIN(t.k) + MAX(t.i)'),
      fc.constantFrom('COUNT(*)', 'MAX(t.i)', 'COUNT(DISTINCT t.d)'),
      predicate('t', 1),
      fc.option(fc.constantFrom('COUNT(*) > 1', 'SUM(t.i) > 0', 'MAX(t.s) IS NOT NULL', 'COUNT(t.d) = 0'), { nil: null }),
    )
    .map(([name, keys, agg1, agg2, where, having]) => ({
      sql: `SELECT ${keys}, ${agg1}, ${agg2} FROM ${name} t WHERE ${where} GROUP BY ${keys}${having === null ? '' : ` HAVING ${having}`}`,
      ordered: false,
    }));
}

function wholeAggregate(tables: readonly TableSpec[]): fc.Arbitrary<GeneratedQuery> {
  return fc.tuple(tableName(tables), predicate('t')).map(([name, where]) => ({
    sql: `SELECT COUNT(*), COUNT(t.k), SUM(t.k), MIN(t.d), MAX(t.s), COUNT(DISTINCT t.b), SUM(t.d) FROM ${name} t WHERE ${where}`,
    ordered: false,
  }));
}

function setOp(): fc.Arbitrary<GeneratedQuery> {
  return fc
    .tuple(fc.constantFrom('UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT'), fc.constantFrom('k', 's', 'd', 'b', 'k, s'), predicate('a', 1), predicate('b', 1), fc.boolean())
    .map(([op, cols, pa, pb, ordered]) => {
      const n = cols.split(', ').length;
      const order = ordered ? ` ORDER BY ${Array.from({ length: n }, (_, i) => `${i + 1}`).join(', ')}` : '';
      return { sql: `SELECT ${cols} FROM a WHERE ${pa} ${op} SELECT ${cols} FROM b WHERE ${pb}${order}`, ordered };
    });
}

function subquery(tables: readonly TableSpec[]): fc.Arbitrary<GeneratedQuery> {
  return fc.oneof(
    fc.tuple(fc.constantFrom('IN', 'NOT IN'), fc.constantFrom('k', 'i', 's', 'd'), predicate('y', 1)).map(([op, c, p]) => ({
      sql: `SELECT x.id FROM a x WHERE x.${c} ${op} (SELECT y.${c} FROM b y WHERE ${p})`,
      ordered: false,
    })),
    fc.tuple(fc.constantFrom('EXISTS', 'NOT EXISTS'), predicate('y', 1)).map(([op, p]) => ({
      sql: `SELECT x.id, x.k FROM a x WHERE ${op} (SELECT 1 FROM b y WHERE y.k = x.k AND ${p})`,
      ordered: false,
    })),
    fc.tuple(fc.constantFrom('MAX(y.d)', 'COUNT(*)', 'MIN(y.s)', 'SUM(y.i)'), predicate('x', 1)).map(([agg, p]) => ({
      sql: `SELECT x.id, (SELECT ${agg} FROM b y WHERE y.k = x.k) FROM a x WHERE ${p}`,
      ordered: false,
    })),
    fc.tuple(fc.constantFrom('<', '>=', '='), predicate('y', 1)).map(([op, p]) => ({
      sql: `SELECT x.id FROM a x WHERE x.i ${op} (SELECT MIN(y.i) FROM b y WHERE ${p})`,
      ordered: false,
    })),
    fc.tuple(predicate('t', 1), fc.constantFrom('k', 's')).map(([p, c]) => ({
      sql: `SELECT q.${c}, COUNT(*) FROM (SELECT t.${c} FROM ${tables[tables.length - 1]!.name} t WHERE ${p}) q GROUP BY q.${c}`,
      ordered: false,
    })),
    predicate('t', 1).map((p) => ({
      sql: `WITH w AS (SELECT t.k, t.d FROM a t WHERE ${p}) SELECT w.k, y.id FROM w JOIN b y ON y.k = w.k`,
      ordered: false,
    })),
  );
}

function nested(tables: readonly TableSpec[]): fc.Arbitrary<GeneratedQuery> {
  return fc.oneof(
    fc.tuple(predicate('z', 1), fc.constantFrom('IN', 'NOT IN')).map(([p, op]) => ({
      sql: `SELECT x.id FROM a x WHERE EXISTS (SELECT 1 FROM b y WHERE y.k = x.k AND y.i ${op} (SELECT z.i FROM ${tables[tables.length - 1]!.name} z WHERE ${p}))`,
      ordered: false,
    })),
    fc.tuple(predicate('a', 1), predicate('b', 1)).map(([p, q]) => ({
      sql: `SELECT u.k, COUNT(*), MAX(u.s) FROM (SELECT k, s FROM a WHERE ${p} UNION ALL SELECT k, s FROM b WHERE ${q}) u GROUP BY u.k HAVING COUNT(*) > 1`,
      ordered: false,
    })),
    fc.tuple(predicate('t', 1), fc.constantFrom('t.k % 2', 'LENGTH(t.s)', 'COALESCE(t.k, -1)', 'CASE WHEN t.b THEN 1 ELSE 0 END')).map(([p, g]) => ({
      sql: `SELECT ${g}, COUNT(*), SUM(t.i), COUNT(DISTINCT t.s) FROM a t WHERE ${p} GROUP BY ${g}`,
      ordered: false,
    })),
    fc.tuple(predicate('x', 1), fc.boolean()).map(([p, desc]) => ({
      sql: `SELECT DISTINCT x.k, x.s FROM a x JOIN b y ON y.k = x.k WHERE ${p} ORDER BY x.k${desc ? ' DESC' : ''} NULLS FIRST, x.s LIMIT 3`,
      ordered: true,
    })),
    predicate('t', 1).map((p) => ({
      sql: `SELECT t.id, (SELECT COUNT(*) FROM b), (SELECT MAX(y.s) FROM b y WHERE y.id = t.id) FROM a t WHERE ${p} ORDER BY t.id`,
      ordered: true,
    })),
    fc.constantFrom("'a!%'", "'%!_%'", "'!%%'").map((pat) => ({ sql: `SELECT id FROM a WHERE s LIKE ${pat} ESCAPE '!'`, ordered: false })),
  );
}

/** One query over `tables`. */
export function queryArb(tables: readonly TableSpec[]): fc.Arbitrary<GeneratedQuery> {
  return fc.oneof(
    { weight: 2, arbitrary: nested(tables) },
    { weight: 4, arbitrary: simpleSelect(tables) },
    { weight: 3, arbitrary: joinSelect(tables) },
    { weight: 1, arbitrary: threeWayJoin(tables) },
    { weight: 3, arbitrary: groupSelect(tables) },
    { weight: 1, arbitrary: wholeAggregate(tables) },
    { weight: 2, arbitrary: setOp() },
    { weight: 3, arbitrary: subquery(tables) },
  );
}

/** Data-changing statements (both engines run them; tables are compared afterwards). */
export function dmlArb(tables: readonly TableSpec[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.tuple(tableName(tables), predicate('t', 1), fc.constantFrom("s = t.s || 'z'", 'k = t.k + 1', 'd = t.d * 2', 'b = NOT t.b', 'i = NULL', 'k = t.i, i = t.k')).map(
      ([name, p, set]) => `UPDATE ${name} t SET ${set} WHERE ${p}`,
    ),
    fc.tuple(tableName(tables), predicate('t', 1)).map(([name, p]) => `DELETE FROM ${name} t WHERE ${p}`),
    fc.tuple(tableName(tables), predicate('t', 1)).map(([name, p]) => `INSERT INTO ${name} SELECT t.id + 100, t.k, t.s, t.d, t.b, t.i FROM ${name} t WHERE ${p}`),
    fc.tuple(tableName(tables), predicate('t', 1), fc.constantFrom('DO NOTHING', 'DO UPDATE SET k = excluded.k + 1, s = excluded.s', "DO UPDATE SET s = 'u' WHERE excluded.k > 0")).map(
      ([name, p, action]) => `INSERT INTO ${name} SELECT t.id + 3, t.k, t.s, t.d, t.b, t.i FROM ${name} t WHERE ${p} ON CONFLICT (id) ${action}`,
    ),
    fc.tuple(predicate('t', 1), predicate('y', 1)).map(([p, q]) => `UPDATE a t SET k = (SELECT MAX(y.k) FROM b y WHERE y.i = t.i AND ${q}) WHERE ${p}`),
    fc.tuple(predicate('y', 1), fc.constantFrom('k', 's', 'd')).map(([q, c]) => `DELETE FROM a WHERE ${c} IN (SELECT y.${c} FROM b y WHERE ${q})`),
    fc.tuple(predicate('t', 1)).map(([p]) => `DELETE FROM b t WHERE EXISTS (SELECT 1 FROM a x WHERE x.k = t.k) AND ${p}`),
  );
}
