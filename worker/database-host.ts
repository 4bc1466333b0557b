/**
 * DatabaseHost: HostApi over one open EngineDatabase and its storage, inside the owner's
 * worker. Keeps statements and their cursors, pages results into column arrays (ADR-0006),
 * and implements export (whole, or pinned and read in chunks) and import through the Vfs.
 * Does not order requests or know about clients and tabs (request-queue.ts does).
 */
import { DecentDBError } from '../src/util/index.js';
import type { Vfs, VfsFile } from '../src/vfs/index.js';
import type { BulkLoadOptions, BulkLoadResult, BulkRow, ExportInfo, HostApi, Params, ResultPage, RowArray, RunResult, StatementInfo } from './api.js';
import { DATABASE_FILE_SUFFIXES } from './engine-host.js';
import type { EngineDatabase, EngineOpener, EngineOptions, EngineStatement, FilePin } from './engine-host.js';

/** Largest page a client may ask for; bigger requests are clamped. */
export const MAX_PAGE_ROWS = 100_000;
/** Largest export chunk a client may ask for; bigger requests are clamped. */
export const MAX_EXPORT_CHUNK_BYTES = 16 * 1024 * 1024;

interface HostedStatement {
  readonly stmt: EngineStatement;
  readonly columns: readonly string[];
  cursor: Iterator<RowArray> | undefined;
  params: Params | undefined;
}

interface HostedExport {
  readonly pin: FilePin;
  readonly file: VfsFile;
  readonly size: number;
}

export class DatabaseHost implements HostApi {
  private engine: EngineDatabase;
  private readonly statements = new Map<number, HostedStatement>();
  /** Pinned exports, keyed by ids from the statement sequence. */
  private readonly exports = new Map<number, HostedExport>();
  /** Random start: a statement id from a previous owner is very unlikely to name one of ours. */
  private nextStmtId = Math.floor(Math.random() * 2 ** 40) + 1;

  constructor(
    private readonly open: EngineOpener,
    private readonly vfs: Vfs,
    readonly path: string,
    private readonly options: EngineOptions,
  ) {
    this.engine = open(vfs, path, options);
  }

  exec(sql: string): void {
    this.engine.exec(sql);
  }

  query(sql: string, params?: Params): ResultPage {
    const stmt = this.engine.prepare(sql);
    try {
      return readPage(stmt.columnNames(), stmt.iterate(params), Infinity);
    } finally {
      stmt.close();
    }
  }

  prepare(sql: string): StatementInfo {
    const stmt = this.engine.prepare(sql);
    const stmtId = this.nextStmtId++;
    const columns = stmt.columnNames();
    this.statements.set(stmtId, { stmt, columns, cursor: undefined, params: undefined });
    return { stmtId, columns };
  }

  run(stmtId: number, params?: Params): RunResult {
    const h = this.statement(stmtId);
    h.cursor = undefined;
    return h.stmt.run(params);
  }

  step(stmtId: number, params: Params | undefined, pageSize: number): ResultPage {
    const h = this.statement(stmtId);
    if (params !== undefined) {
      h.params = params;
      h.cursor = undefined;
    }
    h.cursor ??= h.stmt.iterate(h.params);
    const limit = Math.max(1, Math.min(MAX_PAGE_ROWS, Math.floor(pageSize)));
    const page = readPage(h.columns, h.cursor, limit);
    if (page.done) h.cursor = undefined;
    return page;
  }

  reset(stmtId: number): void {
    const h = this.statement(stmtId);
    h.cursor?.return?.();
    h.cursor = undefined;
  }

  finalize(stmtId: number): void {
    const x = this.exports.get(stmtId);
    if (x !== undefined) {
      this.exports.delete(stmtId);
      x.file.close();
      x.pin.release();
      return;
    }
    const h = this.statements.get(stmtId);
    if (h === undefined) return;
    this.statements.delete(stmtId);
    h.cursor?.return?.();
    h.stmt.close();
  }

  begin(): void {
    this.engine.exec('BEGIN');
  }

  commit(): void {
    this.engine.exec('COMMIT');
  }

  rollback(): void {
    if (this.engine.inTransaction) this.engine.exec('ROLLBACK');
  }

  get inTransaction(): boolean {
    return this.engine.inTransaction;
  }

  bulkLoad(table: string, rows: readonly BulkRow[], options?: BulkLoadOptions): BulkLoadResult {
    return this.engine.bulkLoad(table, rows, options);
  }

  checkpoint(): void {
    this.engine.checkpoint();
  }

  exportImage(): Uint8Array {
    this.engine.checkpoint();
    const f = this.openFile();
    try {
      const bytes = new Uint8Array(f.size());
      f.read(bytes, 0);
      return bytes;
    } finally {
      f.close();
    }
  }

  exportOpen(): ExportInfo {
    const pin = this.engine.pinFile();
    let file: VfsFile;
    try {
      file = this.openFile();
    } catch (e) {
      pin.release();
      throw e;
    }
    const stmtId = this.nextStmtId++;
    const size = file.size();
    this.exports.set(stmtId, { pin, file, size });
    return { stmtId, size };
  }

  exportRead(stmtId: number, offset: number, length: number): Uint8Array {
    const x = this.exports.get(stmtId);
    if (x === undefined) throw closedStatement(stmtId);
    if (!x.pin.intact()) {
      throw new DecentDBError('ERR_BROWSER_EXPORT_INVALIDATED', 'the export outlived its snapshot; export again', { retryable: true });
    }
    const from = Math.max(0, Math.min(x.size, Math.floor(offset)));
    const bytes = new Uint8Array(Math.max(0, Math.min(x.size - from, MAX_EXPORT_CHUNK_BYTES, Math.floor(length))));
    x.file.read(bytes, from);
    return bytes;
  }

  importImage(bytes: Uint8Array): void {
    if (this.engine.inTransaction) throw new DecentDBError('ERR_BROWSER_TRANSACTION_ACTIVE', 'import is not allowed inside a transaction');
    const open = this.openStatements;
    if (open > 0) {
      throw new DecentDBError('ERR_BROWSER_ACTIVE_STATEMENTS', `import needs every statement and export finalized (${open} open)`, { openStatements: open });
    }
    this.engine.close();
    for (const suffix of DATABASE_FILE_SUFFIXES) if (suffix !== '') this.vfs.delete(this.path + suffix);
    const f = this.vfs.open(this.path, { mode: 'create' });
    try {
      f.write(bytes, 0);
      f.sync();
    } finally {
      f.close();
    }
    this.engine = this.open(this.vfs, this.path, this.options);
  }

  /** Number of open statements and exports (for tests and diagnostics). */
  get openStatements(): number {
    return this.statements.size + this.exports.size;
  }

  close(): void {
    for (const id of [...this.statements.keys(), ...this.exports.keys()]) this.finalize(id);
    this.engine.close();
  }

  private openFile(): VfsFile {
    return this.vfs.open(this.path, { mode: 'open', readOnly: true });
  }

  private statement(stmtId: number): HostedStatement {
    const h = this.statements.get(stmtId);
    if (h === undefined) throw closedStatement(stmtId);
    return h;
  }
}

const closedStatement = (stmtId: number): DecentDBError =>
  new DecentDBError('ERR_BROWSER_STATEMENT_CLOSED', `statement ${stmtId} is finalized or unknown`, { stmtId });

/**
 * Pulls up to `limit` rows from `cursor` into column arrays (ADR-0006). A page that fills
 * exactly at the end says `done: false`; the next page is then empty and done.
 */
export function readPage(columns: readonly string[], cursor: Iterator<RowArray>, limit: number): ResultPage {
  const n = columns.length;
  const columnValues: unknown[][] = [];
  for (let c = 0; c < n; c++) columnValues.push([]);
  let rowCount = 0;
  let done = false;
  while (rowCount < limit) {
    const next = cursor.next();
    if (next.done === true) {
      done = true;
      break;
    }
    const row = next.value;
    for (let c = 0; c < n; c++) columnValues[c]!.push(row[c]); // columnValues has n entries
    rowCount++;
  }
  return { columns, columnValues, rowCount, done };
}
