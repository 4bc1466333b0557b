// DecentDB public API for Node (the `decentdb` package's `.` entry): re-exports, plus the one
// Node-only wiring: paths open through node:fs unless options.vfs says otherwise.
import { setDefaultVfsFactory } from './engine/index.js';
import { NodeVfs } from './vfs/node-vfs.js';

setDefaultVfsFactory(() => new NodeVfs());

export { Database, Statement } from './engine/index.js';
export type {
  BulkLoadOptions, BulkLoadResult, ColumnInfo, DatabaseOptions, JsValue, QueryOptions, RawColumn, RawResult, Row, RowMode, RunResult,
  TransactionFunction,
} from './engine/index.js';
export { DecentDBError } from './util/index.js';
export type { ErrorCode } from './util/index.js';
export { Decimal, Timestamp } from './record/index.js';
export type { Value, SqlType, BaseType } from './record/index.js';
export { MemoryVfs, FaultyVfs } from './vfs/index.js';
export type { Vfs, VfsFile, OpenFlags, OpenMode } from './vfs/index.js';
export { NodeVfs } from './vfs/node-vfs.js';
export type { CheckpointResult, Durability } from './pager/index.js';
