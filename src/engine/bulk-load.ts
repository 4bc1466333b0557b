/**
 * bulkLoad: many rows into one table, fast. Rows are cast and checked like INSERT (NOT NULL,
 * CHECK, UNIQUE, foreign keys) but written without per-row index maintenance: into an empty
 * table whose rowids arrive in ascending order the table tree is built bottom-up
 * (BTree.bulkBuild, pages filled fully); otherwise rows are inserted (append fast path). Each
 * secondary index is rebuilt once at the end from its sorted entries. The caller chooses the
 * durability and the batch size (rows per transaction; default: one transaction).
 */
import { DecentDBError } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { Durability } from '../pager/index.js';
import { BTree, compareKeys } from '../btree/index.js';
import {
  decodeIndexEntry, decodeRecord, encodeIndexEntry, encodeRecord, indexEntryHasValue, indexKey,
  keyToRowid, rowidToKey, type SqlType, type Value,
} from '../record/index.js';
import { assignCast, compareValues } from '../exec/index.js';
import type { EngineContext } from './engine-context.js';
import { fromJs, naturalType } from './js-values.js';
import { rowsWhere } from './foreign-keys.js';
import { compileStoredExpr, type RowExpr } from './row-expressions.js';
import { checkViolation } from './dml-rows.js';
import type { IndexInfo, TableInfo } from './schema.js';
import { addTrigramRows } from './trigram-sync.js';
import type { WriteScope } from './session.js';

export interface BulkLoadOptions {
  /** Durability of each batch's commit (default: the database's). */
  readonly durability?: Durability;
  /** Rows per transaction; default: all rows in one transaction. */
  readonly batchSize?: number;
  /** Column names giving the order of array rows (default: all columns in table order). */
  readonly columns?: readonly string[];
  /** Checkpoint when done (default true). */
  readonly checkpoint?: boolean;
}

export interface BulkLoadResult {
  readonly rows: number;
  readonly batches: number;
  /** True when the table tree was built bottom-up rather than by inserts. */
  readonly bottomUp: boolean;
}

type InputRow = readonly unknown[] | Record<string, unknown>;

export function bulkLoad(ctx: EngineContext, tableName: string, rows: Iterable<InputRow>, options: BulkLoadOptions): BulkLoadResult {
  const batchSize = options.batchSize ?? Number.POSITIVE_INFINITY;
  if (!(batchSize > 0)) throw new DecentDBError('ERR_SQL', 'bulkLoad batchSize must be positive');
  const iterator = rows[Symbol.iterator]();
  let total = 0;
  let batches = 0;
  let bottomUp = false;
  let done = false;
  while (!done) {
    const r = ctx.session.write((scope) => loadBatch(ctx, scope, tableName, iterator, batchSize, options), options.durability);
    total += r.rows;
    batches++;
    bottomUp ||= r.bottomUp;
    done = r.exhausted;
    if (ctx.session.inTransaction && !done) throw new DecentDBError('ERR_TRANSACTION', 'bulkLoad with batchSize inside a transaction: batches cannot commit separately');
  }
  if (options.checkpoint !== false && !ctx.session.inTransaction) ctx.pager.checkpoint();
  return { rows: total, batches, bottomUp };
}

interface BatchResult {
  rows: number;
  exhausted: boolean;
  bottomUp: boolean;
}

function loadBatch(ctx: EngineContext, scope: WriteScope, tableName: string, input: Iterator<InputRow>, limit: number, options: BulkLoadOptions): BatchResult {
  const table = scope.schema.requireTable(tableName);
  const prep = new RowPreparer(ctx, scope, table, options.columns);
  const indexes = table.indexes.filter((ix) => ix.def.kind === 'btree');
  const trigrams = table.indexes.filter((ix) => ix.def.kind === 'trigram');
  const trigramRows: (readonly [number | bigint, Value | undefined])[][] = trigrams.map(() => []);
  const entries: { key: U64; entry: Uint8Array }[][] = indexes.map(() => []);
  const tree = new BTree(scope.txn, table.def.rootPage);
  const empty = tree.lastKey() === undefined && indexes.every((ix) => new BTree(scope.txn, ix.def.rootPage).lastKey() === undefined);
  let count = 0;
  let exhausted = false;
  let lastKey: U64 | undefined;
  let pending: { key: U64; record: Uint8Array } | undefined;

  const next = (): { key: U64; record: Uint8Array } | undefined => {
    if (count >= limit) return undefined;
    const item = input.next();
    if (item.done === true) {
      exhausted = true;
      return undefined;
    }
    const { rowid, row } = prep.prepare(item.value);
    indexes.forEach((ix, i) => entries[i]!.push(indexEntry(ix, row, rowid)));
    trigrams.forEach((ix, i) => trigramRows[i]!.push([rowid, row[ix.columnPositions[0]!]]));
    count++;
    return { key: rowidToKey(rowid), record: encodeRecord(row, table.types, scope.rows.overflow) };
  };

  let bottomUp = false;
  if (empty) {
    // Build bottom-up while keys ascend; stop at the first key out of order and insert the rest.
    const source = function* (): Generator<readonly [U64, Uint8Array]> {
      for (let r = next(); r !== undefined; r = next()) {
        if (lastKey !== undefined && compareKeys(r.key, lastKey) <= 0) {
          pending = r;
          return;
        }
        lastKey = r.key;
        yield [r.key, r.record];
      }
    };
    const built = BTree.bulkBuild(scope.txn, source());
    if (built.root !== table.def.rootPage) {
      new BTree(scope.txn, table.def.rootPage).destroy();
      setTableRoot(scope, table, built.root);
    }
    bottomUp = true;
  }
  const target = new BTree(scope.txn, table.def.rootPage);
  const insertOne = (r: { key: U64; record: Uint8Array }): void => {
    try {
      target.insert(r.key, r.record, { unique: true });
    } catch (e) {
      if (e instanceof DecentDBError && e.code === 'ERR_CONSTRAINT') {
        const col = table.rowidColumn >= 0 ? table.def.columns[table.rowidColumn]!.name : 'rowid';
        const rowid = String(keyToRowid(r.key));
        throw new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${table.name}_pkey" on table "${table.name}": key (${col})=(${rowid}) already exists`, { table: table.name, column: col, value: rowid });
      }
      throw e;
    }
  };
  if (pending !== undefined) insertOne(pending);
  for (let r = next(); r !== undefined; r = next()) insertOne(r);
  if (target.root !== table.def.rootPage) setTableRoot(scope, table, target.root);

  indexes.forEach((ix, i) => rebuildIndex(scope, table, ix, entries[i]!));
  trigrams.forEach((ix, i) => {
    // ADR-0007: one build (empty index) or one grouped append per batch, not per row.
    const root = addTrigramRows(scope.txn, ix, trigramRows[i]!);
    if (root !== ix.def.rootPage) {
      ix.def = { ...ix.def, rootPage: root };
      scope.catalog.put({ kind: 'index', index: ix.def });
    }
    if (trigramRows[i]!.length > 0) scope.schemaChanged(); // clears the shared tails these writes bypassed
  });
  table.nextRowId = undefined;
  if (table.rowCount !== undefined) table.rowCount += count;
  prep.verifyForeignKeys();
  return { rows: count, exhausted, bottomUp };
}

function setTableRoot(scope: WriteScope, table: TableInfo, root: number): void {
  table.def = { ...table.def, rootPage: root };
  scope.catalog.put({ kind: 'table', table: table.def });
  scope.schemaChanged();
}

function indexEntry(ix: IndexInfo, row: readonly Value[], rowid: number | bigint): { key: U64; entry: Uint8Array } {
  const values = ix.columnPositions.map((p) => row[p]!);
  const single = values.length === 1 ? values[0]! : null;
  const withValue = indexEntryHasValue(ix.types) && (typeof single === 'string' || single instanceof Uint8Array);
  return { key: indexKey(values, ix.types), entry: withValue ? encodeIndexEntry(rowid, single as string | Uint8Array) : encodeIndexEntry(rowid) };
}

/** Merges new entries into the index: a bottom-up rebuild of old + new entries, sorted by key. */
function rebuildIndex(scope: WriteScope, table: TableInfo, ix: IndexInfo, fresh: { key: U64; entry: Uint8Array }[]): void {
  if (fresh.length === 0) return;
  const all = fresh;
  const old = new BTree(scope.txn, ix.def.rootPage);
  const cursor = old.cursor();
  for (let ok = cursor.first(); ok; ok = cursor.next()) all.push({ key: cursor.key, entry: cursor.value().slice() });
  all.sort((a, b) => compareKeys(a.key, b.key));
  if (ix.def.unique) checkUniqueSorted(scope, table, ix, all);
  let distinct = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || compareKeys(all[i]!.key, all[i - 1]!.key) !== 0) distinct++;
  scope.schema.setIndexStats(ix.name, all.length, distinct);
  old.destroy();
  const built = BTree.bulkBuild(scope.txn, all.map((e) => [e.key, e.entry] as const));
  ix.def = { ...ix.def, rootPage: built.root };
  scope.catalog.put({ kind: 'index', index: ix.def });
  scope.schemaChanged();
}

function checkUniqueSorted(scope: WriteScope, table: TableInfo, ix: IndexInfo, sorted: readonly { key: U64; entry: Uint8Array }[]): void {
  const hasValue = indexEntryHasValue(ix.types);
  for (let i = 1; i < sorted.length; i++) {
    if (compareKeys(sorted[i]!.key, sorted[i - 1]!.key) !== 0) continue;
    const a = scope.rows.read(table, decodeIndexEntry(sorted[i - 1]!.entry, hasValue).rowid);
    const b = scope.rows.read(table, decodeIndexEntry(sorted[i]!.entry, hasValue).rowid);
    if (a === undefined || b === undefined) continue;
    const same = ix.columnPositions.every((p) => a[p] !== null && b[p] !== null && compareValues(a[p]!, b[p]!, table.types[p]!) === 0);
    if (same) {
      const shown = ix.columnPositions.map((p) => String(a[p])).join(', ');
      throw new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${ix.name}" on table "${table.name}": key (${ix.def.columns.join(', ')})=(${shown}) already exists`, { table: table.name, index: ix.name, value: shown });
    }
  }
}

/** Turns input rows into cast, defaulted, checked rows with their rowid. */
class RowPreparer {
  private readonly positions: number[];
  private readonly defaults: (RowExpr | null)[];
  private readonly checks: { name: string; expr: RowExpr }[];
  private readonly fkColumns: number[];
  private readonly fkValues = new Map<number, Set<string>>();
  private readonly fkSamples = new Map<number, Map<string, Value>>();
  private next: number | bigint;

  constructor(
    private readonly ctx: EngineContext,
    private readonly scope: WriteScope,
    private readonly table: TableInfo,
    columns: readonly string[] | undefined,
  ) {
    this.positions = (columns ?? table.def.columns.map((c) => c.name)).map((c) => {
      const p = table.column(c);
      if (p < 0) throw new DecentDBError('ERR_SQL', `column "${c}" of relation "${table.name}" does not exist`, { column: c });
      return p;
    });
    this.defaults = table.def.columns.map((c) => (c.defaultSql === undefined ? null : compileStoredExpr(ctx, scope.schema, table, '', c.defaultSql, 'DEFAULT', false)));
    this.checks = table.def.checks.map((k) => ({ name: k.name, expr: compileStoredExpr(ctx, scope.schema, table, table.name, k.expr, 'CHECK') }));
    this.fkColumns = table.def.columns.flatMap((c, i) => (c.references === undefined ? [] : [i]));
    this.next = scope.schema.nextRowId(scope.txn, table);
  }

  prepare(input: InputRow): { rowid: number | bigint; row: Value[] } {
    const t = this.table;
    const row = new Array<Value>(t.types.length).fill(null);
    const given = new Array<boolean>(t.types.length).fill(false);
    if (Array.isArray(input)) {
      if (input.length > this.positions.length) throw new DecentDBError('ERR_SQL', `bulkLoad row has ${input.length} values for ${this.positions.length} columns`);
      for (let i = 0; i < input.length; i++) this.set(row, given, this.positions[i]!, input[i]);
    } else {
      for (const key of Object.keys(input)) {
        const p = t.column(key);
        if (p < 0) throw new DecentDBError('ERR_SQL', `column "${key}" of relation "${t.name}" does not exist`, { column: key });
        this.set(row, given, p, (input as Record<string, unknown>)[key]);
      }
    }
    for (let p = 0; p < row.length; p++) {
      if (given[p]) continue;
      const d = this.defaults[p];
      if (d !== null && d !== undefined) row[p] = assignCast(d(EMPTY, EMPTY), d.type, t.types[p]!, t.def.columns[p]!.name, this.ctx.clock);
    }
    let rowid: number | bigint;
    if (t.rowidColumn >= 0 && row[t.rowidColumn] !== null) rowid = row[t.rowidColumn] as number | bigint;
    else {
      rowid = this.next;
      if (typeof rowid === 'bigint' && rowid >= 1n << 63n) {
        throw new DecentDBError('ERR_CONSTRAINT', `table "${t.name}" has no rowid left to assign: the largest rowid ${(1n << 63n) - 1n} is in use`, { table: t.name });
      }
      if (t.rowidColumn >= 0) row[t.rowidColumn] = rowid;
    }
    this.next = successor(rowid, this.next);
    for (let p = 0; p < row.length; p++) {
      const c = t.def.columns[p]!;
      if ((c.notNull || c.primaryKey) && row[p] === null) {
        throw new DecentDBError('ERR_CONSTRAINT', `null value in column "${c.name}" of relation "${t.name}" violates not-null constraint`, { table: t.name, column: c.name });
      }
    }
    for (const k of this.checks) {
      if (k.expr(row, EMPTY) === false) throw checkViolation(t, k.name, row);
    }
    for (const p of this.fkColumns) {
      const v = row[p]!;
      if (v === null) continue;
      let seen = this.fkValues.get(p);
      if (seen === undefined) {
        seen = new Set();
        this.fkValues.set(p, seen);
        this.fkSamples.set(p, new Map());
      }
      const k = String(v);
      if (!seen.has(k)) {
        seen.add(k);
        this.fkSamples.get(p)!.set(k, v);
      }
    }
    return { rowid, row };
  }

  /** Every distinct child key loaded must exist in its parent (checked once per value). */
  verifyForeignKeys(): void {
    for (const p of this.fkColumns) {
      const c = this.table.def.columns[p]!;
      const ref = c.references!;
      const parent = this.scope.schema.requireTable(ref.table);
      const parentPos = parent.column(ref.column);
      for (const v of this.fkSamples.get(p)?.values() ?? []) {
        if (rowsWhere(this.scope, parent, parentPos, v).length === 0) {
          throw new DecentDBError('ERR_CONSTRAINT', `insert or update on table "${this.table.name}" violates foreign key constraint on column "${c.name}": key (${c.name})=(${String(v)}) is not present in table "${ref.table}"`, {
            table: this.table.name,
            column: c.name,
          });
        }
      }
    }
  }

  private set(row: Value[], given: boolean[], pos: number, raw: unknown): void {
    const v = fromJs(raw, pos + 1);
    const type: SqlType | undefined = naturalType(v);
    row[pos] = v === null ? null : assignCast(v, type ?? { base: 'TEXT' }, this.table.types[pos]!, this.table.def.columns[pos]!.name, this.ctx.clock);
    given[pos] = true;
  }
}

/** No row / no parameters: one shared array, so compiled expressions are reused (row-expressions.ts). */
const EMPTY: Value[] = [];

function successor(rowid: number | bigint, current: number | bigint): number | bigint {
  const r = typeof rowid === 'number' && typeof current === 'number' ? Math.max(rowid, current - 1) : BigInt(rowid) > BigInt(current) - 1n ? rowid : current;
  if (typeof r === 'number') return r + 1 <= Number.MAX_SAFE_INTEGER ? r + 1 : BigInt(r) + 1n;
  return BigInt(r) + 1n;
}

