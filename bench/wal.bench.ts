/**
 * WAL bench (issue 3): commit latency p50/p95 of small transactions per durability mode on
 * NodeVfs (temp dir), commits/s, recovery time of a ~100 MB WAL vs reading it sequentially,
 * and WAL size over time with one reader held open and a steady writer under the defaults.
 * Baseline for commits: better-sqlite3 in WAL mode with synchronous FULL/NORMAL/OFF.
 * Recovery has two baselines: the WAL read warm from the OS cache, and read cold (page cache
 * dropped before every timed run, when /proc/sys/vm/drop_caches is writable: Linux, root).
 * Run: `npx tsx bench/wal.bench.ts [--quick] [--part=commits|recovery|growth] [--no-cold]`.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Durability } from '../src/pager/index.js';
import { crc32c, readU32, writeU32 } from '../src/util/index.js';
import { MemoryVfs } from '../src/vfs/index.js';
import { NodeVfs } from '../src/vfs/node-vfs.js';
import {
  CHECKPOINT_FRAME_SIZE, COMMIT_FRAME_SIZE, FRAME_CHECKPOINT, FRAME_COMMIT, FRAME_PAGE, WAL_HEADER_SIZE, chainSeed,
  openPager, pageFrameSize,
} from '../src/wal/index.js';
import { describeMachine } from './lib/machine.js';
import { type MetricResult, emitResult, flagValue, formatTable, metric, parseBenchArgs } from './lib/result.js';
import { summarize } from './lib/stats.js';
import { makeTempDir } from './lib/temp-dir.js';

const { mode, rest } = parseBenchArgs();
const quick = mode === 'quick';
const part = flagValue(rest, 'part');
const coldWanted = !rest.includes('--no-cold');
const results: MetricResult[] = [];
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

function decentCommits(durability: Durability, n: number): { p50: number; p95: number; perSec: number } {
  const dir = makeTempDir('wal');
  const pager = openPager(new NodeVfs(), join(dir.path, 'c.ddb'), { durability, checkpointOnClose: false });
  const w0 = pager.beginWrite();
  for (let i = 0; i < 64; i++) w0.allocate();
  w0.commit();
  const samples = new Float64Array(n);
  const t0 = nowMs();
  for (let i = 0; i < n; i++) {
    const s = nowMs();
    const w = pager.beginWrite();
    writeU32(w.write(2 + (i % 64)), 16, i);
    w.commit();
    samples[i] = nowMs() - s;
  }
  const total = nowMs() - t0;
  pager.close();
  dir.dispose();
  const sum = summarize(samples);
  return { p50: sum.p50, p95: sum.p95, perSec: (n / total) * 1000 };
}

function sqliteCommits(sync: 'FULL' | 'NORMAL' | 'OFF', n: number): { p50: number; p95: number; perSec: number } {
  const dir = makeTempDir('walsq');
  const db = new Database(join(dir.path, 'c.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)');
  const ins = db.prepare('INSERT OR REPLACE INTO t (id, v) VALUES (?, ?)');
  const samples = new Float64Array(n);
  const t0 = nowMs();
  for (let i = 0; i < n; i++) {
    const s = nowMs();
    ins.run(i % 64, i);
    samples[i] = nowMs() - s;
  }
  const total = nowMs() - t0;
  db.close();
  dir.dispose();
  const sum = summarize(samples);
  return { p50: sum.p50, p95: sum.p95, perSec: (n / total) * 1000 };
}

const modes: Array<[Durability, 'FULL' | 'NORMAL' | 'OFF', number]> = [
  ['full', 'FULL', quick ? 100 : 500],
  ['normal', 'NORMAL', quick ? 1000 : 5000],
  ['off', 'OFF', quick ? 1000 : 5000],
];
for (const [d, s, n] of part === undefined || part === 'commits' ? modes : []) {
  const ours = decentCommits(d, n);
  const theirs = sqliteCommits(s, n);
  results.push(metric(`commit p50 (${d})`, 'ms', { decentdb: ours.p50, baseline: theirs.p50 }, `${n} one-page commits`));
  results.push(metric(`commit p95 (${d})`, 'ms', { decentdb: ours.p95, baseline: theirs.p95 }));
  results.push(metric(`commits/s (${d})`, 'commits/s', { decentdb: ours.perSec, baseline: theirs.perSec }));
}

// Recovery of a large WAL vs a sequential read of the same file, warm and cold OS cache.
if (part === undefined || part === 'recovery') recoveryBench();

function recoveryBench(): void {
  const dir = makeTempDir('walrec');
  const path = join(dir.path, 'r.ddb');
  const walPath = `${path}-wal`;
  const vfs = new NodeVfs();
  const targetBytes = (quick ? 20 : 100) * 1024 * 1024;
  const pager = openPager(vfs, path, { durability: 'off', checkpointThresholdBytes: Number.MAX_SAFE_INTEGER, checkpointOnClose: false });
  let w = pager.beginWrite();
  for (let i = 0; i < 1000; i++) w.allocate();
  w.commit();
  let commits = 0;
  while (pager.stats.walBytes < targetBytes) {
    w = pager.beginWrite();
    for (let k = 0; k < 50; k++) writeU32(w.write(2 + ((commits * 50 + k) % 1000)), 0, commits);
    w.commit();
    commits++;
  }
  pager.syncWal();
  const walBytes = pager.stats.walBytes;
  const pageSize = pager.pageSize;
  pager.close();
  spawnSync('sync'); // drop_caches drops clean pages only: nothing of ours may stay dirty

  // The pieces recovery is made of, each timed alone (same 1 MiB chunks, same VFS calls):
  //  read      the WAL front to back, nothing else (the baseline);
  //  read+CRC  read, walk the frames and verify each frame's chained CRC-32C (no indexing);
  //  recovery  opening the database: all of that plus building the WAL index.
  const CHUNK = 1 << 20; // as src/wal/wal-recovery.ts
  const frameSize = pageFrameSize(pageSize);
  const readBuf = new Uint8Array(CHUNK);
  const readWal = (): void => {
    const f = vfs.open(walPath, { mode: 'open', readOnly: true });
    for (let off = 0; off < walBytes; off += CHUNK) f.read(readBuf, off);
    f.close();
  };
  const header = new Uint8Array(WAL_HEADER_SIZE);
  const readCrc = (): number => {
    const buf = new Uint8Array(CHUNK);
    const f = vfs.open(walPath, { mode: 'open', readOnly: true });
    f.read(header, 0);
    let chain = chainSeed(header);
    let off = WAL_HEADER_SIZE;
    while (off < walBytes) {
      const n = f.read(buf.subarray(0, Math.min(CHUNK, walBytes - off)), off);
      const v = verifyFrames(buf, n, frameSize, chain);
      if (v.consumed === 0) break;
      chain = v.chain;
      off += v.consumed;
    }
    f.close();
    if (off !== walBytes) throw new Error(`read+CRC stopped at ${off} of ${walBytes}`);
    return chain;
  };
  const recover = (): void => openPager(vfs, path, { checkpointOnClose: false }).close();
  // CRC alone over the WAL held in memory, per frame as recovery does.
  const walCopy = new Uint8Array(walBytes);
  const walFile = vfs.open(walPath, { mode: 'open', readOnly: true });
  walFile.read(walCopy, 0);
  walFile.close();
  const crcOver = (b: Uint8Array): void => {
    const v = verifyFrames(b.subarray(WAL_HEADER_SIZE), walBytes - WAL_HEADER_SIZE, frameSize, chainSeed(b));
    if (v.consumed !== walBytes - WAL_HEADER_SIZE) throw new Error('CRC alone failed');
  };

  const samples = new Map<string, { wall: number[]; cpu: number[] }>();
  const time = (name: string, f: () => unknown, dropFirst: boolean): void => {
    if (dropFirst && !dropCaches()) throw new Error('drop_caches failed');
    const c0 = process.cpuUsage();
    const t = nowMs();
    f();
    const wall = nowMs() - t;
    const c = process.cpuUsage(c0);
    let s = samples.get(name);
    if (s === undefined) samples.set(name, (s = { wall: [], cpu: [] }));
    s.wall.push(wall);
    s.cpu.push((c.user + c.system) / 1000);
  };
  const load0 = loadavg()[0] ?? 0;
  // Warm: one untimed run of each, then alternating timed rounds.
  readWal();
  readCrc();
  recover();
  crcOver(walCopy);
  const rounds = quick ? 3 : 7;
  for (let r = 0; r < rounds; r++) {
    time('warm read', readWal, false);
    time('warm read+CRC', readCrc, false);
    time('warm recovery', recover, false);
    time('CRC alone', () => crcOver(walCopy), false);
  }
  // Cold: the page cache dropped before every timed run (the recovered database's main file
  // too, as after a reboot), alternating the three.
  const cold = coldWanted && dropCaches();
  if (!cold) {
    process.stdout.write(coldWanted
      ? 'WAL recovery: COLD-CACHE ROUNDS SKIPPED: /proc/sys/vm/drop_caches is not writable here (Linux, root only); only warm figures below.\n'
      : 'WAL recovery: cold-cache rounds skipped (--no-cold).\n');
  } else {
    for (let r = 0; r < rounds; r++) {
      time('cold read', readWal, true);
      time('cold read+CRC', readCrc, true);
      time('cold recovery', recover, true);
    }
  }
  const load1 = loadavg()[0] ?? 0;
  dir.dispose();

  const med = (name: string, k: 'wall' | 'cpu' = 'wall'): number => summarize(samples.get(name)?.[k] ?? []).p50;
  const min = (name: string): number => summarize(samples.get(name)?.wall ?? []).min;
  const gbs = (ms: number): string => (walBytes / 1e9 / (ms / 1000)).toFixed(2);
  const mib = (walBytes / 1048576).toFixed(0);
  const load = `load ${load0.toFixed(2)} → ${load1.toFixed(2)}`;
  const ms = (x: number): string => x.toFixed(1);
  const where = `${mib} MiB WAL, ${commits} commits of 50 pages, ${rounds} alternating rounds, 1 MiB chunks; ${load}`;
  for (const temp of cold ? ['warm', 'cold'] as const : ['warm'] as const) {
    const rd = med(`${temp} read`), rc = med(`${temp} recovery`), rcrc = med(`${temp} read+CRC`);
    results.push(metric(`WAL recovery vs sequential read, ${temp} cache, median`, 'ms', { decentdb: rc, baseline: rd },
      `${where}; min ${ms(min(`${temp} recovery`))} vs ${ms(min(`${temp} read`))} ms; read ${gbs(rd)} GB/s, recovery ${gbs(rc)} GB/s (target ratio < 2)`));
    results.push(metric(`WAL read + CRC verify (no indexing), ${temp} cache, median`, 'ms', { decentdb: rcrc, baseline: rd },
      `wall breakdown (differences of medians, noisy under load): read ${ms(rd)} + CRC and frame walk ${ms(rcrc - rd)} + WAL index and open ${ms(rc - rcrc)} ms`));
    const cRd = med(`${temp} read`, 'cpu'), cCrc = med(`${temp} read+CRC`, 'cpu'), cRc = med(`${temp} recovery`, 'cpu');
    results.push(metric(`WAL recovery vs read, ${temp} cache, CPU time, median`, 'ms', { decentdb: cRc, baseline: cRd },
      `process.cpuUsage breakdown: read ${ms(cRd)} + CRC and frame walk ${ms(cCrc - cRd)} + WAL index and open ${ms(cRc - cCrc)} ms`));
  }
  const crcMs = med('CRC alone');
  results.push(metric('CRC-32C alone over the WAL frames, median', 'ms', { decentdb: crcMs },
    `${gbs(crcMs)} GB/s (CPU ${ms(med('CRC alone', 'cpu'))} ms)`));
}

/**
 * Walks the whole frames in `buf[0, len)`, verifying each chained CRC-32C from `chain`; returns
 * the bytes consumed (a frame cut by `len` is left for the next call) and the chain after them.
 * Throws on a bad frame type or checksum (the bench WAL is intact).
 */
function verifyFrames(
  buf: Uint8Array, len: number, frameSize: number, chain: number,
): { consumed: number; chain: number } {
  let p = 0;
  while (p < len) {
    const type = buf[p]!;
    const size = type === FRAME_PAGE ? frameSize : type === FRAME_COMMIT ? COMMIT_FRAME_SIZE
      : type === FRAME_CHECKPOINT ? CHECKPOINT_FRAME_SIZE : 0;
    if (size === 0) throw new Error(`bad frame type ${type}`);
    if (p + size > len) break;
    chain = crc32c(buf, p, p + size - 8, chain);
    if (readU32(buf, p + size - 8) !== chain) throw new Error('checksum mismatch');
    p += size;
  }
  return { consumed: p, chain };
}

/** Drops the OS page cache (Linux, root); false where that is not allowed. */
function dropCaches(): boolean {
  try {
    writeFileSync('/proc/sys/vm/drop_caches', '1');
    return true;
  } catch {
    return false;
  }
}

// WAL size over time: one reader held forever, steady writer, default limits (MemoryVfs).
if (part === undefined || part === 'growth') {
  const pager = openPager(new MemoryVfs(), 'g.ddb', { durability: 'off' });
  let w = pager.beginWrite();
  for (let k = 0; k < 16; k++) w.allocate();
  w.commit();
  pager.beginRead(); // never ended
  const commits = quick ? 10000 : 40000;
  let maxWal = 0;
  const series: number[] = [];
  for (let c = 0; c < commits; c++) {
    w = pager.beginWrite();
    writeU32(w.write(2 + (c % 16)), 0, c);
    w.commit();
    maxWal = Math.max(maxWal, pager.stats.walBytes);
    if (c % (commits / 10) === 0) series.push(Math.round(pager.stats.walBytes / 1048576));
  }
  results.push(metric('max WAL size, reader held forever', 'MiB', { decentdb: maxWal / 1048576 }, `${commits} commits (${((commits * 4109) / 1048576).toFixed(0)} MiB appended); MiB every ${commits / 10}: ${series.join(' ')}; checkpoints ${pager.stats.checkpoints}`));
  pager.close();
}

const result = { name: 'wal', machine: describeMachine(), baseline: 'better-sqlite3 (WAL mode, synchronous FULL/NORMAL/OFF)', params: { mode, part: part ?? 'all', cold: coldWanted }, results };
process.stdout.write(`${formatTable(result)}\n`);
emitResult(result);
