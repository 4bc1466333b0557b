/**
 * Property: random SQL (inserts, updates, deletes through indexes, FK children, UNIQUE and FK
 * violations, BEGIN/COMMIT/ROLLBACK, savepoints, checkpoints) with up to two open iterators
 * holding snapshots while writes continue, against a Map model; a write or sync fault at a
 * random point, then a crash (losing all unsynced data or keeping a random, torn subset).
 * Each iterator must return exactly its snapshot; the reopened database must show one committed
 * state no older than the last durable one, with intact trees and indexes (verifyRecovered).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Database, DecentDBError, FaultyVfs, MemoryVfs, type Durability, type JsValue } from '../../src/index.js';
import { PATH, SCHEMA_SQL, canon, noise, verifyRecovered, type DbState } from './sql-crash-helpers.js';

type Payload = null | { readonly len: number; readonly seed: number };
type Op =
  | { k: 'insert'; id: number; name: number; grp: number; pay: Payload }
  | { k: 'update'; id: number; name: number; grp: number; pay: Payload }
  | { k: 'delete'; id: number }
  | { k: 'deleteGrp'; grp: number }
  | { k: 'insertChild'; id: number; pid: number }
  | { k: 'deleteChild'; id: number }
  | { k: 'begin' } | { k: 'commit' } | { k: 'rollback' }
  | { k: 'savepoint' } | { k: 'rollbackTo' } | { k: 'release' }
  | { k: 'checkpoint' }
  | { k: 'openReader' } | { k: 'stepReader'; which: number; n: number } | { k: 'closeReader'; which: number };

const id = fc.integer({ min: 1, max: 40 });
const payload: fc.Arbitrary<Payload> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 4, arbitrary: fc.record({ len: fc.integer({ min: 0, max: 80 }), seed: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.record({ len: fc.constantFrom(1500, 5000), seed: fc.nat(1000) }) },
);
const row = { id, name: fc.integer({ min: 0, max: 60 }), grp: fc.integer({ min: 0, max: 5 }), pay: payload };
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ k: fc.constant('insert' as const), ...row }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('update' as const), ...row }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('delete' as const), id }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('deleteGrp' as const), grp: fc.integer({ min: 0, max: 5 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('insertChild' as const), id: fc.integer({ min: 1, max: 30 }), pid: id }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('deleteChild' as const), id: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 3, arbitrary: fc.constant({ k: 'begin' as const }) },
  { weight: 3, arbitrary: fc.constant({ k: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'rollback' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'savepoint' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'rollbackTo' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'release' as const }) },
  { weight: 1, arbitrary: fc.constant({ k: 'checkpoint' as const }) },
  { weight: 3, arbitrary: fc.constant({ k: 'openReader' as const }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('stepReader' as const), which: fc.nat(1), n: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('closeReader' as const), which: fc.nat(1) }) },
);

interface Fault {
  readonly op: 'write' | 'sync';
  readonly nth: number;
  readonly mode: 'crashAt' | 'fail';
  readonly tear: number | undefined;
  readonly keep: 'none' | 'random';
  readonly seed: number;
}
const fault: fc.Arbitrary<Fault> = fc.record({
  op: fc.constantFrom('write' as const, 'write' as const, 'write' as const, 'sync' as const),
  nth: fc.integer({ min: 1, max: 24 }),
  mode: fc.constantFrom('crashAt' as const, 'fail' as const),
  tear: fc.option(fc.constantFrom(0, 1, 100, 4000), { nil: undefined }),
  keep: fc.constantFrom('none' as const, 'random' as const),
  seed: fc.nat(1_000_000),
});

type Rows = Map<number, JsValue[]>;
interface Model { parent: Rows; child: Rows }
const copy = (m: Model): Model => ({ parent: new Map(m.parent), child: new Map(m.child) });
const state = (m: Model): DbState => new Map([['parent', m.parent], ['child', m.child]]);
const pay = (p: Payload): string | null => (p === null ? null : noise(p.len, p.seed));

/** Applies `o` to `m` (mutating); returns false when the statement must fail with ERR_CONSTRAINT. */
function applyModel(m: Model, o: Op): boolean {
  const nameUsed = (name: string, except: number): boolean => [...m.parent.values()].some((r) => r[1] === name && r[0] !== except);
  const referenced = (pid: number): boolean => [...m.child.values()].some((c) => c[1] === pid);
  switch (o.k) {
    case 'insert':
      if (m.parent.has(o.id) || nameUsed(`k${o.name}`, -1)) return false;
      m.parent.set(o.id, [o.id, `k${o.name}`, o.grp, pay(o.pay)]);
      return true;
    case 'update':
      if (!m.parent.has(o.id)) return true;
      if (nameUsed(`k${o.name}`, o.id)) return false;
      m.parent.set(o.id, [o.id, `k${o.name}`, o.grp, pay(o.pay)]);
      return true;
    case 'delete':
      if (m.parent.has(o.id) && referenced(o.id)) return false;
      m.parent.delete(o.id);
      return true;
    case 'deleteGrp': {
      const ids = [...m.parent.values()].filter((r) => r[2] === o.grp).map((r) => r[0] as number);
      if (ids.some(referenced)) return false;
      for (const i of ids) m.parent.delete(i);
      return true;
    }
    case 'insertChild':
      if (m.child.has(o.id) || !m.parent.has(o.pid)) return false;
      m.child.set(o.id, [o.id, o.pid, `c${o.id}`]);
      return true;
    case 'deleteChild':
      m.child.delete(o.id);
      return true;
    default:
      throw new Error(`not a statement: ${o.k}`);
  }
}

function runStatement(db: Database, o: Op): void {
  switch (o.k) {
    case 'insert': db.prepare('INSERT INTO parent VALUES ($1, $2, $3, $4)').run([o.id, `k${o.name}`, o.grp, pay(o.pay)]); return;
    case 'update': db.prepare('UPDATE parent SET name = $1, grp = $2, payload = $3 WHERE id = $4').run([`k${o.name}`, o.grp, pay(o.pay), o.id]); return;
    case 'delete': db.prepare('DELETE FROM parent WHERE id = $1').run([o.id]); return;
    case 'deleteGrp': db.prepare('DELETE FROM parent WHERE grp = $1').run([o.grp]); return;
    case 'insertChild': db.prepare('INSERT INTO child VALUES ($1, $2, $3)').run([o.id, o.pid, `c${o.id}`]); return;
    case 'deleteChild': db.prepare('DELETE FROM child WHERE id = $1').run([o.id]); return;
    default: throw new Error(`not a statement: ${o.k}`);
  }
}

interface Reader { it: Iterator<unknown>; expected: JsValue[][]; got: JsValue[][] }

/** Runs one case; throws (with the case's description) on any violated property. */
function runCase(ops: readonly Op[], f: Fault, durability: Durability): void {
  const vfs = new FaultyVfs(new MemoryVfs(), { seed: f.seed });
  const options = { pageSize: 1024, cacheSizeBytes: 16 * 1024, durability, checkpointBytes: 24 * 1024, clock: () => 0 };
  const db = Database.open(PATH, { ...options, vfs });
  db.exec(`BEGIN; ${SCHEMA_SQL.join('; ')}; COMMIT`);
  db.checkpoint();
  let committed: Model = { parent: new Map(), child: new Map() };
  let work: Model | undefined;
  const savepoints: Model[] = [];
  const states = [canon(state(committed))];
  let floor = 0;
  let ceiling = 0;
  const readers: Reader[] = [];
  if (f.mode === 'crashAt') vfs.crashAt(f.op, f.nth);
  else vfs.inject(f.op === 'write' && f.tear !== undefined ? { op: f.op, nth: f.nth, tornBytes: f.tear } : { op: f.op, nth: f.nth });

  const commitState = (m: Model): void => {
    committed = m;
    states.push(canon(state(m)));
    ceiling = states.length - 1;
    if (durability === 'full') floor = ceiling;
  };
  const closeReader = (r: Reader): void => {
    for (let n = r.it.next(); n.done !== true; n = r.it.next()) r.got.push(n.value as JsValue[]);
    expect(r.got).toEqual(r.expected);
  };

  let failure: DecentDBError | undefined;
  let pending: string | undefined;
  for (const o of ops) {
    pending = undefined;
    try {
      if (o.k === 'begin') {
        if (work !== undefined) continue;
        db.exec('BEGIN');
        work = copy(committed);
      } else if (o.k === 'commit') {
        if (work === undefined) continue;
        const next = work;
        pending = canon(state(next));
        db.exec('COMMIT');
        work = undefined;
        savepoints.length = 0;
        commitState(next);
      } else if (o.k === 'rollback') {
        if (work === undefined) continue;
        db.exec('ROLLBACK');
        work = undefined;
        savepoints.length = 0;
      } else if (o.k === 'savepoint') {
        if (work === undefined) continue;
        db.exec(`SAVEPOINT sp${savepoints.length}`);
        savepoints.push(copy(work));
      } else if (o.k === 'rollbackTo' || o.k === 'release') {
        if (work === undefined || savepoints.length === 0) continue;
        const name = `sp${savepoints.length - 1}`;
        if (o.k === 'rollbackTo') {
          db.exec(`ROLLBACK TO SAVEPOINT ${name}`);
          work = copy(savepoints[savepoints.length - 1]!);
        } else {
          db.exec(`RELEASE SAVEPOINT ${name}`);
          savepoints.pop();
        }
      } else if (o.k === 'checkpoint') {
        if (work !== undefined) continue;
        db.checkpoint();
        floor = states.length - 1;
      } else if (o.k === 'openReader') {
        if (work !== undefined || readers.length >= 2) continue;
        const expected = [...committed.parent.keys()].sort((a, b) => a - b).map((k) => committed.parent.get(k)!);
        const r: Reader = { it: db.prepare('SELECT * FROM parent ORDER BY id').iterate([], 'array'), expected, got: [] };
        const first = r.it.next();
        if (first.done !== true) r.got.push(first.value as JsValue[]);
        readers.push(r);
      } else if (o.k === 'stepReader') {
        const r = readers[o.which % Math.max(1, readers.length)];
        for (let i = 0; r !== undefined && i < o.n; i++) {
          const n = r.it.next();
          if (n.done === true) break;
          r.got.push(n.value as JsValue[]);
        }
      } else if (o.k === 'closeReader') {
        const r = readers.splice(o.which % Math.max(1, readers.length), 1)[0];
        if (r !== undefined) closeReader(r);
      } else {
        const target = work ?? copy(committed);
        const ok = applyModel(target, o);
        if (work === undefined && ok) pending = canon(state(target));
        try {
          runStatement(db, o);
        } catch (e) {
          if (!(e instanceof DecentDBError) || e.code !== 'ERR_CONSTRAINT') throw e;
          // Statement-level rollback: nothing changed, a transaction goes on.
          expect(ok, `unexpected ${e.message}`).toBe(false);
          pending = undefined;
          continue;
        }
        expect(ok, `${o.k} should have failed with ERR_CONSTRAINT`).toBe(true);
        if (work === undefined) commitState(target);
        else work = target;
      }
    } catch (e) {
      if (!(e instanceof DecentDBError)) throw e;
      expect(e.code, e.message).toBe('ERR_IO');
      failure = e;
      // The commit in flight may or may not have reached the disk.
      if (pending !== undefined) {
        states.push(pending);
        ceiling = states.length - 1;
      }
      break;
    }
  }
  if (failure === undefined) {
    try {
      for (const r of readers.splice(0)) closeReader(r);
      if (work !== undefined) db.exec('ROLLBACK');
    } catch (e) {
      // An auto-checkpoint that failed after a durable commit leaves the database failed
      // without failing that commit; a reader still streaming its snapshot then gets ERR_IO.
      if (!(e instanceof DecentDBError)) throw e;
      expect(e.code, e.message).toBe('ERR_IO');
    }
    ceiling = states.length - 1;
  }
  if (vfs.crashCount === 0) vfs.crash({ keep: f.keep });
  const visible = verifyRecovered(vfs, options).visible;
  const at = states.lastIndexOf(visible, ceiling);
  if (at < floor) {
    const anywhere = states.indexOf(visible);
    throw new Error(`visible state ${anywhere < 0 ? 'matches no committed state' : `is commit ${anywhere}`}; expected one of ${floor}..${ceiling}`);
  }
}

describe('SQL crash property', () => {
  it('random SQL with snapshot iterators and a crash recovers a durable committed state', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 10, maxLength: 80 }), fault, fc.constantFrom<Durability>('full', 'normal', 'off'), (ops, f, durability) => {
        runCase(ops, f, durability);
      }),
      // fast-check prints the seed and path of a failing case; CRASH_SQL_SEED replays a seed,
      // CRASH_SQL_RUNS runs a deeper search.
      {
        numRuns: Number(process.env.CRASH_SQL_RUNS ?? 100),
        verbose: 1,
        ...(process.env.CRASH_SQL_SEED !== undefined && { seed: Number(process.env.CRASH_SQL_SEED) }),
      },
    );
  });
});
