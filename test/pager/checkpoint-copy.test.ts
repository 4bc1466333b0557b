/**
 * Checkpoint copy (src/pager/checkpoint-copy.ts): the main file ends up with every page's last
 * committed image whether the image came from the cache or from its WAL frame, and pages with
 * consecutive ids go out in one write each run (counters, not timing).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Pager } from '../../src/pager/index.js';
import { MemoryVfs } from '../../src/vfs/index.js';
import type { OpenFlags, Vfs, VfsFile } from '../../src/vfs/index.js';
import { openPager } from '../../src/wal/index.js';

const PAGE = 1024;

/** Counts reads and writes per file path. */
class CountingVfs implements Vfs {
  readonly writes = new Map<string, number>();
  readonly reads = new Map<string, number>();
  readonly inner = new MemoryVfs();

  open(path: string, flags: OpenFlags): VfsFile {
    const f = this.inner.open(path, flags);
    const bump = (m: Map<string, number>): void => void m.set(path, (m.get(path) ?? 0) + 1);
    return {
      read: (buf, offset) => (bump(this.reads), f.read(buf, offset)),
      write: (buf, offset) => (bump(this.writes), f.write(buf, offset)),
      size: () => f.size(),
      truncate: (size) => f.truncate(size),
      sync: () => f.sync(),
      close: () => f.close(),
    };
  }

  delete(path: string): void {
    this.inner.delete(path);
  }

  exists(path: string): boolean {
    return this.inner.exists(path);
  }

  reset(): void {
    this.writes.clear();
    this.reads.clear();
  }
}

const image = (pageNo: number, version: number): Uint8Array => {
  const b = new Uint8Array(PAGE);
  for (let i = 0; i < PAGE; i += 4) b[i] = (pageNo * 31 + version * 7 + i) & 0xff;
  b[0] = pageNo & 0xff;
  b[1] = version & 0xff;
  return b;
};

/** Commits `pages` (page id → version) in one transaction, growing the file as needed. */
function commit(pager: Pager, pages: ReadonlyMap<number, number>): void {
  const w = pager.beginWrite();
  const top = Math.max(0, ...pages.keys());
  while (w.pageCount < top) w.allocate();
  for (const [p, v] of pages) w.write(p).set(image(p, v));
  w.commit();
}

function mainPage(vfs: CountingVfs, pageNo: number): Uint8Array {
  const f = vfs.inner.open('a.ddb', { mode: 'open' });
  const buf = new Uint8Array(PAGE);
  f.read(buf, (pageNo - 1) * PAGE);
  f.close();
  return buf;
}

describe('checkpoint copy', () => {
  it('writes each page last committed image, from the cache or the WAL, whatever the runs', () => {
    const commitArb = fc.array(fc.integer({ min: 2, max: 90 }), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(fc.array(commitArb, { minLength: 1, maxLength: 5 }), fc.constantFrom(8, 64, 4096), (commits, cachePages) => {
        const vfs = new CountingVfs();
        const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, cacheBytes: cachePages * PAGE, checkpointOnClose: false, checkpointThresholdBytes: 1 << 30 });
        const expected = new Map<number, number>();
        commits.forEach((ids, version) => {
          const pages = new Map(ids.map((p) => [p, version + 1] as const));
          commit(pager, pages);
          for (const p of pages.keys()) expected.set(p, version + 1);
        });
        const r = pager.checkpoint();
        expect(r.truncated).toBe(true);
        for (const [p, v] of expected) expect(mainPage(vfs, p)).toEqual(image(p, v));
        // Read back through the pager: the cache must not serve a stale main-file image.
        const read = pager.beginRead();
        for (const [p, v] of expected) expect(read.read(p)).toEqual(image(p, v));
        read.end();
        pager.close();
      }),
      { numRuns: 40 },
    );
  });

  it('writes a run of consecutive pages in one write and reads nothing back while cached', () => {
    const vfs = new CountingVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, cacheBytes: 4096 * PAGE, checkpointOnClose: false, checkpointThresholdBytes: 1 << 30 });
    const pages = new Map<number, number>();
    for (let p = 2; p <= 301; p++) pages.set(p, 1);
    commit(pager, pages);
    vfs.reset();
    pager.checkpoint();
    // 300 pages of 1 KiB: one 1 MiB run; then the backup and the primary header.
    expect(vfs.writes.get('a.ddb')).toBe(3);
    expect(vfs.reads.get('a.ddb-wal') ?? 0).toBe(0);
    for (const p of [2, 150, 301]) expect(mainPage(vfs, p)).toEqual(image(p, 1));
    pager.close();
  });

  it('reads evicted images from their WAL frames', () => {
    const vfs = new CountingVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, cacheBytes: 8 * PAGE, checkpointOnClose: false, checkpointThresholdBytes: 1 << 30 });
    const pages = new Map<number, number>();
    for (let p = 2; p <= 101; p++) pages.set(p, 3);
    commit(pager, pages);
    vfs.reset();
    pager.checkpoint();
    expect(vfs.reads.get('a.ddb-wal') ?? 0).toBeGreaterThanOrEqual(90);
    for (let p = 2; p <= 101; p++) expect(mainPage(vfs, p)).toEqual(image(p, 3));
    pager.close();
  });
});
