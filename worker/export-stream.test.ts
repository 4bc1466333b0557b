/**
 * The pinned, chunked export (exportOpen/exportRead) against the real engine on a MemoryVfs:
 * the chunks form the image of the moment of exportOpen although writes and checkpoints go on;
 * an older snapshot refuses the pin; a broken pin is detected; the queue ties an export to its
 * client. The browser stream over it: e2e/db.e2e.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Database } from '../src/engine/index.js';
import { MemoryVfs } from '../src/vfs/index.js';
import type { Operation } from './api.js';
import { DatabaseHost } from './database-host.js';
import { openEngine } from './engine-host.js';
import type { EngineOpener } from './engine-host.js';
import { RequestQueue } from './request-queue.js';
import type { Outcome } from './request-queue.js';

const PATH = 'app.ddb';
const CREATE = 'CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)';
const fill = (from: number, n: number): unknown[][] => Array.from({ length: n }, (_, i) => [from + i, `row ${from + i} ${'x'.repeat(60)}`]);

function host(opener: EngineOpener = openEngine): DatabaseHost {
  const h = new DatabaseHost(opener, new MemoryVfs(), PATH, {});
  h.exec(CREATE);
  h.bulkLoad('t', fill(1, 2000));
  return h;
}

/** Reads a pinned export in `chunk`-byte pieces. */
function readAll(h: DatabaseHost, stmtId: number, size: number, chunk: number): { bytes: Uint8Array; chunks: number } {
  const bytes = new Uint8Array(size);
  let offset = 0;
  let chunks = 0;
  while (offset < size) {
    const part = h.exportRead(stmtId, offset, chunk);
    expect(part.length).toBeGreaterThan(0);
    bytes.set(part, offset);
    offset += part.length;
    chunks++;
  }
  expect(h.exportRead(stmtId, size, chunk).length).toBe(0);
  return { bytes, chunks };
}

/** Opens `image` as Node would (a fresh Vfs holding only the file) and summarises t. */
function summary(image: Uint8Array): unknown {
  const vfs = new MemoryVfs();
  const f = vfs.open(PATH, { mode: 'create' });
  f.write(image, 0);
  f.close();
  const db = Database.open(PATH, { vfs });
  try {
    return db.query('SELECT COUNT(*) AS n, SUM(id) AS ids, MIN(v) AS lo, MAX(v) AS hi FROM t');
  } finally {
    db.close();
  }
}

const count = (h: DatabaseHost): unknown => h.query('SELECT COUNT(*) FROM t').columnValues[0]?.[0];

describe('pinned export (exportOpen / exportRead)', () => {
  it('gives the image of the open moment while writes and checkpoints go on', () => {
    const h = host();
    const expected = summary(h.exportImage());
    const { stmtId, size } = h.exportOpen();
    expect(size).toBeGreaterThan(100_000);
    const first = h.exportRead(stmtId, 0, 8192);
    h.exec("UPDATE t SET v = 'changed' WHERE id <= 500");
    h.exec('DELETE FROM t WHERE id % 3 = 0');
    h.bulkLoad('t', fill(5000, 3000));
    h.checkpoint(); // copies nothing into the file while the export's snapshot is held
    const { bytes, chunks } = readAll(h, stmtId, size, 8192);
    expect(chunks).toBe(Math.ceil(size / 8192));
    expect(bytes.subarray(0, 8192)).toEqual(first);
    expect(summary(bytes)).toEqual(expected);
    h.finalize(stmtId);
    expect(h.openStatements).toBe(0);
    // Released: the next export holds every commit.
    expect(summary(h.exportImage())).toEqual([{ n: 4334, ids: expect.any(Number), lo: expect.any(String), hi: expect.any(String) }]);
    expect(count(h)).toBe(4334);
    h.close();
  });

  it('refuses to pin while an unfinished statement holds an older snapshot (ERR_BROWSER_EXPORT_BUSY)', () => {
    const h = host();
    const st = h.prepare('SELECT id FROM t ORDER BY id');
    expect(h.step(st.stmtId, [], 10).done).toBe(false); // its cursor holds a snapshot
    h.exec("INSERT INTO t (v) VALUES ('after')");
    expect(() => h.exportOpen()).toThrowError(expect.objectContaining({ code: 'ERR_BROWSER_EXPORT_BUSY', details: { retryable: true } }));
    h.finalize(st.stmtId);
    const { stmtId, size } = h.exportOpen();
    expect(summary(readAll(h, stmtId, size, 1 << 20).bytes)).toMatchObject([{ n: 2001 }]);
    h.close();
  });

  it('detects a checkpoint that wrote the file after all (ERR_BROWSER_EXPORT_INVALIDATED)', () => {
    // A pin whose snapshot is gone at once, as when the engine aborts a too-old reader.
    const leaky: EngineOpener = (vfs, path, options) => {
      const db = openEngine(vfs, path, options);
      return Object.assign(Object.create(db) as typeof db, {
        pinFile: () => {
          const pin = db.pinFile();
          pin.release();
          return pin;
        },
      });
    };
    const h = host(leaky);
    const { stmtId } = h.exportOpen();
    expect(h.exportRead(stmtId, 0, 100).length).toBe(100);
    h.exec("UPDATE t SET v = 'changed' WHERE id <= 500");
    h.checkpoint();
    expect(() => h.exportRead(stmtId, 0, 100)).toThrowError(expect.objectContaining({ code: 'ERR_BROWSER_EXPORT_INVALIDATED' }));
    h.finalize(stmtId);
    h.close();
  });

  it('refuses import while an export is open, and clamps reads to the image', () => {
    const h = host();
    const { stmtId, size } = h.exportOpen();
    expect(() => h.importImage(new Uint8Array(0))).toThrowError(expect.objectContaining({ code: 'ERR_BROWSER_ACTIVE_STATEMENTS' }));
    expect(h.exportRead(stmtId, size - 10, 4096).length).toBe(10);
    expect(h.exportRead(stmtId, -5, 3).length).toBe(3);
    expect(h.exportRead(stmtId, size + 100, 10).length).toBe(0);
    h.finalize(stmtId);
    expect(() => h.exportRead(stmtId, 0, 10)).toThrowError(expect.objectContaining({ code: 'ERR_BROWSER_STATEMENT_CLOSED' }));
    h.close();
  });
});

describe('pinned export through the request queue', () => {
  it('belongs to the client that opened it and ends when that client goes away', async () => {
    const h = host();
    const queue = new RequestQueue(h, async () => undefined);
    let seq = 1;
    const send = (clientId: string, op: Operation): Promise<Outcome> => queue.submit({ requestId: seq++, clientId, op });
    const opened = await send('A', { kind: 'exportOpen', args: [] });
    if (!opened.ok) throw new Error(opened.error.message);
    const { stmtId } = opened.result as { stmtId: number };
    const stolen = await send('B', { kind: 'exportRead', args: [stmtId, 0, 10] });
    expect(stolen.ok ? 'ok' : stolen.error.code).toBe('ERR_BROWSER_STATEMENT_CLOSED');
    const read = await send('A', { kind: 'exportRead', args: [stmtId, 0, 10] });
    expect(read.ok && (read.result as Uint8Array).length).toBe(10);
    expect(h.openStatements).toBe(1);
    queue.dropClient('A');
    expect(h.openStatements).toBe(0);
    h.close();
  });
});
