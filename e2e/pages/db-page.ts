/**
 * e2e page: connect() from worker/client.ts with the real engine worker, exposed on window for
 * the test to drive. `settle` turns every outcome into plain data ({ok, value} or {ok:false,
 * code, message, details}), since page.evaluate would keep only an error's message. `crash`
 * terminates the worker without closing anything, as a killed tab or OOM would.
 */
import { connect } from '../../worker/client.js';
import type { BrowserDatabase, ConnectOptions } from '../../worker/client.js';
import type { BulkRow, Params } from '../../worker/api.js';
import { streamRow } from '../db-driver.js';

type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string; details: unknown };

const workers: Worker[] = [];
const PlatformWorker = globalThis.Worker;
class RecordingWorker extends PlatformWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    workers.push(this);
  }
}
globalThis.Worker = RecordingWorker;

const special = {
  'no-coordination': () => new URL('./no-coordination-worker.ts', import.meta.url),
  'no-opfs': () => new URL('./no-opfs-worker.ts', import.meta.url),
} as const;

let db: BrowserDatabase | undefined;
let exportStream: { reader: ReadableStreamDefaultReader<Uint8Array>; chunks: Uint8Array[] } | undefined;

async function settle(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    const x = e as { code?: string; message?: string; details?: unknown };
    return { ok: false, code: x.code ?? 'NO_CODE', message: x.message ?? String(e), details: x.details ?? null };
  }
}

const need = (): BrowserDatabase => {
  if (db === undefined) throw new Error('not connected');
  return db;
};

const api = {
  connect: (name: string, options: Omit<ConnectOptions, 'workerUrl'> & { worker?: keyof typeof special } = {}) => settle(async () => {
    const { worker, ...rest } = options;
    const t = performance.now();
    db = await connect(name, worker === undefined ? rest : { ...rest, workerUrl: special[worker]() });
    return { isOwner: db.isOwner, storage: db.storage, connectMs: performance.now() - t };
  }),
  status: () => settle(() => need().status()),
  exec: (sql: string) => settle(() => need().exec(sql)),
  query: (sql: string, params?: Params, rowMode?: 'object' | 'array') => settle(() => need().query(sql, params, rowMode === undefined ? {} : { rowMode })),
  run: (sql: string, params?: Params) => settle(async () => {
    const st = await need().prepare(sql);
    try {
      return await st.run(params);
    } finally {
      await st.finalize();
    }
  }),
  bulkLoad: (table: string, rows: BulkRow[]) => settle(() => need().bulkLoad(table, rows)),
  /** Runs `statements` in one transaction(); `fail` throws after them, `holdMs` waits before committing, `countFirst` prefixes values with the row count seen. */
  tx: (statements: string[], opts: { fail?: boolean; holdMs?: number; countFirst?: boolean } = {}) => settle(() => need().transaction(async (tx) => {
    let prefix = '';
    if (opts.countFirst === true) {
      const rows = await tx.query('SELECT COUNT(*) FROM t', undefined, { rowMode: 'array' }) as unknown[][];
      prefix = `${String(rows[0]?.[0])}:`;
    }
    for (const s of statements) await tx.exec(s.replace('{prefix}', prefix));
    if (opts.holdMs !== undefined) await new Promise((r) => setTimeout(r, opts.holdMs));
    if (opts.fail === true) throw new Error('rollback please');
    return statements.length;
  })),
  /** Reads `sql` through a prepared statement in pages of `pageSize`, then get() once. */
  pages: (sql: string, pageSize: number) => settle(async () => {
    const st = await need().prepare(sql);
    const seen: unknown[] = [];
    for await (const row of st.iterate(undefined, { pageSize, rowMode: 'array' })) seen.push((row as unknown[])[0]);
    const first = await st.get();
    await st.finalize();
    return { seen, first };
  }),
  /** Inserts `count` rows into t(v), one request each; retries ERR_BROWSER_OWNER_LOST that did not start. */
  writeLoop: (prefix: string, count: number) => settle(async () => {
    let acked = 0;
    let unknown = 0;
    for (let i = 0; i < count; i++) {
      for (;;) {
        try {
          await need().query('INSERT INTO t (v) VALUES ($1)', [`${prefix}${i}`]);
          acked++;
          break;
        } catch (e) {
          const x = e as { code?: string; details?: { outcome?: string } };
          if (x.code !== 'ERR_BROWSER_OWNER_LOST') throw e;
          if (x.details?.outcome === 'unknown') {
            unknown++;
            break;
          }
        }
      }
    }
    return { acked, unknown };
  }),
  /** Mean ms of a query round trip through the proxy (and, for a follower, the owner). */
  timeQuery: (sql: string, n: number) => settle(async () => {
    const d = need();
    await d.query(sql);
    const t = performance.now();
    for (let i = 0; i < n; i++) await d.query(sql);
    return (performance.now() - t) / n;
  }),
  /** Mean ms per autocommitted one-row INSERT (a commit: WAL write + flush + storage settle). */
  timeCommits: (n: number) => settle(async () => {
    const d = need();
    const t = performance.now();
    for (let i = 0; i < n; i++) await d.query('INSERT INTO t (v) VALUES ($1)', [`c${i}`]);
    return (performance.now() - t) / n;
  }),
  exportBytes: () => settle(async () => Array.from(await need().export())),
  /** Bulk-loads t with rows 1..n of `streamRow` (generated here: nothing large crosses from the test). */
  fill: (n: number) => settle(() => need().bulkLoad('t', Array.from({ length: n }, (_, i) => [i + 1, streamRow(i + 1)]))),
  checkpoint: () => settle(() => need().checkpoint()),
  /** Opens exportStream() and reads its first chunk; exportStreamRest reads the others. */
  exportStreamOpen: (chunkBytes: number) => settle(async () => {
    const reader = (await need().exportStream({ chunkBytes })).getReader();
    const first = await reader.read();
    exportStream = { reader, chunks: first.value === undefined ? [] : [first.value] };
    return { firstChunkBytes: first.value?.length ?? 0 };
  }),
  /** Cancels the stream opened by exportStreamOpen. */
  exportStreamCancel: () => settle(async () => {
    await exportStream?.reader.cancel();
    exportStream = undefined;
  }),
  /** The rest of the stream: chunk count and sizes, and the whole image as base64 for Node. */
  exportStreamRest: () => settle(async () => {
    if (exportStream === undefined) throw new Error('no export stream open');
    const { reader, chunks } = exportStream;
    exportStream = undefined;
    for (let r = await reader.read(); r.done !== true; r = await reader.read()) chunks.push(r.value);
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const image = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      image.set(c, at);
      at += c.length;
    }
    let binary = '';
    for (let i = 0; i < total; i += 0x8000) binary += String.fromCharCode(...image.subarray(i, i + 0x8000));
    return { chunks: chunks.length, maxChunkBytes: Math.max(...chunks.map((c) => c.length)), bytes: total, base64: btoa(binary) };
  }),
  importBytes: (bytes: number[]) => settle(() => need().import(Uint8Array.from(bytes))),
  estimate: () => settle(() => need().estimate()),
  persist: () => settle(() => need().persist()),
  close: () => settle(async () => {
    await db?.close();
    db = undefined;
  }),
  /** Kills this page's worker(s) with no goodbye; the next connect starts a new one. */
  crash: () => settle(async () => {
    for (const w of workers.splice(0)) w.terminate();
    db = undefined;
  }),
};

export type DbPageApi = typeof api;
Object.assign(window, { api, ready: true });
