/**
 * Loading rows, DecentDB vs better-sqlite3: `db.bulkLoad` and a prepared INSERT loop inside one
 * transaction, into a track-like table with one secondary index (random keys, so the index
 * needs sorting), against better-sqlite3's prepared INSERT loop in one transaction. Each case
 * runs in its own child process (own heap and peak RSS). Not lookups or commits (music bench).
 * `npx tsx bench/micro/insert.bench.ts [--quick|--full] [--rows N] [--dist[=DIR]] [--ab=DIR2]
 * [--batch N] [--loop-limit-s S] [--only=name,…]`: --dist times a build (DIR/src/index.js,
 * default dist/; `npm run build` first: tsx adds overhead); --ab also runs a second build.
 * Cases timing a build run in a plain `node` child (child.ts `plainNode`), as users run it;
 * a build directory not under an ESM package.json gets a {"type":"module"} one, and one
 * outside this package a node_modules link (prepareBuildDir, announced on stderr).
 */
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prepareBuildDir, runTsChild } from '../lib/child.js';
import { describeMachine } from '../lib/machine.js';
import { MemoryTracker, toMiB } from '../lib/memory.js';
import { emitResult, flagValue, metric, parseBenchArgs, parseLastLine } from '../lib/result.js';
import type { MetricResult } from '../lib/result.js';
import { makeTempDir } from '../lib/temp-dir.js';
import { nowNs } from '../lib/timer.js';

const require = createRequire(import.meta.url);
const args = parseBenchArgs();
const CASE_PREFIX = 'INSERT_CASE ';
const CACHE_BYTES = 16 * 1024 * 1024;

const SCHEMA = [
  'CREATE TABLE track (id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL, title TEXT NOT NULL, '
    + 'track_number INTEGER NOT NULL, milliseconds INTEGER NOT NULL, unit_price NUMERIC(10,2) NOT NULL)',
  'CREATE INDEX track_album_id_idx ON track (album_id)',
];
const INSERT = 'INSERT INTO track VALUES ($1, $2, $3, $4, $5, $6)';
const COLUMNS = ['id', 'album_id', 'title', 'track_number', 'milliseconds', 'unit_price'];
const WORDS = ['love', 'night', 'the', 'blue', 'summer', 'heart', 'dream', 'road', 'fire', 'rain', 'song', 'girl', 'home', 'light'];

/**
 * Deterministic rows: ascending ids, album ids scattered over rows/12 albums (index must sort).
 * `perRow` (memory sampling) runs inside the generator, so bulkLoad's input costs what the loops' does.
 */
function* trackRows(n: number, perRow?: () => void): Generator<unknown[]> {
  const albums = Math.max(1, Math.floor(n / 12));
  for (let i = 1; i <= n; i++) {
    perRow?.();
    const h = Math.imul(i, 2654435761) >>> 0;
    const title = `${WORDS[h % WORDS.length]!} ${WORDS[(h >>> 8) % WORDS.length]!} ${i.toString(36)}`;
    yield [i, (h % albums) + 1, title, (i % 12) + 1, 120_000 + (h % 240_000), h % 20 === 0 ? 1.99 : 0.99];
  }
}

interface CaseOutcome {
  readonly name: string;
  readonly rows: number;
  readonly ms: number;
  /** Process CPU time (user + system, all threads) over the same span: steadier under load. */
  readonly cpuMs: number;
  readonly rowsPerSec: number;
  readonly peakRssMiB: number;
  readonly maxRssMiB: number;
  readonly peakHeapMiB: number;
  readonly check: number;
  readonly note: string;
}

type CaseName = 'sqlite-loop' | 'bulk' | 'bulk-batched' | 'loop';

/** One case in this (child) process. */
async function runCase(name: CaseName, rows: number, build: string | null, batch: number, loopLimitMs: number): Promise<CaseOutcome> {
  const dir = makeTempDir('micro-insert').path;
  mkdirSync(dir, { recursive: true });
  const mem = new MemoryTracker();
  let done = 0;
  let check = 0;
  let note = '';
  let ms: number;
  let cpu: NodeJS.CpuUsage;
  const sample = (): void => {
    if ((++done & 8191) === 0) mem.sample();
  };
  if (name === 'sqlite-loop') {
    const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');
    const db = new Sqlite(join(dir, 'insert.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`cache_size = -${CACHE_BYTES / 1024}`);
    for (const s of SCHEMA) db.exec(s);
    const st = db.prepare(INSERT.replace(/\$\d+/g, '?'));
    const c0 = process.cpuUsage();
    const t = nowNs();
    db.transaction(() => {
      for (const r of trackRows(rows)) {
        st.run(...r);
        sample();
      }
    })();
    ms = Number(nowNs() - t) / 1e6;
    cpu = process.cpuUsage(c0);
    check = Number((db.prepare('SELECT COUNT(*) AS n FROM track WHERE album_id <= 10').get() as { n: number }).n);
    db.close();
  } else {
    const mod = (build !== null ? await import(pathToFileURL(resolve(build, 'src/index.js')).href) : await import('../../src/index.js')) as typeof import('../../src/index.js');
    const db = mod.Database.open(join(dir, 'insert.ddb'), { durability: 'full', cacheSizeBytes: CACHE_BYTES });
    for (const s of SCHEMA) db.exec(s);
    const c0 = process.cpuUsage();
    const t = nowNs();
    if (name === 'bulk') db.bulkLoad('track', trackRows(rows, sample), { columns: COLUMNS });
    else if (name === 'bulk-batched') db.bulkLoad('track', trackRows(rows, sample), { columns: COLUMNS, batchSize: batch });
    else {
      const st = db.prepare(INSERT);
      const start = Date.now();
      db.transaction(() => {
        for (const r of trackRows(rows)) {
          st.run(r);
          sample();
          if ((done & 1023) === 0 && Date.now() - start > loopLimitMs) break;
        }
      })();
      if (done < rows) note = `stopped after ${done} rows (${loopLimitMs / 1000} s budget)`;
    }
    ms = Number(nowNs() - t) / 1e6;
    cpu = process.cpuUsage(c0);
    const got = db.query('SELECT COUNT(*) AS n FROM track WHERE album_id <= 10') as { n: number | bigint }[];
    check = Number(got[0]!.n);
    db.close();
  }
  const peak = mem.peak();
  return {
    name, rows: done, ms, cpuMs: (cpu.user + cpu.system) / 1000, rowsPerSec: (done / ms) * 1000, peakRssMiB: toMiB(peak.rssBytes), maxRssMiB: toMiB(peak.maxRssBytes),
    peakHeapMiB: toMiB(peak.heapUsedBytes), check, note,
  };
}

async function main(): Promise<void> {
  const rows = Number(flagValue(args.rest, 'rows') ?? (args.mode === 'quick' ? 10_000 : args.mode === 'full' ? 1_000_000 : 100_000));
  const distFlag = args.rest.find((a) => a === '--dist' || a.startsWith('--dist='));
  const distDir = distFlag === undefined ? null : distFlag === '--dist' ? 'dist' : distFlag.slice('--dist='.length);
  const abDir = args.rest.find((a) => a.startsWith('--ab='))?.slice('--ab='.length);
  const batch = Number(flagValue(args.rest, 'batch') ?? Math.max(1, Math.floor(rows / 10)));
  const loopLimitS = Number(flagValue(args.rest, 'loop-limit-s') ?? 60);
  const only = flagValue(args.rest, 'only')?.split(',');
  const child = flagValue(args.rest, 'child');
  if (child !== undefined) {
    const build = flagValue(args.rest, 'build');
    const out = await runCase(child as CaseName, rows, build === undefined || build === '' ? null : build, batch, loopLimitS * 1000);
    process.stdout.write(`${CASE_PREFIX}${JSON.stringify(out)}\n`);
    return;
  }
  for (const d of [distDir, abDir]) if (d !== null && d !== undefined) for (const note of prepareBuildDir(d)) process.stderr.write(`note: ${note}\n`);
  const self = fileURLToPath(import.meta.url);
  const plan: { label: string; name: CaseName; build: string }[] = [{ label: 'sqlite-loop', name: 'sqlite-loop', build: '' }];
  for (const [tag, b] of [['', distDir ?? ''], ...(abDir === undefined ? [] : [['ab:', abDir]])] as const) {
    for (const n of ['bulk', 'bulk-batched', 'loop'] as const) plan.push({ label: `${tag}${n}`, name: n, build: b });
  }
  const outcomes = new Map<string, CaseOutcome>();
  for (const p of plan) {
    if (only !== undefined && !only.includes(p.label)) continue;
    const r = await runTsChild(self, [`--rows=${rows}`, `--child=${p.name}`, `--build=${p.build}`, `--batch=${batch}`, `--loop-limit-s=${loopLimitS}`], {
      quietPrefixes: [CASE_PREFIX],
      plainNode: p.build !== '',
    });
    const o = parseLastLine(r.stdout, CASE_PREFIX) as CaseOutcome | undefined;
    if (r.code !== 0 || o === undefined) throw new Error(`case ${p.label} failed (exit ${r.code})`);
    outcomes.set(p.label, o);
    process.stdout.write(`${p.label.padEnd(18)} ${String(o.rows).padStart(8)} rows ${o.ms.toFixed(0).padStart(7)} ms (cpu ${o.cpuMs.toFixed(0).padStart(7)} ms) ${o.rowsPerSec.toFixed(0).padStart(9)} rows/s  `
      + `peak rss ${o.peakRssMiB} MiB (maxRSS ${o.maxRssMiB}), heap ${o.peakHeapMiB} MiB  check ${o.check} ${o.note}\n`);
  }
  const base = outcomes.get('sqlite-loop');
  const results: MetricResult[] = [];
  for (const [label, o] of outcomes) {
    if (label === 'sqlite-loop') continue;
    const same = base === undefined || o.check === base.check || o.note !== '' ? '' : `CHECK MISMATCH ${o.check} vs ${base.check}`;
    const what = label.endsWith('bulk-batched') ? `bulkLoad, batchSize ${batch}` : label.endsWith('bulk') ? 'bulkLoad' : 'prepared INSERT loop, one transaction';
    const tag = label.startsWith('ab:') ? ` (--ab ${abDir ?? ''})` : '';
    results.push(metric(`${what}${tag} vs SQLite insert loop`, 'rows/s', { decentdb: o.rowsPerSec, baseline: base?.rowsPerSec }, [same, o.note].filter((x) => x !== '').join('; ')));
    results.push(metric(`CPU time, ${what}${tag} vs SQLite insert loop`, 'ms', { decentdb: o.cpuMs, baseline: base?.cpuMs }, o.note));
    results.push(metric(`peak RSS, ${what}${tag}`, 'MiB', { decentdb: o.maxRssMiB, baseline: base?.maxRssMiB }));
  }
  const Sqlite = require('better-sqlite3/package.json') as { version: string };
  emitResult({ name: 'micro-insert', machine: describeMachine(), baseline: `better-sqlite3 ${Sqlite.version}`, params: { mode: args.mode, rows, batch, dist: distDir ?? false, ab: abDir ?? false }, results });
}

await main();
