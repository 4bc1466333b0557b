import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { vfsContractChecks } from '../src/vfs/index.js';
import { IdbVfs } from './idb-vfs.js';

let seq = 0;
const freshName = (): string => `idb-vfs-test-${seq++}`;

describe('IdbVfs passes the Vfs contract', () => {
  for (const c of vfsContractChecks) {
    it(c.name, async () => {
      const vfs = await IdbVfs.create(freshName(), { chunkSizeBytes: 4096 });
      c.run(vfs, '/idb');
      await vfs.close();
    });
  }
});

describe('IdbVfs durability', () => {
  it('reopens with the flushed bytes', async () => {
    const name = freshName();
    const a = await IdbVfs.create(name, { chunkSizeBytes: 1024 });
    const f = a.open('app.ddb', { mode: 'create' });
    const data = new Uint8Array(5000).map((_, i) => (i * 7) & 0xff);
    f.write(data, 100);
    f.sync();
    expect(a.pendingBatches).toBe(1);
    await a.flush();
    expect(a.pendingBatches).toBe(0);
    expect(a.counters.transactions).toBe(1);
    await a.close();

    const b = await IdbVfs.create(name, { chunkSizeBytes: 1024 });
    const g = b.open('app.ddb', { mode: 'open' });
    expect(g.size()).toBe(5100);
    const back = new Uint8Array(5000);
    g.read(back, 100);
    expect(back).toEqual(data);
    await b.close();
  });

  it('loses only what was not flushed when the worker dies', async () => {
    const name = freshName();
    const a = await IdbVfs.create(name, { chunkSizeBytes: 512 });
    const f = a.open('x.ddb', { mode: 'create' });
    f.write(new Uint8Array(600).fill(1), 0);
    f.sync();
    await a.flush();
    f.write(new Uint8Array(600).fill(2), 300); // synced but never flushed
    f.sync();
    f.write(new Uint8Array(10).fill(3), 2000); // never synced
    expect(a.pendingBatches).toBe(1);
    // "Crash": a new instance reads IndexedDB while the old one never flushes again.
    const b = await IdbVfs.create(name, { chunkSizeBytes: 512 });
    const g = b.open('x.ddb', { mode: 'open' });
    expect(g.size()).toBe(600);
    const back = new Uint8Array(600);
    g.read(back, 0);
    expect(back.every((v) => v === 1)).toBe(true);
    await b.close();
  });

  it('applies several synced batches in one transaction, truncates included', async () => {
    const name = freshName();
    const a = await IdbVfs.create(name, { chunkSizeBytes: 256 });
    const f = a.open('t.ddb', { mode: 'create' });
    f.write(new Uint8Array(2048).fill(9), 0);
    f.sync();
    f.truncate(300);
    f.sync();
    f.write(new Uint8Array([5]), 1000);
    f.sync();
    const w = a.open('t.ddb-wal', { mode: 'create' });
    w.write(new Uint8Array([1, 2, 3]), 0);
    w.sync();
    expect(a.pendingBatches).toBe(4);
    await a.flush();
    expect(a.counters.transactions).toBe(1);
    a.delete('t.ddb-wal');
    await a.flush();
    await a.close();

    const b = await IdbVfs.create(name, { chunkSizeBytes: 256 });
    expect(b.exists('t.ddb-wal')).toBe(false);
    const g = b.open('t.ddb', { mode: 'open' });
    expect(g.size()).toBe(1001);
    const back = new Uint8Array(1001);
    g.read(back, 0);
    expect(back[299]).toBe(9);
    expect(back[300]).toBe(0);
    expect(back[767]).toBe(0);
    expect(back[1000]).toBe(5);
    await b.close();
  });

  it('keeps a sealed batch unchanged by later writes', async () => {
    const name = freshName();
    const a = await IdbVfs.create(name, { chunkSizeBytes: 128 });
    const f = a.open('s.ddb', { mode: 'create' });
    f.write(new Uint8Array(128).fill(1), 0);
    f.sync();
    f.write(new Uint8Array(128).fill(2), 0); // not synced: must not ride along
    await a.flush();
    const b = await IdbVfs.create(name, { chunkSizeBytes: 128 });
    const back = new Uint8Array(128);
    b.open('s.ddb', { mode: 'open' }).read(back, 0);
    expect(back.every((v) => v === 1)).toBe(true);
    await b.close();
    await a.close();
  });
});
