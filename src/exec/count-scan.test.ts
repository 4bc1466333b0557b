import { describe, expect, it } from 'vitest';
import { TestDb } from './test-tables.js';
import type { Value } from '../record/index.js';
import type { PlanNode } from '../planner/index.js';
import { buildOperator, newEnv } from './execute.js';
import { CountScanOp } from './aggregate-op.js';

/** The operator built for the plan's aggregate node. */
function aggregateOp(d: TestDb, sql: string): unknown {
  let n: PlanNode = d.plan(sql).root;
  while (n.kind !== 'aggregate') {
    if (!('input' in n)) throw new Error('no aggregate node');
    n = n.input;
  }
  return buildOperator(n, newEnv(d.context()));
}

const I = { base: 'INT64' } as const;
const T = { base: 'TEXT' } as const;

function db(n: number): TestDb {
  const d = new TestDb();
  const rows: Value[][] = [];
  for (let i = 1; i <= n; i++) rows.push([i, i % 3 === 0 ? null : `v${i}`]);
  d.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 's', type: T }], rows);
  d.createTable('e', [{ name: 'id', type: I, pk: true }], []);
  return d;
}

describe('COUNT(*) over a whole table (CountScanOp)', () => {
  it('counts every entry of a table spanning many pages without decoding rows', () => {
    const d = db(3000);
    d.counters.rowsRead = 0;
    expect(aggregateOp(d, 'SELECT COUNT(*) FROM t')).toBeInstanceOf(CountScanOp);
    expect(d.query('SELECT COUNT(*) FROM t')).toEqual([[3000]]);
    expect(d.counters.rowsRead).toBe(3000);
    expect(d.query('SELECT COUNT(*), COUNT(*) + 1 FROM t')).toEqual([[3000, 3001]]);
    expect(d.query('SELECT COUNT(*) FROM e')).toEqual([[0]]);
  });

  it('leaves filtered, grouped and argument counts to the hash aggregate', () => {
    const d = db(300);
    for (const q of ['SELECT COUNT(s) FROM t', 'SELECT COUNT(*) FROM t WHERE s IS NULL', 'SELECT COUNT(*), MAX(id) FROM t', 'SELECT COUNT(DISTINCT s) FROM t']) {
      expect(aggregateOp(d, q)).not.toBeInstanceOf(CountScanOp);
    }
    expect(d.query('SELECT COUNT(s) FROM t')).toEqual([[200]]);
    expect(d.query('SELECT COUNT(DISTINCT s) FROM t')).toEqual([[200]]);
    expect(d.query('SELECT COUNT(*) FROM t WHERE s IS NULL')).toEqual([[100]]);
    expect(d.query('SELECT COUNT(*), MAX(id) FROM t')).toEqual([[300, 300]]);
    expect(d.query('SELECT s IS NULL, COUNT(*) FROM t GROUP BY s IS NULL ORDER BY 1')).toEqual([[false, 200], [true, 100]]);
    expect(d.query('SELECT COUNT(*) FROM e GROUP BY id')).toEqual([]);
  });
});
