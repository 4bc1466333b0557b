/**
 * The DecentDB browser bench page: window.benchSetup imports a database built in Node into
 * OPFS through `connect().import()`; window.benchRun measures connect → first query result,
 * one-row query round trips through the Comlink proxy, and autocommit INSERT latency per
 * durability mode. Node drives it through playwright-core (bench/browser-decentdb.bench.ts).
 */
import { connect } from '../../worker/index.js';
import type { Durability } from '../../worker/index.js';

const ROUND_TRIP_BATCH = 10;

export interface DecentBrowserRun {
  readonly navigationToFirstResultMs: number;
  readonly connectToFirstResultMs: number;
  readonly connectMs: number;
  readonly firstRow: string;
  /** Per-query ms, each the mean of a batch of ROUND_TRIP_BATCH (the timer is 0.1 ms-coarse). */
  readonly roundTripMs: number[];
  /** Per-insert ms by durability mode, each a batch mean. */
  readonly commitMs: Record<Durability, number[]>;
}

async function benchSetup(dbUrl: string): Promise<number> {
  const bytes = new Uint8Array(await (await fetch(dbUrl)).arrayBuffer());
  const db = await connect('music');
  await db.import(bytes);
  await db.close();
  return bytes.length;
}

async function benchRun(options: { trackCount: number; roundTrips: number; commits: number }): Promise<DecentBrowserRun> {
  const t0 = performance.now();
  const db = await connect('music');
  const connected = performance.now();
  const first = await db.query('SELECT title FROM track WHERE id = $1', [1], { rowMode: 'array' }) as unknown[][];
  const firstResult = performance.now();
  let seed = 12345;
  const nextId = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return 1 + (seed % options.trackCount); };
  const st = await db.prepare('SELECT id, title, milliseconds FROM track WHERE id = $1');
  for (let i = 0; i < 20; i++) await st.get([nextId()]);
  const roundTripMs: number[] = [];
  for (let b = 0; b < Math.ceil(options.roundTrips / ROUND_TRIP_BATCH); b++) {
    const t = performance.now();
    for (let i = 0; i < ROUND_TRIP_BATCH; i++) await db.query('SELECT id, title, milliseconds FROM track WHERE id = $1', [nextId()]);
    roundTripMs.push((performance.now() - t) / ROUND_TRIP_BATCH);
  }
  await st.finalize();
  await db.close();

  const commitMs: Record<Durability, number[]> = { full: [], normal: [], off: [] };
  for (const durability of ['full', 'normal', 'off'] as const) {
    const c = await connect(`commits-${durability}-${Date.now()}`, { durability });
    await c.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    for (let i = 0; i < 10; i++) await c.query('INSERT INTO t (v) VALUES ($1)', [`warm${i}`]);
    for (let b = 0; b < Math.ceil(options.commits / ROUND_TRIP_BATCH); b++) {
      const t = performance.now();
      for (let i = 0; i < ROUND_TRIP_BATCH; i++) await c.query('INSERT INTO t (v) VALUES ($1)', [`row ${b}-${i}`]);
      commitMs[durability].push((performance.now() - t) / ROUND_TRIP_BATCH);
    }
    await c.close();
  }
  return {
    navigationToFirstResultMs: firstResult,
    connectToFirstResultMs: firstResult - t0,
    connectMs: connected - t0,
    firstRow: String(first[0]?.[0]),
    roundTripMs,
    commitMs,
  };
}

Object.assign(window, { benchSetup, benchRun, ready: true });
