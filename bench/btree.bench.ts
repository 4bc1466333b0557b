/**
 * B+Tree bench (issue 2). Part 1, the in-memory PageStore: 1M sequential and 1M random u64
 * inserts with ~100-byte values, point lookups p50/p95 (decoded-page cache on and off), a
 * 100k-row range scan, a bulk build of 1M sorted keys. Baseline: better-sqlite3 `:memory:`.
 * Part 2, the real pager on NodeVfs (temp dir) and MemoryVfs: the same loads in one write
 * transaction (spilling), lookups through read transactions, scan, bulk build, peak memory,
 * file size after checkpoint, cache hit rates, and a scan-plus-lookup mix against a simulated
 * plain LRU. Baseline: better-sqlite3 file in WAL mode, same cache size.
 * Run: `npx tsx bench/btree.bench.ts [--quick|--full] [--part=memory|pager]`.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { U64 } from '../src/util/index.js';
import { BTree, MemoryPageStore, setPageViewCache } from '../src/btree/index.js';
import type { PageStore, Pager } from '../src/pager/index.js';
import { MemoryVfs } from '../src/vfs/index.js';
import { NodeVfs } from '../src/vfs/node-vfs.js';
import { openPager } from '../src/wal/index.js';
import { makeTempDir } from './lib/temp-dir.js';
import { describeMachine } from './lib/machine.js';
import { MemoryTracker, toMiB } from './lib/memory.js';
import { type MetricResult, emitResult, flagValue, formatTable, metric, parseBenchArgs } from './lib/result.js';
import { sampleLatencies } from './lib/timer.js';

const { mode } = parseBenchArgs();
const part = flagValue(process.argv.slice(2), 'part');
const runMemory = part === undefined || part === 'memory';
const runPager = part === undefined || part === 'pager';
const N = mode === 'quick' ? 100_000 : 1_000_000;
const LOOKUPS = mode === 'quick' ? 20_000 : 100_000;
const SCAN = 100_000;
/** Pager cache (and SQLite cache_size) for part 2; spill-safe point every SPILL_EVERY inserts. */
const CACHE_BYTES = 4 << 20;
const SPILL_EVERY = 1024;
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

if (runMemory) {
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
for (const kind of mode === 'full' ? (['random53', 'random64'] as const) : (['random64'] as const)) {
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

}

// ---- Part 2: the real pager (WriteTransaction / ReadTransaction) on NodeVfs and MemoryVfs ----


interface PagerDb {
  readonly pager: Pager;
  readonly vfs: NodeVfs | MemoryVfs;
  readonly path: string;
  mainFileBytes(): number;
  close(): void;
}

function openDb(vfsKind: 'NodeVfs' | 'MemoryVfs', name: string): PagerDb {
  const dir = vfsKind === 'NodeVfs' ? makeTempDir('btree') : undefined;
  const vfs = vfsKind === 'NodeVfs' ? new NodeVfs() : new MemoryVfs();
  const path = dir === undefined ? `${name}.ddb` : join(dir.path, `${name}.ddb`);
  const pager = openPager(vfs, path, { durability: 'full', cacheBytes: CACHE_BYTES, checkpointOnClose: false });
  return {
    pager, vfs, path,
    mainFileBytes: () => {
      if (dir !== undefined) return statSync(path).size;
      const f = vfs.open(path, { mode: 'open', readOnly: true });
      const n = f.size();
      f.close();
      return n;
    },
    close: () => {
      pager.close();
      dir?.dispose();
    },
  };
}

const hitRate = (h: number, m: number): string => `${((100 * h) / Math.max(1, h + m)).toFixed(1)} %`;
const memNote = (t: MemoryTracker): string => {
  const p = t.peak();
  return `peak rss ${toMiB(p.rssBytes)} MiB (+${toMiB(p.rssBytes - p.baselineRssBytes)}), heap ${toMiB(p.heapUsedBytes)} MiB`;
};

/** Loads `keys` in one write transaction (spill-safe point every SPILL_EVERY inserts). */
function pagerLoad(db: PagerDb, keys: readonly U64[], label: string): number {
  const t = new MemoryTracker();
  const s0 = db.pager.stats;
  const t0 = nowMs();
  const w = db.pager.beginWrite();
  const tree = BTree.create(w);
  for (let i = 0; i < keys.length; i++) {
    tree.insert(keys[i]!, VALUE);
    if (i % SPILL_EVERY === SPILL_EVERY - 1) w.spillSafePoint();
    if ((i & 0xffff) === 0) t.sample();
  }
  const root = tree.root;
  w.commit();
  const ms = nowMs() - t0;
  const s1 = db.pager.stats;
  const c0 = nowMs();
  db.pager.checkpoint();
  const ckMs = nowMs() - c0;
  results.push(metric(label, 'ops/s', { decentdb: (keys.length * 1000) / ms },
    `${memNote(t)}; ${s1.spilledPages - s0.spilledPages} pages spilled; cache hit ${hitRate(s1.cacheHits - s0.cacheHits, s1.cacheMisses - s0.cacheMisses)}; checkpoint ${ckMs.toFixed(0)} ms`));
  return root;
}

function pagerLookups(db: PagerDb, root: number, keys: readonly U64[], label: string): void {
  const s0 = db.pager.stats;
  const s = sampleLatencies((i) => {
    const r = db.pager.beginRead();
    new BTree(r, root).get(keys[(i * 7919) % keys.length]!);
    r.end();
  }, { iterations: LOOKUPS, budgetMs: 15_000 });
  const s1 = db.pager.stats;
  results.push(metric(`${label} p50`, 'µs', { decentdb: s.summary.p50 * 1000 }));
  results.push(metric(`${label} p95`, 'µs', { decentdb: s.summary.p95 * 1000 },
    `${s.samplesMs.length} lookups, one read transaction each; cache hit ${hitRate(s1.cacheHits - s0.cacheHits, s1.cacheMisses - s0.cacheMisses)}`));
}

function pagerScan(db: PagerDb, root: number, from: U64, label: string): number {
  const r = db.pager.beginRead();
  const c = new BTree(r, root).cursor();
  const t0 = nowMs();
  let n = 0;
  let bytes = 0;
  for (let ok = c.seek(from); ok && n < SCAN; ok = c.next(), n++) bytes += c.value().length;
  const ms = nowMs() - t0;
  r.end();
  results.push(metric(label, 'ms', { decentdb: ms }, `${n} rows, ${Math.round((n * 1000) / ms)} rows/s`));
  return bytes;
}

/**
 * A long scan with hot-key lookups interleaved (one every 200 rows, hot keys round robin, so a
 * hot leaf is re-read only after ~HOT*200 scanned rows): the lookups' hit rate in the 2Q cache,
 * and that of a plain LRU of the same capacity replayed over the same page-access trace.
 */
function scanMix(db: PagerDb, root: number, keys: readonly U64[], label: string): void {
  const HOT = 500;
  const trace: number[] = [];
  const traced = (store: PageStore, lookup: number): PageStore => ({
    pageSize: store.pageSize,
    read: (n) => {
      trace.push(n * 2 + lookup);
      return store.read(n);
    },
    write: (n) => store.write(n),
    allocate: () => store.allocate(),
    free: (n) => store.free(n),
  });
  const hot = (j: number): U64 => keys[(j * 104729) % keys.length]!;
  const lookup = (j: number): void => {
    const r = db.pager.beginRead();
    new BTree(traced(r, 1), root).get(hot(j % HOT));
    r.end();
  };
  for (let j = 0; j < 4 * HOT; j++) lookup(j);
  const warmTrace = trace.length;
  let hits = 0;
  let misses = 0;
  const reader = db.pager.beginRead();
  const c = new BTree(traced(reader, 0), root).cursor();
  let rows = 0;
  let lookups = 0;
  for (let ok = c.first(); ok; ok = c.next()) {
    if (++rows % 200 !== 0) continue;
    const s0 = db.pager.stats;
    lookup(lookups++);
    const s1 = db.pager.stats;
    hits += s1.cacheHits - s0.cacheHits;
    misses += s1.cacheMisses - s0.cacheMisses;
  }
  reader.end();
  // Plain LRU (Map insertion order) of the same capacity over the same trace.
  const cap = db.pager.cache.capacityPages;
  const lru = new Map<number, true>();
  let lruHits = 0;
  let lruMisses = 0;
  for (let k = 0; k < trace.length; k++) {
    const pageNo = trace[k]! >> 1;
    const hit = lru.delete(pageNo);
    lru.set(pageNo, true);
    if (!hit && lru.size > cap) lru.delete(lru.keys().next().value!);
    if (k >= warmTrace && (trace[k]! & 1) === 1) {
      if (hit) lruHits++;
      else lruMisses++;
    }
  }
  const rate = (100 * hits) / Math.max(1, hits + misses);
  const lruRate = (100 * lruHits) / Math.max(1, lruHits + lruMisses);
  results.push(metric(label, '% hits', { decentdb: rate },
    `${lookups} lookups of ${HOT} hot keys during a ${rows}-row scan; plain LRU (${cap} pages, same trace): ${lruRate.toFixed(1)} %`));
}

function pagerBulk(db: PagerDb, label: string): void {
  const t = new MemoryTracker();
  const t0 = nowMs();
  const w = db.pager.beginWrite();
  const entries = function* (): Generator<readonly [U64, Uint8Array]> {
    for (let i = 1; i <= N; i++) yield [i, VALUE] as const;
  };
  BTree.bulkBuild(w, entries());
  t.sample();
  w.commit();
  const ms = nowMs() - t0;
  db.pager.checkpoint();
  results.push(metric(label, 'ops/s', { decentdb: (N * 1000) / ms }, `${memNote(t)}; file after checkpoint ${toMiB(db.mainFileBytes())} MiB`));
}

interface SqliteFigures { loadPerSec: number; p50: number; p95: number; scanMs: number | undefined; fileMiB: number }

/** better-sqlite3 on a file: WAL mode, synchronous FULL, 4 MiB cache; the same operations. */
function sqliteFile(keys: readonly U64[], scanFrom: U64 | undefined): SqliteFigures {
  const dir = makeTempDir('btreesq');
  const path = join(dir.path, 's.db');
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma(`cache_size = -${CACHE_BYTES >> 10}`);
  db.exec('CREATE TABLE t(k INTEGER PRIMARY KEY, v BLOB)');
  const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
  const buf = Buffer.from(VALUE);
  const t0 = nowMs();
  db.transaction(() => {
    for (let i = 0; i < keys.length; i++) ins.run(BigInt.asIntN(64, BigInt(keys[i]!)), buf);
  })();
  const loadPerSec = (keys.length * 1000) / (nowMs() - t0);
  db.pragma('wal_checkpoint(TRUNCATE)');
  const fileMiB = toMiB(statSync(path).size);
  const q = db.prepare('SELECT v FROM t WHERE k = ?');
  const s = sampleLatencies((i) => q.get(BigInt.asIntN(64, BigInt(keys[(i * 7919) % keys.length]!))), { iterations: LOOKUPS, budgetMs: 15_000 });
  let scanMs: number | undefined;
  if (scanFrom !== undefined) {
    const stmt = db.prepare('SELECT k, v FROM t WHERE k >= ? LIMIT ?');
    const t1 = nowMs();
    let m = 0;
    for (const row of stmt.iterate(scanFrom, SCAN)) m += (row as { v: Buffer }).v.length;
    scanMs = nowMs() - t1;
  }
  db.close();
  dir.dispose();
  return { loadPerSec, p50: s.summary.p50 * 1000, p95: s.summary.p95 * 1000, scanMs, fileMiB };
}

/** Adds the baseline to the last result named `name`. */
function withBaseline(name: string, baseline: number | undefined): void {
  const i = results.findIndex((r) => r.metric === name);
  if (i < 0 || baseline === undefined) return;
  const r = results[i]!;
  results[i] = metric(r.metric, r.unit, { decentdb: r.decentdb, baseline }, r.notes);
}

function pagerPart(): void {
  const seq = keysOf('sequential');
  const rnd = keysOf('random64');
  for (const vfsKind of ['NodeVfs', 'MemoryVfs'] as const) {
    for (const [kind, keys] of [['sequential', seq], ['random64', rnd]] as const) {
      const db = openDb(vfsKind, kind);
      const root = pagerLoad(db, keys, `${vfsKind}: insert ${kind} (${N}, one transaction)`);
      const sizeMiB = toMiB(db.mainFileBytes());
      results.push(metric(`${vfsKind}: file after checkpoint (${kind})`, 'MiB', { decentdb: sizeMiB }));
      pagerLookups(db, root, keys, `${vfsKind}: lookup ${kind}`);
      if (kind === 'sequential') {
        pagerScan(db, root, N >> 1, `${vfsKind}: range scan ${SCAN} rows`);
        scanMix(db, root, keys, `${vfsKind}: hot lookups during a full scan, hit rate`);
      }
      db.close();
      if (vfsKind === 'NodeVfs') {
        const b = sqliteFile(keys, kind === 'sequential' ? N >> 1 : undefined);
        withBaseline(`${vfsKind}: insert ${kind} (${N}, one transaction)`, b.loadPerSec);
        withBaseline(`${vfsKind}: file after checkpoint (${kind})`, b.fileMiB);
        withBaseline(`${vfsKind}: lookup ${kind} p50`, b.p50);
        withBaseline(`${vfsKind}: lookup ${kind} p95`, b.p95);
        if (kind === 'sequential') withBaseline(`${vfsKind}: range scan ${SCAN} rows`, b.scanMs);
      }
      process.stdout.write(`[btree] ${vfsKind} ${kind} done\n`);
    }
    const db = openDb(vfsKind, 'bulk');
    pagerBulk(db, `${vfsKind}: bulk build ${N} sorted (one transaction)`);
    db.close();
  }
}

if (runPager) pagerPart();

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
