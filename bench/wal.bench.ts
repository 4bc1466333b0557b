/**
 * WAL bench (issue 3): commit latency p50/p95 of small transactions per durability mode on
 * NodeVfs (temp dir), commits/s, recovery time of a ~100 MB WAL vs reading it sequentially,
 * and WAL size over time with one reader held open and a steady writer under the defaults.
 * Baseline for commits: better-sqlite3 in WAL mode with synchronous FULL/NORMAL/OFF.
 * Run: `npx tsx bench/wal.bench.ts [--quick]`.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Durability } from '../src/pager/index.js';
import { crc32c, writeU32 } from '../src/util/index.js';
import { MemoryVfs } from '../src/vfs/index.js';
import { NodeVfs } from '../src/vfs/node-vfs.js';
import { openPager } from '../src/wal/index.js';
import { describeMachine } from './lib/machine.js';
import { type MetricResult, emitResult, formatTable, metric, parseBenchArgs } from './lib/result.js';
import { summarize } from './lib/stats.js';
import { makeTempDir } from './lib/temp-dir.js';

const { mode } = parseBenchArgs();
const quick = mode === 'quick';
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
for (const [d, s, n] of modes) {
  const ours = decentCommits(d, n);
  const theirs = sqliteCommits(s, n);
  results.push(metric(`commit p50 (${d})`, 'ms', { decentdb: ours.p50, baseline: theirs.p50 }, `${n} one-page commits`));
  results.push(metric(`commit p95 (${d})`, 'ms', { decentdb: ours.p95, baseline: theirs.p95 }));
  results.push(metric(`commits/s (${d})`, 'commits/s', { decentdb: ours.perSec, baseline: theirs.perSec }));
}

// Recovery of a large WAL vs a sequential read of the same file.
{
  const dir = makeTempDir('walrec');
  const path = join(dir.path, 'r.ddb');
  const vfs = new NodeVfs();
  const targetBytes = (quick ? 20 : 100) * 1024 * 1024;
  const pager = openPager(vfs, path, { durability: 'off', checkpointThresholdBytes: Number.MAX_SAFE_INTEGER, checkpointOnClose: false });
  let w = pager.beginWrite();
  for (let i = 0; i < 1000; i++) w.allocate();
  w.commit();
  let i = 0;
  while (pager.stats.walBytes < targetBytes) {
    w = pager.beginWrite();
    for (let k = 0; k < 50; k++) writeU32(w.write(2 + ((i * 50 + k) % 1000)), 0, i);
    w.commit();
    i++;
  }
  pager.syncWal();
  const walBytes = pager.stats.walBytes;
  pager.close();
  // Fair baseline: the same 4 MiB chunks recovery reads with, the file warm in the OS cache for
  // both (each is run once untimed, then alternately); min and median of the timed rounds.
  const buf = new Uint8Array(4 << 20);
  const readWal = (): void => {
    const f = vfs.open(`${path}-wal`, { mode: 'open', readOnly: true });
    for (let off = 0; off < walBytes; off += buf.length) f.read(buf, off);
    f.close();
  };
  const recover = (): void => openPager(vfs, path, { checkpointOnClose: false }).close();
  const crcOnly = (): number => {
    let c = 0;
    for (let off = 0; off < walBytes; off += buf.length) c = crc32c(buf, 0, Math.min(buf.length, walBytes - off), c);
    return c;
  };
  readWal();
  recover();
  crcOnly();
  const rounds = quick ? 3 : 7;
  const readMs: number[] = [];
  const recoverMs: number[] = [];
  const crcMs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    let t = nowMs();
    readWal();
    readMs.push(nowMs() - t);
    t = nowMs();
    recover();
    recoverMs.push(nowMs() - t);
    t = nowMs();
    crcOnly();
    crcMs.push(nowMs() - t);
  }
  dir.dispose();
  const rd = summarize(readMs);
  const rc = summarize(recoverMs);
  const cc = summarize(crcMs);
  const gbs = (ms: number): string => (walBytes / 1e9 / (ms / 1000)).toFixed(2);
  const mib = (walBytes / 1048576).toFixed(0);
  results.push(metric('WAL recovery vs sequential read, min', 'ms', { decentdb: rc.min, baseline: rd.min }, `${mib} MiB WAL, ${i} commits, ${rounds} alternating warm rounds; baseline = reading the WAL in the same 4 MiB chunks (target ratio < 2)`));
  results.push(metric('WAL recovery vs sequential read, median', 'ms', { decentdb: rc.p50, baseline: rd.p50 }, `read ${gbs(rd.p50)} GB/s, recovery ${gbs(rc.p50)} GB/s`));
  results.push(metric('CRC-32C alone over the WAL bytes, median', 'ms', { decentdb: cc.p50 }, `${gbs(cc.p50)} GB/s (min ${cc.min.toFixed(1)} ms = ${gbs(cc.min)} GB/s); recovery ≈ read + CRC`));
}

// WAL size over time: one reader held forever, steady writer, default limits (MemoryVfs).
{
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

const result = { name: 'wal', machine: describeMachine(), baseline: 'better-sqlite3 (WAL mode, synchronous FULL/NORMAL/OFF)', params: { mode }, results };
process.stdout.write(`${formatTable(result)}\n`);
emitResult(result);
