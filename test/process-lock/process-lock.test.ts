// ADR-0008: one OS process at a time per database file on NodeVfs. A second Database in this
// process or another process fails with the documented ERR_IO; a lock left by a dead process
// (clean exit or SIGKILL) is taken over; close releases the lock.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Database, DecentDBError, NodeVfs } from '../../src/index.js';

const HOLDER = fileURLToPath(new URL('./hold-db.ts', import.meta.url));
const dirs: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'decentdb-lock-'));
  dirs.push(dir);
  return join(dir, 'held.ddb');
}

interface Holder {
  readonly child: ChildProcessWithoutNullStreams;
  readonly exited: Promise<number | string | null>;
}

/** Starts hold-db.ts on `path` and resolves once it holds the database. */
async function holdInChild(path: string): Promise<Holder> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, path], { stdio: 'pipe' });
  children.push(child);
  const exited = new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('ready\n')) resolve();
      else if (out.includes('\n')) reject(new Error(`holder failed: ${out}`));
    });
    child.on('exit', () => reject(new Error(`holder exited early: ${out}`)));
  });
  return { child, exited };
}

function openError(path: string): DecentDBError {
  try {
    Database.open(path, { vfs: new NodeVfs() }).close();
  } catch (e) {
    expect(e).toBeInstanceOf(DecentDBError);
    return e as DecentDBError;
  }
  throw new Error('open succeeded while the database was locked');
}

const rowCount = (db: Database): unknown => (db.query('SELECT count(*) AS n FROM t')[0] as Record<string, unknown> | undefined)?.['n'];

describe('process lock on NodeVfs (ADR-0008)', () => {
  it('refuses a second Database on the same file in one process, and close releases', () => {
    const path = tempDb();
    const first = Database.open(path, { vfs: new NodeVfs() });
    first.exec('CREATE TABLE t (id INT)');
    const e = openError(path);
    expect(e.code).toBe('ERR_IO');
    expect(e.message).toBe(`database is locked by another process (pid ${process.pid})`);
    expect(e.details).toEqual({ path, pid: process.pid });
    expect(existsSync(`${path}-lock`)).toBe(true);
    first.exec('INSERT INTO t VALUES (1)');
    first.close();
    expect(existsSync(`${path}-lock`)).toBe(false);
    const second = Database.open(path, { vfs: new NodeVfs() });
    expect(rowCount(second)).toBe(1);
    second.close();
  });

  it('releases the lock when open fails', () => {
    const path = tempDb();
    expect(() => Database.open(path, { vfs: new NodeVfs(), mode: 'open' })).toThrow(DecentDBError);
    expect(existsSync(`${path}-lock`)).toBe(false);
  });

  it('refuses the database while a child process holds it, and opens it after the child exits', async () => {
    const path = tempDb();
    const h = await holdInChild(path);
    const e = openError(path);
    expect(e.code).toBe('ERR_IO');
    expect(e.message).toBe(`database is locked by another process (pid ${h.child.pid})`);
    expect(e.details).toEqual({ path, pid: h.child.pid });
    h.child.stdin.end();
    expect(await h.exited).toBe(0);
    expect(existsSync(`${path}-lock`)).toBe(false);
    const db = Database.open(path, { vfs: new NodeVfs() });
    expect(rowCount(db)).toBe(1);
    db.close();
  }, 30_000);

  it('takes over the stale lock of a child killed with SIGKILL', async () => {
    const path = tempDb();
    const h = await holdInChild(path);
    expect(openError(path).details).toEqual({ path, pid: h.child.pid });
    h.child.kill('SIGKILL');
    expect(await h.exited).toBe('SIGKILL');
    expect(existsSync(`${path}-lock`)).toBe(true);
    const db = Database.open(path, { vfs: new NodeVfs() });
    expect(rowCount(db)).toBe(1);
    db.exec('INSERT INTO t VALUES (0)');
    // The parent holds it now: a new child is refused with the parent's pid.
    const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, path], { stdio: 'pipe' });
    children.push(child);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(out).toBe(`error ERR_IO database is locked by another process (pid ${process.pid})\n`);
    db.close();
    const again = Database.open(path, { vfs: new NodeVfs() });
    expect(rowCount(again)).toBe(2);
    again.close();
  }, 30_000);
});

describe('racing takeover of one stale lock', () => {
  const RACER = fileURLToPath(new URL('./race-lock.ts', import.meta.url));
  const RACERS = 6;

  it('lets exactly one of several processes take a stale lock', async () => {
    for (let round = 0; round < 2; round++) {
      const path = tempDb();
      const dead = spawnSyncPid();
      writeFileSync(`${path}-lock`, `${JSON.stringify({ pid: dead, startedAtMs: 0, token: 'c'.repeat(32) })}\n`);
      const racers = Array.from({ length: RACERS }, () => {
        const child = spawn(process.execPath, ['--import', 'tsx', RACER, path], { stdio: 'pipe' });
        children.push(child);
        return new Promise<string>((resolve) => {
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => {
            out += chunk.toString('utf8');
            if (out.includes('\n')) resolve(out.trim());
          });
        });
      });
      const results = await Promise.all(racers);
      expect(results.filter((r) => r === 'won')).toHaveLength(1);
      expect(results.filter((r) => r === 'lost ERR_IO')).toHaveLength(RACERS - 1);
      for (const c of children) c.stdin.end();
    }
  }, 60_000);
});

function spawnSyncPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  return r.pid;
}
