/**
 * Shared by the SQL crash suites: the database state as canonical text (read through SQL and,
 * independently, straight from the B+Trees), and `verifyRecovered`, which checks a reopened
 * database: B+Tree invariants of the catalog, every table and index, indexes agreeing with their
 * tables, the freelist count, the header checksum of the checkpointed main file, new writes.
 */
import { expect } from 'vitest';
import { Database, DecentDBError, type JsValue } from '../../src/index.js';
import type { Vfs } from '../../src/vfs/index.js';
import { BTree, checkTree } from '../../src/btree/index.js';
import { readCatalog, type IndexDef, type TableDef } from '../../src/catalog/index.js';
import { decodeHeader, walkFreelist, HEADER_SIZE } from '../../src/pager/index.js';
import type { ReadTransaction } from '../../src/pager/index.js';
import { decodeIndexEntry, decodeRecord, indexEntryHasValue, indexKey, keyToRowid, overflowFor, type Value } from '../../src/record/index.js';
import { utf8Encoder } from '../../src/util/index.js';
import { openPager } from '../../src/wal/index.js';
import { inspectFile } from '../../src/cli/inspect.js';

export const PATH = 'crash-sql.ddb';

/** Table name (lower case) → rows by primary key; a missing table is absent. */
export type DbState = Map<string, Map<number, JsValue[]>>;

export const SCHEMA_SQL = [
  'CREATE TABLE parent (id INT PRIMARY KEY, name TEXT UNIQUE, grp INT, payload TEXT)',
  'CREATE INDEX parent_grp ON parent (grp)',
  'CREATE TABLE child (id INT PRIMARY KEY, pid INT REFERENCES parent(id), note TEXT)',
];

export function cloneState(s: DbState): DbState {
  const out: DbState = new Map();
  for (const [t, rows] of s) out.set(t, new Map(rows));
  return out;
}

/** Canonical text of a state: tables by name, rows by key. Strings longer than 64 chars are hashed. */
export function canon(s: DbState): string {
  const parts: string[] = [];
  for (const t of [...s.keys()].sort()) {
    const rows = s.get(t)!;
    const keys = [...rows.keys()].sort((a, b) => a - b);
    parts.push(`${t}:` + keys.map((k) => JSON.stringify(rows.get(k)!.map(short))).join(','));
  }
  return parts.join('\n');
}

function short(v: JsValue): unknown {
  if (typeof v === 'string' && v.length > 64) return `${v.length}#${fnv(v)}`;
  if (v instanceof Uint8Array) return `blob:${v.length}#${fnvBytes(v)}`;
  if (typeof v === 'bigint') return `${v}n`;
  return v;
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

function fnvBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193) >>> 0;
  return h;
}

/** A deterministic, incompressible string of `n` chars (forces overflow chains, defeats zlib). */
export function noise(n: number, seed: number): string {
  let a = seed >>> 0;
  let out = '';
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out += String.fromCharCode(33 + ((a >>> 24) % 90));
  }
  return out;
}

/** Every table's rows read through SQL (`tables` from the catalog). */
export function sqlState(db: Database, tables: readonly string[]): DbState {
  const s: DbState = new Map();
  for (const t of tables) {
    const rows = new Map<number, JsValue[]>();
    for (const r of db.query(`SELECT * FROM ${t} ORDER BY id`, [], { rowMode: 'array' }) as JsValue[][]) rows.set(r[0] as number, r);
    s.set(t, rows);
  }
  return s;
}

export interface StorageCheck {
  readonly state: DbState;
  readonly tables: readonly string[];
  readonly indexes: number;
  readonly treePages: number;
  readonly freePages: number;
  readonly pageCount: number;
}

function toJs(v: Value): JsValue {
  if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'bigint' || v instanceof Uint8Array) return v;
  return String(v);
}

/**
 * Reads the committed state straight from the B+Trees of a pager opened (and recovered) on
 * `vfs`, checking every tree with checkTree and every index against its table entry by entry.
 */
export function storageState(vfs: Vfs, path = PATH): StorageCheck {
  const pager = openPager(vfs, path, { mode: 'open', checkpointOnClose: false });
  try {
    const r = pager.beginRead();
    try {
      return checkStorage(r, pager.header.rootCatalog, pager.header.freelistHead, pager.header.freelistCount);
    } finally {
      r.end();
    }
  } finally {
    pager.close();
  }
}

function checkStorage(r: ReadTransaction, rootCatalog: number, freelistHead: number, freelistCount: number): StorageCheck {
  const state: DbState = new Map();
  const tables: TableDef[] = [];
  const indexes: IndexDef[] = [];
  // A database never written to has no catalog tree yet (root 0).
  let treePages = rootCatalog === 0 ? 0 : checkTree(r, rootCatalog).pages;
  for (const { entry } of rootCatalog === 0 ? [] : readCatalog(r, rootCatalog)) {
    if (entry.kind === 'table') tables.push(entry.table);
    else if (entry.kind === 'index') indexes.push(entry.index);
  }
  const overflow = overflowFor(r);
  const rowsOf = new Map<string, Array<{ rowid: number | bigint; row: Value[] }>>();
  for (const t of tables) {
    const check = checkTree(r, t.rootPage);
    treePages += check.pages;
    const rows: Array<{ rowid: number | bigint; row: Value[] }> = [];
    const byId = new Map<number, JsValue[]>();
    const c = new BTree(r, t.rootPage).cursor();
    for (let ok = c.first(); ok; ok = c.next()) {
      const rowid = keyToRowid(c.key);
      const row = decodeRecord(c.value(), overflow);
      rows.push({ rowid, row });
      byId.set(Number(rowid), row.map(toJs));
    }
    if (rows.length !== check.entries) throw new Error(`table ${t.name}: cursor saw ${rows.length} rows, checkTree ${check.entries}`);
    rowsOf.set(t.name.toLowerCase(), rows);
    state.set(t.name.toLowerCase(), byId);
  }
  for (const ix of indexes) {
    treePages += checkTree(r, ix.rootPage).pages;
    const t = tables.find((x) => x.name.toLowerCase() === ix.table.toLowerCase());
    if (t === undefined) throw new Error(`index ${ix.name} on missing table ${ix.table}`);
    if (ix.kind !== 'btree') continue;
    const pos = ix.columns.map((n) => t.columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase()));
    const types = pos.map((p) => t.columns[p]!.type);
    const hasValue = indexEntryHasValue(types);
    const expected: string[] = [];
    for (const { rowid, row } of rowsOf.get(t.name.toLowerCase())!) {
      const vals = pos.map((p) => row[p]!);
      const v0 = vals[0];
      const withValue = hasValue && (typeof v0 === 'string' || v0 instanceof Uint8Array);
      expected.push(`${String(indexKey(vals, types))}/${String(rowid)}${withValue ? '/' + hex(typeof v0 === 'string' ? utf8Encoder.encode(v0) : (v0 as Uint8Array)) : ''}`);
    }
    const actual: string[] = [];
    const c = new BTree(r, ix.rootPage).cursor();
    for (let ok = c.first(); ok; ok = c.next()) {
      const e = decodeIndexEntry(c.value(), hasValue && c.value().length !== 8);
      actual.push(`${String(c.key)}/${String(e.rowid)}${e.value !== undefined ? '/' + hex(e.value) : ''}`);
    }
    expected.sort();
    actual.sort();
    if (expected.join('|') !== actual.join('|')) {
      const missing = expected.filter((x) => !actual.includes(x)).slice(0, 3);
      const dangling = actual.filter((x) => !expected.includes(x)).slice(0, 3);
      throw new Error(`index ${ix.name} disagrees with ${t.name}: missing ${missing.join(' ')}; dangling ${dangling.join(' ')}`);
    }
  }
  const free = walkFreelist(freelistHead, r.header.pageCount, r.header.pageSize, (n) => r.read(n));
  if (free.freeCount !== freelistCount) throw new Error(`freelist holds ${free.freeCount} pages, header says ${freelistCount}`);
  // Pages of trees + freelist + the header page cannot exceed the file (overlap shows here).
  if (treePages + free.freeCount + free.trunkCount + 1 > r.header.pageCount) {
    throw new Error(`tree pages ${treePages} + free ${free.freeCount + free.trunkCount} + 1 > page count ${r.header.pageCount}`);
  }
  return {
    state,
    tables: tables.map((t) => t.name.toLowerCase()).sort(),
    indexes: indexes.length,
    treePages,
    freePages: free.freeCount + free.trunkCount,
    pageCount: r.header.pageCount,
  };
}

function hex(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/** Header checksum and a full dump of the main file alone (after a checkpointing close). */
export function inspectMainFile(vfs: Vfs, path = PATH): ReturnType<typeof inspectFile> {
  const f = vfs.open(path, { mode: 'open' });
  try {
    const head = new Uint8Array(HEADER_SIZE);
    f.read(head, 0);
    decodeHeader(head);
    return inspectFile(f);
  } finally {
    f.close();
  }
}

export interface RecoveredCheck {
  /** Canonical text of the state visible after recovery. */
  readonly visible: string;
  readonly storage: StorageCheck;
}

/**
 * The checks after a crash: storage invariants, SQL state equal to the storage state, then
 * new writes accepted, the main file inspectable with a valid header after close, and storage
 * invariants again (a freelist that handed out live pages would show here).
 */
export function verifyRecovered(vfs: Vfs, options: Parameters<typeof Database.open>[1] = {}, path = PATH): RecoveredCheck {
  const storage = storageState(vfs, path);
  const db = Database.open(path, { ...options, vfs });
  let visible: string;
  try {
    const viaSql = sqlState(db, storage.tables);
    visible = canon(viaSql);
    expect(visible, 'SQL and storage disagree').toBe(canon(storage.state));
    if (storage.tables.includes('parent')) {
      const probe = [...storage.state.get('parent')!.values()].slice(0, 3);
      for (const row of probe) {
        expect(db.query('SELECT id FROM parent WHERE name = $1', [row[1]], { rowMode: 'array' })).toEqual([[row[0]]]);
      }
      db.transaction(() => {
        db.prepare('INSERT INTO parent VALUES ($1, $2, $3, $4)').run([900001, 'after-crash', 7, noise(3000, 9)]);
        if (storage.tables.includes('child')) db.prepare('INSERT INTO child VALUES ($1, $2, $3)').run([900001, 900001, 'after']);
        db.prepare('UPDATE parent SET grp = grp + 1').run();
      })();
      expect(db.query('SELECT name FROM parent WHERE id = 900001', [], { rowMode: 'array' })).toEqual([['after-crash']]);
    } else {
      db.exec('CREATE TABLE after_crash (id INT PRIMARY KEY, v TEXT)');
      db.prepare('INSERT INTO after_crash VALUES ($1, $2)').run([1, 'x']);
    }
  } finally {
    db.close();
  }
  const inspected = inspectMainFile(vfs, path);
  expect(inspected.header.page_size).toBeGreaterThan(0);
  const again = storageState(vfs, path);
  const after = storage.tables.includes('parent') ? again.state.get('parent')!.size : again.state.get('after_crash')!.size;
  expect(after).toBe(storage.tables.includes('parent') ? storage.state.get('parent')!.size + 1 : 1);
  const dumpName = storage.tables.includes('parent') ? 'parent' : 'after_crash';
  expect(Object.keys(inspected.tables).map((n) => n.toLowerCase())).toContain(dumpName);
  return { visible, storage };
}

/** Runs `fn`; returns the error it threw (undefined when none). Non-DecentDBErrors are rethrown. */
export function attempt(fn: () => void): DecentDBError | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof DecentDBError) return e;
    throw e;
  }
}
