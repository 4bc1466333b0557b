/**
 * A forward cursor decodes the leaves it steps onto fresh (read on a miss or ahead of a scan)
 * into its own scratch view instead of caching a view per leaf (page-view.ts
 * `readPassingPage`). The scratch view is re-decoded at every such hop, so these tests make
 * the cache far smaller than the tree and check what each cursor sees.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../vfs/index.js';
import { openPager } from '../wal/open-pager.js';
import type { Pager } from '../pager/index.js';
import { BTree } from './btree.js';
import type { LeafCursor } from './btree-cursor.js';
import { cachedView, pageViewStats } from './page-view.js';

const N = 6000;

/** Value of key k: its own bytes, so a value read from the wrong leaf shows. */
const valueOf = (k: number): Uint8Array => new TextEncoder().encode(`value-${k}-${'x'.repeat(k % 17)}`);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

/** A committed tree of keys 0, 2, 4, … (N entries, over 30 leaves) in a pager with `cachePages` pages of cache. */
function committedTree(cachePages: number): { pager: Pager; root: number } {
  const pager = openPager(new MemoryVfs(), 'scratch.ddb', { cacheBytes: cachePages * 4096 });
  const w = pager.beginWrite();
  const t = BTree.create(w);
  for (let i = 0; i < N; i++) t.insert(2 * i, valueOf(2 * i));
  const root = t.root;
  w.commit();
  return { pager, root };
}

describe('forward cursor scratch view', () => {
  it('scans a tree much larger than the cache in order, re-decoding one view it does not cache', () => {
    const { pager, root } = committedTree(8);
    const r = pager.beginRead();
    const c = new BTree(r, root).cursor() as LeafCursor;
    let n = 0;
    let scratch: unknown = null;
    let hops = 0;
    let leaves = 0;
    let lastPage = 0;
    for (let ok = c.first(); ok; ok = c.next(), n++) {
      expect(c.key).toBe(2 * n);
      expect(text(c.value())).toBe(text(valueOf(2 * n)));
      if (c.pageNo !== lastPage) {
        lastPage = c.pageNo;
        leaves++;
        if (c.scratch !== null) {
          scratch ??= c.scratch;
          expect(c.scratch).toBe(scratch); // one view, reused
          if (c.view === c.scratch) {
            hops++;
            expect(cachedView(c.pageNo, c.buf)).toBeUndefined();
          }
        }
      }
    }
    expect(n).toBe(N);
    expect(leaves).toBeGreaterThan(30);
    expect(hops).toBe(leaves - 1); // every leaf but the first, which the descent reads
    r.end();
    pager.close();
  });

  it('keeps interleaved cursors over the same tree apart', () => {
    const { pager, root } = committedTree(6);
    const r = pager.beginRead();
    const tree = new BTree(r, root);
    const a = tree.cursor();
    const b = tree.cursor();
    let okA = a.first();
    let okB = b.seek(2 * (N / 2));
    let ia = 0;
    let ib = N / 2;
    while (okA || okB) {
      for (let s = 0; s < 7 && okA; s++, ia++) {
        expect(a.key).toBe(2 * ia);
        expect(text(a.value())).toBe(text(valueOf(2 * ia)));
        okA = a.next();
      }
      for (let s = 0; s < 5 && okB; s++, ib++) {
        expect(b.key).toBe(2 * ib);
        expect(text(b.value())).toBe(text(valueOf(2 * ib)));
        okB = b.next();
      }
    }
    expect(ia).toBe(N);
    expect(ib).toBe(N);
    r.end();
    pager.close();
  });

  it('walks backward from a leaf it entered through the scratch view', () => {
    const { pager, root } = committedTree(8);
    const r = pager.beginRead();
    const c = new BTree(r, root).cursor() as LeafCursor;
    let i = 0;
    for (let ok = c.first(); ok && i < N - 1; ok = c.next()) i++;
    expect(c.key).toBe(2 * (N - 1));
    expect(c.view).toBe(c.scratch);
    for (let k = N - 1; k >= 0; k--) {
      expect(c.key).toBe(2 * k);
      expect(text(c.value())).toBe(text(valueOf(2 * k)));
      expect(c.prev()).toBe(k > 0);
    }
    r.end();
    pager.close();
  });

  it('caches views of leaves read again while still cached, so later scans decode nothing', () => {
    const { pager, root } = committedTree(4096);
    const r = pager.beginRead();
    const tree = new BTree(r, root);
    const scan = (): number => {
      const c = tree.cursor();
      let n = 0;
      for (let ok = c.first(); ok; ok = c.next()) n++;
      return n;
    };
    expect(scan()).toBe(N);
    expect(scan()).toBe(N); // images no longer fresh: decoded into the cache
    const before = pageViewStats.decodes;
    expect(scan()).toBe(N);
    expect(pageViewStats.decodes).toBe(before);
    r.end();
    pager.close();
  });
});
