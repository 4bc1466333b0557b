import { describe, expect, it } from 'vitest';
import { FaultyVfs, MemoryVfs } from '../vfs/index.js';
import type { Durability, Pager } from '../pager/index.js';
import { openPager } from './open-pager.js';
import { stamp, tagOf } from '../../test/crash/page-stamp.js';

const isWal = (p: string): boolean => p.endsWith('-wal');

function commit(pager: Pager, tag: number, durability?: Durability): void {
  const w = durability === undefined ? pager.beginWrite() : pager.beginWrite({ durability });
  if (w.pageCount < 2) w.allocate();
  stamp(w, 2, tag);
  w.commit();
}

function walSyncs(vfs: FaultyVfs, f: () => void): number {
  const before = vfs.counters.sync;
  f();
  return vfs.counters.sync - before;
}

function reopenTag(vfs: FaultyVfs): number {
  const p = openPager(vfs, 'a.ddb');
  const r = p.beginRead();
  const t = p.header.pageCount >= 2 ? tagOf(r, 2) : 0;
  r.end();
  p.close();
  return t;
}

describe('durability modes', () => {
  it("'full' syncs the WAL once per commit; the commit survives a crash", () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const pager = openPager(vfs, 'a.ddb', { durability: 'full' });
    expect(walSyncs(vfs, () => { for (let i = 1; i <= 10; i++) commit(pager, i); })).toBe(10);
    expect(pager.stats.walSyncs).toBeGreaterThanOrEqual(10);
    vfs.crash();
    expect(reopenTag(vfs)).toBe(10);
  });

  it("'normal' groups syncs by commit count and by time, and syncWal() flushes", () => {
    let now = 0;
    const vfs = new FaultyVfs(new MemoryVfs());
    const pager = openPager(vfs, 'a.ddb', { durability: 'normal', groupCommitMaxCommits: 4, groupCommitMaxDelayMs: 100, clock: () => now });
    expect(walSyncs(vfs, () => { for (let i = 1; i <= 12; i++) commit(pager, i); })).toBe(3);
    expect(walSyncs(vfs, () => commit(pager, 13))).toBe(0);
    now = 150;
    expect(walSyncs(vfs, () => commit(pager, 14))).toBe(1);
    commit(pager, 15);
    expect(walSyncs(vfs, () => pager.syncWal())).toBe(1);
    expect(walSyncs(vfs, () => pager.syncWal())).toBe(0);
    commit(pager, 16);
    commit(pager, 17);
    vfs.crash(); // loses 16 and 17 (acknowledged, unsynced) — allowed in 'normal'
    expect(reopenTag(vfs)).toBe(15);
  });

  it("'off' never syncs at commit; a per-transaction 'full' override syncs", () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const pager = openPager(vfs, 'a.ddb', { durability: 'off' });
    expect(walSyncs(vfs, () => { for (let i = 1; i <= 20; i++) commit(pager, i); })).toBe(0);
    expect(walSyncs(vfs, () => commit(pager, 21, 'full'))).toBe(1);
    commit(pager, 22);
    vfs.crash();
    expect(reopenTag(vfs)).toBe(21);
  });

  it('checkpoint syncs the WAL before touching the main file', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const pager = openPager(vfs, 'a.ddb', { durability: 'off' });
    commit(pager, 5);
    const before = vfs.counters.sync;
    pager.checkpoint();
    expect(vfs.counters.sync - before).toBe(4); // WAL, main (pages+backup), main (header), WAL reset
    vfs.crash();
    expect(reopenTag(vfs)).toBe(5);
  });
});

describe('sticky failure', () => {
  it('an I/O error during commit leaves the pager failed until reopened', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const pager = openPager(vfs, 'a.ddb');
    commit(pager, 1);
    vfs.inject({ op: 'sync', nth: 1, path: isWal });
    expect(() => commit(pager, 2)).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
    expect(() => pager.beginRead()).toThrow(expect.objectContaining({ code: 'ERR_IO', message: expect.stringMatching(/failed state/) }));
    expect(() => pager.beginWrite()).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
    expect(() => pager.checkpoint()).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
    pager.close();
    vfs.crash();
    expect(reopenTag(vfs)).toBe(1);
  });

  it('an I/O error during rollback of a spilled transaction is sticky too', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const pager = openPager(vfs, 'a.ddb', { pageSize: 1024, spillBudgetBytes: 2048 });
    const w = pager.beginWrite();
    for (let i = 0; i < 5; i++) stamp(w, w.allocate(), 9);
    w.spillSafePoint();
    vfs.inject({ op: 'truncate', nth: 1, path: isWal });
    expect(() => w.rollback()).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
    expect(() => pager.beginRead()).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
    pager.close();
  });
});

describe('header backup', () => {
  it('every checkpoint leaves a fresh backup header, used when the primary is torn', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb');
    const w = pager.beginWrite();
    w.allocate();
    w.setRootCatalog(2);
    w.bumpSchemaCookie();
    w.commit();
    pager.close(); // checkpoints
    const f = vfs.open('a.ddb', { mode: 'open' });
    f.write(new Uint8Array(88).fill(0xee), 40); // tear the primary after its checksum
    f.close();
    const again = openPager(vfs, 'a.ddb');
    expect(again.header).toMatchObject({ rootCatalog: 2, schemaCookie: 1, pageCount: 2 });
    again.close();
    const fixed = vfs.snapshot('a.ddb')!;
    expect(fixed[40]).not.toBe(0xee); // the close-time checkpoint rewrote the primary
  });
});
