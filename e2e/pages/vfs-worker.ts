/**
 * e2e worker: runs the Vfs contract (src/vfs/vfs-contract.ts) against OpfsVfs and IdbVfs in a
 * real Dedicated Worker, plus OPFS-specific checks (reopen, busy-handle retry, quota) and
 * measurements (write+flush latency, structured clone of results). Answers over Comlink.
 */
import { expose } from 'comlink';
import { vfsContractChecks } from '../../src/vfs/index.js';
import { Database } from '../../src/engine/index.js';
import { IdbVfs } from '../../worker/idb-vfs.js';
import { OpfsVfs } from '../../worker/opfs-vfs.js';

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

let seq = 0;
const unique = (p: string): string => `${p}-${Date.now().toString(36)}-${seq++}`;
const describeError = (e: unknown): string => {
  const x = e as { code?: string; message?: string; name?: string };
  return `${x.code ?? x.name ?? 'Error'}: ${x.message ?? String(e)}`;
};

async function contract(make: () => Promise<{ vfs: OpfsVfs | IdbVfs; close(): Promise<void> }>): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const c of vfsContractChecks) {
    const { vfs, close } = await make();
    try {
      c.run(vfs, '/contract');
      out.push({ name: c.name, ok: true });
    } catch (e) {
      out.push({ name: c.name, ok: false, error: describeError(e) });
    } finally {
      await close();
    }
  }
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

let rows: { objects: Array<Record<string, unknown>>; columns: { columns: string[]; columnValues: unknown[][] } } | undefined;

const api = {
  contractOpfs: () => contract(async () => {
    const vfs = await OpfsVfs.create(unique('contract'));
    return { vfs, close: () => vfs.close() };
  }),

  /** The contract again with no spare handles: every unprepared file lives in the temp area. */
  contractOpfsTempArea: () => contract(async () => {
    const vfs = await OpfsVfs.create(unique('contract-area'), { spareHandles: 0 });
    return { vfs, close: () => vfs.close() };
  }),

  /**
   * Sorts, hash aggregation, hash joins and DISTINCT past a 4 KiB memory budget on OPFS with
   * one spare handle (so most spill files share the temp area), against the same queries in
   * memory. Returns whether every result matched, the spill counts EXPLAIN ANALYZE reported,
   * and the bytes the OPFS files hold once the statements are done (the database and its WAL).
   */
  async opfsSpill(): Promise<{ same: boolean; sortSpills: number; operatorSpills: number; tempBytesAfter: number }> {
    const vfs = await OpfsVfs.create(unique('spill'), { spareHandles: 1 });
    await vfs.prepare('s.ddb', 's.ddb-wal');
    const disk = Database.open('s.ddb', { vfs, memoryBudgetBytes: 4096 });
    const mem = Database.open(':memory:');
    const setup = 'CREATE TABLE t (id INTEGER PRIMARY KEY, g INT, s TEXT)';
    const rowsIn: [number, number, string][] = Array.from({ length: 20_000 }, (_, i) => [i + 1, (i * 7919) % 1999, `text ${(i * 104729) % 20_000}`]);
    for (const db of [disk, mem]) {
      db.exec(setup);
      db.bulkLoad('t', rowsIn);
    }
    const queries = [
      'SELECT g, count(*), max(s) FROM t GROUP BY g ORDER BY g',
      'SELECT s FROM t ORDER BY s LIMIT 5 OFFSET 15000',
      'SELECT count(*), sum(a.id) FROM t a JOIN t b ON a.g = b.g',
      'SELECT count(*) FROM (SELECT DISTINCT s FROM t) d',
    ];
    let same = true;
    let sortSpills = 0;
    let operatorSpills = 0;
    for (const q of queries) {
      same &&= JSON.stringify(disk.query(q, [], { rowMode: 'array' })) === JSON.stringify(mem.query(q, [], { rowMode: 'array' }));
      const stats = disk.query(`EXPLAIN ANALYZE ${q}`, [], { rowMode: 'array' }).map((r) => String((r as unknown[])[0])).join('\n');
      sortSpills += Number(/sort spills: (\d+)/.exec(stats)?.[1] ?? 0);
      operatorSpills += Number(/operator spills: (\d+)/.exec(stats)?.[1] ?? 0);
    }
    disk.checkpoint();
    const dbBytes = vfs.open('s.ddb', { mode: 'open' }).size() + vfs.open('s.ddb-wal', { mode: 'open' }).size();
    const tempBytesAfter = vfs.usedBytes() - dbBytes;
    disk.close();
    mem.close();
    await vfs.close();
    return { same, sortSpills, operatorSpills, tempBytesAfter };
  },

  contractIdb: () => contract(async () => {
    const vfs = await IdbVfs.create(unique('contract'));
    return { vfs, close: () => vfs.close() };
  }),

  /** Bytes written and synced through one OpfsVfs are there for the next one. */
  async opfsReopen(): Promise<boolean> {
    const dir = unique('reopen');
    const a = await OpfsVfs.create(dir);
    await a.prepare('x.ddb', 'x.ddb-wal');
    const f = a.open('x.ddb', { mode: 'create' });
    f.write(new Uint8Array([1, 2, 3, 4]), 8190);
    f.sync();
    await a.close();
    const b = await OpfsVfs.create(dir);
    if (!b.exists('x.ddb')) return false;
    await b.prepare('x.ddb');
    const g = b.open('x.ddb', { mode: 'open' });
    const buf = new Uint8Array(4);
    g.read(buf, 8190);
    const ok = g.size() === 8194 && buf.join() === '1,2,3,4';
    await b.close();
    return ok;
  },

  /** A second OpfsVfs waits (retrying) while the first still holds the handles. */
  async opfsBusyRetry(): Promise<{ ok: boolean; retries: number }> {
    // Two OpfsVfs in one worker stand in for a dying owner and its successor.
    const dir = unique('busy');
    const a = await OpfsVfs.create(dir);
    await a.prepare('busy.ddb');
    setTimeout(() => void a.close(), 150);
    const b = await OpfsVfs.create(dir);
    await b.prepare('busy.ddb');
    const f = b.open('busy.ddb', { mode: 'openOrCreate' });
    f.write(new Uint8Array([9]), 0);
    const ok = f.size() === 1;
    const retries = b.counters.openRetries;
    await b.close();
    return { ok, retries };
  },

  /** The quota error is clean: right code, file unchanged, handle still usable. */
  async opfsQuota(): Promise<{ code: string; sizeAfter: number; usableAfter: boolean }> {
    const vfs = await OpfsVfs.create(unique('quota'), { quotaBytes: 10_000 });
    await vfs.prepare('q.ddb');
    const f = vfs.open('q.ddb', { mode: 'create' });
    f.write(new Uint8Array(8192).fill(1), 0);
    f.sync();
    let code = '';
    try {
      f.write(new Uint8Array(4096).fill(2), 8192);
    } catch (e) {
      code = (e as { code?: string }).code ?? 'no code';
    }
    const sizeAfter = f.size();
    f.write(new Uint8Array(1024).fill(3), 0);
    f.sync();
    const buf = new Uint8Array(2);
    f.read(buf, 1023);
    await vfs.close();
    return { code, sizeAfter, usableAfter: buf[0] === 3 && buf[1] === 1 };
  },

  /** Mean µs per 4 KiB write, per write+flush, and per 8-page commit + flush (timer resolution is ~100 µs, so timed in bulk). */
  async opfsLatency(n: number): Promise<{ writeUs: number; writeFlushUs: number; commit8PagesUs: number }> {
    const vfs = await OpfsVfs.create(unique('latency'));
    await vfs.prepare('lat.ddb');
    const f = vfs.open('lat.ddb', { mode: 'create' });
    const page = new Uint8Array(4096).fill(7);
    let t = performance.now();
    for (let i = 0; i < n; i++) f.write(page, i * 4096);
    const writeUs = ((performance.now() - t) * 1000) / n;
    t = performance.now();
    for (let i = 0; i < n; i++) {
      f.write(page, (n + i) * 4096);
      f.sync();
    }
    const writeFlushUs = ((performance.now() - t) * 1000) / n;
    t = performance.now();
    for (let i = 0; i < n; i++) {
      for (let p = 0; p < 8; p++) f.write(page, (2 * n + i * 8 + p) * 4096);
      f.sync();
    }
    const commit8PagesUs = ((performance.now() - t) * 1000) / n;
    await vfs.close();
    return { writeUs, writeFlushUs, commit8PagesUs };
  },

  /** Mean ms for structuredClone of the prepared rows in each form (the owner's serialising cost is about half). */
  cloneCost(rounds: number): { objectsMs: number; columnsMs: number } {
    if (rows === undefined) return { objectsMs: NaN, columnsMs: NaN };
    let t = performance.now();
    for (let i = 0; i < rounds; i++) structuredClone(rows.objects);
    const objectsMs = (performance.now() - t) / rounds;
    t = performance.now();
    for (let i = 0; i < rounds; i++) structuredClone(rows.columns);
    return { objectsMs, columnsMs: (performance.now() - t) / rounds };
  },

  /** Builds n result rows both ways, so the page can time their transfer. */
  prepareRows(n: number): void {
    const ids: unknown[] = [];
    const titles: unknown[] = [];
    const secs: unknown[] = [];
    const objects: Array<Record<string, unknown>> = [];
    for (let i = 0; i < n; i++) {
      const t = `Track title number ${i}`;
      ids.push(i);
      titles.push(t);
      secs.push(180 + (i % 240));
      objects.push({ id: i, title: t, seconds: 180 + (i % 240) });
    }
    rows = { objects, columns: { columns: ['id', 'title', 'seconds'], columnValues: [ids, titles, secs] } };
  },

  send(mode: 'objects' | 'columns' | 'none'): unknown {
    if (mode === 'none' || rows === undefined) return null;
    return mode === 'objects' ? rows.objects : rows.columns;
  },
};

export type VfsWorkerApi = typeof api;
expose(api);
