/**
 * The direct rowid path of UPDATE/DELETE (`WHERE pk = $n`, dml-targets.ts) against the general
 * target-row query: the same statements with `AND 1 = 1` appended take the query, and every
 * outcome — changed rows, stored values (types, -0, DECIMAL scale) and errors — must be equal.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Database } from './database.js';
import { DecentDBError } from '../util/index.js';
import { Decimal } from '../record/index.js';

const SETUP = `CREATE TABLE t (id INTEGER PRIMARY KEY, i INT, f FLOAT, d DECIMAL(6,2), u DECIMAL, s TEXT, b BOOL, x BYTEA);
  CREATE INDEX t_i ON t (i);
  INSERT INTO t VALUES (1, 1, 1.5, 1.25, 2.5, 'a', true, NULL), (2, 2, -0.5, 3, 7, 'b', false, NULL), (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
    (-4, 4, 4, 4, 4, 'd', true, NULL), (9007199254740993, 5, 5, 5, 5, 'e', false, NULL)`;

const COLUMNS = ['i', 'f', 'd', 'u', 's', 'b', 'x', 'id'] as const;

const param = fc.oneof(
  fc.integer({ min: -5, max: 10 }),
  fc.double(),
  fc.constantFrom(0, -0, 1.5, 2.5, -1.005, 0.1 + 0.2, 1e21, 123456.789, 1e-7, 5e-324, NaN, Infinity, -Infinity, 2 ** 53, 2 ** 63),
  fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }),
  fc.constantFrom(1n, 3n, 9007199254740993n, -4n),
  fc.constantFrom('1', ' 2 ', '1.5', 'abc', '', 'true', '0x10', '1e3', '-0'),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constantFrom(new Uint8Array([1, 2]), new Decimal(125n, 2), new Date(0)),
);

type Op = { kind: 'update'; column: (typeof COLUMNS)[number]; where: string; params: unknown[] } | { kind: 'delete'; where: string; params: unknown[] };

const where = fc.constantFrom('id = $1', '$1 = id', 'id = 2', 'id = 9007199254740993', 'id = -4');
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('update' as const), column: fc.constantFrom(...COLUMNS), where, params: fc.tuple(param, param) }),
  fc.record({ kind: fc.constant('delete' as const), where, params: fc.tuple(param) }),
);

function sqlOf(o: Op, general: boolean): string {
  const w = general ? `${o.where} AND 1 = 1` : o.where;
  return o.kind === 'update' ? `UPDATE t SET ${o.column} = $2 WHERE ${w}` : `DELETE FROM t WHERE ${w}`;
}

function apply(db: Database, o: Op, general: boolean): unknown {
  // A missing parameter: the array ends before it.
  const end = o.params.indexOf(undefined);
  const params = end < 0 ? o.params : o.params.slice(0, end);
  try {
    return db.prepare(sqlOf(o, general)).run(params as never).changes;
  } catch (e) {
    if (!(e instanceof DecentDBError)) throw e;
    return { code: e.code, message: e.message.replace(/ \(line \d+, column \d+\)$/, '') };
  }
}

const contents = (db: Database): unknown => db.query('SELECT * FROM t ORDER BY id', [], { rowMode: 'array' });

describe('UPDATE/DELETE by rowid without the target-row query', () => {
  it('matches the general path on every parameter type', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 8 }), (ops) => {
        const fast = Database.open(':memory:');
        const slow = Database.open(':memory:');
        fast.exec(SETUP);
        slow.exec(SETUP);
        for (const o of ops) {
          expect(apply(fast, o, false)).toEqual(apply(slow, o, true));
          expect(contents(fast)).toEqual(contents(slow));
        }
        fast.close();
        slow.close();
      }),
      { numRuns: 150 },
    );
  });

  it('keeps -0 out of stored numbers and DECIMAL scale as numeric_in gives it', () => {
    const db = Database.open(':memory:');
    db.exec(SETUP);
    db.prepare('UPDATE t SET f = $2 WHERE id = $1').run([1, -0]);
    db.prepare('UPDATE t SET u = $2 WHERE id = $1').run([1, 0.1 + 0.2]);
    db.prepare('UPDATE t SET d = $2 WHERE id = $1').run([1, 2.675]);
    const [row] = db.query('SELECT f, u, d FROM t WHERE id = 1', [], { rowMode: 'array' }) as unknown[][];
    expect(Object.is(row![0], 0)).toBe(true);
    expect(String(row![1])).toBe('0.30000000000000004');
    expect(String(row![2])).toBe('2.68');
    db.close();
  });
});
