/**
 * The pager and WAL on real files (NodeVfs in a temp dir): commit, reopen with recovery,
 * checkpoint with truncation, and a reopen of the checkpointed file without its WAL.
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeVfs } from '../../src/vfs/node-vfs.js';
import { openPager } from '../../src/wal/index.js';
import { stamp, tagOf } from './page-stamp.js';

const dir = mkdtempSync(join(tmpdir(), 'decentdb-pager-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pager on NodeVfs', () => {
  it('recovers commits from the WAL and checkpoints into the main file', () => {
    const vfs = new NodeVfs();
    const path = join(dir, 'n.ddb');
    const pager = openPager(vfs, path, { checkpointOnClose: false });
    const w = pager.beginWrite();
    for (let i = 0; i < 20; i++) stamp(w, w.allocate(), 100 + i);
    w.setRootCatalog(2);
    w.commit();
    pager.close();
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(20 * 4096);

    const again = openPager(vfs, path);
    expect(again.header).toMatchObject({ rootCatalog: 2, pageCount: 21 });
    const res = again.checkpoint();
    expect(res.truncated).toBe(true);
    again.close();
    expect(statSync(path).size).toBe(21 * 4096);
    expect(statSync(`${path}-wal`).size).toBe(32);

    rmSync(`${path}-wal`);
    expect(existsSync(`${path}-wal`)).toBe(false);
    const third = openPager(vfs, path);
    const r = third.beginRead();
    for (let n = 2; n <= 21; n++) expect(tagOf(r, n)).toBe(100 + n - 2);
    r.end();
    third.close();
  });
});
