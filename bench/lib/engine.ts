/**
 * The Engine adapter interface every bench workload is written against, so the same workload
 * code runs on DecentDB and on the baseline in one run. SQL is written in DecentDB's
 * Postgres-like dialect ($1 parameters, ILIKE); a baseline adapter translates what it must.
 * No implementations here (engine-better-sqlite3.ts; the registry is engines.ts).
 */

export type SqlParam = number | bigint | string | boolean | null | Uint8Array;
export type Row = Readonly<Record<string, unknown>>;

export interface EngineStatement {
  run(...params: SqlParam[]): { readonly changes: number };
  get(...params: SqlParam[]): Row | undefined;
  all(...params: SqlParam[]): Row[];
  iterate(...params: SqlParam[]): IterableIterator<Row>;
}

/** full: commit returns after the log is synced; normal: may lose the last commits on power loss; off: no syncs. */
export type Durability = 'full' | 'normal' | 'off';

export interface EngineOpenOptions {
  readonly durability?: Durability;
  /** Page-cache budget (SQLite's sorter also takes its memory budget from it). */
  readonly cacheSizeBytes?: number;
  /** Memory budget of one sort before it spills, for engines that set it apart from the cache. */
  readonly sortBudgetBytes?: number;
}

export interface EngineDb {
  exec(sql: string): void;
  prepare(sql: string): EngineStatement;
  /** Runs `fn` in one transaction: commit on return, rollback on throw. */
  transaction<T>(fn: () => T): T;
  /** The engine's fast loading path, when it has one distinct from an insert loop. */
  bulkLoad?(table: string, columns: readonly string[], rows: Iterable<readonly SqlParam[]>): void;
  /** Folds the log into the main file (for size measurements). */
  checkpoint(): void;
  /** Settings in effect, for the report (e.g. "journal_mode=wal synchronous=FULL cache=16MiB"). */
  describe(): string;
  close(): void;
}

export interface Engine {
  /** Stable id used on the command line (--engine NAME). */
  readonly name: string;
  /** "decentdb" fills the DecentDB column; "baseline" the baseline column. */
  readonly role: 'decentdb' | 'baseline';
  /** Human description with versions, e.g. "better-sqlite3 12.4.1 (SQLite 3.50.4)". */
  readonly label: string;
  /** Opens (creating when missing) the engine's database file inside directory `dir`. */
  open(dir: string, options?: EngineOpenOptions): EngineDb;
}
