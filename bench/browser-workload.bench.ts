/**
 * Browser workload (issues 4 and 5): the music-library queries a web app runs, end to end from
 * the page — DecentDB through `connect()` (engine worker on OPFS, Comlink proxy) against SQLite
 * WASM (@sqlite.org/sqlite-wasm on opfs-sahpool in a Dedicated Worker, rows posted back as
 * objects) — in Debian's Chromium, same page, same data, 16 MiB cache each. Both databases are
 * built in Node and imported into OPFS; each run opens each engine on a fresh page (order
 * alternates between runs). Ratios are DecentDB ÷ SQLite WASM (below 1: DecentDB faster), and
 * the engines' result sizes and checksums must agree (else a CHECK MISMATCH row and exit 1).
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import type { EngineName } from './browser-workload/page.js';
import type { WorkloadOptions, WorkloadResult } from './browser-workload/workload.js';
import { buildDecentDbMusicFile, buildSqliteMusicFile } from './data/music-db.js';
import { musicLibrary } from './data/music.js';
import { launchChromium, openBenchPage, serveFile } from './lib/browser.js';
import { describeMachine } from './lib/machine.js';
import { toMiB } from './lib/memory.js';
import { emitResult, flagValue, formatTable, metric, parseBenchArgs } from './lib/result.js';
import type { MetricResult } from './lib/result.js';
import { summarize } from './lib/stats.js';
import { makeTempDir } from './lib/temp-dir.js';
import { elapsedMs, nowNs } from './lib/timer.js';

const PAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'browser-workload');
const log = (line: string): void => { process.stdout.write(`${line}\n`); };

/** Phase → how it is reported. */
const PHASES: ReadonlyArray<{ key: string; label: string; p95?: boolean }> = [
  { key: 'lookup', label: 'PK lookup (one row)', p95: true },
  { key: 'join', label: 'FK join artist → albums → tracks (~80 rows)', p95: true },
  { key: 'offset', label: 'ORDER BY title LIMIT 100 OFFSET 50000 (no index)' },
  { key: 'ilike.the', label: "title ILIKE '%the%' (all matches, scan)" },
  { key: 'ilike.love', label: "title ILIKE '%love%' (all matches, scan)" },
  { key: 'ilike.summer', label: "title ILIKE '%summer%' (all matches, scan)" },
  { key: 'search', label: "search '%love%' with album, ORDER BY title LIMIT 50" },
  { key: 'groupBy', label: 'tracks and duration per genre (join + GROUP BY)' },
  { key: 'insert', label: 'insert 10,000 rows in one transaction (20 × 500-row INSERT)' },
  { key: 'update', label: 'autocommit UPDATE of one album\'s tracks (~25 rows, durable)' },
];

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const tracksFlag = flagValue(args.rest, 'tracks');
  const tracks = tracksFlag !== undefined ? Number(tracksFlag) : args.mode === 'quick' ? 10_000 : args.mode === 'full' ? 1_000_000 : 100_000;
  const runs = args.mode === 'quick' ? 1 : 2;
  const lib = musicLibrary({ tracks });
  const options: WorkloadOptions = {
    tracks: lib.counts.tracks, artists: lib.counts.artists,
    lookups: args.mode === 'quick' ? 200 : 1000, joins: args.mode === 'quick' ? 50 : 200,
    scanRuns: args.mode === 'quick' ? 2 : 5, insertRuns: args.mode === 'quick' ? 1 : 3, updates: args.mode === 'quick' ? 10 : 50,
  };
  const tmp = makeTempDir('browser-workload');

  const files: Record<EngineName, string> = { decentdb: join(tmp.path, 'music.ddb'), sqlite: join(tmp.path, 'music.sqlite') };
  let start = nowNs();
  buildDecentDbMusicFile(files.decentdb, tracks);
  buildSqliteMusicFile(files.sqlite, tracks);
  log(`built ${tracks}-track databases in ${(elapsedMs(start) / 1000).toFixed(1)} s: DecentDB ${toMiB(statSync(files.decentdb).size)} MiB, SQLite ${toMiB(statSync(files.sqlite).size)} MiB`);

  const outDir = join(tmp.path, 'dist');
  await build({
    configFile: false, root: PAGE_DIR, logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  });
  const server = await preview({
    configFile: false, root: PAGE_DIR, logLevel: 'warn', build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    plugins: [serveFile('/music.ddb', files.decentdb), serveFile('/music.sqlite', files.sqlite)],
  });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  const baseUrl = `http://127.0.0.1:${address.port}/`;

  const browser = await launchChromium();
  const byEngine: Record<EngineName, WorkloadResult[]> = { decentdb: [], sqlite: [] };
  try {
    const setup = await openBenchPage(browser.context, baseUrl, log);
    start = nowNs();
    await setup.evaluate((urls) => (window as unknown as { benchSetup: (u: typeof urls) => Promise<unknown> }).benchSetup(urls),
      { decentdb: '/music.ddb', sqlite: '/music.sqlite' });
    await setup.close();
    log(`imported both databases into OPFS in ${(elapsedMs(start) / 1000).toFixed(1)} s`);
    for (let run = 0; run < runs; run++) {
      const order: EngineName[] = run % 2 === 0 ? ['decentdb', 'sqlite'] : ['sqlite', 'decentdb'];
      for (const engine of order) {
        const page = await openBenchPage(browser.context, baseUrl, log);
        start = nowNs();
        const r = await page.evaluate(([e, o]) => (window as unknown as { benchRun: (x: typeof e, y: typeof o) => Promise<WorkloadResult> }).benchRun(e, o),
          [engine, options] as const);
        await page.close();
        byEngine[engine].push(r);
        const p50 = (k: string): string => summarize(r.samples[k] ?? []).p50.toFixed(2);
        log(`run ${run + 1} ${engine} (${(elapsedMs(start) / 1000).toFixed(1)} s): lookup ${p50('lookup')} ms, join ${p50('join')} ms, `
          + `ilike the ${p50('ilike.the')} ms, search ${p50('search')} ms, insert ${p50('insert')} ms, update ${p50('update')} ms`);
      }
    }
  } finally {
    await browser.close();
    await new Promise<void>((res) => { server.httpServer.close(() => res()); });
  }

  const results: MetricResult[] = [];
  const all = (engine: EngineName, key: string): number[] => byEngine[engine].flatMap((r) => r.samples[key] ?? []);
  for (const phase of PHASES) {
    const d = summarize(all('decentdb', phase.key));
    const s = summarize(all('sqlite', phase.key));
    results.push(metric(`${phase.label} p50`, 'ms', { decentdb: d.p50, baseline: s.p50 }, `${d.count} samples each${phase.key === 'lookup' ? ' (batch means of 10)' : phase.key === 'join' ? ' (batch means of 5)' : ''}`));
    if (phase.p95 === true) results.push(metric(`${phase.label} p95`, 'ms', { decentdb: d.p95, baseline: s.p95 }));
  }
  results.push(metric('open + first lookup, from the page', 'ms', {
    decentdb: summarize(byEngine.decentdb.map((r) => r.openMs)).p50, baseline: summarize(byEngine.sqlite.map((r) => r.openMs)).p50,
  }, 'median of the runs; SQLite includes WASM instantiation'));
  const mismatches: string[] = [];
  const dChecks = byEngine.decentdb[0]?.checks ?? {};
  const sChecks = byEngine.sqlite[0]?.checks ?? {};
  for (const key of new Set([...Object.keys(dChecks), ...Object.keys(sChecks)])) {
    if (dChecks[key] !== sChecks[key]) mismatches.push(`${key}: DecentDB ${String(dChecks[key])}, SQLite ${String(sChecks[key])}`);
  }
  if (mismatches.length > 0) {
    results.push(metric('CHECK MISMATCH', 'count', { decentdb: mismatches.length }, mismatches.join('; ')));
    process.exitCode = 1;
  }
  const ua = byEngine.sqlite[0]?.userAgent ?? '';
  const result = {
    name: 'browser-workload', machine: describeMachine(),
    baseline: `SQLite WASM (@sqlite.org/sqlite-wasm, opfs-sahpool), ${ua.replace(/^.*(Chrome\/\S+).*$/, '$1')} headless`,
    params: { mode: args.mode, runs, ...options }, results,
  };
  log(formatTable(result));
  emitResult(result);
  tmp.dispose();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
