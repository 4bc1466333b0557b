/**
 * The DecentDB Engine adapter: the public Node API (src/index.ts `Database`) on a file in the
 * bench's directory. A thin mapping only — SQL, parameters and rows pass through unchanged; the
 * cache budget maps to cacheSizeBytes, the sort budget to memoryBudgetBytes.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUILD_ENV } from './built-engine.js';
import type { Engine, EngineDb, EngineOpenOptions, EngineStatement, Row, SqlParam } from './engine.js';

const require = createRequire(import.meta.url);
const packageVersion = (require('../../package.json') as { version: string }).version;

export const DECENTDB_FILE = 'bench.ddb';

type Api = typeof import('../../src/index.js');
/** The built package when the parent handed one down (built-engine.ts), else the sources. */
const build = process.env[BUILD_ENV];
const { Database } = (build !== undefined && build !== ''
  ? await import(pathToFileURL(join(build, 'src', 'index.js')).href)
  : await import('../../src/index.js')) as Api;
type Database = ReturnType<Api['Database']['open']>;
type DecentStatement = ReturnType<Database['prepare']>;

function wrap(stmt: DecentStatement): EngineStatement {
  return {
    run: (...params) => ({ changes: stmt.run(params).changes }),
    get: (...params) => stmt.get(params) as Row | undefined,
    all: (...params) => stmt.all(params) as Row[],
    iterate: (...params) => stmt.iterate(params) as IterableIterator<Row>,
  };
}

class DecentDb implements EngineDb {
  private readonly db: Database;
  private readonly options: EngineOpenOptions;

  constructor(dir: string, options: EngineOpenOptions) {
    this.options = options;
    this.db = Database.open(join(dir, DECENTDB_FILE), {
      durability: options.durability ?? 'full',
      ...(options.cacheSizeBytes !== undefined ? { cacheSizeBytes: options.cacheSizeBytes } : {}),
      ...(options.sortBudgetBytes !== undefined ? { memoryBudgetBytes: options.sortBudgetBytes } : {}),
    });
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  prepare(sql: string): EngineStatement {
    return wrap(this.db.prepare(sql));
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  bulkLoad(table: string, columns: readonly string[], rows: Iterable<readonly SqlParam[]>): void {
    this.db.bulkLoad(table, rows, { columns });
  }

  checkpoint(): void {
    this.db.checkpoint();
  }

  describe(): string {
    const mib = (b: number | undefined): string => (b === undefined ? 'default' : `${Math.round(b / 2 ** 20)}MiB`);
    return `durability=${this.options.durability ?? 'full'} cache=${mib(this.options.cacheSizeBytes)} `
      + `sortBudget=${mib(this.options.sortBudgetBytes)}`;
  }

  close(): void {
    this.db.close();
  }
}

export const decentDbEngine: Engine = {
  name: 'decentdb',
  role: 'decentdb',
  label: `DecentDB ${packageVersion} (TypeScript, NodeVfs)`,
  open: (dir, options = {}) => new DecentDb(dir, options),
};
