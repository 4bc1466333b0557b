/**
 * Crash injection around spilled frames rewritten in place (issue 3, "the WAL stays bounded"):
 * a B+Tree transaction with a 3-page spill budget re-spills its leaves constantly, so its
 * spills and its commit rewrite frames and the commit re-chains trailers. For every write and
 * sync of the commit (and a stride of the spill writes), fail there (writes also torn), crash
 * (losing unsynced data or keeping a random, possibly torn subset), reopen and check: the tree
 * passes checkTree, holds exactly one committed state, no older than the last acknowledged.
 */
import { describe, expect, it } from 'vitest';
import { BTree, checkTree } from '../../src/btree/index.js';
import type { Pager, PageStore } from '../../src/pager/index.js';
import { readU32, writeU32 } from '../../src/util/index.js';
import { FaultyVfs, MemoryVfs, type FaultOp } from '../../src/vfs/index.js';
import { openPager } from '../../src/wal/index.js';
import { PATH, closeQuietly, open } from './crash-helpers.js';

const OPTIONS = { durability: 'full', spillBudgetBytes: 3 * 1024 } as const;

/** Deterministic distinct keys: a multiplicative walk over 2^31. */
const keyAt = (i: number): number => (Math.imul(i + 1, 0x9e3779b1) >>> 1) % 1_000_000_007;
const T1 = Array.from({ length: 150 }, (_, i) => keyAt(i));
const T2 = Array.from({ length: 300 }, (_, i) => keyAt(1000 + i));
const T2_ROLLED_BACK = Array.from({ length: 25 }, (_, i) => keyAt(5000 + i));
const T3 = [keyAt(9000), keyAt(9001), keyAt(9002)];

function valueOf(key: number): Uint8Array {
  const v = new Uint8Array(24);
  writeU32(v, 0, key);
  writeU32(v, 20, key ^ 0x5a5a5a5a);
  return v;
}

function insertAll(w: PageStore, tree: BTree, keys: readonly number[], spillEvery: number, spill: () => void): void {
  keys.forEach((k, i) => {
    tree.insert(k, valueOf(k));
    if (i % spillEvery === spillEvery - 1) spill();
  });
}

const canon = (keys: Iterable<number>): string => [...keys].sort((a, b) => a - b).join(',');
const STATES = [canon(T1), canon([...T1, ...T2]), canon([...T1, ...T2, ...T3])];

function setup(pager: Pager): void {
  const w = pager.beginWrite();
  const tree = BTree.create(w);
  insertAll(w, tree, T1, 1000, () => undefined);
  w.setRootCatalog(tree.root);
  w.commit();
}

/** T2 (big, spilling, with a savepoint rolled back) then T3 (small); calls `phase` at each step. */
function op(pager: Pager, phase: (name: 'spilled' | 't2' | 't3') => void): void {
  const w = pager.beginWrite();
  const tree = new BTree(w, w.rootCatalog);
  insertAll(w, tree, T2.slice(0, 150), 3, () => w.spillSafePoint());
  const sp = w.savepoint();
  const inner = new BTree(w, tree.root);
  insertAll(w, inner, T2_ROLLED_BACK, 2, () => w.spillSafePoint());
  w.rollbackTo(sp);
  w.release(sp);
  const after = new BTree(w, tree.root); // the root as it was at the savepoint
  insertAll(w, after, T2.slice(150), 3, () => w.spillSafePoint());
  w.setRootCatalog(after.root);
  phase('spilled');
  w.commit();
  phase('t2');
  const w3 = pager.beginWrite();
  const t3 = new BTree(w3, w3.rootCatalog);
  insertAll(w3, t3, T3, 1000, () => undefined);
  w3.setRootCatalog(t3.root);
  w3.commit();
  phase('t3');
}

/** Reopens, checks the tree and returns its key set (values checked against their keys). */
function reopenState(vfs: FaultyVfs): string {
  const pager = openPager(vfs, PATH, { checkpointOnClose: false });
  try {
    const r = pager.beginRead();
    const root = pager.header.rootCatalog;
    checkTree(r, root);
    const keys: number[] = [];
    const c = new BTree(r, root).cursor();
    for (let ok = c.first(); ok; ok = c.next()) {
      const k = c.key as number;
      const v = c.value();
      if (readU32(v, 0) !== k || readU32(v, 20) !== (k ^ 0x5a5a5a5a) >>> 0) throw new Error(`key ${k}: value of another key`);
      keys.push(k);
    }
    r.end();
    // The recovered database takes new writes.
    const w = pager.beginWrite();
    const t = new BTree(w, root);
    t.insert(7, valueOf(7));
    w.setRootCatalog(t.root);
    w.commit();
    checkTree(pager.beginRead(), t.root);
    return canon(keys);
  } finally {
    pager.close();
  }
}

describe('crashes around rewritten spill frames (B+Tree, 3-page spill budget)', () => {
  it('the workload rewrites frames and recovers fully without a crash', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const pager = open(vfs, OPTIONS);
    setup(pager);
    op(pager, () => undefined);
    expect(pager.stats.framesRewritten).toBeGreaterThan(200);
    pager.close();
    expect(reopenState(vfs)).toBe(STATES[2]);
  });

  it('every fault point in the spills and commits keeps one whole committed state', () => {
    const vfs0 = new FaultyVfs(new MemoryVfs());
    const p0 = open(vfs0, OPTIONS);
    setup(p0);
    const base = { ...vfs0.counters };
    const at: Record<string, Record<'write' | 'sync' | 'truncate', number>> = {};
    op(p0, (name) => {
      at[name] = { write: vfs0.counters.write - base.write, sync: vfs0.counters.sync - base.sync, truncate: vfs0.counters.truncate - base.truncate };
    });
    closeQuietly(p0);
    const spilledWrites = at['spilled']!.write;
    expect(at['t2']!.write - spilledWrites).toBeGreaterThan(3); // stale trailers, rewrites, append, header
    const points: Array<[FaultOp, number]> = [];
    for (let k = 1; k <= at['t3']!.write; k++) if (k > spilledWrites || k % 9 === 0) points.push(['write', k]);
    for (let k = 1; k <= at['t3']!.sync; k++) points.push(['sync', k]);
    for (let k = 1; k <= at['t3']!.truncate; k++) points.push(['truncate', k]);
    let cases = 0;
    for (const [kind, nth] of points) {
      for (const tear of kind === 'write' ? [undefined, 0, 3, 600] : [undefined]) {
        for (const keep of [{ keep: 'none', seed: 1 }, { keep: 'random', seed: nth }, { keep: 'random', seed: nth + 7 }] as const) {
          const vfs = new FaultyVfs(new MemoryVfs(), { seed: keep.seed });
          const pager = open(vfs, OPTIONS);
          setup(pager);
          vfs.inject(tear === undefined ? { op: kind, nth } : { op: kind, nth, tornBytes: tear });
          let acked = 0;
          let failed = false;
          try {
            op(pager, (name) => {
              if (name === 't2') acked = 1;
              if (name === 't3') acked = 2;
            });
          } catch (e) {
            expect(e).toMatchObject({ code: 'ERR_IO' });
            failed = true;
          }
          vfs.crash({ keep: keep.keep });
          closeQuietly(pager);
          const where = `${kind} #${nth} tear ${String(tear)} keep ${keep.keep}/${keep.seed}`;
          let got: string;
          try {
            got = reopenState(vfs);
          } catch (e) {
            throw new Error(`${where}: ${(e as Error).message}`);
          }
          const without7 = canon(got.split(',').map(Number).filter((k) => k !== 7));
          const which = STATES.indexOf(without7);
          expect(which, where).toBeGreaterThanOrEqual(acked);
          // A failed operation never lets a later transaction through.
          if (failed) expect(which, where).toBeLessThanOrEqual(acked + 1);
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(300);
  });
});
