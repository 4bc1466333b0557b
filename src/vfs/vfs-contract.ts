/**
 * The contract every Vfs passes (Memory, Node, Faulty here; OPFS and IndexedDB in worker/ and
 * e2e/). Plain checks that throw on failure, so they run under vitest and inside a browser
 * worker alike. Each check gets a fresh Vfs and a path prefix it may use freely.
 */
import type { Vfs } from './vfs.js';

export interface VfsContractCheck {
  readonly name: string;
  run(vfs: Vfs, dir: string): void;
}

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`vfs contract: ${what}`);
}

function bytes(...xs: number[]): Uint8Array {
  return Uint8Array.from(xs);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export const vfsContractChecks: readonly VfsContractCheck[] = [
  {
    name: 'open with mode open fails on a missing file',
    run(vfs, dir) {
      let threw = false;
      try {
        vfs.open(`${dir}/missing.db`, { mode: 'open' });
      } catch (e) {
        threw = (e as { code?: string }).code === 'ERR_IO';
      }
      check(threw, 'expected ERR_IO');
      check(!vfs.exists(`${dir}/missing.db`), 'missing file must not be created');
    },
  },
  {
    name: 'writes at offsets read back, with a zero-filled short read',
    run(vfs, dir) {
      const f = vfs.open(`${dir}/a.db`, { mode: 'create' });
      f.write(bytes(1, 2, 3), 0);
      f.write(bytes(9), 10);
      check(f.size() === 11, `size ${f.size()} != 11`);
      const buf = new Uint8Array(16).fill(7);
      const n = f.read(buf, 0);
      check(n === 11, `read returned ${n}`);
      check(equal(buf, bytes(1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0)), 'content mismatch (gap and tail must be zero)');
      const past = new Uint8Array(4).fill(5);
      check(f.read(past, 100) === 0 && past.every((v) => v === 0), 'read past end returns 0 and zero-fills');
      f.close();
    },
  },
  {
    name: 'truncate shrinks and grows with zeros',
    run(vfs, dir) {
      const f = vfs.open(`${dir}/t.db`, { mode: 'create' });
      f.write(new Uint8Array(8192).fill(3), 0);
      f.truncate(100);
      check(f.size() === 100, 'shrink');
      f.truncate(5000);
      check(f.size() === 5000, 'grow');
      const buf = new Uint8Array(5000);
      f.read(buf, 0);
      check(buf[99] === 3 && buf[100] === 0 && buf[4999] === 0, 'grown region must be zero');
      f.close();
    },
  },
  {
    name: 'data survives close and reopen; create truncates',
    run(vfs, dir) {
      const path = `${dir}/r.db`;
      const f = vfs.open(path, { mode: 'openOrCreate' });
      f.write(bytes(4, 5, 6), 4096);
      f.sync();
      f.close();
      check(vfs.exists(path), 'exists after close');
      const g = vfs.open(path, { mode: 'open' });
      const buf = new Uint8Array(3);
      g.read(buf, 4096);
      check(equal(buf, bytes(4, 5, 6)) && g.size() === 4099, 'reopened content');
      g.close();
      const h = vfs.open(path, { mode: 'create' });
      check(h.size() === 0, 'create truncates');
      h.close();
    },
  },
  {
    name: 'delete removes the file',
    run(vfs, dir) {
      const path = `${dir}/d.db`;
      vfs.open(path, { mode: 'create' }).close();
      check(vfs.exists(path), 'created');
      vfs.delete(path);
      check(!vfs.exists(path), 'deleted');
      vfs.delete(path);
    },
  },
  {
    name: 'large writes spanning many pages round-trip',
    run(vfs, dir) {
      const f = vfs.open(`${dir}/big.db`, { mode: 'create' });
      const data = new Uint8Array(3 * 65536 + 17);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
      f.write(data, 12345);
      const back = new Uint8Array(data.length);
      f.read(back, 12345);
      check(equal(back, data), 'content');
      f.close();
    },
  },
];
