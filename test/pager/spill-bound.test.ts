/**
 * The WAL of one transaction stays bounded (issue 3): a random-key B+Tree load re-spills the
 * same leaves again and again under a small spill budget, yet appends one frame per distinct
 * page plus the COMMIT frame (counters, not timing), with no savepoint, with a statement
 * savepoint per insert released before each spill safe point (the engine's pattern), and at
 * most one more frame per page while an outer savepoint predates the spills.
 */
import { describe, expect, it } from 'vitest';
import { BTree, checkTree } from '../../src/btree/index.js';
import type { Pager, WriteTransaction } from '../../src/pager/index.js';
import { MemoryVfs } from '../../src/vfs/index.js';
import { COMMIT_FRAME_SIZE, WAL_HEADER_SIZE, type Wal, openPager, pageFrameSize } from '../../src/wal/index.js';

const PAGE = 1024;
const FRAME = pageFrameSize(PAGE);
const N = 6000;
const VALUE = new Uint8Array(40).fill(7);
const keyAt = (i: number): number => (Math.imul(i + 1, 0x9e3779b1) >>> 1) % 1_000_000_007;

function load(w: WriteTransaction, from: number, to: number, statementSavepoints: boolean): BTree {
  let tree = new BTree(w, w.rootCatalog);
  for (let i = from; i < to; i++) {
    const sp = statementSavepoints ? w.savepoint() : 0;
    tree.insert(keyAt(i), VALUE);
    if (statementSavepoints) w.release(sp);
    w.setRootCatalog(tree.root);
    if (i % 8 === 7) {
      w.spillSafePoint();
      tree = new BTree(w, tree.root);
    }
  }
  return tree;
}

function fresh(): { pager: Pager; w: WriteTransaction } {
  const pager = openPager(new MemoryVfs(), 'a.ddb', { pageSize: PAGE, spillBudgetBytes: 8 * PAGE, checkpointOnClose: false, checkpointThresholdBytes: 1 << 30 });
  const w = pager.beginWrite();
  w.setRootCatalog(BTree.create(w).root);
  return { pager, w };
}

const appended = (p: Pager): number => p.stats.framesWritten - p.stats.framesRewritten;
const distinctPages = (p: Pager): number => (p.log as Wal).index.pageCount;

describe('a large transaction appends one frame per distinct page', () => {
  for (const statementSavepoints of [false, true]) {
    it(statementSavepoints ? 'with a statement savepoint per insert' : 'without savepoints', () => {
      const { pager, w } = fresh();
      load(w, 0, N, statementSavepoints);
      expect(pager.stats.spilledPages).toBeGreaterThan(5 * w.pageCount);
      w.commit();
      const distinct = distinctPages(pager);
      expect(appended(pager)).toBe(distinct + 1);
      expect(pager.stats.walBytes).toBe(WAL_HEADER_SIZE + distinct * FRAME + COMMIT_FRAME_SIZE);
      expect(pager.stats.framesRewritten).toBeGreaterThan(4 * distinct);
      const r = pager.beginRead();
      expect(checkTree(r, r.header.rootCatalog).entries).toBe(N);
      r.end();
      pager.close();
    });
  }

  it('appends at most one more frame per page under an outer savepoint, and rolls back to it', () => {
    const { pager, w } = fresh();
    load(w, 0, N / 2, false);
    const framesBefore = appended(pager);
    const pagesBefore = w.pageCount;
    const outer = w.savepoint();
    load(w, N / 2, N, false);
    // Each page gets at most one new frame after the savepoint: a page only spilled when it was
    // taken keeps its frame for rollbackTo and gets a new one, which later spills rewrite.
    expect(appended(pager) - framesBefore).toBeLessThanOrEqual(w.pageCount);
    expect(pager.stats.framesRewritten).toBeGreaterThan(0);
    w.rollbackTo(outer);
    expect(w.pageCount).toBe(pagesBefore);
    const tree = new BTree(w, w.rootCatalog);
    expect(checkTree(w, tree.root).entries).toBe(N / 2);
    for (let i = 0; i < N / 2; i += 97) expect(tree.has(keyAt(i))).toBe(true);
    expect(tree.has(keyAt(N / 2))).toBe(false);
    w.release(outer);
    load(w, N / 2, N, false);
    w.commit();
    const distinct = distinctPages(pager);
    // The frames the rolled-back half wrote past the savepoint were reused, not kept.
    expect(pager.stats.walBytes).toBeLessThanOrEqual(WAL_HEADER_SIZE + 2 * distinct * FRAME + COMMIT_FRAME_SIZE);
    const r = pager.beginRead();
    expect(checkTree(r, r.header.rootCatalog).entries).toBe(N);
    r.end();
    pager.close();
  });
});
