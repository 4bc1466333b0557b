import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { decodeError } from './protocol.js';
import { FakeLockRegistry } from './testing/fake-locks.js';
import { openFakeEngine } from './testing/fake-engine.js';
import { createWorkerEndpoint } from './worker-server.js';
import type { ThrownWireError } from './worker-server.js';
import { pageRows } from './client.js';
import type { ChannelLike } from './owner-election.js';

let seq = 0;

function endpoints(count: number) {
  const registry = new FakeLockRegistry();
  const name = `endpoint-${seq++}`;
  const channels: ChannelLike[] = [];
  const env = () => ({
    locks: registry.tab(),
    openChannel: (n: string) => {
      const c = new BroadcastChannel(n) as unknown as ChannelLike;
      channels.push(c);
      return c;
    },
  });
  const eps = Array.from({ length: count }, () => createWorkerEndpoint(openFakeEngine, env));
  const init = (i: number) => eps[i]!.init({ name, clientId: `c${i}`, storage: 'idb', openTimeoutMs: 2000 });
  return { eps, init, closeAll: async () => { for (const e of eps) await e.close(); for (const c of channels) c.close(); } };
}

const caught = async (p: Promise<unknown>): Promise<ThrownWireError> => {
  try {
    await p;
  } catch (e) {
    return e as ThrownWireError;
  }
  throw new Error('expected a rejection');
};

describe('worker endpoint (IndexedDB storage, fake engine)', () => {
  it('opens, writes and reads through the owner, scoping a transaction to its client', async () => {
    const { eps, init, closeAll } = endpoints(2);
    expect(await init(0)).toMatchObject({ isOwner: true, storage: 'idb' });
    expect(await init(1)).toMatchObject({ isOwner: false, ownerId: 'c0' });
    const [a, b] = [eps[0]!, eps[1]!];
    await b.begin();
    await b.exec('INSERT in-tx');
    const aWrite = a.exec('INSERT from-a'); // waits for b's transaction
    expect(pageRows(await b.query('SELECT'), 'array')).toEqual([[1, 'in-tx']]);
    await b.commit();
    await aWrite;
    expect((await a.query('SELECT')).columnValues[1]).toEqual(['in-tx', 'from-a']);
    await closeAll();
  });

  it('sends errors as {decentdb: {code, message}} so the client can rebuild DecentDBError', async () => {
    const { eps, init, closeAll } = endpoints(1);
    await init(0);
    const e = await caught(eps[0]!.exec('FAIL'));
    const err = decodeError(e.decentdb);
    expect(err.code).toBe('ERR_SQL');
    expect(err.name).toBe('DecentDBError');
    await closeAll();
  });

  it('serves the real engine through the same endpoint (IndexedDB in Node)', async () => {
    const { openEngine } = await import('./engine-host.js');
    const registry = new FakeLockRegistry();
    const ep = createWorkerEndpoint(openEngine, () => ({ locks: registry.tab(), openChannel: (n) => new BroadcastChannel(n) as unknown as ChannelLike }));
    expect(await ep.init({ name: `real-${seq++}`, clientId: 'r', storage: 'idb', openTimeoutMs: 1000 })).toMatchObject({ isOwner: true, storage: 'idb' });
    await ep.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await ep.query('INSERT INTO t (v) VALUES (:v)', { v: 'named' });
    expect(pageRows(await ep.query('SELECT id, v FROM t'))).toEqual([{ id: 1, v: 'named' }]);
    const e = await caught(ep.query('SELECT nope FROM t'));
    expect(e.decentdb.code).toBe('ERR_SQL');
    await ep.close();
  });

  it('reports storage that cannot open at init with its browser code', async () => {
    const { openEngine } = await import('./engine-host.js');
    const registry = new FakeLockRegistry();
    const ep = createWorkerEndpoint(openEngine, () => ({ locks: registry.tab(), openChannel: (n) => new BroadcastChannel(n) as unknown as ChannelLike }));
    const e = await caught(ep.init({ name: `no-opfs-${seq++}`, clientId: 'x', storage: 'opfs', openTimeoutMs: 1000 }));
    expect(e.decentdb.code).toBe('ERR_BROWSER_SYNC_ACCESS_HANDLE_UNAVAILABLE');
  });
});
