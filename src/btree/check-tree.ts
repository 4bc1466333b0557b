// Invariant checker for B+Trees (tests, `inspect --check`): keys ordered within pages and along
// the leaf chain, separators bounding their children, every leaf at one depth, the leaf chain
// linking the leaves left to right, overflow chains walkable, no page reachable twice.
// Throws ERR_CORRUPTION naming the page; does not repair.
import { corrupt } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { compareKeys } from './key.js';
import { pageLimit, readPage } from './page-view.js';
import { MAX_DEPTH } from './btree-cursor.js';
import { overflowChainPages } from './overflow.js';

/** Result of a successful check. */
export interface TreeCheck {
  readonly depth: number;
  readonly pages: number;
  readonly entries: number;
}

/**
 * Verifies the tree at `root`; throws DecentDBError ERR_CORRUPTION describing the first
 * violation found.
 * @example checkTree(store, tree.root)
 */
export function checkTree(store: PageStore, root: number): TreeCheck {
  const limit = pageLimit(store);
  const seen = new Set<number>();
  const leaves: number[] = [];
  let leafDepth = -1;
  let entries = 0;

  const visit = (pageNo: number, lo: U64 | undefined, hi: U64 | undefined, depth: number): void => {
    if (depth > MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
    if (seen.has(pageNo)) throw corrupt(pageNo, 'page reachable twice in the B+Tree');
    seen.add(pageNo);
    const v = readPage(store, pageNo, limit);
    for (let i = 0; i < v.count; i++) {
      const k = v.keys[i]!;
      if (i > 0 && compareKeys(v.keys[i - 1]!, k) > 0) throw corrupt(pageNo, `keys out of order at cell ${i}`);
      if (lo !== undefined && compareKeys(k, lo) < 0) throw corrupt(pageNo, `key ${k} below its separator ${lo}`);
      if (hi !== undefined && compareKeys(k, hi) > 0) throw corrupt(pageNo, `key ${k} above its separator ${hi}`);
    }
    if (v.isLeaf) {
      if (leafDepth === -1) leafDepth = depth;
      else if (leafDepth !== depth) throw corrupt(pageNo, `leaf at depth ${depth}, others at ${leafDepth}`);
      leaves.push(pageNo);
      entries += v.count;
      for (let i = 0; i < v.count; i++) {
        if (!v.isOverflow(i)) continue;
        const head = v.overflowHead(i);
        if (seen.has(head)) throw corrupt(head, 'overflow page shared');
        seen.add(head);
        overflowChainPages(store, head);
      }
      return;
    }
    for (let i = 0; i <= v.count; i++) {
      visit(v.child(i), i === 0 ? lo : v.keys[i - 1], i < v.count ? v.keys[i] : hi, depth + 1);
    }
  };
  visit(root, undefined, undefined, 0);

  let prevLast: U64 | undefined;
  for (let i = 0; i < leaves.length; i++) {
    const v = readPage(store, leaves[i]!, limit);
    const expect = leaves[i + 1] ?? 0;
    if (v.link !== expect) throw corrupt(v.pageNo, `leaf chain points to ${v.link}, expected ${expect}`);
    if (v.count > 0) {
      if (prevLast !== undefined && compareKeys(v.keys[0]!, prevLast) < 0) throw corrupt(v.pageNo, 'leaf chain out of key order');
      prevLast = v.keys[v.count - 1];
    }
  }
  return { depth: leafDepth + 1, pages: seen.size, entries };
}
