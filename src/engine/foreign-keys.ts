/**
 * Foreign keys (native ADR-0006/0009/0081, single-column): child rows must reference an
 * existing parent key; deleting or changing a referenced parent key applies the child's ON
 * DELETE / ON UPDATE action (NO ACTION, RESTRICT, CASCADE, SET NULL). NO ACTION and the
 * child-side checks run when the statement has finished its rows (Postgres statement
 * semantics); RESTRICT fails at once. Lookups use the rowid, a single-column index, or a scan.
 */
import { DecentDBError } from '../util/index.js';
import { BTree } from '../btree/index.js';
import {
  decodeIndexEntry, decodeRecord, indexEntryHasValue, indexKey, keyToRowid, rowidToKey, type Value,
} from '../record/index.js';
import { compareValues } from '../exec/index.js';
import type { ColumnDef } from '../catalog/index.js';
import type { TableInfo } from './schema.js';
import type { WriteScope } from './session.js';
import type { Rowid } from './table-writer.js';

export interface RowRef {
  readonly rowid: Rowid;
  readonly row: Value[];
}

/** Rows of `table` whose column `pos` equals `value` (never NULL). */
export function rowsWhere(scope: WriteScope, table: TableInfo, pos: number, value: Value): RowRef[] {
  const out: RowRef[] = [];
  if (value === null) return out;
  const type = table.types[pos]!;
  if (pos === table.rowidColumn) {
    if (typeof value !== 'number' && typeof value !== 'bigint') return out;
    const row = scope.rows.read(table, value);
    if (row !== undefined) out.push({ rowid: value, row });
    return out;
  }
  const ix = table.indexes.find((i) => i.def.kind === 'btree' && i.columnPositions.length === 1 && i.columnPositions[0] === pos);
  if (ix !== undefined) {
    const hasValue = indexEntryHasValue([type]);
    const cursor = new BTree(scope.txn, ix.def.rootPage).cursor();
    const rowids: Rowid[] = [];
    // FLOAT64 keys are raw IEEE bits: -0.0 and 0.0 are equal values under different keys.
    const values = type.base === 'FLOAT64' && value === 0 ? [0, -0] : [value];
    for (const v of values) {
      const key = indexKey([v], [type]);
      for (let ok = cursor.seek(key); ok && cursor.key === key; ok = cursor.next()) rowids.push(decodeIndexEntry(cursor.value(), hasValue).rowid);
    }
    for (const rowid of rowids) {
      const row = scope.rows.read(table, rowid);
      if (row !== undefined && row[pos] !== null && compareValues(row[pos]!, value, type) === 0) out.push({ rowid, row });
    }
    return out;
  }
  const cursor = new BTree(scope.txn, table.def.rootPage).cursor();
  for (let ok = cursor.first(); ok; ok = cursor.next()) {
    const row = decodeRecord(cursor.value(), scope.rows.overflow);
    if (row[pos] !== null && compareValues(row[pos]!, value, type) === 0) out.push({ rowid: keyToRowid(cursor.key), row });
  }
  return out;
}

/** Whether some row of `table` has `value` (never NULL) in column `pos`: by rowid without decoding the row. */
export function anyRowWhere(scope: WriteScope, table: TableInfo, pos: number, value: Value): boolean {
  if (pos === table.rowidColumn) return (typeof value === 'number' || typeof value === 'bigint') && scope.rows.exists(table, value);
  return rowsWhere(scope, table, pos, value).length > 0;
}

/** The (child table, column position, column) pairs that reference `parent`. */
export function referencingColumns(scope: WriteScope, parent: TableInfo): { table: TableInfo; pos: number; column: ColumnDef }[] {
  const out: { table: TableInfo; pos: number; column: ColumnDef }[] = [];
  const name = parent.name.toLowerCase();
  for (const t of scope.schema.tables.values()) {
    t.def.columns.forEach((c, pos) => {
      if (c.references?.table.toLowerCase() === name) out.push({ table: t, pos, column: c });
    });
  }
  return out;
}

/** Checks deferred to the end of a statement. */
export class PendingForeignKeyChecks {
  private readonly childChecks: { table: TableInfo; pos: number; value: Value }[] = [];
  private readonly parentChecks: { parent: TableInfo; parentPos: number; child: TableInfo; childPos: number; value: Value }[] = [];

  /** A child row now holds `value` in FK column `pos`: the parent key must exist. */
  child(table: TableInfo, pos: number, value: Value): void {
    if (value !== null) this.childChecks.push({ table, pos, value });
  }

  /** A parent key `value` went away: no child may still reference it (NO ACTION). */
  parent(parent: TableInfo, parentPos: number, child: TableInfo, childPos: number, value: Value): void {
    if (value !== null) this.parentChecks.push({ parent, parentPos, child, childPos, value });
  }

  verify(scope: WriteScope): void {
    for (const c of this.childChecks) {
      const col = c.table.def.columns[c.pos]!;
      const ref = col.references!;
      const parent = scope.schema.table(ref.table);
      const parentPos = parent?.column(ref.column) ?? -1;
      if (parent === undefined || parentPos < 0 || !anyRowWhere(scope, parent, parentPos, c.value)) {
        throw new DecentDBError(
          'ERR_CONSTRAINT',
          `insert or update on table "${c.table.name}" violates foreign key constraint on column "${col.name}": key (${col.name})=(${String(c.value)}) is not present in table "${ref.table}"`,
          { table: c.table.name, column: col.name, value: String(c.value), references: ref.table },
        );
      }
    }
    for (const p of this.parentChecks) {
      if (anyRowWhere(scope, p.parent, p.parentPos, p.value)) continue;
      if (anyRowWhere(scope, p.child, p.childPos, p.value)) throw stillReferenced(p.parent, p.child, p.parent.def.columns[p.parentPos]!.name, p.value);
    }
    this.childChecks.length = 0;
    this.parentChecks.length = 0;
  }
}

export function stillReferenced(parent: TableInfo, child: TableInfo, column: string, value: Value): DecentDBError {
  return new DecentDBError(
    'ERR_CONSTRAINT',
    `update or delete on table "${parent.name}" violates foreign key constraint on table "${child.name}": key (${column})=(${String(value)}) is still referenced from table "${child.name}"`,
    { table: parent.name, referencedBy: child.name, column, value: String(value) },
  );
}

