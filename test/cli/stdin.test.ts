// SQL on stdin: statement by statement as input arrives (a real pipe to the built CLI), in
// autocommit unless inside BEGIN … COMMIT; and the same through mainAsync with a fake stdin.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../../src/vfs/index.js';
import { CliProcess, jsonLines, runAsync, spawnCli } from './cli-helpers.js';

const tempDb = (): string => join(mkdtempSync(join(tmpdir(), 'decentdb-cli-')), 'pipe.ddb');

/** Rows of `table` as committed on disk, read by `decentdb inspect` (which never writes, so it
 * is safe beside the running process; the engine has no multi-process locking). */
function committedRows(path: string, table: string): unknown[][] {
  const r = spawnCli(['inspect', path, '--json']);
  expect(r.stderr).toBe('');
  return (JSON.parse(r.stdout) as { tables: Record<string, { rows: unknown[][] }> }).tables[table]!.rows;
}

async function* chunks(...parts: string[]): AsyncGenerator<string> {
  for (const p of parts) yield p;
}

describe('decentdb FILE with SQL on stdin', () => {
  it('answers each statement before the next one is sent through the pipe', async () => {
    const path = tempDb();
    const p = new CliProcess([path, '--json']);
    p.write('CREATE TABLE t (id INT PRIMARY KEY, v TEXT);\n');
    expect(JSON.parse(await p.nextLine())).toEqual({ columns: [], rows: [], changes: 0 });
    p.write("INSERT INTO t VALUES (1, 'a'),");
    p.write(" (2, 'b');");
    expect(JSON.parse(await p.nextLine())).toEqual({ columns: [], rows: [], changes: 2 });
    // Autocommit: the rows are committed on disk while this process still runs.
    expect(committedRows(path, 't')).toEqual([[1, 'a'], [2, 'b']]);
    p.write('SELECT v FROM t ORDER BY id;');
    expect(JSON.parse(await p.nextLine())).toEqual({ columns: ['v'], rows: [['a'], ['b']], changes: 0 });
    p.write('SELECT nope;');
    expect(JSON.parse(await p.nextLine())).toMatchObject({ error: { code: 'ERR_SQL' } });
    p.end();
    expect(await p.exited).toBe(1);
    expect(p.stderr).toBe('');
  }, 30_000);

  it('commits a BEGIN … COMMIT block only at COMMIT', async () => {
    const path = tempDb();
    spawnCli([path, '-c', 'CREATE TABLE t (id INT)']);
    const p = new CliProcess([path, '--json']);
    p.write('BEGIN;');
    await p.nextLine();
    p.write('INSERT INTO t VALUES (1);');
    expect(JSON.parse(await p.nextLine())).toEqual({ columns: [], rows: [], changes: 1 });
    expect(committedRows(path, 't')).toEqual([]);
    p.write('COMMIT;');
    await p.nextLine();
    expect(committedRows(path, 't')).toEqual([[1]]);
    p.end();
    expect(await p.exited).toBe(0);
  }, 30_000);

  it('runs a last statement without ";" and rolls back a transaction left open (mainAsync)', async () => {
    const vfs = new MemoryVfs();
    const r = await runAsync(vfs, ['/db', '--json'], {
      stdin: chunks('CREATE TABLE t (id INT); INSERT INTO t VALUES (1); BEGIN; INSERT INTO', ' t VALUES (2); -- tail\nSELECT count(*) AS n FROM t'),
    });
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).at(-1)).toEqual({ columns: ['n'], rows: [[2]], changes: 0 });
    expect(r.stderr).toBe('decentdb: warning: end of input inside a transaction: rolled back\n');
    const after = await runAsync(vfs, ['/db', '--json', '-c', 'SELECT count(*) AS n FROM t']);
    expect(jsonLines(after.stdout)).toEqual([{ columns: ['n'], rows: [[1]], changes: 0 }]);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const vfs = new MemoryVfs();
    const bytes = new TextEncoder().encode("SELECT 'héllo😀' AS s;");
    async function* split(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    }
    const r = await runAsync(vfs, ['/db', '--json'], { stdin: split() });
    expect(jsonLines(r.stdout)).toEqual([{ columns: ['s'], rows: [['héllo😀']], changes: 0 }]);
  });
});
