/**
 * A SQL session of the CLI: one open Database, an output mode (`--json` lines or readable
 * tables, optional timing), and a failure count for the exit code. Feeds `-c` text, piped
 * stdin (statement by statement, as each is complete) and the interactive shell alike.
 * Splitting is src/sql splitStatements; running is statement-runner.ts.
 */
import { splitStatements } from '../sql/index.js';
import type { Database } from '../engine/index.js';
import { formatErrorLine, formatJsonLine, formatReadable } from './result-format.js';
import { runStatement, type StatementOutcome } from './statement-runner.js';

export interface SqlSessionOptions {
  readonly json: boolean;
  /** Results (and, in JSON mode, error objects). Each call is one statement's whole output. */
  readonly out: (text: string) => void;
  /** Readable-mode errors; default `out`. */
  readonly err?: (text: string) => void;
  readonly now?: () => number;
}

export class SqlSession {
  /** Statements that failed so far (exit code 1 when non-zero). */
  failures = 0;
  statements = 0;
  timing = false;
  private pending = '';

  constructor(
    readonly db: Database,
    private readonly options: SqlSessionOptions,
  ) {}

  /** Runs one statement's text and prints its outcome. */
  run(sql: string): StatementOutcome {
    const o = runStatement(this.db, sql, this.options.now);
    this.statements++;
    if (!o.ok) this.failures++;
    if (this.options.json) this.options.out(formatJsonLine(o));
    else if (!o.ok && this.options.err !== undefined) this.options.err(formatErrorLine(o.code, o.message));
    else this.options.out(formatReadable(o, this.timing));
    return o;
  }

  /** Runs every statement of a whole script (the last one needs no `;`). */
  runScript(text: string): void {
    this.feed(text);
    this.finish();
  }

  /** Adds input; runs each statement as soon as it is complete. */
  feed(text: string): void {
    const { complete, rest } = splitStatements(this.pending + text);
    this.pending = rest;
    for (const sql of complete) this.run(sql);
  }

  /** True when an unfinished statement is buffered (the shell shows a continuation prompt). */
  get hasPending(): boolean {
    return !isBlank(this.pending);
  }

  /** End of input: runs a final statement written without `;`. */
  finish(): void {
    const rest = this.pending;
    this.pending = '';
    if (!isBlank(rest)) {
      // A trailing `-- comment` without newline or an open quote: splitting again with a
      // terminator decides; what is still incomplete goes to the parser, which reports it.
      const { complete, rest: tail } = splitStatements(rest + '\n;');
      for (const sql of complete) this.run(sql);
      if (!isBlank(tail)) this.run(rest.trim());
    }
  }

  /** Drops a buffered unfinished statement (Ctrl-C in the shell). */
  discardPending(): void {
    this.pending = '';
  }
}

/** Blank: only whitespace and comments (what splitStatements drops). */
function isBlank(text: string): boolean {
  if (text.trim() === '') return true;
  const { complete, rest } = splitStatements(text + '\n;');
  return complete.length === 0 && rest.trim() === '';
}
