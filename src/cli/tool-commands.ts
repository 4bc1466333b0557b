/**
 * The file subcommands: `inspect`, `checkpoint`, `import` and `export`. Each parses its own
 * options (any order after the command), opens what it needs and returns an exit code; usage
 * errors return 2 with one line, engine errors propagate to main() (one `ERR_…` line, exit 1).
 */
import { Database } from '../engine/index.js';
import { parseArgs, singleValues, type OptionSpec, type ParsedArgs } from './args.js';
import { EXIT_OK, EXIT_USAGE, type ResolvedIo } from './cli-io.js';
import { readCatalogSnapshot } from './catalog-snapshot.js';
import { exportCsv, exportSql, tableQuery } from './export.js';
import { importCsv, importSql } from './import.js';
import { formatInspect, inspectDatabase } from './inspect.js';
import { OverlayVfs } from './overlay-vfs.js';
import { Progress } from './progress.js';

export interface Command {
  readonly usage: string;
  readonly run: (args: readonly string[], io: ResolvedIo) => number;
}

export const INSPECT_USAGE = 'inspect FILE [--json]';
export const CHECKPOINT_USAGE = 'checkpoint FILE [--json]';
export const IMPORT_USAGE = 'import FILE (--table T --csv IN.csv [--header] [--delimiter C] [--batch-size N] | --sql IN.sql) [--progress]';
export const EXPORT_USAGE = 'export FILE (--table T | --query SQL) --csv OUT.csv [--header] [--delimiter C] | export FILE --sql OUT.sql';

/** One line, `decentdb: <reason> (usage: decentdb <usage>)`; returns 2. */
export function usageError(io: { readonly stderr: (text: string) => void }, usage: string, reason: string): number {
  io.stderr(`decentdb: ${reason} (usage: decentdb ${usage})\n`);
  return EXIT_USAGE;
}

/** Parses `args` for a command taking exactly one FILE; a usage message on failure. */
function fileArgs(args: readonly string[], spec: OptionSpec): { file: string; args: ParsedArgs } | string {
  const r = parseArgs(args, spec);
  if (!r.ok) return r.message;
  if (r.args.positionals.length !== 1) return r.args.positionals.length === 0 ? 'missing FILE' : `unexpected argument ${JSON.stringify(r.args.positionals[1])}`;
  return { file: r.args.positionals[0]!, args: r.args };
}

function runInspect(argv: readonly string[], io: ResolvedIo): number {
  const p = fileArgs(argv, { '--json': 'flag' });
  if (typeof p === 'string') return usageError(io, INSPECT_USAGE, p);
  const result = inspectDatabase(io.vfs, p.file);
  io.stdout(p.args.flags.has('--json') ? JSON.stringify(result) + '\n' : formatInspect(result));
  return EXIT_OK;
}

function runCheckpoint(argv: readonly string[], io: ResolvedIo): number {
  const p = fileArgs(argv, { '--json': 'flag' });
  if (typeof p === 'string') return usageError(io, CHECKPOINT_USAGE, p);
  const db = Database.open(p.file, { vfs: io.vfs, mode: 'open' });
  try {
    const r = db.checkpoint();
    if (p.args.flags.has('--json')) io.stdout(JSON.stringify(r) + '\n');
    else {
      io.stdout(
        `checkpoint: ${r.pagesCopied} pages copied, WAL ${r.walBytesBefore} → ${r.walBytesAfter} bytes` +
          `${r.truncated ? ' (truncated)' : ''}, checkpoint LSN ${r.checkpointLsn}\n`,
      );
    }
  } finally {
    db.close();
  }
  return EXIT_OK;
}

function delimiterOf(d: string | undefined): string | { error: string } {
  if (d === undefined) return ',';
  const v = d === '\\t' || d === 'tab' ? '\t' : d;
  if (v.length !== 1 || v === '"' || v === '\n' || v === '\r') return { error: `--delimiter must be one character other than a quote or line break` };
  return v;
}

const IMPORT_SPEC: OptionSpec = { '--table': 'value', '--csv': 'value', '--sql': 'value', '--header': 'flag', '--delimiter': 'value', '--progress': 'flag', '--batch-size': 'value' };

function runImport(argv: readonly string[], io: ResolvedIo): number {
  const p = fileArgs(argv, IMPORT_SPEC);
  if (typeof p === 'string') return usageError(io, IMPORT_USAGE, p);
  const a = p.args;
  const o = singleValues(a, ['--table', '--csv', '--sql', '--delimiter', '--batch-size']);
  if ('error' in o) return usageError(io, IMPORT_USAGE, o.error);
  const { '--table': table, '--csv': csv, '--sql': sql, '--batch-size': batch } = o.values;
  const delimiter = delimiterOf(o.values['--delimiter']);
  if (typeof delimiter === 'object') return usageError(io, IMPORT_USAGE, delimiter.error);
  const batchSize = batch === undefined ? undefined : Number(batch);
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) return usageError(io, IMPORT_USAGE, '--batch-size must be a positive integer');
  if ((csv === undefined) === (sql === undefined)) return usageError(io, IMPORT_USAGE, 'give exactly one of --csv and --sql');
  if (csv !== undefined && table === undefined) return usageError(io, IMPORT_USAGE, '--csv needs --table');
  if (sql !== undefined && (table !== undefined || a.flags.has('--header') || a.values.has('--delimiter'))) {
    return usageError(io, IMPORT_USAGE, '--sql takes no --table, --header or --delimiter');
  }
  const enabled = a.flags.has('--progress') || io.stderrIsTTY === true;
  // Commits skip fsync during the import; close() checkpoints and syncs once at the end.
  const db = Database.open(p.file, { vfs: io.vfs, durability: 'off' });
  try {
    if (csv !== undefined) {
      const progress = new Progress({ enabled, write: io.stderr, now: io.now, label: 'imported' });
      const rows = importCsv(db, io.vfs, {
        table: table as string,
        path: csv,
        header: a.flags.has('--header'),
        delimiter,
        ...(batchSize !== undefined && { batchSize }),
        progress,
      });
      io.stdout(`imported ${rows} rows into ${table as string}\n`);
    } else {
      const progress = new Progress({ enabled, write: io.stderr, now: io.now, label: 'ran', unit: 'statements' });
      const r = importSql(db, io.vfs, sql as string, progress);
      io.stdout(`ran ${r.statements} statements${r.skipped > 0 ? ` (skipped ${r.skipped} psql/database lines)` : ''}\n`);
    }
  } finally {
    db.close();
  }
  return EXIT_OK;
}

const EXPORT_SPEC: OptionSpec = { '--table': 'value', '--query': 'value', '--csv': 'value', '--sql': 'value', '--header': 'flag', '--delimiter': 'value' };

function runExport(argv: readonly string[], io: ResolvedIo): number {
  const p = fileArgs(argv, EXPORT_SPEC);
  if (typeof p === 'string') return usageError(io, EXPORT_USAGE, p);
  const a = p.args;
  const o = singleValues(a, ['--table', '--query', '--csv', '--sql', '--delimiter']);
  if ('error' in o) return usageError(io, EXPORT_USAGE, o.error);
  const { '--table': table, '--query': query, '--csv': csv, '--sql': sql } = o.values;
  const delimiter = delimiterOf(o.values['--delimiter']);
  if (typeof delimiter === 'object') return usageError(io, EXPORT_USAGE, delimiter.error);
  if ((csv === undefined) === (sql === undefined)) return usageError(io, EXPORT_USAGE, 'give exactly one of --csv and --sql');
  if (csv !== undefined && (table === undefined) === (query === undefined)) return usageError(io, EXPORT_USAGE, '--csv needs exactly one of --table and --query');
  if (sql !== undefined && (table !== undefined || query !== undefined || a.flags.has('--header'))) {
    return usageError(io, EXPORT_USAGE, '--sql exports the whole database: no --table, --query or --header');
  }
  // Read-only: the database is opened on a copy-on-write overlay, so export writes nothing to it.
  const catalog = sql !== undefined ? readCatalogSnapshot(io.vfs, p.file) : [];
  const db = Database.open(p.file, { vfs: new OverlayVfs(io.vfs), mode: 'open' });
  try {
    if (csv !== undefined) {
      const rows = exportCsv(db, io.vfs, {
        query: query ?? tableQuery(table as string),
        path: csv,
        header: a.flags.has('--header'),
        delimiter,
      });
      io.stdout(`exported ${rows} rows to ${csv}\n`);
    } else {
      const r = exportSql(db, io.vfs, catalog, sql as string, p.file);
      io.stdout(`exported ${r.tables} tables, ${r.rows} rows to ${sql as string}\n`);
    }
  } finally {
    db.close();
  }
  return EXIT_OK;
}

export const TOOL_COMMANDS: Readonly<Record<string, Command>> = {
  inspect: { usage: INSPECT_USAGE, run: runInspect },
  checkpoint: { usage: CHECKPOINT_USAGE, run: runCheckpoint },
  import: { usage: IMPORT_USAGE, run: runImport },
  export: { usage: EXPORT_USAGE, run: runExport },
};
