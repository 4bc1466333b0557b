import { describe, expect, it } from 'vitest';
import { DecentDBError } from '../util/index.js';
import { MemoryVfs } from '../vfs/index.js';
import { FilePageStore } from './file-page-store.js';

function storeOf(bytes: Uint8Array, pageSize: number): FilePageStore {
  const vfs = new MemoryVfs();
  const f = vfs.open('/f', { mode: 'create' });
  f.write(bytes, 0);
  return new FilePageStore(f, pageSize);
}

describe('FilePageStore', () => {
  it('reads page N at (N-1)*pageSize and counts whole pages only', () => {
    const bytes = new Uint8Array(3 * 1024 + 100);
    bytes[0] = 1;
    bytes[1024] = 2;
    bytes[2048] = 3;
    const s = storeOf(bytes, 1024);
    expect(s.pageCount).toBe(3);
    expect([s.read(1)[0], s.read(2)[0], s.read(3)[0]]).toEqual([1, 2, 3]);
    s.read(2);
    expect(s.counters).toEqual({ reads: 3, hits: 1 });
  });

  it('rejects page ids outside 1..pageCount with ERR_CORRUPTION naming the page', () => {
    const s = storeOf(new Uint8Array(2048), 1024);
    for (const n of [0, 3, -1, 1.5, 2 ** 32]) {
      expect(() => s.read(n)).toThrow(DecentDBError);
      expect(() => s.read(n)).toThrow(`page ${n}:`);
    }
  });

  it('refuses writes, allocation and frees', () => {
    const s = storeOf(new Uint8Array(1024), 1024);
    expect(() => s.write(1)).toThrow(/read-only/);
    expect(() => s.allocate()).toThrow(/read-only/);
    expect(() => s.free(1)).toThrow(/read-only/);
  });
});
