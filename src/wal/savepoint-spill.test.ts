import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/index.js';
import { openPager } from './open-pager.js';
import { stamp, tagOf } from '../../test/crash/page-stamp.js';

describe('savepoints', () => {
  it('rollbackTo restores pages, header and page count; release keeps changes', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    const w = pager.beginWrite();
    const a = w.allocate();
    stamp(w, a, 1);
    const s1 = w.savepoint();
    stamp(w, a, 2);
    const b = w.allocate();
    stamp(w, b, 20);
    w.setRootCatalog(b);
    const s2 = w.savepoint();
    stamp(w, a, 3);
    w.free(b);
    w.rollbackTo(s2);
    expect([tagOf(w, a), tagOf(w, b), w.rootCatalog]).toEqual([2, 20, b]);
    w.rollbackTo(s1);
    expect(tagOf(w, a)).toBe(1);
    expect(w.pageCount).toBe(2);
    expect(w.rootCatalog).toBe(0);
    expect(() => w.rollbackTo(s2)).toThrow(expect.objectContaining({ code: 'ERR_TRANSACTION' }));
    stamp(w, a, 4);
    const s3 = w.savepoint();
    stamp(w, a, 5);
    w.release(s3);
    w.rollbackTo(s1);
    expect(tagOf(w, a)).toBe(1);
    stamp(w, a, 6);
    w.commit();
    const r = pager.beginRead();
    expect(tagOf(r, a)).toBe(6);
    expect(r.header.pageCount).toBe(2);
    r.end();
    pager.close();
  });

  it('undoes freelist allocations made after the savepoint', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    let w = pager.beginWrite();
    const ids = [w.allocate(), w.allocate(), w.allocate(), w.allocate()];
    w.commit();
    w = pager.beginWrite();
    for (const id of ids.slice(0, 3)) w.free(id);
    w.commit();
    w = pager.beginWrite();
    const before = w.header;
    const s = w.savepoint();
    w.allocate();
    w.allocate();
    w.rollbackTo(s);
    expect(w.header).toEqual(before);
    w.commit();
    expect(pager.header.freelistCount).toBe(2);
    pager.close();
  });
});

describe('spill', () => {
  it('spills a large dirty set at safe points, reads it back, commits it durably', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: 1024, spillBudgetBytes: 16 * 1024, checkpointOnClose: false });
    const w = pager.beginWrite();
    for (let i = 0; i < 200; i++) {
      const n = w.allocate();
      stamp(w, n, n * 7);
      w.spillSafePoint();
    }
    expect(w.dirtyPageCount).toBeLessThanOrEqual(17);
    expect(pager.stats.spilledPages).toBeGreaterThan(150);
    expect(tagOf(w, 5)).toBe(35);
    stamp(w, 5, 1234); // re-dirty a spilled page
    const r = pager.beginRead();
    w.commit();
    expect(() => r.read(5)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION' })); // beyond its snapshot
    r.end();
    pager.close();
    const again = openPager(vfs, 'a.ddb');
    const r2 = again.beginRead();
    expect(tagOf(r2, 5)).toBe(1234);
    for (let n = 2; n <= 201; n++) if (n !== 5) expect(tagOf(r2, n)).toBe(n * 7);
    r2.end();
    again.close();
  });

  it('rollback discards spilled frames; savepoint rollback across a spill restores the savepoint state', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: 1024, spillBudgetBytes: 4 * 1024, checkpointOnClose: false });
    let w = pager.beginWrite();
    for (let i = 0; i < 10; i++) stamp(w, w.allocate(), 1);
    w.commit();
    const walAfterCommit = pager.stats.walBytes;
    w = pager.beginWrite();
    for (let n = 2; n <= 11; n++) stamp(w, n, 2);
    w.spillSafePoint();
    expect(pager.stats.walBytes).toBeGreaterThan(walAfterCommit);
    w.rollback();
    expect(pager.stats.walBytes).toBe(walAfterCommit);

    w = pager.beginWrite();
    for (let n = 2; n <= 6; n++) stamp(w, n, 3);
    const s = w.savepoint();
    for (let n = 2; n <= 11; n++) stamp(w, n, 4);
    w.spillSafePoint();
    for (let n = 7; n <= 11; n++) stamp(w, n, 5);
    w.spillSafePoint();
    w.rollbackTo(s);
    for (let n = 2; n <= 11; n++) expect(tagOf(w, n)).toBe(n <= 6 ? 3 : 1);
    w.commit();
    pager.close();
    const again = openPager(vfs, 'a.ddb');
    const r = again.beginRead();
    for (let n = 2; n <= 11; n++) expect(tagOf(r, n)).toBe(n <= 6 ? 3 : 1);
    r.end();
    again.close();
  });

  it('serves re-reads of spilled pages from memory, and never a stale image after rollbackTo reuses WAL offsets', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: 1024, spillBudgetBytes: 4 * 1024, checkpointOnClose: false });
    const w = pager.beginWrite();
    for (let i = 0; i < 10; i++) stamp(w, w.allocate(), 1);
    const sp = w.savepoint();
    w.spillSafePoint(); // pages 2..11 now live only in WAL frames
    expect(w.dirtyPageCount).toBe(0);
    expect(w.read(3)).toBe(w.read(3)); // the second read is the same image: no WAL read
    expect(tagOf(w, 3)).toBe(1);
    w.rollbackTo(sp); // the WAL append position moves back
    for (let n = 2; n <= 11; n++) stamp(w, n, 9);
    w.spillSafePoint(); // new frames at the offsets the first spill used
    for (let n = 2; n <= 11; n++) expect(tagOf(w, n)).toBe(9);
    w.commit();
    const r = pager.beginRead();
    for (let n = 2; n <= 11; n++) expect(tagOf(r, n)).toBe(9);
    r.end();
    pager.close();
  });
});

