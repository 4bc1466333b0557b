// Layer 1, vfs: synchronous files at absolute offsets (memory, fault injection, node:fs).
// Browser backends (OPFS, IndexedDB) implement the same interface in worker/.
// NodeVfs is exported from src/vfs/node-vfs.ts directly so browser bundles never see node:fs.
export type { OpenFlags, OpenMode, Vfs, VfsFile, VfsLock } from './vfs.js';
export { MemoryVfs } from './memory-vfs.js';
export { FaultyVfs } from './faulty-vfs.js';
export type { CrashOptions, FaultCounters, FaultOp, FaultSpec, FaultyVfsOptions } from './faulty-vfs.js';
export { vfsContractChecks } from './vfs-contract.js';
export type { VfsContractCheck } from './vfs-contract.js';
