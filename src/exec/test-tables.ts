/**
 * @internal Test fixture until the engine exists: builds native table and index B+Trees on a
 * MemoryPageStore with the record codec and index-key functions (format §1.9–1.10), serves
 * them through an in-memory Schema, and runs SELECTs end to end (parse → plan → execute).
 * Not for production: no transactions, no constraint checks, statistics are exact counts.
 */
import { BTree, MemoryPageStore } from '../btree/index.js';
import type { IndexDef, TableDef, ViewDef } from '../catalog/index.js';
import { encodeIndexEntry, encodeRecord, indexEntryHasValue, indexKey, overflowFor, rowidToKey } from '../record/index.js';
import type { SqlType, Value } from '../record/index.js';
import { parse } from '../sql/index.js';
import type { SelectStmt } from '../sql/index.js';
import { MemoryVfs } from '../vfs/index.js';
import { explain, planSelect, rowidColumn } from '../planner/index.js';
import type { PhysicalPlan, Schema, SchemaView } from '../planner/index.js';
import { DecentDBError } from '../util/index.js';
import type { Clock } from '../types/index.js';
import { newCounters } from './exec-context.js';
import type { ExecContext, ExecCounters } from './exec-context.js';
import { execute } from './execute.js';
import { TrigramIndex } from '../trigram/index.js';
import { explainTrigram } from './trigram-access.js';
import { newEnv } from './execute.js';

export interface TestColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly pk?: boolean;
}

export interface TestIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique?: boolean;
  /** 'trigram': one TEXT column, postings keyed by the table's u64 keys (ADR-0007). */
  readonly kind?: 'btree' | 'trigram';
}

const FIXED_CLOCK: Clock = { nowMicros: () => 1_700_000_000_000_000 };

export class TestDb implements Schema {
  readonly store = new MemoryPageStore(4096);
  readonly vfs = new MemoryVfs();
  private readonly tables = new Map<string, TableDef>();
  private readonly indexes = new Map<string, IndexDef[]>();
  private readonly views = new Map<string, SchemaView>();
  private readonly counts = new Map<string, number>();
  private readonly distinct = new Map<string, number>();
  private tempN = 0;
  counters: ExecCounters = newCounters();
  memoryBudgetBytes = 1 << 24;
  /** When false, rowCount/distinctKeys report nothing (planner defaults). */
  withStats = true;
  /** When false, the context offers no trigram hook (trigram accesses scan). */
  withTrigram = true;

  createTable(name: string, columns: readonly TestColumn[], rows: readonly (readonly Value[])[] = [], indexes: readonly TestIndex[] = []): TableDef {
    const tree = BTree.create(this.store);
    const ov = overflowFor(this.store);
    const types = columns.map((c) => c.type);
    const shape: TableDef = {
      name,
      rootPage: tree.root,
      nextRowId: 1,
      columns: columns.map((c) => ({ name: c.name, type: c.type, notNull: c.pk === true, unique: c.pk === true, primaryKey: c.pk === true })),
      checks: [],
    };
    const rid = rowidColumn(shape);
    const rowids: (number | bigint)[] = [];
    rows.forEach((r, i) => {
      const rowid = rid >= 0 ? (r[rid] as number | bigint) : i + 1;
      rowids.push(rowid);
      tree.insert(rowidToKey(rowid), encodeRecord(r, types, ov));
    });
    // The root moves when the tree splits: read it after loading.
    const def: TableDef = { ...shape, rootPage: tree.root };
    const defs: IndexDef[] = [];
    for (const ix of indexes) {
      if (ix.kind === 'trigram') {
        const c = columns.findIndex((col) => col.name === ix.columns[0]);
        const tri = TrigramIndex.create(this.store);
        rows.forEach((r, i) => tri.add(rowidToKey(rowids[i]!), typeof r[c] === 'string' ? r[c] : null));
        defs.push({ name: ix.name, table: name, columns: ix.columns, rootPage: tri.root, kind: 'trigram', unique: false, predicateSql: '' });
        continue;
      }
      const t = BTree.create(this.store);
      const cols = ix.columns.map((n) => columns.findIndex((c) => c.name === n));
      const ixTypes = cols.map((c) => columns[c]!.type);
      const hasValue = indexEntryHasValue(ixTypes);
      const keys = new Set<string>();
      rows.forEach((r, i) => {
        const vals = cols.map((c) => r[c] ?? null);
        keys.add(JSON.stringify(vals, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
        const v0 = vals[0] ?? null;
        const entry = hasValue ? encodeIndexEntry(rowids[i]!, typeof v0 === 'string' || v0 instanceof Uint8Array ? v0 : '') : encodeIndexEntry(rowids[i]!);
        t.insert(indexKey(vals, ixTypes), entry);
      });
      const d: IndexDef = { name: ix.name, table: name, columns: ix.columns, rootPage: t.root, kind: 'btree', unique: ix.unique === true, predicateSql: '' };
      defs.push(d);
      this.distinct.set(ix.name.toLowerCase(), keys.size);
    }
    this.tables.set(name.toLowerCase(), def);
    this.indexes.set(name.toLowerCase(), defs);
    this.counts.set(name.toLowerCase(), rows.length);
    return def;
  }

  createView(name: string, sql: string, columns: readonly string[] = []): void {
    const def: ViewDef = { name, sql, columns, dependencies: [] };
    this.views.set(name.toLowerCase(), { def, query: parse(sql) as SelectStmt });
  }

  table(name: string): TableDef | undefined {
    return this.tables.get(name.toLowerCase());
  }
  view(name: string): SchemaView | undefined {
    return this.views.get(name.toLowerCase());
  }
  indexesOf(table: string): readonly IndexDef[] {
    return this.indexes.get(table.toLowerCase()) ?? [];
  }
  rowCount(table: string): number | undefined {
    return this.withStats ? this.counts.get(table.toLowerCase()) : undefined;
  }
  distinctKeys(index: string): number | undefined {
    return this.withStats ? this.distinct.get(index.toLowerCase()) : undefined;
  }

  context(params: readonly Value[] = []): ExecContext {
    const store = this.store;
    return {
      store,
      openCursor: (root) => new BTree(store, root).cursor(),
      overflow: overflowFor(store),
      params,
      clock: FIXED_CLOCK,
      vfs: this.vfs,
      tempPath: () => `/tmp/sort-${this.tempN++}`,
      memoryBudgetBytes: this.memoryBudgetBytes,
      counters: this.counters,
      ...(this.withTrigram ? { openTrigram: (ix: IndexDef) => new TrigramIndex(store, ix.rootPage), rowCount: (t: string) => this.rowCount(t) } : {}),
    };
  }

  plan(sql: string): PhysicalPlan {
    const stmt = parse(sql);
    if (stmt.kind !== 'select') throw new DecentDBError('ERR_SQL', 'not a SELECT');
    return planSelect(stmt, this, { sql });
  }

  query(sql: string, params: readonly Value[] = []): Value[][] {
    return [...execute(this.plan(sql), this.context(params))];
  }

  explain(sql: string, params: readonly Value[] = []): string[] {
    const ctx = this.context(params);
    return explain(this.plan(sql), { trigram: explainTrigram(ctx, newEnv(ctx)) });
  }
}
