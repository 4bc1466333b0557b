/**
 * The baseline Engine: better-sqlite3 on a file in WAL mode. Translates the workloads' Postgres
 * dialect: $N parameters become positional ? (re-ordered per occurrence), ILIKE becomes SQLite's
 * LIKE (which is ASCII case-insensitive). durability maps to synchronous FULL/NORMAL/OFF.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Engine, EngineDb, EngineOpenOptions, EngineStatement, Row, SqlParam } from './engine.js';

const require = createRequire(import.meta.url);
const packageVersion = (require('better-sqlite3/package.json') as { version: string }).version;

export const DB_FILE = 'bench.sqlite';

interface Translated {
  readonly sql: string;
  /** For each ? in order, the 0-based index of the $N argument it takes; empty when no $N. */
  readonly order: readonly number[];
}

function translate(sql: string): Translated {
  const order: number[] = [];
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] ?? '';
    if (ch === "'") {
      const end = sql.indexOf("'", i + 1);
      const stop = end < 0 ? sql.length : end + 1;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    const param = ch === '$' ? /^\$(\d+)/.exec(sql.slice(i, i + 8)) : null;
    if (param !== null) {
      order.push(Number(param[1]) - 1);
      out += '?';
      i += param[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return { sql: out.replace(/\bILIKE\b/gi, 'LIKE'), order };
}

type Bindable = number | bigint | string | null | Buffer;

function bindable(p: SqlParam | undefined): Bindable {
  if (p === undefined) return null;
  if (typeof p === 'boolean') return p ? 1 : 0;
  if (p instanceof Uint8Array) return Buffer.from(p.buffer, p.byteOffset, p.byteLength);
  return p;
}

function wrap(stmt: Database.Statement, order: readonly number[]): EngineStatement {
  const args = (params: SqlParam[]): Bindable[] =>
    order.length === 0 ? params.map(bindable) : order.map((k) => bindable(params[k]));
  const reader = stmt.reader;
  return {
    run: (...params) => ({ changes: stmt.run(...args(params)).changes }),
    get: (...params) => (reader ? (stmt.get(...args(params)) as Row | undefined) : undefined),
    all: (...params) => stmt.all(...args(params)) as Row[],
    iterate: (...params) => stmt.iterate(...args(params)) as IterableIterator<Row>,
  };
}

const SYNCHRONOUS = { full: 'FULL', normal: 'NORMAL', off: 'OFF' } as const;

class BetterSqlite3Db implements EngineDb {
  private readonly db: Database.Database;

  constructor(dir: string, options: EngineOpenOptions) {
    this.db = new Database(join(dir, DB_FILE));
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${SYNCHRONOUS[options.durability ?? 'full']}`);
    if (options.cacheSizeBytes !== undefined) this.db.pragma(`cache_size = -${Math.max(1, Math.round(options.cacheSizeBytes / 1024))}`);
  }

  exec(sql: string): void {
    this.db.exec(translate(sql).sql);
  }

  prepare(sql: string): EngineStatement {
    const t = translate(sql);
    return wrap(this.db.prepare(t.sql), t.order);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  checkpoint(): void {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  describe(): string {
    const mode = String(this.db.pragma('journal_mode', { simple: true }));
    const sync = Number(this.db.pragma('synchronous', { simple: true }));
    const cache = Number(this.db.pragma('cache_size', { simple: true }));
    const page = Number(this.db.pragma('page_size', { simple: true }));
    const cacheText = cache < 0 ? `${Math.round(-cache / 1024)}MiB` : `${cache}pages`;
    const temp = ['DEFAULT', 'FILE', 'MEMORY'][Number(this.db.pragma('temp_store', { simple: true }))] ?? '?';
    return `journal_mode=${mode} synchronous=${['OFF', 'NORMAL', 'FULL', 'EXTRA'][sync] ?? sync} cache=${cacheText} page=${page} temp_store=${temp}`;
  }

  close(): void {
    this.db.close();
  }
}

function sqliteVersion(): string {
  const db = new Database(':memory:');
  try {
    return String(db.prepare('SELECT sqlite_version() AS v').pluck().get());
  } finally {
    db.close();
  }
}

export const betterSqlite3Engine: Engine = {
  name: 'better-sqlite3',
  role: 'baseline',
  label: `better-sqlite3 ${packageVersion} (SQLite ${sqliteVersion()})`,
  open: (dir, options = {}) => new BetterSqlite3Db(dir, options),
};
