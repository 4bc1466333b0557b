/**
 * Trigram index through SQL (issue 6, ADR-0007): N track titles from the Chinook-based generator
 * in a Database on a MemoryVfs (durability off: CPU, not I/O), `CREATE INDEX … USING trigram` build time and size, then
 * `SELECT count(*) … WHERE title ILIKE $1` p50/p95 for 3-, 4- and 6-letter patterns: the same
 * query on an indexed table (the planner picks index or scan at open time) and on an identical
 * table without the index (scan), in the same run; better-sqlite3 scanning `LIKE` is the
 * baseline. Also `LIMIT 10` through the index and one-row autocommit INSERTs with/without it.
 * Run: `npx tsx bench/trigram-sql.bench.ts [--quick|--full] [--cache-mib N]` (default 200k titles,
 * full 1M; page cache 256 MiB: the engine default is 4 MiB).
 */
import BetterSqlite from 'better-sqlite3';
import { Database, MemoryVfs } from '../src/index.js';
import { musicLibrary } from './data/music.js';
import { describeMachine } from './lib/machine.js';
import { emitResult, flagValue, formatTable, metric, parseBenchArgs } from './lib/result.js';
import type { MetricResult } from './lib/result.js';
import { summarize } from './lib/stats.js';
import { elapsedMs, nowNs } from './lib/timer.js';

const { mode, rest } = parseBenchArgs();
/** Page cache (MiB): default 256, so the whole database stays cached, as SQLite's in-memory one does. */
const CACHE_MIB = Number(flagValue(rest, 'cache-mib') ?? 256);
const N = mode === 'quick' ? 50_000 : mode === 'full' ? 1_000_000 : 200_000;
const INDEX_ITERS = mode === 'quick' ? 10 : 30;
const SCAN_ITERS = 3;
const PATTERNS = ['the', 'lov', 'zep', 'love', 'blue', 'girl', 'little', 'heaven', 'dreams'];

const log = (s: string): void => void process.stdout.write(`${s}\n`);
const ms = (x: number): string => x.toFixed(2);

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

const titles: string[] = [];
for (const row of musicLibrary({ tracks: N }).tracks()) titles.push(row[2]);

const vfs = new MemoryVfs();
const PATH = 'trigram-sql.ddb';
const fileBytes = (): number => {
  const f = vfs.open(PATH, { mode: 'open', readOnly: true });
  const n = f.size();
  f.close();
  return n;
};
const db = Database.open(PATH, { vfs, durability: 'off', cacheSizeBytes: CACHE_MIB * 2 ** 20 });
db.exec('CREATE TABLE track (id INT PRIMARY KEY, title TEXT NOT NULL); CREATE TABLE track_scan (id INT PRIMARY KEY, title TEXT NOT NULL)');
const rows = (): Generator<[number, string]> =>
  (function* () {
    for (let i = 0; i < titles.length; i++) yield [i + 1, titles[i]!];
  })();
const tl = nowNs();
db.bulkLoad('track', rows());
const loadMs = elapsedMs(tl);
db.bulkLoad('track_scan', rows());
db.checkpoint();
const bytesBefore = fileBytes();
const tb = nowNs();
db.exec('CREATE INDEX track_title ON track USING trigram (title)');
const buildMs = elapsedMs(tb);
db.checkpoint();
const indexPages = Math.round((fileBytes() - bytesBefore) / 4096);
log(`titles: ${N}; bulkLoad ${ms(loadMs)} ms; CREATE INDEX … USING trigram ${ms(buildMs)} ms, ~${indexPages} pages`);

const lite = new BetterSqlite(':memory:');
lite.exec('CREATE TABLE track (id INTEGER PRIMARY KEY, title TEXT NOT NULL)');
const ins = lite.prepare('INSERT INTO track (id, title) VALUES (?, ?)');
lite.transaction(() => {
  for (let i = 0; i < titles.length; i++) ins.run(i + 1, titles[i]!);
})();
const liteCount = lite.prepare('SELECT count(*) FROM track WHERE title LIKE ?').pluck();
const sqliteVersion = String(lite.prepare('SELECT sqlite_version()').pluck().get());

const count = db.prepare('SELECT count(*) FROM track WHERE title ILIKE $1');
const countScan = db.prepare('SELECT count(*) FROM track_scan WHERE title ILIKE $1');
const first10 = db.prepare('SELECT id FROM track WHERE title ILIKE $1 LIMIT 10');
const one = (st: typeof count, p: string): number => Number((st.all([p], 'array') as unknown[][])[0]![0]);

const results: MetricResult[] = [
  metric('CREATE INDEX USING trigram', 'ms', { decentdb: buildMs }, `${N} titles through SQL (table scan + bottom-up build, one transaction)`),
  metric('trigram index size', 'pages', { decentdb: indexPages }, `${((indexPages * 4096) / 2 ** 20).toFixed(1)} MiB (file growth after checkpoint, 4 KiB pages)`),
];
const summary: string[] = [];
for (const p of PATTERNS) {
  const pattern = `%${p}%`;
  const plan = (db.query('EXPLAIN SELECT count(*) FROM track WHERE title ILIKE $1', [pattern], { rowMode: 'array' }) as string[][]).map((r) => r[0]!);
  const usesIndex = plan.some((l) => l.includes('TrigramScan'));
  const detail = plan.find((l) => l.includes('Trigram'))?.trim() ?? '';
  const n = one(count, pattern);
  const nScan = one(countScan, pattern);
  if (n !== nScan) throw new Error(`index ${n} rows, scan ${nScan} for ${pattern}`);
  const idx = sample(usesIndex ? INDEX_ITERS : SCAN_ITERS, () => one(count, pattern));
  const sc = sample(SCAN_ITERS, () => one(countScan, pattern));
  const lim = sample(usesIndex ? INDEX_ITERS : SCAN_ITERS, () => first10.all([pattern]));
  const sq = sample(SCAN_ITERS, () => liteCount.get(pattern));
  results.push(
    metric(`ILIKE '${pattern}' p50 (planner's choice)`, 'ms', { decentdb: idx.p50, baseline: sq.p50 }, `${n} rows; ${usesIndex ? 'index' : 'scan'}: ${detail}; our scan p50 ${ms(sc.p50)} ms (${(sc.p50 / idx.p50).toFixed(1)}× the chosen plan); LIMIT 10 p50 ${ms(lim.p50)} ms`),
    metric(`ILIKE '${pattern}' p95 (planner's choice)`, 'ms', { decentdb: idx.p95, baseline: sq.p95 }, `our scan p95 ${ms(sc.p95)} ms`),
  );
  summary.push(`${pattern.padEnd(10)} rows ${String(n).padStart(7)}  chosen ${(usesIndex ? 'index' : 'scan').padEnd(5)} p50 ${ms(idx.p50).padStart(8)} p95 ${ms(idx.p95).padStart(8)}  scan p50 ${ms(sc.p50).padStart(8)}  LIMIT 10 ${ms(lim.p50).padStart(7)}  sqlite p50 ${ms(sq.p50).padStart(8)}`);
}

// One-row autocommit INSERTs: trigram maintenance in the row's transaction (shared tails).
const INSERTS = mode === 'quick' ? 200 : 1000;
let next = N + 1;
const insIdx = db.prepare('INSERT INTO track VALUES ($1, $2)');
const insScan = db.prepare('INSERT INTO track_scan VALUES ($1, $2)');
const withIdx = sample(INSERTS, () => insIdx.run([next, titles[next++ % N]!]));
next = N + 1;
const without = sample(INSERTS, () => insScan.run([next, titles[next++ % N]!]));
results.push(metric('one-row INSERT p50, with trigram index', 'ms', { decentdb: withIdx.p50, baseline: without.p50 }, `baseline column = the same INSERT into the table without the index; p95 ${ms(withIdx.p95)} vs ${ms(without.p95)} ms; durability off, MemoryVfs`));
db.close();
lite.close();

log('');
log(summary.join('\n'));
log(`one-row INSERT p50: ${ms(withIdx.p50)} ms with the index, ${ms(without.p50)} ms without`);
const result = {
  name: 'trigram-sql',
  machine: describeMachine(),
  baseline: `better-sqlite3 (SQLite ${sqliteVersion}), in-memory, LIKE by scan`,
  params: { titles: N, mode, cacheMiB: CACHE_MIB },
  results,
};
log('');
log(formatTable(result));
emitResult(result);
