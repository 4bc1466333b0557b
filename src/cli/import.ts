/**
 * `decentdb import`: CSV into an existing table through `db.bulkLoad` (strings and NULLs; the
 * engine casts them like INSERT), and SQL scripts statement by statement (psql meta lines such
 * as `\c db` and CREATE/DROP DATABASE are skipped, so a Postgres dump like Chinook loads). A SQL
 * import stops at the first failing statement. Reads files in chunks through the Vfs.
 */
import { DecentDBError } from '../util/index.js';
import { splitStatements } from '../sql/index.js';
import type { Vfs } from '../vfs/index.js';
import type { Database } from '../engine/index.js';
import { CsvParser, type CsvField } from './csv.js';
import type { Progress } from './progress.js';
import { runStatement } from './statement-runner.js';
import { readTextChunks } from './text-file.js';

export interface CsvImportOptions {
  readonly table: string;
  readonly path: string;
  /** The first record names the columns (in any order, a subset allowed). */
  readonly header: boolean;
  readonly delimiter: string;
  /** Rows per transaction (default 10 000). */
  readonly batchSize?: number;
  readonly progress: Progress;
}

const DEFAULT_BATCH_ROWS = 10_000;

function* csvRecords(vfs: Vfs, path: string, delimiter: string): Generator<CsvField[], void, undefined> {
  const parser = new CsvParser(delimiter);
  for (const chunk of readTextChunks(vfs, path)) yield* parser.push(chunk);
  yield* parser.end();
}

/** Loads a CSV file into `options.table`; returns the number of rows loaded. */
export function importCsv(db: Database, vfs: Vfs, options: CsvImportOptions): number {
  const records = csvRecords(vfs, options.path, options.delimiter);
  let columns: string[] | undefined;
  if (options.header) {
    const first = records.next();
    if (first.done === true) return 0;
    columns = first.value.map((name, i) => {
      if (name === null || name.trim() === '') throw new DecentDBError('ERR_SQL', `CSV header: column ${i + 1} has no name`);
      return name.trim();
    });
  }
  let rows = 0;
  const progress = options.progress;
  function* counted(): Generator<CsvField[], void, undefined> {
    for (const r of records) {
      rows++;
      if ((rows & 1023) === 0) progress.update(rows);
      yield r;
    }
  }
  db.bulkLoad(options.table, counted(), { batchSize: options.batchSize ?? DEFAULT_BATCH_ROWS, ...(columns !== undefined && { columns }) });
  progress.done(rows);
  return rows;
}

export interface SqlImportResult {
  readonly statements: number;
  readonly skipped: number;
}

const LEADING_COMMENTS = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*/;
const DATABASE_DDL = /^(?:CREATE|DROP)\s+DATABASE\b/i;

/** The statement with leading comments removed. */
export const stripLeadingComments = (sql: string): string => sql.replace(LEADING_COMMENTS, '');

/** True when `pending` holds no statement text yet (only blanks and comments). */
function noStatementYet(pending: string): boolean {
  if (pending.trim() === '') return true;
  const { complete, rest } = splitStatements(pending + '\n;');
  return complete.length === 0 && rest.trim() === '';
}

/**
 * Runs a SQL script file. Throws DecentDBError naming the statement number at the first
 * failure (statements before it stay applied, as with psql).
 */
export function importSql(db: Database, vfs: Vfs, path: string, progress: Progress): SqlImportResult {
  let statements = 0;
  let skipped = 0;
  let pending = '';
  let carry = '';
  const runOne = (sql: string): void => {
    if (DATABASE_DDL.test(stripLeadingComments(sql))) {
      skipped++;
      return;
    }
    statements++;
    const o = runStatement(db, sql);
    if (!o.ok) {
      const head = stripLeadingComments(sql).slice(0, 60).replace(/\s+/g, ' ');
      throw new DecentDBError(o.code, `statement ${statements} (${head}…): ${o.message}`);
    }
    progress.update(statements);
  };
  const addLine = (line: string): void => {
    // psql meta-commands (\c, \set, …) occupy whole lines between statements.
    if (line.trimStart().startsWith('\\') && noStatementYet(pending)) {
      skipped++;
      return;
    }
    pending += line;
    if (!line.includes(';')) return;
    const { complete, rest } = splitStatements(pending);
    pending = rest;
    for (const sql of complete) runOne(sql);
  };
  for (const chunk of readTextChunks(vfs, path)) {
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      addLine(text.slice(start, nl + 1));
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  if (carry !== '') addLine(carry + '\n');
  if (!noStatementYet(pending)) {
    const { complete, rest } = splitStatements(pending + '\n;');
    for (const sql of complete) runOne(sql);
    if (rest.trim() !== '') runOne(pending.trim());
  }
  progress.done(statements);
  return { statements, skipped };
}
