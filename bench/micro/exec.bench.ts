/**
 * Prepared-statement execution, DecentDB vs better-sqlite3 in one process: lookup by PK, by a
 * unique secondary index, a 20-row FK join, COUNT(*) of 100k rows; median of interleaved batch
 * means. Not loads, commits or memory. `npx tsx bench/micro/exec.bench.ts [--quick] [--cpu]
 * [--dist[=DIR]] [--ab=DIR2]`: --dist a build (DIR/src/index.js, default dist/) instead of src via
 * tsx; --ab a second build interleaved (before/after); --cpu batches timed in process CPU time.
 * With --dist or --ab the bench re-runs itself in a plain `node` child (child.ts `plainNode`),
 * so builds are timed as users run them, not through tsx's loader.
 */
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { prepareBuildDir, runTsChild } from '../lib/child.js';
import { describeMachine } from '../lib/machine.js';
import { emitResult, metric, parseBenchArgs } from '../lib/result.js';
import type { MetricResult } from '../lib/result.js';
import { makeTempDir } from '../lib/temp-dir.js';
import { nowNs } from '../lib/timer.js';

const require = createRequire(import.meta.url);

interface Stmt {
  get(params: unknown[]): unknown;
  all(params: unknown[]): unknown[];
}
interface Side {
  prepare(sql: string): Stmt;
  close(): void;
}

const args = parseBenchArgs();
const distFlag = args.rest.find((a) => a === '--dist' || a.startsWith('--dist='));
const distDir = distFlag === undefined ? null : distFlag === '--dist' ? 'dist' : distFlag.slice('--dist='.length);
/** A second build (e.g. before a change) measured in the same run, interleaved. */
const abDir = args.rest.find((a) => a.startsWith('--ab='))?.slice('--ab='.length);
/** Time batches by process CPU time instead of wall time (load from other processes). */
const useCpu = args.rest.includes('--cpu');
const PARENTS = args.mode === 'quick' ? 1_000 : 5_000;
const PER_PARENT = 20;
const CHILDREN = PARENTS * PER_PARENT;
/** Both engines get a page cache that holds the whole database: this bench measures execution. */
const CACHE_BYTES = 16 * 1024 * 1024;
const BATCHES = args.mode === 'quick' ? 15 : 41;

const SCHEMA = [
  'CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id), code TEXT NOT NULL, val INTEGER NOT NULL)',
  'CREATE UNIQUE INDEX child_code_idx ON child (code)',
  'CREATE INDEX child_parent_idx ON child (parent_id)',
];

const QUERIES = {
  pk: 'SELECT id, parent_id, code, val FROM child WHERE id = $1',
  secondary: 'SELECT id, parent_id, val FROM child WHERE code = $1',
  join: 'SELECT p.name, c.code, c.val FROM parent p JOIN child c ON c.parent_id = p.id WHERE p.id = $1',
  count: 'SELECT COUNT(*) FROM child',
} as const;

function* parentRows(): Generator<unknown[]> {
  for (let i = 1; i <= PARENTS; i++) yield [i, `parent ${i}`];
}
function* childRows(): Generator<unknown[]> {
  for (let i = 1; i <= CHILDREN; i++) yield [i, ((i * 7919) % PARENTS) + 1, `c${i.toString(36)}`, i % 1000];
}

async function openDecent(dir: string, build: string | null): Promise<Side> {
  const mod = (build !== null ? await import(pathToFileURL(resolve(build, 'src/index.js')).href) : await import('../../src/index.js')) as typeof import('../../src/index.js');
  mkdirSync(dir, { recursive: true });
  const db = mod.Database.open(join(dir, 'micro.ddb'), { durability: 'normal', cacheSizeBytes: CACHE_BYTES });
  for (const s of SCHEMA) db.exec(s);
  db.bulkLoad('parent', parentRows());
  db.bulkLoad('child', childRows());
  return { prepare: (sql) => db.prepare(sql) as Stmt, close: () => db.close() };
}

function openSqlite(dir: string): Side {
  const Sqlite = require('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Sqlite(join(dir, 'micro.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${CACHE_BYTES / 1024}`);
  for (const s of SCHEMA) db.exec(s);
  const load = (sql: string, rows: Iterable<unknown[]>): void => {
    const st = db.prepare(sql);
    db.transaction(() => {
      for (const r of rows) st.run(...r);
    })();
  };
  load('INSERT INTO parent VALUES (?, ?)', parentRows());
  load('INSERT INTO child VALUES (?, ?, ?, ?)', childRows());
  db.pragma('optimize');
  return {
    prepare: (sql) => {
      const st = db.prepare(sql.replace(/\$\d+/g, '?'));
      return { get: (p) => st.get(...p), all: (p) => st.all(...p) };
    },
    close: () => db.close(),
  };
}

type Query = keyof typeof QUERIES;
type Calls = Record<Query, (i: number) => number>;

function calls(side: Side): Calls {
  const pk = side.prepare(QUERIES.pk);
  const sec = side.prepare(QUERIES.secondary);
  const join = side.prepare(QUERIES.join);
  const count = side.prepare(QUERIES.count);
  const id = (i: number): number => ((i * 2654435761) % CHILDREN) + 1;
  return {
    pk: (i) => (pk.get([id(i)]) === undefined ? 0 : 1),
    secondary: (i) => (sec.get([`c${id(i).toString(36)}`]) === undefined ? 0 : 1),
    join: (i) => join.all([(i % PARENTS) + 1]).length,
    count: () => Number(Object.values(count.get([]) as object)[0]),
  };
}

const BATCH: Record<Query, number> = { pk: 2000, secondary: 2000, join: 200, count: 2 };

/** Process CPU time (user + system) in µs: steadier than wall time on a loaded machine. */
function cpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

function timeBatch(fn: (i: number) => number, from: number, n: number): { us: number; check: number } {
  let check = 0;
  if (useCpu) {
    const c = cpuUs();
    for (let i = from; i < from + n; i++) check += fn(i);
    return { us: (cpuUs() - c) / n, check };
  }
  const t = nowNs();
  for (let i = from; i < from + n; i++) check += fn(i);
  return { us: Number(nowNs() - t) / 1e3 / n, check };
}

const median = (xs: number[]): number => xs.sort((x, y) => x - y)[xs.length >> 1]!;

/**
 * Batches rotate between the sides (same keys, same order), so load bursts on a shared machine
 * hit every side; each figure is the median of its batch means. `check` sums result sizes.
 */
function measure(fns: readonly ((i: number) => number)[], batch: number): { us: number[]; check: number[] } {
  for (const f of fns) timeBatch(f, 0, batch * 3);
  const times = fns.map((): number[] => []);
  const check = fns.map(() => 0);
  for (let k = 0; k < BATCHES; k++) {
    for (let j = 0; j < fns.length; j++) {
      const x = timeBatch(fns[j]!, k * batch, batch);
      times[j]!.push(x.us);
      check[j]! += x.check;
    }
  }
  return { us: times.map(median), check };
}

async function main(): Promise<void> {
  const dir = makeTempDir('micro-exec').path;
  const sqlite = openSqlite(dir);
  const decent = await openDecent(join(dir, 'a'), distDir);
  const other = abDir === undefined ? null : await openDecent(join(dir, 'b'), abDir);
  const sides = [calls(decent), calls(sqlite), ...(other === null ? [] : [calls(other)])];
  const names: Record<Query, string> = {
    pk: 'point lookup by PK',
    secondary: 'point lookup by unique secondary index',
    join: `FK join, ${PER_PARENT} rows`,
    count: `COUNT(*) over ${CHILDREN} rows`,
  };
  const results: MetricResult[] = [];
  for (const k of Object.keys(QUERIES) as Query[]) {
    const m = measure(sides.map((s) => s[k]), BATCH[k]);
    const [dd, base, ab] = m.us as [number, number, number | undefined];
    const same = m.check.every((c) => c === m.check[1]) ? '' : `CHECK MISMATCH ${m.check.join(' vs ')}`;
    const abNote = ab === undefined ? '' : `--ab build: ${ab.toFixed(2)} µs (ratio ${(ab / base).toFixed(2)})`;
    results.push(metric(names[k], 'µs', { decentdb: dd, baseline: base }, [same, abNote].filter((x) => x !== '').join('; ')));
    const abText = ab === undefined ? '' : `   --ab build ${ab.toFixed(2).padStart(9)} µs (ratio ${(ab / base).toFixed(2)})`;
    process.stdout.write(`${names[k].padEnd(40)} DecentDB ${dd.toFixed(2).padStart(9)} µs   better-sqlite3 ${base.toFixed(2).padStart(9)} µs   ratio ${(dd / base).toFixed(2)}${abText} ${same}\n`);
  }
  decent.close();
  other?.close();
  sqlite.close();
  const Sqlite = require('better-sqlite3/package.json') as { version: string };
  emitResult({ name: 'micro-exec', machine: describeMachine(), baseline: `better-sqlite3 ${Sqlite.version}`, params: { mode: args.mode, children: CHILDREN, dist: distDir ?? false, ab: abDir ?? false, clock: useCpu ? 'cpu' : 'wall' }, results });
}

if ((distDir !== null || abDir !== undefined) && !args.rest.includes('--plain-child')) {
  for (const d of [distDir, abDir]) if (d !== null && d !== undefined) for (const note of prepareBuildDir(d)) process.stderr.write(`note: ${note}\n`);
  const r = await runTsChild(fileURLToPath(import.meta.url), [...process.argv.slice(2), '--plain-child'], { plainNode: true });
  process.exitCode = r.code ?? 1;
} else {
  await main();
}
