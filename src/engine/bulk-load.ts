/**
 * bulkLoad: many rows into one table, fast. Rows are cast and checked like INSERT (NOT NULL,
 * CHECK, UNIQUE, foreign keys) but written without per-row index maintenance: into an empty
 * table whose rowids arrive in ascending order the table tree is built bottom-up
 * (BTree.bulkBuild, pages filled fully); otherwise rows are inserted (append fast path). Each
 * secondary index is rebuilt once per batch from its old and new entries, sorted together
 * (bulk-index.ts). The caller chooses the durability and the batch size (rows per transaction;
 * default: one transaction).
 */
import { DecentDBError } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { Durability } from '../pager/index.js';
import { BTree, compareKeys } from '../btree/index.js';
import { encodeRecord, keyToRowid, rowidToKey, type SqlType, type Value } from '../record/index.js';
import { assignCast } from '../exec/index.js';
import { IndexEntryBuffer, addIndexEntry, readIndexEntries, rebuildIndex } from './bulk-index.js';
import type { EngineContext } from './engine-context.js';
import { fromJs, naturalType } from './js-values.js';
import { rowsWhere } from './foreign-keys.js';
import { compileStoredExpr, type RowExpr } from './row-expressions.js';
import { checkViolation } from './dml-rows.js';
import type { TableInfo } from './schema.js';
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
  // Each index's current entries first: one stable sort then orders old + new (bulk-index.ts).
  const entries = indexes.map((ix) => {
    const buf = new IndexEntryBuffer();
    readIndexEntries(scope.txn, ix, buf);
    return buf;
  });
  const oldCounts = entries.map((b) => b.count);
  const scratch: Value[] = [];
  const tree = new BTree(scope.txn, table.def.rootPage);
  const empty = tree.lastKey() === undefined && oldCounts.every((c) => c === 0);
  let count = 0;
  let exhausted = false;
  let lastKey: U64 | undefined;
  let pending = false;
  /** The row next() produced last: its table key and encoded record. */
  let key: U64 = 0;
  let record: Uint8Array = EMPTY_BYTES;

  const next = (): boolean => {
    if (count >= limit) return false;
    // Between rows no page buffer is held (bulkBuild writes each page whole at its flush): let
    // the transaction spill its dirty pages to the WAL so memory stays within the spill budget.
    if ((count & SPILL_CHECK_MASK) === 0) scope.txn.spillSafePoint();
    const item = input.next();
    if (item.done === true) {
      exhausted = true;
      return false;
    }
    const row = prep.prepare(item.value);
    const rowid = prep.rowid;
    for (let i = 0; i < indexes.length; i++) addIndexEntry(entries[i]!, indexes[i]!, row, rowid, scratch);
    for (let i = 0; i < trigrams.length; i++) trigramRows[i]!.push([rowid, row[trigrams[i]!.columnPositions[0]!]]);
    count++;
    key = rowidToKey(rowid);
    record = encodeRecord(row, table.types, scope.rows.overflow);
    return true;
  };

  let bottomUp = false;
  if (empty) {
    // Build bottom-up while keys ascend; stop at the first key out of order and insert the rest.
    const source = function* (): Generator<readonly [U64, Uint8Array]> {
      const pair: [U64, Uint8Array] = [0, EMPTY_BYTES];
      while (next()) {
        if (lastKey !== undefined && compareKeys(key, lastKey) <= 0) {
          pending = true;
          return;
        }
        lastKey = key;
        // bulkBuild consumes each pair before asking for the next: one tuple serves every row.
        pair[0] = key;
        pair[1] = record;
        yield pair;
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
  const insertOne = (): void => {
    try {
      target.insert(key, record, UNIQUE);
    } catch (e) {
      if (e instanceof DecentDBError && e.code === 'ERR_CONSTRAINT') {
        const col = table.rowidColumn >= 0 ? table.def.columns[table.rowidColumn]!.name : 'rowid';
        const rowid = String(keyToRowid(key));
        throw new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${table.name}_pkey" on table "${table.name}": key (${col})=(${rowid}) already exists`, { table: table.name, column: col, value: rowid });
      }
      throw e;
    }
  };
  if (pending) insertOne();
  while (next()) insertOne();
  if (target.root !== table.def.rootPage) setTableRoot(scope, table, target.root);

  indexes.forEach((ix, i) => rebuildIndex(scope, table, ix, entries[i]!, entries[i]!.count - oldCounts[i]!));
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

const EMPTY_BYTES = new Uint8Array(0);
const UNIQUE = { unique: true } as const;
/** Rows (or index entries) between spill checks (a check is a size comparison). */
const SPILL_CHECK_MASK = 1023;

function setTableRoot(scope: WriteScope, table: TableInfo, root: number): void {
  table.def = { ...table.def, rootPage: root };
  scope.catalog.put({ kind: 'table', table: table.def });
  scope.schemaChanged();
}

/** Turns input rows into cast, defaulted, checked rows with their rowid. */
class RowPreparer {
  private readonly positions: number[];
  private readonly defaults: (RowExpr | null)[];
  private readonly checks: { name: string; expr: RowExpr }[];
  private readonly fkColumns: number[];
  private readonly fkValues = new Map<number, Set<unknown>>();
  private readonly fkSamples = new Map<number, Map<unknown, Value>>();
  private next: number | bigint;
  private readonly given: Uint8Array;
  private readonly castMemo: (Map<unknown, Value> | null)[];
  private readonly bases: readonly string[];
  private readonly notNull: readonly number[];

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
    this.given = new Uint8Array(table.types.length);
    this.bases = table.types.map((t) => t.base);
    this.notNull = table.def.columns.flatMap((c, i) => (c.notNull || c.primaryKey ? [i] : []));
    this.castMemo = table.types.map((t) => (t.base === 'DECIMAL' ? new Map() : null));
  }

  /** Rowid of the row the last prepare() returned. */
  rowid: number | bigint = 0;

  /** The cast, defaulted, checked row; its rowid is left in `this.rowid`. */
  prepare(input: InputRow): Value[] {
    const t = this.table;
    const row = new Array<Value>(t.types.length).fill(null);
    const given = this.given;
    given.fill(0);
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
    for (const p of this.notNull) {
      const c = t.def.columns[p]!;
      if (row[p] === null) {
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
      // Values of one column share a type after the cast: a number or string is its own key.
      const k = typeof v === 'number' || typeof v === 'string' ? v : String(v);
      if (!seen.has(k)) {
        seen.add(k);
        this.fkSamples.get(p)!.set(k, v);
      }
    }
    this.rowid = rowid;
    return row;
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

  private set(row: Value[], given: Uint8Array, pos: number, raw: unknown): void {
    given[pos] = 1;
    // Identity casts (castValue returns these inputs unchanged), without the natural-type object.
    const base = this.bases[pos];
    if ((typeof raw === 'string' && base === 'TEXT') || (typeof raw === 'number' && base === 'INT64' && Number.isInteger(raw))) {
      row[pos] = raw;
      return;
    }
    // DECIMAL casts parse digits (~1 µs); loads repeat prices, so casts of primitive inputs
    // are remembered per column, up to CAST_MEMO_MAX distinct inputs (Decimal is immutable).
    const memo = this.castMemo[pos];
    const primitive = typeof raw === 'number' || typeof raw === 'string';
    if (memo !== null && memo !== undefined && primitive) {
      const hit = memo.get(raw);
      if (hit !== undefined) {
        row[pos] = hit;
        return;
      }
    }
    const v = fromJs(raw, pos + 1);
    const type: SqlType | undefined = naturalType(v);
    const cast = v === null ? null : assignCast(v, type ?? { base: 'TEXT' }, this.table.types[pos]!, this.table.def.columns[pos]!.name, this.ctx.clock);
    row[pos] = cast;
    if (memo !== null && memo !== undefined && primitive && memo.size < CAST_MEMO_MAX) memo.set(raw, cast);
  }
}

const CAST_MEMO_MAX = 256;

/** No row / no parameters: one shared array, so compiled expressions are reused (row-expressions.ts). */
const EMPTY: Value[] = [];

function successor(rowid: number | bigint, current: number | bigint): number | bigint {
  const r = typeof rowid === 'number' && typeof current === 'number' ? Math.max(rowid, current - 1) : BigInt(rowid) > BigInt(current) - 1n ? rowid : current;
  if (typeof r === 'number') return r + 1 <= Number.MAX_SAFE_INTEGER ? r + 1 : BigInt(r) + 1n;
  return BigInt(r) + 1n;
}

