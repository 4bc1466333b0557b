/**
 * NodeVfs: the Vfs over node:fs, synchronous calls only. `sync` is fsync by default or
 * fdatasync when asked (file size changes are then made durable by the next fsync or by
 * the WAL header write that follows them). Reached only from the Node entry point.
 * Also the process lock (`<db>-lock`, ADR-0008): the one file in src/ allowed to touch `process`.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { DecentDBError, ioError } from '../util/index.js';
import type { OpenFlags, Vfs, VfsFile, VfsLock } from './vfs.js';

export interface NodeVfsOptions {
  /** 'fsync' (default) or 'fdatasync' for VfsFile.sync(). */
  readonly syncCall?: 'fsync' | 'fdatasync';
}

class NodeFile implements VfsFile {
  private fd: number;
  constructor(
    fd: number,
    private readonly path: string,
    private readonly useDatasync: boolean,
  ) {
    this.fd = fd;
  }

  read(buf: Uint8Array, offset: number): number {
    let total = 0;
    try {
      while (total < buf.length) {
        const n = fs.readSync(this.fd, buf, total, buf.length - total, offset + total);
        if (n === 0) break;
        total += n;
      }
    } catch (e) {
      throw ioError(`read failed: ${this.path}`, e, { path: this.path, offset });
    }
    if (total < buf.length) buf.fill(0, total);
    return total;
  }

  write(buf: Uint8Array, offset: number): void {
    let total = 0;
    try {
      while (total < buf.length) total += fs.writeSync(this.fd, buf, total, buf.length - total, offset + total);
    } catch (e) {
      throw ioError(`write failed: ${this.path}`, e, { path: this.path, offset });
    }
  }

  size(): number {
    try {
      return fs.fstatSync(this.fd).size;
    } catch (e) {
      throw ioError(`stat failed: ${this.path}`, e, { path: this.path });
    }
  }

  truncate(size: number): void {
    try {
      fs.ftruncateSync(this.fd, size);
    } catch (e) {
      throw ioError(`truncate failed: ${this.path}`, e, { path: this.path, size });
    }
  }

  sync(): void {
    try {
      if (this.useDatasync) fs.fdatasyncSync(this.fd);
      else fs.fsyncSync(this.fd);
    } catch (e) {
      throw ioError(`sync failed: ${this.path}`, e, { path: this.path });
    }
  }

  close(): void {
    if (this.fd < 0) return;
    try {
      fs.closeSync(this.fd);
    } catch (e) {
      throw ioError(`close failed: ${this.path}`, e, { path: this.path });
    } finally {
      this.fd = -1;
    }
  }
}

export class NodeVfs implements Vfs {
  private readonly useDatasync: boolean;

  constructor(options: NodeVfsOptions = {}) {
    this.useDatasync = options.syncCall === 'fdatasync';
  }

  open(path: string, flags: OpenFlags): VfsFile {
    let mode: string;
    if (flags.readOnly) mode = 'r';
    else if (flags.mode === 'open') mode = 'r+';
    else if (flags.mode === 'create') mode = 'w+';
    else mode = fs.existsSync(path) ? 'r+' : 'w+';
    try {
      return new NodeFile(fs.openSync(path, mode), path, this.useDatasync);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT') throw new DecentDBError('ERR_IO', `no such file: ${path}`, { path }, { cause: e });
      throw ioError(`cannot open ${path}: ${code ?? String(e)}`, e, { path });
    }
  }

  delete(path: string): void {
    try {
      fs.rmSync(path, { force: true });
    } catch (e) {
      throw ioError(`cannot delete ${path}`, e, { path });
    }
  }

  exists(path: string): boolean {
    return fs.existsSync(path);
  }

  /** Takes `<path>-lock` for this process, taking over a lock left by a dead one (ADR-0008). */
  lock(path: string): VfsLock {
    return lockDatabaseFile(path);
  }
}

// ---- Process lock (ADR-0008) ----------------------------------------------------------------
//
// `<db>-lock` holds one JSON line {pid, startedAtMs, token}; it appears atomically, complete,
// by link(2) from a private temp file (a plain 'wx' create where hard links are unsupported).
// Invariants:
//  1. Only the holder of a lock file's token unlinks it on release (checked by re-reading).
//  2. A stale lock (holder dead: kill(pid, 0) gives ESRCH; or our own pid but a token this
//     process does not hold, i.e. a previous process reused the pid) is removed only by the
//     holder of the guard `<db>-lock.<staleToken>`, after re-reading the lock under that guard
//     and finding the same token. Tokens are unique, so a lock once removed never reappears;
//     racers for the same stale lock meet at the same guard (taken by the same algorithm, so
//     a guard left by a taker killed mid-takeover is itself taken over).
//  3. Whoever removed a stale lock still competes by link/'wx' like everyone else.

interface LockRecord {
  readonly pid: number;
  readonly startedAtMs: number;
  readonly token: string;
}

/** Token → path of every lock file this process holds (keyed by token: paths have aliases). */
const heldLocks = new Map<string, string>();
let exitHookInstalled = false;
const MAX_GUARD_DEPTH = 3;
const MAX_ATTEMPTS = 8;

function releaseAllAtExit(): void {
  for (const [token, path] of [...heldLocks]) {
    try {
      releaseLockFile(path, token);
    } catch {
      // best effort at exit: a lock left behind is stale (dead pid) and taken over later
    }
  }
}

function readLockRecord(path: string): LockRecord | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return 'missing';
    throw ioError(`cannot read lock file ${path}`, e, { path });
  }
  try {
    const r = JSON.parse(text) as Partial<LockRecord>;
    if (Number.isSafeInteger(r.pid) && (r.pid as number) > 0 && typeof r.token === 'string' && /^[0-9a-f]{32}$/.test(r.token)) {
      return { pid: r.pid as number, startedAtMs: Number(r.startedAtMs), token: r.token };
    }
  } catch {
    // falls through: not a lock record
  }
  return 'unreadable';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code !== 'ESRCH';
  }
}

function isStale(r: LockRecord): boolean {
  if (r.pid === process.pid) return !heldLocks.has(r.token);
  return !isAlive(r.pid);
}

function lockedError(dbPath: string, pid: number): DecentDBError {
  return new DecentDBError('ERR_IO', `database is locked by another process (pid ${pid})`, { path: dbPath, pid });
}

/** Creates `path` holding `text` atomically; false when it already exists. */
function createExclusive(path: string, text: string): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx' });
    try {
      fs.linkSync(tmp, path);
      return true;
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    }
    fs.writeFileSync(path, text, { flag: 'wx' });
    return true;
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') return false;
    throw ioError(`cannot create lock file ${path}`, e, { path });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function releaseLockFile(path: string, token: string): void {
  heldLocks.delete(token);
  const r = readLockRecord(path);
  if (typeof r === 'object' && r.token === token) fs.rmSync(path, { force: true }); // invariant 1
}

/** Takes `path` for this process (invariants 1–3); returns the token written there. */
function acquireLockFile(path: string, dbPath: string, depth: number): string {
  const token = randomBytes(16).toString('hex');
  const text = `${JSON.stringify({ pid: process.pid, startedAtMs: Date.now(), token })}\n`;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (createExclusive(path, text)) {
      heldLocks.set(token, path);
      if (!exitHookInstalled) {
        exitHookInstalled = true;
        process.on('exit', releaseAllAtExit);
      }
      return token;
    }
    const held = readLockRecord(path);
    if (held === 'missing') continue;
    if (held === 'unreadable') {
      throw new DecentDBError('ERR_IO', `lock file ${path} is unreadable: remove it if no process uses the database`, { path: dbPath, lockPath: path });
    }
    if (!isStale(held) || depth >= MAX_GUARD_DEPTH) throw lockedError(dbPath, held.pid);
    const guard = `${path}.${held.token}`;
    const guardToken = acquireLockFile(guard, dbPath, depth + 1); // invariant 2
    try {
      const again = readLockRecord(path);
      if (typeof again === 'object' && again.token === held.token) fs.rmSync(path, { force: true });
    } finally {
      releaseLockFile(guard, guardToken);
    }
  }
  throw ioError(`cannot take lock file ${path}: it keeps changing`, undefined, { path });
}

class NodeLock implements VfsLock {
  private released = false;
  constructor(
    private readonly path: string,
    private readonly token: string,
  ) {}

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      releaseLockFile(this.path, this.token);
    } catch (e) {
      throw ioError(`cannot release lock file ${this.path}`, e, { path: this.path });
    }
  }
}

/** @internal NodeVfs.lock: see ADR-0008. */
export function lockDatabaseFile(dbPath: string): VfsLock {
  const path = `${dbPath}-lock`;
  return new NodeLock(path, acquireLockFile(path, dbPath, 0));
}
