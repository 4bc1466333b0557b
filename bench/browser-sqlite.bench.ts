/**
 * Browser baseline (issue 5): SQLite WASM on opfs-sahpool in a Dedicated Worker, in Debian's
 * Chromium via playwright-core, page served from a production vite build (inline config; the
 * repo's vite.config.ts is not used). Measures open + first query on a 100k-track database,
 * one-row query round trip, single-row commit latency, and the gzipped size of what ships.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import type { BrowserBenchResult } from './browser/protocol.js';
import { buildSqliteMusicFile } from './data/music-db.js';
import { gzipKiB, launchChromium, listFiles, openBenchPage, serveFile } from './lib/browser.js';
import { describeMachine } from './lib/machine.js';
import { toMiB } from './lib/memory.js';
import { emitResult, flagValue, metric, parseBenchArgs } from './lib/result.js';
import type { MetricResult } from './lib/result.js';
import { summarize } from './lib/stats.js';
import { makeTempDir } from './lib/temp-dir.js';
import { elapsedMs, nowNs } from './lib/timer.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const BROWSER_DIR = join(BENCH_DIR, 'browser');
const REPO_ROOT = resolve(BENCH_DIR, '..');
const SQLITE_WASM_DIR = join(REPO_ROOT, 'node_modules', '@sqlite.org', 'sqlite-wasm');

const log = (line: string): void => { process.stdout.write(`${line}\n`); };

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const tracksFlag = flagValue(args.rest, 'tracks');
  const tracks = tracksFlag !== undefined ? Number(tracksFlag) : args.mode === 'quick' ? 10_000 : args.mode === 'full' ? 1_000_000 : 100_000;
  const runs = args.mode === 'quick' ? 1 : 3;
  const roundTrips = args.mode === 'quick' ? 100 : 1000;
  const commits = args.mode === 'quick' ? 50 : 200;
  const tmp = makeTempDir('browser');
  const results: MetricResult[] = [];

  // 1. The database file, built in Node.
  const dbFile = join(tmp.path, 'music.sqlite');
  let start = nowNs();
  buildSqliteMusicFile(dbFile, tracks);
  const dbBytes = statSync(dbFile).size;
  log(`built ${tracks}-track database: ${toMiB(dbBytes)} MiB in ${(elapsedMs(start) / 1000).toFixed(1)} s`);

  // 2. Production build of the page; its gzipped assets are what SQLite WASM costs to ship.
  const outDir = join(tmp.path, 'dist');
  start = nowNs();
  await build({
    configFile: false, root: BROWSER_DIR, logLevel: 'warn',
    build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false },
    worker: { format: 'es' },
    optimizeDeps: { exclude: ['@sqlite.org/sqlite-wasm'] },
  });
  log(`vite build in ${(elapsedMs(start) / 1000).toFixed(1)} s`);
  let shippedKiB = 0;
  let shippedWasmKiB = 0;
  const breakdown: string[] = [];
  for (const file of listFiles(outDir)) {
    if (!/\.(m?js|wasm)$/.test(file)) continue;
    const kib = gzipKiB(readFileSync(file));
    shippedKiB += kib;
    if (file.endsWith('.wasm')) shippedWasmKiB += kib;
    breakdown.push(`${relative(outDir, file)} ${kib.toFixed(1)} KiB`);
  }
  log(`shipped (gzip -9): ${breakdown.join(', ')}`);
  const pkgJs = gzipKiB(readFileSync(join(SQLITE_WASM_DIR, 'sqlite-wasm', 'jswasm', 'sqlite3-bundler-friendly.mjs')));
  const pkgWasm = gzipKiB(readFileSync(join(SQLITE_WASM_DIR, 'sqlite-wasm', 'jswasm', 'sqlite3.wasm')));
  const pkgVersion = (JSON.parse(readFileSync(join(SQLITE_WASM_DIR, 'package.json'), 'utf8')) as { version: string }).version;

  // 3. Serve the build and drive Chromium.
  const server = await preview({
    configFile: false, root: BROWSER_DIR, logLevel: 'warn',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false },
    plugins: [serveFile('/music.sqlite', dbFile)],
  });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  const baseUrl = `http://127.0.0.1:${address.port}/`;
  const browser = await launchChromium();
  const { context } = browser;
  const runResults: BrowserBenchResult[] = [];
  const loaded = new Set<string>();
  let importMs = 0;
  let measuring = false;
  context.on('request', (req) => { if (measuring) loaded.add(new URL(req.url()).pathname); });
  try {
    const setup = await openBenchPage(context, baseUrl, log);
    start = nowNs();
    await setup.evaluate(async (url) => {
      const fn = (window as unknown as { benchSetup: (u: string) => Promise<number> }).benchSetup;
      return fn(url);
    }, '/music.sqlite');
    importMs = elapsedMs(start);
    await setup.close();
    log(`imported into OPFS (opfs-sahpool) in ${importMs.toFixed(0)} ms`);
    measuring = true;
    for (let run = 0; run < runs; run++) {
      const page = await openBenchPage(context, baseUrl, log);
      const r = await page.evaluate(async (opts) => {
        const fn = (window as unknown as { benchRun: (o: typeof opts) => Promise<BrowserBenchResult> }).benchRun;
        return fn(opts);
      }, { trackCount: tracks, roundTrips, commits });
      await page.close();
      runResults.push(r);
      log(`run ${run + 1}: first result ${r.navigationToFirstResultMs.toFixed(1)} ms after navigation `
        + `(init ${r.open.initMs.toFixed(1)}, vfs ${r.open.vfsMs.toFixed(1)}, open ${r.open.openMs.toFixed(2)}, first query ${r.open.firstQueryMs.toFixed(2)} ms); `
        + `round trip p50 ${summarize(r.roundTripMs).p50.toFixed(3)} ms; first row "${r.open.firstRow}"`);
    }
  } finally {
    await browser.close();
    await new Promise<void>((res) => { server.httpServer.close(() => res()); });
  }

  const last = runResults[runResults.length - 1];
  if (last === undefined) throw new Error('no browser runs');
  const med = (f: (r: BrowserBenchResult) => number): number => summarize(runResults.map(f)).p50;
  const first = runResults[0];
  results.push(metric('open + first query (navigation → first row), median', 'ms', { baseline: med((r) => r.navigationToFirstResultMs) },
    `${runs} page loads; first load ${first?.navigationToFirstResultMs.toFixed(0) ?? '?'} ms; ${tracks} tracks, ${toMiB(dbBytes)} MiB`));
  results.push(metric('open + first query (page script → first row), median', 'ms', { baseline: med((r) => r.scriptToFirstResultMs) },
    `worker: WASM init ${med((r) => r.open.initMs).toFixed(1)}, VFS install ${med((r) => r.open.vfsMs).toFixed(1)}, `
    + `open ${med((r) => r.open.openMs).toFixed(2)}, first query ${med((r) => r.open.firstQueryMs).toFixed(2)} ms`));
  const rt = summarize(runResults.flatMap((r) => r.roundTripMs));
  results.push(metric('one-row query round trip p50', 'ms', { baseline: rt.p50 }, 'postMessage → prepared SELECT by id → postMessage; timed in batches of 10 (timer is 0.1 ms-coarse)'));
  results.push(metric('one-row query round trip p95', 'ms', { baseline: rt.p95 }, `${rt.count * 10} queries`));
  const ins = summarize(runResults.flatMap((r) => r.insertRoundTripMs));
  results.push(metric('single-row insert commit, round trip p50', 'ms', { baseline: ins.p50 }));
  results.push(metric('single-row insert commit, round trip p95', 'ms', { baseline: ins.p95 }, `${ins.count} autocommit inserts`));
  const inw = summarize(runResults.flatMap((r) => r.commitInWorkerMs));
  results.push(metric('single-row insert commit, in worker p50', 'ms', { baseline: inw.p50 }));
  results.push(metric('single-row insert commit, in worker p95', 'ms', { baseline: inw.p95 }, last.open.settings));
  results.push(metric('import database into OPFS', 'ms', { baseline: importMs }, 'fetch + importDb, first page'));
  let loadedKiB = 0;
  const loadedFiles: string[] = [];
  for (const path of loaded) {
    const file = join(outDir, path);
    if (!/\.(m?js|wasm)$/.test(path) || !existsSync(file)) continue;
    loadedKiB += gzipKiB(readFileSync(file));
    loadedFiles.push(path.replace(/^\/assets\//, ''));
  }
  results.push(metric('JS+WASM the page loads, gzip -9', 'KiB', { baseline: loadedKiB }, loadedFiles.sort().join(', ')));
  results.push(metric('shipped JS+WASM, gzip -9 (vite build)', 'KiB', { baseline: shippedKiB }, `all emitted assets (also the unused opfs proxy and worker1 API); WASM ${shippedWasmKiB.toFixed(1)} KiB`));
  results.push(metric('sqlite3-bundler-friendly.mjs + sqlite3.wasm, gzip -9', 'KiB', { baseline: pkgJs + pkgWasm },
    `package files: JS ${pkgJs.toFixed(1)} + WASM ${pkgWasm.toFixed(1)} KiB`));

  emitResult({
    name: 'browser-sqlite',
    machine: describeMachine(),
    baseline: `@sqlite.org/sqlite-wasm ${pkgVersion}, opfs-sahpool VFS, ${last.userAgent.replace(/^.*(Chrome\/\S+).*$/, '$1')} headless`,
    params: { tracks, mode: args.mode, runs, roundTrips, commits },
    results,
  });
  tmp.dispose();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
