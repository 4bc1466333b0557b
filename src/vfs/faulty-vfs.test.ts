import { describe, expect, it } from 'vitest';
import { DecentDBError } from '../util/index.js';
import { FaultyVfs } from './faulty-vfs.js';
import { MemoryVfs } from './memory-vfs.js';

const readAll = (vfs: FaultyVfs | MemoryVfs, path: string): number[] => {
  const f = vfs.open(path, { mode: 'open' });
  const buf = new Uint8Array(f.size());
  f.read(buf, 0);
  f.close();
  return [...buf];
};

describe('FaultyVfs', () => {
  it('serves unsynced writes to readers but loses them in a crash', () => {
    const inner = new MemoryVfs();
    const vfs = new FaultyVfs(inner);
    const f = vfs.open('/a', { mode: 'create' });
    f.write(Uint8Array.of(1, 2), 0);
    f.sync();
    f.write(Uint8Array.of(3, 4), 2);
    expect(f.size()).toBe(4);
    expect(readAll(vfs, '/a')).toEqual([1, 2, 3, 4]);
    expect([...inner.snapshot('/a')!]).toEqual([1, 2]);
    vfs.crash();
    expect(readAll(vfs, '/a')).toEqual([1, 2]);
    expect(() => f.read(new Uint8Array(1), 0)).toThrow(DecentDBError);
  });

  it('tears the n-th write at the given byte count and reports ERR_IO', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const f = vfs.open('/a', { mode: 'create' });
    vfs.failWrite(2, 3);
    f.write(Uint8Array.of(9, 9), 0);
    let code = '';
    try {
      f.write(Uint8Array.of(1, 2, 3, 4, 5), 2);
    } catch (e) {
      code = (e as DecentDBError).code;
    }
    expect(code).toBe('ERR_IO');
    expect(readAll(vfs, '/a')).toEqual([9, 9, 1, 2, 3]);
    expect(vfs.counters.write).toBe(2);
  });

  it('fails the n-th sync without making anything durable', () => {
    const inner = new MemoryVfs();
    const vfs = new FaultyVfs(inner);
    const f = vfs.open('/a', { mode: 'create' });
    f.write(Uint8Array.of(7), 0);
    vfs.failSync(1);
    expect(() => f.sync()).toThrow(/injected sync failure/);
    expect(inner.snapshot('/a')!.length).toBe(0);
    f.sync();
    expect([...inner.snapshot('/a')!]).toEqual([7]);
  });

  it('lying syncs acknowledge without persisting', () => {
    const inner = new MemoryVfs();
    const vfs = new FaultyVfs(inner);
    const f = vfs.open('/a', { mode: 'create' });
    vfs.lyingSyncs = true;
    f.write(Uint8Array.of(1), 0);
    f.sync();
    vfs.crash();
    expect(readAll(vfs, '/a')).toEqual([]);
  });

  it('crashAt stops the world at the chosen operation, keeping a torn prefix only if synced', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const f = vfs.open('/a', { mode: 'create' });
    f.write(Uint8Array.of(1, 1), 0);
    f.sync();
    vfs.crashAt('sync', 1);
    f.write(Uint8Array.of(2, 2), 2);
    expect(() => f.sync()).toThrow(/injected sync crash/);
    expect(readAll(vfs, '/a')).toEqual([1, 1]);
  });

  it('random crashes keep a deterministic subset per seed', () => {
    const run = (seed: number): number[] => {
      const vfs = new FaultyVfs(new MemoryVfs(), { seed });
      const f = vfs.open('/a', { mode: 'create' });
      f.truncate(8);
      f.sync();
      for (let i = 0; i < 8; i++) f.write(Uint8Array.of(i + 1), i);
      vfs.crash({ keep: 'random' });
      return readAll(vfs, '/a');
    };
    expect(run(42)).toEqual(run(42));
    const outcomes = new Set([1, 2, 3, 4, 5, 6].map((s) => run(s).join(',')));
    expect(outcomes.size).toBeGreaterThan(1);
  });

  it('truncate then extend never resurrects old bytes', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const f = vfs.open('/a', { mode: 'create' });
    f.write(new Uint8Array(20000).fill(5), 0);
    f.sync();
    f.truncate(100);
    f.write(Uint8Array.of(1), 19999);
    const buf = new Uint8Array(20000);
    f.read(buf, 0);
    expect(buf[99]).toBe(5);
    expect(buf.subarray(100, 19999).every((v) => v === 0)).toBe(true);
    expect(buf[19999]).toBe(1);
    f.sync();
    const g = vfs.open('/a', { mode: 'open' });
    const buf2 = new Uint8Array(20000);
    g.read(buf2, 0);
    expect(buf2).toEqual(buf);
  });
});
