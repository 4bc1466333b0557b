/**
 * Page stamps for the pager/WAL unit tests (src/wal/*.test.ts): fill and check pages with a
 * recognisable tag. Lives under test/ so the build never ships it.
 */
import { readU32, writeU32 } from '../../src/util/index.js';
import type { PageStore } from '../../src/pager/index.js';

/** Writes `tag` at the start and end of page `pageNo` (and the page number for cross-checks). */
export function stamp(store: PageStore, pageNo: number, tag: number): void {
  const p = store.write(pageNo);
  writeU32(p, 0, tag);
  writeU32(p, 4, pageNo);
  writeU32(p, p.length - 4, tag);
}

/** The tag stamped on a page (0 for a zero page); asserts both copies agree. */
export function tagOf(store: PageStore, pageNo: number): number {
  const p = store.read(pageNo);
  const a = readU32(p, 0);
  const b = readU32(p, p.length - 4);
  if (a !== b) throw new Error(`page ${pageNo} is torn: ${a} vs ${b}`);
  return a;
}
