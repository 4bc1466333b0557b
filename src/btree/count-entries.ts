// Counting a tree's entries from its leaf headers alone: descend to the leftmost leaf, then sum
// each leaf's cell count along the leaf chain without decoding cells (COUNT(*) over a table).
// Bounds every page id and cell count and detects chain loops, like the cursor does.
import { corrupt, readU16, readU32 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { CELL_COUNT, LINK, PAGE_HEADER_SIZE, PAGE_LEAF, PAGE_TYPE, pageLimit, readPage } from './page-view.js';
import { MAX_DEPTH } from './btree-cursor.js';

/** Number of entries in the tree rooted at `root` (duplicates included). */
export function countEntries(store: PageStore, root: number): number {
  const limit = pageLimit(store);
  let pageNo = root;
  let v = readPage(store, pageNo, limit);
  for (let depth = 0; !v.isLeaf; depth++) {
    if (depth >= MAX_DEPTH) throw corrupt(pageNo, 'B+Tree deeper than any valid tree (cycle?)');
    pageNo = v.child(0);
    v = readPage(store, pageNo, limit);
  }
  // A leaf cell takes at least two bytes (key and control varints).
  const maxCells = Math.floor((store.pageSize - PAGE_HEADER_SIZE) / 2);
  let total = 0;
  let saved = 0;
  let power = 1;
  let steps = 0;
  while (pageNo !== 0) {
    if (pageNo < 1 || pageNo > limit) throw corrupt(pageNo, `leaf chain points outside the file (page ${pageNo})`);
    const page = store.read(pageNo);
    if (page[PAGE_TYPE] !== PAGE_LEAF) throw corrupt(pageNo, 'leaf chain reaches a non-leaf page');
    const cells = readU16(page, CELL_COUNT);
    if (cells > maxCells) throw corrupt(pageNo, `cell count ${cells} cannot fit in a page`);
    total += cells;
    const next = readU32(page, LINK);
    if (next !== 0 && next === saved) throw corrupt(next, 'leaf chain loops');
    if (++steps === power) {
      saved = next;
      power *= 2;
      steps = 0;
    }
    pageNo = next;
  }
  return total;
}
