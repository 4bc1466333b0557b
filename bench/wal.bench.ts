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
import { writeU32 } from '../src/util/index.js';
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
  const buf = new Uint8Array(4 << 20);
  const readT0 = nowMs();
  const f = vfs.open(`${path}-wal`, { mode: 'open', readOnly: true });
  for (let off = 0; off < walBytes; off += buf.length) f.read(buf, off);
  f.close();
  const readMs = nowMs() - readT0;
  const recT0 = nowMs();
  const again = openPager(vfs, path, { checkpointOnClose: false });
  const recoverMs = nowMs() - recT0;
  again.close();
  dir.dispose();
  results.push(metric('WAL recovery vs sequential read', 'ms', { decentdb: recoverMs, baseline: readMs }, `${(walBytes / 1048576).toFixed(0)} MiB WAL, ${i} commits; baseline = reading the WAL`));
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
