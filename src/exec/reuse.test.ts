import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TestDb } from './test-tables.js';
import type { Value } from '../record/index.js';
import { execute, executeReusing, reuseCounters } from './execute.js';
import type { PhysicalPlan } from '../planner/index.js';

const I = { base: 'INT64' } as const;
const T = { base: 'TEXT' } as const;

function sample(): TestDb {
  const db = new TestDb();
  const users: Value[][] = [];
  for (let i = 1; i <= 40; i++) users.push([i, `u${i}`, i % 4 === 0 ? null : i % 5]);
  db.createTable('users', [{ name: 'id', type: I, pk: true }, { name: 'name', type: T }, { name: 'team', type: I }], users, [{ name: 'idx_users_team', columns: ['team'] }]);
  const orders: Value[][] = [];
  for (let i = 1; i <= 120; i++) orders.push([i, (i % 41) + 1, i * 3]);
  db.createTable('orders', [{ name: 'oid', type: I, pk: true }, { name: 'uid', type: I }, { name: 'amt', type: I }], orders, [{ name: 'idx_orders_uid', columns: ['uid'] }]);
  return db;
}

const run = (db: TestDb, plan: PhysicalPlan, params: Value[]): Value[][] => [...executeReusing(plan, db.context(params))];
const fresh = (db: TestDb, plan: PhysicalPlan, params: Value[]): Value[][] => [...execute(plan, db.context(params))];

/** Rows, or the error message: a run that throws must throw the same as a fresh execution. */
function outcome(f: () => Value[][]): Value[][] | string {
  try {
    return f();
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

const QUERIES = [
  'SELECT id, name FROM users WHERE id = $1',
  'SELECT id FROM users WHERE team = $1 ORDER BY id',
  'SELECT u.name, o.amt FROM users u JOIN orders o ON o.uid = u.id WHERE u.id = $1 ORDER BY o.amt',
  'SELECT id FROM users WHERE team IN ($1, 3) ORDER BY id',
  'SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT $1',
  'SELECT id FROM users WHERE team = (SELECT MAX(team) FROM users WHERE id < $1) ORDER BY id',
  'SELECT id FROM users u WHERE EXISTS (SELECT 1 FROM orders o WHERE o.uid = u.id AND o.amt > $1) ORDER BY id',
  'SELECT id FROM users WHERE id IN (SELECT uid FROM orders WHERE amt < $1) ORDER BY id',
  'SELECT team, COUNT(*) FROM users WHERE id <= $1 GROUP BY team ORDER BY team',
];

describe('executeReusing', () => {
  it('gives the rows of a fresh execution for every sequence of parameters', () => {
    const db = sample();
    const plans = QUERIES.map((q) => db.plan(q));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(QUERIES.length - 1), fc.integer({ min: -2, max: 45 })), { minLength: 1, maxLength: 30 }), (calls) => {
        for (const [q, p] of calls) expect(outcome(() => run(db, plans[q]!, [p]))).toEqual(outcome(() => fresh(db, plans[q]!, [p])));
      }),
      { numRuns: 60 },
    );
  });

  it('reuses the compiled tree after a run ends or is closed early', () => {
    const db = sample();
    const plan = db.plan('SELECT id FROM users WHERE team = $1 ORDER BY id');
    const built = reuseCounters.built;
    const reused = reuseCounters.reused;
    expect(run(db, plan, [1])).toEqual([[1], [6], [11], [21], [26], [31]]);
    const it = executeReusing(plan, db.context([2]));
    expect(it.next().value).toEqual([2]);
    it.close();
    expect(run(db, plan, [3])).toEqual([[3], [13], [18], [23], [33], [38]]);
    expect(reuseCounters.built - built).toBe(1);
    expect(reuseCounters.reused - reused).toBe(2);
  });

  it('gives concurrent runs of one plan separate trees', () => {
    const db = sample();
    const plan = db.plan('SELECT id FROM users WHERE team = $1 ORDER BY id');
    const built = reuseCounters.built;
    const a = executeReusing(plan, db.context([1]));
    const b = executeReusing(plan, db.context([2]));
    expect(a.next().value).toEqual([1]);
    expect(b.next().value).toEqual([2]);
    expect([...a]).toEqual([[6], [11], [21], [26], [31]]);
    expect([...b]).toEqual([[7], [17], [22], [27], [37]]);
    expect(reuseCounters.built - built).toBe(2);
  });

  it('rebinds parameters per run and reports bad ones without poisoning the tree', () => {
    const db = sample();
    const plan = db.plan('SELECT id FROM users WHERE id = $1');
    expect(run(db, plan, [5])).toEqual([[5]]);
    expect(() => run(db, plan, [])).toThrow(/no parameter \$1/);
    expect(() => run(db, plan, ['x'])).toThrow();
    expect(run(db, plan, [7])).toEqual([[7]]);
  });

  it('discards a tree whose run threw, and runs correctly afterwards', () => {
    const db = sample();
    const plan = db.plan('SELECT id FROM users ORDER BY id LIMIT $1');
    expect(() => run(db, plan, [-1])).toThrow(/LIMIT must not be negative/);
    const built = reuseCounters.built;
    expect(run(db, plan, [2])).toEqual([[1], [2]]);
    expect(reuseCounters.built - built).toBe(1);
  });

  it('re-runs uncorrelated subqueries once per run, counted in that run’s counters', () => {
    const db = sample();
    const plan = db.plan('SELECT id FROM users WHERE team = (SELECT MAX(team) FROM users WHERE id < $1) ORDER BY id');
    db.counters.subqueryRuns = 0;
    const once = fresh(db, plan, [3]);
    const perRun = db.counters.subqueryRuns;
    expect(perRun).toBeGreaterThan(0);
    for (const p of [3, 9, 3]) {
      db.counters.subqueryRuns = 0;
      const rows = run(db, plan, [p]);
      if (p === 3) expect(rows).toEqual(once);
      expect(db.counters.subqueryRuns).toBe(perRun);
    }
  });
});
