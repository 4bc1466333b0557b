/**
 * FaultyVfs wraps any Vfs to inject faults and crashes, deterministically.
 *
 * Model: the inner Vfs always holds exactly the *durable* state. Writes and truncates go to a
 * per-file overlay (a log of operations since the file's last successful sync, plus a chunk
 * map that serves reads); `sync()` applies the log to the inner file and syncs it. `crash()`
 * therefore loses everything not synced, or, with `keep: 'random'`, keeps a seeded random
 * subset of the unsynced operations (each possibly torn), as an OS that reorders writes would.
 *
 * Faults: fail or tear the n-th write, fail the n-th sync or any op, let syncs "lie" (succeed
 * without persisting), or crash at the n-th operation. Counters count every operation.
 * Not modelled: directory entry durability (delete/create are immediate and durable).
 * Process locks (ADR-0008) go to the inner Vfs; a crash releases them, as a dying process does.
 */
import { DecentDBError, ioError } from '../util/index.js';
import type { OpenFlags, Vfs, VfsFile, VfsLock } from './vfs.js';

export type FaultOp = 'read' | 'write' | 'sync' | 'truncate' | 'size' | 'open' | 'delete';

export interface FaultSpec {
  readonly op: FaultOp;
  /** 1-based index among matching operations counted from when the fault was armed. */
  readonly nth: number;
  /** Only operations on paths for which this returns true (default: every path). */
  readonly path?: (path: string) => boolean;
  /** For writes: persist only the first `tornBytes` bytes into the overlay before failing. */
  readonly tornBytes?: number;
  /** 'fail' throws ERR_IO and goes on; 'crash' also crashes the Vfs (see crash()). */
  readonly action?: 'fail' | 'crash';
}

export interface CrashOptions {
  /** 'none' (default): every unsynced operation is lost. 'random': a seeded subset survives. */
  readonly keep?: 'none' | 'random';
}

export interface FaultyVfsOptions {
  readonly seed?: number;
}

export interface FaultCounters {
  read: number;
  write: number;
  sync: number;
  truncate: number;
  size: number;
  open: number;
  delete: number;
  bytesWritten: number;
}

type PendingOp = { readonly kind: 'write'; readonly offset: number; readonly data: Uint8Array } | { readonly kind: 'truncate'; readonly size: number };

const CHUNK = 4096;

/** The unsynced state of one path, shared by every handle open on it. */
class Overlay {
  readonly log: PendingOp[] = [];
  readonly chunks = new Map<number, Uint8Array>();
  size: number;
  /** Bytes of the inner file still valid underneath (shrinks with every truncate). */
  innerValid: number;
  constructor(size: number) {
    this.size = size;
    this.innerValid = size;
  }

  /** Fills `dst` with inner-file bytes at `abs`, zeros past `innerValid`. */
  readBase(inner: VfsFile, dst: Uint8Array, abs: number): void {
    const n = Math.max(0, Math.min(dst.length, this.innerValid - abs));
    if (n > 0) inner.read(dst.subarray(0, n), abs);
    if (n < dst.length) dst.fill(0, n);
  }
}

interface ArmedFault {
  spec: FaultSpec;
  seen: number;
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class FaultyFile implements VfsFile {
  constructor(
    private readonly owner: FaultyVfs,
    readonly path: string,
    readonly inner: VfsFile,
    private readonly generation: number,
  ) {}

  read(buf: Uint8Array, offset: number): number {
    this.owner.enter('read', this.path, this.generation);
    const ov = this.owner.overlayOf(this.path);
    if (ov === undefined) return this.inner.read(buf, offset);
    const avail = Math.max(0, Math.min(buf.length, ov.size - offset));
    let pos = 0;
    while (pos < avail) {
      const abs = offset + pos;
      const ci = Math.floor(abs / CHUNK);
      const within = abs - ci * CHUNK;
      const n = Math.min(CHUNK - within, avail - pos);
      const chunk = ov.chunks.get(ci);
      if (chunk !== undefined) buf.set(chunk.subarray(within, within + n), pos);
      else ov.readBase(this.inner, buf.subarray(pos, pos + n), abs);
      pos += n;
    }
    if (avail < buf.length) buf.fill(0, avail);
    return avail;
  }

  write(buf: Uint8Array, offset: number): void {
    const torn = this.owner.enter('write', this.path, this.generation, buf.length);
    const data = torn === undefined ? buf : buf.subarray(0, torn.bytes);
    this.owner.applyWrite(this, data, offset);
    this.owner.counters.bytesWritten += data.length;
    if (torn !== undefined) torn.raise();
  }

  size(): number {
    this.owner.enter('size', this.path, this.generation);
    const ov = this.owner.overlayOf(this.path);
    return ov === undefined ? this.inner.size() : ov.size;
  }

  truncate(size: number): void {
    this.owner.enter('truncate', this.path, this.generation);
    this.owner.applyTruncate(this, size);
  }

  sync(): void {
    this.owner.enter('sync', this.path, this.generation);
    this.owner.applySync(this);
  }

  close(): void {
    this.inner.close();
  }
}

export class FaultyVfs implements Vfs {
  readonly counters: FaultCounters = { read: 0, write: 0, sync: 0, truncate: 0, size: 0, open: 0, delete: 0, bytesWritten: 0 };
  /** While true, sync() reports success but makes nothing durable ("fsync lies"). */
  lyingSyncs = false;
  private readonly faults: ArmedFault[] = [];
  private readonly overlays = new Map<string, Overlay>();
  private readonly random: () => number;
  private generation = 0;
  private readonly locks = new Set<VfsLock>();
  /** How many crashes happened (by crash() or an armed crash fault). */
  crashCount = 0;

  constructor(
    readonly inner: Vfs,
    options: FaultyVfsOptions = {},
  ) {
    this.random = prng(options.seed ?? 1);
  }

  /** Arms a fault; it fires once, at the spec's n-th matching operation from now. */
  inject(spec: FaultSpec): void {
    this.faults.push({ spec, seen: 0 });
  }

  failWrite(nth: number, tornBytes?: number): void {
    this.inject(tornBytes === undefined ? { op: 'write', nth } : { op: 'write', nth, tornBytes });
  }

  failSync(nth: number): void {
    this.inject({ op: 'sync', nth });
  }

  /** Crashes when the n-th matching operation starts (a torn write persists its prefix first). */
  crashAt(op: FaultOp, nth: number, tornBytes?: number): void {
    this.inject(tornBytes === undefined ? { op, nth, action: 'crash' } : { op, nth, tornBytes, action: 'crash' });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /**
   * Loses what was not synced (or keeps a seeded random, possibly torn, subset of it).
   * Handles opened before the crash fail with ERR_IO from now on; open files anew.
   */
  crash(options: CrashOptions = {}): void {
    for (const [path, ov] of this.overlays) {
      if (options.keep !== 'random' || ov.log.length === 0) continue;
      const file = this.inner.open(path, { mode: 'openOrCreate' });
      try {
        for (const op of ov.log) {
          if (this.random() < 0.5) continue;
          if (op.kind === 'truncate') file.truncate(op.size);
          else {
            const keepBytes = this.random() < 0.25 ? Math.floor(this.random() * op.data.length) : op.data.length;
            file.write(op.data.subarray(0, keepBytes), op.offset);
          }
        }
        file.sync();
      } finally {
        file.close();
      }
    }
    this.overlays.clear();
    this.faults.length = 0;
    for (const held of [...this.locks]) held.release();
    this.generation++;
    this.crashCount++;
  }

  open(path: string, flags: OpenFlags): VfsFile {
    this.enter('open', path, this.generation);
    const existed = this.exists(path);
    if (flags.mode === 'open' && !existed) throw new DecentDBError('ERR_IO', `no such file: ${path}`, { path });
    const inner = this.inner.open(path, existed ? { mode: 'open', readOnly: flags.readOnly ?? false } : { mode: 'create' });
    const file = new FaultyFile(this, path, inner, this.generation);
    if (!existed) inner.sync();
    if (flags.mode === 'create' && existed) this.applyTruncate(file, 0);
    return file;
  }

  delete(path: string): void {
    this.enter('delete', path, this.generation);
    this.overlays.delete(path);
    this.inner.delete(path);
  }

  exists(path: string): boolean {
    return this.inner.exists(path);
  }

  /** Forwards to the inner Vfs; an inner Vfs without locks gives a lock that holds nothing. */
  lock(path: string): VfsLock {
    const inner = this.inner.lock?.(path);
    const held: VfsLock = {
      release: () => {
        if (!this.locks.delete(held)) return;
        inner?.release();
      },
    };
    this.locks.add(held);
    return held;
  }

  /** @internal */
  overlayOf(path: string): Overlay | undefined {
    return this.overlays.get(path);
  }

  /**
   * @internal Counts an operation and fires armed faults. For a torn write it returns how many
   * bytes to keep and a function raising the failure after they are written.
   */
  enter(op: FaultOp, path: string, generation: number, length = 0): { bytes: number; raise: () => never } | undefined {
    if (generation !== this.generation) throw ioError(`file handle invalid after crash: ${path}`, undefined, { path });
    this.counters[op]++;
    for (let i = 0; i < this.faults.length; i++) {
      const f = this.faults[i]!;
      if (f.spec.op !== op || (f.spec.path !== undefined && !f.spec.path(path))) continue;
      f.seen++;
      if (f.seen !== f.spec.nth) continue;
      this.faults.splice(i, 1);
      const raise = (): never => {
        if (f.spec.action === 'crash') {
          this.crash();
        }
        throw ioError(`injected ${op} ${f.spec.action === 'crash' ? 'crash' : 'failure'}: ${path}`, undefined, { path, op, injected: true });
      };
      if (op === 'write' && f.spec.tornBytes !== undefined) {
        return { bytes: Math.min(length, f.spec.tornBytes), raise };
      }
      raise();
    }
    return undefined;
  }

  /** @internal */
  applyWrite(file: FaultyFile, data: Uint8Array, offset: number): void {
    const ov = this.ensureOverlay(file);
    ov.log.push({ kind: 'write', offset, data: data.slice() });
    let pos = 0;
    while (pos < data.length) {
      const abs = offset + pos;
      const ci = Math.floor(abs / CHUNK);
      const within = abs - ci * CHUNK;
      const n = Math.min(CHUNK - within, data.length - pos);
      this.chunkFor(file, ov, ci).set(data.subarray(pos, pos + n), within);
      pos += n;
    }
    if (offset + data.length > ov.size) ov.size = offset + data.length;
  }

  /** @internal */
  applyTruncate(file: FaultyFile, size: number): void {
    const ov = this.ensureOverlay(file);
    ov.log.push({ kind: 'truncate', size });
    const lastChunk = Math.floor(size / CHUNK);
    for (const ci of [...ov.chunks.keys()]) {
      if (ci > lastChunk) ov.chunks.delete(ci);
    }
    const tail = ov.chunks.get(lastChunk);
    if (tail !== undefined) tail.fill(0, size - lastChunk * CHUNK);
    else if (size % CHUNK !== 0 && size < ov.size) this.chunkFor(file, ov, lastChunk).fill(0, size - lastChunk * CHUNK);
    ov.size = size;
    if (size < ov.innerValid) ov.innerValid = size;
  }

  /** @internal */
  applySync(file: FaultyFile): void {
    if (this.lyingSyncs) return;
    const ov = this.overlays.get(file.path);
    if (ov !== undefined) {
      for (const op of ov.log) {
        if (op.kind === 'truncate') file.inner.truncate(op.size);
        else file.inner.write(op.data, op.offset);
      }
      this.overlays.delete(file.path);
    }
    file.inner.sync();
  }

  private ensureOverlay(file: FaultyFile): Overlay {
    let ov = this.overlays.get(file.path);
    if (ov === undefined) {
      ov = new Overlay(file.inner.size());
      this.overlays.set(file.path, ov);
    }
    return ov;
  }

  private chunkFor(file: FaultyFile, ov: Overlay, ci: number): Uint8Array {
    let chunk = ov.chunks.get(ci);
    if (chunk === undefined) {
      chunk = new Uint8Array(CHUNK);
      const start = ci * CHUNK;
      if (start < ov.size) ov.readBase(file.inner, chunk.subarray(0, Math.min(CHUNK, ov.size - start)), start);
      ov.chunks.set(ci, chunk);
    }
    return chunk;
  }
}
