/**
 * The music-library benchmark (issues 4 and 6): bench/workloads/music-workload.ts run on every
 * engine in bench/lib/engines.ts (better-sqlite3 as the baseline, DecentDB), each in its own
 * process. 100k tracks by default, 10k with --quick, 1M with --full, or --tracks N;
 * --engines better-sqlite3 runs only the named engines.
 */
import { fileURLToPath } from 'node:url';
import { anyEngineFailed, combineReports, runPerEngine } from './lib/engine-run.js';
import { describeMachine } from './lib/machine.js';
import { emitResult, flagValue, parseBenchArgs } from './lib/result.js';
import { musicConfig, runMusicWorkload } from './workloads/music-workload.js';

const args = parseBenchArgs();
const tracksFlag = flagValue(args.rest, 'tracks');
const cfg = musicConfig(args.mode, tracksFlag === undefined ? undefined : Number(tracksFlag));
const argv = [...(args.mode === 'default' ? [] : [`--${args.mode}`]), ...args.rest];

const reports = await runPerEngine(fileURLToPath(import.meta.url), argv, (engine) => runMusicWorkload(engine, cfg));
if (reports !== undefined) {
  const baseline = reports.find((r) => r.role === 'baseline');
  emitResult({
    name: 'music-sqlite',
    machine: describeMachine(),
    ...(baseline !== undefined ? { baseline: `${baseline.label}; ${baseline.settings}` } : {}),
    params: { tracks: cfg.tracks, mode: args.mode, cacheMiB: cfg.cacheSizeBytes / 2 ** 20, sortBudgetMiB: cfg.sortBudgetBytes / 2 ** 20 },
    results: combineReports(reports),
  });
  if (anyEngineFailed(reports)) process.exitCode = 1;
}
