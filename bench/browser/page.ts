/**
 * The browser bench page: starts the SQLite WASM worker and exposes window.benchSetup (import
 * the generated database into OPFS) and window.benchRun (open + first query, one-row round
 * trips, insert commits). Node drives both through playwright-core (browser-sqlite.bench.ts).
 */
import { DB_NAME } from './protocol.js';
import { WorkerRpc } from '../lib/worker-rpc.js';
import type { BrowserBenchResult, OpenTimings, WorkerRequest } from './protocol.js';

const scriptStart = performance.now();
const ROUND_TRIP_BATCH = 10;

type Body = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** The SQLite WASM worker of this page. */
const sqliteWorker = (): WorkerRpc<Body> => new WorkerRpc<Body>(new Worker(new URL('./sqlite-worker.ts', import.meta.url), { type: 'module' }));

async function benchSetup(dbUrl: string): Promise<number> {
  const client = sqliteWorker();
  const bytes = await (await fetch(dbUrl)).arrayBuffer();
  const size = bytes.byteLength;
  await client.call({ kind: 'import', bytes }, [bytes]);
  client.worker.terminate();
  return size;
}

async function benchRun(options: { trackCount: number; roundTrips: number; commits: number }): Promise<BrowserBenchResult> {
  const client = sqliteWorker();
  const open = (await client.call({ kind: 'open' })) as OpenTimings;
  const firstResult = performance.now();
  // Chromium coarsens performance.now() to 0.1 ms without cross-origin isolation (which we
  // do not enable: neither engine should need COOP/COEP), so time batches of ROUND_TRIP_BATCH.
  const roundTripMs: number[] = [];
  let seed = 12345;
  const nextId = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return 1 + (seed % options.trackCount); };
  for (let i = 0; i < 20; i++) await client.call({ kind: 'get', trackId: nextId() });
  for (let b = 0; b < Math.ceil(options.roundTrips / ROUND_TRIP_BATCH); b++) {
    const t0 = performance.now();
    for (let i = 0; i < ROUND_TRIP_BATCH; i++) await client.call({ kind: 'get', trackId: nextId() });
    roundTripMs.push((performance.now() - t0) / ROUND_TRIP_BATCH);
  }
  const insertRoundTripMs: number[] = [];
  for (let i = 0; i < options.commits; i++) {
    const t0 = performance.now();
    await client.call({ kind: 'insert', key: i + 1 });
    insertRoundTripMs.push(performance.now() - t0);
  }
  const commitInWorkerMs = (await client.call({ kind: 'commitLoop', count: options.commits })) as number[];
  await client.call({ kind: 'close' });
  client.worker.terminate();
  return {
    navigationToFirstResultMs: firstResult,
    scriptToFirstResultMs: firstResult - scriptStart,
    open, roundTripMs, insertRoundTripMs, commitInWorkerMs,
    userAgent: navigator.userAgent,
  };
}

const w = window as unknown as Record<string, unknown>;
w['benchSetup'] = benchSetup;
w['benchRun'] = benchRun;
w['benchDbName'] = DB_NAME;
w['ready'] = true;
