/**
 * Runs a TypeScript bench script in a child Node process (`node --import tsx file args`), echoing
 * its output live while capturing stdout, so each bench (or each engine within a bench) has its
 * own heap and RSS. Does not parse results (result.ts).
 */
import { spawn } from 'node:child_process';

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
}

export function runTsChild(file: string, args: readonly string[], options: ChildOptions = {}): Promise<ChildOutcome> {
  const start = Date.now();
  const nodeArgs = ['--expose-gc', '--import', 'tsx', ...(options.nodeArgs ?? []), file, ...args];
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
