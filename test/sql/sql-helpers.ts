/**
 * Small helpers for the per-feature SQL suites: a fresh in-memory database, rows as arrays,
 * and the code/message/details of the DecentDBError a statement throws.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database, DecentDBError, MemoryVfs } from '../../src/index.js';
import type { DatabaseOptions, Vfs } from '../../src/index.js';
import { readCatalog, type CatalogEntry } from '../../src/catalog/index.js';
import { HEADER_SIZE, decodeHeader } from '../../src/pager/index.js';
import { FilePageStore } from '../../src/cli/file-page-store.js';

/** A new in-memory database with `setup` already run. */
export function memoryDb(setup = '', options: DatabaseOptions = {}): Database {
  const db = Database.open(':memory:', options);
  if (setup !== '') db.exec(setup);
  return db;
}

/** Rows of `sql` as arrays. */
export function rows(db: Database, sql: string, params: readonly unknown[] = []): unknown[][] {
  return db.query(sql, params, { rowMode: 'array' }) as unknown[][];
}

export interface Failure {
  readonly code: string;
  readonly message: string;
  /** The message without its trailing ` (line L, column C)` position. */
  readonly bare: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;
}

/** The DecentDBError `fn` throws; fails the test when it throws nothing or something else. */
export function failure(fn: () => unknown): Failure {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof DecentDBError)) throw new Error(`expected a DecentDBError, got ${String(e)}`, { cause: e });
    return { code: e.code, message: e.message, bare: e.message.replace(/ \(line \d+, column \d+\)$/, ''), details: e.details };
  }
  throw new Error('expected the statement to fail');
}

/** The error of running `sql` (exec). */
export function sqlFailure(db: Database, sql: string, params: readonly unknown[] = []): Failure {
  return failure(() => (params.length === 0 ? db.exec(sql) : db.prepare(sql).run(params)));
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'decentdb-sql-'): { dir: string; path: (name: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, path: (name) => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The catalog records of a checkpointed database file, read the way `decentdb inspect` reads
 * them (main file only, no engine).
 */
export function catalogOnDisk(vfs: Vfs, path: string): CatalogEntry[] {
  const file = vfs.open(path, { mode: 'open', readOnly: true });
  try {
    const head = new Uint8Array(HEADER_SIZE);
    file.read(head, 0);
    const h = decodeHeader(head);
    if (h.rootCatalog === 0) return [];
    return readCatalog(new FilePageStore(file, h.pageSize), h.rootCatalog).map((e) => e.entry);
  } finally {
    file.close();
  }
}

/** A database on a MemoryVfs (so tests can read its file back), with `setup` run. */
export function vfsDb(setup = '', path = 'test.ddb'): { db: Database; vfs: MemoryVfs; path: string; catalog: () => CatalogEntry[] } {
  const vfs = new MemoryVfs();
  const db = Database.open(path, { vfs });
  if (setup !== '') db.exec(setup);
  return {
    db,
    vfs,
    path,
    catalog: () => {
      db.checkpoint();
      return catalogOnDisk(vfs, path);
    },
  };
}

/** `len` characters that do not compress (records stay as large as asked), from `id` and `salt`. */
export function incompressibleText(id: number, salt: number, len: number): string {
  let x = (id * 7919 + salt * 104729) >>> 0 || 1;
  let s = `${id}:${salt}:`;
  while (s.length < len) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    s += String.fromCharCode(33 + (x % 90));
  }
  return s;
}
