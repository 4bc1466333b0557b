/**
 * The interactive shell (`decentdb FILE` on a terminal): node:readline with history (loaded
 * from and saved to the history file through the Vfs), a continuation prompt while a statement
 * is incomplete, aligned tables, dot-commands (.help .tables .schema .timing .quit). SQL runs
 * through the SqlSession; the shell only routes lines. Node-only, like NodeVfs.
 */
import { createInterface } from 'node:readline';
import type { Vfs } from '../vfs/index.js';
import { toDecentDBError } from '../util/index.js';
import type { TerminalStreams } from './cli-io.js';
import { readCatalogSnapshot } from './catalog-snapshot.js';
import { schemaText } from './schema-sql.js';
import type { SqlSession } from './sql-session.js';
import { readText, TextFileWriter } from './text-file.js';

export const PROMPT = 'decentdb> ';
export const CONTINUATION_PROMPT = '     ...> ';
const HISTORY_SIZE = 1000;

export interface ShellOptions {
  readonly vfs: Vfs;
  /** The database file (for .tables/.schema, read from its committed state). */
  readonly path: string;
  readonly historyPath?: string;
  /** readline terminal mode (line editing, history); default: whether the output is a TTY. */
  readonly terminal?: boolean;
}

export const SHELL_HELP = [
  'Enter SQL statements ending with ";" (a statement may span lines).',
  '.help              this text',
  '.tables            list tables and views',
  '.schema [TABLE]    show CREATE statements',
  '.timing [on|off]   show how long each statement took',
  '.quit              leave (also .exit or Ctrl-D)',
  '',
].join('\n');

function loadHistory(vfs: Vfs, path: string | undefined): string[] {
  if (path === undefined || !vfs.exists(path)) return [];
  try {
    // The file is oldest first; readline wants newest first.
    return readText(vfs, path).split('\n').filter((l) => l !== '').slice(-HISTORY_SIZE).reverse();
  } catch {
    return []; // an unreadable history file must not keep the shell from starting
  }
}

function saveHistory(vfs: Vfs, path: string | undefined, history: readonly string[]): void {
  if (path === undefined) return;
  const w = new TextFileWriter(vfs, path);
  try {
    w.write([...history].reverse().join('\n') + (history.length > 0 ? '\n' : ''));
  } finally {
    w.close();
  }
}

/** Runs the shell until .quit or end of input. Statement output goes to `streams.output`. */
export function runShell(session: SqlSession, streams: TerminalStreams, options: ShellOptions): Promise<void> {
  const out = (s: string): void => {
    streams.output.write(s);
  };
  const rl = createInterface({
    input: streams.input,
    output: streams.output,
    terminal: options.terminal ?? (streams.output as { isTTY?: boolean }).isTTY === true,
    history: loadHistory(options.vfs, options.historyPath),
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
  });
  let closed = false;
  const prompt = (): void => {
    if (closed) return;
    rl.setPrompt(session.hasPending ? CONTINUATION_PROMPT : PROMPT);
    rl.prompt();
  };

  const dot = (line: string): void => {
    const [cmd = '', ...rest] = line.trim().split(/\s+/);
    switch (cmd.toLowerCase()) {
      case '.help':
        out(SHELL_HELP);
        break;
      case '.quit':
      case '.exit':
        rl.close();
        return;
      case '.timing': {
        const arg = rest[0]?.toLowerCase();
        session.timing = arg === undefined ? !session.timing : arg === 'on';
        out(`timing ${session.timing ? 'on' : 'off'}\n`);
        break;
      }
      case '.tables': {
        const names: string[] = [];
        for (const e of readCatalogSnapshot(options.vfs, options.path)) {
          if (e.kind === 'table') names.push(e.table.name);
          else if (e.kind === 'view') names.push(`${e.view.name} (view)`);
        }
        out(names.length === 0 ? '(no tables)\n' : names.sort().join('\n') + '\n');
        break;
      }
      case '.schema':
        out(schemaText(readCatalogSnapshot(options.vfs, options.path), rest[0]) || '(nothing)\n');
        break;
      default:
        out(`unknown command ${cmd}: try .help\n`);
    }
  };

  return new Promise<void>((resolve) => {
    rl.on('line', (line) => {
      try {
        if (!session.hasPending && line.trimStart().startsWith('.')) dot(line);
        else session.feed(line + '\n');
      } catch (e) {
        const err = toDecentDBError(e);
        out(`${err.code}: ${err.message}\n`);
      }
      prompt();
    });
    rl.on('SIGINT', () => {
      if (session.hasPending) {
        session.discardPending();
        out('^C\n');
        prompt();
      } else {
        out('\n(.quit or Ctrl-D to leave)\n');
        prompt();
      }
    });
    rl.on('close', () => {
      closed = true;
      session.discardPending();
      const history = (rl as unknown as { history?: string[] }).history ?? [];
      try {
        saveHistory(options.vfs, options.historyPath, history);
      } catch {
        // a history file we cannot write (read-only home) is not worth failing the session
      }
      out('\n');
      resolve();
    });
    out('DecentDB shell: .help for help, .quit to leave\n');
    prompt();
  });
}
