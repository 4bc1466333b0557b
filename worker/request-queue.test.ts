import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../src/vfs/index.js';
import type { Operation, ResultPage } from './api.js';
import { DatabaseHost } from './database-host.js';
import { RequestQueue } from './request-queue.js';
import type { Outcome, QueuedRequest } from './request-queue.js';
import { openFakeEngine } from './testing/fake-engine.js';

function setup() {
  const vfs = new MemoryVfs();
  const host = new DatabaseHost(openFakeEngine, vfs, 'app.ddb', {});
  let flushes = 0;
  const queue = new RequestQueue(host, async () => {
    flushes++;
  });
  let seq = 1;
  const send = (clientId: string, op: Operation, txId?: number): { requestId: number; done: Promise<Outcome> } => {
    const requestId = seq++;
    const req: QueuedRequest = txId === undefined ? { requestId, clientId, op } : { requestId, clientId, txId, op };
    return { requestId, done: queue.submit(req) };
  };
  return { vfs, host, queue, send, flushes: () => flushes };
}

const ok = (o: Outcome): unknown => {
  if (!o.ok) throw new Error(`${o.error.code}: ${o.error.message}`);
  return o.result;
};

const values = (o: Outcome): unknown[] => ((ok(o) as ResultPage).columnValues[1] ?? []) as unknown[];

describe('RequestQueue', () => {
  it('runs requests in arrival order and flushes after writes only', async () => {
    const { send, flushes } = setup();
    const a = send('A', { kind: 'exec', args: ['INSERT one'] });
    const b = send('B', { kind: 'exec', args: ['INSERT two'] });
    const q = send('A', { kind: 'query', args: ['SELECT'] });
    expect(values(await q.done)).toEqual(['one', 'two']);
    ok(await a.done);
    ok(await b.done);
    expect(flushes()).toBe(2);
  });

  it('holds other clients back while a transaction is open, and isolates it', async () => {
    const { send, queue } = setup();
    const begin = send('A', { kind: 'begin', args: [] });
    ok(await begin.done);
    const tx = begin.requestId;
    const other = send('B', { kind: 'exec', args: ['INSERT from-b'] });
    const otherRead = send('B', { kind: 'query', args: ['SELECT'] });
    ok(await send('A', { kind: 'exec', args: ['INSERT in-tx'] }, tx).done);
    expect(queue.queued).toBe(2);
    expect(values(await send('A', { kind: 'query', args: ['SELECT'] }, tx).done)).toEqual(['in-tx']);
    ok(await send('A', { kind: 'rollback', args: [] }, tx).done);
    ok(await other.done);
    expect(values(await otherRead.done)).toEqual(['from-b']);
  });

  it('rejects a request for a transaction that is not active, without running it', async () => {
    const { send, queue } = setup();
    const o = await send('A', { kind: 'exec', args: ['INSERT stale'] }, 999).done;
    expect(o.ok).toBe(false);
    expect(!o.ok && o.error.code).toBe('ERR_BROWSER_OWNER_LOST');
    expect(!o.ok && o.error.details?.['retryable']).toBe(true);
    expect(queue.counters.executed).toBe(0);
  });

  it('refuses a non-transaction request from the client holding the transaction', async () => {
    const { send } = setup();
    ok(await send('A', { kind: 'begin', args: [] }).done);
    const o = await send('A', { kind: 'exec', args: ['INSERT x'] }).done;
    expect(!o.ok && o.error.code).toBe('ERR_BROWSER_TRANSACTION_ACTIVE');
  });

  it('rolls back and finalizes for a client that went away', async () => {
    const { send, queue, host } = setup();
    ok(await send('A', { kind: 'prepare', args: ['SELECT'] }).done);
    const begin = send('A', { kind: 'begin', args: [] });
    ok(await begin.done);
    ok(await send('A', { kind: 'exec', args: ['INSERT lost'] }, begin.requestId).done);
    const waitingB = send('B', { kind: 'exec', args: ['INSERT kept'] });
    expect(host.openStatements).toBe(1);
    queue.dropClient('A');
    ok(await waitingB.done);
    expect(host.openStatements).toBe(0);
    expect(values(await send('B', { kind: 'query', args: ['SELECT'] }).done)).toEqual(['kept']);
  });

  it('gives a client that ran BEGIN as SQL the writer until its COMMIT', async () => {
    const { send, queue } = setup();
    ok(await send('A', { kind: 'exec', args: ['BEGIN'] }).done);
    const other = send('B', { kind: 'exec', args: ['INSERT from-b'] });
    ok(await send('A', { kind: 'exec', args: ['INSERT from-a'] }).done);
    expect(queue.transactionClient).toBe('A');
    expect(queue.queued).toBe(1);
    ok(await send('A', { kind: 'exec', args: ['COMMIT'] }).done);
    ok(await other.done);
    expect(values(await send('B', { kind: 'query', args: ['SELECT'] }).done)).toEqual(['from-a', 'from-b']);
  });

  it('rolls back an SQL transaction of a client that went away', async () => {
    const { send, queue } = setup();
    ok(await send('A', { kind: 'exec', args: ['BEGIN'] }).done);
    ok(await send('A', { kind: 'exec', args: ['INSERT lost'] }).done);
    queue.dropClient('A');
    expect(values(await send('B', { kind: 'query', args: ['SELECT'] }).done)).toEqual([]);
  });

  it('lets a client reach only its own statements', async () => {
    const { send } = setup();
    const info = ok(await send('A', { kind: 'prepare', args: ['SELECT'] }).done) as { stmtId: number };
    const o = await send('B', { kind: 'step', args: [info.stmtId, undefined, 10] }).done;
    expect(!o.ok && o.error.code).toBe('ERR_BROWSER_STATEMENT_CLOSED');
    expect((await send('A', { kind: 'step', args: [info.stmtId, undefined, 10] }).done).ok).toBe(true);
  });

  it('reports errors as wire errors with the engine code', async () => {
    const { send } = setup();
    const o = await send('A', { kind: 'exec', args: ['FAIL'] }).done;
    expect(!o.ok && o.error.code).toBe('ERR_SQL');
  });
});

describe('DatabaseHost', () => {
  it('pages a statement as column arrays and restarts after done', () => {
    const { host } = setup();
    for (let i = 0; i < 5; i++) host.exec(`INSERT v${i}`);
    const { stmtId, columns } = host.prepare('SELECT');
    expect(columns).toEqual(['id', 'value']);
    const p1 = host.step(stmtId, undefined, 2);
    expect(p1).toMatchObject({ rowCount: 2, done: false, columnValues: [[1, 2], ['v0', 'v1']] });
    const p2 = host.step(stmtId, undefined, 10);
    expect(p2).toMatchObject({ rowCount: 3, done: true });
    expect(host.step(stmtId, undefined, 1).columnValues[1]).toEqual(['v0']);
    host.finalize(stmtId);
    expect(() => host.step(stmtId, undefined, 1)).toThrow(expect.objectContaining({ code: 'ERR_BROWSER_STATEMENT_CLOSED' }));
  });

  it('exports an image and imports it into another database', () => {
    const { host } = setup();
    host.exec('INSERT a');
    host.exec('INSERT b');
    const image = host.exportImage();
    const other = new DatabaseHost(openFakeEngine, new MemoryVfs(), 'other.ddb', {});
    other.exec('INSERT gone');
    other.importImage(image);
    expect(other.query('SELECT').columnValues[1]).toEqual(['a', 'b']);
  });

  it('bulk-loads rows in one commit and returns the engine result', () => {
    const { host } = setup();
    expect(host.bulkLoad('t', [['x'], ['y'], { value: 'z' }])).toEqual({ rows: 3, batches: 1, bottomUp: false });
    expect(host.query('SELECT').columnValues[1]).toEqual(['x', 'y', 'z']);
  });

  it('refuses import while statements are open', () => {
    const { host } = setup();
    host.prepare('SELECT');
    expect(() => host.importImage(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'ERR_BROWSER_ACTIVE_STATEMENTS' }));
  });
});
