import { describe, expect, it } from 'vitest';
import { Database, MemoryVfs } from '../../src/index.js';
import { inspectDatabase } from '../../src/cli/inspect.js';

// Index statistics measured at index builds are stored as native `stats:index` records at
// close (format §1.8), so the planner keeps its distinct-key estimates after a reopen.
describe('index statistics', () => {
  it('are written as stats:index records at close and read back on open', () => {
    const vfs = new MemoryVfs();
    const db = Database.open('s.ddb', { vfs });
    db.exec('CREATE TABLE t (id INT PRIMARY KEY, g INT)');
    db.bulkLoad('t', Array.from({ length: 1000 }, (_, i) => [i + 1, i % 10]));
    db.exec('CREATE INDEX t_g ON t (g)');
    db.close();
    const catalog = inspectDatabase(vfs, 's.ddb').catalog as unknown[][];
    const stats = catalog.find((r) => r[0] === 'stats:index' && r[1] === 't_g');
    expect(stats).toEqual(['stats:index', 't_g', 1000, 10]);
    const again = Database.open('s.ddb', { vfs });
    const plan = again.query('EXPLAIN SELECT id FROM t WHERE g = 3').map((r) => (r as { query_plan: string }).query_plan);
    expect(plan.join('\n')).toMatch(/IndexSeek t USING t_g/);
    expect(again.query('SELECT count(*) AS n FROM t WHERE g = 3')).toEqual([{ n: 100 }]);
    again.close();
  });
});
