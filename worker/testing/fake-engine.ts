/**
 * A stand-in for the SQL engine, for Node unit tests of the worker protocol (queue, election,
 * endpoint), where a tiny deterministic engine keeps the tests about ordering: one table of
 * (id, value) rows, persisted as "id\tvalue\n" lines appended to the database file and synced
 * at each commit. Understands INSERT <text>|?, SELECT, SELECT COUNT, BEGIN, COMMIT, ROLLBACK,
 * FAIL. Not SQL; only enough to test ordering, transactions, durability and handoff.
 */
import { DecentDBError } from '../../src/util/index.js';
import type { Vfs, VfsFile } from '../../src/vfs/index.js';
import type { BulkLoadResult, BulkRow, Params, RowArray, RunResult } from '../api.js';
import type { EngineDatabase, EngineOpener, EngineStatement, FilePin } from '../engine-host.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class FakeDatabase implements EngineDatabase {
  private readonly rows: Array<[number, string]> = [];
  private pending: Array<[number, string]> | undefined;
  private nextId = 1;
  private readonly file: VfsFile;
  counters = { commits: 0, syncs: 0 };

  constructor(vfs: Vfs, path: string) {
    this.file = vfs.open(path, { mode: 'openOrCreate' });
    const bytes = new Uint8Array(this.file.size());
    this.file.read(bytes, 0);
    const text = decoder.decode(bytes);
    const end = text.lastIndexOf('\n'); // a torn tail (no newline) is not committed
    for (const line of text.slice(0, end + 1).split('\n')) {
      if (line === '') continue;
      const tab = line.indexOf('\t');
      const id = Number(line.slice(0, tab));
      this.rows.push([id, line.slice(tab + 1)]);
      this.nextId = Math.max(this.nextId, id + 1);
    }
  }

  get inTransaction(): boolean {
    return this.pending !== undefined;
  }

  exec(sql: string): void {
    this.prepare(sql).run();
  }

  prepare(sql: string): EngineStatement {
    const s = sql.trim();
    const verb = s.split(/\s+/, 1)[0]?.toUpperCase() ?? '';
    const columns = s.toUpperCase() === 'SELECT COUNT' ? ['n'] : verb === 'SELECT' ? ['id', 'value'] : [];
    if (!['INSERT', 'SELECT', 'BEGIN', 'COMMIT', 'ROLLBACK'].includes(verb)) {
      throw new DecentDBError('ERR_SQL', `fake engine: cannot run "${s}"`, { sql: s });
    }
    return {
      columnNames: () => columns,
      run: (params) => this.run(s, verb, params),
      iterate: (params) => this.iterate(s, params),
      close: () => undefined,
    };
  }

  bulkLoad(_table: string, rows: readonly BulkRow[]): BulkLoadResult {
    const own = this.pending === undefined;
    if (own) this.pending = [];
    for (const r of rows) this.pending?.push([this.nextId++, String(Array.isArray(r) ? r[0] : Object.values(r)[0])]);
    if (own) this.commit();
    return { rows: rows.length, batches: 1, bottomUp: false };
  }

  checkpoint(): void {
    this.file.sync();
  }

  /** The fake writes its file in place, so nothing holds it still: only for ordering tests. */
  pinFile(): FilePin {
    this.file.sync();
    return { intact: () => true, release: () => undefined };
  }

  close(): void {
    this.file.close();
  }

  private run(sql: string, verb: string, params: Params | undefined): RunResult {
    switch (verb) {
      case 'BEGIN':
        if (this.pending !== undefined) throw new DecentDBError('ERR_TRANSACTION', 'already in a transaction');
        this.pending = [];
        return { changes: 0, lastInsertRowid: 0 };
      case 'COMMIT':
        if (this.pending === undefined) throw new DecentDBError('ERR_TRANSACTION', 'no transaction');
        this.commit();
        return { changes: 0, lastInsertRowid: 0 };
      case 'ROLLBACK':
        if (this.pending === undefined) throw new DecentDBError('ERR_TRANSACTION', 'no transaction');
        this.nextId -= this.pending.length;
        this.pending = undefined;
        return { changes: 0, lastInsertRowid: 0 };
      case 'INSERT': {
        const arg = sql.slice(6).trim();
        const value = arg === '?' ? String(Array.isArray(params) ? params[0] : '') : arg;
        const id = this.nextId++;
        const own = this.pending === undefined;
        if (own) this.pending = [];
        this.pending?.push([id, value]);
        if (own) this.commit();
        return { changes: 1, lastInsertRowid: id };
      }
      default:
        return { changes: 0, lastInsertRowid: 0 };
    }
  }

  private *iterate(sql: string, _params: Params | undefined): Iterator<RowArray> {
    const all = this.pending === undefined ? this.rows : [...this.rows, ...this.pending];
    if (sql.toUpperCase() === 'SELECT COUNT') {
      yield [all.length];
      return;
    }
    if (!sql.toUpperCase().startsWith('SELECT')) return;
    for (const r of all) yield r;
  }

  private commit(): void {
    const batch = this.pending ?? [];
    this.pending = undefined;
    if (batch.length === 0) return;
    const text = batch.map(([id, v]) => `${id}\t${v}\n`).join('');
    this.file.write(encoder.encode(text), this.file.size());
    this.file.sync();
    for (const r of batch) this.rows.push(r);
    this.counters.commits++;
  }
}

/** Opens the fake engine on `path` in `vfs` (the EngineOpener tests pass instead of openEngine). */
export const openFakeEngine: EngineOpener = (vfs, path) => new FakeDatabase(vfs, path);
