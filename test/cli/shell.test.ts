// The interactive shell driven through fake streams (mainAsync with `terminal` set): prompts,
// continuation lines, aligned tables, dot-commands, timing, history saved and loaded.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MemoryVfs } from '../../src/vfs/index.js';
import { readString, runAsync, writeBytes } from './cli-helpers.js';

/** Runs the shell on `lines` (then end of input); returns everything it wrote. */
async function shell(vfs: MemoryVfs, lines: string[], tty = false): Promise<{ code: number; screen: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  if (tty) Object.assign(output, { isTTY: true, columns: 200 });
  let screen = '';
  output.setEncoding('utf8');
  output.on('data', (s: string) => (screen += s));
  const done = runAsync(vfs, ['/db'], { terminal: { input, output }, historyPath: '/history' });
  for (const l of lines) input.write(l + '\n');
  input.end();
  const r = await done;
  return { code: r.code, screen };
}

describe('decentdb shell', () => {
  it('runs statements across lines with a continuation prompt and prints tables', async () => {
    const vfs = new MemoryVfs();
    const { code, screen } = await shell(vfs, [
      'CREATE TABLE artist (id INT PRIMARY KEY, name TEXT);',
      "INSERT INTO artist VALUES (1, 'AC/DC'),",
      "  (2, 'Accept');",
      'SELECT * FROM artist ORDER BY id;',
      'SELECT nope;',
    ]);
    expect(code).toBe(0);
    expect(screen).toContain('decentdb> ');
    expect(screen).toContain('     ...> ');
    expect(screen).toContain('2 rows changed\n');
    expect(screen).toContain(' id | name\n----+--------\n  1 | AC/DC\n  2 | Accept\n(2 rows)\n');
    expect(screen).toMatch(/ERR_SQL: [^\n]*nope/);
  });

  it('answers .help, .tables, .schema, .timing and stops at .quit', async () => {
    const vfs = new MemoryVfs();
    const { screen } = await shell(vfs, [
      'CREATE TABLE t (id INT PRIMARY KEY, name TEXT NOT NULL);',
      'CREATE VIEW v AS SELECT name FROM t;',
      '.help',
      '.tables',
      '.schema t',
      '.timing on',
      'SELECT 1 AS one;',
      '.bogus',
      '.quit',
      'SELECT 2 AS never;',
    ]);
    expect(screen).toContain('.schema [TABLE]');
    expect(screen).toContain('t\nv (view)\n');
    expect(screen).toContain('CREATE TABLE "t" (\n  "id" INT64 PRIMARY KEY,\n  "name" TEXT NOT NULL\n);\n');
    expect(screen).toContain('timing on\n');
    expect(screen).toMatch(/\(1 row\)\nTime: \d+\.\d{3} ms\n/);
    expect(screen).toContain('unknown command .bogus: try .help');
    expect(screen).not.toContain('never');
  });

  it('saves the history file and loads it next time (terminal mode)', async () => {
    const vfs = new MemoryVfs();
    writeBytes(vfs, '/history', 'SELECT 0;\n');
    await shell(vfs, ['SELECT 1 AS a;', 'SELECT 2 AS b;'], true);
    expect(readString(vfs, '/history')).toBe('SELECT 0;\nSELECT 1 AS a;\nSELECT 2 AS b;\n');
  });
});
