/**
 * Crashes around a transaction too large for memory: its dirty pages are spilled to the WAL
 * before COMMIT (spill budget 16 MiB, the default), so the WAL holds uncommitted frames. A
 * crash inside the spill, after a rolled-back spilled transaction, or inside the commit of a
 * spilled transaction must recover exactly a committed state, never the spilled frames alone.
 */
import { describe, expect, it } from 'vitest';
import { Database, FaultyVfs, MemoryVfs, type DatabaseOptions } from '../../src/index.js';
import type { FaultOp } from '../../src/vfs/index.js';
import { PATH, attempt, storageState } from './sql-crash-helpers.js';

const OPTIONS: DatabaseOptions = { durability: 'full', clock: () => 0 };
const BIG_ROWS = 9;
const BIG_BYTES = 2 << 20;

/** Deterministic incompressible bytes. */
function blob(n: number, seed: number): Uint8Array {
  const u = new Uint32Array(n / 4);
  let a = seed >>> 0;
  for (let i = 0; i < u.length; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    u[i] = a;
  }
  return new Uint8Array(u.buffer);
}

function bigTransaction(db: Database, end: 'COMMIT' | 'ROLLBACK'): void {
  db.exec('BEGIN');
  for (let i = 1; i <= BIG_ROWS; i++) db.prepare('INSERT INTO b VALUES ($1, $2)').run([i, blob(BIG_BYTES, i)]);
  db.exec(end);
}

/** The steps after setup, with the ids their commit leaves (undefined: no commit). */
const STEPS: ReadonlyArray<{ run: (db: Database) => void; rows: number[] | undefined }> = [
  { run: (db) => bigTransaction(db, 'ROLLBACK'), rows: undefined },
  { run: (db) => { db.prepare('INSERT INTO b VALUES ($1, $2)').run([101, new Uint8Array([1])]); }, rows: [100, 101] },
  { run: (db) => bigTransaction(db, 'COMMIT'), rows: [1, 2, 3, 4, 5, 6, 7, 8, 9, 100, 101] },
];

function setup(vfs: FaultyVfs): Database {
  const db = Database.open(PATH, { ...OPTIONS, vfs });
  db.exec('CREATE TABLE b (id INT PRIMARY KEY, data BLOB)');
  db.prepare('INSERT INTO b VALUES ($1, $2)').run([100, new Uint8Array([0])]);
  return db;
}

/** Trees intact (storageState) and the ids visible through SQL agree; returns the ids. */
function spillSafeIds(vfs: FaultyVfs): number[] {
  const storage = storageState(vfs);
  const fromStorage = [...storage.state.get('b')!.keys()].sort((x, y) => x - y);
  const db = Database.open(PATH, { ...OPTIONS, vfs });
  try {
    const viaSql = (db.query('SELECT id FROM b ORDER BY id', [], { rowMode: 'array' }) as number[][]).map((r) => r[0]!);
    expect(viaSql).toEqual(fromStorage);
    db.prepare('INSERT INTO b VALUES ($1, $2)').run([500, new Uint8Array([5])]);
  } finally {
    db.close();
  }
  return fromStorage;
}

describe('crash around spilled transactions', () => {
  it('recovers a committed state whether the crash hits the spill, the rollback or the commit', () => {
    const vfs0 = new FaultyVfs(new MemoryVfs());
    const db0 = setup(vfs0);
    const base = { ...vfs0.counters };
    const bounds: Array<{ write: number; sync: number; truncate: number }> = [];
    for (const step of STEPS) {
      step.run(db0);
      bounds.push({ write: vfs0.counters.write - base.write, sync: vfs0.counters.sync - base.sync, truncate: vfs0.counters.truncate - base.truncate });
    }
    // Database.stats() is typed `Object` (ReturnType of valueOf); the value is PagerStats.
    expect((db0.stats() as { spilledPages: number }).spilledPages).toBeGreaterThan(1000);
    const [b1, b2, b3] = bounds as [typeof base, typeof base, typeof base];
    // Inside the rolled-back spill, its WAL truncation, the next small commit, inside the
    // committed spill, and the spilled transaction's commit sync.
    const points: Array<[FaultOp, number, 'crashAt' | 'fail']> = [
      ['write', Math.floor(b1.write / 2), 'fail'], ['truncate', b1.truncate, 'crashAt'], ['sync', b2.sync, 'fail'],
      ['write', Math.floor((b2.write + b3.write) / 2), 'crashAt'], ['sync', b3.sync, 'fail'],
    ];
    for (const [op, nth, mode] of points) {
      const vfs = new FaultyVfs(new MemoryVfs(), { seed: nth });
      const db = setup(vfs);
      if (mode === 'crashAt') vfs.crashAt(op, nth);
      else vfs.inject({ op, nth, ...(op === 'write' && { tornBytes: 100 }) });
      let acked = [100];
      let ceiling = acked;
      for (const step of STEPS) {
        const err = attempt(() => step.run(db));
        if (err !== undefined) {
          expect(err.code).toBe('ERR_IO');
          ceiling = step.rows ?? acked;
          break;
        }
        if (step.rows !== undefined) acked = ceiling = step.rows;
      }
      if (mode === 'fail') vfs.crash({ keep: 'random' });
      expect(vfs.crashCount).toBe(1);
      const where = `${mode} ${op} #${nth}`;
      const ids = spillSafeIds(vfs);
      expect([acked.join(), ceiling.join()], where).toContain(ids.join());
    }
  });
});
