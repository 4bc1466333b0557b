/**
 * Checkpoint copy: writes the checkpoint plan's page versions into the main file. An image comes
 * from the page cache when that committed version is still cached (immutable: the same bytes as
 * its WAL frame, invariant 1 of pager.ts), else from its WAL frame; pages with consecutive ids
 * go out in one write. A bulk load's thousands of new pages thus cost a few writes instead of a
 * read and a write each. Does not write page 1, sync, or change the WAL (pager.ts does).
 */
import type { VfsFile } from '../vfs/index.js';
import type { CheckpointPage, PageLog } from './page-log.js';
import type { PageCache } from './page-cache.js';

/** Largest single write of a run of consecutive pages. */
const RUN_BYTES = 1 << 20;

/**
 * Copies every plan entry except page 1 to the main file and drops each page's cached
 * main-file image (key 0); returns the pages copied.
 */
export function copyCheckpointPages(plan: readonly CheckpointPage[], cache: PageCache, log: PageLog, main: VfsFile, pageSize: number): number {
  const pages = plan.filter((p) => p.pageNo !== 1).sort((a, b) => a.pageNo - b.pageNo);
  const runPages = Math.max(1, Math.floor(RUN_BYTES / pageSize));
  let buf: Uint8Array | null = null;
  const n = pages.length;
  for (let i = 0; i < n; ) {
    // A run: consecutive page ids, at most runPages of them.
    let end = i + 1;
    while (end < n && end - i < runPages && pages[end]!.pageNo === pages[end - 1]!.pageNo + 1) end++;
    const first = pages[i]!;
    if (end - i === 1) {
      const cached = cache.peek(first.pageNo, first.version.lsn);
      let image = cached;
      if (image === undefined) {
        buf ??= new Uint8Array(runPages * pageSize);
        image = buf.subarray(0, pageSize);
        log.readPayload(first.pageNo, first.version.offset, image);
      }
      main.write(image, (first.pageNo - 1) * pageSize);
    } else {
      buf ??= new Uint8Array(runPages * pageSize);
      for (let k = i; k < end; k++) {
        const p = pages[k]!;
        const slot = buf.subarray((k - i) * pageSize, (k - i + 1) * pageSize);
        const cached = cache.peek(p.pageNo, p.version.lsn);
        if (cached !== undefined) slot.set(cached);
        else log.readPayload(p.pageNo, p.version.offset, slot);
      }
      main.write(buf.subarray(0, (end - i) * pageSize), (first.pageNo - 1) * pageSize);
    }
    for (let k = i; k < end; k++) cache.invalidate(pages[k]!.pageNo, 0);
    i = end;
  }
  return n;
}
