/**
 * SQLite WASM (@sqlite.org/sqlite-wasm, opfs-sahpool VFS: no COOP/COEP) in a Dedicated Worker,
 * answering the workload page's SQL requests. Statements are prepared once and cached by their
 * text; rows go back as objects, as the OO1 API gives them. The workload's SQL is DecentDB's
 * dialect: `$N` becomes `?N` and ILIKE becomes LIKE (ASCII case-insensitive in SQLite).
 */
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { serveRpc } from '../lib/worker-rpc.js';
import type { PoolUtil, Db, Stmt } from '../lib/sqlite-wasm-types.js';
import { SQLITE_DB_NAME } from './protocol.js';
import type { SqliteRequest } from './protocol.js';
import type { ResultRow, SqlParams } from './workload.js';

let pool: PoolUtil | undefined;
let db: Db | undefined;
const statements = new Map<string, Stmt>();

async function installPool(): Promise<PoolUtil> {
  const sqlite3 = await sqlite3InitModule();
  pool = await sqlite3.installOpfsSAHPoolVfs({ name: 'workload-sahpool' });
  return pool;
}

function prepared(sql: string, params: SqlParams): Stmt {
  if (db === undefined) throw new Error('database is not open');
  let s = statements.get(sql);
  if (s === undefined) {
    s = db.prepare(sql.replace(/\bILIKE\b/g, 'LIKE').replace(/\$(\d+)/g, '?$1'));
    statements.set(sql, s);
  }
  if (params.length > 0) s.bind(params as (string | number | null)[]);
  return s;
}

async function handle(req: SqliteRequest): Promise<readonly ResultRow[] | string | undefined> {
  switch (req.kind) {
    case 'import': {
      const p = pool ?? (await installPool());
      await p.importDb(SQLITE_DB_NAME, new Uint8Array(req.bytes));
      return undefined;
    }
    case 'open': {
      const p = await installPool();
      db = new p.OpfsSAHPoolDb(SQLITE_DB_NAME);
      db.exec(`PRAGMA cache_size = -${req.cacheKiB}`);
      return `journal_mode=${String(db.selectValue('PRAGMA journal_mode'))} synchronous=${String(db.selectValue('PRAGMA synchronous'))} `
        + `cache_size=${String(db.selectValue('PRAGMA cache_size'))} page_size=${String(db.selectValue('PRAGMA page_size'))}`;
    }
    case 'all': {
      const s = prepared(req.sql, req.params);
      const rows: ResultRow[] = [];
      try {
        while (s.step()) rows.push(s.get({}) as ResultRow);
      } finally {
        s.reset();
      }
      return rows;
    }
    case 'run': {
      const s = prepared(req.sql, req.params);
      try {
        s.step();
      } finally {
        s.reset();
      }
      return undefined;
    }
    case 'close': {
      for (const s of statements.values()) s.finalize();
      statements.clear();
      db?.close();
      db = undefined;
      return undefined;
    }
  }
}

serveRpc(handle);
