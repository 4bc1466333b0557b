/**
 * ALTER TABLE and ALTER VIEW. Column changes rewrite every row (records hold all columns in
 * declaration order, format §1.9) and keep indexes, CHECK text and foreign keys consistent;
 * renames rewrite the catalog records that name the column or table.
 */
import { DecentDBError } from '../util/index.js';
import { BTree } from '../btree/index.js';
import { decodeRecord, encodeRecord, type Value } from '../record/index.js';
import { parse, parseExpression, printExpr } from '../sql/index.js';
import type * as ast from '../sql/index.js';
import type { ColumnDef, TableDef } from '../catalog/index.js';
import { castValue } from '../exec/index.js';
import { addIndex, dependentViews, fillIndex, replaceTableDef, resolveForeignKey, storableType } from './ddl.js';
import type { EngineContext } from './engine-context.js';
import { renameColumnRefs } from './ast-rewrite.js';
import { compileStoredExpr, evaluateColumnDefault } from './row-expressions.js';
import type { TableInfo } from './schema.js';
import type { WriteScope } from './session.js';
import { validateStoredExpressions, type StoredExpression } from './stored-expressions.js';

const sqlError = (message: string, details?: Record<string, unknown>): DecentDBError => new DecentDBError('ERR_SQL', message, details);

export function alterTable(ctx: EngineContext, scope: WriteScope, stmt: ast.AlterTableStmt, sql: string | null = null): void {
  for (const action of stmt.actions) {
    const table = scope.schema.requireTable(stmt.table.name);
    switch (action.kind) {
      case 'addColumn':
        addColumn(ctx, scope, table, action.column, action.ifNotExists, sql);
        break;
      case 'dropColumn':
        dropColumn(scope, table, action.name.name, action.ifExists);
        break;
      case 'renameColumn':
        renameColumn(scope, table, action.from.name, action.to.name);
        break;
      case 'renameTable':
        renameTable(scope, table, action.to.name);
        break;
      case 'addConstraint':
        addConstraint(ctx, scope, table, action.constraint, sql);
        break;
      case 'alterColumnType':
        alterColumnType(ctx, scope, table, action.name.name, action.type);
        break;
    }
  }
}

export function alterView(scope: WriteScope, stmt: ast.AlterViewStmt): void {
  const key = stmt.name.name.toLowerCase();
  const view = scope.schema.views.get(key);
  if (view === undefined) throw sqlError(`view "${stmt.name.name}" does not exist`);
  const next = stmt.newName.name;
  if (scope.schema.views.has(next.toLowerCase()) || scope.schema.tables.has(next.toLowerCase())) throw sqlError(`relation "${next}" already exists`);
  refuseRenameUnderViews(scope, view.name, 'view');
  scope.catalog.remove({ kind: 'view', view });
  scope.schema.views.delete(key);
  const renamed = { ...view, name: next };
  scope.schema.views.set(next.toLowerCase(), renamed);
  scope.catalog.put({ kind: 'view', view: renamed });
  scope.schemaChanged();
}

/** Decodes every row, lets `change` produce the new row, and rewrites it in place. */
function rewriteRows(scope: WriteScope, table: TableInfo, def: TableDef, change: (row: Value[]) => Value[]): void {
  const tree = new BTree(scope.txn, table.def.rootPage);
  const overflow = scope.rows.overflow;
  const cursor = tree.cursor();
  // The btree key itself (not the signed rowid it encodes: negative rowids are keys >= 2^63).
  const rows: { key: typeof cursor.key; row: Value[] }[] = [];
  for (let ok = cursor.first(); ok; ok = cursor.next()) rows.push({ key: cursor.key, row: decodeRecord(cursor.value(), overflow) });
  const types = def.columns.map((c) => c.type);
  for (const { key, row } of rows) {
    const next = change(row);
    for (let i = 0; i < def.columns.length; i++) {
      const c = def.columns[i]!;
      if (c.notNull && (next[i] === null || next[i] === undefined)) {
        throw new DecentDBError('ERR_CONSTRAINT', `column "${c.name}" of relation "${def.name}" contains null values`, { table: def.name, column: c.name });
      }
    }
    tree.update(key, encodeRecord(next, types, overflow));
  }
}

function addColumn(ctx: EngineContext, scope: WriteScope, table: TableInfo, col: ast.ColumnDef, ifNotExists: boolean, sql: string | null): void {
  if (table.column(col.name.name) >= 0) {
    if (ifNotExists) return;
    throw sqlError(`column "${col.name.name}" of relation "${table.name}" already exists`);
  }
  const c: { -readonly [K in keyof ColumnDef]: ColumnDef[K] } = { name: col.name.name, type: storableType(col.type, col.name.name), notNull: false, unique: false, primaryKey: false };
  const checks = [...table.def.checks];
  for (const k of col.constraints) {
    if (k.kind === 'notNull') c.notNull = true;
    else if (k.kind === 'default') c.defaultSql = printExpr(k.expr);
    else if (k.kind === 'check') checks.push({ name: k.name?.name ?? `${table.name}_${c.name}_check`, expr: printExpr(k.expr) });
    else if (k.kind === 'references') c.references = resolveForeignKey(scope, table.name, k.ref, [c.name], null);
    else if (k.kind === 'unique') c.unique = true;
    else if (k.kind === 'primaryKey') throw sqlError('ADD COLUMN … PRIMARY KEY is not supported');
    else if (k.kind === 'generated') throw sqlError('ADD COLUMN … GENERATED is not supported');
  }
  const def: TableDef = { ...table.def, columns: [...table.def.columns, c], checks };
  const stored: StoredExpression[] = [];
  for (const k of col.constraints) {
    if (k.kind === 'check') stored.push({ kind: 'CHECK', expr: k.expr });
    else if (k.kind === 'default') stored.push({ kind: 'DEFAULT', expr: k.expr, column: c });
  }
  validateStoredExpressions(scope.schema, table.name, def.columns, stored, sql);
  const fill = evaluateColumnDefault(ctx, c, table.name);
  rewriteRows(scope, table, def, (row) => [...row, fill]);
  const next = replaceTableDef(scope, table, def);
  validateChecks(ctx, scope, next, checks.slice(table.def.checks.length));
  if (c.unique) {
    const ix = addIndex(scope, next, { name: `uniq_${table.name}_${c.name}_idx`, columns: [c.name], unique: true, kind: 'btree', predicateSql: '' });
    fillIndex(scope, next, ix);
  }
}

function dropColumn(scope: WriteScope, table: TableInfo, name: string, ifExists: boolean): void {
  const pos = table.column(name);
  if (pos < 0) {
    if (ifExists) return;
    throw sqlError(`column "${name}" of relation "${table.name}" does not exist`);
  }
  const col = table.def.columns[pos]!;
  if (col.primaryKey) throw sqlError(`cannot drop column "${col.name}": it is part of the primary key`);
  if (table.def.columns.length === 1) throw sqlError(`cannot drop the only column of table "${table.name}"`);
  const users = dependentViews(scope, table.name).filter((v) => viewMayUseColumn(v.sql, col.name));
  if (users.length > 0) {
    const detail = users.map((v) => `view ${v.name} depends on column ${col.name} of table ${table.name}`).join('; ');
    throw new DecentDBError('ERR_CONSTRAINT', `cannot drop column ${col.name} of table ${table.name} because other objects depend on it (${detail})`, {
      table: table.name, column: col.name, dependents: users.map((v) => v.name),
    });
  }
  for (const other of scope.schema.tables.values()) {
    for (const oc of other.def.columns) {
      if (oc.references?.table.toLowerCase() === table.name.toLowerCase() && oc.references.column.toLowerCase() === col.name.toLowerCase()) {
        throw new DecentDBError('ERR_CONSTRAINT', `cannot drop column "${col.name}" of table "${table.name}" because table "${other.name}" references it`);
      }
    }
  }
  for (const ix of [...table.indexes]) {
    if (ix.def.columns.some((c) => c.toLowerCase() === col.name.toLowerCase())) {
      if (ix.def.columns.length > 1) throw sqlError(`cannot drop column "${col.name}": index "${ix.name}" uses it with other columns`);
      new BTree(scope.txn, ix.def.rootPage).destroy();
      table.indexes = table.indexes.filter((x) => x !== ix);
      scope.schema.indexes.delete(ix.name.toLowerCase());
      scope.catalog.remove({ kind: 'index', index: ix.def });
    }
  }
  const checks = table.def.checks.filter((k) => !mentions(k.expr, col.name));
  const def: TableDef = { ...table.def, columns: table.def.columns.filter((_, i) => i !== pos), checks };
  rewriteRows(scope, table, def, (row) => row.filter((_, i) => i !== pos));
  replaceTableDef(scope, table, def);
}

/**
 * Conservative: a view may use `column` if its query names it anywhere (column reference, USING
 * list, alias) or expands `*` (view columns are fixed at CREATE VIEW) — any refuses DROP COLUMN.
 * A `natural` flag is honoured too, should NATURAL joins ever be parsed.
 */
function viewMayUseColumn(viewSql: string, column: string): boolean {
  const target = column.toLowerCase();
  const visit = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(visit);
    if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return false;
    const rec = node as Record<string, unknown>;
    if (rec['kind'] === 'allColumns' || rec['natural'] === true) return true;
    if (typeof rec['name'] === 'string' && rec['name'].toLowerCase() === target) return true;
    return Object.values(rec).some(visit);
  };
  return visit(parse(viewSql));
}

/** Renames would leave a view's stored SQL naming the old relation or column, so they are refused. */
function refuseRenameUnderViews(scope: WriteScope, name: string, what: 'table' | 'view'): void {
  const deps = dependentViews(scope, name);
  if (deps.length === 0) return;
  throw sqlError(`cannot rename ${what} ${name} or its columns while views depend on it (${deps.map((v) => v.name).join(', ')}); drop those views first`, {
    [what]: name, dependents: deps.map((v) => v.name),
  });
}

function mentions(exprSql: string, column: string): boolean {
  let found = false;
  renameColumnRefs(parseExpression(exprSql), column, (n) => {
    found = true;
    return n;
  });
  return found;
}

function renameColumn(scope: WriteScope, table: TableInfo, from: string, to: string): void {
  const pos = table.column(from);
  if (pos < 0) throw sqlError(`column "${from}" does not exist`, { table: table.name, column: from });
  if (table.column(to) >= 0) throw sqlError(`column "${to}" of relation "${table.name}" already exists`);
  refuseRenameUnderViews(scope, table.name, 'table');
  const old = table.def.columns[pos]!;
  const rename = (sql: string): string => printExpr(renameColumnRefs(parseExpression(sql), old.name, () => to));
  const columns = table.def.columns.map((c, i) => {
    const next: ColumnDef = i === pos ? { ...c, name: to } : c;
    return {
      ...next,
      ...(next.defaultSql !== undefined && { defaultSql: rename(next.defaultSql) }),
      ...(next.generatedSql !== undefined && { generatedSql: rename(next.generatedSql) }),
    };
  });
  const checks = table.def.checks.map((k) => ({ name: k.name, expr: rename(k.expr) }));
  const oldKey = old.name.toLowerCase();
  const next = replaceTableDef(scope, table, { ...table.def, columns, checks }, (d) =>
    d.columns.some((c) => c.toLowerCase() === oldKey) ? { ...d, columns: d.columns.map((c) => (c.toLowerCase() === oldKey ? to : c)) } : d,
  );
  // Child tables referencing the renamed column follow it.
  for (const other of scope.schema.tables.values()) {
    const cols = other.def.columns;
    if (!cols.some((c) => c.references?.table.toLowerCase() === next.name.toLowerCase() && c.references.column.toLowerCase() === old.name.toLowerCase())) continue;
    const updated = cols.map((c) =>
      c.references?.table.toLowerCase() === next.name.toLowerCase() && c.references.column.toLowerCase() === old.name.toLowerCase()
        ? { ...c, references: { ...c.references, column: to } }
        : c,
    );
    replaceTableDef(scope, other, { ...other.def, columns: updated });
  }
}

function renameTable(scope: WriteScope, table: TableInfo, to: string): void {
  if (scope.schema.tables.has(to.toLowerCase()) || scope.schema.views.has(to.toLowerCase())) throw sqlError(`relation "${to}" already exists`);
  refuseRenameUnderViews(scope, table.name, 'table');
  const oldName = table.name;
  for (const t of table.triggers) scope.catalog.remove({ kind: 'trigger', trigger: t });
  const next = replaceTableDef(scope, table, { ...table.def, name: to });
  next.triggers = table.triggers.map((t) => ({ ...t, table: to }));
  for (const t of next.triggers) scope.catalog.put({ kind: 'trigger', trigger: t });
  for (const other of scope.schema.tables.values()) {
    if (!other.def.columns.some((c) => c.references?.table.toLowerCase() === oldName.toLowerCase())) continue;
    const cols = other.def.columns.map((c) => (c.references?.table.toLowerCase() === oldName.toLowerCase() ? { ...c, references: { ...c.references, table: to } } : c));
    replaceTableDef(scope, other, { ...other.def, columns: cols });
  }
}

const NO_PARAMS: Value[] = [];

/** Existing rows must satisfy CHECK constraints added by ALTER TABLE (Postgres validates them). */
function validateChecks(ctx: EngineContext, scope: WriteScope, table: TableInfo, checks: readonly { name: string; expr: string }[]): void {
  if (checks.length === 0) return;
  const exprs = checks.map((c) => compileStoredExpr(ctx, scope.schema, table, table.name, c.expr, 'CHECK'));
  const cursor = new BTree(scope.txn, table.def.rootPage).cursor();
  for (let ok = cursor.first(); ok; ok = cursor.next()) {
    const row = decodeRecord(cursor.value(), scope.rows.overflow);
    exprs.forEach((e, i) => {
      if (e(row, NO_PARAMS) === false) {
        const name = checks[i]!.name;
        throw new DecentDBError('ERR_CONSTRAINT', `check constraint "${name}" of relation "${table.name}" is violated by some row`, { table: table.name, constraint: name });
      }
    });
  }
}

function addConstraint(ctx: EngineContext, scope: WriteScope, table: TableInfo, k: ast.TableConstraint, sql: string | null): void {
  switch (k.kind) {
    case 'foreignKey': {
      if (k.columns.length !== 1) throw sqlError('foreign keys over several columns are not supported');
      const pos = table.column(k.columns[0]!.name);
      if (pos < 0) throw sqlError(`column "${k.columns[0]!.name}" does not exist`);
      const col = table.def.columns[pos]!;
      const ref = resolveForeignKey(scope, table.name, k.ref, [col.name], null);
      const columns = table.def.columns.map((c, i) => (i === pos ? { ...c, references: ref } : c));
      const next = replaceTableDef(scope, table, { ...table.def, columns });
      verifyForeignKey(scope, next, pos);
      if (pos !== next.rowidColumn && !next.indexes.some((ix) => ix.def.columns[0]?.toLowerCase() === col.name.toLowerCase())) {
        const ix = addIndex(scope, next, { name: `fk_${table.name}_${col.name}_idx`, columns: [col.name], unique: false, kind: 'btree', predicateSql: '' });
        fillIndex(scope, next, ix);
      }
      return;
    }
    case 'unique': {
      const cols = k.columns.map((c) => {
        const p = table.column(c.name);
        if (p < 0) throw sqlError(`column "${c.name}" does not exist`);
        return table.def.columns[p]!.name;
      });
      const name = k.name?.name ?? `uniq_${table.name}_${cols.join('_')}_idx`;
      const ix = addIndex(scope, table, { name, columns: cols, unique: true, kind: 'btree', predicateSql: '' });
      fillIndex(scope, table, ix);
      scope.schemaChanged();
      return;
    }
    case 'check': {
      const check = { name: k.name?.name ?? `${table.name}_check${table.def.checks.length + 1}`, expr: printExpr(k.expr) };
      if (table.def.checks.some((c) => c.name.toLowerCase() === check.name.toLowerCase())) throw sqlError(`constraint "${check.name}" for relation "${table.name}" already exists`);
      validateStoredExpressions(scope.schema, table.name, table.def.columns, [{ kind: 'CHECK', expr: k.expr }], sql);
      const next = replaceTableDef(scope, table, { ...table.def, checks: [...table.def.checks, check] });
      validateChecks(ctx, scope, next, [check]);
      return;
    }
    case 'primaryKey':
      throw sqlError('ALTER TABLE … ADD PRIMARY KEY is not supported');
  }
}

/** Every non-NULL value of the child column must exist in the parent (checked when added). */
function verifyForeignKey(scope: WriteScope, table: TableInfo, pos: number): void {
  const col = table.def.columns[pos]!;
  const ref = col.references!;
  const parent = scope.schema.requireTable(ref.table);
  const parentPos = parent.column(ref.column);
  const seen = new Set<string>();
  const cursor = new BTree(scope.txn, table.def.rootPage).cursor();
  const parentValues = new Set<string>();
  const pc = new BTree(scope.txn, parent.def.rootPage).cursor();
  for (let ok = pc.first(); ok; ok = pc.next()) parentValues.add(String(decodeRecord(pc.value(), scope.rows.overflow)[parentPos]));
  for (let ok = cursor.first(); ok; ok = cursor.next()) {
    const v = decodeRecord(cursor.value(), scope.rows.overflow)[pos];
    if (v === null || v === undefined) continue;
    const key = String(v);
    if (seen.has(key)) continue;
    seen.add(key);
    if (!parentValues.has(key)) {
      throw new DecentDBError('ERR_CONSTRAINT', `insert or update on table "${table.name}" violates foreign key constraint: key (${col.name})=(${key}) is not present in table "${parent.name}"`);
    }
  }
}

function alterColumnType(ctx: EngineContext, scope: WriteScope, table: TableInfo, name: string, type: ast.TypeName): void {
  const pos = table.column(name);
  if (pos < 0) throw sqlError(`column "${name}" does not exist`);
  const col = table.def.columns[pos]!;
  if (col.primaryKey || col.references !== undefined) throw sqlError(`cannot change the type of column "${col.name}": it is a primary or foreign key`);
  if (table.def.checks.length > 0) throw sqlError(`cannot change a column type of table "${table.name}" while it has CHECK constraints`);
  const to = storableType(type, col.name);
  const from = col.type;
  const def: TableDef = { ...table.def, columns: table.def.columns.map((c, i) => (i === pos ? { ...c, type: to } : c)) };
  for (const ix of table.indexes) if (ix.columnPositions.includes(pos)) new BTree(scope.txn, ix.def.rootPage).destroy();
  rewriteRows(scope, table, def, (row) => row.map((v, i) => (i === pos ? castValue(v, from, to, ctx.clock) : v)));
  const next = replaceTableDef(scope, table, def);
  for (const ix of next.indexes) {
    if (!ix.columnPositions.includes(pos)) continue;
    const fresh = BTree.create(scope.txn);
    ix.def = { ...ix.def, rootPage: fresh.root };
    scope.catalog.put({ kind: 'index', index: ix.def });
    fillIndex(scope, next, ix);
  }
}
