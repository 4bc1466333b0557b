/**
 * Row-level pieces shared by INSERT, UPDATE, DELETE and ON CONFLICT (dml.ts): the per-statement
 * run state, assignment casts into columns, DEFAULT/CHECK/GENERATED/RETURNING expressions
 * compiled once per statement, and key equality for rowids and unique values. No statement
 * logic here.
 */
import { DecentDBError, toHex } from '../util/index.js';
import { Decimal, Timestamp, type SqlType, type Value } from '../record/index.js';
import type * as ast from '../sql/index.js';
import { assignCast } from '../exec/index.js';
import type { EngineContext } from './engine-context.js';
import type { PendingForeignKeyChecks } from './foreign-keys.js';
import { compileRowExpr, compileStoredExpr, type RowExpr } from './row-expressions.js';
import type { TableInfo } from './schema.js';
import type { WriteScope } from './session.js';
import type { Rowid } from './table-writer.js';

/** Per-statement state shared by nested trigger actions. */
export interface DmlRun {
  readonly ctx: EngineContext;
  readonly scope: WriteScope;
  readonly params: readonly Value[];
  /** Text the statement's AST positions refer to (for error positions), when known. */
  readonly sql: string | undefined;
  readonly fk: PendingForeignKeyChecks;
  /**
   * Triggers whose action is running (no recursion), made by the first trigger run: nested
   * runs are spread from their parent after that, so the whole statement shares one set.
   */
  activeTriggers: Set<string> | undefined;
  readonly depth: number;
}

const UNTYPED_LITERAL: SqlType = Object.freeze({ base: 'TEXT' });

/** Assignment cast of `v` (natural type `from`; undefined = an untyped literal) into column `pos`. */
export function castInto(run: DmlRun, v: Value, from: SqlType | undefined, table: TableInfo, pos: number): Value {
  if (v === null) return null;
  const to = table.types[pos]!;
  // Same base type, no DECIMAL typmod to apply: assignCast is the identity ('identity' kind,
  // castValue returns the value), so skip its dispatch (the row loop's common case).
  if (from !== undefined && from.base === to.base && to.base !== 'DECIMAL') return v;
  const col = table.def.columns[pos]!;
  return assignCast(v, from ?? UNTYPED_LITERAL, to, col.name, run.ctx.clock);
}

export function targetColumns(table: TableInfo, columns: readonly ast.Ident[]): number[] {
  if (columns.length === 0) return table.types.map((_, i) => i);
  const seen = new Set<number>();
  return columns.map((c) => {
    const pos = table.column(c.name);
    if (pos < 0) throw new DecentDBError('ERR_SQL', `column "${c.name}" of relation "${table.name}" does not exist`, { table: table.name, column: c.name });
    if (seen.has(pos)) throw new DecentDBError('ERR_SQL', `column "${c.name}" specified more than once`, { column: c.name });
    seen.add(pos);
    return pos;
  });
}

/** Column DEFAULT values, each expression compiled on first use (most rows need none). */
export class ColumnDefaults {
  private compiled: (RowExpr | null | undefined)[] | undefined;
  constructor(
    private readonly run: DmlRun,
    private readonly table: TableInfo,
  ) {}

  value(pos: number): Value {
    const compiled = (this.compiled ??= new Array<RowExpr | null | undefined>(this.table.types.length));
    let c = compiled[pos];
    if (c === undefined) {
      const sql = this.table.def.columns[pos]!.defaultSql;
      c = sql === undefined ? null : compileStoredExpr(this.run.ctx, this.run.scope.schema, this.table, '', sql, 'DEFAULT', false);
      compiled[pos] = c;
    }
    if (c === null) return null;
    const v = c(EMPTY_ROW, this.run.params);
    return castInto(this.run, v, c.type, this.table, pos);
  }
}

export const EMPTY_ROW: Value[] = [];

export interface CompiledCheck {
  readonly name: string;
  readonly expr: RowExpr;
}

export function compileChecks(run: DmlRun, table: TableInfo, alias: string): CompiledCheck[] {
  return table.def.checks.map((k) => ({ name: k.name, expr: compileStoredExpr(run.ctx, run.scope.schema, table, alias, k.expr, 'CHECK') }));
}

export function runChecks(table: TableInfo, checks: readonly CompiledCheck[], row: Value[], params: readonly Value[]): void {
  for (const c of checks) {
    if (c.expr(row, params) === false) {
      throw checkViolation(table, c.name, row);
    }
  }
}

/** ERR_CONSTRAINT for a CHECK that evaluated to FALSE, with the failing row (Postgres's DETAIL). */
export function checkViolation(table: TableInfo, constraint: string, row: readonly Value[]): DecentDBError {
  const shown = row.map((v) => (v === null ? 'null' : v instanceof Uint8Array ? `\\x${toHex(v)}` : String(v))).join(', ');
  return new DecentDBError('ERR_CONSTRAINT', `new row for relation "${table.name}" violates check constraint "${constraint}": failing row contains (${shown})`, {
    table: table.name,
    constraint,
    row: shown,
  });
}

export interface CompiledGenerated {
  readonly pos: number;
  readonly type: SqlType;
  readonly expr: RowExpr;
}

export function compileGenerated(run: DmlRun, table: TableInfo, alias: string): CompiledGenerated[] {
  const out: CompiledGenerated[] = [];
  table.def.columns.forEach((c, pos) => {
    if (c.generatedSql === undefined) return;
    const expr = compileStoredExpr(run.ctx, run.scope.schema, table, alias, c.generatedSql, 'GENERATED');
    out.push({ pos, type: expr.type, expr });
  });
  return out;
}

export function compileReturning(run: DmlRun, table: TableInfo, alias: string, items: readonly ast.SelectItem[]): RowExpr[] {
  const out: RowExpr[] = [];
  for (const item of items) {
    if (item.kind === 'allColumns') {
      table.def.columns.forEach((c) => out.push(compileRowExpr(run.ctx, run.scope.schema, table, alias, { kind: 'column', table: null, name: { name: c.name, quoted: true } }, 'RETURNING')));
    } else {
      out.push(compileRowExpr(run.ctx, run.scope.schema, table, alias, item.expr, 'RETURNING'));
    }
  }
  return out;
}

export function returningColumns(run: DmlRun, table: TableInfo, alias: string, items: readonly ast.SelectItem[]): { name: string; type: SqlType }[] {
  const cols: { name: string; type: SqlType }[] = [];
  const exprs = compileReturning(run, table, alias, items);
  let i = 0;
  for (const item of items) {
    if (item.kind === 'allColumns') {
      for (const c of table.def.columns) cols.push({ name: c.name, type: exprs[i++]!.type });
    } else {
      cols.push({ name: item.alias?.name ?? exprName(item.expr), type: exprs[i++]!.type });
    }
  }
  return cols;
}

export function exprName(e: ast.Expr): string {
  if (e.kind === 'column') return e.name.name;
  if (e.kind === 'call') return e.name.name.toLowerCase();
  if (e.kind === 'cast') return exprName(e.expr);
  return '?column?';
}

/** A Set key for a rowid (numbers and bigints of the same value coincide). */
export function rowidKey(r: Rowid): number | bigint {
  return typeof r === 'bigint' && r >= -9007199254740991n && r <= 9007199254740991n ? Number(r) : r;
}

/** Equality of two non-NULL key values of one column (as a unique index compares them). */
export function sameKey(a: Value, b: Value): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    return Number.isInteger(a) && Number.isInteger(b) && BigInt(a) === BigInt(b);
  }
  if (a instanceof Timestamp && b instanceof Timestamp) return BigInt(a.micros) === BigInt(b.micros);
  if (a instanceof Decimal && b instanceof Decimal) {
    const s = Math.max(a.scale, b.scale);
    return a.unscaled * 10n ** BigInt(s - a.scale) === b.unscaled * 10n ** BigInt(s - b.scale);
  }
  return a === b;
}
