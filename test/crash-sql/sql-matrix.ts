/**
 * The SQL crash matrix's engine (the tests are crash-matrix*.test.ts): the workload of
 * sql-workload.ts runs once on a FaultyVfs to count its writes, syncs and truncates; then, for
 * every one of them, it reruns from scratch and crashes there (crashAt, losing everything
 * unsynced) or fails there (writes torn at 0, 1, 100 or 4000 bytes, rotating) and crashes
 * keeping a seeded random subset of the unsynced writes, or is killed there (a torn write and
 * no OS crash: every acknowledged commit must survive in every mode). The reopened database
 * must show exactly one committed state, between the last one its durability contract
 * protects and the one in flight, with intact trees, agreeing indexes, a valid header, and
 * accept new writes.
 */
import { expect } from 'vitest';
import { Database, DecentDBError, FaultyVfs, MemoryVfs, type DatabaseOptions } from '../../src/index.js';
import type { FaultOp } from '../../src/vfs/index.js';
import { PATH, attempt, verifyRecovered } from './sql-crash-helpers.js';
import { WORKLOAD, workloadStates, type RunContext } from './sql-workload.js';

const TEARS = [0, 1, 100, 4000] as const;
const BASE: DatabaseOptions = { pageSize: 1024, cacheSizeBytes: 32 * 1024, clock: () => 0 };

export interface Config {
  readonly name: string;
  /** Fresh per run: the ticking clock must restart so that every run issues the same operations. */
  options(): DatabaseOptions;
  /** True when every acknowledged commit must survive (full); else only syncs (checkpoint, close) bind. */
  readonly everyCommitDurable: boolean;
  /** Syncs the workload must issue (ADR-0003: full syncs each commit, normal by window, off at checkpoints). */
  readonly minSyncs: number;
}

const COMMITS = WORKLOAD.filter((s) => s.kind === 'commit').length;

/** A clock advancing 20 ms per reading: group commit's 50 ms window closes every few commits. */
function tickingClock(): () => number {
  let t = 0;
  return () => (t += 20);
}

export const CONFIGS: readonly Config[] = [
  { name: "durability 'full'", options: () => ({ ...BASE, durability: 'full' }), everyCommitDurable: true, minSyncs: COMMITS },
  { name: "durability 'full' with automatic checkpoints", options: () => ({ ...BASE, durability: 'full', checkpointBytes: 16 * 1024 }), everyCommitDurable: true, minSyncs: COMMITS },
  { name: "durability 'normal'", options: () => ({ ...BASE, durability: 'normal' }), everyCommitDurable: false, minSyncs: 1 },
  { name: "durability 'normal' with group-commit syncs by time", options: () => ({ ...BASE, durability: 'normal', clock: tickingClock() }), everyCommitDurable: false, minSyncs: 1 },
  { name: "durability 'off'", options: () => ({ ...BASE, durability: 'off' }), everyCommitDurable: false, minSyncs: 1 },
];

const MODEL = workloadStates();

type Fault =
  | { readonly mode: 'crashAt'; readonly op: FaultOp; readonly nth: number }
  | { readonly mode: 'fail'; readonly op: FaultOp; readonly nth: number; readonly tear?: number; readonly seed: number }
  /** A process kill mid-write: the torn write stays, nothing is lost by the OS, no crash(). */
  | { readonly mode: 'kill'; readonly op: 'write'; readonly nth: number; readonly tear: number };

function describeFault(f: Fault): string {
  if (f.mode === 'crashAt') return `crashAt(${f.op}, ${f.nth})`;
  if (f.mode === 'kill') return `process killed in write #${f.nth} after ${f.tear} bytes`;
  return `fail ${f.op} #${f.nth} tear ${String(f.tear)} + crash(keep random, seed ${f.seed})`;
}

export function countOps(cfg: Config): Record<'write' | 'sync' | 'truncate', number> {
  const vfs = new FaultyVfs(new MemoryVfs());
  const db = Database.open(PATH, { ...cfg.options(), vfs });
  const before = { ...vfs.counters };
  const ctx: RunContext = {};
  for (const s of WORKLOAD) s.run(db, ctx);
  return { write: vfs.counters.write - before.write, sync: vfs.counters.sync - before.sync, truncate: vfs.counters.truncate - before.truncate };
}

/** Runs the workload with `fault` armed, crashes, reopens and checks; returns the visible state index. */
function runCase(cfg: Config, fault: Fault): number {
  const vfs = new FaultyVfs(new MemoryVfs(), { seed: fault.mode === 'fail' ? fault.seed : 1 });
  const db = Database.open(PATH, { ...cfg.options(), vfs });
  if (fault.mode === 'crashAt') vfs.crashAt(fault.op, fault.nth);
  else if (fault.tear === undefined) vfs.inject({ op: fault.op, nth: fault.nth });
  else vfs.inject({ op: fault.op, nth: fault.nth, tornBytes: fault.tear });
  let acked = 0;
  let floor = 0;
  let ceiling = 0;
  let error: DecentDBError | undefined;
  const ctx: RunContext = {};
  for (let i = 0; i < WORKLOAD.length && error === undefined; i++) {
    const step = WORKLOAD[i]!;
    ceiling = MODEL.after[i]!;
    error = attempt(() => step.run(db, ctx));
    if (error !== undefined) break;
    acked = MODEL.after[i]!;
    if (cfg.everyCommitDurable || step.kind === 'sync' || step.durableOnAck === true) floor = acked;
  }
  const where = `${cfg.name}, ${describeFault(fault)}`;
  expect(error, `${where}: the fault must surface as an error`).toBeDefined();
  expect(error!.code, `${where}: ${error!.message}`).toBe('ERR_IO');
  if (fault.mode === 'fail') vfs.crash({ keep: 'random' });
  expect(vfs.crashCount, where).toBe(fault.mode === 'kill' ? 0 : 1);
  // Everything written before a process kill is still there: no acknowledged commit may go.
  if (fault.mode === 'kill') floor = acked;
  let visible: string;
  try {
    visible = verifyRecovered(vfs, cfg.options()).visible;
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`, { cause: e });
  }
  let found = -1;
  for (let j = ceiling; j >= floor; j--) {
    if (MODEL.states[j] === visible) {
      found = j;
      break;
    }
  }
  if (found < 0) {
    const anywhere = MODEL.states.indexOf(visible);
    throw new Error(`${where}: visible state ${anywhere < 0 ? 'matches no committed state (torn transaction)' : `is commit ${anywhere}`}, expected one of ${floor}..${ceiling}`);
  }
  return found;
}

/** Runs every fault point of `cfg`; returns how many cases ran. */
export function runMatrix(cfg: Config): number {
  const counts = countOps(cfg);
  expect(counts.write).toBeGreaterThan(20);
  expect(counts.sync).toBeGreaterThanOrEqual(cfg.minSyncs);
  const faults: Fault[] = [];
  for (const op of ['write', 'sync', 'truncate'] as const) {
    for (let k = 1; k <= counts[op]; k++) {
      faults.push({ mode: 'crashAt', op, nth: k });
      faults.push({ mode: 'fail', op, nth: k, seed: k, ...(op === 'write' && { tear: TEARS[k % TEARS.length]! }) });
      if (op === 'write') faults.push({ mode: 'kill', op, nth: k, tear: TEARS[(k + 2) % TEARS.length]! });
    }
  }
  const seen = new Set<number>();
  for (const f of faults) seen.add(runCase(cfg, f));
  // The matrix reaches many committed states, not only the empty or final one
  // (fewer where only syncs bind: a crash without a random keep falls back to the last sync).
  expect(seen.size).toBeGreaterThan(cfg.everyCommitDurable ? MODEL.states.length / 2 : 5);
  return faults.length;
}
