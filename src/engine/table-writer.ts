/**
 * TableWriter: row-level changes to one table inside a write transaction — the table tree
 * keyed by rowid (format §1.9) and every secondary index entry (§1.10) kept in step, with the
 * storage-level constraints: NOT NULL, PRIMARY KEY and UNIQUE. CHECK, foreign keys, defaults
 * and triggers are the DML executor's (dml.ts); it calls this after evaluating them.
 *
 * Invariant: after each public call returns, the table tree and all its btree indexes hold
 * exactly the same set of rows. A constraint error is raised before anything is written for
 * NOT NULL and UNIQUE; a failure after partial writes is undone by the statement savepoint.
 */
import { DecentDBError } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { BTree } from '../btree/index.js';
import {
  decodeIndexEntry, decodeRecord, encodeIndexEntryView, encodeRecordView, indexEntryHasValue, indexKey,
  keyToRowid, overflowFor, recordOverflowHeads, rowidToKey, type OverflowStore, type Value,
} from '../record/index.js';
import { freeOverflowChain } from '../btree/index.js';
import { compareValues } from '../exec/index.js';
import type { IndexInfo, Schema, TableInfo } from './schema.js';
import { signedZeroKeys } from './signed-zero.js';
import { buildTrigramIndex, syncTrigramRow, type TrigramState } from './trigram-sync.js';

export type Rowid = number | bigint;

export interface TableChangeListener {
  /** A btree root changed (root split): the catalog record must be rewritten. */
  rootChanged(kind: 'table' | 'index', name: string, root: number): void;
}

export class TableWriter {
  readonly overflow: OverflowStore;
  private readonly scratch: Value[] = [];

  constructor(
    readonly store: PageStore,
    readonly schema: Schema,
    private readonly listener: TableChangeListener,
    /** The Database's trigram tails and spill settings (trigram-sync.ts); absent: per-call handles, in-memory builds. */
    private readonly trigram?: TrigramState,
  ) {
    this.overflow = overflowFor(store);
  }

  /**
   * The B+Tree rooted at `root`, reused across calls (a BTree per row and tree was a measurable
   * share of a row loop). A cached tree whose root moved (root split, or a rollback that moved
   * the catalog's root back) no longer matches its key and is replaced.
   */
  private tree(root: number): BTree {
    let t = this.trees.get(root);
    if (t === undefined || t.root !== root) {
      if (this.trees.size >= 64) this.trees.clear();
      t = new BTree(this.store, root);
      this.trees.set(root, t);
    }
    return t;
  }

  private readonly trees = new Map<number, BTree>();

  /** Reads the row stored under `rowid`, or undefined. */
  read(table: TableInfo, rowid: Rowid): Value[] | undefined {
    const bytes = this.tree(table.def.rootPage).get(rowidToKey(rowid));
    return bytes === undefined ? undefined : decodeRecord(bytes, this.overflow);
  }

  /** Whether `table` holds a row with this rowid (no decoding). */
  exists(table: TableInfo, rowid: Rowid): boolean {
    return this.tree(table.def.rootPage).get(rowidToKey(rowid)) !== undefined;
  }

  /**
   * Inserts `row` (one value per column, already cast to the column types). Assigns the rowid:
   * the INT64 primary key's value (assigned from the table's next rowid when NULL, and written
   * back into `row`) or a hidden one. Returns the rowid.
   */
  insert(table: TableInfo, row: Value[]): Rowid {
    let rowid: Rowid;
    const next = this.schema.nextRowId(this.store, table);
    const given = table.rowidColumn >= 0 ? row[table.rowidColumn] : null;
    if (given === null || given === undefined) {
      if (typeof next === 'bigint' && next > MAX_ROWID) {
        throw new DecentDBError('ERR_CONSTRAINT', `table "${table.name}" has no rowid left to assign: the largest rowid ${MAX_ROWID} is in use`, { table: table.name });
      }
      rowid = next;
      if (table.rowidColumn >= 0) row[table.rowidColumn] = rowid;
    } else {
      rowid = given as Rowid;
    }
    this.checkNotNull(table, row);
    for (const ix of table.indexes) if (ix.def.unique && ix.def.kind === 'btree') this.checkUnique(table, ix, row, undefined);
    const tree = this.tree(table.def.rootPage);
    // A view of the codec's scratch: the tree copies it before anything encodes again.
    const record = encodeRecordView(row, table.types, this.overflow);
    try {
      tree.insert(rowidToKey(rowid), record, UNIQUE_KEY);
    } catch (e) {
      if (e instanceof DecentDBError && e.code === 'ERR_CONSTRAINT') throw this.duplicateKey(table, rowid);
      throw e;
    }
    this.noteRoot('table', table, tree);
    for (const ix of table.indexes) if (ix.def.kind === 'btree') this.insertIndexEntry(ix, row, rowid);
    for (const ix of table.indexes) if (ix.def.kind === 'trigram') this.syncTrigram(ix, rowid, null, row);
    if (bigger(rowid, next)) table.nextRowId = successor(rowid);
    else if (rowid === next) table.nextRowId = successor(rowid);
    if (table.rowCount !== undefined) table.rowCount++;
    return rowid;
  }

  /** Deletes the row `rowid` whose current values are `row`. */
  delete(table: TableInfo, rowid: Rowid, row: readonly Value[]): void {
    for (const ix of table.indexes) if (ix.def.kind === 'btree') this.deleteIndexEntry(ix, row, rowid);
    for (const ix of table.indexes) if (ix.def.kind === 'trigram') this.syncTrigram(ix, rowid, row, null);
    const tree = this.tree(table.def.rootPage);
    const key = rowidToKey(rowid);
    const old = tree.get(key);
    if (old !== undefined) for (const head of recordOverflowHeads(old)) freeOverflowChain(this.store, head);
    if (!tree.delete(key)) throw new DecentDBError('ERR_INTERNAL', `row ${String(rowid)} of ${table.name} vanished during delete`);
    if (table.rowCount !== undefined && table.rowCount > 0) table.rowCount--;
  }

  /**
   * Replaces row `rowid` (old values `oldRow`) with `newRow`. A changed INT64 primary key moves
   * the row to its new rowid (delete + insert). Returns the row's rowid afterwards.
   */
  update(table: TableInfo, rowid: Rowid, oldRow: readonly Value[], newRow: Value[]): Rowid {
    if (table.rowidColumn >= 0) {
      const nv = newRow[table.rowidColumn];
      if (nv === null || nv === undefined) this.checkNotNull(table, newRow);
      if (nv !== rowid) {
        this.delete(table, rowid, oldRow);
        return this.insert(table, newRow);
      }
    }
    this.checkNotNull(table, newRow);
    const changed: IndexInfo[] = [];
    for (const ix of table.indexes) if (ix.def.kind === 'btree' && keyChanged(ix, oldRow, newRow, table)) changed.push(ix);
    for (const ix of changed) if (ix.def.unique) this.checkUnique(table, ix, newRow, rowid);
    for (const ix of changed) this.deleteIndexEntry(ix, oldRow, rowid);
    const tree = this.tree(table.def.rootPage);
    const key = rowidToKey(rowid);
    const old = tree.get(key);
    if (old !== undefined) for (const head of recordOverflowHeads(old)) freeOverflowChain(this.store, head);
    tree.update(key, encodeRecordView(newRow, table.types, this.overflow));
    this.noteRoot('table', table, tree);
    for (const ix of changed) this.insertIndexEntry(ix, newRow, rowid);
    for (const ix of table.indexes) if (ix.def.kind === 'trigram') this.syncTrigram(ix, rowid, oldRow, newRow);
    return rowid;
  }

  /**
   * Adds every row of `table` to a freshly created index (CREATE INDEX on existing data).
   * Returns the entry count and the number of distinct index keys (key prefixes for long
   * text: an estimate the planner uses).
   */
  fillIndex(table: TableInfo, ix: IndexInfo): { entries: number; distinctKeys: number } {
    if (ix.def.kind === 'trigram') {
      const built = buildTrigramIndex(this.store, table, ix, this.overflow, this.trigram?.spill);
      this.noteRootPage('index', ix, built.root);
      return { entries: built.entries, distinctKeys: built.entries };
    }
    const cursor = this.tree(table.def.rootPage).cursor();
    const rows: { rowid: Rowid; row: Value[] }[] = [];
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      rows.push({ rowid: keyToRowid(cursor.key), row: decodeRecord(cursor.value(), this.overflow) });
    }
    const keys = new Set<ReturnType<typeof indexKey>>();
    for (const { rowid, row } of rows) {
      if (ix.def.unique) this.checkUnique(table, ix, row, rowid);
      keys.add(this.insertIndexEntry(ix, row, rowid));
    }
    return { entries: rows.length, distinctKeys: keys.size };
  }

  private checkNotNull(table: TableInfo, row: readonly Value[]): void {
    const cols = table.def.columns;
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      if ((c.notNull || c.primaryKey) && (row[i] === null || row[i] === undefined)) {
        throw new DecentDBError('ERR_CONSTRAINT', `null value in column "${c.name}" of relation "${table.name}" violates not-null constraint`, {
          table: table.name,
          column: c.name,
        });
      }
    }
  }

  /** Throws ERR_CONSTRAINT when another row (not `self`) has the same non-NULL key values. */
  private checkUnique(table: TableInfo, ix: IndexInfo, row: readonly Value[], self: Rowid | undefined): void {
    const values = this.keyValues(ix, row);
    for (const v of values) if (v === null) return; // NULLs never collide (Postgres semantics)
    const hasValue = indexEntryHasValue(ix.types);
    const cursor = this.tree(ix.def.rootPage).cursor();
    // FLOAT64 keys are raw IEEE bits (format §1.10): -0.0 and 0.0 are equal but keyed apart.
    const keys = signedZeroKeys(values, ix.types);
    for (const k of keys) this.checkUniqueKey(table, ix, row, self, values, k, cursor, hasValue);
  }

  private checkUniqueKey(
    table: TableInfo, ix: IndexInfo, row: readonly Value[], self: Rowid | undefined, values: readonly Value[],
    key: ReturnType<typeof indexKey>, cursor: ReturnType<BTree['cursor']>, hasValue: boolean,
  ): void {
    for (let ok = cursor.seek(key); ok && cursor.key === key; ok = cursor.next()) {
      const entry = decodeIndexEntry(cursor.value(), hasValue);
      if (self !== undefined && entry.rowid === self) continue;
      const other = this.read(table, entry.rowid);
      if (other === undefined) continue;
      let same = true;
      for (let i = 0; i < ix.columnPositions.length && same; i++) {
        const p = ix.columnPositions[i]!;
        same = other[p] !== null && compareValues(other[p]!, row[p]!, table.types[p]!) === 0;
      }
      if (same) {
        const cols = ix.def.columns.join(', ');
        const shown = values.map((v) => String(v)).join(', ');
        throw new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${ix.name}" on table "${table.name}": key (${cols})=(${shown}) already exists`, {
          table: table.name,
          index: ix.name,
          columns: ix.def.columns,
          value: shown,
        });
      }
    }
  }

  private duplicateKey(table: TableInfo, rowid: Rowid): DecentDBError {
    const col = table.rowidColumn >= 0 ? table.def.columns[table.rowidColumn]!.name : 'rowid';
    return new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${table.name}_pkey" on table "${table.name}": key (${col})=(${String(rowid)}) already exists`, {
      table: table.name,
      column: col,
      value: String(rowid),
    });
  }

  private keyValues(ix: IndexInfo, row: readonly Value[]): Value[] {
    const out = this.scratch;
    if (out.length !== ix.columnPositions.length) out.length = ix.columnPositions.length;
    for (let i = 0; i < ix.columnPositions.length; i++) out[i] = row[ix.columnPositions[i]!]!;
    return out;
  }

  /** Key of the entry the last entryFor call encoded (a field: no result object per row). */
  private entryKey: ReturnType<typeof indexKey> = 0;

  /**
   * Encodes `row`'s entry in index `ix` and sets `entryKey` to its key. The entry is a view of
   * the codec's scratch (encodeIndexEntryView): use it before encoding another.
   */
  private entryFor(ix: IndexInfo, row: readonly Value[], rowid: Rowid): Uint8Array {
    const values = this.keyValues(ix, row);
    this.entryKey = indexKey(values, ix.types);
    const single = values.length === 1 ? values[0]! : null;
    const withValue = indexEntryHasValue(ix.types) && (typeof single === 'string' || single instanceof Uint8Array);
    return withValue ? encodeIndexEntryView(rowid, single as string | Uint8Array) : encodeIndexEntryView(rowid);
  }

  private insertIndexEntry(ix: IndexInfo, row: readonly Value[], rowid: Rowid): ReturnType<typeof indexKey> {
    const entry = this.entryFor(ix, row, rowid);
    const key = this.entryKey;
    const tree = this.tree(ix.def.rootPage);
    tree.insert(key, entry);
    this.noteRoot('index', ix, tree);
    return key;
  }

  private deleteIndexEntry(ix: IndexInfo, row: readonly Value[], rowid: Rowid): void {
    const entry = this.entryFor(ix, row, rowid);
    const tree = this.tree(ix.def.rootPage);
    if (!tree.delete(this.entryKey, entry)) {
      throw new DecentDBError('ERR_CORRUPTION', `index ${ix.name} has no entry for row ${String(rowid)}`, { index: ix.name });
    }
  }

  private noteRoot(kind: 'table' | 'index', owner: TableInfo | IndexInfo, tree: BTree): void {
    this.noteRootPage(kind, owner, tree.root);
  }

  private noteRootPage(kind: 'table' | 'index', owner: TableInfo | IndexInfo, root: number): void {
    if (root === owner.def.rootPage) return;
    owner.def = { ...owner.def, rootPage: root } as typeof owner.def;
    this.listener.rootChanged(kind, owner.name, root);
  }

  /** Trigram postings follow the row in its own transaction (ADR-0007 §3). */
  private syncTrigram(ix: IndexInfo, rowid: Rowid, oldRow: readonly Value[] | null, newRow: readonly Value[] | null): void {
    this.noteRootPage('index', ix, syncTrigramRow(this.store, ix, this.trigram?.tailsFor(ix.name), rowid, oldRow, newRow));
  }
}

function keyChanged(ix: IndexInfo, oldRow: readonly Value[], newRow: readonly Value[], table: TableInfo): boolean {
  for (const p of ix.columnPositions) if (!sameValue(oldRow[p]!, newRow[p]!, table, p)) return true;
  return false;
}

function sameValue(a: Value, b: Value, table: TableInfo, pos: number): boolean {
  if (a === null || b === null) return a === b;
  return compareValues(a, b, table.types[pos]!) === 0 && typeof a === typeof b;
}

const MAX_ROWID = (1n << 63n) - 1n;

/** Table trees reject a second row with the same rowid. */
const UNIQUE_KEY = { unique: true } as const;

function bigger(a: Rowid, b: Rowid): boolean {
  return typeof a === 'number' && typeof b === 'number' ? a > b : BigInt(a) > BigInt(b);
}

function successor(r: Rowid): Rowid {
  if (typeof r === 'number') return r + 1 <= Number.MAX_SAFE_INTEGER ? r + 1 : BigInt(r) + 1n;
  return r + 1n;
}
