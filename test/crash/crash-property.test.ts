/**
 * Property: random write transactions (commit, rollback, savepoint rollback, spill, mixed
 * durability), snapshot readers and checkpoints, with an I/O fault at a random operation and
 * a crash, always reopen to exactly one committed state no older than the last durable one;
 * every reader sees exactly its snapshot while it lives. Model: page → tag per commit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readU32, writeU32 } from '../../src/util/index.js';
import { FaultyVfs, MemoryVfs } from '../../src/vfs/index.js';
import type { Durability, Pager, ReadTransaction } from '../../src/pager/index.js';
import { openPager } from '../../src/wal/index.js';
import { PAGE_SIZE, PATH, closeQuietly } from './crash-helpers.js';

const PAGES = [2, 3, 4, 5, 6, 7, 8, 9];
type State = ReadonlyMap<number, number>;

type Cmd =
  | { kind: 'tx'; writes: Array<[number, number]>; after: Array<[number, number]>; end: 'commit' | 'rollback' | 'savepoint'; durability: Durability; spill: boolean }
  | { kind: 'read' }
  | { kind: 'endRead'; which: number }
  | { kind: 'checkpoint' };

const write = fc.tuple(fc.constantFrom(...PAGES), fc.integer({ min: 1, max: 1_000_000 }));
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({
    kind: fc.constant('tx' as const),
    writes: fc.array(write, { minLength: 1, maxLength: 6 }),
    after: fc.array(write, { maxLength: 4 }),
    end: fc.constantFrom('commit' as const, 'commit' as const, 'rollback' as const, 'savepoint' as const),
    durability: fc.constantFrom('full' as const, 'normal' as const, 'off' as const),
    spill: fc.boolean(),
  }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'read' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('endRead' as const), which: fc.nat(5) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
);

function stateOf(read: (n: number) => Uint8Array): Map<number, number> {
  const m = new Map<number, number>();
  for (const n of PAGES) {
    const p = read(n);
    const a = readU32(p, 0);
    if (a !== readU32(p, PAGE_SIZE - 4)) throw new Error(`page ${n} torn`);
    m.set(n, a);
  }
  return m;
}

function run(cmds: Cmd[], faultOp: 'write' | 'sync' | 'truncate', faultAt: number, keep: 'none' | 'random', seed: number): void {
  const vfs = new FaultyVfs(new MemoryVfs(), { seed });
  const options = { pageSize: PAGE_SIZE, checkpointOnClose: false, spillBudgetBytes: 2 * PAGE_SIZE, checkpointThresholdBytes: 24 * 1024, groupCommitMaxCommits: 3, clock: () => 0 };
  const pager: Pager = openPager(vfs, PATH, options);
  const init = pager.beginWrite();
  for (const _ of PAGES) init.allocate();
  init.commit();
  const states: State[] = [new Map(PAGES.map((n) => [n, 0]))];
  let durable = 0;
  let inFlight: State | undefined;
  const readers: Array<{ r: ReadTransaction; idx: number }> = [];
  vfs.inject({ op: faultOp, nth: faultAt });
  try {
    for (const c of cmds) {
      if (c.kind === 'read') readers.push({ r: pager.beginRead(), idx: states.length - 1 });
      else if (c.kind === 'endRead') {
        const x = readers.splice(c.which % Math.max(1, readers.length), 1)[0];
        if (x !== undefined) {
          expect(stateOf((n) => x.r.read(n))).toEqual(states[x.idx]);
          x.r.end();
        }
      } else if (c.kind === 'checkpoint') {
        pager.checkpoint();
        durable = states.length - 1;
      } else {
        const w = pager.beginWrite({ durability: c.durability });
        const next = new Map(states[states.length - 1]!);
        for (const [n, t] of c.writes) {
          const p = w.write(n);
          writeU32(p, 0, t);
          writeU32(p, PAGE_SIZE - 4, t);
          next.set(n, t);
          if (c.spill) w.spillSafePoint();
        }
        const sp = w.savepoint();
        for (const [n, t] of c.after) {
          const p = w.write(n);
          writeU32(p, 0, t);
          writeU32(p, PAGE_SIZE - 4, t);
          if (c.end !== 'savepoint') next.set(n, t);
          if (c.spill) w.spillSafePoint();
        }
        if (c.end === 'rollback') {
          w.rollback();
          continue;
        }
        if (c.end === 'savepoint') w.rollbackTo(sp);
        expect(stateOf((n) => w.read(n))).toEqual(next);
        inFlight = next;
        const syncsBefore = pager.stats.walSyncs;
        w.commit();
        inFlight = undefined;
        states.push(next);
        if (c.durability === 'full' || pager.stats.walSyncs > syncsBefore) durable = states.length - 1;
      }
      for (const x of readers) if (x.r.active) expect(stateOf((n) => x.r.read(n))).toEqual(states[x.idx]);
    }
  } catch (e) {
    if (!(typeof e === 'object' && e !== null && (e as { code?: string }).code === 'ERR_IO')) throw e;
  }
  vfs.crash({ keep });
  closeQuietly(pager);
  const again = openPager(vfs, PATH, options);
  const r = again.beginRead();
  const got = stateOf((n) => r.read(n));
  r.end();
  again.close();
  const candidates = inFlight === undefined ? states : [...states, inFlight];
  const matches = candidates.map((s, i) => ({ s, i })).filter(({ s }) => PAGES.every((n) => s.get(n) === got.get(n)));
  expect(matches.length, `state ${JSON.stringify([...got])} is no committed state`).toBeGreaterThan(0);
  expect(Math.max(...matches.map((m) => m.i)), 'a durable commit was lost').toBeGreaterThanOrEqual(durable);
}

describe('crash property', () => {
  it('random transactions, readers and checkpoints survive a crash at a random point', () => {
    fc.assert(
      fc.property(
        fc.array(cmd, { minLength: 1, maxLength: 30 }),
        fc.constantFrom('write' as const, 'write' as const, 'sync' as const, 'truncate' as const),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom('none' as const, 'random' as const),
        fc.integer({ min: 1, max: 1000 }),
        run,
      ),
      { numRuns: 150 },
    );
  });
});
