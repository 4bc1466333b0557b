/**
 * The VALUES side of INSERT (dml.ts): a statement's compiled pieces cached across executions
 * of a prepared statement (InsertPlan), literal/parameter values with their natural types
 * without per-value allocations, and the proposed row (casts, DEFAULTs, generated columns).
 * Does not write rows, resolve conflicts or fire triggers (dml.ts does).
 */
import { DecentDBError } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import type * as ast from '../sql/index.js';
import type { EngineContext } from './engine-context.js';
import { naturalType } from './js-values.js';
import {
  castInto, compileChecks, compileGenerated, targetColumns, type ColumnDefaults, type CompiledCheck, type CompiledGenerated, type DmlRun,
} from './dml-rows.js';
import type { TableInfo } from './schema.js';

/**
 * The per-statement compiled pieces of an INSERT, reused by later executions of the same
 * (prepared) statement while it targets the same table object under the same schema structure
 * (a write transaction's schema copy; any DDL or root move replaces Schema.structure).
 */
export interface InsertPlan {
  readonly ctx: EngineContext;
  readonly table: TableInfo;
  readonly structure: object;
  readonly alias: string;
  readonly targets: readonly number[];
  readonly checks: readonly CompiledCheck[];
  readonly generated: readonly CompiledGenerated[];
  /** The source is one VALUES list of literals, parameters and DEFAULTs (no query to plan). */
  readonly simpleValues: boolean;
  /** Every column is a target (no defaults needed unless a value is DEFAULT or missing). */
  readonly allColumns: boolean;
}

const insertPlans = new WeakMap<ast.InsertStmt, InsertPlan>();

export function insertPlan(run: DmlRun, stmt: ast.InsertStmt, table: TableInfo): InsertPlan {
  const schema = run.scope.schema;
  const cached = insertPlans.get(stmt);
  if (cached !== undefined && cached.table === table && cached.structure === schema.structure && cached.ctx === run.ctx) return cached;
  const alias = stmt.alias?.name ?? table.name;
  const targets = targetColumns(table, stmt.columns);
  const src = stmt.source;
  const simpleValues = src !== null && src.body.kind === 'values' && src.with.length === 0 && src.orderBy.length === 0 && src.limit === null &&
    src.offset === null && src.body.rows.every((r) => r.every(isSimple));
  const plan: InsertPlan = {
    ctx: run.ctx, table, structure: schema.structure, alias, targets,
    checks: compileChecks(run, table, alias),
    generated: compileGenerated(run, table, alias),
    simpleValues,
    allColumns: new Set(targets).size === table.types.length,
  };
  insertPlans.set(stmt, plan);
  return plan;
}

export function checkValuesWidth(stmt: ast.InsertStmt, given: number, targets: number): void {
  if (given > targets) throw new DecentDBError('ERR_SQL', 'INSERT has more expressions than target columns');
  if (given < targets && stmt.columns.length > 0) throw new DecentDBError('ERR_SQL', 'INSERT has more target columns than expressions');
}

/**
 * The full row an INSERT source row proposes: target values cast into their columns, DEFAULT
 * for the others (and for `DEFAULT` / missing values), then generated columns.
 */
export function newRow(run: DmlRun, table: TableInfo, plan: InsertPlan, source: readonly Value[], sourceTypes: readonly (SqlType | undefined)[], defaults: ColumnDefaults): Value[] {
  const width = table.types.length;
  const targets = plan.targets;
  const row = new Array<Value>(width);
  let given = 0;
  for (let i = 0; i < targets.length; i++) {
    const pos = targets[i]!;
    const v = source[i];
    if (v === undefined || v === DEFAULT_MARK) continue; // DEFAULT VALUES / VALUES shorter than the column list
    const col = table.def.columns[pos]!;
    if (col.generatedSql !== undefined && v !== null) throw new DecentDBError('ERR_SQL', `cannot insert a non-DEFAULT value into column "${col.name}"`, { column: col.name });
    row[pos] = castInto(run, v, sourceTypes[i], table, pos);
    given++;
  }
  if (!(plan.allColumns && given === width)) {
    // Columns without a value take their DEFAULT (targets are distinct, so `row` holds
    // undefined exactly at the positions not given).
    for (let pos = 0; pos < width; pos++) if (row[pos] === undefined) row[pos] = defaults.value(pos);
  }
  for (const g of plan.generated) row[g.pos] = castInto(run, g.expr(row, run.params), g.type, table, g.pos);
  return row;
}

/** Marks a `DEFAULT` in VALUES (distinct from NULL). */
export const DEFAULT_MARK = Symbol('default') as unknown as Value;

export function isSimple(e: ast.Expr): boolean {
  switch (e.kind) {
    case 'integer':
    case 'decimal':
    case 'string':
    case 'boolean':
    case 'null':
    case 'param':
    case 'default':
      return true;
    case 'unary':
      return e.op === '-' && (e.operand.kind === 'integer' || e.operand.kind === 'decimal');
    default:
      return false;
  }
}

const INT64_TYPE: SqlType = Object.freeze({ base: 'INT64' });
const BOOL_TYPE: SqlType = Object.freeze({ base: 'BOOL' });
const FLOAT64_TYPE: SqlType = Object.freeze({ base: 'FLOAT64' });
const TEXT_TYPE: SqlType = Object.freeze({ base: 'TEXT' });

/** naturalType without an allocation for the common parameter types. */
function paramType(v: Value): SqlType | undefined {
  switch (typeof v) {
    case 'number':
      return Number.isInteger(v) ? INT64_TYPE : FLOAT64_TYPE;
    case 'bigint':
      return INT64_TYPE;
    case 'string':
      return TEXT_TYPE;
    case 'boolean':
      return BOOL_TYPE;
    default:
      return naturalType(v);
  }
}

/**
 * Sets `values[i]` and `types[i]` to the value and natural type of a literal, parameter or
 * DEFAULT (INSERT fast path).
 */
export function simpleValue(run: DmlRun, e: ast.Expr, values: Value[], types: (SqlType | undefined)[], i: number): void {
  switch (e.kind) {
    case 'integer':
      values[i] = e.value;
      types[i] = INT64_TYPE;
      return;
    case 'decimal':
      values[i] = e.text;
      types[i] = undefined;
      return;
    case 'string':
      values[i] = e.value;
      types[i] = undefined;
      return;
    case 'boolean':
      values[i] = e.value;
      types[i] = BOOL_TYPE;
      return;
    case 'null':
      values[i] = null;
      types[i] = undefined;
      return;
    case 'default':
      values[i] = DEFAULT_MARK;
      types[i] = undefined;
      return;
    case 'param': {
      if (e.index < 1 || e.index > run.params.length) throw new DecentDBError('ERR_SQL', `there is no parameter $${e.index}`, { parameter: e.index });
      const v = run.params[e.index - 1]!;
      values[i] = v;
      types[i] = paramType(v);
      return;
    }
    case 'unary': {
      simpleValue(run, e.operand, values, types, i);
      const v = values[i]!;
      values[i] = typeof v === 'number' || typeof v === 'bigint' ? (-v as Value) : `-${String(v)}`;
      return;
    }
    default:
      throw new DecentDBError('ERR_INTERNAL', `not a simple INSERT value: ${e.kind}`);
  }
}
