import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/index.js';
import type { Pager, PagerWarning } from '../pager/index.js';
import { openPager } from './open-pager.js';
import { stamp, tagOf } from '../../test/crash/page-stamp.js';

function commitTags(pager: Pager, tags: Record<number, number>): void {
  const w = pager.beginWrite();
  for (const [p, t] of Object.entries(tags)) {
    const n = Number(p);
    while (w.pageCount < n) w.allocate();
    stamp(w, n, t);
  }
  w.commit();
}

describe('snapshot readers', () => {
  it('see exactly the last commit before they began, across commits and checkpoints', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    commitTags(pager, { 2: 1, 3: 1 });
    const r1 = pager.beginRead();
    commitTags(pager, { 2: 2 });
    const r2 = pager.beginRead();
    commitTags(pager, { 2: 3, 3: 3, 4: 3 });
    const c1 = pager.checkpoint();
    expect(c1.truncated).toBe(false);
    commitTags(pager, { 3: 4 });
    pager.checkpoint();
    expect([tagOf(r1, 2), tagOf(r1, 3)]).toEqual([1, 1]);
    expect([tagOf(r2, 2), tagOf(r2, 3)]).toEqual([2, 1]);
    expect(r1.header.pageCount).toBe(3);
    expect(() => r1.read(4)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION' }));
    r1.end();
    pager.checkpoint();
    expect([tagOf(r2, 2), tagOf(r2, 3)]).toEqual([2, 1]);
    r2.end();
    const c = pager.checkpoint();
    expect(c.truncated).toBe(true);
    expect(c.walBytesAfter).toBe(32);
    const r3 = pager.beginRead();
    expect([tagOf(r3, 2), tagOf(r3, 3), tagOf(r3, 4)]).toEqual([3, 4, 3]);
    r3.end();
    pager.close();
  });

  it('serves an older snapshot its own version from the WAL and caches it beside the newer one', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    commitTags(pager, { 2: 1 });
    const old = pager.beginRead();
    commitTags(pager, { 2: 2 });
    const cur = pager.beginRead();
    const s0 = pager.stats;
    expect([tagOf(old, 2), tagOf(cur, 2), tagOf(old, 2), tagOf(cur, 2)]).toEqual([1, 2, 1, 2]);
    const s1 = pager.stats;
    expect(s1.cacheMisses - s0.cacheMisses).toBe(0); // both versions were cached by the writers' reads
    expect(s1.pagesRead - s0.pagesRead).toBe(0);
    old.end();
    cur.end();
    pager.close();
  });

  it('keeps LSNs monotonic across WAL truncation', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    commitTags(pager, { 2: 1 });
    const before = pager.beginRead();
    before.end();
    expect(pager.checkpoint().truncated).toBe(true);
    commitTags(pager, { 2: 2 });
    const after = pager.beginRead();
    expect(after.snapshotLsn).toBeGreaterThan(before.snapshotLsn);
    after.end();
    pager.close();
  });

  it('a reader at the last commit survives truncation and ignores later commits', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    commitTags(pager, { 2: 1 });
    const r = pager.beginRead();
    expect(pager.checkpoint().truncated).toBe(true);
    commitTags(pager, { 2: 2 });
    expect(tagOf(r, 2)).toBe(1);
    r.end();
    pager.close();
  });

  it('persists last_checkpoint_lsn and makes the main file self-contained', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb');
    commitTags(pager, { 2: 7, 3: 8 });
    const res = pager.checkpoint();
    expect(res).toMatchObject({ pagesCopied: 3, truncated: true });
    expect(pager.header.lastCheckpointLsn).toBeGreaterThan(32);
    pager.close();
    vfs.delete('a.ddb-wal');
    const again = openPager(vfs, 'a.ddb');
    const r = again.beginRead();
    expect([tagOf(r, 2), tagOf(r, 3)]).toEqual([7, 8]);
    r.end();
    again.close();
  });

  it('checkpoints again soon after the reader that blocked truncation ends', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb', { pageSize: 1024, checkpointThresholdBytes: 32 * 1024 });
    commitTags(pager, { 2: 0, 3: 0 });
    const r = pager.beginRead();
    for (let i = 1; i <= 40; i++) commitTags(pager, { 2: i, 3: i });
    const big = pager.stats.walBytes;
    expect(big).toBeGreaterThan(32 * 1024);
    r.end();
    let commits = 0;
    while (pager.stats.walBytes >= big && commits < 10) {
      commitTags(pager, { 2: 100, 3: 100 });
      commits++;
    }
    expect(commits).toBeLessThanOrEqual(3); // 1/8 of the threshold, not a full threshold
    expect(pager.stats.walBytes).toBeLessThan(8 * 1024);
    pager.close();
  });

  it('checkpoints automatically when the WAL passes the threshold', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb', { checkpointThresholdBytes: 64 * 1024 });
    for (let i = 0; i < 50; i++) commitTags(pager, { 2: i, 3: i });
    expect(pager.stats.checkpoints).toBeGreaterThan(0);
    expect(pager.stats.walBytes).toBeLessThan(64 * 1024 + 3 * 4200);
    pager.close();
  });
});

describe('long readers', () => {
  it('aborts a reader past readerTimeoutMs at its next read, after one warning', () => {
    let now = 0;
    const warnings: PagerWarning[] = [];
    const pager = openPager(new MemoryVfs(), 'a.ddb', {
      clock: () => now, readerWarnMs: 1000, readerTimeoutMs: 5000, onWarning: (w) => warnings.push(w),
    });
    commitTags(pager, { 2: 1 });
    const r = pager.beginRead();
    commitTags(pager, { 2: 2 });
    now = 2000;
    commitTags(pager, { 2: 3 });
    commitTags(pager, { 2: 4 });
    expect(warnings.map((w) => w.kind)).toEqual(['long-reader']);
    expect(tagOf(r, 2)).toBe(1);
    now = 6000;
    commitTags(pager, { 2: 5 });
    expect(() => r.read(2)).toThrow(expect.objectContaining({ code: 'ERR_TRANSACTION', message: expect.stringMatching(/^read transaction aborted: timeout/) }));
    expect(warnings.map((w) => w.kind)).toEqual(['long-reader', 'reader-aborted']);
    expect(pager.checkpoint().truncated).toBe(true);
    pager.close();
  });

  it('a reader that blocks nothing is never aborted', () => {
    let now = 0;
    const pager = openPager(new MemoryVfs(), 'a.ddb', { clock: () => now, readerTimeoutMs: 10 });
    commitTags(pager, { 2: 1 });
    const r = pager.beginRead();
    now = 1000;
    pager.checkpoint();
    expect(tagOf(r, 2)).toBe(1);
    r.end();
    pager.close();
  });

  it('with the defaults, a reader held forever does not let the WAL grow without bound', () => {
    const threshold = 256 * 1024;
    const pinLimit = 1024 * 1024;
    const pager = openPager(new MemoryVfs(), 'a.ddb', {
      pageSize: 1024, checkpointThresholdBytes: threshold, maxWalBytesPerReader: pinLimit, clock: () => 0,
    });
    commitTags(pager, { 2: 1 });
    const r = pager.beginRead();
    let maxWal = 0;
    for (let i = 0; i < 4000; i++) {
      commitTags(pager, { 2: i, 3: i, 4: i });
      maxWal = Math.max(maxWal, pager.stats.walBytes);
    }
    expect(() => r.read(2)).toThrow(/read transaction aborted: it pins/);
    expect(maxWal).toBeLessThanOrEqual(pinLimit + threshold + 8 * 1024);
    expect(pager.stats.checkpoints).toBeGreaterThan(5);
    pager.close();
  });
});
