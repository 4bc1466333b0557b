#!/usr/bin/env node
// The `decentdb` command: a thin launcher over the built CLI (npm run build → dist/). Passes
// argv, synchronous stdout/stderr writers, stdin (piped) or the terminal, and the history path.
import { readFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mainAsync } from '../dist/src/cli/main.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Writes all of `text` to fd before returning, so each statement's output is flushed. */
function writeAll(fd, text) {
  const bytes = Buffer.from(text, 'utf8');
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(fd, bytes, off, bytes.length - off);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EPIPE') return;
      throw e;
    }
  }
}

const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;

process.exitCode = await mainAsync(process.argv.slice(2), {
  stdout: (text) => writeAll(1, text),
  stderr: (text) => writeAll(2, text),
  stdin: interactive ? undefined : process.stdin,
  terminal: interactive ? { input: process.stdin, output: process.stdout } : undefined,
  stderrIsTTY: process.stderr.isTTY === true,
  historyPath: join(homedir(), '.decentdb_history'),
  version: pkg.version,
});
