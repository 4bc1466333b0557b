/**
 * Trigram index (ADR-0007): build time and size over N track titles from the Chinook-based
 * generator, then ILIKE '%x%' latency for 3-, 4- and 6-letter patterns of varied selectivity:
 * through the index (candidates → table-tree lookup → exact matcher), by a full scan of the same
 * table tree, and better-sqlite3 scanning `title LIKE '%x%'` (in-memory database).
 * Storage is a MemoryPageStore (no pager/WAL/file): it measures the index, not I/O.
 * Run: `npx tsx bench/trigram.bench.ts [--quick|--full]` (default 1M titles, quick 100k).
 */
import Database from 'better-sqlite3';
import { BTree, MemoryPageStore } from '../src/btree/index.js';
import { compileLike } from '../src/types/index.js';
import { PostingsCache, TrigramIndex, TrigramIndexBuilder, TrigramTails, searchCandidates, verifiedRowids } from '../src/trigram/index.js';
import type { U64 } from '../src/util/index.js';
import { musicLibrary } from './data/music.js';
import { describeMachine } from './lib/machine.js';
import { emitResult, formatTable, metric, parseBenchArgs } from './lib/result.js';
import type { MetricResult } from './lib/result.js';
import { summarize } from './lib/stats.js';
import { elapsedMs, nowNs } from './lib/timer.js';

const { mode } = parseBenchArgs();
const N = mode === 'quick' ? 100_000 : mode === 'full' ? 2_000_000 : 1_000_000;
const INDEX_ITERS = mode === 'quick' ? 20 : 40;
const SCAN_ITERS = mode === 'quick' ? 3 : 5;
const PATTERNS = ['the', 'lov', 'zep', 'love', 'blue', 'girl', 'little', 'heaven', 'dreams'];

const log = (s: string): void => void process.stdout.write(`${s}\n`);
const ms = (x: number): string => x.toFixed(2);

// ---- data: titles in rowid order, stored in a table tree (rowid → UTF-8 title) ----
const titles: string[] = [];
for (const row of musicLibrary({ tracks: N }).tracks()) titles.push(row[2]);
const enc = new TextEncoder();
const dec = new TextDecoder();
const tableStore = new MemoryPageStore(4096);
const table = BTree.bulkBuild(tableStore, (function* () {
  for (let i = 0; i < titles.length; i++) yield [i + 1, enc.encode(titles[i]!)] as const;
})());
log(`titles: ${N}, table pages: ${tableStore.pageCount - 1}`);

// ---- index build ----
const store = new MemoryPageStore(4096);
const cpu = (since: NodeJS.CpuUsage): number => { const c = process.cpuUsage(since); return (c.user + c.system) / 1000; };
const cpu0 = process.cpuUsage();
const t0 = nowNs();
const builder = new TrigramIndexBuilder();
for (let i = 0; i < titles.length; i++) builder.add(i + 1, titles[i]!);
const collectMs = elapsedMs(t0);
const builderMiB = builder.memoryBytes / 2 ** 20;
const root = builder.build(store);
const buildMs = elapsedMs(t0);
const buildCpuMs = cpu(cpu0);
store.commit();
tableStore.commit();
const indexPages = store.pageCount - 1;
log(`index build: ${ms(buildMs)} ms (collect ${ms(collectMs)} ms), ${indexPages} pages, ${builder.trigramCount} trigrams, ${builder.pairs} postings, builder ${builderMiB.toFixed(1)} MiB`);

// ---- incremental maintenance: append rows above the last rowid ----
const incStore = MemoryPageStore.fromImage(store.toImage(), 4096);
const inc = new TrigramIndex(incStore, root);
const INC_ROWS = mode === 'quick' ? 5_000 : 20_000;
const cpu1 = process.cpuUsage();
const t1 = nowNs();
for (let i = 0; i < INC_ROWS; i++) inc.add(N + 1 + i, titles[i]!);
const incMs = elapsedMs(t1);
const incCpuMs = cpu(cpu1);
log(`incremental add: ${INC_ROWS} rows in ${ms(incMs)} ms (${inc.counters.appends} appends)`);
const batchStore = MemoryPageStore.fromImage(store.toImage(), 4096);
const batched = new TrigramIndex(batchStore, root);
const cpu2 = process.cpuUsage();
const t2 = nowNs();
for (let b = 0; b < INC_ROWS; b += 1000) {
  const rows: (readonly [number, string])[] = [];
  for (let i = b; i < Math.min(INC_ROWS, b + 1000); i++) rows.push([N + 1 + i, titles[i]!]);
  batched.addRows(rows);
}
const batchMs = elapsedMs(t2);
const batchCpuMs = cpu(cpu2);
log(`batched add (1000 rows per addRows): ${INC_ROWS} rows in ${ms(batchMs)} ms (${batched.counters.chunkWrites} chunk writes)`);
// One row per transaction: a fresh handle must find each touched trigram's tail (a scan of its chunks).
let txRow = N + INC_ROWS + 1;
const perTx = sample(mode === 'quick' ? 50 : 200, () => {
  const h = new TrigramIndex(batchStore, batched.root);
  h.add(txRow, titles[txRow % N]!);
  txRow++;
});
log(`one-row transaction add: p50 ${ms(perTx.p50)} ms, p95 ${ms(perTx.p95)} ms`);
const tails = new TrigramTails();
let txRoot = batched.root;
const perTxTails = sample(mode === 'quick' ? 50 : 200, () => {
  const h = new TrigramIndex(batchStore, txRoot, { tails });
  h.add(txRow, titles[txRow % N]!);
  txRoot = h.root;
  txRow++;
});
log(`one-row transaction add, shared TrigramTails: p50 ${ms(perTxTails.p50)} ms, p95 ${ms(perTxTails.p95)} ms`);

// ---- queries ----
const cache = new PostingsCache({ maxBytes: 32 * 2 ** 20 });
const reader = new TrigramIndex(store, root, { cache, cacheId: 'title', cacheTag: 1 });
const cold = new TrigramIndex(store, root);
const fetch = (r: U64): string | undefined => {
  const v = table.get(r);
  return v === undefined ? undefined : dec.decode(v);
};

function scan(matches: (s: string) => boolean): number {
  const c = table.cursor();
  let n = 0;
  for (let ok = c.first(); ok; ok = c.next()) if (matches(dec.decode(c.value()))) n++;
  return n;
}

function viaIndex(idx: TrigramIndex, pattern: string, matches: (s: string) => boolean, limit = Infinity): number {
  const s = searchCandidates(idx, pattern, { caseInsensitive: true });
  let n = 0;
  for (const _ of verifiedRowids(s.candidates(), fetch, matches, limit)) n++;
  return n;
}

function sample(iters: number, fn: () => unknown): { p50: number; p95: number } {
  fn();
  const xs = new Float64Array(iters);
  for (let i = 0; i < iters; i++) {
    const t = nowNs();
    fn();
    xs[i] = elapsedMs(t);
  }
  const s = summarize(xs);
  return { p50: s.p50, p95: s.p95 };
}

const db = new Database(':memory:');
db.exec('CREATE TABLE track (id INTEGER PRIMARY KEY, title TEXT NOT NULL)');
const ins = db.prepare('INSERT INTO track (id, title) VALUES (?, ?)');
db.transaction(() => {
  for (let i = 0; i < titles.length; i++) ins.run(i + 1, titles[i]!);
})();
const sqliteCount = db.prepare('SELECT count(*) AS n FROM track WHERE title LIKE ?').pluck();
const sqliteVersion = (db.prepare('SELECT sqlite_version()').pluck().get() as string) ?? '?';

const results: MetricResult[] = [
  metric('index build', 'ms', { decentdb: buildMs }, `${N} titles; collect ${ms(collectMs)} ms + bottom-up tree ${ms(buildMs - collectMs)} ms; cpu ${ms(buildCpuMs)} ms`),
  metric('index size', 'pages', { decentdb: indexPages }, `${((indexPages * 4096) / 2 ** 20).toFixed(1)} MiB at 4 KiB; table ${tableStore.pageCount - 1} pages; ${builder.pairs} postings`),
  metric('incremental add, row by row', 'rows/s', { decentdb: (INC_ROWS / incMs) * 1000 }, `${INC_ROWS} rows appended to the built index, one tail-chunk update per posting; cpu ${ms(incCpuMs)} ms`),
  metric('incremental add, 1000-row batches', 'rows/s', { decentdb: (INC_ROWS / batchMs) * 1000 }, `addRows: one tail-chunk update per trigram per batch; cpu ${ms(batchCpuMs)} ms`),
  metric('one-row transaction add p50', 'ms', { decentdb: perTx.p50 }, `fresh handle per row: finds each trigram's tail by scanning its chunks; p95 ${ms(perTx.p95)} ms`),
  metric('one-row transaction add p50, shared tails', 'ms', { decentdb: perTxTails.p50 }, `TrigramTails kept across transactions; p95 ${ms(perTxTails.p95)} ms`),
];

const summary: string[] = [];
for (const p of PATTERNS) {
  const pattern = `%${p}%`;
  const m = compileLike(pattern, { caseInsensitive: true });
  const matches = (s: string): boolean => m.matches(s);
  const plan = searchCandidates(cold, pattern, { caseInsensitive: true, tableRows: N }).plan;
  const nativePlan = searchCandidates(cold, pattern, { caseInsensitive: true }).plan;
  const expected = scan(matches);
  const got = viaIndex(reader, pattern, matches);
  const lite = sqliteCount.get(pattern) as number;
  if (got !== expected) throw new Error(`index found ${got} rows for ${pattern}, scan ${expected}`);
  const idxHot = sample(INDEX_ITERS, () => viaIndex(reader, pattern, matches));
  const idxCold = sample(Math.max(5, INDEX_ITERS >> 2), () => viaIndex(cold, pattern, matches));
  const limit10 = sample(INDEX_ITERS, () => viaIndex(reader, pattern, matches, 10));
  const sc = sample(SCAN_ITERS, () => scan(matches));
  const sq = sample(SCAN_ITERS, () => sqliteCount.get(pattern));
  const chosen = plan.usable ? idxHot : sc;
  const note = `${expected} rows (sqlite ${lite}, ASCII-only case folding); rarest ${plan.rarestCount}; plan ${plan.usable ? 'index' : `scan (${plan.reason})`} (native rule: ${nativePlan.usable ? 'index' : nativePlan.reason}); `
    + `index p50 ${ms(idxHot.p50)} ms (without postings cache ${ms(idxCold.p50)}), LIMIT 10 ${ms(limit10.p50)} ms; our scan p50 ${ms(sc.p50)} ms (${(sc.p50 / idxHot.p50).toFixed(1)}× index)`;
  results.push(metric(`ILIKE '${pattern}' chosen plan p50`, 'ms', { decentdb: chosen.p50, baseline: sq.p50 }, note));
  results.push(metric(`ILIKE '${pattern}' chosen plan p95`, 'ms', { decentdb: chosen.p95, baseline: sq.p95 }, `index p95 ${ms(idxHot.p95)} ms; our scan p95 ${ms(sc.p95)} ms`));
  summary.push(`${pattern.padEnd(10)} rows ${String(expected).padStart(7)}  index ${ms(idxHot.p50).padStart(8)} (no cache ${ms(idxCold.p50).padStart(8)})  scan ${ms(sc.p50).padStart(8)}  sqlite ${ms(sq.p50).padStart(8)}  ${plan.usable ? 'index' : 'scan:' + plan.reason}`);
}
db.close();

log('');
log(summary.join('\n'));
const result = {
  name: 'trigram',
  machine: describeMachine(),
  baseline: `better-sqlite3 (SQLite ${sqliteVersion}), in-memory, LIKE by scan`,
  params: { titles: N, mode, pageSize: 4096 },
  results,
};
log('');
log(formatTable(result));
emitResult(result);
