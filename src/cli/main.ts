/**
 * The `decentdb` command line: argv dispatch to the COMMANDS table (inspect, checkpoint, import,
 * export) or, when the first argument is not a command, the SQL mode on a database FILE.
 * Touches no `process`: bin/decentdb.js passes argv, streams and terminal facts in (CliIo) and
 * sets the exit code. Errors print one line with the code, never a stack; usage errors exit 2.
 */
import { DecentDBError, toDecentDBError } from '../util/index.js';
import { NodeVfs } from '../vfs/node-vfs.js';
import { EXIT_ERROR, EXIT_OK, EXIT_USAGE, type CliIo, type ResolvedIo } from './cli-io.js';
import { runSqlCommands, runSqlInput, SQL_USAGE } from './sql-command.js';
import { TOOL_COMMANDS, usageError, type Command } from './tool-commands.js';

export type { CliIo } from './cli-io.js';

const COMMANDS: Readonly<Record<string, Command>> = TOOL_COMMANDS;

function usage(): string {
  return (
    `usage: decentdb ${SQL_USAGE}\n` +
    `       decentdb <command> ...\ncommands:\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join('\n')}\n` +
    'options may come in any order after the command or FILE; --help, --version\n'
  );
}

function resolve(io: CliIo): ResolvedIo {
  return { ...io, vfs: io.vfs ?? new NodeVfs(), now: io.now ?? Date.now };
}

function fail(io: CliIo, e: unknown): number {
  const err = e instanceof DecentDBError ? e : toDecentDBError(e);
  io.stderr(`decentdb: ${err.code}: ${err.message.replace(/\s*\n\s*/g, ' ')}\n`);
  return EXIT_ERROR;
}

/** --help / --version / no arguments; undefined when argv names a command or FILE. */
function meta(argv: readonly string[], io: CliIo): number | undefined {
  const first = argv[0];
  if (first === undefined) {
    io.stderr(usage());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    io.stdout(usage());
    return EXIT_OK;
  }
  if (first === '--version' || first === '-V') {
    io.stdout(`decentdb ${io.version ?? 'unknown'}\n`);
    return EXIT_OK;
  }
  return undefined;
}

/**
 * Runs every command that needs no stdin (subcommands, `FILE -c SQL`) and returns the exit
 * code; `FILE` without -c needs mainAsync (stdin or the shell).
 *
 * @example main(['inspect', 'app.ddb', '--json'], { stdout: (s) => process.stdout.write(s), stderr: … })
 */
export function main(argv: readonly string[], io: CliIo): number {
  const m = meta(argv, io);
  if (m !== undefined) return m;
  const r = resolve(io);
  try {
    const name = argv[0]!;
    const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (cmd !== undefined) return cmd.run(argv.slice(1), r);
    const code = runSqlCommands(argv, r);
    if (code !== undefined) return code;
    return usageError(io, SQL_USAGE, 'no SQL given: use -c SQL');
  } catch (e) {
    return fail(io, e);
  }
}

/** Everything main() does, plus SQL from stdin and the interactive shell (bin/decentdb.js). */
export async function mainAsync(argv: readonly string[], io: CliIo): Promise<number> {
  const m = meta(argv, io);
  if (m !== undefined) return m;
  const name = argv[0]!;
  if (Object.hasOwn(COMMANDS, name) || argv.some((a) => a === '-c' || a === '--command' || a.startsWith('--command='))) return main(argv, io);
  try {
    return await runSqlInput(argv, resolve(io));
  } catch (e) {
    return fail(io, e);
  }
}
