/**
 * What a CLI run receives from its host (bin/decentdb.js, or a test): output callbacks, the
 * file system, stdin and terminal facts, a clock. The CLI itself touches no `process`.
 */
import type { Vfs } from '../vfs/index.js';

/** The readable/writable pair the interactive shell runs on (node:readline streams). */
export interface TerminalStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

export interface CliIo {
  /** Writes to stdout; bin/decentdb.js writes synchronously, so each call is flushed. */
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** File system for databases and import/export files; NodeVfs by default. */
  readonly vfs?: Vfs;
  /** SQL input when no -c is given and stdin is not a terminal. */
  readonly stdin?: AsyncIterable<string | Uint8Array>;
  /** When set, stdin is a terminal: the interactive shell runs on these streams. */
  readonly terminal?: TerminalStreams;
  /** Progress is shown when stderr is a terminal (or with --progress). */
  readonly stderrIsTTY?: boolean;
  /** Shell history file (~/.decentdb_history); none when absent. */
  readonly historyPath?: string;
  /** Package version for --version. */
  readonly version?: string;
  /** Millisecond clock (timing, progress). */
  readonly now?: () => number;
}

export type ResolvedIo = CliIo & { readonly vfs: Vfs; readonly now: () => number };

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
