#!/usr/bin/env node
// The `decentdb` command: a thin launcher over the built CLI (npm run build → dist/).
import { main } from '../dist/src/cli/main.js';

process.exitCode = main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
