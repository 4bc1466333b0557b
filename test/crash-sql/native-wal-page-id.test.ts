import { describe, expect, it } from 'vitest';
import { Database, DecentDBError, MemoryVfs } from '../../src/index.js';

// A native WAL (no checksum flag) whose frame names an absurd page id must be reported as
// corruption at open, not followed by a checkpoint writing at that page's offset.
describe('a native WAL with a damaged page id', () => {
  it('is rejected with ERR_CORRUPTION at open', () => {
    const mem = new MemoryVfs();
    const db = Database.open('w.ddb', { vfs: mem, pageSize: 1024 });
    db.exec('CREATE TABLE t (id INT PRIMARY KEY)');
    db.checkpoint();
    db.exec('INSERT INTO t VALUES (1)');
    // Abandon the database with its last commit in the WAL (as a killed process would), then
    // damage the WAL: clear the checksum flag and give the first frame page id 0x7fffffff.
    const wal = mem.snapshot('w.ddb-wal')!;
    const main = mem.snapshot('w.ddb')!;
    const copy = new MemoryVfs();
    for (const [path, bytes] of [['w.ddb', main], ['w.ddb-wal', wal]] as const) {
      const f = copy.open(path, { mode: 'create' });
      f.write(bytes, 0);
      f.close();
    }
    const f = copy.open('w.ddb-wal', { mode: 'open' });
    f.write(new Uint8Array(4), 24);
    f.write(Uint8Array.of(0xff, 0xff, 0xff, 0x7f), 33);
    f.close();
    let error: unknown;
    try {
      Database.open('w.ddb', { vfs: copy }).checkpoint();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecentDBError);
    expect((error as DecentDBError).code).toBe('ERR_CORRUPTION');
    expect((error as DecentDBError).message).toMatch(/page id 2147483647/);
    db.close();
  });
});
