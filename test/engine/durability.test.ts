import { describe, expect, it } from 'vitest';
import { Database, FaultyVfs, MemoryVfs } from '../../src/index.js';

// Durability is set per database and overridable per transaction (ADR-0003): the number of
// syncs a commit issues shows which contract it ran under.
describe('per-transaction durability', () => {
  it("an 'off' transaction on a 'full' database commits without a sync; the next default one syncs", () => {
    const vfs = new FaultyVfs(new MemoryVfs());
    const db = Database.open('d.ddb', { vfs, durability: 'full' });
    db.exec('CREATE TABLE t (a INT PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO t VALUES ($1)');
    let before = vfs.counters.sync;
    db.transaction(() => insert.run([1]), { durability: 'off' })();
    expect(vfs.counters.sync - before).toBe(0);
    before = vfs.counters.sync;
    db.transaction(() => insert.run([2]))();
    expect(vfs.counters.sync - before).toBeGreaterThan(0);
    expect(db.query('SELECT count(*) AS n FROM t')).toEqual([{ n: 2 }]);
    db.close();
  });
});
