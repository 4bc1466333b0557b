/**
 * INSERT, UPDATE and DELETE: evaluate the new rows (defaults, generated columns, assignment
 * casts), enforce CHECK and foreign keys, resolve ON CONFLICT, write through TableWriter, fire
 * AFTER ROW triggers and produce RETURNING rows. Target rows of UPDATE/DELETE are selected
 * through the planner (so indexes serve the WHERE) and collected before any change (no
 * Halloween problem). Runs inside one WriteScope: a failure anywhere undoes the statement.
 *
 * Triggers: actions are one DML statement (native: no NEW/OLD), run once per affected row
 * after the statement's rows are written. A trigger never fires itself again while its own
 * action runs (SQLite's default, non-recursive triggers); other triggers may nest up to
 * MAX_TRIGGER_DEPTH. Row-level helpers (casts, CHECK, DEFAULT, RETURNING) live in dml-rows.ts,
 * INSERT's cached plan and VALUES handling in dml-values.ts, target-row selection (the query,
 * or a direct rowid read for `WHERE pk = $n`) in dml-targets.ts.
 *
 * Prepared statements run in loops: per-statement compiled pieces are cached on the AST
 * (InsertPlan, UpdatePlan) while the transaction's table object and Schema.structure stay the
 * same, and INSERT … VALUES without ON CONFLICT/RETURNING takes insertValues (no closures).
 */
import { DecentDBError } from '../util/index.js';
import type { SqlType, Value } from '../record/index.js';
import { parse, parseExpression } from '../sql/index.js';
import type * as ast from '../sql/index.js';
import { TRIGGER_EVENT, TRIGGER_INSTEAD_OF, type TriggerDef } from '../catalog/index.js';
import type { EngineContext } from './engine-context.js';
import { PendingForeignKeyChecks, referencingColumns, rowsWhere, stillReferenced, type RowRef } from './foreign-keys.js';
import { compileRowExpr, runSelectInScope, type RowExpr } from './row-expressions.js';
import { castTextParam, directSet, directSetValues, rowidOperand, rowidTarget, targetRows, type DirectSet, type Target } from './dml-targets.js';
import {
  castInto, ColumnDefaults, compileChecks, compileGenerated, compileReturning, returningColumns, rowidKey, runChecks, sameKey,
  type CompiledCheck, type CompiledGenerated, type DmlRun,
} from './dml-rows.js';
import type { TableInfo } from './schema.js';
import { DEFAULT_MARK, checkValuesWidth, insertPlan, newRow, simpleValue, type InsertPlan } from './dml-values.js';
import type { WriteScope } from './session.js';
import type { Rowid } from './table-writer.js';

export interface DmlResult {
  readonly changes: number;
  readonly lastInsertRowid: Rowid;
  readonly returning: { readonly columns: readonly { readonly name: string; readonly type: SqlType }[]; readonly rows: Value[][] } | null;
}

const MAX_TRIGGER_DEPTH = 16;

export function executeDml(ctx: EngineContext, scope: WriteScope, stmt: ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt, params: readonly Value[], sql?: string): DmlResult {
  const run: DmlRun = { ctx, scope, params, sql, fk: new PendingForeignKeyChecks(), activeTriggers: undefined, depth: 0 };
  const result = dispatch(run, stmt);
  run.fk.verify(scope);
  return result;
}

function dispatch(run: DmlRun, stmt: ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt): DmlResult {
  switch (stmt.kind) {
    case 'insert':
      return insert(run, stmt);
    case 'update':
      return update(run, stmt);
    case 'delete':
      return remove(run, stmt);
  }
}

// ---------------------------------------------------------------------------------------------
// INSERT

function insert(run: DmlRun, stmt: ast.InsertStmt): DmlResult {
  const { scope } = run;
  const table = scope.schema.table(stmt.table.name);
  if (table === undefined) return insteadOf(run, stmt.table.name, TRIGGER_EVENT.INSERT, () => countSourceRows(run, stmt));
  const plan = insertPlan(run, stmt, table);
  if (plan.simpleValues && stmt.onConflict === null && stmt.returning === null) return insertValues(run, stmt, table, plan);
  const { alias, checks, generated } = plan;
  const defaults = new ColumnDefaults(run, table);
  const returning = stmt.returning === null ? null : compileReturning(run, table, alias, stmt.returning);
  const conflict = stmt.onConflict === null ? null : new ConflictHandler(run, table, alias, stmt.onConflict);
  const out: Value[][] = [];
  let changes = 0;
  let inserted = 0;
  let lastRowid: Rowid = 0;
  /** Rowids this statement inserted or updated (ON CONFLICT DO UPDATE may not hit them again). */
  const touched = conflict?.updates === true ? new Set<number | bigint>() : null;

  const handleRow = (source: readonly Value[], sourceTypes: readonly (SqlType | undefined)[]): void => {
    const row = newRow(run, table, plan, source, sourceTypes, defaults);
    if (conflict !== null) {
      const existing = conflict.find(row);
      if (existing !== undefined) {
        if (touched !== null && touched.has(rowidKey(existing.rowid))) {
          // Postgres: the outcome would depend on the order of the proposed rows.
          throw new DecentDBError('ERR_SQL', 'ON CONFLICT DO UPDATE command cannot affect row a second time', { table: table.name });
        }
        const updated = conflict.apply(existing, row, checks, generated);
        if (updated !== undefined) {
          touched?.add(rowidKey(updated.rowid));
          changes++;
          if (returning !== null) out.push(returning.map((r) => r(updated.row, run.params)));
        }
        return;
      }
    }
    runChecks(table, checks, row, run.params);
    childForeignKeys(run, table, row, null);
    const rowid = scope.rows.insert(table, row);
    touched?.add(rowidKey(rowid));
    lastRowid = rowid;
    changes++;
    inserted++;
    if (returning !== null) out.push(returning.map((r) => r(row, run.params)));
  };

  forEachSourceRow(run, stmt, table, plan, handleRow);
  fireTriggers(run, table, TRIGGER_EVENT.INSERT, inserted);
  return {
    changes,
    lastInsertRowid: lastRowid,
    returning: returning === null ? null : { columns: returningColumns(run, table, alias, stmt.returning!), rows: out },
  };
}

/**
 * INSERT … VALUES of literals, parameters and DEFAULTs without ON CONFLICT or RETURNING: the
 * prepared row-by-row loop. Same steps as the general path, without its per-row closures.
 */
function insertValues(run: DmlRun, stmt: ast.InsertStmt, table: TableInfo, plan: InsertPlan): DmlResult {
  const rows = (stmt.source!.body as ast.ValuesBody).rows;
  const targets = plan.targets;
  const defaults = new ColumnDefaults(run, table);
  const width = rows.length > 0 ? rows[0]!.length : 0;
  const values = new Array<Value>(width);
  const types = new Array<SqlType | undefined>(width);
  let lastRowid: Rowid = 0;
  let inserted = 0;
  for (let r = 0; r < rows.length; r++) {
    const exprs = rows[r]!;
    checkValuesWidth(stmt, exprs.length, targets.length);
    for (let i = 0; i < exprs.length; i++) simpleValue(run, exprs[i]!, values, types, i);
    for (let i = exprs.length; i < values.length; i++) values[i] = undefined as unknown as Value;
    const row = newRow(run, table, plan, values, types, defaults);
    runChecks(table, plan.checks, row, run.params);
    childForeignKeys(run, table, row, null);
    lastRowid = run.scope.rows.insert(table, row);
    inserted++;
  }
  fireTriggers(run, table, TRIGGER_EVENT.INSERT, inserted);
  return { changes: inserted, lastInsertRowid: lastRowid, returning: null };
}

function forEachSourceRow(
  run: DmlRun,
  stmt: ast.InsertStmt,
  table: TableInfo,
  plan: InsertPlan,
  each: (row: readonly Value[], types: readonly (SqlType | undefined)[]) => void,
): void {
  const src = stmt.source;
  const targets = plan.targets;
  if (src === null) {
    each([], []);
    return;
  }
  if (plan.simpleValues && src.body.kind === 'values') {
    const rows = src.body.rows;
    // One pair of arrays per execution, refilled per VALUES row (`each` copies what it keeps).
    const values: Value[] = [];
    const types: (SqlType | undefined)[] = [];
    for (let r = 0; r < rows.length; r++) {
      const exprs = rows[r]!;
      checkValuesWidth(stmt, exprs.length, targets.length);
      if (values.length !== exprs.length) {
        values.length = exprs.length;
        types.length = exprs.length;
      }
      for (let i = 0; i < exprs.length; i++) simpleValue(run, exprs[i]!, values, types, i);
      each(values, types);
    }
    return;
  }
  if (src.body.kind === 'values' && src.with.length === 0 && src.orderBy.length === 0 && src.limit === null && src.offset === null) {
    // DEFAULT inside a VALUES list with other expressions: substitute the column defaults.
    const rows = src.body.rows.map((r) =>
      r.map((e, i) => {
        if (e.kind !== 'default') return e;
        const pos = targets[i];
        const sql = pos === undefined ? undefined : table.def.columns[pos]!.defaultSql;
        return sql === undefined ? ({ kind: 'null' } as ast.Expr) : parseExpression(sql);
      }),
    );
    runQuery(run, { ...src, body: { kind: 'values', rows } }, targets.length, stmt.columns.length > 0, each);
    return;
  }
  runQuery(run, src, targets.length, stmt.columns.length > 0, each);
}

function runQuery(run: DmlRun, query: ast.SelectStmt, width: number, exactWidth: boolean, each: (row: readonly Value[], types: readonly (SqlType | undefined)[]) => void): void {
  const cursor = runSelectInScope(run.ctx, run.scope, query, run.params, run.sql);
  try {
    if (cursor.columns.length > width) throw new DecentDBError('ERR_SQL', 'INSERT has more expressions than target columns');
    if (exactWidth && cursor.columns.length < width) throw new DecentDBError('ERR_SQL', 'INSERT has more target columns than expressions');
    const types = cursor.columns.map((c) => c.type);
    const rows: Value[][] = [];
    for (let r = cursor.next(); r !== undefined; r = cursor.next()) rows.push(r.slice());
    for (const r of rows) each(r, types);
  } finally {
    cursor.close();
  }
}

/** ON CONFLICT: finds the conflicting row and applies DO NOTHING / DO UPDATE. */
class ConflictHandler {
  private readonly positions: number[][];
  private readonly set: { pos: number; expr: RowExpr }[] = [];
  private readonly where: RowExpr | null;

  constructor(
    private readonly run: DmlRun,
    private readonly table: TableInfo,
    alias: string,
    private readonly clause: ast.OnConflict,
  ) {
    const candidates: number[][] = [];
    if (table.rowidColumn >= 0) candidates.push([table.rowidColumn]);
    for (const ix of table.indexes) if (ix.def.unique && ix.def.kind === 'btree') candidates.push(ix.columnPositions);
    const target = clause.target;
    if (target === null) {
      if (clause.action.kind === 'update') throw new DecentDBError('ERR_SQL', 'ON CONFLICT DO UPDATE requires a conflict target');
      this.positions = candidates;
    } else if (target.kind === 'columns') {
      const wanted = target.columns.map((c) => {
        const p = table.column(c.name);
        if (p < 0) throw new DecentDBError('ERR_SQL', `column "${c.name}" does not exist`);
        return p;
      });
      const match = candidates.find((c) => c.length === wanted.length && c.every((p) => wanted.includes(p)));
      if (match === undefined) throw new DecentDBError('ERR_SQL', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
      this.positions = [match];
    } else {
      const ix = table.indexes.find((i) => i.name.toLowerCase() === target.name.name.toLowerCase() && i.def.unique);
      if (ix === undefined) throw new DecentDBError('ERR_SQL', `constraint "${target.name.name}" for table "${table.name}" does not exist`);
      this.positions = [ix.columnPositions];
    }
    if (clause.action.kind === 'update') {
      for (const a of clause.action.set) {
        const pos = table.column(a.column.name);
        if (pos < 0) throw new DecentDBError('ERR_SQL', `column "${a.column.name}" of relation "${table.name}" does not exist`);
        this.set.push({ pos, expr: compileRowExpr(run.ctx, run.scope.schema, table, alias, a.value, 'ON CONFLICT', true) });
      }
      this.where = clause.action.where === null ? null : compileRowExpr(run.ctx, run.scope.schema, table, alias, clause.action.where, 'WHERE', true);
    } else {
      this.where = null;
    }
  }

  /** True for DO UPDATE. */
  get updates(): boolean {
    return this.clause.action.kind === 'update';
  }

  find(row: readonly Value[]): RowRef | undefined {
    for (const cols of this.positions) {
      if (cols.some((p) => row[p] === null)) continue;
      for (const hit of rowsWhere(this.run.scope, this.table, cols[0]!, row[cols[0]!]!)) {
        if (cols.every((p) => sameKey(hit.row[p]!, row[p]!))) return hit;
      }
    }
    return undefined;
  }

  /** Applies the action to `existing`; returns the updated row, or undefined when skipped. */
  apply(existing: RowRef, proposed: Value[], checks: readonly CompiledCheck[], generated: readonly CompiledGenerated[]): RowRef | undefined {
    if (this.clause.action.kind === 'nothing') return undefined;
    const env = existing.row.concat(proposed);
    if (this.where !== null && this.where(env, this.run.params) !== true) return undefined;
    const next = existing.row.slice();
    for (const s of this.set) next[s.pos] = castInto(this.run, s.expr(env, this.run.params), s.expr.type, this.table, s.pos);
    for (const g of generated) next[g.pos] = castInto(this.run, g.expr(next, this.run.params), g.type, this.table, g.pos);
    return applyUpdate(this.run, this.table, existing, next, checks);
  }
}

// ---------------------------------------------------------------------------------------------
// UPDATE and DELETE

function update(run: DmlRun, stmt: ast.UpdateStmt): DmlResult {
  const { scope } = run;
  const table = scope.schema.table(stmt.table.name);
  if (table === undefined) return insteadOf(run, stmt.table.name, TRIGGER_EVENT.UPDATE, () => 1);
  if (stmt.from.length > 0) throw new DecentDBError('ERR_SQL', 'UPDATE … FROM is not supported');
  const plan = updatePlan(run, stmt, table);
  const { alias, assignments, exprs, types, checks, generated } = plan;
  const defaults = new ColumnDefaults(run, table);
  // Row-by-row `… WHERE pk = $n`: read the row by rowid, SET parameters without the query.
  let targets: readonly Target[] | undefined;
  let direct = false;
  if (plan.rowid !== null && plan.directSets !== null) {
    const ref = rowidTarget(run, table, plan.rowid);
    const extra = ref === undefined ? undefined : directSetValues(run, plan.directSets);
    if (ref !== undefined && extra !== undefined) {
      targets = ref === null ? [] : [{ ref, extra }];
      direct = true;
    }
  }
  targets ??= targetRows(run, stmt, table, alias, stmt.where, exprs);
  const returning = stmt.returning === null ? null : compileReturning(run, table, alias, stmt.returning);
  const out: Value[][] = [];
  let changes = 0;
  for (const { ref, extra } of targets) {
    const next = ref.row.slice();
    let k = 0;
    for (const a of assignments) {
      if (a.expr.kind === 'default') next[a.pos] = defaults.value(a.pos);
      else {
        next[a.pos] = direct ? castTextParam(run, extra[k]!, table, a.pos) : castInto(run, extra[k]!, types[k], table, a.pos);
        k++;
      }
    }
    for (const g of generated) next[g.pos] = castInto(run, g.expr(next, run.params), g.type, table, g.pos);
    const done = applyUpdate(run, table, ref, next, checks);
    changes++;
    if (returning !== null) out.push(returning.map((r) => r(done.row, run.params)));
  }
  fireTriggers(run, table, TRIGGER_EVENT.UPDATE, changes);
  return {
    changes,
    lastInsertRowid: 0,
    returning: returning === null ? null : { columns: returningColumns(run, table, alias, stmt.returning!), rows: out },
  };
}

/** An UPDATE's compiled pieces, reused across executions like InsertPlan. */
interface UpdatePlan {
  readonly ctx: EngineContext;
  readonly table: TableInfo;
  readonly structure: object;
  readonly alias: string;
  readonly assignments: readonly { readonly pos: number; readonly expr: ast.Expr }[];
  /** The non-DEFAULT assignment expressions, evaluated by the target-row query. */
  readonly exprs: readonly ast.Expr[];
  readonly types: readonly SqlType[];
  readonly checks: readonly CompiledCheck[];
  readonly generated: readonly CompiledGenerated[];
  /** The operand of `WHERE pk = x` (dml-targets.ts), or null. */
  readonly rowid: ast.Param | ast.IntegerLiteral | null;
  /** How the direct path supplies each of `exprs`, or null when one needs the query. */
  readonly directSets: readonly DirectSet[] | null;
}

const updatePlans = new WeakMap<ast.UpdateStmt, UpdatePlan>();

function updatePlan(run: DmlRun, stmt: ast.UpdateStmt, table: TableInfo): UpdatePlan {
  const schema = run.scope.schema;
  const cached = updatePlans.get(stmt);
  if (cached !== undefined && cached.table === table && cached.structure === schema.structure && cached.ctx === run.ctx) return cached;
  const alias = stmt.alias?.name ?? table.name;
  const assignments = stmt.set.map((a) => {
    const pos = table.column(a.column.name);
    if (pos < 0) throw new DecentDBError('ERR_SQL', `column "${a.column.name}" of relation "${table.name}" does not exist`, { table: table.name, column: a.column.name });
    if (table.def.columns[pos]!.generatedSql !== undefined && a.value.kind !== 'default') throw new DecentDBError('ERR_SQL', `column "${a.column.name}" can only be updated to DEFAULT`);
    return { pos, expr: a.value };
  });
  const exprs = assignments.filter((a) => a.expr.kind !== 'default').map((a) => a.expr);
  const types = exprs.map((e) => compileRowExpr(run.ctx, schema, table, alias, e, 'UPDATE').type);
  const sets = exprs.map((e, k) => directSet(e, types[k]!));
  const plan: UpdatePlan = {
    ctx: run.ctx, table, structure: schema.structure, alias, assignments, exprs, types,
    rowid: rowidOperand(table, stmt.where),
    directSets: sets.every((d) => d !== null) ? (sets as DirectSet[]) : null,
    checks: compileChecks(run, table, alias),
    generated: compileGenerated(run, table, alias),
  };
  updatePlans.set(stmt, plan);
  return plan;
}

/** Writes one updated row, enforcing CHECK and both sides of its foreign keys. */
function applyUpdate(run: DmlRun, table: TableInfo, ref: RowRef, next: Value[], checks: readonly CompiledCheck[]): RowRef {
  runChecks(table, checks, next, run.params);
  childForeignKeys(run, table, next, ref.row);
  parentForeignKeys(run, table, ref.row, next);
  const rowid = run.scope.rows.update(table, ref.rowid, ref.row, next);
  return { rowid, row: next };
}

function remove(run: DmlRun, stmt: ast.DeleteStmt): DmlResult {
  const { scope } = run;
  const table = scope.schema.table(stmt.table.name);
  if (table === undefined) return insteadOf(run, stmt.table.name, TRIGGER_EVENT.DELETE, () => 1);
  const alias = stmt.alias?.name ?? table.name;
  const operand = rowidOperand(table, stmt.where);
  const ref = operand === null ? undefined : rowidTarget(run, table, operand);
  const targets = ref === undefined ? targetRows(run, stmt, table, alias, stmt.where, []) : ref === null ? [] : [{ ref, extra: [] }];
  const returning = stmt.returning === null ? null : compileReturning(run, table, alias, stmt.returning);
  const out: Value[][] = [];
  for (let i = 0; i < targets.length; i++) {
    const { ref } = targets[i]!;
    if (returning !== null) out.push(returning.map((r) => r(ref.row, run.params)));
    // The first target was read just now (nothing has written since): no need to look again.
    deleteRow(run, table, ref, i === 0);
  }
  fireTriggers(run, table, TRIGGER_EVENT.DELETE, targets.length);
  return {
    changes: targets.length,
    lastInsertRowid: 0,
    returning: returning === null ? null : { columns: returningColumns(run, table, alias, stmt.returning!), rows: out },
  };
}

function deleteRow(run: DmlRun, table: TableInfo, ref: RowRef, present = false): void {
  if (!present && run.scope.rows.read(table, ref.rowid) === undefined) return; // already removed by a cascade
  parentForeignKeys(run, table, ref.row, null);
  run.scope.rows.delete(table, ref.rowid, ref.row);
}

// ---------------------------------------------------------------------------------------------
// Foreign keys

/**
 * The FK columns referencing `table`, cached per table object while the schema and its
 * structure stay the same (computing them scans every column of every table: once per
 * updated or deleted row otherwise).
 */
const referencingCache = new WeakMap<TableInfo, { schema: object; structure: object; refs: ReturnType<typeof referencingColumns> }>();

function referencingOf(run: DmlRun, table: TableInfo): ReturnType<typeof referencingColumns> {
  const schema = run.scope.schema;
  const hit = referencingCache.get(table);
  if (hit !== undefined && hit.schema === schema && hit.structure === schema.structure) return hit.refs;
  const refs = referencingColumns(run.scope, table);
  referencingCache.set(table, { schema, structure: schema.structure, refs });
  return refs;
}

/** Child side: every non-NULL FK value that changed must exist in its parent (deferred). */
function childForeignKeys(run: DmlRun, table: TableInfo, row: readonly Value[], old: readonly Value[] | null): void {
  const columns = table.def.columns;
  for (let pos = 0; pos < columns.length; pos++) {
    if (columns[pos]!.references === undefined) continue;
    const v = row[pos]!;
    if (v === null || (old !== null && old[pos] !== null && sameKey(old[pos]!, v))) continue;
    run.fk.child(table, pos, v);
  }
}

/** Parent side: `old` row goes away (next = null) or changes; apply each child's action. */
function parentForeignKeys(run: DmlRun, table: TableInfo, old: readonly Value[], next: readonly Value[] | null): void {
  const refs = referencingOf(run, table);
  if (refs.length === 0) return;
  for (const r of refs) {
    const ref = r.column.references!;
    const parentPos = table.column(ref.column);
    if (parentPos < 0) continue;
    const oldValue = old[parentPos]!;
    if (oldValue === null) continue;
    if (next !== null && next[parentPos] !== null && sameKey(next[parentPos]!, oldValue)) continue;
    const action = next === null ? ref.onDelete : ref.onUpdate;
    const children = rowsWhere(run.scope, r.table, r.pos, oldValue);
    if (children.length === 0) continue;
    switch (action) {
      case 'RESTRICT':
        throw stillReferenced(table, r.table, ref.column, oldValue);
      case 'NO ACTION':
        run.fk.parent(table, parentPos, r.table, r.pos, oldValue);
        break;
      case 'CASCADE':
        for (const child of children) {
          if (next === null) deleteRow(run, r.table, child);
          else {
            const updated = child.row.slice();
            updated[r.pos] = next[parentPos]!;
            applyUpdate(run, r.table, child, updated, []);
          }
        }
        break;
      case 'SET NULL':
        for (const child of children) {
          const updated = child.row.slice();
          updated[r.pos] = null;
          applyUpdate(run, r.table, child, updated, []);
        }
        break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Triggers

function fireTriggers(run: DmlRun, table: TableInfo, event: number, rows: number): void {
  if (rows === 0) return;
  for (const t of table.triggers) {
    if ((t.eventsMask & event) === 0 || (t.eventsMask & TRIGGER_INSTEAD_OF) !== 0) continue;
    for (let i = 0; i < rows; i++) runTrigger(run, t);
  }
}

/** Parsed trigger actions (parsed once per catalog record; their plans are cached in turn). */
const triggerActions = new WeakMap<TriggerDef, ast.InsertStmt | ast.UpdateStmt | ast.DeleteStmt>();

function runTrigger(run: DmlRun, trigger: TriggerDef): void {
  const key = `${trigger.table}:${trigger.name}`.toLowerCase();
  const active = (run.activeTriggers ??= new Set());
  if (active.has(key)) return;
  if (run.depth >= MAX_TRIGGER_DEPTH) throw new DecentDBError('ERR_SQL', `trigger "${trigger.name}" nests deeper than ${MAX_TRIGGER_DEPTH} levels`);
  let action = triggerActions.get(trigger);
  if (action === undefined) {
    const parsed = parse(trigger.actionSql);
    if (parsed.kind !== 'insert' && parsed.kind !== 'update' && parsed.kind !== 'delete') {
      throw new DecentDBError('ERR_SQL', `trigger "${trigger.name}" action must be INSERT, UPDATE or DELETE`, { trigger: trigger.name });
    }
    action = parsed;
    triggerActions.set(trigger, action);
  }
  active.add(key);
  try {
    dispatch({ ...run, params: [], sql: trigger.actionSql, depth: run.depth + 1 }, action);
  } finally {
    active.delete(key);
  }
}

/** DML on a view runs its INSTEAD OF trigger once per row the statement names. */
function insteadOf(run: DmlRun, name: string, event: number, rowCount: () => number): DmlResult {
  const view = run.scope.schema.views.get(name.toLowerCase());
  if (view === undefined) throw new DecentDBError('ERR_SQL', `relation "${name}" does not exist`, { table: name });
  const triggers = triggersOfView(run, name).filter((t) => (t.eventsMask & event) !== 0);
  if (triggers.length === 0) throw new DecentDBError('ERR_SQL', `cannot change view "${name}": it has no INSTEAD OF trigger for this statement`);
  const n = rowCount();
  for (const t of triggers) for (let i = 0; i < n; i++) runTrigger(run, t);
  return { changes: n, lastInsertRowid: 0, returning: null };
}

function triggersOfView(run: DmlRun, name: string): TriggerDef[] {
  return run.scope.schema.viewTriggers.filter((t) => t.table.toLowerCase() === name.toLowerCase() && (t.eventsMask & TRIGGER_INSTEAD_OF) !== 0);
}

function countSourceRows(run: DmlRun, stmt: ast.InsertStmt): number {
  if (stmt.source === null) return 1;
  if (stmt.source.body.kind === 'values') return stmt.source.body.rows.length;
  let n = 0;
  runQuery(run, stmt.source, Number.MAX_SAFE_INTEGER, false, () => n++);
  return n;
}
