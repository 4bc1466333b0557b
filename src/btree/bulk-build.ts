// Bottom-up B+Tree build from key-sorted entries (spec/native-format.md §1.4
// bulkBuildFromSorted): leaves filled greedily to the byte, then each parent level filled the
// same way; separators are each right group's first key. Duplicates allowed.
// Does not sort: unsorted input is a caller bug (ERR_INTERNAL).
import { DecentDBError, putVarint, varintSize } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { compareKeys, keyDelta, normalizeKey } from './key.js';
import { PAGE_HEADER_SIZE, PAGE_LEAF, forgetPageView, maxInlineValue } from './page-view.js';
import { writeEmptyLeaf, writeHeader, writeInternal } from './page-writer.js';
import { writeOverflowChain } from './overflow.js';

/** Builds the tree; returns its root page id. */
export function bulkBuildTree(store: PageStore, entries: Iterable<readonly [U64, Uint8Array]>): number {
  const pageSize = store.pageSize;
  const inlineMax = maxInlineValue(pageSize);
  const leaf = new Uint8Array(pageSize);
  const levelPages: number[] = [];
  const levelKeys: U64[] = [];
  let pageNo = store.allocate();
  let pos = PAGE_HEADER_SIZE;
  let count = 0;
  let prev: U64 = 0;
  let last: U64 | undefined;

  const flush = (next: number): void => {
    const img = store.write(pageNo);
    forgetPageView(img);
    img.set(leaf.subarray(0, pos));
    img.fill(0, pos);
    writeHeader(img, PAGE_LEAF, count, next);
  };

  for (const [rawKey, value] of entries) {
    const key = normalizeKey(rawKey);
    if (last !== undefined && compareKeys(key, last) < 0) {
      throw new DecentDBError('ERR_INTERNAL', `bulkBuild input not sorted at key ${String(key)}`);
    }
    last = key;
    const overflow = value.length > inlineMax;
    const ctl = overflow ? writeOverflowChain(store, value) * 2 + 1 : value.length * 2;
    const body = varintSize(ctl) + (overflow ? 0 : value.length);
    if (count > 0 && pos + varintSize(keyDelta(prev, key)) + body > pageSize) {
      const next = store.allocate();
      flush(next);
      pageNo = next;
      pos = PAGE_HEADER_SIZE;
      count = 0;
      prev = 0;
    }
    if (count === 0) {
      levelPages.push(pageNo);
      levelKeys.push(key);
    }
    pos = putVarint(leaf, pos, keyDelta(prev, key));
    pos = putVarint(leaf, pos, ctl);
    if (!overflow) {
      leaf.set(value, pos);
      pos += value.length;
    }
    prev = key;
    count++;
  }
  if (levelPages.length === 0) {
    writeEmptyLeaf(store.write(pageNo), 0);
    return pageNo;
  }
  flush(0);
  return buildParents(store, levelPages, levelKeys);
}

/** Builds internal levels above `pages` (each with its lowest key) until one root remains. */
function buildParents(store: PageStore, pages: number[], lows: U64[]): number {
  const pageSize = store.pageSize;
  while (pages.length > 1) {
    const groups = groupChildren(pages, lows, pageSize);
    const upPages: number[] = [];
    const upLows: U64[] = [];
    for (let g = 0; g < groups.length - 1; g++) {
      const from = groups[g]!;
      const to = groups[g + 1]!;
      // cells (low[i+1], page[i]) for i in [from, to-1), right child = page[to-1]
      const keys = lows.slice(from + 1, to);
      const children = pages.slice(from, to - 1);
      const p = store.allocate();
      writeInternal(store.write(p), keys, children, 0, keys.length, pages[to - 1]!);
      upPages.push(p);
      upLows.push(lows[from]!);
    }
    pages = upPages;
    lows = upLows;
  }
  return pages[0]!;
}

/**
 * Greedy byte-filled grouping of child pages into internal pages (also used by bulk-merge.ts);
 * returns group start indexes plus the end. No 1-child tail group.
 */
export function groupChildren(pages: number[], lows: U64[], pageSize: number): number[] {
  const starts: number[] = [0];
  let size = PAGE_HEADER_SIZE;
  let prev: U64 = 0;
  for (let i = 1; i < pages.length; i++) {
    const cell = varintSize(keyDelta(prev, lows[i]!)) + varintSize(pages[i - 1]!);
    if (size + cell > pageSize) {
      starts.push(i);
      size = PAGE_HEADER_SIZE;
      prev = 0;
      continue;
    }
    size += cell;
    prev = lows[i]!;
  }
  const n = starts.length;
  if (n > 1 && starts[n - 1] === pages.length - 1 && starts[n - 1]! - starts[n - 2]! > 2) starts[n - 1]!--;
  starts.push(pages.length);
  return starts;
}
