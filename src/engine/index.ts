// Layer 10, engine: Database, Session (transactions), Statement, DDL/DML execution, bulkLoad.
// The public API (src/index.ts) re-exports from here.
export { Database, setDefaultVfsFactory } from './database.js';
export type { QueryOptions, TransactionFunction } from './database.js';
export { Statement } from './statement.js';
export type { ColumnInfo, RawColumn, RawResult, Row, RowMode, RunResult } from './statement.js';
export type { DatabaseOptions } from './options.js';
export type { BulkLoadOptions, BulkLoadResult } from './bulk-load.js';
export type { JsValue } from './js-values.js';
