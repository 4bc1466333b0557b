/**
 * Browser bench (issue 5), DecentDB side: the engine worker on OPFS in Debian's Chromium via
 * playwright-core, page served from a production vite build. Measures the gzipped size of the
 * client plus the engine worker, connect → first query result on a 100k-track database built
 * in Node and imported, one-row query round trip through the Comlink proxy, and autocommit
 * INSERT latency per durability mode. browser-sqlite.bench.ts measures SQLite WASM the same way.
 * The size is also broken down per layer from the worker's (hidden) sourcemap: minified bytes and
 * marginal gzip bytes (how much smaller the gzip gets without that layer). `--size-only` stops there;
 * `--by-file worker` (or `src/engine`, …) also lists that layer's files.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, preview } from 'vite';
import type { DecentBrowserRun } from './browser-decentdb/page.js';
import { buildDecentDbMusicFile } from './data/music-db.js';
import { gzipKiB, launchChromium, listFiles, openBenchPage, serveFile } from './lib/browser.js';
import { describeMachine } from './lib/machine.js';
import { toMiB } from './lib/memory.js';
import { emitResult, flagValue, metric, parseBenchArgs } from './lib/result.js';
import type { MetricResult } from './lib/result.js';
import { summarize } from './lib/stats.js';
import { makeTempDir } from './lib/temp-dir.js';
import { elapsedMs, nowNs } from './lib/timer.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const PAGE_DIR = join(BENCH_DIR, 'browser-decentdb');

const log = (line: string): void => { process.stdout.write(`${line}\n`); };

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Source index of each generated character of a one-file bundle, from its sourcemap's VLQ mappings (-1: unmapped). */
function sourceOfEachChar(code: string, mappings: string): Int32Array {
  const owner = new Int32Array(code.length).fill(-1);
  let source = 0;
  let lineStart = 0;
  const lines = mappings.split(';');
  for (let line = 0; line < lines.length; line++) {
    const lineEnd = code.indexOf('\n', lineStart) === -1 ? code.length : code.indexOf('\n', lineStart);
    let col = 0;
    let prev: { col: number; src: number } | undefined;
    for (const seg of lines[line]!.split(',')) {
      if (seg === '') continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if ((digit & 32) !== 0) { shift += 5; continue; }
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
      col += fields[0]!;
      if (fields.length > 1) source += fields[1]!;
      if (prev !== undefined) owner.fill(prev.src, lineStart + prev.col, lineStart + col);
      prev = { col, src: fields.length > 1 ? source : -1 };
    }
    if (prev !== undefined) owner.fill(prev.src, lineStart + prev.col, lineEnd);
    lineStart = lineEnd + 1;
  }
  return owner;
}

/**
 * Per layer (src/<layer>, worker, or npm package): minified bytes and marginal gzip -9 bytes.
 * With `byFile` (a layer name, e.g. `worker`), that layer's sources are listed file by file.
 */
function layerBreakdown(file: string, byFile?: string): string[] {
  const code = readFileSync(file, 'utf8');
  const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[]; mappings: string };
  const layerOf = (s: string): string => {
    const layer = /(src\/[^/]+|worker|fflate|comlink|idb)\//.exec(s)?.[1] ?? 'other';
    return layer === byFile ? s.slice(s.lastIndexOf(`${byFile}/`)) : layer;
  };
  const sourceLayer = map.sources.map(layerOf);
  const owner = sourceOfEachChar(code, map.mappings);
  const layers = new Map<string, number[]>();
  for (let i = 0; i < code.length; i++) {
    const layer = owner[i]! < 0 ? 'other' : sourceLayer[owner[i]!]!;
    let at = layers.get(layer);
    if (at === undefined) layers.set(layer, at = []);
    at.push(i);
  }
  const full = gzipSync(code, { level: 9 }).length;
  const rows: Array<{ layer: string; min: number; gz: number }> = [];
  for (const [layer, at] of layers) {
    const keep = new Uint8Array(code.length).fill(1);
    for (const i of at) keep[i] = 0;
    let rest = '';
    let runStart = -1;
    for (let i = 0; i <= code.length; i++) {
      if (i < code.length && keep[i] === 1) { if (runStart < 0) runStart = i; continue; }
      if (runStart >= 0) { rest += code.slice(runStart, i); runStart = -1; }
    }
    rows.push({ layer, min: at.length, gz: full - gzipSync(rest, { level: 9 }).length });
  }
  rows.sort((a, b) => b.gz - a.gz);
  return rows.map((r) => `${r.layer} ${(r.min / 1000).toFixed(1)} K min / ${(r.gz / 1024).toFixed(1)} KiB gz`);
}

async function main(): Promise<void> {
  const args = parseBenchArgs();
  const tracksFlag = flagValue(args.rest, 'tracks');
  const tracks = tracksFlag !== undefined ? Number(tracksFlag) : args.mode === 'quick' ? 10_000 : 100_000;
  const runs = args.mode === 'quick' ? 1 : 3;
  const roundTrips = args.mode === 'quick' ? 100 : 1000;
  const commits = args.mode === 'quick' ? 50 : 200;
  const tmp = makeTempDir('browser-decentdb');
  const results: MetricResult[] = [];

  const outDir = join(tmp.path, 'dist');
  // 'hidden' sourcemaps add .map files only: the shipped .js bytes are those of a build without maps.
  await build({ configFile: false, root: PAGE_DIR, logLevel: 'warn', build: { outDir, emptyOutDir: true, target: 'es2022', reportCompressedSize: false, sourcemap: 'hidden' } });
  let shippedKiB = 0;
  let shippedDefaultKiB = 0;
  let workerKiB = 0;
  const breakdown: string[] = [];
  for (const file of listFiles(outDir)) {
    if (!/\.m?js$/.test(file)) continue;
    const bytes = readFileSync(file);
    const kib = gzipKiB(bytes);
    shippedKiB += kib;
    shippedDefaultKiB += gzipSync(bytes).length / 1024;
    if (file.includes('worker-main')) {
      workerKiB += kib;
      log(`worker by layer (minified / marginal gzip -9): ${layerBreakdown(file).join(', ')}`);
      const byFile = flagValue(args.rest, 'by-file');
      if (byFile !== undefined) log(`worker, ${byFile} by file: ${layerBreakdown(file, byFile).filter((r) => r.startsWith(`${byFile}/`)).join(', ')}`);
    }
    breakdown.push(`${relative(outDir, file)} ${(bytes.length / 1000).toFixed(1)} K min, ${kib.toFixed(1)} KiB gz`);
  }
  log(`shipped (gzip -9): ${breakdown.join(', ')}; total ${shippedKiB.toFixed(1)} KiB (gzip -6: ${shippedDefaultKiB.toFixed(1)} KiB)`);
  if (args.rest.includes('--size-only')) {
    results.push(metric('shipped JS, gzip -9 (client + engine worker, vite build)', 'KiB', { decentdb: shippedKiB }, `worker ${workerKiB.toFixed(1)} KiB; gzip -6 ${shippedDefaultKiB.toFixed(1)} KiB; ${breakdown.join(', ')}`));
    emitResult({ name: 'browser-decentdb', machine: describeMachine(), params: { sizeOnly: true }, results });
    tmp.dispose();
    return;
  }

  const dbFile = join(tmp.path, 'music.ddb');
  let start = nowNs();
  buildDecentDbMusicFile(dbFile, tracks);
  const dbBytes = statSync(dbFile).size;
  log(`built ${tracks}-track database: ${toMiB(dbBytes)} MiB in ${(elapsedMs(start) / 1000).toFixed(1)} s`);

  const server = await preview({
    configFile: false, root: PAGE_DIR, logLevel: 'warn', build: { outDir },
    preview: { port: 0, host: '127.0.0.1', strictPort: false }, plugins: [serveFile('/music.ddb', dbFile)],
  });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') throw new Error('vite preview did not listen on a port');
  const baseUrl = `http://127.0.0.1:${address.port}/`;
  const browser = await launchChromium();
  const { context } = browser;
  const runResults: DecentBrowserRun[] = [];
  let importMs = 0;
  try {
    const setup = await openBenchPage(context, baseUrl, log);
    start = nowNs();
    await setup.evaluate((url) => (window as unknown as { benchSetup: (u: string) => Promise<number> }).benchSetup(url), '/music.ddb');
    importMs = elapsedMs(start);
    await setup.close();
    log(`imported into OPFS in ${importMs.toFixed(0)} ms`);
    for (let run = 0; run < runs; run++) {
      const page = await openBenchPage(context, baseUrl, log);
      const r = await page.evaluate((opts) => (window as unknown as { benchRun: (o: typeof opts) => Promise<DecentBrowserRun> }).benchRun(opts),
        { trackCount: tracks, roundTrips, commits });
      await page.close();
      runResults.push(r);
      log(`run ${run + 1}: connect → first result ${r.connectToFirstResultMs.toFixed(1)} ms (connect ${r.connectMs.toFixed(1)} ms), `
        + `navigation → first result ${r.navigationToFirstResultMs.toFixed(1)} ms; round trip p50 ${summarize(r.roundTripMs).p50.toFixed(3)} ms; `
        + `commit p50 full ${summarize(r.commitMs.full).p50.toFixed(2)} / normal ${summarize(r.commitMs.normal).p50.toFixed(2)} / off ${summarize(r.commitMs.off).p50.toFixed(2)} ms; first row "${r.firstRow}"`);
    }
  } finally {
    await browser.close();
    await new Promise<void>((res) => { server.httpServer.close(() => res()); });
  }

  const med = (f: (r: DecentBrowserRun) => number): number => summarize(runResults.map(f)).p50;
  results.push(metric('connect → first query result, median', 'ms', { decentdb: med((r) => r.connectToFirstResultMs) },
    `${runs} page loads; connect ${med((r) => r.connectMs).toFixed(1)} ms of it; ${tracks} tracks, ${toMiB(dbBytes)} MiB`));
  results.push(metric('open + first query (navigation → first row), median', 'ms', { decentdb: med((r) => r.navigationToFirstResultMs) }));
  const rt = summarize(runResults.flatMap((r) => r.roundTripMs));
  results.push(metric('one-row query round trip p50', 'ms', { decentdb: rt.p50 }, 'db.query(SELECT … WHERE id = $1) through the Comlink proxy; batches of 10'));
  results.push(metric('one-row query round trip p95', 'ms', { decentdb: rt.p95 }));
  for (const mode of ['full', 'normal', 'off'] as const) {
    const c = summarize(runResults.flatMap((r) => r.commitMs[mode]));
    results.push(metric(`single-row insert commit, round trip p50 (durability ${mode})`, 'ms', { decentdb: c.p50 }, `p95 ${c.p95.toFixed(2)} ms; ${c.count * 10} autocommit inserts`));
  }
  results.push(metric('import database into OPFS', 'ms', { decentdb: importMs }, `${toMiB(dbBytes)} MiB via connect().import()`));
  results.push(metric('shipped JS, gzip -9 (client + engine worker, vite build)', 'KiB', { decentdb: shippedKiB }, `worker ${workerKiB.toFixed(1)} KiB; gzip -6 ${shippedDefaultKiB.toFixed(1)} KiB; ${breakdown.join(', ')}`));

  emitResult({ name: 'browser-decentdb', machine: describeMachine(), params: { tracks, mode: args.mode, runs, roundTrips, commits }, results });
  tmp.dispose();
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
