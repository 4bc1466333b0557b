import { describe, expect, it } from 'vitest';
import { writeU32, writeU64 } from '../util/index.js';
import { MemoryVfs } from '../vfs/index.js';
import type { Pager, PagerWarning } from '../pager/index.js';
import { openPager } from './open-pager.js';
import { stamp, tagOf } from '../../test/crash/page-stamp.js';
import {
  COMMIT_FRAME_SIZE, WAL_HEADER_SIZE, encodeCommitFrame, encodePageFrame, encodeWalHeader, pageFrameSize,
} from './wal-format.js';

const PAGE = 1024;
const FRAME = pageFrameSize(PAGE);

/** Three commits of page 2 (tags 1, 2, 3), left in the WAL (no checkpoint). */
function threeCommits(): { vfs: MemoryVfs; wal: Uint8Array } {
  const vfs = new MemoryVfs();
  const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, checkpointOnClose: false });
  for (let t = 1; t <= 3; t++) {
    const w = pager.beginWrite();
    if (w.pageCount < 2) w.allocate();
    stamp(w, 2, t);
    w.commit();
  }
  pager.close();
  return { vfs, wal: vfs.snapshot('a.ddb-wal')! };
}

function putWal(vfs: MemoryVfs, bytes: Uint8Array): void {
  const f = vfs.open('a.ddb-wal', { mode: 'create' });
  f.write(bytes, 0);
  f.close();
}

function open(vfs: MemoryVfs, warnings: PagerWarning[] = []): Pager {
  return openPager(vfs, 'a.ddb', { checkpointOnClose: false, onWarning: (w) => warnings.push(w) });
}

function tag2(pager: Pager): number {
  const r = pager.beginRead();
  const t = pager.header.pageCount >= 2 ? tagOf(r, 2) : 0;
  r.end();
  return t;
}

// Every commit writes page 2 only (growth alone does not rewrite page 1): PAGE + COMMIT.
const commit1End = WAL_HEADER_SIZE + FRAME + COMMIT_FRAME_SIZE;
const commit2End = commit1End + FRAME + COMMIT_FRAME_SIZE;

describe('WAL recovery', () => {
  it('replays every committed frame', () => {
    const { vfs, wal } = threeCommits();
    expect(wal.length).toBe(commit2End + FRAME + COMMIT_FRAME_SIZE);
    const p = open(vfs);
    expect(tag2(p)).toBe(3);
    p.close();
  });

  it.each([
    ['bad magic', (w: Uint8Array) => { w[0] = 0x58; }, /bad magic/],
    ['wrong page size', (w: Uint8Array) => { writeU32(w, 12, 2048); }, /page size 2048/],
    ['unsupported header version', (w: Uint8Array) => { writeU32(w, 8, 2); }, /header version/],
  ])('%s → ERR_CORRUPTION', (_name, damage, msg) => {
    const { vfs, wal } = threeCommits();
    damage(wal);
    putWal(vfs, wal);
    expect(() => open(vfs)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION', message: expect.stringMatching(msg) }));
  });

  it.each([
    ['end offset beyond the file', (w: Uint8Array) => { writeU64(w, 16, w.length + 5000); }],
    ['end offset inside the header', (w: Uint8Array) => { writeU64(w, 16, 20); }],
    ['end offset zero', (w: Uint8Array) => { writeU64(w, 16, 0); }],
  ])('checksummed WAL, %s: the frames validate themselves and are all recovered', (_name, damage) => {
    const { vfs, wal } = threeCommits();
    damage(wal);
    putWal(vfs, wal);
    const p = open(vfs);
    expect(tag2(p)).toBe(3);
    p.close();
  });

  it('a WAL shorter than its header holds no frame: it starts afresh (a crash tore its creation)', () => {
    const { vfs, wal } = threeCommits();
    putWal(vfs, wal.subarray(0, 20));
    const p = open(vfs);
    expect(p.header.pageSize).toBe(PAGE);
  });

  it('a checksum mismatch mid-file keeps the valid committed prefix and warns', () => {
    const { vfs, wal } = threeCommits();
    wal[commit1End + 100] = wal[commit1End + 100]! ^ 0x40; // payload of commit 2's page frame
    putWal(vfs, wal);
    const warnings: PagerWarning[] = [];
    const p = open(vfs, warnings);
    expect(tag2(p)).toBe(1);
    expect(warnings).toEqual([expect.objectContaining({ kind: 'wal-recovery', message: expect.stringMatching(/checksum mismatch at offset/) })]);
    // new commits continue the chain from the valid prefix and survive a reopen
    const w = p.beginWrite();
    stamp(w, 2, 9);
    w.commit();
    p.close();
    const q = open(vfs);
    expect(tag2(q)).toBe(9);
    q.close();
  });

  it('ignores a torn tail and uncommitted frames inside the end offset', () => {
    const { vfs, wal } = threeCommits();
    const torn = wal.slice(0, commit2End + FRAME); // commit 3 lost its COMMIT frame
    writeU64(torn, 16, torn.length);
    putWal(vfs, torn);
    const p = open(vfs);
    expect(tag2(p)).toBe(2);
    p.close();
  });

  it('never validates a stale frame left from an older WAL generation', () => {
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, checkpointOnClose: false });
    for (let t = 1; t <= 3; t++) {
      const w = pager.beginWrite();
      if (w.pageCount < 2) w.allocate();
      stamp(w, 2, t);
      w.commit();
    }
    const oldWal = vfs.snapshot('a.ddb-wal')!;
    pager.checkpoint();
    const w = pager.beginWrite();
    stamp(w, 2, 4);
    w.commit();
    pager.close();
    const newWal = vfs.snapshot('a.ddb-wal')!;
    const spliced = oldWal.slice();
    spliced.set(newWal);
    writeU64(spliced, 16, oldWal.length); // claim the old frames as committed
    putWal(vfs, spliced);
    const warnings: PagerWarning[] = [];
    const p = open(vfs, warnings);
    expect(tag2(p)).toBe(4);
    expect(warnings.length).toBe(1);
    p.close();
  });

  it('verifies a WAL of several read chunks, frames straddling chunk ends included', () => {
    // 40 commits of 64 pages (~2.7 MB): recovery reads 1 MiB chunks, so frames cross chunk ends.
    const vfs = new MemoryVfs();
    const pager = openPager(vfs, 'a.ddb', { pageSize: PAGE, checkpointOnClose: false, checkpointThresholdBytes: Number.MAX_SAFE_INTEGER });
    const span = 64 * FRAME + COMMIT_FRAME_SIZE;
    for (let t = 1; t <= 40; t++) {
      const w = pager.beginWrite();
      while (w.pageCount < 65) w.allocate();
      for (let pg = 2; pg <= 65; pg++) stamp(w, pg, t);
      w.commit();
    }
    pager.close();
    const wal = vfs.snapshot('a.ddb-wal')!;
    // Growth to 65 pages happens in commit 1, which also writes page 1 (the header): skip it.
    const first = wal.length - 39 * span;
    expect(wal.length).toBeGreaterThan(2 << 20);
    const whole = open(vfs);
    expect(tag2(whole)).toBe(40);
    whole.close();

    const mib = 1 << 20;
    const damaged = wal.slice();
    // Payload of the frame at [1047597, 1048634), which straddles the first chunk end (32 + 1 MiB).
    damaged[mib + 1] = damaged[mib + 1]! ^ 0x40;
    putWal(vfs, damaged);
    const warnings: PagerWarning[] = [];
    const p = open(vfs, warnings);
    expect(tag2(p)).toBe(1 + Math.floor((mib + 1 - first) / span)); // commits wholly before it
    expect(warnings).toEqual([expect.objectContaining({ kind: 'wal-recovery' })]);
    p.close();
  });

  it.each([
    ['end offset beyond the file', 5000, /beyond the file size/],
    ['end offset inside the header', -1, /inside the header/],
  ])('native WAL, %s → ERR_CORRUPTION', (_name, delta, msg) => {
    const { vfs } = threeCommits();
    const wal = nativeWal(77);
    writeU64(wal, 16, delta < 0 ? 20 : wal.length + delta);
    putWal(vfs, wal);
    expect(() => open(vfs)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION', message: expect.stringMatching(msg) }));
  });

  it('reads a native WAL (no checksum flag, zero trailers) by the native rules', () => {
    const { vfs } = threeCommits();
    const p0 = openPager(vfs, 'a.ddb', { pageSize: PAGE });
    p0.close(); // checkpointed: main holds tag 3, WAL empty
    putWal(vfs, nativeWal(77));
    const p = open(vfs);
    expect(tag2(p)).toBe(77);
    const w = p.beginWrite();
    stamp(w, 2, 78);
    w.commit();
    p.close();
    const q = open(vfs);
    expect(tag2(q)).toBe(78);
    q.close();
  });
});

/** A native-layout WAL (flags 0, zero trailers) with one commit stamping page 2 with `tag`. */
function nativeWal(tag: number): Uint8Array {
  const image = new Uint8Array(PAGE);
  writeU32(image, 0, tag);
  writeU32(image, 4, 2);
  writeU32(image, PAGE - 4, tag);
  const wal = new Uint8Array(WAL_HEADER_SIZE + FRAME + COMMIT_FRAME_SIZE);
  encodePageFrame(wal, WAL_HEADER_SIZE, 2, image, false, 0);
  encodeCommitFrame(wal, WAL_HEADER_SIZE + FRAME, false, 0);
  encodeWalHeader({ pageSize: PAGE, endOffset: wal.length, flags: 0, salt: 0 }, wal);
  return wal;
}
