/**
 * Spilled frames rewritten in place (issue 3, "the WAL stays bounded"): the chain-shift identity
 * the writer relies on, one frame per page however often it is spilled, recovery of the
 * re-chained frames, native (unchecksummed) WALs, and crashes that tear a rewrite.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../util/index.js';
import { FaultyVfs, MemoryVfs } from '../vfs/index.js';
import type { Pager, WriteTransaction } from '../pager/index.js';
import { openPager } from './open-pager.js';
import { recoverWal } from './wal-recovery.js';
import { WalIndex } from './wal-index.js';
import { COMMIT_FRAME_SIZE, WAL_HEADER_SIZE, chainShift, encodeWalHeader, pageFrameSize } from './wal-format.js';
import { stamp, tagOf } from '../../test/crash/page-stamp.js';

const PAGE = 1024;
const FRAME = pageFrameSize(PAGE);

describe('chainShift', () => {
  it('continues a CRC from any seed: crc32c(body, seed) = crc32c(body, 0) ^ shift(seed)', () => {
    const shift = chainShift(PAGE + 5);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: PAGE + 5, maxLength: PAGE + 5 }), fc.integer({ min: 0, max: 0xffffffff }), (body, seed) => {
        expect((crc32c(body, 0, body.length, 0) ^ shift(seed)) >>> 0).toBe(crc32c(body, 0, body.length, seed));
      }),
      { numRuns: 200 },
    );
  });
});

/** Recovers the WAL file as it is now, into a fresh index. */
function recover(vfs: MemoryVfs | FaultyVfs, path = 'a.ddb-wal'): ReturnType<typeof recoverWal> & { index: WalIndex } {
  const f = vfs.open(path, { mode: 'open', readOnly: true });
  const index = new WalIndex();
  try {
    return { ...recoverWal(f, path, PAGE, index), index };
  } finally {
    f.close();
  }
}

describe('spill rewrites', () => {
  it('writes a page spilled again over its frame; the commit re-chains and recovery accepts it', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, spillBudgetBytes: 2 * PAGE, checkpointOnClose: false });
    const w = pager.beginWrite();
    for (let i = 0; i < 8; i++) stamp(w, w.allocate(), 1);
    w.spillSafePoint();
    const walAfterFirst = pager.stats.walBytes;
    expect(walAfterFirst).toBe(WAL_HEADER_SIZE + 8 * FRAME);
    for (let round = 2; round <= 6; round++) {
      // Pages 3, 5, 7 in a different order each round: rewrites land mid-run.
      for (const n of round % 2 === 0 ? [7, 3, 5] : [3, 5, 7]) stamp(w, n, round);
      w.spillSafePoint();
      expect(pager.stats.walBytes).toBe(walAfterFirst);
      for (let n = 2; n <= 9; n++) expect(tagOf(w, n)).toBe([3, 5, 7].includes(n) ? round : 1);
    }
    expect(pager.stats.framesRewritten).toBe(15);
    stamp(w, 4, 40); // a dirty page with a spilled frame at commit: rewritten too
    stamp(w, 2, 20);
    w.commit();
    expect(pager.stats.walBytes).toBe(WAL_HEADER_SIZE + 8 * FRAME + COMMIT_FRAME_SIZE);
    expect(pager.stats.framesWritten - pager.stats.framesRewritten).toBe(8 + 1);
    pager.close();
    const rec = recover(vfs);
    expect(rec.commits).toBe(1);
    expect(rec.endOffset).toBe(WAL_HEADER_SIZE + 8 * FRAME + COMMIT_FRAME_SIZE);
    expect(rec.index.pageCount).toBe(8); // page 1 unchanged: growth alone does not rewrite it
    const again = openPager(vfs, 'a.ddb');
    const r = again.beginRead();
    expect([2, 3, 4, 5, 6, 7, 8, 9].map((n) => tagOf(r, n))).toEqual([20, 6, 40, 6, 1, 6, 1, 1]);
    r.end();
    again.close();
  });

  it('keeps appending after the rewritten run, and rewrites the appended frames later', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, spillBudgetBytes: PAGE, checkpointOnClose: false });
    const w = pager.beginWrite();
    const model = new Map<number, number>();
    let tag = 0;
    for (let step = 0; step < 200; step++) {
      const n = step < 30 ? w.allocate() : 2 + ((step * 7919) % 30);
      stamp(w, n, ++tag);
      model.set(n, tag);
      if (step % 3 === 2) w.spillSafePoint();
    }
    expect(pager.stats.walBytes).toBeLessThanOrEqual(WAL_HEADER_SIZE + 30 * FRAME);
    w.commit();
    pager.close();
    expect(recover(vfs).commits).toBe(1);
    const again = openPager(vfs, 'a.ddb');
    const r = again.beginRead();
    for (const [n, t] of model) expect(tagOf(r, n)).toBe(t);
    r.end();
    again.close();
  });

  it('rewrites in a native WAL (no checksum flag) without a chain, and native recovery reads them', () => {
    const vfs = new MemoryVfs();
    openPager(vfs, 'a.ddb', { pageSize: PAGE }).close();
    // Replace the WAL by an empty native one: flags 0, end offset 0.
    const header = new Uint8Array(WAL_HEADER_SIZE);
    encodeWalHeader({ pageSize: PAGE, endOffset: 0, flags: 0, salt: 0 }, header);
    const f = vfs.open('a.ddb-wal', { mode: 'create' });
    f.write(header, 0);
    f.close();
    const opts = { pageSize: PAGE, spillBudgetBytes: PAGE, checkpointOnClose: false, checkpointThresholdBytes: 1 << 30 };
    const pager = openPager(vfs, 'a.ddb', opts);
    expect(pager.log.recovery).toMatchObject({ discardedBytes: 0 });
    const w = pager.beginWrite();
    for (let i = 0; i < 6; i++) stamp(w, w.allocate(), 1);
    w.spillSafePoint();
    for (let round = 2; round <= 4; round++) {
      for (const n of [6, 2, 4]) stamp(w, n, round);
      w.spillSafePoint();
    }
    stamp(w, 3, 33);
    w.commit();
    expect(pager.stats.framesRewritten).toBe(10); // 9 at spills, page 3 at commit
    expect(pager.stats.walBytes).toBe(WAL_HEADER_SIZE + 6 * FRAME + COMMIT_FRAME_SIZE);
    pager.close();
    const rec = recover(vfs);
    expect(rec.checksums).toBe(false);
    expect(rec.commits).toBe(1);
    const again = openPager(vfs, 'a.ddb', opts);
    const r = again.beginRead();
    expect([2, 3, 4, 5, 6, 7].map((n) => tagOf(r, n))).toEqual([4, 33, 4, 1, 4, 1]);
    r.end();
    again.close();
  });

  it('appends a new frame for a page a live savepoint needs from its frame, then rewrites that one', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, spillBudgetBytes: PAGE, checkpointOnClose: false });
    const w = pager.beginWrite();
    for (let i = 0; i < 3; i++) stamp(w, w.allocate(), 1);
    w.spillSafePoint(); // pages 2..4: frames 0..2, only spilled
    const s = w.savepoint();
    stamp(w, 2, 2);
    stamp(w, 3, 2);
    w.spillSafePoint(); // s needs frames 0 and 1: new frames 3 and 4
    expect(pager.stats.framesRewritten).toBe(0);
    expect(pager.stats.walBytes).toBe(WAL_HEADER_SIZE + 5 * FRAME);
    stamp(w, 2, 3);
    stamp(w, 3, 3);
    w.spillSafePoint(); // frames 3 and 4 are the savepoint's own: rewritten
    expect(pager.stats.framesRewritten).toBe(2);
    expect(pager.stats.walBytes).toBe(WAL_HEADER_SIZE + 5 * FRAME);
    w.rollbackTo(s);
    expect([2, 3, 4].map((n) => tagOf(w, n))).toEqual([1, 1, 1]);
    w.release(s);
    stamp(w, 2, 4);
    stamp(w, 3, 4);
    w.spillSafePoint(); // no savepoint left: frames 0 and 1 rewritten
    expect(pager.stats.framesRewritten).toBe(4);
    expect(pager.stats.walBytes).toBe(WAL_HEADER_SIZE + 3 * FRAME);
    w.commit();
    pager.close();
    const again = openPager(vfs, 'a.ddb');
    const r = again.beginRead();
    expect([2, 3, 4].map((n) => tagOf(r, n))).toEqual([4, 4, 1]);
    r.end();
    again.close();
  });

  it('refuses a rewrite that does not name an uncommitted frame of the page', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, checkpointOnClose: false });
    const w = pager.beginWrite();
    for (let i = 0; i < 3; i++) stamp(w, w.allocate(), 1);
    w.commit();
    const images = new Map([[2, new Uint8Array(PAGE)]]);
    const committedFrame = WAL_HEADER_SIZE + 5;
    expect(() => pager.log.spill(images, [committedFrame])).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
    const offsets = [-1];
    pager.log.spill(images, offsets);
    expect(() => pager.log.spill(new Map([[3, new Uint8Array(PAGE)]]), [offsets[0]!])).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
    expect(() => pager.log.spill(images, [offsets[0]! + 1])).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
    pager.log.spill(images, offsets); // the page's own frame: fine
    pager.log.rollback();
    pager.close();
  });
});

describe('crashes around rewritten spill frames', () => {
  /**
   * T1 commits pages 2..9 (tag 1) without a sync; T2 spills them (tag 2) and syncs the WAL, so
   * T2's uncommitted frames are durable with a valid chain; then T2 rewrites some of them.
   */
  function prepare(vfs: FaultyVfs): { pager: Pager; w2: WriteTransaction } {
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, spillBudgetBytes: PAGE, durability: 'normal', groupCommitMaxCommits: 100, clock: () => 0, checkpointOnClose: false });
    const w1 = pager.beginWrite();
    for (let i = 0; i < 8; i++) stamp(w1, w1.allocate(), 1);
    w1.commit();
    const w2 = pager.beginWrite();
    for (let n = 2; n <= 9; n++) stamp(w2, n, 2);
    w2.spillSafePoint();
    pager.syncWal();
    return { pager, w2 };
  }

  const check = (vfs: FaultyVfs, want: number): void => {
    const pager = openPager(vfs, 'a.ddb', { checkpointOnClose: false });
    expect(pager.log.recovery.discardedBytes).toBe(0); // the uncommitted frames lie past the claimed end
    const r = pager.beginRead();
    for (let n = 2; n <= 9; n++) expect(tagOf(r, n)).toBe(want);
    r.end();
    const w = pager.beginWrite();
    stamp(w, 4, 7);
    w.commit();
    pager.close();
    const again = openPager(vfs, 'a.ddb');
    const r2 = again.beginRead();
    expect(tagOf(r2, 4)).toBe(7);
    expect(tagOf(r2, 5)).toBe(want);
    r2.end();
    again.close();
  };

  for (const tear of [0, 1, 4, 500, FRAME - 4, FRAME - 1, undefined]) {
    for (const keep of ['none', 'random'] as const) {
      it(`recovers the last commit after a torn rewrite amid durable uncommitted frames (tear ${String(tear)}, keep ${keep})`, () => {
        const vfs = new FaultyVfs(new MemoryVfs(), { seed: (tear ?? 7) + 1 });
        const { w2 } = prepare(vfs);
        // Pages 5 then 3 are spilled again: two rewrites, page 5's frame first.
        stamp(w2, 5, 3);
        stamp(w2, 3, 3);
        if (tear === undefined) {
          w2.spillSafePoint(); // both rewrites complete: the chain on disk is broken after frame 2
        } else {
          vfs.inject({ op: 'write', nth: 1, tornBytes: tear });
          expect(() => w2.spillSafePoint()).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
        }
        vfs.crash({ keep });
        check(vfs, 1);
      });
    }
  }

  it('recovers the last commit when the crash follows the rewrites of a fully synced run', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const { pager, w2 } = prepare(vfs);
    stamp(w2, 5, 3);
    w2.spillSafePoint();
    // The OS may write the rewritten frame back at any time: make it durable (syncWal alone
    // skips a log without unsynced commits), leaving its successors' trailers stale on disk.
    (pager.log as unknown as { synced: boolean }).synced = false;
    pager.syncWal();
    vfs.crash();
    check(vfs, 1);
  });
});
