/**
 * What the Binder and Planner need from the database: objects by case-insensitive name and the
 * statistics the cost model reads (spec/native-format.md §1.8, ADR-0112 stats records). The
 * engine implements it over its catalog; tests use an in-memory one (exec/test-tables.ts).
 * Deliberately no storage access: plans name root pages, the executor opens them.
 */
import type { IndexDef, TableDef, ViewDef } from '../catalog/index.js';
import type { SelectStmt } from '../sql/index.js';

/** A view with its stored SELECT already parsed (the engine parses and caches it). */
export interface SchemaView {
  readonly def: ViewDef;
  readonly query: SelectStmt;
}

/** The planner's window on the catalog. All names are matched case-insensitively. */
export interface Schema {
  table(name: string): TableDef | undefined;
  view(name: string): SchemaView | undefined;
  /** Every index of a table (btree and trigram; the planner uses btree ones). */
  indexesOf(table: string): readonly IndexDef[];
  /** Row count from statistics; undefined when unknown. */
  rowCount(table: string): number | undefined;
  /** Distinct keys of an index from statistics; undefined when unknown. */
  distinctKeys(index: string): number | undefined;
}

/** Index of the column that is the rowid (single-column INT64 PRIMARY KEY, format §1.9), or -1. */
export function rowidColumn(table: TableDef): number {
  let found = -1;
  for (let i = 0; i < table.columns.length; i++) {
    const c = table.columns[i]!;
    if (!c.primaryKey) continue;
    if (found !== -1) return -1;
    found = i;
  }
  return found !== -1 && table.columns[found]!.type.base === 'INT64' ? found : -1;
}
