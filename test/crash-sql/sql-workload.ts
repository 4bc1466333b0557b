/**
 * The crash matrix's SQL workload: a schema with an INT primary key, a UNIQUE TEXT column, a
 * secondary index and a child table with a foreign key; transactions that split B+Tree pages,
 * update indexed columns, write and free overflow chains, roll back, use savepoints, create an
 * index on existing data, checkpoint and close. Each step mirrors its effect on a model.
 */
import type { Database, JsValue } from '../../src/index.js';
import { SCHEMA_SQL, canon, cloneState, noise, type DbState } from './sql-crash-helpers.js';

/** Per-run state shared by steps: an iterator held open across commits and a checkpoint. */
export interface RunContext {
  reader?: Iterator<unknown>;
}

export interface Step {
  readonly name: string;
  /** 'commit': one transaction; 'sync': makes everything before it durable (checkpoint, close); 'none': no commit. */
  readonly kind: 'commit' | 'sync' | 'none';
  run(db: Database, run: RunContext): void;
  /** The step's effect on the model (absent: none). */
  apply?(m: DbState): void;
  /** True when the step's own commit is durable once it returns, whatever the mode (it checkpoints). */
  readonly durableOnAck?: boolean;
}

const parentRow = (id: number): JsValue[] => [id, `p${id}`, id % 7, noise(40, id)];
const childRow = (id: number): JsValue[] => [id, 1 + (id % 20), `n${id % 5}`];
const P = (m: DbState): Map<number, JsValue[]> => m.get('parent')!;
const C = (m: DbState): Map<number, JsValue[]> => m.get('child')!;

function insertParent(db: Database, row: readonly JsValue[]): void {
  db.prepare('INSERT INTO parent VALUES ($1, $2, $3, $4)').run(row);
}

function insertChild(db: Database, row: readonly JsValue[]): void {
  db.prepare('INSERT INTO child VALUES ($1, $2, $3)').run(row);
}

const bulkRows = (): JsValue[][] => Array.from({ length: 150 }, (_, i) => [i + 1, `code-${String(i + 1).padStart(4, '0')}`, i % 9]);

export const BIG_1 = noise(6000, 100);
export const BIG_2 = noise(9000, 101);

export const WORKLOAD: readonly Step[] = [
  {
    name: 'create schema',
    kind: 'commit',
    run: (db) => db.exec(`BEGIN; ${SCHEMA_SQL.join('; ')}; COMMIT`),
    apply: (m) => {
      m.set('parent', new Map());
      m.set('child', new Map());
    },
  },
  {
    name: 'insert 60 parents (splits)',
    kind: 'commit',
    run: (db) => db.transaction(() => { for (let i = 1; i <= 60; i++) insertParent(db, parentRow(i)); })(),
    apply: (m) => { for (let i = 1; i <= 60; i++) P(m).set(i, parentRow(i)); },
  },
  {
    name: 'insert 40 children',
    kind: 'commit',
    run: (db) => db.transaction(() => { for (let i = 1; i <= 40; i++) insertChild(db, childRow(i)); })(),
    apply: (m) => { for (let i = 1; i <= 40; i++) C(m).set(i, childRow(i)); },
  },
  {
    name: 'update indexed columns',
    kind: 'commit',
    run: (db) => { db.exec("UPDATE parent SET name = name || '-u', grp = grp + 10 WHERE id <= 30"); },
    apply: (m) => {
      for (let i = 1; i <= 30; i++) {
        const r = P(m).get(i)!;
        P(m).set(i, [i, `${r[1] as string}-u`, (r[2] as number) + 10, r[3]!]);
      }
    },
  },
  {
    name: 'insert an overflowing row',
    kind: 'commit',
    run: (db) => insertParent(db, [100, 'big', 1, BIG_1]),
    apply: (m) => { P(m).set(100, [100, 'big', 1, BIG_1]); },
  },
  {
    name: 'rolled-back transaction',
    kind: 'none',
    run: (db) => {
      db.exec('BEGIN');
      db.exec('DELETE FROM child WHERE id > 10');
      db.exec('DELETE FROM parent WHERE id > 40 AND id < 100');
      insertParent(db, parentRow(200));
      db.exec('ROLLBACK');
    },
  },
  {
    name: 'open an iterator (snapshot held across the next commits and the checkpoint)',
    kind: 'none',
    run: (db, ctx) => {
      ctx.reader = db.prepare('SELECT id FROM parent ORDER BY id').iterate([], 'array');
      ctx.reader.next();
    },
  },
  {
    name: 'delete children and parents',
    kind: 'commit',
    run: (db) => db.transaction(() => {
      db.exec('DELETE FROM child WHERE id % 3 = 0');
      db.exec('DELETE FROM parent WHERE id > 40 AND id < 100');
    })(),
    apply: (m) => {
      for (let i = 3; i <= 40; i += 3) C(m).delete(i);
      for (let i = 41; i < 100; i++) P(m).delete(i);
    },
  },
  { name: 'checkpoint', kind: 'sync', run: (db) => { db.checkpoint(); } },
  {
    name: 'replace the overflowing value',
    kind: 'commit',
    run: (db) => { db.prepare('UPDATE parent SET payload = $1 WHERE id = 100').run([BIG_2]); },
    apply: (m) => { P(m).set(100, [100, 'big', 1, BIG_2]); },
  },
  {
    name: 'finish the iterator: it still sees its snapshot',
    kind: 'none',
    run: (_db, ctx) => {
      const ids: number[] = [1];
      for (let r = ctx.reader!.next(); r.done !== true; r = ctx.reader!.next()) ids.push((r.value as number[])[0]!);
      const expected = [...Array.from({ length: 60 }, (_, i) => i + 1), 100];
      if (ids.join() !== expected.join()) throw new Error(`iterator left its snapshot: ${ids.join()}`);
    },
  },
  {
    name: 'savepoint rolled back inside a commit',
    kind: 'commit',
    run: (db) => {
      db.exec('BEGIN');
      insertParent(db, parentRow(300));
      db.exec('SAVEPOINT s1');
      insertParent(db, parentRow(301));
      db.exec('DELETE FROM child WHERE id = 1');
      db.exec('ROLLBACK TO SAVEPOINT s1');
      insertChild(db, [500, 300, 'sp']);
      db.exec('RELEASE SAVEPOINT s1');
      db.exec('COMMIT');
    },
    apply: (m) => {
      P(m).set(300, parentRow(300));
      C(m).set(500, [500, 300, 'sp']);
    },
  },
  { name: 'create index on existing rows', kind: 'commit', run: (db) => db.exec('CREATE INDEX child_note ON child (note)') },
  {
    name: 'autocommit insert',
    kind: 'commit',
    run: (db) => insertParent(db, parentRow(400)),
    apply: (m) => { P(m).set(400, parentRow(400)); },
  },
  {
    name: 'autocommit update freeing an overflow chain',
    kind: 'commit',
    run: (db) => { db.exec('UPDATE parent SET payload = NULL WHERE id = 100'); },
    apply: (m) => { P(m).set(100, [100, 'big', 1, null]); },
  },
  {
    name: 'autocommit delete',
    kind: 'commit',
    run: (db) => { db.exec('DELETE FROM parent WHERE id = 400'); },
    apply: (m) => { P(m).delete(400); },
  },
  {
    name: 'create a table for bulk loading',
    kind: 'commit',
    run: (db) => db.exec('BEGIN; CREATE TABLE bulk (id INT PRIMARY KEY, code TEXT UNIQUE, w INT); CREATE INDEX bulk_w ON bulk (w); COMMIT'),
    apply: (m) => { m.set('bulk', new Map()); },
  },
  {
    name: 'bulkLoad 150 rows (bottom-up build, index rebuild, checkpoint)',
    kind: 'commit',
    durableOnAck: true,
    run: (db) => { db.bulkLoad('bulk', bulkRows()); },
    apply: (m) => { for (const r of bulkRows()) m.get('bulk')!.set(r[0] as number, r); },
  },
  {
    name: 'alter table: add a column with a default (rewrites every row)',
    kind: 'commit',
    run: (db) => db.exec('ALTER TABLE child ADD COLUMN extra INT DEFAULT 5'),
    apply: (m) => { for (const [k, r] of C(m)) C(m).set(k, [...r, 5]); },
  },
  {
    name: 'drop the bulk table (frees its trees)',
    kind: 'commit',
    run: (db) => db.exec('DROP TABLE bulk'),
    apply: (m) => { m.delete('bulk'); },
  },
  { name: 'close', kind: 'sync', run: (db) => db.close() },
];

/** Canonical model states: index 0 before the workload, then one per commit. */
export function workloadStates(): { states: string[]; after: number[] } {
  let m: DbState = new Map();
  const states = [canon(m)];
  const after: number[] = [];
  for (const s of WORKLOAD) {
    if (s.kind === 'commit') {
      m = cloneState(m);
      s.apply?.(m);
      states.push(canon(m));
    }
    after.push(states.length - 1);
  }
  return { states, after };
}
