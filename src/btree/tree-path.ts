// The root-to-leaf path of a cursor (page id and child index per internal level), which is what
// a backward step needs: leaves link only forward (§1.4), so the leaf left of the current one is
// found by going up to the nearest level that has a child further left and down its rightmost
// edge. Does not read values or track keys (btree-cursor.ts does); never modifies pages.
// Bounds: depth <= MAX_DEPTH; leaf hops are counted by the caller (a DAG-shaped corrupt tree
// could otherwise make one step visit very many empty leaves).
import { corrupt } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { compareKeys } from './key.js';
import { readPage } from './page-view.js';
import type { PageView } from './page-view.js';

/** Deepest tree a reader accepts before calling the file corrupt (internal-page cycles). */
export const MAX_DEPTH = 40;

/** A descent path; `leaf` is the leaf it ends at (0: stale, must be rebuilt before use). */
export class TreePath {
  readonly pages: number[] = [];
  readonly idx: number[] = [];
  depth = 0;
  leaf = 0;

  reset(): void {
    this.depth = 0;
    this.leaf = 0;
  }

  /** Records that the descent left internal page `pageNo` through child index `i`. */
  push(pageNo: number, i: number): void {
    const d = this.depth;
    if (d >= MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
    this.pages[d] = pageNo;
    this.idx[d] = i;
    this.depth = d + 1;
  }

  /**
   * Moves to the leaf left of `leaf` (possibly empty) and returns its view; the image is
   * `lastPageBuffer()` until the next page read. Null when `leaf` is the first leaf.
   */
  prevLeaf(store: PageStore, limit: number): PageView | null {
    let level = this.depth - 1;
    while (level >= 0 && this.idx[level] === 0) level--;
    if (level < 0) return null;
    const i = this.idx[level]! - 1;
    this.idx[level] = i;
    this.depth = level + 1;
    return this.down(store, limit, readPage(store, this.pages[level]!, limit).child(i), true);
  }

  /** Moves to the leaf right of `leaf` (possibly empty); null when it is the last leaf. */
  nextLeaf(store: PageStore, limit: number): PageView | null {
    let level = this.depth - 1;
    let v: PageView | undefined;
    for (; level >= 0; level--) {
      v = readPage(store, this.pages[level]!, limit);
      if (this.idx[level]! < v.count) break;
    }
    if (level < 0 || v === undefined) return null;
    const i = this.idx[level]! + 1;
    this.idx[level] = i;
    this.depth = level + 1;
    return this.down(store, limit, v.child(i), false);
  }

  /**
   * Rebuilds the path of leaf `target` whose first key is `first`: a leftmost descent to
   * `first`, then rightward leaf by leaf (duplicates of `first` may fill earlier leaves).
   * A leaf the descent cannot reach is corruption.
   */
  locate(store: PageStore, limit: number, root: number, target: number, first: U64): void {
    this.reset();
    let pageNo = root;
    let v = readPage(store, pageNo, limit);
    while (!v.isLeaf) {
      const i = v.lowerBound(first);
      this.push(pageNo, i);
      pageNo = v.child(i);
      v = readPage(store, pageNo, limit);
    }
    this.leaf = pageNo;
    for (let hops = 0; pageNo !== target; hops++) {
      const w = hops < limit ? this.nextLeaf(store, limit) : null;
      if (w === null || (w.count > 0 && compareKeys(w.keys[0]!, first) > 0)) {
        throw corrupt(target, 'leaf not reachable from the root by its first key');
      }
      pageNo = this.leaf;
    }
  }

  /** Descends from `pageNo` along the rightmost (or leftmost) edge to a leaf, recording the path. */
  private down(store: PageStore, limit: number, pageNo: number, rightmost: boolean): PageView {
    for (;;) {
      const v = readPage(store, pageNo, limit);
      if (v.isLeaf) {
        this.leaf = pageNo;
        return v;
      }
      const i = rightmost ? v.count : 0;
      this.push(pageNo, i);
      pageNo = v.child(i);
    }
  }
}
