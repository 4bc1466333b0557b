// NodeVfs.lock (ADR-0008): exclusive `<db>-lock`, stale takeover (dead pid, reused pid, a guard
// left by a killed taker), release on exit, and FaultyVfs forwarding (a crash releases).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DecentDBError } from '../util/index.js';
import { FaultyVfs } from './faulty-vfs.js';
import { MemoryVfs } from './memory-vfs.js';
import { NodeVfs } from './node-vfs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'decentdb-vfslock-'));
  dirs.push(dir);
  return dir;
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '']);
  expect(r.status).toBe(0);
  return r.pid;
}

const record = (pid: number, token: string): string => `${JSON.stringify({ pid, startedAtMs: 0, token })}\n`;
const TOKEN_A = 'a'.repeat(32);
const TOKEN_B = 'b'.repeat(32);

function lockError(fn: () => unknown): DecentDBError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DecentDBError);
    return e as DecentDBError;
  }
  throw new Error('expected the lock to be refused');
}

describe('NodeVfs.lock', () => {
  it('holds <db>-lock exclusively until released; release is idempotent', () => {
    const db = join(tempDir(), 'x.ddb');
    const vfs = new NodeVfs();
    const held = vfs.lock(db);
    const content = JSON.parse(readFileSync(`${db}-lock`, 'utf8')) as { pid: number; token: string };
    expect(content.pid).toBe(process.pid);
    const e = lockError(() => new NodeVfs().lock(db));
    expect(e.code).toBe('ERR_IO');
    expect(e.message).toBe(`database is locked by another process (pid ${process.pid})`);
    expect(e.details).toEqual({ path: db, pid: process.pid });
    held.release();
    held.release();
    expect(existsSync(`${db}-lock`)).toBe(false);
    vfs.lock(db).release();
  });

  it('treats a lock spelled through another path alias as held', () => {
    const dir = tempDir();
    const held = new NodeVfs().lock(join(dir, 'x.ddb'));
    expect(lockError(() => new NodeVfs().lock(join(dir, '.', 'x.ddb'))).code).toBe('ERR_IO');
    held.release();
  });

  it('takes over a lock whose pid is dead, leaving no guard files behind', () => {
    const dir = tempDir();
    const db = join(dir, 'x.ddb');
    writeFileSync(`${db}-lock`, record(deadPid(), TOKEN_A));
    const held = new NodeVfs().lock(db);
    expect((JSON.parse(readFileSync(`${db}-lock`, 'utf8')) as { pid: number }).pid).toBe(process.pid);
    expect(readdirSync(dir)).toEqual(['x.ddb-lock']);
    held.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes over a lock with this pid but a token this process does not hold (pid reuse)', () => {
    const db = join(tempDir(), 'x.ddb');
    writeFileSync(`${db}-lock`, record(process.pid, TOKEN_A));
    new NodeVfs().lock(db).release();
  });

  it('takes over a guard left by a taker killed mid-takeover', () => {
    const dir = tempDir();
    const db = join(dir, 'x.ddb');
    writeFileSync(`${db}-lock`, record(deadPid(), TOKEN_A));
    writeFileSync(`${db}-lock.${TOKEN_A}`, record(deadPid(), TOKEN_B));
    const held = new NodeVfs().lock(db);
    expect(readdirSync(dir)).toEqual(['x.ddb-lock']);
    held.release();
  });

  it('refuses while a live process holds the takeover guard', () => {
    const db = join(tempDir(), 'x.ddb');
    writeFileSync(`${db}-lock`, record(deadPid(), TOKEN_A));
    writeFileSync(`${db}-lock.${TOKEN_A}`, record(process.ppid, TOKEN_B));
    expect(lockError(() => new NodeVfs().lock(db)).details).toEqual({ path: db, pid: process.ppid });
    expect(existsSync(`${db}-lock`)).toBe(true);
  });

  it('reports an unreadable lock file instead of guessing', () => {
    const db = join(tempDir(), 'x.ddb');
    writeFileSync(`${db}-lock`, 'garbage');
    const e = lockError(() => new NodeVfs().lock(db));
    expect(e.code).toBe('ERR_IO');
    expect(e.message).toBe(`lock file ${db}-lock is unreadable: remove it if no process uses the database`);
  });

  it('releases held locks when the process exits without closing', () => {
    const db = join(tempDir(), 'x.ddb');
    const script = `import { NodeVfs } from ${JSON.stringify(new URL('./node-vfs.ts', import.meta.url).href)};
new NodeVfs().lock(${JSON.stringify(db)}); process.stdout.write('locked'); process.exit(0);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toBe('locked');
    expect(existsSync(`${db}-lock`)).toBe(false);
  }, 30_000);
});

describe('FaultyVfs.lock', () => {
  it('forwards to the inner Vfs and releases at crash()', () => {
    const db = join(tempDir(), 'x.ddb');
    const faulty = new FaultyVfs(new NodeVfs());
    const held = faulty.lock(db);
    expect(lockError(() => new NodeVfs().lock(db)).code).toBe('ERR_IO');
    faulty.crash();
    expect(existsSync(`${db}-lock`)).toBe(false);
    held.release();
    new NodeVfs().lock(db).release();
  });

  it('gives a lock holding nothing over a Vfs without locks', () => {
    const faulty = new FaultyVfs(new MemoryVfs());
    faulty.lock('/db').release();
    faulty.lock('/db').release();
  });
});
