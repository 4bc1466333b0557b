/**
 * The DecentDB build the workload benches measure: by default the package's own compiled output
 * (`tsc -p tsconfig.build.json`, what `import 'decentdb'` runs), built once per bench run into
 * node_modules/.cache (inside the package, so its `"type": "module"` applies). `--source` keeps the
 * TypeScript sources under tsx instead (slower: tsx's per-module wrappers and re-export getters).
 * The parent builds and passes the directory to the engine children in DECENTDB_BENCH_BUILD.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const BUILD_ENV = 'DECENTDB_BENCH_BUILD';
const ROOT = resolve(import.meta.dirname, '..', '..');

/** Builds the engine unless `--source` is given or a build was handed down; returns what runs. */
export function prepareBuiltEngine(argv: readonly string[]): string {
  if (argv.includes('--source')) {
    delete process.env[BUILD_ENV];
    return 'DecentDB from TypeScript sources under tsx (--source)';
  }
  const have = process.env[BUILD_ENV];
  if (have !== undefined && existsSync(join(have, 'src', 'index.js'))) return `DecentDB built output ${have}`;
  const out = join(ROOT, 'node_modules', '.cache', 'decentdb-bench-build');
  execFileSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out],
    { stdio: 'inherit', cwd: ROOT });
  process.env[BUILD_ENV] = out;
  return `DecentDB built output (tsc -p tsconfig.build.json → ${out})`;
}
