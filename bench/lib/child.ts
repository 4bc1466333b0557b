/**
 * Runs a TypeScript bench script in a child Node process, echoing its output live while
 * capturing stdout, so each bench (or each engine within a bench) has its own heap and RSS.
 * By default the child is `node --import tsx file args`. With `plainNode` (benches timing a
 * build, `--dist`) the script and the bench modules it imports are transpiled to JavaScript
 * first and the child is plain `node`: under tsx a build is transformed too (a build outside an
 * ESM scope even becomes CommonJS, every cross-module call a getter), which is not how users
 * run it. Does not parse results (result.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ChildOutcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly ms: number;
}

export interface ChildOptions {
  /** Prefix for echoed lines, e.g. "[music-sqlite] ". Empty: echo as is. */
  readonly echoPrefix?: string;
  /** Lines starting with one of these are captured but not echoed. */
  readonly quietPrefixes?: readonly string[];
  readonly nodeArgs?: readonly string[];
  /**
   * Run the script as transpiled JavaScript under plain `node` (no tsx loader in the child).
   * The script may import bench modules (bench/**) only; anything else it imports must be
   * JavaScript already (a build, node_modules).
   */
  readonly plainNode?: boolean;
}

/** The package root (this file is bench/lib/child.ts). */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BENCH = join(ROOT, 'bench');

export function runTsChild(file: string, args: readonly string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  const start = Date.now();
  const nodeArgs = options.plainNode === true
    ? ['--expose-gc', ...(options.nodeArgs ?? []), transpiledBench(file), ...args]
    : ['--expose-gc', '--import', 'tsx', ...(options.nodeArgs ?? []), file, ...args];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: string[] = [];
    let pending = '';
    const prefix = options.echoPrefix ?? '';
    const quiet = options.quietPrefixes ?? [];
    const echo = (line: string): void => {
      if (quiet.some((p) => line.startsWith(p))) return;
      process.stdout.write(`${prefix}${line}\n`);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      chunks.push(chunk);
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        echo(pending.slice(0, nl));
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending !== '') echo(pending);
      resolvePromise({ code, stdout: chunks.join(''), ms: Date.now() - start });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Plain-node children

/**
 * This process's output directory for transpiled bench modules. It lives under
 * node_modules/.cache so that bare imports (better-sqlite3) resolve from the package, with its
 * own {"type":"module"} (package scope lookup stops at node_modules); removed at exit.
 */
let outDir: string | undefined;

function benchOutDir(): string {
  if (outDir !== undefined) return outDir;
  const dir = join(ROOT, 'node_modules', '.cache', 'decentdb-bench', String(process.pid));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  outDir = dir;
  return dir;
}

const TS_OPTIONS = { module: 99 /* ESNext */, target: 9 /* ES2022 */, verbatimModuleSyntax: true, sourceMap: false } as const;

/**
 * Transpiles `file` and every bench module it reaches through relative imports (types erased,
 * no type check) into benchOutDir, mirroring paths from the package root; returns the
 * script's JavaScript path. Relative imports leaving bench/ are left as written (they point
 * nowhere in the output: a plain-node script must not run them).
 */
function transpiledBench(file: string): string {
  // Loaded here only: runs without plainNode never load the compiler.
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  const out = benchOutDir();
  const todo = [resolve(file)];
  const done = new Set<string>();
  while (todo.length > 0) {
    const src = todo.pop()!;
    if (done.has(src)) continue;
    done.add(src);
    const text = readFileSync(src, 'utf8');
    for (const imp of ts.preProcessFile(text, true, true).importedFiles) {
      if (!imp.fileName.startsWith('.')) continue;
      const target = resolve(dirname(src), imp.fileName.replace(/\.js$/, '.ts'));
      if (target.startsWith(BENCH + '/') && existsSync(target)) todo.push(target);
    }
    const js = ts.transpileModule(text, { compilerOptions: TS_OPTIONS, fileName: src }).outputText;
    const dest = join(out, relative(ROOT, src)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, js);
  }
  return join(out, relative(ROOT, resolve(file))).replace(/\.ts$/, '.js');
}

/**
 * Makes a build directory loadable by plain `node` as ESM with its dependencies: writes
 * `{"type":"module"}` into it when no package.json governs it, and links node_modules (fflate)
 * from this package when the directory lies outside it. Returns what it did (for a notice).
 */
export function prepareBuildDir(dir: string): string[] {
  const abs = resolve(dir);
  const done: string[] = [];
  if (!inModuleScope(abs)) {
    writeFileSync(join(abs, 'package.json'), '{"type":"module"}\n');
    done.push(`wrote ${join(abs, 'package.json')} ({"type":"module"})`);
  }
  const inside = !relative(ROOT, abs).startsWith('..');
  const link = join(abs, 'node_modules');
  if (!inside && !existsSync(link) && !isLink(link)) {
    symlinkSync(join(ROOT, 'node_modules'), link, 'dir');
    done.push(`linked ${link} → ${join(ROOT, 'node_modules')}`);
  }
  return done;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Whether Node treats .js files in `dir` as ESM (the nearest package.json says "type": "module"). */
export function inModuleScope(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    const p = join(d, 'package.json');
    if (existsSync(p)) return (JSON.parse(readFileSync(p, 'utf8')) as { type?: string }).type === 'module';
    if (dirname(d) === d) return false;
  }
}
