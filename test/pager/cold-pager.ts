/** Shared by the read-ahead and scan-ring tests: a main file of tagged pages, reopened cold. */
import type { Pager } from '../../src/pager/index.js';
import { MemoryVfs } from '../../src/vfs/index.js';
import type { OpenFlags, VfsFile } from '../../src/vfs/index.js';
import { openPager } from '../../src/wal/index.js';

/** A MemoryVfs counting the read calls (and the bytes they asked for) made on the main database file. */
export class CountingVfs extends MemoryVfs {
  mainReads = 0;
  mainBytes = 0;
  override open(path: string, flags: OpenFlags): VfsFile {
    const f = super.open(path, flags);
    if (!path.endsWith('.ddb')) return f;
    const read = f.read.bind(f);
    f.read = (buf: Uint8Array, offset: number): number => {
      this.mainReads++;
      this.mainBytes += buf.length;
      return read(buf, offset);
    };
    return f;
  }
}

/** Pages 2..pages+1 filled with their number (mod 256), checkpointed into the main file, reopened cold. */
export function coldPager(vfs: CountingVfs, pages: number, cacheBytes: number): Pager {
  const setup = openPager(vfs, 'a.ddb', { cacheBytes: 1 << 20 });
  const w = setup.beginWrite();
  for (let p = 2; p <= pages + 1; p++) {
    w.allocate();
    w.write(p).fill(p & 0xff);
  }
  w.commit();
  setup.close();
  const pager = openPager(vfs, 'a.ddb', { cacheBytes });
  vfs.mainReads = 0;
  vfs.mainBytes = 0;
  return pager;
}
