/**
 * A committed snapshot of a database file for tools, read through the Pager with WAL replay
 * on a copy-on-write overlay (overlay-vfs.ts), so nothing is ever written: `inspect`,
 * `.tables`/`.schema` and `export --sql` (the Database API has no catalog query yet). The
 * store exposes `pageCount` so B+Tree walks bound page ids (loops end as ERR_CORRUPTION).
 */
import { DecentDBError } from '../util/index.js';
import type { Vfs } from '../vfs/index.js';
import type { DbHeader, PageStore, ReadTransaction } from '../pager/index.js';
import { openPager } from '../wal/index.js';
import { readCatalog, type CatalogEntry } from '../catalog/index.js';
import { OverlayVfs } from './overlay-vfs.js';

/** Read-only PageStore over a snapshot, with the page count B+Tree walks bound ids by. */
class SnapshotStore implements PageStore {
  readonly pageSize: number;
  readonly pageCount: number;

  constructor(private readonly txn: ReadTransaction) {
    this.pageSize = txn.pageSize;
    this.pageCount = txn.header.pageCount;
  }

  read(pageNo: number): Uint8Array {
    return this.txn.read(pageNo);
  }

  write(pageNo: number): Uint8Array {
    throw readOnly(`write page ${pageNo}`);
  }

  allocate(): number {
    throw readOnly('allocate a page');
  }

  free(pageNo: number): void {
    throw readOnly(`free page ${pageNo}`);
  }
}

const readOnly = (what: string): DecentDBError => new DecentDBError('ERR_INTERNAL', `read-only snapshot cannot ${what}`);

/** Runs `fn` on the committed state of the database at `path` (its WAL replayed). */
export function withSnapshot<T>(vfs: Vfs, path: string, fn: (store: PageStore & { readonly pageCount: number }, header: DbHeader) => T): T {
  const pager = openPager(new OverlayVfs(vfs), path, { mode: 'open', checkpointOnClose: false });
  try {
    const read = pager.beginRead();
    try {
      return fn(new SnapshotStore(read), read.header);
    } finally {
      read.end();
    }
  } finally {
    pager.close();
  }
}

/** Every catalog record of the database at `path`, in key order. */
export function readCatalogSnapshot(vfs: Vfs, path: string): CatalogEntry[] {
  return withSnapshot(vfs, path, (store, header) => readCatalog(store, header.rootCatalog).map((e) => e.entry));
}
