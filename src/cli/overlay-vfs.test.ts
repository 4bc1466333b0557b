import { describe, expect, it } from 'vitest';
import { MemoryVfs, vfsContractChecks } from '../vfs/index.js';
import { OverlayVfs } from './overlay-vfs.js';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

function baseWith(path: string, data: Uint8Array): MemoryVfs {
  const vfs = new MemoryVfs();
  const f = vfs.open(path, { mode: 'create' });
  f.write(data, 0);
  f.close();
  return vfs;
}

function readAll(vfs: MemoryVfs, path: string): Uint8Array {
  const f = vfs.open(path, { mode: 'open' });
  const buf = new Uint8Array(f.size());
  f.read(buf, 0);
  f.close();
  return buf;
}

describe('OverlayVfs', () => {
  it('reads the base, keeps writes, truncates and deletes in memory only', () => {
    const data = new Uint8Array(10_000).map((_, i) => i & 0xff);
    const base = baseWith('/db', data);
    const ro = new OverlayVfs(base);
    const f = ro.open('/db', { mode: 'openOrCreate' });
    f.write(bytes(9, 9, 9), 4095);
    const got = new Uint8Array(6);
    f.read(got, 4093);
    expect([...got]).toEqual([253, 254, 9, 9, 9, 2]);
    f.truncate(5000);
    f.write(bytes(7), 6000);
    const tail = new Uint8Array(3);
    f.read(tail, 4999);
    expect([...tail]).toEqual([data[4999], 0, 0]);
    expect(f.size()).toBe(6001);
    f.close();
    ro.delete('/db');
    expect(ro.exists('/db')).toBe(false);
    expect(base.exists('/db')).toBe(true);
    expect(readAll(base, '/db')).toEqual(data);
  });

  it('creates missing files in memory and refuses mode open for them', () => {
    const base = new MemoryVfs();
    const ro = new OverlayVfs(base);
    const f = ro.open('/wal', { mode: 'openOrCreate' });
    f.write(bytes(1, 2), 0);
    expect(f.size()).toBe(2);
    f.close();
    expect(base.exists('/wal')).toBe(false);
    expect(() => ro.open('/nope', { mode: 'open' })).toThrow(expect.objectContaining({ code: 'ERR_IO' }));
  });

  it('passes the Vfs contract checks that do not need persistence across opens', () => {
    for (const check of vfsContractChecks) {
      if (/survives close|delete removes/.test(check.name)) continue;
      check.run(new OverlayVfs(new MemoryVfs()), '/t');
    }
  });
});
