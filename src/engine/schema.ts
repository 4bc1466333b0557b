/**
 * Schema: the live catalog of one database — tables, indexes, views, triggers and statistics
 * loaded from the catalog B+Tree (format §1.8) into case-insensitive maps, and written back
 * record by record as DDL and root splits change them. It does no SQL: the DDL executor
 * decides, the Schema stores. One instance per committed schema version; a write transaction
 * that changes the schema works on a copy (`clone`) so rollback simply drops it.
 */
import { DecentDBError } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { PageStore } from '../pager/page-store.js';
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
        case 'indexStats':
          schema.indexStats.set(entry.stats.name.toLowerCase(), {
            entryCount: entry.stats.entryCount,
            distinctKeyCount: entry.stats.distinctKeyCount,
          });
          break;
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
      if (t !== undefined && typeof rows === 'number') t.rowCount = rows;
    }
    return schema;
  }

  /** A deep-enough copy for a transaction that changes the schema. */
  clone(): Schema {
    const s = new Schema(this.catalogRoot, this.cookie);
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
    return s;
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

  /** The next rowid of `table`: max(stored hint, largest key + 1), computed once per schema. */
  nextRowId(store: PageStore, table: TableInfo): number | bigint {
    if (table.nextRowId === undefined) {
      const last = new BTree(store, table.def.rootPage).lastKey();
      const fromTree = last === undefined ? 1 : nextAfter(keyToRowid(last));
      const hint = table.def.nextRowId;
      table.nextRowId = typeof hint === 'number' && typeof fromTree === 'number' ? Math.max(hint, fromTree) : BigInt(hint) > BigInt(fromTree) ? hint : fromTree;
    }
    return table.nextRowId;
  }
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
