/**
 * openPager: the one place the Pager (layer 2) is wired to the Wal (layer 3), ADR-0001.
 * The engine opens databases through this.
 */
import { Pager, type PagerOptions } from '../pager/index.js';
import type { Vfs } from '../vfs/index.js';
import { Wal } from './wal.js';

/**
 * Opens (or creates, unless `options.mode` is 'open') the database at `path` with its
 * `<path>-wal`, recovering committed WAL frames.
 * @example
 *   const pager = openPager(new MemoryVfs(), 'app.ddb');
 *   const w = pager.beginWrite(); const n = w.allocate(); w.write(n)[0] = 1; w.commit();
 */
export function openPager(vfs: Vfs, path: string, options?: PagerOptions): Pager {
  return Pager.open(vfs, path, (v, p, pageSize) => Wal.open(v, p, pageSize), options);
}
