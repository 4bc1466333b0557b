import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/index.js';
import { openPager } from './open-pager.js';
import { stamp, tagOf } from '../../test/crash/page-stamp.js';

describe('Pager over the WAL: basics', () => {
  it('creates a database with page 1 only and root_catalog 0', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb');
    expect(pager.header.pageCount).toBe(1);
    expect(pager.header.rootCatalog).toBe(0);
    expect(pager.header.formatVersion).toBe(3);
    expect(pager.pageSize).toBe(4096);
    pager.close();
    expect(vfs.snapshot('a.ddb')!.length).toBe(4096);
  });

  it('commits pages and the header atomically and reads them back after reopen', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { checkpointOnClose: false });
    const w = pager.beginWrite();
    const a = w.allocate();
    const b = w.allocate();
    stamp(w, a, 11);
    stamp(w, b, 22);
    w.setRootCatalog(a);
    w.bumpSchemaCookie();
    w.commit();
    expect(pager.header).toMatchObject({ rootCatalog: 2, schemaCookie: 1, pageCount: 3 });
    pager.close();
    const again = openPager(vfs, 'a.ddb');
    expect(again.header).toMatchObject({ rootCatalog: 2, schemaCookie: 1, pageCount: 3 });
    const r = again.beginRead();
    expect(tagOf(r, 2)).toBe(11);
    expect(tagOf(r, 3)).toBe(22);
    r.end();
    again.close();
  });

  it('rejects a second writer and writes in a read transaction', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    const w = pager.beginWrite();
    expect(() => pager.beginWrite()).toThrow(expect.objectContaining({ code: 'ERR_TRANSACTION' }));
    const r = pager.beginRead();
    expect(() => r.write(1)).toThrow(expect.objectContaining({ code: 'ERR_TRANSACTION' }));
    expect(() => r.allocate()).toThrow(expect.objectContaining({ code: 'ERR_TRANSACTION' }));
    w.rollback();
    pager.beginWrite().rollback();
    pager.close();
  });

  it('rolls back without touching the committed state or the freelist', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    let w = pager.beginWrite();
    const ids = [w.allocate(), w.allocate(), w.allocate()];
    for (const id of ids) stamp(w, id, id * 10);
    w.commit();
    w = pager.beginWrite();
    w.free(ids[0]!);
    w.free(ids[1]!);
    w.commit();
    expect(pager.header.freelistCount).toBe(1); // one id in the trunk, the other page is the trunk
    w = pager.beginWrite();
    const x = w.allocate();
    const y = w.allocate();
    const z = w.allocate();
    expect(new Set([x, y, z])).toEqual(new Set([ids[0], ids[1], 5]));
    stamp(w, ids[2]!, 999);
    w.rollback();
    expect(pager.header).toMatchObject({ freelistCount: 1, pageCount: 4 });
    const r = pager.beginRead();
    expect(tagOf(r, ids[2]!)).toBe(40);
    r.end();
    w = pager.beginWrite();
    expect([w.allocate(), w.allocate(), w.allocate()].sort()).toEqual([ids[0], ids[1], 5].sort());
    w.rollback();
    pager.close();
  });

  it('returns the dirty buffer from read() after write()', () => {
    const pager = openPager(new MemoryVfs(), 'a.ddb');
    const w = pager.beginWrite();
    const n = w.allocate();
    const buf = w.write(n);
    expect(w.read(n)).toBe(buf);
    expect(() => w.write(1)).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
    w.rollback();
    pager.close();
  });

  it("mode 'open' refuses a missing database; page sizes other than 4096 work", () => {
    const vfs = new MemoryVfs();
    expect(() => openPager(vfs, 'none.ddb', { mode: 'open' })).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
    expect(() => openPager(vfs, 'bad.ddb', { pageSize: 3000 })).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
    const pager = openPager(vfs, 'big.ddb', { pageSize: 65536 });
    const w = pager.beginWrite();
    stamp(w, w.allocate(), 5);
    w.commit();
    pager.close();
    const again = openPager(vfs, 'big.ddb', { pageSize: 1024 }); // ignored on open
    expect(again.pageSize).toBe(65536);
    const r = again.beginRead();
    expect(tagOf(r, 2)).toBe(5);
    r.end();
    again.close();
  });

  it('counts cache hits and misses, and file reads only on misses', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { checkpointOnClose: false });
    const w = pager.beginWrite();
    for (let i = 0; i < 10; i++) stamp(w, w.allocate(), i);
    w.commit();
    const readAll = (p: typeof pager): void => {
      const r = p.beginRead();
      for (let round = 0; round < 3; round++) for (let n = 2; n <= 11; n++) r.read(n);
      r.end();
    };
    const before = pager.stats;
    readAll(pager); // committed images were cached at commit: no file reads
    expect(pager.stats.cacheHits - before.cacheHits).toBe(30);
    expect(pager.stats.pagesRead - before.pagesRead).toBe(0);
    expect(pager.stats.commits).toBe(1);
    expect(pager.stats.framesWritten).toBe(11); // 10 pages + COMMIT (growth alone leaves page 1)
    pager.close();
    const again = openPager(vfs, 'a.ddb');
    const s0 = again.stats;
    readAll(again);
    expect(again.stats.cacheMisses - s0.cacheMisses).toBe(10);
    expect(again.stats.cacheHits - s0.cacheHits).toBe(20);
    expect(again.stats.pagesRead - s0.pagesRead).toBe(10);
    again.close();
  });

  it('rejects damaged main-file headers with ERR_CORRUPTION naming page 1', () => {
    const vfs = new MemoryVfs();
    openPager(vfs, 'a.ddb').close();
    const f = vfs.open('a.ddb', { mode: 'open' });
    f.write(new Uint8Array([0x58]), 0); // bad magic, and the backup is damaged too
    f.write(new Uint8Array([0x58]), 128);
    f.close();
    expect(() => openPager(vfs, 'a.ddb')).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION', details: { pageNo: 1 } }));
  });

  it('rebuilds the freelist count by walking the chain and rejects a cyclic chain on open', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb');
    let w = pager.beginWrite();
    const ids = [w.allocate(), w.allocate(), w.allocate(), w.allocate()];
    w.commit();
    w = pager.beginWrite();
    for (const id of ids) w.free(id);
    w.commit();
    expect(pager.header).toMatchObject({ freelistHead: ids[0], freelistCount: 3 });
    pager.close();
    const again = openPager(vfs, 'a.ddb');
    expect(again.header).toMatchObject({ freelistHead: ids[0], freelistCount: 3 });
    again.close();
    const f = vfs.open('a.ddb', { mode: 'open' });
    const trunk = new Uint8Array(8);
    trunk[0] = ids[0]!; // next = itself
    f.write(trunk.subarray(0, 4), (ids[0]! - 1) * 4096);
    f.close();
    expect(() => openPager(vfs, 'a.ddb')).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION', message: expect.stringMatching(/cycle/) }));
  });
});
