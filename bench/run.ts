/**
 * `npm run bench [-- names…] [--quick|--full]`: runs every bench/*.bench.ts (or those named),
 * each in its own child process, one after another so memory figures are clean; collects each
 * one's last `BENCH_RESULT <json>` line into bench/results/latest.json and prints a summary.
 * Names match a file's base name exactly (`btree` → btree.bench.ts), else as a substring.
 * Other flags (`--tracks 250000`, `--engines=better-sqlite3`) pass through; a flag followed by a
 * bare word takes it as its value, so put bench names before flags.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTsChild } from './lib/child.js';
import { describeMachine, formatMachine } from './lib/machine.js';
import { formatTable, parseBenchArgs, parseLastLine, RESULT_PREFIX } from './lib/result.js';
import type { BenchResult } from './lib/result.js';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

interface Failure {
  readonly name: string;
  readonly error: string;
}

function selectBenches(all: readonly string[], names: readonly string[]): string[] {
  if (names.length === 0) return [...all];
  const chosen: string[] = [];
  for (const name of names) {
    const exact = all.filter((b) => b === name);
    const matches = exact.length > 0 ? exact : all.filter((b) => b.includes(name));
    if (matches.length === 0) throw new Error(`no bench matches "${name}" (have: ${all.join(', ')})`);
    for (const m of matches) if (!chosen.includes(m)) chosen.push(m);
  }
  return chosen;
}

function isBenchResult(value: unknown): value is BenchResult {
  return typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string'
    && Array.isArray((value as { results?: unknown }).results);
}

async function main(): Promise<number> {
  const args = parseBenchArgs();
  // Bench names are bare words; `--flag value` and `--flag=value` pass through to every bench.
  const names: string[] = [];
  const passFlags: string[] = [];
  for (let i = 0; i < args.rest.length; i++) {
    const a = args.rest[i] ?? '';
    if (!a.startsWith('--')) names.push(a);
    else if (a.includes('=') || i + 1 >= args.rest.length || (args.rest[i + 1] ?? '').startsWith('--')) passFlags.push(a);
    else passFlags.push(a, args.rest[++i] ?? '');
  }
  if (args.mode !== 'default') passFlags.unshift(`--${args.mode}`);
  const all = readdirSync(BENCH_DIR).filter((f) => f.endsWith(SUFFIX)).map((f) => f.slice(0, -SUFFIX.length)).sort();
  const selected = selectBenches(all, names);
  const machine = describeMachine();
  process.stdout.write(`machine: ${formatMachine(machine)}\nmode: ${args.mode}; benches: ${selected.join(', ')}\n`);

  const results: BenchResult[] = [];
  const failures: Failure[] = [];
  const startedAt = new Date().toISOString();
  for (const name of selected) {
    process.stdout.write(`\n=== ${name} ===\n`);
    const outcome = await runTsChild(join(BENCH_DIR, name + SUFFIX), passFlags, {
      echoPrefix: '  ', quietPrefixes: [RESULT_PREFIX],
    });
    let parsed: unknown;
    try {
      parsed = parseLastLine(outcome.stdout, RESULT_PREFIX);
    } catch (e) {
      parsed = undefined;
      failures.push({ name, error: `unparsable BENCH_RESULT: ${String(e)}` });
      continue;
    }
    if (outcome.code !== 0) failures.push({ name, error: `exit code ${String(outcome.code)}` });
    else if (!isBenchResult(parsed)) failures.push({ name, error: 'no BENCH_RESULT line' });
    if (isBenchResult(parsed)) results.push({ ...parsed, machine: parsed.machine ?? machine });
    process.stdout.write(`  (${(outcome.ms / 1000).toFixed(1)} s)\n`);
  }

  const outDir = join(BENCH_DIR, 'results');
  mkdirSync(outDir, { recursive: true });
  const report = { startedAt, finishedAt: new Date().toISOString(), mode: args.mode, machine, results, failures };
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');

  process.stdout.write('\n=== summary (ratio = decentdb ÷ baseline) ===\n');
  for (const r of results) process.stdout.write(`\n${r.name}${r.baseline !== undefined ? ` — baseline: ${r.baseline}` : ''}\n${formatTable(r)}\n`);
  for (const f of failures) process.stdout.write(`\nFAILED ${f.name}: ${f.error}\n`);
  process.stdout.write(`\nwrote ${join('bench', 'results', 'latest.json')}\n`);
  return failures.length === 0 ? 0 : 1;
}

main().then((code) => { process.exitCode = code; }, (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
