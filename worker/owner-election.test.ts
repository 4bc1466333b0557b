import { afterEach, describe, expect, it } from 'vitest';
import { MemoryVfs } from '../src/vfs/index.js';
import type { Operation, ResultPage } from './api.js';
import { DatabaseHost } from './database-host.js';
import { browserCoordination, OwnerElection } from './owner-election.js';
import type { ChannelLike } from './owner-election.js';
import { RequestQueue } from './request-queue.js';
import { FakeLockRegistry } from './testing/fake-locks.js';
import { openFakeEngine } from './testing/fake-engine.js';

let dbSeq = 0;
const open: Array<{ crash(): void }> = [];
afterEach(() => {
  for (const t of open.splice(0)) t.crash();
});

/** A simulated tab: its own lock view and channels, sharing one "disk" (MemoryVfs). */
function world() {
  const registry = new FakeLockRegistry();
  const disk = new MemoryVfs();
  const name = `db-${dbSeq++}`;
  let tabSeq = 0;
  const stallFlush = { on: false };
  const tab = async (): Promise<Tab> => {
    const locks = registry.tab();
    const channels: ChannelLike[] = [];
    const clientId = `tab${tabSeq++}`;
    let seq = 1;
    const election = new OwnerElection(
      { locks, openChannel: (n) => { const c = new BroadcastChannel(n) as unknown as ChannelLike; channels.push(c); return c; } },
      {
        name, clientId, openTimeoutMs: 3000, handoffGraceMs: 5,
        becomeOwner: async () => {
          const host = new DatabaseHost(openFakeEngine, disk, 'main.ddb', {});
          const queue = new RequestQueue(host, () => (stallFlush.on ? new Promise<void>(() => undefined) : Promise.resolve()));
          return { queue, storage: 'idb', close: async () => host.close() };
        },
      });
    const t: Tab = {
      clientId, election,
      call: (op, txId) => election.call(seq++, op, txId),
      nextId: () => seq,
      crash: () => {
        locks.crash();
        for (const c of channels) c.close();
      },
      close: () => election.close(),
    };
    open.push(t);
    await election.start();
    return t;
  };
  return { tab, stallFlush };
}

interface Tab {
  readonly clientId: string;
  readonly election: OwnerElection;
  call(op: Operation, txId?: number): Promise<unknown>;
  nextId(): number;
  crash(): void;
  close(): Promise<void>;
}

const insert = (v: string): Operation => ({ kind: 'exec', args: [`INSERT ${v}`] });
const selectAll: Operation = { kind: 'query', args: ['SELECT'] };
const values = async (t: Tab): Promise<unknown[]> => ((await t.call(selectAll)) as ResultPage).columnValues[1] as unknown[];
const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
};

describe('OwnerElection', () => {
  it('elects one owner among three tabs and routes the others to it', async () => {
    const w = world();
    const [a, b, c] = [await w.tab(), await w.tab(), await w.tab()];
    expect([a, b, c].filter((t) => t.election.isOwner).length).toBe(1);
    expect(b.election.currentOwner).toBe(a.clientId);
    await a.call(insert('a'));
    await b.call(insert('b'));
    await c.call(insert('c'));
    expect(await values(c)).toEqual(['a', 'b', 'c']);
    expect(a.election.counters.served).toBe(3);
  });

  it('hands off to a waiting tab when the owner closes, keeping committed data', async () => {
    const w = world();
    const a = await w.tab();
    const b = await w.tab();
    const c = await w.tab();
    await b.call(insert('before'));
    await a.close();
    await until(() => b.election.isOwner || c.election.isOwner);
    await c.call(insert('after'));
    expect(await values(b)).toEqual(['before', 'after']);
  });

  it('takes over from a crashed owner and resends a request that never started, once', async () => {
    const w = world();
    const a = await w.tab();
    const b = await w.tab();
    const c = await w.tab();
    const begin = a.nextId();
    await a.call({ kind: 'begin', args: [] });
    await a.call(insert('uncommitted'), begin);
    const queued = b.call(insert('from-b')); // waits behind a's transaction
    await new Promise((r) => setTimeout(r, 20));
    a.crash();
    await queued;
    expect(await values(c)).toEqual(['from-b']);
    expect(b.election.counters.resent).toBe(1);
  });

  it('fails a request whose owner died mid-way with a retryable error, never running it twice', async () => {
    const w = world();
    const a = await w.tab();
    const b = await w.tab();
    w.stallFlush.on = true; // the owner executes, then stalls before answering
    const pending = b.call(insert('once'));
    await new Promise((r) => setTimeout(r, 20));
    w.stallFlush.on = false;
    a.crash();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_BROWSER_OWNER_LOST', details: { retryable: true, outcome: 'unknown' } });
    await until(() => b.election.isOwner);
    expect(await values(b)).toEqual(['once']);
  });

  it('never commits half of an SQL transaction whose owner died', async () => {
    const w = world();
    const a = await w.tab();
    const b = await w.tab();
    await b.call(insert('committed'));
    await b.call({ kind: 'exec', args: ['BEGIN'] });
    await b.call(insert('partial'));
    a.crash();
    await until(() => b.election.isOwner);
    await expect(b.call(insert('after'))).rejects.toMatchObject({ code: 'ERR_BROWSER_OWNER_LOST', details: { outcome: 'rolled-back' } });
    await expect(b.call({ kind: 'exec', args: ['COMMIT'] })).rejects.toMatchObject({ code: 'ERR_BROWSER_OWNER_LOST' });
    await b.call(insert('fresh'));
    expect(await values(b)).toEqual(['committed', 'fresh']);
  });

  it('serialises transactions from three tabs so none sees another half-done', async () => {
    const w = world();
    const tabs = [await w.tab(), await w.tab(), await w.tab()];
    const txn = async (t: Tab): Promise<void> => {
      const tx = t.nextId();
      await t.call({ kind: 'begin', args: [] });
      const page = (await t.call({ kind: 'query', args: ['SELECT COUNT'] }, tx)) as ResultPage;
      await new Promise((r) => setTimeout(r, 1));
      await t.call(insert(`n${String(page.columnValues[0]?.[0])}`), tx);
      await t.call({ kind: 'commit', args: [] }, tx);
    };
    await Promise.all(tabs.map((t) => txn(t).then(() => txn(t))));
    const seen = (await values(tabs[0]!)).slice().sort();
    expect(seen).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5']);
  });

  it('reports missing Web Locks as ERR_BROWSER_COORDINATION_UNAVAILABLE', () => {
    const g = globalThis as { navigator?: unknown };
    const saved = g.navigator;
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
    try {
      expect(() => browserCoordination()).toThrow(expect.objectContaining({ code: 'ERR_BROWSER_COORDINATION_UNAVAILABLE' }));
    } finally {
      Object.defineProperty(globalThis, 'navigator', { value: saved, configurable: true, writable: true });
    }
  });
});
