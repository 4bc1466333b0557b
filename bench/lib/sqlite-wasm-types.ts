/** Types of @sqlite.org/sqlite-wasm's opfs-sahpool API, for the browser benches' SQLite workers. */
import type sqlite3InitModule from '@sqlite.org/sqlite-wasm';

export type Sqlite3 = Awaited<ReturnType<typeof sqlite3InitModule>>;
export type PoolUtil = Awaited<ReturnType<Sqlite3['installOpfsSAHPoolVfs']>>;
export type Db = InstanceType<PoolUtil['OpfsSAHPoolDb']>;
export type Stmt = ReturnType<Db['prepare']>;
