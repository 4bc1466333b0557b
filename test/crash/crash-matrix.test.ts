/**
 * Crash-injection matrix: for every write, sync and truncate issued by a commit or a
 * checkpoint, fail there (writes also torn at several byte counts), crash (losing all unsynced
 * data, or keeping a seeded random, possibly torn subset of it), reopen and check: every
 * acknowledged commit is present per its durability contract, no transaction is partly
 * visible, the header checksum is valid (the database opens).
 */
import { describe, expect, it } from 'vitest';
import { FaultyVfs, MemoryVfs, type FaultOp } from '../../src/vfs/index.js';
import type { Durability, Pager, PagerOptions } from '../../src/pager/index.js';
import { closeQuietly, open, reopenTag, stampTx } from './crash-helpers.js';

const PAGES = [2, 3, 4, 5, 6, 7];
const TEARS = [undefined, 0, 1, 20, 40, 100, 500, 1040];
const KEEPS: ReadonlyArray<{ keep: 'none' | 'random'; seed: number }> = [
  { keep: 'none', seed: 1 }, { keep: 'random', seed: 1 }, { keep: 'random', seed: 2 }, { keep: 'random', seed: 3 },
];

interface Scenario {
  readonly name: string;
  readonly options: PagerOptions;
  /** Builds the state before the operation; returns the last tag a crash may not lose. */
  setup(pager: Pager): number;
  /** The operation under test; returns the tag it commits (or the durable tag after it). */
  op(pager: Pager): { tag: number; durable: boolean };
}

function commit(pager: Pager, tag: number, pages = PAGES, durability?: Durability, bumpCookie = true): void {
  const w = durability === undefined ? pager.beginWrite() : pager.beginWrite({ durability });
  stampTx(w, pages, tag, bumpCookie);
  w.commit();
}

const scenarios: Scenario[] = [
  {
    name: "commit ('full')",
    options: { durability: 'full' },
    setup: (p) => { commit(p, 1); commit(p, 2, [3, 5]); commit(p, 3); return 3; },
    op: (p) => { commit(p, 4); return { tag: 4, durable: true }; },
  },
  {
    name: "commit ('normal', forced sync by count)",
    options: { durability: 'normal', groupCommitMaxCommits: 3, clock: () => 0 },
    setup: (p) => { commit(p, 1); commit(p, 2); commit(p, 3); return 3; },
    op: (p) => { commit(p, 4); commit(p, 5); commit(p, 6); return { tag: 6, durable: true }; },
  },
  {
    name: "commit ('off') then checkpoint",
    options: { durability: 'off' },
    setup: (p) => { commit(p, 1, PAGES, 'full'); return 1; },
    op: (p) => { commit(p, 2); commit(p, 3); p.checkpoint(); return { tag: 3, durable: true }; },
  },
  {
    name: 'checkpoint with WAL truncation',
    options: { durability: 'full' },
    setup: (p) => { commit(p, 1); p.checkpoint(); commit(p, 2); commit(p, 3, [2, 4]); commit(p, 4); return 4; },
    op: (p) => { p.checkpoint(); return { tag: 4, durable: true }; },
  },
  {
    name: 'checkpoint of data-only commits (page 1 only in the main file)',
    options: { durability: 'full' },
    setup: (p) => {
      const w = p.beginWrite();
      stampTx(w, PAGES, 1, false);
      w.commit();
      p.checkpoint();
      commit(p, 2, PAGES, undefined, false);
      commit(p, 3, PAGES, undefined, false);
      return 3;
    },
    op: (p) => { p.checkpoint(); return { tag: 3, durable: true }; },
  },
  {
    name: 'checkpoint pruning behind a reader',
    options: { durability: 'full' },
    setup: (p) => { commit(p, 1); commit(p, 2); p.beginRead(); commit(p, 3); commit(p, 4); return 4; },
    op: (p) => { p.checkpoint(); commit(p, 5); p.checkpoint(); return { tag: 5, durable: true }; },
  },
  {
    name: 'commit triggering an automatic checkpoint',
    options: { durability: 'full', checkpointThresholdBytes: 8 * 1024 },
    setup: (p) => { commit(p, 1); return 1; },
    op: (p) => { commit(p, 2); commit(p, 3); return { tag: 3, durable: true }; },
  },
  {
    name: 'spilled transaction commit',
    options: { durability: 'full', spillBudgetBytes: 2048 },
    setup: (p) => { commit(p, 1); return 1; },
    op: (p) => {
      const w = p.beginWrite();
      stampTx(w, PAGES, 2);
      w.spillSafePoint();
      stampTx(w, [2, 3], 2);
      w.commit();
      return { tag: 2, durable: true };
    },
  },
];

function countOps(s: Scenario): Record<'write' | 'sync' | 'truncate', number> {
  const vfs = new FaultyVfs(new MemoryVfs());
  const pager = open(vfs, s.options);
  s.setup(pager);
  const before = { ...vfs.counters };
  s.op(pager);
  closeQuietly(pager);
  return { write: vfs.counters.write - before.write, sync: vfs.counters.sync - before.sync, truncate: vfs.counters.truncate - before.truncate };
}

describe('crash matrix', () => {
  for (const s of scenarios) {
    it(`${s.name}: every fault point keeps acknowledged commits and atomicity`, () => {
      const counts = countOps(s);
      expect(counts.write + counts.sync).toBeGreaterThan(0);
      let cases = 0;
      for (const op of ['write', 'sync', 'truncate'] as FaultOp[]) {
        for (let k = 1; k <= counts[op as 'write' | 'sync' | 'truncate']; k++) {
          for (const tear of op === 'write' ? TEARS : [undefined]) {
            for (const { keep, seed } of KEEPS) {
              const vfs = new FaultyVfs(new MemoryVfs(), { seed });
              const pager = open(vfs, s.options);
              const durableBefore = s.setup(pager);
              vfs.inject(tear === undefined ? { op, nth: k } : { op, nth: k, tornBytes: tear });
              let result: { tag: number; durable: boolean } | undefined;
              try {
                result = s.op(pager);
              } catch (e) {
                expect(e).toMatchObject({ code: 'ERR_IO' });
              }
              vfs.crash({ keep });
              closeQuietly(pager);
              const where = `${op} #${k} tear ${String(tear)} keep ${keep}/${seed}`;
              let tag: number;
              try {
                tag = reopenTag(vfs, PAGES);
              } catch (e) {
                throw new Error(`${where}: ${(e as Error).message}`);
              }
              const minTag = result !== undefined && result.durable ? result.tag : durableBefore;
              expect(tag, where).toBeGreaterThanOrEqual(minTag);
              expect(tag, where).toBeLessThanOrEqual(result?.tag ?? 100);
              cases++;
            }
          }
        }
      }
      expect(cases).toBeGreaterThan(0);
    });
  }
});
