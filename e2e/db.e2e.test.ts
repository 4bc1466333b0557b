/**
 * One tab against the real engine in the real worker (worker-main.ts), served by Vite, in
 * Chromium: SQL round trips, reload, transactions, prepared statements, IndexedDB mode, the
 * quota path, export → Node `Database.open` → import, and exportStream() from a follower tab
 * while the owner writes. Many tabs: tabs.e2e.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/index.js';
import { CREATE_T, dbName, insert, ok, run, streamRow, tab, values } from './db-driver.js';
import { startE2e } from './harness.js';
import type { E2eEnv } from './harness.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2e();
});
afterAll(async () => {
  await env?.close();
});

describe('the real worker entry', () => {
  it('is found through new URL(…, import.meta.url) and answers SQL', async () => {
    const page = await tab(env, dbName('entry'));
    expect(await ok(page, 'query', 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    const o = await run(page, 'query', 'SELEC 1');
    expect(o.ok ? 'ok' : o.code).toBe('ERR_SQL');
    await page.close();
  });

  it('reports ERR_BROWSER_COORDINATION_UNAVAILABLE without BroadcastChannel', async () => {
    const page = await env.open('db.html');
    const o = await run(page, 'connect', dbName('nocoord'), { worker: 'no-coordination' });
    expect(o.ok ? 'ok' : o.code).toBe('ERR_BROWSER_COORDINATION_UNAVAILABLE');
    await page.close();
  });
});

describe('one tab on OPFS', () => {
  it('creates, writes, reads, reloads and reads again', async () => {
    const name = dbName('reload');
    const page = await tab(env, name);
    expect(await ok(page, 'status')).toMatchObject({ isOwner: true, storage: 'opfs' });
    await ok(page, 'exec', CREATE_T);
    await ok(page, 'exec', `${insert('one')}; ${insert('two')}`);
    expect(await values(page)).toEqual(['one', 'two']);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    await ok(page, 'connect', name);
    expect(await values(page)).toEqual(['one', 'two']);
    await ok(page, 'exec', insert('three'));
    expect(await values(page)).toEqual(['one', 'two', 'three']);
    await page.close();
  });

  it('reads a checkpointed 30,000-row table (~1.4 MiB) back cold: scans (read ahead) and TopN pages match the unpruned query', async () => {
    const name = dbName('scan');
    const page = await tab(env, name);
    await ok(page, 'exec', 'CREATE TABLE s (id INTEGER PRIMARY KEY, title TEXT NOT NULL, n INTEGER NOT NULL)');
    const rows = Array.from({ length: 30_000 }, (_, k) => [k + 1, `title ${String((k * 7919) % 30_000).padStart(5, '0')} ${'x'.repeat(k % 50)}`, (k * 31) % 1000]);
    await ok(page, 'bulkLoad', 's', rows);
    await ok(page, 'checkpoint');
    await ok(page, 'close');
    await ok(page, 'connect', name); // a new engine: every page comes from OPFS again
    const one = async (sql: string): Promise<unknown[][]> => (await ok<unknown[][]>(page, 'query', sql, [], 'array'));
    expect(await one('SELECT count(*), sum(n), sum(length(title)) FROM s')).toEqual([[30_000, rows.reduce((a, r) => a + (r[2] as number), 0), rows.reduce((a, r) => a + (r[1] as string).length, 0)]]);
    for (const order of ['title', 'title DESC', 'n DESC']) {
      const key = order.split(' ')[0]!;
      const pruned = await one(`SELECT id FROM s ORDER BY ${order}, id LIMIT 20 OFFSET 1000`);
      const unpruned = await one(`SELECT id FROM s ORDER BY ${order.replace(key, key === 'title' ? "title || ''" : 'n + 0')}, id LIMIT 20 OFFSET 1000`);
      expect(pruned).toEqual(unpruned);
      expect(pruned).toHaveLength(20);
    }
    await page.close();
  });

  it('commits a transaction, rolls back a failed one, and honours SQL BEGIN/ROLLBACK', async () => {
    const page = await tab(env, dbName('tx'));
    await ok(page, 'exec', CREATE_T);
    expect(await ok(page, 'tx', [insert('a'), insert('b')])).toBe(2);
    const failed = await run(page, 'tx', [insert('c'), insert('d')], { fail: true });
    expect(failed.ok).toBe(false);
    const violated = await run(page, 'tx', [insert('e'), 'INSERT INTO t (id, v) VALUES (1, \'dup\')']);
    expect(violated.ok ? 'ok' : violated.code).toBe('ERR_CONSTRAINT');
    await ok(page, 'exec', `BEGIN; ${insert('f')}; ROLLBACK`);
    await ok(page, 'exec', `BEGIN; ${insert('g')}; COMMIT`);
    expect(await values(page)).toEqual(['a', 'b', 'g']);
    await page.close();
  });

  it('binds positional and named parameters', async () => {
    const page = await tab(env, dbName('params'));
    await ok(page, 'exec', CREATE_T);
    expect(await ok(page, 'run', 'INSERT INTO t (v) VALUES ($1)', ['pos'])).toMatchObject({ changes: 1 });
    expect(await ok(page, 'run', 'INSERT INTO t (v) VALUES (:v)', { v: 'named' })).toMatchObject({ changes: 1 });
    expect(await ok(page, 'query', "SELECT v FROM t WHERE v = @v OR v = $x ORDER BY id", { v: 'pos', x: 'named' }))
      .toEqual([{ v: 'pos' }, { v: 'named' }]);
    const missing = await run(page, 'query', 'SELECT v FROM t WHERE v = :nope', {});
    expect(missing.ok ? 'ok' : missing.code).toBe('ERR_SQL');
    await page.close();
  });

  it('pages a prepared statement living in the worker', async () => {
    const page = await tab(env, dbName('pages'));
    await ok(page, 'exec', CREATE_T);
    const rows = Array.from({ length: 2500 }, (_, i) => [i + 1, `v${i}`]);
    expect(await ok(page, 'bulkLoad', 't', rows)).toMatchObject({ rows: 2500 });
    const { seen, first } = await ok<{ seen: string[]; first: unknown }>(page, 'pages', 'SELECT v FROM t ORDER BY id', 1000);
    expect(seen.length).toBe(2500);
    expect(seen[0]).toBe('v0');
    expect(seen[2499]).toBe('v2499');
    expect(first).toEqual({ v: 'v0' });
    await page.close();
  });

  it('fails a write past the quota cleanly and keeps the database consistent and usable', async () => {
    const name = dbName('quota');
    const page = await tab(env, name, { simulatedQuotaBytes: 96 * 1024 });
    await ok(page, 'exec', CREATE_T);
    await ok(page, 'exec', insert('small'));
    let code = '';
    let acked = 1;
    for (let i = 0; i < 200 && code === ''; i++) {
      const o = await run(page, 'query', 'INSERT INTO t (v) VALUES ($1)', [`${i}:${'x'.repeat(2000)}`]);
      if (o.ok) acked++;
      else code = o.code;
    }
    expect(code).toBe('ERR_BROWSER_QUOTA_EXCEEDED');
    const count = async (): Promise<number> => Number((await ok<unknown[][]>(page, 'query', 'SELECT COUNT(*) FROM t', [], 'array'))[0]?.[0]);
    // Consistent: every acknowledged row and nothing else, still readable in this connection.
    expect(await count()).toBe(acked);
    const smallWrite = await run(page, 'exec', insert('while-full'));
    process.stdout.write(`[measure] quota: ${acked} rows acked before ERR_BROWSER_QUOTA_EXCEEDED; a write while full: ${smallWrite.ok ? 'ok' : smallWrite.code}\n`);
    if (smallWrite.ok) acked++;
    // Closing checkpoints, which may need space too; either way nothing committed is lost.
    const closed = await run(page, 'close');
    expect(closed.ok ? 'ok' : closed.code).toMatch(/^(ok|ERR_BROWSER_QUOTA_EXCEEDED)$/);
    // Space freed (a bigger quota): the same database reopens with every acknowledged row and takes writes.
    await ok(page, 'connect', name, { simulatedQuotaBytes: 4 * 1024 * 1024 });
    expect(await count()).toBe(acked);
    expect((await values(page))[0]).toBe('small');
    await ok(page, 'exec', 'DELETE FROM t WHERE id > 1');
    await ok(page, 'exec', insert('tiny'));
    expect(await values(page)).toEqual(['small', 'tiny']);
    await page.close();
  });
});

describe('IndexedDB mode (forced)', () => {
  it('keeps data across connections and reloads', async () => {
    const name = dbName('idb');
    const page = await tab(env, name, { storage: 'idb' });
    expect(await ok(page, 'status')).toMatchObject({ storage: 'idb' });
    await ok(page, 'exec', CREATE_T);
    expect(await ok(page, 'tx', [insert('kept'), insert('also')])).toBe(2);
    await ok(page, 'close');
    await ok(page, 'connect', name, { storage: 'idb' });
    expect(await values(page)).toEqual(['kept', 'also']);
    await page.reload();
    await page.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    await ok(page, 'connect', name, { storage: 'idb' });
    await ok(page, 'exec', insert('after-reload'));
    expect(await values(page)).toEqual(['kept', 'also', 'after-reload']);
    await page.close();
  });
});

describe('automatic storage choice', () => {
  it('falls back to IndexedDB where OPFS sync access handles are missing', async () => {
    const name = dbName('auto-idb');
    const page = await env.open('db.html');
    expect(await ok(page, 'connect', name, { worker: 'no-opfs' })).toMatchObject({ storage: 'idb' });
    await ok(page, 'exec', CREATE_T);
    await ok(page, 'exec', insert('kept'));
    await ok(page, 'close');
    await ok(page, 'connect', name, { worker: 'no-opfs' });
    expect(await values(page)).toEqual(['kept']);
    await page.close();
  });
});

describe('export and import', () => {
  it('round-trips browser (OPFS) → Node Database.open → browser (IndexedDB)', async () => {
    const page = await tab(env, dbName('export'));
    await ok(page, 'exec', CREATE_T);
    await ok(page, 'bulkLoad', 't', Array.from({ length: 300 }, (_, i) => [i + 1, `row ${i}`]));
    await ok(page, 'exec', insert('from-browser'));
    const bytes = Uint8Array.from(await ok<number[]>(page, 'exportBytes'));
    const dir = mkdtempSync(join(tmpdir(), 'decentdb-export-'));
    try {
      const file = join(dir, 'x.ddb');
      writeFileSync(file, bytes);
      const db = Database.open(file);
      expect(db.query('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 301 }]);
      expect(db.query('SELECT v FROM t WHERE id = 301')).toEqual([{ v: 'from-browser' }]);
      db.exec(insert('from-node'));
      db.close();
      const image = Array.from(readFileSync(file));
      const other = await tab(env, dbName('import'), { storage: 'idb' });
      await ok(other, 'importBytes', image);
      expect(await ok(other, 'query', 'SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 302 }]);
      expect((await values(other)).slice(-2)).toEqual(['from-browser', 'from-node']);
      await ok(other, 'exec', insert('after-import'));
      expect((await values(other)).at(-1)).toBe('after-import');
      await other.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await page.close();
    }
  });

  it('streams a multi-MiB snapshot to a follower tab while the owner rewrites, checkpoints and writes; Node reads it unchanged', async () => {
    const ROWS = 100_000;
    const name = dbName('stream');
    const owner = await tab(env, name);
    await ok(owner, 'exec', CREATE_T);
    await ok(owner, 'fill', ROWS);
    const follower = await tab(env, name);
    expect(await ok(follower, 'status')).toMatchObject({ isOwner: false });
    const SUMMARY = 'SELECT COUNT(*) AS n, SUM(id) AS ids, MIN(v) AS lo, MAX(v) AS hi FROM t';
    const before = await ok(follower, 'query', SUMMARY);
    const chunkBytes = 256 * 1024;
    expect(await ok(follower, 'exportStreamOpen', chunkBytes)).toEqual({ firstChunkBytes: chunkBytes });
    // The snapshot is fixed; without it this checkpoint would copy the changes into the file mid-stream.
    await ok(owner, 'exec', "UPDATE t SET v = 'changed' WHERE id <= 5000");
    await ok(owner, 'exec', 'DELETE FROM t WHERE id % 7 = 0');
    await ok(owner, 'checkpoint');
    const [rest, loop] = await Promise.all([
      ok<{ chunks: number; maxChunkBytes: number; bytes: number; base64: string }>(follower, 'exportStreamRest'),
      ok<{ acked: number }>(owner, 'writeLoop', 'w', 100),
    ]);
    expect(loop.acked).toBe(100);
    expect(rest.bytes).toBeGreaterThan(4 * 1024 * 1024);
    expect(rest.maxChunkBytes).toBe(chunkBytes);
    expect(rest.chunks).toBe(Math.ceil(rest.bytes / chunkBytes));
    process.stdout.write(`[measure] exportStream: ${rest.bytes} B in ${rest.chunks} chunks of ${chunkBytes} B, follower tab, 104 concurrent owner writes\n`);
    const dir = mkdtempSync(join(tmpdir(), 'decentdb-stream-'));
    try {
      const file = join(dir, 'stream.ddb');
      writeFileSync(file, Buffer.from(rest.base64, 'base64'));
      const db = Database.open(file);
      try {
        expect(db.query(SUMMARY)).toEqual(before);
        const rows = db.query('SELECT id, v FROM t ORDER BY id', [], { rowMode: 'array' }) as unknown[][];
        expect(rows.length).toBe(ROWS);
        const wrong = rows.filter((r, i) => r[0] !== i + 1 || r[1] !== streamRow(i + 1));
        expect(wrong.slice(0, 3)).toEqual([]);
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // The browser kept every write made during the stream.
    const deleted = Math.floor(ROWS / 7);
    expect(await ok(follower, 'query', "SELECT COUNT(*) AS n FROM t WHERE v = 'changed' OR v LIKE 'w%'")).toEqual([{ n: 5000 - Math.floor(5000 / 7) + 100 }]);
    expect(await ok(owner, 'query', 'SELECT COUNT(*) AS n FROM t')).toEqual([{ n: ROWS - deleted + 100 }]);
    await follower.close();
    await owner.close();
  });

  it('releases a stream\'s snapshot when it is cancelled (a second stream meanwhile is ERR_BROWSER_EXPORT_BUSY)', async () => {
    const page = await tab(env, dbName('stream-cancel'));
    await ok(page, 'exec', CREATE_T);
    await ok(page, 'fill', 2000);
    await ok(page, 'exportStreamOpen', 8192);
    await ok(page, 'exec', insert('after-first'));
    // The open stream's snapshot keeps that commit in the WAL, so a new stream cannot start.
    const busy = await run(page, 'exportStreamOpen', 8192);
    expect(busy.ok ? 'ok' : [busy.code, busy.details]).toEqual(['ERR_BROWSER_EXPORT_BUSY', { retryable: true }]);
    await ok(page, 'exportStreamCancel');
    await ok(page, 'exportStreamOpen', 8192);
    const rest = await ok<{ base64: string }>(page, 'exportStreamRest');
    const dir = mkdtempSync(join(tmpdir(), 'decentdb-cancel-'));
    try {
      const file = join(dir, 'x.ddb');
      writeFileSync(file, Buffer.from(rest.base64, 'base64'));
      const db = Database.open(file);
      expect(db.query('SELECT COUNT(*) AS n, MAX(v) AS last FROM t WHERE id > 2000')).toEqual([{ n: 1, last: 'after-first' }]);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.close();
  });

  it('answers persist() and estimate()', async () => {
    const page = await tab(env, dbName('estimate'));
    expect(typeof (await ok(page, 'persist'))).toBe('boolean');
    expect(await ok(page, 'estimate')).toMatchObject({ quotaBytes: expect.any(Number), usageBytes: expect.any(Number) });
    await page.close();
  });
});
