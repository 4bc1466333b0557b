// DecentDB public API for Node (the `decentdb` package's `.` entry): re-exports only.
export { DecentDBError } from './util/index.js';
export type { ErrorCode } from './util/index.js';
export { Decimal, Timestamp } from './record/value.js';
export type { Value, SqlType, BaseType } from './record/value.js';
export { MemoryVfs } from './vfs/index.js';
export type { Vfs, VfsFile, OpenFlags, OpenMode } from './vfs/index.js';
export { NodeVfs } from './vfs/node-vfs.js';
