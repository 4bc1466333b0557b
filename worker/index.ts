// The browser entry (`decentdb/browser`): connect() and the async Database it returns. The
// engine runs in a module worker (worker-main.ts, `decentdb/worker`); this side stays thin.
// Many tabs share one database through an elected owner (ADR-0005); results cross as column pages (ADR-0006).
export { connect, BrowserDatabase, BrowserStatement, Transaction, pageRows } from './client.js';
export type { ConnectOptions, QueryOptions, Row, RowMode, StorageEstimate } from './client.js';
export type { BulkLoadOptions, BulkLoadResult, BulkRow, Durability, Params, ResultPage, RunResult, StorageKind, WorkerStatus } from './api.js';
export { DecentDBError } from '../src/util/index.js';
export type { ErrorCode } from '../src/util/index.js';
