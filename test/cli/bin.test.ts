// The installed command: bin/decentdb.js over the built dist/ (npm run build; `npm ci` runs it
// through `prepare`). Checks what only a real process shows: exit codes and stream contents.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/decentdb.js', import.meta.url));
const BUILT = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../../../shared/fixtures/native-v3/v3_fixture.db', import.meta.url));

function decentdb(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run npm run build first`);
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/decentdb.js', () => {
  it('prints the fixture as JSON and exits 0', () => {
    const r = decentdb('inspect', FIXTURE, '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { header: { pages: number }; tables: { users: { rows: unknown[][] } } };
    expect(j.header.pages).toBe(5);
    expect(j.tables.users.rows[1]![4]).toBe('A'.repeat(10000));
  });

  it('exits 1 with one ERR_CORRUPTION line and no stack trace on a damaged file', () => {
    const bytes = new Uint8Array(readFileSync(FIXTURE));
    bytes[2 * 4096 + 4] = 3; // the users leaf's next pointer loops back to itself
    const path = join(mkdtempSync(join(tmpdir(), 'decentdb-')), 'loop.ddb');
    writeFileSync(path, bytes);
    const r = decentdb('inspect', path, '--json');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^decentdb: ERR_CORRUPTION: page 3: [^\n]*\n$/);
  });

  it('prints the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(decentdb('--version')).toEqual({ status: 0, stdout: `decentdb ${pkg.version}\n`, stderr: '' });
  });

  it('runs -c statements, reports a failing one as one ERR_ line, and exits 1 after the rest', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'decentdb-')), 'c.ddb');
    const r = decentdb(path, '-c', 'CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1); INSERT INTO t VALUES (1); SELECT count(*) AS n FROM t');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('OK\n1 row changed\n n\n---\n 1\n(1 row)\n');
    expect(r.stderr).toMatch(/^ERR_CONSTRAINT: [^\n]+\n$/);
  });

  it('exits 2 with one line on a usage error', () => {
    const r = decentdb('import', 'x.ddb', '--bogus');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('decentdb: unknown option --bogus (usage: decentdb import FILE (--table T --csv IN.csv [--header] [--delimiter C] [--batch-size N] | --sql IN.sql) [--progress])\n');
  });
});
