/**
 * Crashes during and right after recovery: the SQL workload crashes at a sync (state S1 is
 * what a plain reopen shows), then a second run reopens, commits one row and closes (which
 * checkpoints) with a crash at each of its writes, syncs and truncates. The third open must
 * show S1 or S1 plus the row, never less than S1, with intact trees and indexes.
 */
import { describe, expect, it } from 'vitest';
import { Database, FaultyVfs, MemoryVfs, type DatabaseOptions } from '../../src/index.js';
import type { FaultOp } from '../../src/vfs/index.js';
import { PATH, attempt, canon, storageState, verifyRecovered } from './sql-crash-helpers.js';
import { WORKLOAD, type RunContext } from './sql-workload.js';

const OPTIONS: DatabaseOptions = { pageSize: 1024, cacheSizeBytes: 32 * 1024, clock: () => 0, durability: 'full' };

/** Runs the workload until the `k`-th sync crashes it; returns the Vfs holding what survived. */
function firstCrash(k: number): FaultyVfs {
  const vfs = new FaultyVfs(new MemoryVfs());
  const db = Database.open(PATH, { ...OPTIONS, vfs });
  vfs.crashAt('sync', k);
  const ctx: RunContext = {};
  for (const step of WORKLOAD) if (attempt(() => step.run(db, ctx)) !== undefined) break;
  expect(vfs.crashCount).toBe(1);
  return vfs;
}

/** Reopen (recovery), one committed row, close (checkpoint). */
function recoverAndWrite(vfs: FaultyVfs): void {
  const db = Database.open(PATH, { ...OPTIONS, vfs });
  db.transaction(() => {
    db.prepare('INSERT INTO parent VALUES ($1, $2, $3, $4)').run([777777, 'second-run', 3, 'x']);
  })();
  db.close();
}

describe('crash during recovery and the first writes after it', () => {
  it('never loses the recovered state, never tears the new commit', () => {
    const syncs = (() => {
      const vfs = new FaultyVfs(new MemoryVfs());
      const db = Database.open(PATH, { ...OPTIONS, vfs });
      const before = vfs.counters.sync;
      const ctx: RunContext = {};
      for (const step of WORKLOAD) step.run(db, ctx);
      return vfs.counters.sync - before;
    })();
    let cases = 0;
    // Sync 1 is the schema commit; from sync 2 on a parent table exists to write into.
    for (let k = 2; k <= syncs; k += 3) {
      const s1 = canon(storageState(firstCrash(k)).state);
      const reference = firstCrash(k);
      const before = { ...reference.counters };
      recoverAndWrite(reference);
      const s1plus = canon(storageState(reference).state);
      expect(s1plus).not.toBe(s1);
      const counts = { write: reference.counters.write - before.write, sync: reference.counters.sync - before.sync, truncate: reference.counters.truncate - before.truncate };
      for (const op of ['write', 'sync', 'truncate'] as FaultOp[]) {
        for (let j = 1; j <= counts[op as 'write' | 'sync' | 'truncate']; j++) {
          const vfs = firstCrash(k);
          vfs.crashAt(op, j);
          const err = attempt(() => recoverAndWrite(vfs));
          const where = `first crash at sync ${k}, second at ${op} #${j}`;
          expect(err?.code, where).toBe('ERR_IO');
          expect(vfs.crashCount, where).toBe(2);
          const visible = verifyRecovered(vfs, OPTIONS).visible;
          expect([s1, s1plus], where).toContain(visible);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(20);
  });

  it('a crash while a new database is created (unsynced writes lost) leaves a database that opens', () => {
    const probe = new FaultyVfs(new MemoryVfs());
    Database.open(PATH, { ...OPTIONS, vfs: probe }).exec('CREATE TABLE t (id INT PRIMARY KEY)');
    let cases = 0;
    for (const op of ['write', 'sync', 'truncate'] as const) {
      for (let k = 1; k <= probe.counters[op]; k++) {
        const vfs = new FaultyVfs(new MemoryVfs());
        vfs.crashAt(op, k);
        const err = attempt(() => Database.open(PATH, { ...OPTIONS, vfs }).exec('CREATE TABLE t (id INT PRIMARY KEY)'));
        expect(err?.code, `${op} #${k}`).toBe('ERR_IO');
        const { storage } = verifyRecovered(vfs, OPTIONS);
        expect([[], ['t']], `${op} #${k}`).toContainEqual(storage.tables);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(3);
  });
});
