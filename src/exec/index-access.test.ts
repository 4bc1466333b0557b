import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TestDb } from './test-tables.js';
import type { SqlType, Value } from '../record/index.js';

const I: SqlType = { base: 'INT64' };
const F: SqlType = { base: 'FLOAT64' };
const T: SqlType = { base: 'TEXT' };

/** Runs `where` through the index (table t) and through a plain scan (table s), same rows. */
function compare(type: SqlType, values: readonly Value[], where: string, params: readonly Value[]): void {
  const db = new TestDb();
  db.withStats = false;
  const rows = values.map((v, i) => [i + 1, v]);
  db.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 'v', type }], rows, [{ name: 't_v', columns: ['v'] }]);
  db.createTable('s', [{ name: 'id', type: I, pk: true }, { name: 'v', type }], rows);
  expect(db.explain(`SELECT id FROM t WHERE ${where}`).join('\n')).toContain('USING t_v');
  const viaIndex = db.query(`SELECT id FROM t WHERE ${where} ORDER BY id`, params);
  const viaScan = db.query(`SELECT id FROM s WHERE ${where} ORDER BY id`, params);
  expect(viaIndex).toEqual(viaScan);
}

const OPS = ['=', '<', '<=', '>', '>='] as const;

describe('index seeks and ranges agree with a full scan', () => {
  it('uses the index (EXPLAIN) for equality, IN and ranges', () => {
    const db = new TestDb();
    db.withStats = false;
    db.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 'v', type: I }], [[1, 5]], [{ name: 't_v', columns: ['v'] }]);
    expect(db.explain('SELECT id FROM t WHERE v = $1')).toEqual(['Project: id', '  IndexSeek t USING t_v (v = $1)', '    Filter: (v = $1)']);
    expect(db.explain('SELECT id FROM t WHERE v IN (1, 2)')[1]).toBe('  IndexSeek t USING t_v (v IN (1, 2))');
    expect(db.explain('SELECT id FROM t WHERE v BETWEEN -3 AND 7')[1]).toBe('  IndexRange t USING t_v (v >= -3 AND v <= 7)');
    expect(db.explain('SELECT v FROM t WHERE id > 10')[1]).toBe('  RowidRange t (id > 10)');
  });

  it('INT64 with negatives (two\'s-complement keys)', () => {
    const int = fc.integer({ min: -50, max: 50 });
    fc.assert(
      fc.property(fc.array(fc.option(int, { nil: null }), { maxLength: 30 }), fc.constantFrom(...OPS), int, int, (vals, op, a, b) => {
        compare(I, vals, `v ${op} $1`, [a]);
        compare(I, vals, 'v BETWEEN $1 AND $2', [a, b]);
        compare(I, vals, 'v IN ($1, $2, 3)', [a, b]);
      }),
      { numRuns: 40 },
    );
  });

  it('integer primary key ranges with negative rowids', () => {
    const int = fc.integer({ min: -30, max: 30 });
    fc.assert(
      fc.property(fc.uniqueArray(int, { maxLength: 25 }), fc.constantFrom(...OPS), int, (ids, op, a) => {
        const db = new TestDb();
        db.createTable('t', [{ name: 'id', type: I, pk: true }], ids.map((i) => [i]));
        const got = db.query(`SELECT id FROM t WHERE id ${op} $1 ORDER BY id`, [a]);
        const cmp = { '=': (x: number) => x === a, '<': (x: number) => x < a, '<=': (x: number) => x <= a, '>': (x: number) => x > a, '>=': (x: number) => x >= a }[op];
        expect(got).toEqual(ids.filter(cmp).sort((x, y) => x - y).map((x) => [x]));
      }),
      { numRuns: 60 },
    );
  });

  it('FLOAT64 with negatives, -0.0 and infinities (raw IEEE bits keys)', () => {
    const dbl = fc.oneof(fc.double({ noNaN: true, min: -100, max: 100 }), fc.constantFrom(-0, 0, Infinity, -Infinity, 1.5, -1.5));
    fc.assert(
      fc.property(fc.array(fc.option(dbl, { nil: null }), { maxLength: 30 }), fc.constantFrom(...OPS), dbl, dbl, (vals, op, a, b) => {
        compare(F, vals, `v ${op} $1`, [a]);
        compare(F, vals, 'v >= $1 AND v < $2', [a, b]);
      }),
      { numRuns: 40 },
    );
  });

  it('TEXT longer than the 8-byte key prefix', () => {
    const txt = fc.oneof(fc.constantFrom('abcdefgh', 'abcdefghX', 'abcdefghY', 'abcdefg', 'abcdefgh\u0000', 'zz', '', 'é€😀abcdefgh'), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(fc.array(fc.option(txt, { nil: null }), { maxLength: 30 }), fc.constantFrom(...OPS), txt, txt, (vals, op, a, b) => {
        compare(T, vals, `v ${op} $1`, [a]);
        compare(T, vals, 'v BETWEEN $1 AND $2', [a, b]);
        compare(T, vals, 'v IN ($1, $2)', [a, b]);
      }),
      { numRuns: 40 },
    );
  });

  it('composite indexes are used for equality on every column only', () => {
    const db = new TestDb();
    db.withStats = false;
    const rows = [
      [1, 1, 'a'],
      [2, 1, 'b'],
      [3, 2, 'a'],
    ];
    db.createTable('c', [{ name: 'id', type: I, pk: true }, { name: 'x', type: I }, { name: 'y', type: T }], rows, [{ name: 'c_xy', columns: ['x', 'y'] }]);
    expect(db.explain('SELECT id FROM c WHERE x = 1 AND y = $1')[1]).toBe('  IndexSeek c USING c_xy (x = 1 AND y = $1)');
    expect(db.query('SELECT id FROM c WHERE x = 1 AND y = $1', ['b'])).toEqual([[2]]);
    expect(db.explain('SELECT id FROM c WHERE x = 1')[1]).toBe('  Scan c');
  });

  it('counts rows read: an index seek reads only matching rows', () => {
    const db = new TestDb();
    const rows = Array.from({ length: 200 }, (_, i) => [i + 1, i % 50]);
    db.createTable('t', [{ name: 'id', type: I, pk: true }, { name: 'v', type: I }], rows, [{ name: 't_v', columns: ['v'] }]);
    expect(db.query('SELECT count(*) FROM t WHERE v = 7')).toEqual([[4]]);
    expect(db.counters.rowsRead).toBe(4);
    db.counters.rowsRead = 0;
    expect(db.query('SELECT id FROM t WHERE id = 150')).toEqual([[150]]);
    expect(db.counters.rowsRead).toBe(1);
  });
});

describe('multi-page trees', () => {
  it('seeks rowids and index keys in tables spanning many B+Tree pages', () => {
    const db = new TestDb();
    const n = 6000;
    const rows: Value[][] = Array.from({ length: n }, (_, i) => [i - 3000, (i * 37) % 1000, `name-${String((i * 7919) % n).padStart(6, '0')}-suffix`]);
    db.createTable('big', [{ name: 'id', type: I, pk: true }, { name: 'g', type: I }, { name: 'name', type: T }], rows, [
      { name: 'big_g', columns: ['g'] },
      { name: 'big_name', columns: ['name'] },
    ]);
    for (const id of [-3000, -1, 0, 1, 2999, 5000]) expect(db.query('SELECT g FROM big WHERE id = $1', [id])).toEqual(id >= -3000 && id < 3000 ? [[((id + 3000) * 37) % 1000]] : []);
    expect(db.query('SELECT count(*) FROM big WHERE id BETWEEN -10 AND 9')).toEqual([[20]]);
    expect(db.query('SELECT count(*) FROM big WHERE g = 111')).toEqual([[rows.filter((r) => r[1] === 111).length]]);
    db.counters.rowsRead = 0;
    expect(db.query("SELECT count(*) FROM big WHERE name >= 'name-000100' AND name < 'name-000200'")).toEqual([[100]]);
    expect(db.counters.rowsRead).toBeLessThan(n);
  });
});
