/**
 * Opens the owner's storage for one database name: OPFS sync access handles where the worker
 * has them, else IndexedDB ('auto'), or the kind asked for. Gives the Vfs, the database path
 * inside it, and `afterWrite`, which the request queue awaits before acknowledging a write.
 */
import { DecentDBError } from '../src/util/index.js';
import type { Vfs } from '../src/vfs/index.js';
import type { StorageKind } from './api.js';
import { DATABASE_FILE_SUFFIXES } from './engine-host.js';
import { IdbVfs } from './idb-vfs.js';
import { OpfsVfs } from './opfs-vfs.js';
import type { OpfsVfsOptions } from './opfs-vfs.js';

/** The database file's path inside its Vfs; its WAL is `main.ddb-wal`. */
export const DATABASE_PATH = 'main.ddb';

export interface HostStorage {
  readonly kind: 'opfs' | 'idb';
  readonly vfs: Vfs;
  readonly path: string;
  /** Makes everything synced so far durable (IDB flush) and refills handles (OPFS). */
  afterWrite(): Promise<void>;
  close(): Promise<void>;
}

/** The OPFS directory of database `dbName`; its IndexedDB database is `decentdb:<dbName>`. */
export const opfsDirectoryName = (dbName: string): string => `decentdb-${encodeURIComponent(dbName)}`;

export async function openStorage(dbName: string, kind: StorageKind, opfsOptions: OpfsVfsOptions = {}): Promise<HostStorage> {
  const opfs = OpfsVfs.isSupported();
  if (kind === 'opfs' && !opfs) {
    throw new DecentDBError('ERR_BROWSER_SYNC_ACCESS_HANDLE_UNAVAILABLE', 'OPFS sync access handles are not available in this worker');
  }
  if (kind === 'opfs' || (kind === 'auto' && opfs)) {
    const vfs = await OpfsVfs.create(opfsDirectoryName(dbName), opfsOptions, DATABASE_FILE_SUFFIXES.map((s) => DATABASE_PATH + s));
    return { kind: 'opfs', vfs, path: DATABASE_PATH, afterWrite: () => vfs.settle(), close: () => vfs.close() };
  }
  const vfs = await IdbVfs.create(`decentdb:${dbName}`);
  return { kind: 'idb', vfs, path: DATABASE_PATH, afterWrite: () => vfs.flush(), close: () => vfs.close() };
}
