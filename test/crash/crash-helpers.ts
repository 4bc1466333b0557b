/**
 * Shared by the crash suites: a deterministic workload whose every transaction stamps a set of
 * pages and the schema cookie with one tag, so a reopened database shows at once whether a
 * transaction is visible entirely, not at all, or (a bug) partly.
 */
import { readU32, writeU32 } from '../../src/util/index.js';
import type { Pager, PagerOptions, WriteTransaction } from '../../src/pager/index.js';
import type { FaultyVfs } from '../../src/vfs/index.js';
import { openPager } from '../../src/wal/index.js';

export const PATH = 'crash.ddb';
export const PAGE_SIZE = 1024;

export function stampTx(w: WriteTransaction, pages: readonly number[], tag: number, bumpCookie = true): void {
  for (const n of pages) {
    while (w.pageCount < n) w.allocate();
    const p = w.write(n);
    writeU32(p, 0, tag);
    writeU32(p, p.length - 4, tag);
  }
  while (bumpCookie && w.schemaCookie < tag) w.bumpSchemaCookie();
  if (w.rootCatalog !== pages[0]) w.setRootCatalog(pages[0]!);
}

/**
 * Opens the database after a crash and returns the one tag every page in `pages` and the
 * schema cookie agree on; throws when they disagree (a partial transaction) or the file
 * cannot be opened.
 */
export function reopenTag(vfs: FaultyVfs, pages: readonly number[], options: PagerOptions = {}): number {
  const pager = openPager(vfs, PATH, { ...options, checkpointOnClose: false });
  try {
    const r0 = pager.beginRead();
    // Data-only workloads leave the cookie alone: then the first page's tag is the reference.
    const cookie = pager.header.schemaCookie === 0 && pager.header.pageCount >= pages[0]! ? readU32(r0.read(pages[0]!), 0) : pager.header.schemaCookie;
    r0.end();
    if (pager.header.pageCount > 1 && pager.header.rootCatalog !== pages[0]) {
      throw new Error(`stale header: root catalog ${pager.header.rootCatalog}`);
    }
    const r = pager.beginRead();
    for (const n of pages) {
      const t = n <= pager.header.pageCount ? readU32(r.read(n), 0) : 0;
      const t2 = n <= pager.header.pageCount ? readU32(r.read(n), PAGE_SIZE - 4) : 0;
      if (t !== cookie || t2 !== cookie) throw new Error(`partial transaction: page ${n} has ${t}/${t2}, schema cookie ${cookie}`);
    }
    r.end();
    return cookie;
  } finally {
    pager.close();
  }
}

export function closeQuietly(pager: Pager): void {
  try {
    pager.close();
  } catch {
    /* handles are dead after a crash */
  }
}

export function open(vfs: FaultyVfs, options: PagerOptions = {}): Pager {
  return openPager(vfs, PATH, { pageSize: PAGE_SIZE, checkpointOnClose: false, ...options });
}
