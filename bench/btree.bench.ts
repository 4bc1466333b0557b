/**
 * B+Tree bench (issue 2) on the in-memory PageStore: 1M sequential and 1M random u64 inserts
 * with ~100-byte values, point lookups p50/p95 (decoded-page cache on and off), a 100k-row range
 * scan and a bulk build of 1M sorted keys; ops/s and heap used. Baseline: better-sqlite3
 * `:memory:` rowid table (k INTEGER PRIMARY KEY, v BLOB), one transaction per load.
 * The pager-backed and NodeVfs variants come with the pager. Run: `npx tsx bench/btree.bench.ts [--quick]`.
 */
import Database from 'better-sqlite3';
import type { U64 } from '../src/util/index.js';
import { BTree, MemoryPageStore, setPageViewCache } from '../src/btree/index.js';
import { describeMachine } from './lib/machine.js';
import { MemoryTracker, toMiB } from './lib/memory.js';
import { type MetricResult, emitResult, formatTable, metric, parseBenchArgs } from './lib/result.js';
import { sampleLatencies } from './lib/timer.js';

const { mode } = parseBenchArgs();
const N = mode === 'quick' ? 100_000 : 1_000_000;
const LOOKUPS = mode === 'quick' ? 20_000 : 100_000;
const SCAN = 100_000;
const VALUE = new Uint8Array(100).fill(0x61);
const results: MetricResult[] = [];
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** splitmix64: deterministic random u64 as bigint. */
function mix(i: number): bigint {
  let z = (BigInt(i + 1) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return z ^ (z >> 31n);
}
const canon = (b: bigint): U64 => (b <= 9007199254740991n ? Number(b) : b);

function keysOf(kind: 'sequential' | 'random53' | 'random64'): U64[] {
  const keys: U64[] = new Array<U64>(N);
  for (let i = 0; i < N; i++) {
    if (kind === 'sequential') keys[i] = i + 1;
    else if (kind === 'random53') keys[i] = Number(mix(i) >> 11n);
    else keys[i] = canon(mix(i));
  }
  return keys;
}

function ours(kind: 'sequential' | 'random53' | 'random64', keys: U64[], mem: MemoryTracker): { tree: BTree; store: MemoryPageStore; insertPerSec: number } {
  const store = new MemoryPageStore(4096);
  const tree = BTree.create(store);
  const t0 = nowMs();
  for (let i = 0; i < N; i++) {
    tree.insert(keys[i]!, VALUE);
    if ((i & 0xffff) === 0) mem.sample();
  }
  store.commit();
  const ms = nowMs() - t0;
  const st = tree.stats();
  results.push(metric(`insert ${kind} (${N})`, 'ops/s', { decentdb: (N * 1000) / ms }, `${st.leaves} leaves, depth ${st.depth}, ${toMiB(store.pageCount * 4096)} MiB pages`));
  return { tree, store, insertPerSec: (N * 1000) / ms };
}

function sqlite(keys: readonly U64[]): { db: Database.Database; perSec: number } {
  const db = new Database(':memory:');
  db.pragma('journal_mode = OFF');
  db.exec('CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)');
  const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
  const buf = Buffer.from(VALUE);
  const t0 = nowMs();
  db.transaction(() => {
    for (let i = 0; i < keys.length; i++) ins.run(BigInt.asIntN(64, BigInt(keys[i]!)), buf);
  })();
  return { db, perSec: (keys.length * 1000) / (nowMs() - t0) };
}

const mem = new MemoryTracker();
const machine = describeMachine();

// Sequential inserts.
{
  const keys = keysOf('sequential');
  const { tree } = ours('sequential', keys, mem);
  const base = sqlite(keys);
  const last = results[results.length - 1]!;
  results[results.length - 1] = metric(last.metric, last.unit, { decentdb: last.decentdb, baseline: base.perSec }, last.notes);
  // Range scan of 100k rows from the middle.
  const c = tree.cursor();
  const t0 = nowMs();
  let n = 0;
  let bytes = 0;
  for (let ok = c.seek(N >> 1); ok && n < SCAN; ok = c.next(), n++) bytes += c.value().length;
  const scanMs = nowMs() - t0;
  const stmt = base.db.prepare('SELECT k, v FROM t WHERE k >= ? LIMIT ?');
  const t1 = nowMs();
  let m = 0;
  for (const row of stmt.iterate(N >> 1, SCAN)) m += (row as { v: Buffer }).v.length;
  const baseScanMs = nowMs() - t1;
  results.push(metric(`range scan ${SCAN} rows`, 'ms', { decentdb: scanMs, baseline: baseScanMs }, `${bytes === m ? 'same bytes' : 'bytes differ'}; ${Math.round((SCAN * 1000) / scanMs)} rows/s`));
  base.db.close();
}

// Random inserts and point lookups.
for (const kind of ['random53', 'random64'] as const) {
  const keys = keysOf(kind);
  const { tree } = ours(kind, keys, mem);
  const base = sqlite(keys);
  const last = results[results.length - 1]!;
  results[results.length - 1] = metric(last.metric, last.unit, { decentdb: last.decentdb, baseline: base.perSec }, last.notes);
  const pick = (i: number): U64 => keys[(i * 7919) % N]!;
  for (const cache of [true, false]) {
    setPageViewCache(cache);
    const s = sampleLatencies((i) => tree.get(pick(i)), { iterations: LOOKUPS });
    const label = `lookup ${kind}${cache ? '' : ' (no page-view cache)'}`;
    const q = base.db.prepare('SELECT v FROM t WHERE k = ?');
    const b = cache ? sampleLatencies((i) => q.get(BigInt.asIntN(64, BigInt(pick(i)))), { iterations: LOOKUPS }) : undefined;
    results.push(metric(`${label} p50`, 'µs', { decentdb: s.summary.p50 * 1000, baseline: b === undefined ? undefined : b.summary.p50 * 1000 }));
    results.push(metric(`${label} p95`, 'µs', { decentdb: s.summary.p95 * 1000, baseline: b === undefined ? undefined : b.summary.p95 * 1000 }, `${Math.round(1000 / s.summary.mean)} lookups/s`));
  }
  setPageViewCache(true);
  base.db.close();
}

// Bulk build of N sorted keys.
{
  const store = new MemoryPageStore(4096);
  const t0 = nowMs();
  const entries = function* (): Generator<readonly [U64, Uint8Array]> {
    for (let i = 1; i <= N; i++) yield [i, VALUE] as const;
  };
  const tree = BTree.bulkBuild(store, entries());
  store.commit();
  const ms = nowMs() - t0;
  const st = tree.stats();
  const perLeaf = Math.floor(4088 / (1 + 2 + 100)); // 1-byte key delta, 2-byte control
  results.push(metric(`bulk build ${N} sorted`, 'ops/s', { decentdb: (N * 1000) / ms }, `${st.leaves} leaves (minimum ${Math.ceil(N / perLeaf)}), depth ${st.depth}`));
}

const peak = mem.peak();
results.push(metric('peak heap used', 'MiB', { decentdb: toMiB(peak.heapUsedBytes) }, `rss ${toMiB(peak.rssBytes)} MiB`));

const result = {
  name: 'btree',
  machine,
  baseline: 'better-sqlite3 :memory: rowid table',
  params: { keys: N, lookups: LOOKUPS, valueBytes: VALUE.length, mode },
  results,
};
process.stdout.write(`${formatTable(result)}\n`);
emitResult(result);
