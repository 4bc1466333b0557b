/**
 * bulkLoad: many rows into one table, fast. Rows are cast and checked like INSERT (NOT NULL,
 * CHECK, UNIQUE, foreign keys) but written without per-row index maintenance: while rowids
 * ascend past the table's last key they are merged into the table tree bottom-up
 * (btree mergeSorted: into an empty table a bottom-up build, into a non-empty one an append at
 * the right edge that rewrites only the last leaf); a row out of order ends the merge and the
 * rest are inserted one by one. Each secondary index gets the batch's new entries, sorted, merged
 * in once per batch (bulk-index.ts). The caller chooses the durability and the batch size (rows
 * per transaction; default: one transaction). A failed batch changes nothing (its transaction
 * rolls back).
 */
import { DecentDBError } from '../util/index.js';
import type { U64 } from '../util/index.js';
import type { Durability } from '../pager/index.js';
import { BTree, compareKeys, countEntries, mergeSorted } from '../btree/index.js';
import type { EntrySink, SortedEntrySource } from '../btree/index.js';
import { keyToRowid, rowidToKey, type SqlType, type Value } from '../record/index.js';
import { assignCast } from '../exec/index.js';
import { IndexEntryBuffer, addIndexEntry, mergeIndex } from './bulk-index.js';
import { RecordScratch } from './bulk-record.js';
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
  /**
   * Checkpoint when done: true always, false never. By default, yes, except after a 'full'
   * durability load that leaves the WAL under BULK_CHECKPOINT_MIN_BYTES: its commits are
   * already synced, so a checkpoint (three syncs) would only move a few pages early; the next
   * large load, an auto-checkpoint or close copies them.
   */
  readonly checkpoint?: boolean;
}

export interface BulkLoadResult {
  readonly rows: number;
  readonly batches: number;
  /** True when rows were merged into the table tree bottom-up rather than inserted one by one. */
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
  if (options.checkpoint !== false && !ctx.session.inTransaction && (options.checkpoint === true || !smallSyncedLoad(ctx, options))) ctx.pager.checkpoint();
  return { rows: total, batches, bottomUp };
}

/** WAL size under which a 'full' durability load skips its default checkpoint (the pager's default auto-checkpoint threshold / 8). */
const BULK_CHECKPOINT_MIN_BYTES = 1 << 20;

/**
 * True for a load whose every commit was synced ('full' durability) and after which the WAL is
 * still small. Under 'normal'/'off' the checkpoint is also the sync that makes the load durable,
 * so it always runs.
 */
function smallSyncedLoad(ctx: EngineContext, options: BulkLoadOptions): boolean {
  const durability = options.durability ?? ctx.pager.options.durability;
  return durability === 'full' && ctx.pager.stats.walBytes < BULK_CHECKPOINT_MIN_BYTES;
}

interface BatchResult {
  rows: number;
  exhausted: boolean;
  bottomUp: boolean;
}

function loadBatch(ctx: EngineContext, scope: WriteScope, tableName: string, input: Iterator<InputRow>, limit: number, options: BulkLoadOptions): BatchResult {
  const table = scope.schema.requireTable(tableName);
  const rows = new RowSource(ctx, scope, table, input, limit, options.columns);
  rows.floor = new BTree(scope.txn, table.def.rootPage).lastKey();
  // Rows whose rowids ascend past every existing key: merged bottom-up (an empty table is built,
  // a non-empty one appended to at its right edge).
  const merged = mergeSorted(scope.txn, table.def.rootPage, rows);
  if (merged.root !== table.def.rootPage) setTableRoot(scope, table, merged.root);
  if (rows.pending) {
    // The first row out of order and every later one: inserted one by one (unique rowids checked).
    const target = new BTree(scope.txn, table.def.rootPage);
    insertRow(target, table, rows);
    while (rows.advance()) insertRow(target, table, rows);
    if (target.root !== table.def.rootPage) setTableRoot(scope, table, target.root);
  }
  rows.indexes.forEach((ix, i) => mergeIndex(scope, table, ix, rows.entries[i]!));
  rows.trigrams.forEach((ix, i) => {
    // ADR-0007: one build (empty index) or one grouped append per batch, not per row.
    const list = rows.trigramRows[i]!;
    const root = addTrigramRows(scope.txn, ix, list);
    if (root !== ix.def.rootPage) {
      ix.def = { ...ix.def, rootPage: root };
      scope.catalog.put({ kind: 'index', index: ix.def });
    }
    if (list.length > 0) scope.schemaChanged(); // clears the shared tails these writes bypassed
  });
  table.nextRowId = undefined;
  if (table.rowCount !== undefined) table.rowCount += rows.count;
  rows.prep.verifyForeignKeys();
  return { rows: rows.count, exhausted: rows.exhausted, bottomUp: merged.added > 0 };
}

/** Rows (or index entries) between spill checks (a check is a size comparison). */
const SPILL_CHECK_MASK = 1023;
const UNIQUE = { unique: true } as const;

/**
 * The batch's rows in input order, each prepared, its index entries collected and its record
 * encoded into one reused buffer. As a merge source it yields rows while their keys ascend past
 * `floor`, and stops at the first that does not (`pending`: it is then the current row).
 */
class RowSource implements SortedEntrySource {
  key: U64 = 0;
  bytes: Uint8Array;
  readonly start = 0;
  end = 0;
  count = 0;
  exhausted = false;
  pending = false;
  /** Largest key so far (merge mode): the next row must sort after it. */
  floor: U64 | undefined;
  readonly prep: RowPreparer;
  readonly indexes: IndexInfo[];
  readonly trigrams: IndexInfo[];
  /** Per index (same order as `indexes`): its entries; indexes with equal entries share one. */
  readonly entries: IndexEntryBuffer[];
  /** The indexes whose buffer each row adds to (one per distinct buffer), and those buffers. */
  private readonly filled: IndexInfo[] = [];
  private readonly fillBuffers: IndexEntryBuffer[] = [];
  readonly trigramRows: (readonly [number | bigint, Value | undefined])[][];
  private readonly record: RecordScratch;
  private readonly scratch: Value[] = [];
  /**
   * The input's next method, read once: every generator shares one (%GeneratorPrototype%.next),
   * so the per-row call keeps one target across loads, where `input.next()` would look the method
   * up on each generator's own map, and the JIT code of the row path would be thrown away
   * (deoptimized) at the first row of the next table loaded.
   */
  private readonly pull: () => IteratorResult<InputRow>;

  constructor(
    ctx: EngineContext,
    private readonly scope: WriteScope,
    table: TableInfo,
    private readonly input: Iterator<InputRow>,
    private readonly limit: number,
    columns: readonly string[] | undefined,
  ) {
    this.pull = input.next;
    this.prep = new RowPreparer(ctx, scope, table, columns);
    this.indexes = table.indexes.filter((ix) => ix.def.kind === 'btree');
    this.trigrams = table.indexes.filter((ix) => ix.def.kind === 'trigram');
    // An index with the same entries as an earlier one (an explicit index on a foreign key
    // column beside the automatic one) shares its buffer: entries are built and sorted once.
    this.entries = [];
    this.indexes.forEach((ix, i) => {
      const twin = this.indexes.findIndex((o, j) => j < i && sameEntries(o, ix));
      if (twin >= 0) {
        this.entries.push(this.entries[twin]!);
        return;
      }
      const buf = new IndexEntryBuffer();
      if (ix.columnPositions.length === 1 && ix.types[0]!.base === 'INT64') buf.intColumn = ix.columnPositions[0]!;
      this.entries.push(buf);
      this.filled.push(ix);
      this.fillBuffers.push(buf);
    });
    this.trigramRows = this.trigrams.map(() => []);
    this.record = new RecordScratch(table.types);
    this.bytes = this.record.bytes;
  }

  /** Merge source: the next row when its key sorts after every key before it. */
  next(): boolean {
    if (!this.advance()) return false;
    if (this.floor !== undefined && compareKeys(this.key, this.floor) <= 0) {
      this.pending = true;
      return false;
    }
    this.floor = this.key;
    return true;
  }

  /** Merge source: this row and every later one whose key ascends, pushed in this class's own loop. */
  drainTo(sink: EntrySink): void {
    do sink.add(this.key, this.bytes, this.start, this.end);
    while (this.next());
  }

  /** Reads, checks and encodes the next input row; false at the batch's end. */
  advance(): boolean {
    if (this.count >= this.limit) return false;
    // Between rows no page buffer is held (the merge keeps private copies): let the
    // transaction spill its dirty pages to the WAL so memory stays within the spill budget.
    if ((this.count & SPILL_CHECK_MASK) === 0) this.scope.txn.spillSafePoint();
    const item = this.pull.call(this.input);
    if (item.done === true) {
      this.exhausted = true;
      return false;
    }
    const prep = this.prep;
    const row = prep.prepare(item.value);
    const rowid = prep.rowid;
    const indexes = this.filled;
    for (let i = 0; i < indexes.length; i++) {
      const buf = this.fillBuffers[i]!;
      // One INT64 column: a non-negative number is its own key (addIndexEntry's fast path, one call less).
      const v = buf.intColumn >= 0 ? row[buf.intColumn] : null;
      if (typeof v === 'number' && v >= 0) buf.addRowid(v, rowid);
      else addIndexEntry(buf, indexes[i]!, row, rowid, this.scratch);
    }
    for (let i = 0; i < this.trigrams.length; i++) this.trigramRows[i]!.push([rowid, row[this.trigrams[i]!.columnPositions[0]!]]);
    this.count++;
    this.key = typeof rowid === 'number' && rowid >= 0 ? rowid : rowidToKey(rowid);
    this.record.encode(row, this.scope.rows.overflow);
    this.bytes = this.record.bytes;
    this.end = this.record.length;
    return true;
  }
}

/** True when two indexes hold the same entries for every row (same columns, same uniqueness). */
function sameEntries(a: IndexInfo, b: IndexInfo): boolean {
  const pa = a.columnPositions;
  const pb = b.columnPositions;
  if (a.def.unique !== b.def.unique || a.def.expressionSql !== undefined || b.def.expressionSql !== undefined || pa.length !== pb.length) return false;
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i] || a.types[i] !== b.types[i]) return false;
  return true;
}

function insertRow(target: BTree, table: TableInfo, rows: RowSource): void {
  const key = rows.key;
  try {
    target.insert(key, rows.bytes.slice(0, rows.end), UNIQUE);
  } catch (e) {
    if (e instanceof DecentDBError && e.code === 'ERR_CONSTRAINT') {
      const col = table.rowidColumn >= 0 ? table.def.columns[table.rowidColumn]!.name : 'rowid';
      const rowid = String(keyToRowid(key));
      throw new DecentDBError('ERR_CONSTRAINT', `duplicate key value violates unique constraint "${table.name}_pkey" on table "${table.name}": key (${col})=(${rowid}) already exists`, { table: table.name, column: col, value: rowid });
    }
    throw e;
  }
}

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
  /** Per FK column (same order as fkColumns): each distinct value loaded, keyed by itself (number, string) or its String(). */
  private readonly fkSamples: Map<unknown, Value>[];
  /** Per FK column: the previous row's value (loads often repeat a parent key row after row). */
  private readonly fkLast: Value[];
  private next: number | bigint;
  private readonly given: Uint8Array;
  private readonly castMemo: (Map<unknown, Value> | null)[];
  /** Per memoized column: the last input seen and its cast (a memo entry). */
  private readonly lastRaw: unknown[];
  private readonly lastCast: Value[];
  private readonly bases: readonly string[];
  private readonly notNull: readonly number[];
  private readonly row: Value[];
  /** Length of an array row that gives every column (positions cover them all), else -1. */
  private readonly fullWidth: number;

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
    this.fkSamples = this.fkColumns.map(() => new Map<unknown, Value>());
    this.fkLast = this.fkColumns.map(() => null);
    this.next = scope.schema.nextRowId(scope.txn, table);
    this.given = new Uint8Array(table.types.length);
    this.bases = table.types.map((t) => t.base);
    this.notNull = table.def.columns.flatMap((c, i) => (c.notNull || c.primaryKey ? [i] : []));
    this.castMemo = table.types.map((t) => (t.base === 'DECIMAL' ? new Map() : null));
    this.lastRaw = table.types.map(() => undefined);
    this.lastCast = table.types.map(() => null);
    this.row = new Array<Value>(table.types.length).fill(null);
    this.fullWidth = new Set(this.positions).size === table.types.length ? this.positions.length : -1;
  }

  /** Rowid of the row the last prepare() returned. */
  rowid: number | bigint = 0;

  /** The cast, defaulted, checked row (valid until the next call); its rowid is left in `this.rowid`. */
  prepare(input: InputRow): Value[] {
    const t = this.table;
    // One array serves every row: callers copy what they keep (values, encoded bytes).
    const row = this.row;
    const given = this.given;
    const positions = this.positions;
    if (Array.isArray(input) && input.length === this.fullWidth) {
      // Every column given (positions cover them all, so each slot is written): no defaults to
      // find, nothing to clear. Identity casts inline (as in set()).
      const bases = this.bases;
      for (let i = 0; i < input.length; i++) {
        const raw: unknown = input[i];
        const pos = positions[i]!;
        const base = bases[pos];
        if ((typeof raw === 'string' && base === 'TEXT') || (typeof raw === 'number' && base === 'INT64' && Number.isInteger(raw))) row[pos] = raw;
        else this.set(row, pos, raw);
      }
    } else if (Array.isArray(input)) {
      row.fill(null);
      given.fill(0);
      if (input.length > positions.length) throw new DecentDBError('ERR_SQL', `bulkLoad row has ${input.length} values for ${positions.length} columns`);
      for (let i = 0; i < input.length; i++) {
        given[positions[i]!] = 1;
        this.set(row, positions[i]!, input[i]);
      }
      this.applyDefaults(row, given);
    } else {
      row.fill(null);
      given.fill(0);
      for (const key of Object.keys(input)) {
        const p = t.column(key);
        if (p < 0) throw new DecentDBError('ERR_SQL', `column "${key}" of relation "${t.name}" does not exist`, { column: key });
        given[p] = 1;
        this.set(row, p, (input as Record<string, unknown>)[key]);
      }
      this.applyDefaults(row, given);
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
    const next = this.next;
    if (typeof rowid === 'number' && typeof next === 'number' && rowid < Number.MAX_SAFE_INTEGER) this.next = rowid >= next ? rowid + 1 : next;
    else this.next = successor(rowid, next);
    // Indexed loops: cheap before the JIT has optimized this (a for-of steps an iterator).
    const notNull = this.notNull;
    for (let i = 0; i < notNull.length; i++) {
      const p = notNull[i]!;
      if (row[p] === null) {
        const c = t.def.columns[p]!;
        throw new DecentDBError('ERR_CONSTRAINT', `null value in column "${c.name}" of relation "${t.name}" violates not-null constraint`, { table: t.name, column: c.name });
      }
    }
    const checks = this.checks;
    for (let i = 0; i < checks.length; i++) {
      const k = checks[i]!;
      if (k.expr(row, EMPTY) === false) throw checkViolation(t, k.name, row);
    }
    const fkColumns = this.fkColumns;
    for (let i = 0; i < fkColumns.length; i++) {
      const p = fkColumns[i]!;
      const v = row[p]!;
      if (v === null || v === this.fkLast[i]) continue;
      this.fkLast[i] = v;
      // Values of one column share a type after the cast: a number or string is its own key.
      const k = typeof v === 'number' || typeof v === 'string' ? v : String(v);
      const samples = this.fkSamples[i]!;
      if (!samples.has(k)) samples.set(k, v);
    }
    this.rowid = rowid;
    return row;
  }

  /** Every distinct child key loaded must exist in its parent (checked once per value). */
  verifyForeignKeys(): void {
    for (let i = 0; i < this.fkColumns.length; i++) {
      const p = this.fkColumns[i]!;
      const c = this.table.def.columns[p]!;
      const ref = c.references!;
      const parent = this.scope.schema.requireTable(ref.table);
      const parentPos = parent.column(ref.column);
      const samples = this.fkSamples[i]!;
      if (parentPos === parent.rowidColumn && (denseRowidsCover(this.scope, parent, samples) || allRowidsPresent(this.scope, parent, samples))) continue;
      // A key may be missing (or the parent key is not its rowid): checked one by one, in load order.
      for (const v of samples.values()) {
        if (rowsWhere(this.scope, parent, parentPos, v).length === 0) {
          throw new DecentDBError('ERR_CONSTRAINT', `insert or update on table "${this.table.name}" violates foreign key constraint on column "${c.name}": key (${c.name})=(${String(v)}) is not present in table "${ref.table}"`, {
            table: this.table.name,
            column: c.name,
          });
        }
      }
    }
  }

  private applyDefaults(row: Value[], given: Uint8Array): void {
    const t = this.table;
    for (let p = 0; p < row.length; p++) {
      if (given[p]) continue;
      const d = this.defaults[p];
      if (d !== null && d !== undefined) row[p] = assignCast(d(EMPTY, EMPTY), d.type, t.types[p]!, t.def.columns[p]!.name, this.ctx.clock);
    }
  }

  private set(row: Value[], pos: number, raw: unknown): void {
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
      // Most rows repeat the previous row's input: one comparison instead of a hash lookup.
      if (raw === this.lastRaw[pos]) {
        row[pos] = this.lastCast[pos]!;
        return;
      }
      const hit = memo.get(raw);
      if (hit !== undefined) {
        row[pos] = hit;
        this.lastRaw[pos] = raw;
        this.lastCast[pos] = hit;
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

/**
 * True when `parent`'s rowids are dense (its entry count equals last - first + 1: rowids are
 * unique, so every integer between them is present) and every value is an integer in that
 * range. False means only "not proven" (allRowidsPresent decides). Reads leaf headers, not
 * rows, and needs no sort: a load whose parent was itself loaded with rowids 1..n, the usual case.
 */
function denseRowidsCover(scope: WriteScope, parent: TableInfo, values: ReadonlyMap<unknown, Value>): boolean {
  // Counting reads every leaf of the parent: not worth it for a few keys of a big parent.
  if (parent.rowCount !== undefined && parent.rowCount > DENSE_CHECK_RATIO * values.size) return false;
  const tree = new BTree(scope.txn, parent.def.rootPage);
  const last = tree.lastKey();
  if (typeof last !== 'number') return false;
  const cursor = tree.cursor();
  if (!cursor.seek(0)) return false;
  const first = cursor.key;
  if (typeof first !== 'number' || countEntries(scope.txn, parent.def.rootPage) !== last - first + 1) return false;
  for (const v of values.values()) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < first || v > last) return false;
  }
  return true;
}

/** denseRowidsCover is tried while the parent has at most this many rows per distinct key sought. */
const DENSE_CHECK_RATIO = 64;

/**
 * True when every value is the rowid of a row of `parent`; false when one is not (or is not an
 * integer). One cursor visits the keys in order, stepping along a leaf (loads reference dense
 * parent keys) and seeking only across gaps; rows are not decoded.
 */
function allRowidsPresent(scope: WriteScope, parent: TableInfo, values: ReadonlyMap<unknown, Value>): boolean {
  const keys: U64[] = [];
  for (const v of values.values()) {
    if (typeof v !== 'number' && typeof v !== 'bigint') return false;
    keys.push(rowidToKey(v));
  }
  if (keys.length === 0) return true;
  keys.sort(compareKeys);
  const cursor = new BTree(scope.txn, parent.def.rootPage).cursor();
  let ok = cursor.seek(keys[0]!);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    for (let step = 0; ok && step < SWEEP_STEPS && compareKeys(cursor.key, key) < 0; step++) ok = cursor.next();
    if (ok && compareKeys(cursor.key, key) < 0) ok = cursor.seek(key);
    if (!ok || compareKeys(cursor.key, key) !== 0) return false;
  }
  return true;
}

/** Cursor steps tried before a seek when the next key sought lies further on. */
const SWEEP_STEPS = 8;

/** No row / no parameters: one shared array, so compiled expressions are reused (row-expressions.ts). */
const EMPTY: Value[] = [];

function successor(rowid: number | bigint, current: number | bigint): number | bigint {
  const r = typeof rowid === 'number' && typeof current === 'number' ? Math.max(rowid, current - 1) : BigInt(rowid) > BigInt(current) - 1n ? rowid : current;
  if (typeof r === 'number') return r + 1 <= Number.MAX_SAFE_INTEGER ? r + 1 : BigInt(r) + 1n;
  return BigInt(r) + 1n;
}

