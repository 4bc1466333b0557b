/**
 * Row-by-row DML in one transaction (prepared INSERT/UPDATE/DELETE loops) against a model:
 * failing statements change nothing (statement savepoints with pooled undo copies), SAVEPOINT /
 * ROLLBACK TO restore exactly after thousands of in-place leaf splices, and the per-statement
 * plans cached on a prepared statement follow schema changes inside the same transaction.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failure, memoryDb, rows } from '../sql/sql-helpers.js';

type Row = [number, number, string];

/** Every row, and what the secondary index returns for each distinct album. */
function snapshot(db: ReturnType<typeof memoryDb>): { all: unknown[][]; byAlbum: unknown[][] } {
  const all = rows(db, 'SELECT id, album, title FROM t ORDER BY id');
  const albums = [...new Set(all.map((r) => r[1] as number))].sort((a, b) => a - b);
  const byAlbum = albums.map((a) => rows(db, 'SELECT id FROM t WHERE album = $1 ORDER BY id', [a]).map((r) => r[0]));
  return { all, byAlbum };
}

function modelSnapshot(model: Map<number, Row>): { all: unknown[][]; byAlbum: unknown[][] } {
  const all = [...model.values()].sort((a, b) => a[0] - b[0]);
  const albums = [...new Set(all.map((r) => r[1]))].sort((a, b) => a - b);
  const byAlbum = albums.map((a) => all.filter((r) => r[1] === a).map((r) => r[0]));
  return { all, byAlbum };
}

describe('prepared DML loops in one transaction', () => {
  it('match a model: failed statements change nothing, the index follows every row', () => {
    const opArb = fc.oneof(
      { weight: 6, arbitrary: fc.record({ kind: fc.constant('insert' as const), id: fc.integer({ min: 1, max: 400 }), album: fc.integer({ min: 0, max: 30 }), len: fc.nat(40) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('update' as const), id: fc.integer({ min: 1, max: 400 }), album: fc.integer({ min: 0, max: 30 }), len: fc.nat(40) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 1, max: 400 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('nullTitle' as const), id: fc.integer({ min: 401, max: 500 }) }) },
    );
    fc.assert(
      fc.property(fc.array(opArb, { minLength: 1, maxLength: 300 }), (ops) => {
        const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, album INT NOT NULL, title TEXT NOT NULL); CREATE INDEX t_album ON t (album)');
        const ins = db.prepare('INSERT INTO t VALUES ($1, $2, $3)');
        const upd = db.prepare('UPDATE t SET album = $2, title = $3 WHERE id = $1');
        const del = db.prepare('DELETE FROM t WHERE id = $1');
        const model = new Map<number, Row>();
        db.exec('BEGIN');
        for (const op of ops) {
          if (op.kind === 'insert') {
            const row: Row = [op.id, op.album, 'x'.repeat(op.len)];
            const f = model.has(op.id) ? failure(() => ins.run(row)) : null;
            if (f === null) {
              ins.run(row);
              model.set(op.id, row);
            } else expect(f.code).toBe('ERR_CONSTRAINT');
          } else if (op.kind === 'update') {
            const row: Row = [op.id, op.album, 'y'.repeat(op.len)];
            expect(upd.run(row).changes).toBe(model.has(op.id) ? 1 : 0);
            if (model.has(op.id)) model.set(op.id, row);
          } else if (op.kind === 'delete') {
            expect(del.run([op.id]).changes).toBe(model.has(op.id) ? 1 : 0);
            model.delete(op.id);
          } else {
            expect(failure(() => ins.run([op.id, 1, null])).code).toBe('ERR_CONSTRAINT');
          }
        }
        expect(snapshot(db)).toEqual(modelSnapshot(model));
        db.exec('COMMIT');
        expect(snapshot(db)).toEqual(modelSnapshot(model));
        db.close();
      }),
      { numRuns: 25 },
    );
  });

  it('ROLLBACK TO restores a table and its index exactly after thousands of mid-page inserts', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, album INT NOT NULL, title TEXT NOT NULL); CREATE INDEX t_album ON t (album)');
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2, $3)');
    const model = new Map<number, Row>();
    const add = (i: number): void => {
      const row: Row = [i, Math.imul(i, 2654435761) % 97 >>> 0, `title ${i}`];
      ins.run(row);
      model.set(i, row);
    };
    db.exec('BEGIN');
    for (let i = 1; i <= 1500; i++) add(i);
    const before = modelSnapshot(model);
    db.exec('SAVEPOINT s');
    for (let i = 1501; i <= 4000; i++) ins.run([i, i % 97, `other ${i}`]);
    db.exec('DELETE FROM t WHERE id <= 200');
    db.exec('ROLLBACK TO s');
    expect(snapshot(db)).toEqual(before);
    for (let i = 4001; i <= 4500; i++) add(i);
    db.exec('RELEASE s');
    db.exec('COMMIT');
    expect(snapshot(db)).toEqual(modelSnapshot(model));
    db.close();
  });

  it('cached INSERT/UPDATE plans follow ALTER TABLE inside the same transaction', () => {
    const db = memoryDb('CREATE TABLE t (id INT PRIMARY KEY, v INT)');
    const ins = db.prepare('INSERT INTO t (id, v) VALUES ($1, $2)');
    const upd = db.prepare('UPDATE t SET v = $2 WHERE id = $1');
    db.exec('BEGIN');
    ins.run([1, 10]);
    upd.run([1, 11]);
    db.exec('ALTER TABLE t ADD COLUMN w INT DEFAULT 7');
    ins.run([2, 20]);
    upd.run([2, 21]);
    db.exec('COMMIT');
    expect(rows(db, 'SELECT id, v, w FROM t ORDER BY id')).toEqual([[1, 11, 7], [2, 21, 7]]);
    db.exec('BEGIN');
    db.exec('ALTER TABLE t ADD CONSTRAINT w_small CHECK (w < 100)');
    expect(failure(() => db.prepare('INSERT INTO t (id, v, w) VALUES ($1, $2, $3)').run([3, 30, 500])).code).toBe('ERR_CONSTRAINT');
    ins.run([4, 40]);
    db.exec('COMMIT');
    expect(rows(db, 'SELECT id, v, w FROM t ORDER BY id')).toEqual([[1, 11, 7], [2, 21, 7], [4, 40, 7]]);
    db.close();
  });
});
