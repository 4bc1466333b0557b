/**
 * Process kills on real files (NodeVfs in a temp dir): the SQL workload runs on a live
 * database; after every step its files are copied as a killed process would leave them
 * (everything written, nothing closed). Each copy must reopen at exactly the last
 * acknowledged commit, in every durability mode (the OS keeps what was written), with intact
 * trees and indexes, and accept new writes.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Database, NodeVfs, type Durability } from '../../src/index.js';
import { walPathOf } from '../../src/pager/index.js';
import { verifyRecovered } from './sql-crash-helpers.js';
import { WORKLOAD, workloadStates, type RunContext } from './sql-workload.js';

const dir = mkdtempSync(join(tmpdir(), 'decentdb-crash-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODEL = workloadStates();

describe('process kill on NodeVfs', () => {
  for (const durability of ['full', 'normal', 'off'] as const satisfies readonly Durability[]) {
    it(`durability '${durability}': a copy taken after any step reopens at the last acknowledged commit`, () => {
      const vfs = new NodeVfs();
      const live = join(dir, `live-${durability}.ddb`);
      const options = { pageSize: 1024, cacheSizeBytes: 32 * 1024, durability, clock: () => 0 };
      const db = Database.open(live, { ...options, vfs });
      const ctx: RunContext = {};
      const snapshots: Array<{ path: string; expected: string; step: string }> = [];
      WORKLOAD.forEach((step, i) => {
        step.run(db, ctx);
        const snap = join(dir, `snap-${durability}-${i}`);
        mkdirSync(snap);
        const path = join(snap, 'db.ddb');
        copyFileSync(live, path);
        if (existsSync(walPathOf(live))) copyFileSync(walPathOf(live), walPathOf(path));
        snapshots.push({ path, expected: MODEL.states[MODEL.after[i]!]!, step: step.name });
      });
      for (const s of snapshots) {
        expect(verifyRecovered(vfs, options, s.path).visible, `after '${s.step}'`).toBe(s.expected);
      }
    });
  }
});
