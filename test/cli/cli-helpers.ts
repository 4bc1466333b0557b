// Helpers for the CLI suites: run main() on a MemoryVfs with captured output, move files in
// and out of a Vfs, and spawn the built bin/decentdb.js.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main, mainAsync, type CliIo } from '../../src/cli/main.js';
import type { Vfs } from '../../src/vfs/index.js';

export const BIN = fileURLToPath(new URL('../../bin/decentdb.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(vfs: Vfs, ...argv: string[]): Run {
  let stdout = '';
  let stderr = '';
  const code = main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), vfs, version: '9.9.9' });
  return { code, stdout, stderr };
}

export async function runAsync(vfs: Vfs, argv: string[], extra: Partial<CliIo> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await mainAsync(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), vfs, ...extra });
  return { code, stdout, stderr };
}

export function writeBytes(vfs: Vfs, path: string, data: Uint8Array | string): void {
  const f = vfs.open(path, { mode: 'create' });
  f.write(typeof data === 'string' ? new TextEncoder().encode(data) : data, 0);
  f.close();
}

export function readBytes(vfs: Vfs, path: string): Uint8Array {
  const f = vfs.open(path, { mode: 'open' });
  const buf = new Uint8Array(f.size());
  f.read(buf, 0);
  f.close();
  return buf;
}

export const readString = (vfs: Vfs, path: string): string => new TextDecoder().decode(readBytes(vfs, path));

/** Copies files as they are now (e.g. a database and its WAL while it is open: a "crash" copy). */
export function copyFiles(from: Vfs, to: Vfs, paths: readonly string[]): void {
  for (const p of paths) if (from.exists(p)) writeBytes(to, p, readBytes(from, p));
}

/** JSON lines of an output. */
export const jsonLines = (s: string): unknown[] => s.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown);

function requireBuilt(): void {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`);
}

export function spawnCli(args: string[], input?: string): Run {
  requireBuilt();
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000, ...(input !== undefined && { input }) });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A running CLI fed through a pipe; `nextLine()` resolves with each stdout line as it comes. */
export class CliProcess {
  readonly child: ChildProcessWithoutNullStreams;
  private buffered = '';
  private readonly lines: string[] = [];
  private waiter: ((line: string) => void) | undefined;
  stderr = '';
  readonly exited: Promise<number>;

  constructor(args: string[]) {
    requireBuilt();
    this.child = spawn(process.execPath, [BIN, ...args]);
    this.child.stdout.setEncoding('utf8');
    this.child.stderr.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffered += chunk;
      for (let nl = this.buffered.indexOf('\n'); nl >= 0; nl = this.buffered.indexOf('\n')) {
        this.lines.push(this.buffered.slice(0, nl));
        this.buffered = this.buffered.slice(nl + 1);
      }
      this.deliver();
    });
    this.child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code ?? -1)));
  }

  /** Lines received so far and not yet taken. */
  get waiting(): number {
    return this.lines.length;
  }

  write(text: string): void {
    this.child.stdin.write(text);
  }

  end(): void {
    this.child.stdin.end();
  }

  nextLine(): Promise<string> {
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.deliver();
    });
  }

  private deliver(): void {
    if (this.waiter !== undefined && this.lines.length > 0) {
      const w = this.waiter;
      this.waiter = undefined;
      w(this.lines.shift()!);
    }
  }
}
