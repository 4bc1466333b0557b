/**
 * The `decentdb` command line: argv dispatch to subcommands (`inspect` now; the SQL shell
 * joins the COMMANDS table later). Touches no `process`: bin/decentdb.js passes argv and the
 * output streams in and sets the exit code. Errors print one line with the code, never a stack.
 */
import { DecentDBError, toDecentDBError } from '../util/index.js';
import type { Vfs } from '../vfs/index.js';
import { NodeVfs } from '../vfs/node-vfs.js';
import { walPathOf } from '../pager/index.js';
import { formatInspect, inspectFile } from './inspect.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** File system to open databases on; NodeVfs by default. */
  readonly vfs?: Vfs;
}

interface Command {
  readonly usage: string;
  readonly run: (args: readonly string[], io: CliIo & { readonly vfs: Vfs }) => number;
}

const EXIT_OK = 0;
const EXIT_ERROR = 1;
const EXIT_USAGE = 2;
const INSPECT_USAGE = 'inspect FILE [--json]';

function runInspect(args: readonly string[], io: CliIo & { readonly vfs: Vfs }): number {
  const json = args.includes('--json');
  const files = args.filter((a) => !a.startsWith('--'));
  const unknown = args.filter((a) => a.startsWith('--') && a !== '--json');
  if (files.length !== 1 || unknown.length > 0) {
    io.stderr(`usage: decentdb ${INSPECT_USAGE}\n`);
    return EXIT_USAGE;
  }
  const path = files[0]!;
  const file = io.vfs.open(path, { mode: 'open', readOnly: true });
  try {
    const result = inspectFile(file);
    io.stdout(json ? JSON.stringify(result) + '\n' : formatInspect(result));
  } finally {
    file.close();
  }
  // inspect reads the main file only (no WAL replay yet): say so when a WAL could hide changes.
  if (io.vfs.exists(walPathOf(path))) io.stderr(`decentdb: warning: ${walPathOf(path)} exists and was not replayed\n`);
  return EXIT_OK;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  inspect: { usage: INSPECT_USAGE, run: runInspect },
};

function usage(): string {
  return `usage: decentdb <command> [args]\ncommands:\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}\n`;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code.
 *
 * @example main(['inspect', 'app.ddb', '--json'], { stdout: (s) => process.stdout.write(s), stderr: … })
 */
export function main(argv: readonly string[], io: CliIo): number {
  const name = argv[0];
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (cmd === undefined) {
    io.stderr(`decentdb: unknown command ${JSON.stringify(name)}\n${usage()}`);
    return EXIT_USAGE;
  }
  try {
    return cmd.run(argv.slice(1), { ...io, vfs: io.vfs ?? new NodeVfs() });
  } catch (e) {
    const err = e instanceof DecentDBError ? e : toDecentDBError(e);
    io.stderr(`decentdb: ${err.code}: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
    return EXIT_ERROR;
  }
}
