/**
 * `decentdb export`: a table or query to CSV (NULL = empty unquoted field, values in their
 * Postgres text form, so `import --csv` casts them back), or the whole database to a SQL
 * script (schema-sql.ts DDL, INSERTs in batches inside one transaction, then foreign keys,
 * indexes, views, triggers) that `import --sql` or `decentdb FILE < out.sql` replays. Rows
 * stream through `Statement.iterateRaw` (exact values: TIMESTAMP µs, DECIMAL digits); output is written through the Vfs.
 */
import { quoteIdent, quoteString } from '../sql/index.js';
import type { Vfs } from '../vfs/index.js';
import type { SqlType, Value } from '../record/index.js';
import type { Database } from '../engine/index.js';
import type { CatalogEntry } from '../catalog/index.js';
import { formatCsvRecord, type CsvField } from './csv.js';
import { resultToText } from './result-values.js';
import { createTableSql, schemaParts } from './schema-sql.js';
import { TextFileWriter } from './text-file.js';

export interface CsvExportOptions {
  /** SELECT to run; built from `table` when absent. */
  readonly query: string;
  readonly path: string;
  readonly header: boolean;
  readonly delimiter: string;
}

export const tableQuery = (table: string): string => `SELECT * FROM ${quoteIdent(table)}`;

/** Writes the query's rows as CSV; returns the row count. */
export function exportCsv(db: Database, vfs: Vfs, options: CsvExportOptions): number {
  const stmt = db.prepare(options.query);
  const columns = stmt.rawColumns();
  const types = columns.map((c) => c.type);
  const out = new TextFileWriter(vfs, options.path);
  let rows = 0;
  try {
    if (options.header) out.write(formatCsvRecord(columns.map((c) => c.name), options.delimiter));
    const fields: CsvField[] = new Array<CsvField>(columns.length);
    for (const r of stmt.iterateRaw()) {
      for (let i = 0; i < r.length; i++) fields[i] = r[i] === null ? null : resultToText(r[i]!, types[i]);
      out.write(formatCsvRecord(fields, options.delimiter));
      rows++;
    }
  } finally {
    out.close();
  }
  return rows;
}

/** A SQL literal for a result value of static type `type`. */
export function sqlLiteral(v: Value, type: SqlType | undefined): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && Number.isFinite(v) && !Object.is(v, -0)) return String(v);
  return quoteString(resultToText(v, type));
}

const ROWS_PER_INSERT = 100;

export interface SqlExportResult {
  readonly tables: number;
  readonly rows: number;
}

/** Writes schema and data of every table as a SQL script. `catalog` from catalog-snapshot.ts. */
export function exportSql(db: Database, vfs: Vfs, catalog: readonly CatalogEntry[], path: string, source: string): SqlExportResult {
  const parts = schemaParts(catalog);
  const out = new TextFileWriter(vfs, path);
  let rows = 0;
  try {
    out.write(`-- DecentDB export of ${source.replace(/\s+/g, ' ')}\nBEGIN;\n\n`);
    for (const t of parts.tables) out.write(createTableSql(t) + ';\n\n');
    for (const t of parts.tables) {
      const cols = t.columns.filter((c) => c.generatedSql === undefined);
      if (cols.length === 0) continue;
      const names = cols.map((c) => quoteIdent(c.name)).join(', ');
      const stmt = db.prepare(`SELECT ${names} FROM ${quoteIdent(t.name)}`);
      const types = cols.map((c) => c.type);
      let batch: string[] = [];
      const flush = (): void => {
        if (batch.length === 0) return;
        out.write(`INSERT INTO ${quoteIdent(t.name)} (${names}) VALUES\n  ${batch.join(',\n  ')};\n`);
        batch = [];
      };
      for (const r of stmt.iterateRaw()) {
        let lit = '(';
        for (let i = 0; i < r.length; i++) lit += (i > 0 ? ', ' : '') + sqlLiteral(r[i]!, types[i]);
        batch.push(lit + ')');
        rows++;
        if (batch.length >= ROWS_PER_INSERT) flush();
      }
      flush();
      out.write('\n');
    }
    for (const s of parts.afterData) out.write(s + ';\n');
    for (const s of parts.last) out.write(s + ';\n');
    out.write('COMMIT;\n');
  } finally {
    out.close();
  }
  return { tables: parts.tables.length, rows };
}
