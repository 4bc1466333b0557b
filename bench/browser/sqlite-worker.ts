/**
 * Dedicated worker for the browser baseline: SQLite WASM (@sqlite.org/sqlite-wasm) on its
 * opfs-sahpool VFS (no COOP/COEP needed). Answers protocol.ts requests; times the open path
 * (WASM init, VFS install, open, first query) and single-row commits inside the worker.
 */
import sqlite3InitModule from '@sqlite.org/sqlite-wasm';
import { serveRpc } from '../lib/worker-rpc.js';
import type { PoolUtil, Db, Stmt } from '../lib/sqlite-wasm-types.js';
import { DB_NAME } from './protocol.js';
import type { OpenTimings, WorkerRequest } from './protocol.js';

let pool: PoolUtil | undefined;
let db: Db | undefined;
let lookup: Stmt | undefined;
let insert: Stmt | undefined;

async function installPool(): Promise<{ pool: PoolUtil; initMs: number; vfsMs: number }> {
  const t0 = performance.now();
  const sqlite3 = await sqlite3InitModule();
  const t1 = performance.now();
  const p = await sqlite3.installOpfsSAHPoolVfs({ name: 'bench-sahpool' });
  pool = p;
  return { pool: p, initMs: t1 - t0, vfsMs: performance.now() - t1 };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} is not open`);
  return value;
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.kind) {
    case 'import': {
      const p = pool ?? (await installPool()).pool;
      return p.importDb(DB_NAME, new Uint8Array(req.bytes));
    }
    case 'open': {
      const { pool: p, initMs, vfsMs } = await installPool();
      const t0 = performance.now();
      const d = new p.OpfsSAHPoolDb(DB_NAME);
      const t1 = performance.now();
      const first = d.selectValue('SELECT t.title || \' — \' || al.title FROM track t JOIN album al ON al.id = t.album_id WHERE t.id = 1');
      const t2 = performance.now();
      db = d;
      lookup = d.prepare('SELECT id, title, milliseconds FROM track WHERE id = ?');
      d.exec('DROP TABLE IF EXISTS kv; CREATE TABLE kv (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
      insert = d.prepare('INSERT INTO kv (id, payload) VALUES (?, ?)');
      const settings = `journal_mode=${String(d.selectValue('PRAGMA journal_mode'))} synchronous=${String(d.selectValue('PRAGMA synchronous'))} `
        + `cache_size=${String(d.selectValue('PRAGMA cache_size'))} page_size=${String(d.selectValue('PRAGMA page_size'))}`;
      const timings: OpenTimings = { initMs, vfsMs, openMs: t1 - t0, firstQueryMs: t2 - t1, settings, firstRow: String(first) };
      return timings;
    }
    case 'get': {
      const s = need(lookup, 'database');
      s.bind([req.trackId]);
      const row = s.step() ? s.get({}) : undefined;
      s.reset();
      return row;
    }
    case 'insert': {
      const s = need(insert, 'database');
      s.bind([req.key, `payload ${req.key}`]).stepReset();
      return undefined;
    }
    case 'commitLoop': {
      const s = need(insert, 'database');
      const out: number[] = [];
      for (let i = 0; i < req.count; i++) {
        const t0 = performance.now();
        s.bind([1_000_000 + i, `payload ${i}`]).stepReset();
        out.push(performance.now() - t0);
      }
      return out;
    }
    case 'close': {
      lookup?.finalize();
      insert?.finalize();
      db?.close();
      db = undefined;
      return undefined;
    }
  }
}

serveRpc(handle);
