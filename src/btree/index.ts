// Layer 4, btree: the native B+Tree (u64 keys → byte values) over a PageStore, its cursors,
// overflow chains and invariant checker (spec/native-format.md §1.4, §1.5).
// Other layers import only from here.
export { BTree } from './btree.js';
export type { BTreeStats, InsertOptions } from './btree.js';
export type { BTreeCursor } from './btree-cursor.js';
export { compareKeys, normalizeKey } from './key.js';
export { writeOverflowChain, readOverflowChain, freeOverflowChain } from './overflow.js';
export { checkTree } from './check-tree.js';
export { countEntries } from './count-entries.js';
export type { TreeCheck } from './check-tree.js';
export { maxInlineValue, PAGE_HEADER_SIZE, setPageViewCache, pageViewStats } from './page-view.js';
export { MemoryPageStore, committedView } from './memory-page-store.js';
export type { MemoryPageStoreOptions } from './memory-page-store.js';
export { mergeSorted, type SortedEntrySource, type EntrySink, type MergeResult } from './bulk-merge.js';
