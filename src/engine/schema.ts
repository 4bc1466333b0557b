/**
 * Schema: the live catalog of one database — tables, indexes, views, triggers and statistics
 * loaded from the catalog B+Tree (format §1.8) into case-insensitive maps, and written back
 * record by record as DDL and root splits change them. It does no SQL: the DDL executor
 * decides, the Schema stores. One instance per committed schema version; a write transaction
 * that changes the schema works on a copy (`clone`) so rollback simply drops it.
 */
import { DecentDBError } from '../util/index.js';
import { u64FromBigInt, type U64 } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { BTree } from '../btree/index.js';
import type { SqlType } from '../record/index.js';
import { keyToRowid, overflowFor } from '../record/index.js';
import {
  catalogKeyOf, decodeCatalogRecord, encodeCatalogRecord, indexStatsKey, tableStatsKey,
  type CatalogEntry, type IndexDef, type TableDef, type TriggerDef, type ViewDef,
} from '../catalog/index.js';

/** A table as the engine uses it: its definition plus derived, mutable runtime state. */
export class TableInfo {
  /** Lower-cased column name → position. */
  readonly columnIndex = new Map<string, number>();
  readonly types: SqlType[];
  /** Position of the single INT64 primary key that is the rowid, or -1 (hidden rowid). */
  readonly rowidColumn: number;
  indexes: IndexInfo[] = [];
  triggers: TriggerDef[] = [];
  /** Next rowid to assign; undefined until computed from the tree (format §1.8). */
  nextRowId: number | bigint | undefined;
  rowCount: number | undefined;

  constructor(public def: TableDef) {
    this.types = def.columns.map((c) => c.type);
    def.columns.forEach((c, i) => this.columnIndex.set(c.name.toLowerCase(), i));
    const pk = def.columns.filter((c) => c.primaryKey);
    this.rowidColumn = pk.length === 1 && pk[0]!.type.base === 'INT64' ? def.columns.indexOf(pk[0]!) : -1;
  }

  get name(): string {
    return this.def.name;
  }

  column(name: string): number {
    return this.columnIndex.get(name.toLowerCase()) ?? -1;
  }
}

export class IndexInfo {
  /** Positions of the indexed columns in the table row (empty for expression indexes). */
  readonly columnPositions: number[];
  readonly types: SqlType[];

  constructor(
    public def: IndexDef,
    table: TableInfo,
  ) {
    this.columnPositions = def.columns.map((c) => {
      const i = table.column(c);
      if (i < 0) throw new DecentDBError('ERR_CORRUPTION', `index ${def.name} names unknown column ${c} of ${table.name}`);
      return i;
    });
    this.types = this.columnPositions.map((i) => table.types[i]!);
  }

  get name(): string {
    return this.def.name;
  }
}

export class Schema {
  readonly tables = new Map<string, TableInfo>();
  readonly views = new Map<string, ViewDef>();
  readonly indexes = new Map<string, IndexInfo>();
  /** INSTEAD OF triggers, which belong to views. */
  readonly viewTriggers: TriggerDef[] = [];
  readonly indexStats = new Map<string, { entryCount: U64 | number; distinctKeyCount: U64 | number }>();
  /**
   * Identity of this schema's structure (tables, columns, indexes, views, triggers, root
   * pages). A clone shares it until its transaction changes the structure (session.ts gives
   * the clone a fresh token then), so plans cached by token survive row-only transactions.
   */
  structure: object = {};
  /** Row counts as last stored in `stats:table` records (lower-cased table name → count). */
  readonly storedRowCounts = new Map<string, number>();
  /** Index statistics as last stored in `stats:index` records (lower-cased index name). */
  readonly storedIndexStats = new Map<string, { entryCount: U64 | number; distinctKeyCount: U64 | number }>();

  constructor(
    /** Root page of the catalog tree. */
    public catalogRoot: number,
    /** Header schema cookie this schema was loaded at. */
    public cookie: number,
  ) {}

  /** Loads every catalog record (unknown kinds are skipped, as the native engine does). */
  static load(store: PageStore, catalogRoot: number, cookie: number): Schema {
    const schema = new Schema(catalogRoot, cookie);
    if (catalogRoot === 0) return schema;
    const overflow = overflowFor(store);
    const pendingIndexes: IndexDef[] = [];
    const triggers: TriggerDef[] = [];
    const tableStats = new Map<string, number | bigint>();
    const cursor = new BTree(store, catalogRoot).cursor();
    for (let ok = cursor.first(); ok; ok = cursor.next()) {
      const entry = decodeCatalogRecord(cursor.value(), overflow);
      switch (entry.kind) {
        case 'table':
          schema.tables.set(entry.table.name.toLowerCase(), new TableInfo(entry.table));
          break;
        case 'index':
          pendingIndexes.push(entry.index);
          break;
        case 'view':
          schema.views.set(entry.view.name.toLowerCase(), entry.view);
          break;
        case 'trigger':
          triggers.push(entry.trigger);
          break;
        case 'tableStats':
          tableStats.set(entry.stats.name.toLowerCase(), entry.stats.rowCount);
          break;
        case 'indexStats': {
          const stats = { entryCount: entry.stats.entryCount, distinctKeyCount: entry.stats.distinctKeyCount };
          schema.indexStats.set(entry.stats.name.toLowerCase(), stats);
          schema.storedIndexStats.set(entry.stats.name.toLowerCase(), stats);
          break;
        }
        case 'unknown':
          break;
      }
    }
    for (const def of pendingIndexes) {
      const table = schema.tables.get(def.table.toLowerCase());
      if (table === undefined) continue;
      const info = new IndexInfo(def, table);
      table.indexes.push(info);
      schema.indexes.set(def.name.toLowerCase(), info);
    }
    for (const t of triggers) {
      const table = schema.tables.get(t.table.toLowerCase());
      if (table !== undefined) table.triggers.push(t);
      else schema.viewTriggers.push(t);
    }
    for (const [name, rows] of tableStats) {
      const t = schema.tables.get(name);
      if (t !== undefined && typeof rows === 'number') {
        t.rowCount = rows;
        schema.storedRowCounts.set(name, rows);
      }
    }
    return schema;
  }

  /** A deep-enough copy for a transaction that changes the schema. */
  clone(): Schema {
    const s = new Schema(this.catalogRoot, this.cookie);
    s.structure = this.structure;
    for (const [k, t] of this.tables) {
      const copy = new TableInfo(t.def);
      copy.nextRowId = t.nextRowId;
      copy.rowCount = t.rowCount;
      copy.triggers = [...t.triggers];
      s.tables.set(k, copy);
    }
    for (const [k, ix] of this.indexes) {
      const table = s.tables.get(ix.def.table.toLowerCase());
      if (table === undefined) continue;
      const copy = new IndexInfo(ix.def, table);
      table.indexes.push(copy);
      s.indexes.set(k, copy);
    }
    for (const [k, v] of this.views) s.views.set(k, v);
    s.viewTriggers.push(...this.viewTriggers);
    for (const [k, v] of this.indexStats) s.indexStats.set(k, v);
    for (const [k, v] of this.storedRowCounts) s.storedRowCounts.set(k, v);
    for (const [k, v] of this.storedIndexStats) s.storedIndexStats.set(k, v);
    return s;
  }

  /**
   * Takes the advisory hints (row counts, next rowids, index stats) of `copy`, a clone of this
   * schema whose transaction changed no structure (session.ts invariant 1).
   */
  adoptHints(copy: Schema): void {
    for (const [k, t] of this.tables) {
      const c = copy.tables.get(k);
      if (c === undefined) continue;
      t.rowCount = c.rowCount;
      t.nextRowId = c.nextRowId;
    }
    for (const [k, v] of copy.indexStats) this.indexStats.set(k, v);
    for (const [k, v] of copy.storedRowCounts) this.storedRowCounts.set(k, v);
    for (const [k, v] of copy.storedIndexStats) this.storedIndexStats.set(k, v);
  }

  /**
   * Writes `stats:table` records (format §1.8, ADR-0112) for tables whose row count changed
   * since it was last stored; a table whose count is unknown (a file from another writer
   * without stats) is counted once here. Returns the number of records written.
   */
  storeRowCounts(store: PageStore, catalog: CatalogWriter): number {
    let written = 0;
    for (const [k, t] of this.tables) {
      if (t.rowCount === undefined) t.rowCount = countEntries(new BTree(store, t.def.rootPage));
      if (this.storedRowCounts.get(k) === t.rowCount) continue;
      catalog.put({ kind: 'tableStats', stats: { name: k, rowCount: t.rowCount } });
      this.storedRowCounts.set(k, t.rowCount);
      written++;
    }
    // Distinct-key counts measured at index builds, so the planner has them after a reopen.
    for (const [k, v] of this.indexStats) {
      if (!this.indexes.has(k) || this.storedIndexStats.get(k) === v) continue;
      catalog.put({ kind: 'indexStats', stats: { name: k, entryCount: v.entryCount, distinctKeyCount: v.distinctKeyCount } });
      this.storedIndexStats.set(k, v);
      written++;
    }
    return written;
  }

  /** True when some table's row count differs from its stored `stats:table` record. */
  get rowCountsStale(): boolean {
    for (const [k, t] of this.tables) if (t.rowCount === undefined || this.storedRowCounts.get(k) !== t.rowCount) return true;
    for (const [k, v] of this.indexStats) if (this.indexes.has(k) && this.storedIndexStats.get(k) !== v) return true;
    return false;
  }

  /** Records an index's entry and distinct-key counts, measured at a (re)build (kept in memory). */
  setIndexStats(index: string, entryCount: number, distinctKeyCount: number): void {
    this.indexStats.set(index.toLowerCase(), { entryCount, distinctKeyCount });
  }

  table(name: string): TableInfo | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The table or ERR_SQL `relation "x" does not exist`. */
  requireTable(name: string): TableInfo {
    const t = this.tables.get(name.toLowerCase());
    if (t === undefined) throw new DecentDBError('ERR_SQL', `relation "${name}" does not exist`, { table: name });
    return t;
  }

  /**
   * The next rowid of `table`: max(stored hint, largest non-negative rowid + 1, 1), computed
   * once per TableInfo. Negative rowids are keys ≥ 2^63 and sort after every positive one, so
   * when the last key is negative the largest positive key is found by a binary search of seeks.
   */
  nextRowId(store: PageStore, table: TableInfo): number | bigint {
    if (table.nextRowId === undefined) {
      const last = largestNonNegativeRowid(new BTree(store, table.def.rootPage));
      const fromTree = last === undefined ? 1 : nextAfter(last);
      const hint = table.def.nextRowId;
      table.nextRowId = typeof hint === 'number' && typeof fromTree === 'number' ? Math.max(hint, fromTree) : BigInt(hint) > BigInt(fromTree) ? hint : fromTree;
    }
    return table.nextRowId;
  }
}

function countEntries(tree: BTree): number {
  let n = 0;
  const cursor = tree.cursor();
  for (let ok = cursor.first(); ok; ok = cursor.next()) n++;
  return n;
}

const SIGN_KEY = 1n << 63n;

/** The largest rowid ≥ 0 stored in `tree` (table trees are keyed by rowidToKey), or undefined. */
function largestNonNegativeRowid(tree: BTree): number | bigint | undefined {
  const last = tree.lastKey();
  if (last === undefined) return undefined;
  if (BigInt(last) < SIGN_KEY) return keyToRowid(last);
  // Largest m in [0, 2^63) such that some key in [m, 2^63) exists; the key at seek(m) is it.
  const cursor = tree.cursor();
  const positiveAt = (m: bigint): U64 | undefined => (cursor.seek(u64FromBigInt(m)) && BigInt(cursor.key) < SIGN_KEY ? cursor.key : undefined);
  if (positiveAt(0n) === undefined) return undefined;
  let lo = 0n;
  let hi = SIGN_KEY - 1n;
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    if (positiveAt(mid) !== undefined) lo = mid;
    else hi = mid - 1n;
  }
  return keyToRowid(positiveAt(lo)!);
}

function nextAfter(rowid: number | bigint): number | bigint {
  if (typeof rowid === 'number') return rowid < 1 ? 1 : rowid + 1 <= Number.MAX_SAFE_INTEGER ? rowid + 1 : BigInt(rowid) + 1n;
  return rowid < 1n ? 1 : rowid + 1n;
}

/**
 * Writes catalog records. Each put/delete goes straight into the catalog tree of the write
 * transaction's store; the caller records a changed catalog root in the header.
 */
export class CatalogWriter {
  private readonly tree: BTree;

  constructor(
    private readonly store: PageStore,
    root: number,
  ) {
    this.tree = root === 0 ? BTree.create(store) : new BTree(store, root);
  }

  get root(): number {
    return this.tree.root;
  }

  put(entry: CatalogEntry): void {
    const key = catalogKeyOf(entry);
    const bytes = encodeCatalogRecord(entry, overflowFor(this.store));
    if (!this.tree.update(key, bytes)) this.tree.insert(key, bytes);
  }

  remove(entry: CatalogEntry): void {
    this.tree.delete(catalogKeyOf(entry));
  }

  removeStats(kind: 'table' | 'index', name: string): void {
    this.tree.delete(kind === 'table' ? tableStatsKey(name) : indexStatsKey(name));
  }
}
