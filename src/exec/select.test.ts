import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TestDb } from './test-tables.js';
import type { Value } from '../record/index.js';
import { Decimal } from '../record/index.js';

const I = { base: 'INT64' } as const;
const F = { base: 'FLOAT64' } as const;
const T = { base: 'TEXT' } as const;

function sample(): TestDb {
  const db = new TestDb();
  db.createTable(
    'users',
    [{ name: 'id', type: I, pk: true }, { name: 'name', type: T }, { name: 'score', type: F }, { name: 'team', type: I }],
    [
      [1, 'alice', 10.5, 1],
      [2, 'bob', -3, 1],
      [3, 'carol', null, 2],
      [-4, 'dave', 7, null],
    ],
    [{ name: 'idx_users_score', columns: ['score'] }, { name: 'idx_users_name', columns: ['name'], unique: true }],
  );
  db.createTable('orders', [{ name: 'oid', type: I, pk: true }, { name: 'uid', type: I }, { name: 'amt', type: I }], [
    [1, 1, 100],
    [2, 1, 50],
    [3, 2, 7],
    [4, 9, 1],
    [5, null, 3],
  ]);
  db.createTable('nums', [{ name: 'n', type: I }], [[1], [2], [null]]);
  return db;
}

describe('SELECT basics', () => {
  it('projects, filters and orders with Postgres NULL placement', () => {
    const db = sample();
    expect(db.query('SELECT name FROM users ORDER BY score')).toEqual([['bob'], ['dave'], ['alice'], ['carol']]);
    expect(db.query('SELECT name FROM users ORDER BY score DESC')).toEqual([['carol'], ['alice'], ['dave'], ['bob']]);
    expect(db.query('SELECT name FROM users ORDER BY score DESC NULLS LAST LIMIT 2')).toEqual([['alice'], ['dave']]);
    expect(db.query('SELECT id + 1 AS x FROM users WHERE name LIKE $1 ORDER BY x', ['%a%'])).toEqual([[-3], [2], [4]]);
  });

  it('SELECT without FROM, VALUES, CASE, casts and string literals typed by context', () => {
    const db = sample();
    expect(db.query("SELECT 1, 'a' || 'b', CASE WHEN 1 > 2 THEN 'x' ELSE 'y' END")).toEqual([[1, 'ab', 'y']]);
    expect(db.query('SELECT column1, column2 FROM (VALUES (1, 2), (3, 4)) AS v ORDER BY 1 DESC')).toEqual([[3, 4], [1, 2]]);
    expect(db.query("SELECT CAST('12' AS INT) + 1")).toEqual([[13]]);
    expect(db.query("SELECT id FROM users WHERE score > '5' ORDER BY id")).toEqual([[-4], [1]]);
  });

  it('WHERE keeps only TRUE (three-valued logic)', () => {
    const db = sample();
    expect(db.query('SELECT n FROM nums WHERE n = NULL')).toEqual([]);
    expect(db.query('SELECT n FROM nums WHERE NOT (n = 1)')).toEqual([[2]]);
    expect(db.query('SELECT n FROM nums WHERE n = 1 OR n IS NULL ORDER BY n')).toEqual([[1], [null]]);
    expect(db.query('SELECT n IN (1, NULL), n NOT IN (1, NULL) FROM nums ORDER BY n')).toEqual([
      [true, false],
      [null, null],
      [null, null],
    ]);
    expect(db.query('SELECT n FROM nums WHERE n IS DISTINCT FROM 1 ORDER BY n')).toEqual([[2], [null]]);
  });

  it('NOT IN over a subquery containing NULL is never TRUE', () => {
    const db = sample();
    expect(db.query('SELECT id FROM users WHERE id NOT IN (SELECT uid FROM orders)')).toEqual([]);
    expect(db.query('SELECT id FROM users WHERE id NOT IN (SELECT uid FROM orders WHERE uid IS NOT NULL) ORDER BY id')).toEqual([[-4], [3]]);
    expect(db.query('SELECT id FROM users WHERE id IN (SELECT uid FROM orders) ORDER BY id')).toEqual([[1], [2]]);
    expect(db.query('SELECT NULL::INT IN (SELECT n FROM nums WHERE n > 5)')).toEqual([[false]]);
  });

  it('runs scalar, EXISTS and correlated subqueries', () => {
    const db = sample();
    expect(db.query('SELECT (SELECT max(amt) FROM orders)')).toEqual([[100]]);
    expect(db.query('SELECT id, (SELECT sum(amt) FROM orders o WHERE o.uid = u.id) FROM users u ORDER BY id')).toEqual([
      [-4, null],
      [1, 150],
      [2, 7],
      [3, null],
    ]);
    expect(db.query('SELECT name FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.uid = u.id) ORDER BY name')).toEqual([['alice'], ['bob']]);
    expect(db.query('SELECT name FROM users u WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.uid = u.id) ORDER BY name')).toEqual([['carol'], ['dave']]);
    expect(() => db.query('SELECT (SELECT uid FROM orders)')).toThrow(/more than one row/);
  });

  it('re-runs a correlated subquery per outer row, an uncorrelated one once', () => {
    const db = sample();
    db.query('SELECT id FROM users u WHERE id IN (SELECT uid FROM orders)');
    expect(db.counters.subqueryRuns).toBe(1);
    db.counters.subqueryRuns = 0;
    db.query('SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.uid = u.id)');
    expect(db.counters.subqueryRuns).toBe(4);
    db.counters.subqueryRuns = 0;
    expect(db.query('SELECT (SELECT count(*) FROM users u WHERE u.team = o.uid) FROM orders o ORDER BY oid')).toEqual([[2], [2], [1], [0], [0]]);
    expect(db.counters.subqueryRuns).toBe(4);
  });

  it('aggregates with GROUP BY, HAVING, DISTINCT aggregates and empty input', () => {
    const db = sample();
    expect(db.query('SELECT team, count(*), count(score), sum(id) FROM users GROUP BY team ORDER BY team')).toEqual([
      [1, 2, 2, 3],
      [2, 1, 0, 3],
      [null, 1, 1, -4],
    ]);
    expect(db.query('SELECT team FROM users GROUP BY team HAVING count(*) > 1')).toEqual([[1]]);
    expect(db.query('SELECT count(DISTINCT uid), count(*) FROM orders')).toEqual([[3, 5]]);
    expect(db.query('SELECT count(*), sum(amt), max(amt) FROM orders WHERE amt > 1000')).toEqual([[0, null, null]]);
    expect(db.query('SELECT team, count(*) FROM users WHERE id > 1000 GROUP BY team')).toEqual([]);
    const avg = db.query('SELECT avg(amt) FROM orders WHERE uid = 1')[0]![0];
    expect(avg instanceof Decimal ? avg.toString() : avg).toMatch(/^75/);
  });

  it('DISTINCT, LIMIT/OFFSET with parameters, set operations', () => {
    const db = sample();
    expect(db.query('SELECT DISTINCT team FROM users ORDER BY team')).toEqual([[1], [2], [null]]);
    expect(db.query('SELECT id FROM users ORDER BY id LIMIT $1 OFFSET $2', [2, 1])).toEqual([[1], [2]]);
    expect(db.query('SELECT n FROM nums UNION SELECT n FROM nums ORDER BY 1')).toEqual([[1], [2], [null]]);
    expect(db.query('SELECT n FROM nums UNION ALL SELECT 1 ORDER BY 1')).toEqual([[1], [1], [2], [null]]);
    expect(db.query('SELECT uid FROM orders INTERSECT SELECT id FROM users ORDER BY 1')).toEqual([[1], [2]]);
    expect(db.query('SELECT uid FROM orders EXCEPT SELECT id FROM users ORDER BY 1')).toEqual([[9], [null]]);
    expect(() => db.query('SELECT id FROM users LIMIT $1', [-1])).toThrow(/negative/);
  });

  it('expands views, CTEs and derived tables', () => {
    const db = sample();
    db.createView('rich', 'SELECT * FROM users WHERE score > 5');
    expect(db.query('SELECT name FROM rich ORDER BY name')).toEqual([['alice'], ['dave']]);
    expect(db.query('WITH t AS (SELECT uid, sum(amt) AS s FROM orders GROUP BY uid) SELECT u.name, t.s FROM t JOIN users u ON u.id = t.uid ORDER BY t.s')).toEqual([
      ['bob', 7],
      ['alice', 150],
    ]);
    expect(db.query('SELECT x.a FROM (SELECT id * 2 AS a FROM users) x WHERE x.a > 2 ORDER BY 1')).toEqual([[4], [6]]);
  });

  it('numbers rows with ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)', () => {
    const db = sample();
    expect(db.query('SELECT name, row_number() OVER (PARTITION BY team ORDER BY id) AS rn FROM users ORDER BY name')).toEqual([
      ['alice', 1],
      ['bob', 2],
      ['carol', 1],
      ['dave', 1],
    ]);
  });
});

describe('binder errors', () => {
  const db = sample();
  const err = (sql: string, re: RegExp): void => {
    expect(() => db.plan(sql)).toThrow(re);
    try {
      db.plan(sql);
    } catch (e) {
      expect((e as { code: string }).code).toBe('ERR_SQL');
    }
  };
  it('reports unknown and ambiguous names with a position', () => {
    err('SELECT x FROM users', /column "x" does not exist \(line 1, column 8\)/);
    err('SELECT id FROM nope', /relation "nope" does not exist/);
    err('SELECT uid FROM orders o JOIN orders p ON o.oid = p.oid', /column reference "uid" is ambiguous/);
    err('SELECT z.id FROM users', /missing FROM-clause entry for table "z"/);
  });
  it('applies the GROUP BY rule and aggregate placement rules', () => {
    err('SELECT name, count(*) FROM users GROUP BY team', /column "name" must appear in the GROUP BY clause or be used in an aggregate function/);
    err('SELECT id FROM users WHERE count(*) > 1', /aggregate functions are not allowed in WHERE/);
    err('SELECT sum(count(*)) FROM users', /cannot be nested/);
  });
  it('rejects type errors and bad set operations', () => {
    err("SELECT id FROM users WHERE name = 1", /operator does not exist/);
    err('SELECT 1, 2 UNION SELECT 1', /same number of columns/);
    err('SELECT DISTINCT name FROM users ORDER BY score', /ORDER BY expressions must appear in select list/);
  });
  it('matches names case-insensitively, quoted or not', () => {
    expect(db.query('SELECT "NAME" FROM "Users" WHERE ID = 1')).toEqual([['alice']]);
  });
});

// --- joins against a brute-force model ------------------------------------------------------

type Row = (number | null)[];

function model(kind: 'inner' | 'left' | 'right' | 'full', a: Row[], b: Row[]): string[] {
  const out: string[] = [];
  const bMatched = new Set<number>();
  for (const x of a) {
    let m = false;
    b.forEach((y, j) => {
      if (x[1] !== null && y[1] !== null && x[1] === y[1]) {
        m = true;
        bMatched.add(j);
        out.push(JSON.stringify([x[0], y[0]]));
      }
    });
    if (!m && (kind === 'left' || kind === 'full')) out.push(JSON.stringify([x[0], null]));
  }
  if (kind === 'right' || kind === 'full') b.forEach((y, j) => !bMatched.has(j) && out.push(JSON.stringify([null, y[0]])));
  return out.sort();
}

describe('joins vs a brute-force model', () => {
  const key = fc.option(fc.integer({ min: 0, max: 4 }), { nil: null });
  it('agrees for INNER/LEFT/RIGHT/FULL with NULL keys, with and without indexes', () => {
    fc.assert(
      fc.property(fc.array(key, { maxLength: 12 }), fc.array(key, { maxLength: 12 }), fc.boolean(), (ka, kb, indexed) => {
        const db = new TestDb();
        const a: Row[] = ka.map((k, i) => [i + 1, k]);
        const b: Row[] = kb.map((k, i) => [i + 101, k]);
        db.createTable('a', [{ name: 'id', type: I, pk: true }, { name: 'k', type: I }], a, indexed ? [{ name: 'a_k', columns: ['k'] }] : []);
        db.createTable('b', [{ name: 'id', type: I, pk: true }, { name: 'k', type: I }], b, indexed ? [{ name: 'b_k', columns: ['k'] }] : []);
        for (const kind of ['inner', 'left', 'right', 'full'] as const) {
          const rows = db.query(`SELECT a.id, b.id FROM a ${kind.toUpperCase()} JOIN b ON a.k = b.k`);
          expect(rows.map((r) => JSON.stringify(r)).sort()).toEqual(model(kind, a, b));
        }
        const cross = db.query('SELECT a.id, b.id FROM a, b WHERE a.k < b.k');
        let n = 0;
        for (const x of a) for (const y of b) if (x[1] != null && y[1] != null && x[1] < y[1]) n++;
        expect(cross).toHaveLength(n);
        expect(db.query('SELECT count(*) FROM a CROSS JOIN b')).toEqual([[a.length * b.length]]);
      }),
      { numRuns: 60 },
    );
  });

  it('uses an index nested-loop join into the integer primary key', () => {
    const db = sample();
    const plan = db.explain('SELECT o.amt, u.name FROM orders o JOIN users u ON u.id = o.uid WHERE o.oid = 3');
    expect(plan.join('\n')).toContain('IndexNestedLoopJoin INNER');
    expect(plan.join('\n')).toContain('RowidSeek users u (u.id = o.uid)');
    expect(db.query('SELECT o.amt, u.name FROM orders o JOIN users u ON u.id = o.uid WHERE o.oid = 3')).toEqual([[7, 'bob']]);
    expect(db.query('SELECT o.oid, u.name FROM orders o LEFT JOIN users u ON u.id = o.uid ORDER BY o.oid')).toEqual([
      [1, 'alice'],
      [2, 'alice'],
      [3, 'bob'],
      [4, null],
      [5, null],
    ]);
  });

  it('joins USING with the merged column shown once', () => {
    const db = new TestDb();
    db.createTable('p', [{ name: 'k', type: I }, { name: 'x', type: T }], [[1, 'a'], [2, 'b']]);
    db.createTable('q', [{ name: 'k', type: I }, { name: 'y', type: T }], [[2, 'z'], [3, 'w']]);
    expect(db.query('SELECT * FROM p JOIN q USING (k)')).toEqual([[2, 'b', 'z']]);
    expect(db.query('SELECT k FROM p LEFT JOIN q USING (k) ORDER BY k')).toEqual([[1], [2]]);
  });
});

export type { Value };

describe('outer joins with WHERE, parameters and hidden sort keys', () => {
  it('filters the preserved side before a LEFT JOIN and the null-extended side after it', () => {
    const db = sample();
    const sql = 'SELECT u.name, o.amt FROM users u LEFT JOIN orders o ON o.uid = u.id WHERE u.id = 3';
    expect(db.query(sql)).toEqual([['carol', null]]);
    expect(db.explain(sql).join('\n')).toContain('RowidSeek users u (u.id = 3)');
    expect(db.query('SELECT u.name FROM users u LEFT JOIN orders o ON o.uid = u.id WHERE o.oid IS NULL ORDER BY 1')).toEqual([['carol'], ['dave']]);
    expect(db.query('SELECT u.name, o.oid FROM users u LEFT JOIN orders o ON o.uid = u.id AND o.amt > 60 ORDER BY 1')).toEqual([
      ['alice', 1],
      ['bob', null],
      ['carol', null],
      ['dave', null],
    ]);
    expect(db.query('SELECT o.oid, u.name FROM users u RIGHT JOIN orders o ON o.uid = u.id ORDER BY 1')).toEqual([
      [1, 'alice'],
      [2, 'alice'],
      [3, 'bob'],
      [4, null],
      [5, null],
    ]);
  });

  it('infers parameter types from context and binds JS values', () => {
    const db = sample();
    const plan = db.plan('SELECT id FROM users WHERE score > $1 AND name = $2 LIMIT $3');
    expect(plan.paramTypes.map((t) => t.base)).toEqual(['FLOAT64', 'TEXT', 'INT64']);
    expect(db.query('SELECT id FROM users WHERE score > $1 AND name <> $2 ORDER BY id LIMIT $3', [0, 'x', 5])).toEqual([[-4], [1]]);
    expect(() => db.query('SELECT id FROM users WHERE id = $1')).toThrow(/no parameter \$1/);
  });

  it('orders by aggregates and expressions not in the select list', () => {
    const db = sample();
    expect(db.query('SELECT team FROM users GROUP BY team ORDER BY count(*) DESC, team LIMIT 1')).toEqual([[1]]);
    expect(db.query('SELECT name FROM users ORDER BY -id')).toEqual([['carol'], ['bob'], ['alice'], ['dave']]);
    expect(db.query('SELECT uid, sum(amt) AS s FROM orders GROUP BY uid ORDER BY s DESC NULLS LAST')).toEqual([
      [1, 150],
      [2, 7],
      [null, 3],
      [9, 1],
    ]);
  });
});

describe('correlated subqueries in aggregated blocks', () => {
  it('sees grouped columns of the outer query', () => {
    const db = sample();
    expect(db.query('SELECT team, (SELECT count(*) FROM orders o WHERE o.uid = u.team) FROM users u GROUP BY team ORDER BY team')).toEqual([
      [1, 2],
      [2, 1],
      [null, 0],
    ]);
    expect(() => db.plan('SELECT team, (SELECT count(*) FROM orders o WHERE o.uid = u.id) FROM users u GROUP BY team')).toThrow(/ungrouped column/);
  });
});
