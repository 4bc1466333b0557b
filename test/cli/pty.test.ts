// The real interactive path: bin/decentdb.js on a pseudo-terminal (util-linux `script`, from
// Debian's essential bsdutils) — terminal detection, prompts, a continuation line, a table,
// .tables, .quit, and ~/.decentdb_history written under a temporary HOME.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from './cli-helpers.js';

describe('decentdb shell on a pseudo-terminal', () => {
  it('prompts, runs statements, lists tables and saves history', async () => {
    const home = mkdtempSync(join(tmpdir(), 'decentdb-pty-'));
    const db = join(home, 'pty.ddb');
    const child = spawn('script', ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${JSON.stringify(db)}`, '/dev/null'], {
      env: { ...process.env, HOME: home, TERM: 'dumb' },
    });
    let screen = '';
    const waiters: { text: string; resolve: () => void }[] = [];
    let seen = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      screen += s;
      for (let w = waiters[0]; w !== undefined && screen.indexOf(w.text, seen) >= 0; w = waiters[0]) {
        seen = screen.indexOf(w.text, seen) + w.text.length;
        waiters.shift()!.resolve();
      }
    });
    const expectOutput = (text: string): Promise<void> => new Promise((resolve) => waiters.push({ text, resolve }));
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    const type = async (line: string, then: string): Promise<void> => {
      const seenNext = expectOutput(then);
      child.stdin.write(line + '\r');
      await seenNext;
    };

    await expectOutput('decentdb> ');
    await type('CREATE TABLE t (id INT PRIMARY KEY, s TEXT);', 'OK');
    await type("INSERT INTO t VALUES (1, 'x'),", '...> ');
    await type("(2, 'y');", '2 rows changed');
    await type('SELECT * FROM t;', '(2 rows)');
    await type('.tables', 'decentdb> ');
    child.stdin.write('.quit\r');
    expect(await exited).toBe(0);
    expect(screen).toMatch(/ id \| s\s+-+\+-+\s+1 \| x\s+2 \| y\s+\(2 rows\)/);
    const history = join(home, '.decentdb_history');
    expect(existsSync(history)).toBe(true);
    expect(readFileSync(history, 'utf8')).toContain("INSERT INTO t VALUES (1, 'x'),\n(2, 'y');\nSELECT * FROM t;\n.tables\n");
  }, 30_000);
});
