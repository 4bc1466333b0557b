/**
 * Database: the synchronous public face of the engine (better-sqlite3's shape): open, exec,
 * query, prepare, transaction, bulkLoad, checkpoint, close. It owns the Pager, the committed
 * Schema, the Session (transaction state) and the statement cache; statements do the work.
 */
import { DecentDBError, toDecentDBError } from '../util/index.js';
import { MemoryVfs, type Vfs, type VfsLock } from '../vfs/index.js';
import type { CheckpointResult, Durability, Pager, PagerStats } from '../pager/index.js';
import { openPager } from '../wal/index.js';
import { systemClock } from '../exec/index.js';
import { parseScript } from '../sql/index.js';
import { DEFAULT_GROUP_COMMIT_DELAY_MS, DEFAULT_MEMORY_BUDGET_BYTES, DEFAULT_PLAN_CACHE_SIZE, type DatabaseOptions } from './options.js';
import { Schema } from './schema.js';
import { Session } from './session.js';
import { trigramSpill } from './trigram-sync.js';
import { Statement, type RowMode, type RunResult, type Row } from './statement.js';
import { bulkLoad, type BulkLoadOptions, type BulkLoadResult } from './bulk-load.js';
import type { EngineContext } from './engine-context.js';

export interface QueryOptions {
  /** 'object' (default): rows keyed by column name; 'array': one array per row. */
  readonly rowMode?: RowMode;
}

/** A function that runs its body in a transaction (see `Database.transaction`). */
export type TransactionFunction<A extends unknown[], R> = (...args: A) => R;

export class Database {
  private readonly pager: Pager;
  private readonly session: Session;
  private readonly cache = new Map<string, Statement>();
  private readonly ctx: EngineContext;
  private closed = false;
  private txDepth = 0;
  /** ADR-0008: this process's hold on the files (NodeVfs), released at close. */
  private readonly processLock: VfsLock | undefined;

  private constructor(
    readonly path: string,
    readonly vfs: Vfs,
    options: DatabaseOptions,
  ) {
    const o = options;
    this.processLock = vfs.lock?.(path);
    try {
      this.pager = openPager(vfs, path, {
        mode: o.mode ?? 'openOrCreate',
        ...(o.pageSize !== undefined && { pageSize: o.pageSize }),
        ...(o.cacheSizeBytes !== undefined && { cacheBytes: o.cacheSizeBytes }),
        ...(o.durability !== undefined && { durability: o.durability }),
        ...(o.groupCommitDelayMs !== undefined && { groupCommitMaxDelayMs: o.groupCommitDelayMs }),
        ...(o.checkpointBytes !== undefined && { checkpointThresholdBytes: o.checkpointBytes }),
        ...(o.readerTimeoutMs !== undefined && { readerTimeoutMs: o.readerTimeoutMs }),
        ...(o.maxWalBytesPerReader !== undefined && { maxWalBytesPerReader: o.maxWalBytesPerReader }),
        ...(o.readerWarnMs !== undefined && { readerWarnMs: o.readerWarnMs }),
        ...(o.onWarning !== undefined && { onWarning: o.onWarning }),
        ...(o.clock !== undefined && { clock: o.clock }),
      });
    } catch (e) {
      this.processLock?.release();
      throw e;
    }
    try {
      const read = this.pager.beginRead();
      let schema: Schema;
      try {
        schema = Schema.load(read, this.pager.header.rootCatalog, this.pager.header.schemaCookie);
      } finally {
        read.end();
      }
      // Statements hold only parsed SQL (plans are cached per schema object in query.ts), so the
      // statement cache survives commits; DDL clears it to drop statements on dropped objects.
      let cookie = schema.cookie;
      this.session = new Session(this.pager, schema, (published) => {
        if (published.cookie !== cookie) this.cache.clear();
        cookie = published.cookie;
      }, (durability) => this.afterCommit(durability));
    } catch (e) {
      try {
        this.pager.close();
      } finally {
        this.processLock?.release();
      }
      throw e;
    }
    this.ctx = {
      pager: this.pager,
      session: this.session,
      vfs,
      tempPrefix: `${path}-tmp`,
      memoryBudgetBytes: o.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES,
      clock: o.clock === undefined ? systemClock : { nowMicros: () => o.clock!() * 1000 },
      isOpen: () => !this.closed,
    };
    this.session.trigram.spill = trigramSpill(vfs, this.ctx.tempPrefix, this.ctx.memoryBudgetBytes);
    this.maxCache = o.planCacheSize ?? DEFAULT_PLAN_CACHE_SIZE;
    this.durability = o.durability ?? 'full';
    this.syncDelayMs = o.groupCommitDelayMs ?? DEFAULT_GROUP_COMMIT_DELAY_MS;
  }

  private readonly maxCache: number;
  private readonly durability: Durability;
  private readonly syncDelayMs: number;
  /** Pending group-commit sync ('normal' durability), see afterCommit. */
  private syncTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * 'normal' durability syncs the WAL at a commit only once enough commits or time have
   * accumulated (pager, ADR-0003); the last commits of a burst would stay unsynced until the
   * next commit, checkpoint or close. So after an unsynced 'normal' commit a timer syncs the
   * WAL `syncDelayMs` later. The timer is unref'd in Node (it never keeps a process alive);
   * close() cancels it after its own sync. 'off' never syncs at commit, by contract.
   */
  private afterCommit(override: Durability | undefined): void {
    if ((override ?? this.durability) !== 'normal' || this.syncTimer !== null) return;
    const timer = setTimeout(() => {
      this.syncTimer = null;
      if (this.closed) return;
      try {
        this.pager.syncWal();
      } catch {
        // The pager records the I/O failure; the next call on this Database reports ERR_IO.
      }
    }, this.syncDelayMs);
    (timer as { unref?: () => void }).unref?.();
    this.syncTimer = timer;
  }

  /**
   * Opens (creating when missing) the database at `path`. `':memory:'` opens a private
   * in-memory database.
   *
   * @example
   * const db = Database.open('music.ddb');
   * db.exec('CREATE TABLE artist (id INT PRIMARY KEY, name TEXT NOT NULL)');
   * db.prepare('INSERT INTO artist VALUES ($1, $2)').run([1, 'AC/DC']);
   * db.query('SELECT name FROM artist WHERE id = $1', [1]); // [{ name: 'AC/DC' }]
   */
  static open(path: string, options: DatabaseOptions = {}): Database {
    let vfs = options.vfs;
    if (vfs === undefined) {
      if (path === ':memory:') vfs = new MemoryVfs();
      else vfs = defaultVfs();
    }
    try {
      return new Database(path, vfs, options);
    } catch (e) {
      throw toDecentDBError(e);
    }
  }

  /** True inside BEGIN … COMMIT (or a `transaction()` body). */
  get inTransaction(): boolean {
    return this.session.inTransaction;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Runs every statement of `sql` (no parameters, results discarded). */
  exec(sql: string): void {
    this.check();
    const statements = wrap(() => parseScript(sql));
    for (const parsed of statements) {
      const stmt = new Statement(this.ctx, parsed.statement, sql.slice(parsed.start, parsed.end), sql);
      stmt.run();
    }
  }

  /** Runs one statement and returns its rows (object rows unless `rowMode: 'array'`). */
  query(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Row[] {
    return this.prepare(sql).all(params, options.rowMode);
  }

  /** Compiles one statement; plans are cached by SQL text and invalidated by schema changes. */
  prepare(sql: string): Statement {
    this.check();
    const cached = this.cache.get(sql);
    if (cached !== undefined) return cached;
    const statements = wrap(() => parseScript(sql));
    if (statements.length !== 1) {
      throw new DecentDBError('ERR_SQL', statements.length === 0 ? 'no statement to prepare' : 'prepare takes exactly one statement; use exec for scripts');
    }
    const stmt = new Statement(this.ctx, statements[0]!.statement, sql);
    if (this.cache.size >= this.maxCache) {
      const oldest = this.cache.keys().next();
      if (oldest.done !== true) this.cache.delete(oldest.value);
    }
    this.cache.set(sql, stmt);
    return stmt;
  }

  /**
   * Wraps `fn` so each call runs in a transaction: committed when `fn` returns, rolled back
   * when it throws. Calls nested inside another transaction use a savepoint.
   *
   * `options.durability` overrides the database's durability for the commit of this
   * transaction (ADR-0003); it is ignored by nested calls, which commit with their outer one.
   *
   * @example
   * const addAll = db.transaction((rows: [number, string][]) => { for (const r of rows) insert.run(r); });
   * addAll([[1, 'a'], [2, 'b']]);
   * db.transaction(() => log.run(['tick']), { durability: 'normal' })();
   */
  transaction<A extends unknown[], R>(fn: (...args: A) => R, options: { readonly durability?: Durability } = {}): TransactionFunction<A, R> {
    return (...args: A): R => {
      this.check();
      if (this.session.inTransaction) {
        const name = `decentdb_tx_${++this.txDepth}`;
        this.session.savepoint(name);
        try {
          const r = fn(...args);
          this.session.release(name);
          return r;
        } catch (e) {
          if (this.session.inTransaction) {
            this.session.rollbackTo(name);
            this.session.release(name);
          }
          throw e;
        } finally {
          this.txDepth--;
        }
      }
      this.session.begin(options.durability);
      try {
        const r = fn(...args);
        if (this.session.inTransaction) this.session.commit();
        return r;
      } catch (e) {
        if (this.session.inTransaction) this.session.rollback();
        throw toDecentDBError(e);
      }
    };
  }

  /** Loads many rows into `table` fast (see BulkLoadOptions). */
  bulkLoad(table: string, rows: Iterable<readonly unknown[] | Record<string, unknown>>, options: BulkLoadOptions = {}): BulkLoadResult {
    this.check();
    return wrap(() => bulkLoad(this.ctx, table, rows, options));
  }

  /** Copies committed WAL pages into the main file and truncates the WAL when no reader needs it. */
  checkpoint(): CheckpointResult {
    this.check();
    return wrap(() => this.pager.checkpoint());
  }

  /**
   * Statistics (issue 4): row counts are kept current in memory by every insert/delete and
   * stored as `stats:table` records at close, in one small commit before the final checkpoint,
   * when some count changed. (Not at `checkpoint()`: that would add a commit to a call that
   * only copies pages.) Index statistics are measured when an index is built and kept in
   * memory; a unique index counts one key per row.
   */
  private storeStats(): void {
    if (this.session.inTransaction || !this.session.committedSchema.rowCountsStale) return;
    this.session.write((scope) => scope.schema.storeRowCounts(scope.txn, scope.catalog));
  }

  /** Rolls back an open transaction, checkpoints and closes the files. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.syncTimer !== null) clearTimeout(this.syncTimer);
    this.syncTimer = null;
    if (this.session.inTransaction) this.session.rollback();
    this.cache.clear();
    let failed: unknown = null;
    try {
      this.storeStats();
    } catch (e) {
      failed = e;
    }
    try {
      wrap(() => this.pager.close());
    } finally {
      this.processLock?.release();
    }
    if (failed !== null) throw toDecentDBError(failed);
  }

  /** Pager and cache counters (tests, benchmarks, diagnostics). */
  stats(): PagerStats {
    return this.pager.stats;
  }

  private check(): void {
    if (this.closed) throw new DecentDBError('ERR_TRANSACTION', 'the database is closed');
  }
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw toDecentDBError(e);
  }
}

let nodeVfsFactory: (() => Vfs) | undefined;

/** The Node entry point registers node:fs here, so browser bundles never import it. @internal */
export function setDefaultVfsFactory(factory: () => Vfs): void {
  nodeVfsFactory = factory;
}

function defaultVfs(): Vfs {
  if (nodeVfsFactory === undefined) throw new DecentDBError('ERR_IO', 'no default file system here: pass options.vfs');
  return nodeVfsFactory();
}

export type { RunResult, Row };
