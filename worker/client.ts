/**
 * The browser client (`decentdb/browser`): `connect(name)` starts a module worker found with
 * `new URL('./worker-main.js', import.meta.url)` (Vite and webpack 5 follow that pattern with no
 * configuration; docs/browser.md covers the others) and returns an async Database with the Node
 * API's shape. Kept thin: no SQL, no storage; rows are rebuilt here from column pages.
 */
import { wrap } from 'comlink';
import type { Remote } from 'comlink';
import { DecentDBError, toDecentDBError } from '../src/util/index.js';
import type { BulkLoadOptions, BulkLoadResult, BulkRow, Durability, Params, ResultPage, RunResult, StorageKind, WorkerStatus } from './api.js';
import { decodeError } from './protocol.js';
import type { RemoteDatabase, ThrownWireError } from './worker-server.js';

export type RowMode = 'object' | 'array';

/** Default chunk of `exportStream` (the owner caps a chunk at 16 MiB). */
const EXPORT_CHUNK_BYTES = 1024 * 1024;
export type Row = Record<string, unknown>;

export interface ConnectOptions {
  /** 'auto' (default): OPFS where the worker has sync access handles, else IndexedDB. */
  readonly storage?: StorageKind;
  readonly durability?: Durability;
  readonly cacheSizeBytes?: number;
  /** How long to wait for an owner to answer or the database to open. Default 10 000 ms. */
  readonly openTimeoutMs?: number;
  /** The worker script, for bundlers that need it spelled out (default: ./worker-main.js beside this module). */
  readonly workerUrl?: string | URL;
  /** Test hook: a simulated OPFS quota in bytes. */
  readonly simulatedQuotaBytes?: number;
}

export interface QueryOptions {
  readonly rowMode?: RowMode;
}

export interface StorageEstimate {
  readonly quotaBytes: number | undefined;
  readonly usageBytes: number | undefined;
}

async function remoteCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const wire = (e as Partial<ThrownWireError> | null)?.decentdb;
    throw wire !== undefined ? decodeError(wire) : toDecentDBError(e);
  }
}

/** Rows from a column-major page (ADR-0006). */
export function pageRows(page: ResultPage, rowMode: 'array'): unknown[][];
export function pageRows(page: ResultPage, rowMode?: 'object'): Row[];
export function pageRows(page: ResultPage, rowMode?: RowMode): Row[] | unknown[][];
export function pageRows(page: ResultPage, rowMode: RowMode = 'object'): Row[] | unknown[][] {
  const { columns, columnValues, rowCount } = page;
  const n = columns.length;
  if (rowMode === 'array') {
    const rows: unknown[][] = new Array<unknown[]>(rowCount);
    for (let r = 0; r < rowCount; r++) {
      const row = new Array<unknown>(n);
      for (let c = 0; c < n; c++) row[c] = columnValues[c]?.[r];
      rows[r] = row;
    }
    return rows;
  }
  const rows: Row[] = new Array<Row>(rowCount);
  for (let r = 0; r < rowCount; r++) {
    const row: Row = {};
    for (let c = 0; c < n; c++) row[columns[c] as string] = columnValues[c]?.[r];
    rows[r] = row;
  }
  return rows;
}

/** Statement methods and queries shared by the Database and a Transaction. */
abstract class Queryable {
  protected constructor(protected readonly remote: Remote<RemoteDatabase>) {}

  /** Waits for the right to send (the Database waits for an open transaction to end). */
  protected abstract gate(): Promise<void>;

  async exec(sql: string): Promise<void> {
    await this.gate();
    await remoteCall(() => this.remote.exec(sql));
  }

  async query(sql: string, params?: Params, options: QueryOptions = {}): Promise<Row[] | unknown[][]> {
    await this.gate();
    const page = await remoteCall(() => this.remote.query(sql, params));
    return pageRows(page, options.rowMode);
  }

  async prepare(sql: string): Promise<BrowserStatement> {
    await this.gate();
    const info = await remoteCall(() => this.remote.prepare(sql));
    return new BrowserStatement(this.remote, info.stmtId, info.columns, () => this.gate());
  }

  async bulkLoad(table: string, rows: readonly BulkRow[], options?: BulkLoadOptions): Promise<BulkLoadResult> {
    await this.gate();
    return remoteCall(() => this.remote.bulkLoad(table, rows, options));
  }
}

/**
 * A statement living in the owner's worker; results come back in pages.
 * @example
 *   const st = await db.prepare('SELECT id, title FROM track WHERE artist = ?');
 *   for await (const row of st.iterate(['Nina'])) console.log(row.title);
 *   await st.finalize();
 */
export class BrowserStatement {
  private finalized = false;
  constructor(
    private readonly remote: Remote<RemoteDatabase>,
    readonly stmtId: number,
    readonly columns: readonly string[],
    private readonly gate: () => Promise<void>,
  ) {}

  async run(params?: Params): Promise<RunResult> {
    await this.gate();
    return remoteCall(() => this.remote.run(this.stmtId, params));
  }

  async get(params?: Params): Promise<Row | undefined> {
    await this.gate();
    const page = await remoteCall(() => this.remote.step(this.stmtId, params ?? [], 1));
    if (!page.done) await remoteCall(() => this.remote.reset(this.stmtId));
    return pageRows(page)[0];
  }

  async all(params?: Params, options: QueryOptions = {}): Promise<Row[] | unknown[][]> {
    const out: Array<Row | unknown[]> = [];
    for await (const row of this.iterate(params, { ...options, pageSize: 10_000 })) out.push(row);
    return out as Row[] | unknown[][];
  }

  /** Rows in pages of `pageSize` (default 1000); breaking out early resets the statement. */
  async *iterate(params?: Params, options: QueryOptions & { readonly pageSize?: number } = {}): AsyncGenerator<Row | unknown[]> {
    const pageSize = options.pageSize ?? 1000;
    let page = await this.step(params ?? [], pageSize);
    let finished = false;
    try {
      for (;;) {
        const rows = pageRows(page, options.rowMode);
        for (const row of rows) yield row;
        if (page.done) break;
        page = await this.step(undefined, pageSize);
      }
      finished = true;
    } finally {
      if (!finished) await remoteCall(() => this.remote.reset(this.stmtId));
    }
  }

  async finalize(): Promise<void> {
    if (this.finalized) return;
    this.finalized = true;
    await remoteCall(() => this.remote.finalize(this.stmtId));
  }

  private async step(params: Params | undefined, pageSize: number): Promise<ResultPage> {
    await this.gate();
    return remoteCall(() => this.remote.step(this.stmtId, params, pageSize));
  }
}

/** The `tx` handed to `transaction(async tx => …)`: its calls run inside the transaction. */
export class Transaction extends Queryable {
  constructor(remote: Remote<RemoteDatabase>) {
    super(remote);
  }

  protected gate(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * A database opened in the browser; every tab may hold one for the same name.
 * @example
 *   import { connect } from 'decentdb/browser';
 *   const db = await connect('music');
 *   await db.transaction(async (tx) => { await tx.exec("INSERT INTO t VALUES (1)"); });
 *   const rows = await db.query('SELECT * FROM t');
 */
export class BrowserDatabase extends Queryable {
  private txGate: Promise<void> | undefined;
  private closed = false;

  constructor(remote: Remote<RemoteDatabase>, private readonly worker: Worker, private info: WorkerStatus) {
    super(remote);
  }

  /** This tab's worker owns the database (holds the engine and the storage handles). */
  get isOwner(): boolean {
    return this.info.isOwner;
  }

  get storage(): 'opfs' | 'idb' {
    return this.info.storage;
  }

  /** Refreshes isOwner/storage (ownership moves when an owner tab closes). */
  async status(): Promise<WorkerStatus> {
    this.info = await remoteCall(() => this.remote.status());
    return this.info;
  }

  /** Runs `fn` in one transaction: commit when it resolves, rollback when it rejects. Other tabs wait. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    await this.gate();
    let release: () => void = () => undefined;
    this.txGate = new Promise<void>((r) => (release = r));
    try {
      await remoteCall(() => this.remote.begin());
      let result: T;
      try {
        result = await fn(new Transaction(this.remote));
      } catch (e) {
        await remoteCall(() => this.remote.rollback()).catch(() => undefined); // the first error is the one to report
        throw toDecentDBError(e);
      }
      await remoteCall(() => this.remote.commit());
      return result;
    } finally {
      this.txGate = undefined;
      release();
    }
  }

  async checkpoint(): Promise<void> {
    await this.gate();
    await remoteCall(() => this.remote.checkpoint());
  }

  /** A checkpointed image of the database file, openable by `Database.open` in Node. */
  async export(): Promise<Uint8Array> {
    await this.gate();
    return remoteCall(() => this.remote.exportImage());
  }

  /**
   * The same image as `export()`, as a stream of chunks pulled from the owner one at a time, so
   * neither thread holds the whole file. The snapshot is fixed when the promise resolves: the
   * owner checkpoints and holds a read snapshot, which keeps later checkpoints off the file
   * while every tab goes on writing (into the WAL); writes after that point are not in the
   * image. Cancel the stream (or read it to the end) to let checkpoints shrink the WAL again.
   * Errors: ERR_BROWSER_EXPORT_BUSY when an unfinished statement or export holds an older snapshot,
   * ERR_BROWSER_EXPORT_INVALIDATED or ERR_BROWSER_STATEMENT_CLOSED (owner changed) mid-stream;
   * all retryable by exporting again.
   * @example
   *   const stream = await db.exportStream();
   *   await stream.pipeTo(await fileHandle.createWritable());
   */
  async exportStream(options: { readonly chunkBytes?: number } = {}): Promise<ReadableStream<Uint8Array>> {
    await this.gate();
    const { stmtId, size } = await remoteCall(() => this.remote.exportOpen());
    const chunk = Math.max(4096, Math.floor(options.chunkBytes ?? EXPORT_CHUNK_BYTES) || EXPORT_CHUNK_BYTES); // NaN: the default
    let offset = 0;
    const end = (): Promise<void> => remoteCall(() => this.remote.finalize(stmtId)).catch(() => undefined);
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          await this.gate();
          if (offset < size) {
            const bytes = await remoteCall(() => this.remote.exportRead(stmtId, offset, chunk));
            // Never end a short image silently (nor stall a reader with an empty pull).
            if (bytes.length === 0) throw new DecentDBError('ERR_BROWSER_INTERNAL', `the export ended at byte ${offset} of ${size}`);
            offset += bytes.length;
            controller.enqueue(bytes);
          }
          if (offset >= size) {
            await end();
            controller.close();
          }
        } catch (e) {
          await end();
          throw e; // errors the stream
        }
      },
      cancel: end,
    }, { highWaterMark: 1 });
  }

  /** Replaces the database with a file image (e.g. one built in Node). */
  async import(bytes: Uint8Array): Promise<void> {
    await this.gate();
    await remoteCall(() => this.remote.importImage(bytes));
  }

  /** Asks the browser to keep this origin's storage under pressure (a request, not a guarantee). */
  async persist(): Promise<boolean> {
    const storage = (globalThis as { navigator?: { storage?: { persist?: () => Promise<boolean> } } }).navigator?.storage;
    return storage?.persist === undefined ? false : storage.persist();
  }

  async estimate(): Promise<StorageEstimate> {
    const storage = (globalThis as { navigator?: { storage?: { estimate?: () => Promise<{ quota?: number; usage?: number }> } } }).navigator?.storage;
    if (storage?.estimate === undefined) return { quotaBytes: undefined, usageBytes: undefined };
    const e = await storage.estimate();
    return { quotaBytes: e.quota, usageBytes: e.usage };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await remoteCall(() => this.remote.close());
    } finally {
      this.worker.terminate();
    }
  }

  protected async gate(): Promise<void> {
    if (this.closed) throw new DecentDBError('ERR_BROWSER_DB_CLOSED', 'the database is closed');
    while (this.txGate !== undefined) await this.txGate;
  }
}

let clientSeq = 0;

/**
 * Vite's dev server pre-bundles dependencies into /node_modules/.vite/deps/, where
 * `./worker-main.js` beside this module does not exist; there the worker is served from the
 * package's own dist/ instead, so `vite dev` needs no `optimizeDeps.exclude` either. Builds
 * (any bundler) never take this path: their `import.meta.url` is the emitted chunk's.
 */
function prebundledWorkerUrl(): URL | undefined {
  const here = import.meta.url;
  return here.includes('/node_modules/.vite/deps/') ? new URL('/node_modules/decentdb/dist/worker/worker-main.js', here) : undefined;
}

/** Opens (or joins, from another tab) the database `name`. */
export async function connect(name: string, options: ConnectOptions = {}): Promise<BrowserDatabase> {
  // The literal `new Worker(new URL(…), { type: 'module' })` is what bundlers detect; keep it so.
  const explicitUrl = options.workerUrl ?? prebundledWorkerUrl();
  const worker = explicitUrl === undefined
    ? new Worker(new URL('./worker-main.js', import.meta.url), { type: 'module' })
    : new Worker(explicitUrl, { type: 'module' });
  const failed = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (ev) => reject(new DecentDBError('ERR_BROWSER_WORKER_FAILED',
      `the DecentDB worker failed to start: ${ev.message || 'its script did not load (see the browser console)'}`)), { once: true });
  });
  const remote = wrap<RemoteDatabase>(worker);
  const clientId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}-${clientSeq++}`;
  try {
    const info = await Promise.race([failed, remoteCall(() => remote.init({
      name, clientId,
      storage: options.storage ?? 'auto',
      openTimeoutMs: options.openTimeoutMs ?? 10_000,
      durability: options.durability, // undefined: the engine's default
      cacheSizeBytes: options.cacheSizeBytes,
      simulatedQuotaBytes: options.simulatedQuotaBytes,
    }))]);
    return new BrowserDatabase(remote, worker, info);
  } catch (e) {
    worker.terminate();
    throw toDecentDBError(e);
  }
}
