import { describe, expect, it } from 'vitest';
import { Database, DecentDBError, FaultyVfs, MemoryVfs } from '../../src/index.js';

// A crash that tears the 32-byte header of a brand-new WAL must not brick the database: a WAL
// shorter than its header holds no committed frame, so open starts it afresh.
describe('a WAL torn while it was being created', () => {
  it('opens after a process kill tore the header write', () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    vfs.inject({ op: 'write', nth: 1, tornBytes: 14, path: (p) => p.endsWith('-wal') });
    expect(() => Database.open('c.ddb', { vfs })).toThrow(DecentDBError);
    const db = Database.open('c.ddb', { vfs });
    db.exec('CREATE TABLE t (a INT PRIMARY KEY)');
    db.exec('INSERT INTO t VALUES (1)');
    expect(db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 1 }]);
    db.close();
  });

  it('opens after an OS crash kept a random part of the unsynced header', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const vfs = new FaultyVfs(new MemoryVfs(), { seed });
      vfs.failSync(2);
      try {
        Database.open('c.ddb', { vfs, pageSize: 1024 }).close();
      } catch (e) {
        expect(e).toBeInstanceOf(DecentDBError);
      }
      vfs.crash({ keep: 'random' });
      const db = Database.open('c.ddb', { vfs, pageSize: 1024 });
      db.exec('CREATE TABLE IF NOT EXISTS t (a INT PRIMARY KEY)');
      expect(db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 0 }]);
      db.close();
    }
  });
});
