/**
 * The worker's operation surface: one synchronous interface (`HostApi`, what the owner runs
 * against the engine) from which the async Comlink surface and the protocol's operation union
 * are derived by mapped types, so the three cannot drift (STYLE rule 12). Values only, no
 * behaviour. Results cross as column arrays (ADR-0006).
 */

/** Statement parameters: positional or named. Values are structured-cloneable. */
export type Params = readonly unknown[] | Readonly<Record<string, unknown>>;

/** A row as the engine yields it: one value per column, in column order. */
export type RowArray = readonly unknown[];

/** A page of results, column-major: `columnValues[c][r]` is row r of column c (ADR-0006). */
export interface ResultPage {
  readonly columns: readonly string[];
  readonly columnValues: readonly (readonly unknown[])[];
  readonly rowCount: number;
  /** No more rows follow this page. */
  readonly done: boolean;
}

export interface RunResult {
  readonly changes: number;
  readonly lastInsertRowid: number | bigint;
}

export interface StatementInfo {
  readonly stmtId: number;
  readonly columns: readonly string[];
}

/**
 * A pinned export (exportOpen): its id lives in the statement id space, so the request queue
 * ties it to its client like a statement and `finalize(stmtId)` (or the client's death) ends it.
 */
export interface ExportInfo {
  readonly stmtId: number;
  /** Bytes in the pinned database file image. */
  readonly size: number;
}

/** The engine's own bulkLoad option and result types: the async API must not drift from them. */
export type { BulkLoadOptions, BulkLoadResult } from '../src/engine/index.js';
import type { BulkLoadOptions, BulkLoadResult } from '../src/engine/index.js';

/** A row for bulkLoad: values in column order, or by column name. */
export type BulkRow = RowArray | Readonly<Record<string, unknown>>;

/**
 * What the owner's worker does for a client, synchronously, one call per request.
 * Transactions are scoped by the request queue (request-queue.ts), not by arguments.
 */
export interface HostApi {
  exec(sql: string): void;
  /** Runs one statement to completion; the whole result in one page. */
  query(sql: string, params?: Params): ResultPage;
  prepare(sql: string): StatementInfo;
  run(stmtId: number, params?: Params): RunResult;
  /** Next page of at most `pageSize` rows; passing `params` rebinds and restarts. */
  step(stmtId: number, params: Params | undefined, pageSize: number): ResultPage;
  /** Drops the statement's cursor so the next step restarts. */
  reset(stmtId: number): void;
  finalize(stmtId: number): void;
  begin(): void;
  commit(): void;
  rollback(): void;
  bulkLoad(table: string, rows: readonly BulkRow[], options?: BulkLoadOptions): BulkLoadResult;
  checkpoint(): void;
  /** A checkpointed image of the database file (no WAL). */
  exportImage(): Uint8Array;
  /**
   * Checkpoints and pins the database file as a consistent image for `exportRead` (a read
   * snapshot keeps later checkpoints off the file) until `finalize(stmtId)`. Writes go on.
   */
  exportOpen(): ExportInfo;
  /** Up to `length` bytes of a pinned export from `offset` (fewer at the end, none past it). */
  exportRead(stmtId: number, offset: number, length: number): Uint8Array;
  /** Replaces the database with `bytes` (a database file image) and reopens it. */
  importImage(bytes: Uint8Array): void;
}

export type HostMethod = keyof HostApi;

/** The same methods, each returning a Promise of the sync result. */
export type AsyncApi<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

/** One operation as data: the method name and its arguments (protocol.ts carries these). */
export type Operation = { [K in HostMethod]: { readonly kind: K; readonly args: Parameters<HostApi[K]> } }[HostMethod];

export type OperationResult<K extends HostMethod> = ReturnType<HostApi[K]>;

/** Every HostApi method name, for building forwarding objects without a Proxy. */
export const HOST_METHODS = [
  'exec', 'query', 'prepare', 'run', 'step', 'reset', 'finalize', 'begin', 'commit', 'rollback',
  'bulkLoad', 'checkpoint', 'exportImage', 'exportOpen', 'exportRead', 'importImage',
] as const satisfies readonly HostMethod[];

// Compile-time check that HOST_METHODS lists every method exactly (drift guard).
type Missing = Exclude<HostMethod, (typeof HOST_METHODS)[number]>;
const allListed: Missing extends never ? true : never = true;
void allListed;

/** Calls `op` on `host`: the one untyped step, kept here so callers stay typed. */
export function dispatch(host: HostApi, op: Operation): unknown {
  const fn = host[op.kind] as (...args: readonly unknown[]) => unknown;
  return fn.apply(host, op.args);
}

/** Operations that change nothing durable: no flush is needed after them. */
export const READ_ONLY_METHODS: ReadonlySet<HostMethod> = new Set<HostMethod>(['query', 'prepare', 'step', 'reset', 'finalize', 'exportRead']);

export type StorageKind = 'auto' | 'opfs' | 'idb';
export type Durability = 'full' | 'normal' | 'off';

/** Options a client passes to its worker at connect. */
export interface WorkerInit {
  readonly name: string;
  readonly clientId: string;
  readonly storage: StorageKind;
  readonly durability?: Durability;
  readonly cacheSizeBytes?: number;
  readonly openTimeoutMs: number;
  /** Test hook: an OPFS quota in bytes, to exercise ERR_BROWSER_QUOTA_EXCEEDED. */
  readonly simulatedQuotaBytes?: number;
}

export interface WorkerStatus {
  readonly clientId: string;
  readonly ownerId: string;
  readonly isOwner: boolean;
  readonly storage: 'opfs' | 'idb';
}
