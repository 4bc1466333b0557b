/**
 * The workload page: window.benchSetup imports both databases into OPFS; window.benchRun runs
 * the workload (workload.ts) against one engine — DecentDB through `connect()` from
 * decentdb/browser, or SQLite WASM in its own worker. Node drives it (browser-workload.bench.ts).
 */
import { connect } from '../../worker/index.js';
import { WorkerRpc } from '../lib/worker-rpc.js';
import type { SqliteRequest } from './protocol.js';
import { runWorkload } from './workload.js';
import type { ResultRow, SqlParams, WorkloadEngine, WorkloadOptions, WorkloadResult } from './workload.js';

export type EngineName = 'decentdb' | 'sqlite';
const CACHE_BYTES = 16 * 1024 * 1024;

type Body = SqliteRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The SQLite WASM worker of this page. */
const sqliteWorker = (): WorkerRpc<Body> => new WorkerRpc<Body>(new Worker(new URL('./sqlite-worker.ts', import.meta.url), { type: 'module' }));

async function openSqlite(): Promise<WorkloadEngine> {
  const w = sqliteWorker();
  await w.call({ kind: 'open', cacheKiB: CACHE_BYTES / 1024 });
  const run = async (sql: string, params: SqlParams = []): Promise<void> => { await w.call({ kind: 'run', sql, params }); };
  return {
    all: async (sql, params = []) => (await w.call({ kind: 'all', sql, params })) as ResultRow[],
    run,
    transaction: async (fn) => {
      await run('BEGIN');
      try {
        await fn(run);
      } catch (e) {
        await run('ROLLBACK');
        throw e;
      }
      await run('COMMIT');
    },
    close: async () => { await w.call({ kind: 'close' }); w.worker.terminate(); },
  };
}

async function openDecentDb(): Promise<WorkloadEngine> {
  const db = await connect('music', { cacheSizeBytes: CACHE_BYTES });
  return {
    all: async (sql, params = []) => (await db.query(sql, [...params])) as ResultRow[],
    run: async (sql, params = []) => { await db.query(sql, [...params]); },
    transaction: (fn) => db.transaction(async (tx) => { await fn(async (sql, params = []) => { await tx.query(sql, [...params]); }); }),
    close: () => db.close(),
  };
}

async function benchSetup(urls: Record<EngineName, string>): Promise<Record<EngineName, number>> {
  const decent = new Uint8Array(await (await fetch(urls.decentdb)).arrayBuffer());
  const db = await connect('music');
  await db.import(decent);
  await db.close();
  const sqliteBytes = await (await fetch(urls.sqlite)).arrayBuffer();
  const size = sqliteBytes.byteLength;
  const w = sqliteWorker();
  await w.call({ kind: 'import', bytes: sqliteBytes }, [sqliteBytes]);
  w.worker.terminate();
  return { decentdb: decent.length, sqlite: size };
}

function benchRun(engine: EngineName, options: WorkloadOptions): Promise<WorkloadResult> {
  return runWorkload(engine === 'decentdb' ? openDecentDb : openSqlite, options);
}

Object.assign(window, { benchSetup, benchRun, ready: true });
