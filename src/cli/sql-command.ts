/**
 * `decentdb FILE [-c SQL]… [--json] [--timing]`: with -c runs the given statements in order;
 * otherwise reads stdin statement by statement (stdin-runner.ts) or, on a terminal, starts the
 * interactive shell (shell.ts). Exit 1 when any statement failed, after running all of them.
 */
import { Database } from '../engine/index.js';
import { parseArgs, type OptionSpec, type ParsedArgs } from './args.js';
import { EXIT_ERROR, EXIT_OK, type ResolvedIo } from './cli-io.js';
import { runShell } from './shell.js';
import { SqlSession } from './sql-session.js';
import { runStream } from './stdin-runner.js';
import { usageError } from './tool-commands.js';

export const SQL_USAGE = 'FILE [-c SQL]... [--json] [--timing]   (no -c: SQL from stdin, or a shell on a terminal)';

const SPEC: OptionSpec = { '-c': 'value', '--command': 'value', '--json': 'flag', '--timing': 'flag' };

interface SqlInvocation {
  readonly file: string;
  readonly commands: readonly string[];
  readonly json: boolean;
  readonly timing: boolean;
}

/** Parses FILE-mode arguments; a usage message on failure. */
export function parseSqlArgs(argv: readonly string[]): SqlInvocation | string {
  const r = parseArgs(argv, SPEC);
  if (!r.ok) return r.message;
  const a: ParsedArgs = r.args;
  if (a.positionals.length !== 1) return a.positionals.length === 0 ? 'missing FILE' : `unexpected argument ${JSON.stringify(a.positionals[1])}`;
  const commands = [...(a.values.get('-c') ?? []), ...(a.values.get('--command') ?? [])];
  return { file: a.positionals[0]!, commands, json: a.flags.has('--json'), timing: a.flags.has('--timing') };
}

/** Opens the database and a session printing to stdout/stderr, or all to the shell's terminal. */
function openSession(inv: SqlInvocation, io: ResolvedIo, toTerminal: boolean): SqlSession {
  const db = Database.open(inv.file, { vfs: io.vfs });
  const terminal = toTerminal ? io.terminal : undefined;
  const out = terminal === undefined ? io.stdout : (s: string): void => void terminal.output.write(s);
  // Piped or -c, readable: errors go to stderr; in JSON mode they are result lines on stdout.
  const err = terminal === undefined && !inv.json ? io.stderr : undefined;
  const session = new SqlSession(db, { json: inv.json, out, ...(err !== undefined && { err }), now: io.now });
  session.timing = inv.timing;
  return session;
}

/** Runs -c statements synchronously (exit code), or returns undefined when stdin/shell is needed. */
export function runSqlCommands(argv: readonly string[], io: ResolvedIo): number | undefined {
  const inv = parseSqlArgs(argv);
  if (typeof inv === 'string') return usageError(io, SQL_USAGE, inv);
  if (inv.commands.length === 0) return undefined;
  const session = openSession(inv, io, false);
  try {
    for (const c of inv.commands) session.runScript(c);
  } finally {
    session.db.close();
  }
  return session.failures > 0 ? EXIT_ERROR : EXIT_OK;
}

/** FILE mode without -c: stdin statement by statement, or the shell on a terminal. */
export async function runSqlInput(argv: readonly string[], io: ResolvedIo): Promise<number> {
  const inv = parseSqlArgs(argv);
  if (typeof inv === 'string') return usageError(io, SQL_USAGE, inv);
  if (io.terminal === undefined && io.stdin === undefined) return usageError(io, SQL_USAGE, 'no SQL given: use -c or pipe statements to stdin');
  const session = openSession(inv, io, true);
  try {
    if (io.terminal !== undefined) {
      await runShell(session, io.terminal, { vfs: io.vfs, path: inv.file, ...(io.historyPath !== undefined && { historyPath: io.historyPath }) });
      return EXIT_OK;
    }
    if (io.stdin !== undefined) await runStream(session, io.stdin, io.stderr);
  } finally {
    session.db.close();
  }
  return session.failures > 0 ? EXIT_ERROR : EXIT_OK;
}
