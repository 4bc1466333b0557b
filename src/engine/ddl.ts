/**
 * DDL: CREATE/DROP/ALTER of tables, indexes, views and triggers, turned into native catalog
 * records (format §1.8) and B+Trees. Constraint indexes get the native names
 * (`pk_<t>_<c>_idx`, `uniq_<t>_<c>_idx`, `fk_<t>_<c>_idx`) and are skipped when an
 * equivalent index exists (native ADR-0049). Runs inside a WriteScope (session.ts).
 */
import { DecentDBError } from '../util/index.js';
import { BTree } from '../btree/index.js';
import { parse, printExpr, printStatement } from '../sql/index.js';
import type * as ast from '../sql/index.js';
import type { ColumnDef, FkAction, ForeignKeyRef, IndexDef, TableDef, TriggerDef, ViewDef } from '../catalog/index.js';
import { TRIGGER_EVENT, TRIGGER_INSTEAD_OF } from '../catalog/index.js';
import { IndexInfo, TableInfo } from './schema.js';
import type { WriteScope } from './session.js';
import { validateStoredExpressions, type StoredExpression } from './stored-expressions.js';

const sqlError = (message: string, details?: Record<string, unknown>): DecentDBError => new DecentDBError('ERR_SQL', message, details);

const FK_ACTION: Record<ast.FkAction, FkAction | undefined> = {
  'no action': 'NO ACTION',
  restrict: 'RESTRICT',
  cascade: 'CASCADE',
  'set null': 'SET NULL',
  'set default': undefined,
};

function fkAction(a: ast.FkAction | null): FkAction {
  if (a === null) return 'NO ACTION';
  const mapped = FK_ACTION[a];
  if (mapped === undefined) throw sqlError(`ON DELETE/UPDATE ${a.toUpperCase()} is not supported`);
  return mapped;
}

/** CREATE TABLE: the table record, its tree, and the indexes its constraints imply. */
export function createTable(scope: WriteScope, stmt: ast.CreateTableStmt, sql: string | null = null): void {
  const name = stmt.name.name;
  if (scope.schema.table(name) !== undefined || scope.schema.views.has(name.toLowerCase())) {
    if (stmt.ifNotExists) return;
    throw sqlError(`relation "${name}" already exists`, { table: name });
  }
  const columns: MutableColumn[] = [];
  const checks: { name: string; expr: string }[] = [];
  const stored: StoredExpression[] = [];
  const uniqueSets: string[][] = [];
  let pkColumns: string[] | null = null;
  const seen = new Set<string>();
  for (const col of stmt.columns) {
    const cname = col.name.name;
    if (seen.has(cname.toLowerCase())) throw sqlError(`column "${cname}" specified more than once`, { column: cname });
    seen.add(cname.toLowerCase());
    const c: MutableColumn = { name: cname, type: storableType(col.type, cname), notNull: false, unique: false, primaryKey: false };
    for (const k of col.constraints) {
      switch (k.kind) {
        case 'notNull':
          c.notNull = true;
          break;
        case 'null':
          break;
        case 'primaryKey':
          if (pkColumns !== null) throw sqlError(`multiple primary keys for table "${name}" are not allowed`);
          pkColumns = [cname];
          break;
        case 'unique':
          uniqueSets.push([cname]);
          break;
        case 'check':
          checks.push({ name: k.name?.name ?? `${name}_${cname}_check`, expr: printExpr(k.expr) });
          stored.push({ kind: 'CHECK', expr: k.expr });
          break;
        case 'default':
          c.defaultSql = printExpr(k.expr);
          stored.push({ kind: 'DEFAULT', expr: k.expr, column: c });
          break;
        case 'generated':
          c.generatedSql = printExpr(k.expr);
          stored.push({ kind: 'GENERATED', expr: k.expr, column: c });
          break;
        case 'references':
          c.references = foreignKey(scope, name, k.ref, [cname], stmt);
          break;
      }
    }
    columns.push(c);
  }
  for (const k of stmt.constraints) {
    switch (k.kind) {
      case 'primaryKey':
        if (pkColumns !== null) throw sqlError(`multiple primary keys for table "${name}" are not allowed`);
        pkColumns = k.columns.map((i) => resolveColumn(columns, i.name, name));
        break;
      case 'unique':
        uniqueSets.push(k.columns.map((i) => resolveColumn(columns, i.name, name)));
        break;
      case 'check':
        checks.push({ name: k.name?.name ?? `${name}_check${checks.length === 0 ? '' : checks.length}`, expr: printExpr(k.expr) });
        stored.push({ kind: 'CHECK', expr: k.expr });
        break;
      case 'foreignKey': {
        if (k.columns.length !== 1) throw sqlError('foreign keys over several columns are not supported');
        const cname = resolveColumn(columns, k.columns[0]!.name, name);
        const col = columns.find((c) => c.name === cname)!;
        col.references = foreignKey(scope, name, k.ref, [cname], stmt);
        break;
      }
    }
  }
  const pk = pkColumns as string[] | null;
  if (pk !== null) {
    for (const p of pk) {
      const c = columns.find((x) => x.name === p)!;
      c.primaryKey = true;
      c.notNull = true;
      if (pk.length === 1) c.unique = true;
    }
  }
  for (const set of uniqueSets) if (set.length === 1) columns.find((x) => x.name === set[0])!.unique = true;
  validateStoredExpressions(scope.schema, name, columns, stored, sql);

  const tree = BTree.create(scope.txn);
  const def: TableDef = { name, rootPage: tree.root, nextRowId: 1, columns, checks };
  const table = new TableInfo(def);
  table.rowCount = 0;
  scope.schema.tables.set(name.toLowerCase(), table);
  scope.catalog.put({ kind: 'table', table: def });

  // Implied indexes, in the order native creates them.
  if (pk !== null && !(pk.length === 1 && table.rowidColumn >= 0)) {
    addIndex(scope, table, { name: `pk_${name}_${pk.join('_')}_idx`, columns: pk, unique: true, kind: 'btree', predicateSql: '' });
  }
  for (const set of uniqueSets) {
    if (pk !== null && sameColumns(set, pk)) continue;
    if (set.length === 1 && table.rowidColumn >= 0 && set[0] === columns[table.rowidColumn]!.name) continue;
    addIndex(scope, table, { name: `uniq_${name}_${set.join('_')}_idx`, columns: set, unique: true, kind: 'btree', predicateSql: '' });
  }
  for (const c of columns) {
    if (c.references === undefined) continue;
    if (table.rowidColumn >= 0 && columns[table.rowidColumn]!.name === c.name) continue;
    if (table.indexes.some((ix) => ix.def.columns[0]?.toLowerCase() === c.name.toLowerCase())) continue;
    addIndex(scope, table, { name: `fk_${name}_${c.name}_idx`, columns: [c.name], unique: false, kind: 'btree', predicateSql: '' });
  }
  scope.schemaChanged();
}

type MutableColumn = { -readonly [K in keyof ColumnDef]: ColumnDef[K] };

/**
 * The column type as the native format stores it. DECIMAL keeps its unscaled value in an
 * int64 (format §1.7 kind 12), so a written precision must be 1..18 and the scale 0..precision.
 */
export function storableType(type: ast.TypeName, column: string): ColumnDef['type'] {
  const t = type.sqlType;
  if (t.base !== 'DECIMAL') return t;
  const p = t.precision;
  const s = t.scale ?? 0;
  if (p !== undefined && (p < 1 || p > 18)) {
    throw sqlError(`DECIMAL precision ${p} of column "${column}" is out of range: DecentDB stores DECIMAL(p,s) with 1 <= p <= 18`, { column });
  }
  if (p !== undefined && (s < 0 || s > p)) throw sqlError(`DECIMAL scale ${s} of column "${column}" must be between 0 and the precision ${p}`, { column });
  return t;
}

function resolveColumn(columns: readonly MutableColumn[], name: string, table: string): string {
  const c = columns.find((x) => x.name.toLowerCase() === name.toLowerCase());
  if (c === undefined) throw sqlError(`column "${name}" named in key does not exist`, { table, column: name });
  return c.name;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());
}

function foreignKey(scope: WriteScope, table: string, ref: ast.ForeignKeyRef, _cols: string[], stmt: ast.CreateTableStmt | null): ForeignKeyRef {
  const parentName = ref.table.name;
  const selfRef = stmt !== null && parentName.toLowerCase() === table.toLowerCase();
  let column: string;
  if (selfRef) {
    const cols = stmt.columns;
    if (ref.columns.length > 1) throw sqlError('foreign keys over several columns are not supported');
    const wanted = ref.columns[0]?.name;
    const target = wanted === undefined ? cols.find((c) => c.constraints.some((k) => k.kind === 'primaryKey')) : cols.find((c) => c.name.name.toLowerCase() === wanted.toLowerCase());
    if (target === undefined) throw sqlError(`there is no unique constraint matching given keys for referenced table "${parentName}"`);
    column = target.name.name;
  } else {
    const parent = scope.schema.table(parentName);
    if (parent === undefined) throw sqlError(`relation "${parentName}" does not exist`, { table: parentName });
    if (ref.columns.length > 1) throw sqlError('foreign keys over several columns are not supported');
    const wanted = ref.columns[0]?.name;
    let pos: number;
    if (wanted === undefined) {
      pos = parent.def.columns.findIndex((c) => c.primaryKey);
      if (pos < 0 || parent.def.columns.filter((c) => c.primaryKey).length !== 1) {
        throw sqlError(`there is no primary key for referenced table "${parentName}"`);
      }
    } else {
      pos = parent.column(wanted);
      if (pos < 0) throw sqlError(`column "${wanted}" referenced in foreign key constraint does not exist`);
    }
    const pc = parent.def.columns[pos]!;
    const indexed = pos === parent.rowidColumn || parent.indexes.some((ix) => ix.def.unique && ix.def.columns.length === 1 && ix.def.columns[0]!.toLowerCase() === pc.name.toLowerCase());
    if (!indexed) throw sqlError(`there is no unique constraint matching given keys for referenced table "${parentName}"`);
    column = pc.name;
  }
  return { table: selfRef ? table : scope.schema.requireTable(parentName).name, column, onDelete: fkAction(ref.onDelete), onUpdate: fkAction(ref.onUpdate) };
}

function addIndex(scope: WriteScope, table: TableInfo, spec: Omit<IndexDef, 'rootPage' | 'table'>): IndexInfo {
  if (scope.schema.indexes.has(spec.name.toLowerCase())) throw sqlError(`relation "${spec.name}" already exists`, { index: spec.name });
  const tree = BTree.create(scope.txn);
  const def: IndexDef = { ...spec, table: table.name, rootPage: tree.root };
  const info = new IndexInfo(def, table);
  table.indexes.push(info);
  scope.schema.indexes.set(def.name.toLowerCase(), info);
  scope.catalog.put({ kind: 'index', index: def });
  return info;
}

/** CREATE [UNIQUE] INDEX … [USING btree|trigram] (cols) [WHERE …]. */
export function createIndex(scope: WriteScope, stmt: ast.CreateIndexStmt): IndexInfo | undefined {
  const table = scope.schema.requireTable(stmt.table.name);
  const name = stmt.name.name;
  if (scope.schema.indexes.has(name.toLowerCase()) || scope.schema.tables.has(name.toLowerCase())) {
    if (stmt.ifNotExists) return undefined;
    throw sqlError(`relation "${name}" already exists`, { index: name });
  }
  const columns: string[] = [];
  for (const k of stmt.keys) {
    if (k.expr.kind !== 'column' || k.expr.table !== null) throw sqlError('expression indexes are not supported');
    const pos = table.column(k.expr.name.name);
    if (pos < 0) throw sqlError(`column "${k.expr.name.name}" does not exist`, { table: table.name, column: k.expr.name.name });
    columns.push(table.def.columns[pos]!.name);
  }
  const kind = stmt.method ?? 'btree';
  if (kind === 'trigram') {
    if (columns.length !== 1 || table.types[table.column(columns[0]!)]!.base !== 'TEXT') throw sqlError('a trigram index needs exactly one TEXT column');
    if (stmt.unique) throw sqlError('a trigram index cannot be UNIQUE');
  }
  const predicateSql = stmt.where === null ? '' : printExpr(stmt.where);
  if (predicateSql !== '') throw sqlError('partial indexes are not supported');
  const info = addIndex(scope, table, { name, columns, unique: stmt.unique, kind, predicateSql });
  fillIndex(scope, table, info); // btree entries, or a bottom-up trigram build (trigram-sync.ts)
  scope.schemaChanged();
  return info;
}

export function createView(scope: WriteScope, stmt: ast.CreateViewStmt, outputColumns: readonly string[], dependencies: readonly string[]): void {
  const name = stmt.name.name;
  const key = name.toLowerCase();
  if (scope.schema.tables.has(key)) throw sqlError(`relation "${name}" already exists`);
  if (scope.schema.views.has(key)) {
    if (stmt.ifNotExists) return;
    if (!stmt.orReplace) throw sqlError(`relation "${name}" already exists`);
  }
  const view: ViewDef = {
    name,
    sql: printStatement(stmt.query),
    columns: stmt.columns.length > 0 ? stmt.columns.map((c) => c.name) : [...outputColumns],
    dependencies: [...dependencies],
  };
  scope.schema.views.set(key, view);
  scope.catalog.put({ kind: 'view', view });
  scope.schemaChanged();
}

export function createTrigger(scope: WriteScope, stmt: ast.CreateTriggerStmt): void {
  const table = scope.schema.table(stmt.table.name);
  const isView = table === undefined && scope.schema.views.has(stmt.table.name.toLowerCase());
  if (table === undefined && !isView) throw sqlError(`relation "${stmt.table.name}" does not exist`);
  if (!stmt.forEachRow) throw sqlError('statement-level triggers are not supported; write FOR EACH ROW', { trigger: stmt.name.name });
  if (stmt.timing === 'before') throw sqlError('BEFORE triggers are not supported');
  if (stmt.timing === 'instead of' && !isView) throw sqlError('INSTEAD OF triggers are only allowed on views');
  if (stmt.timing === 'after' && isView) throw sqlError('AFTER triggers are only allowed on tables');
  if (stmt.function.name.toLowerCase() !== 'decentdb_exec_sql' || stmt.args.length !== 1) {
    throw sqlError("a trigger action must be EXECUTE FUNCTION decentdb_exec_sql('<one DML statement>')");
  }
  const actionSql = stmt.args[0]!;
  let action: ast.Statement;
  try {
    action = parse(actionSql);
  } catch (e) {
    throw sqlError(`trigger "${stmt.name.name}" action does not parse: ${e instanceof Error ? e.message : String(e)}`, { trigger: stmt.name.name });
  }
  if (action.kind !== 'insert' && action.kind !== 'update' && action.kind !== 'delete') {
    throw sqlError(`trigger "${stmt.name.name}" action must be one INSERT, UPDATE or DELETE statement`, { trigger: stmt.name.name });
  }
  let mask = stmt.timing === 'instead of' ? TRIGGER_INSTEAD_OF : 0;
  for (const ev of stmt.events) mask |= ev === 'insert' ? TRIGGER_EVENT.INSERT : ev === 'delete' ? TRIGGER_EVENT.DELETE : TRIGGER_EVENT.UPDATE;
  const tableName = table?.name ?? scope.schema.views.get(stmt.table.name.toLowerCase())!.name;
  const trigger: TriggerDef = { name: stmt.name.name, table: tableName, eventsMask: mask, actionSql };
  if (table !== undefined) {
    if (table.triggers.some((t) => t.name.toLowerCase() === trigger.name.toLowerCase())) throw sqlError(`trigger "${trigger.name}" for relation "${tableName}" already exists`);
    table.triggers.push(trigger);
  } else {
    scope.schema.viewTriggers.push(trigger);
  }
  scope.catalog.put({ kind: 'trigger', trigger });
  scope.schemaChanged();
}

export function dropTable(scope: WriteScope, stmt: ast.DropTableStmt): void {
  for (const ident of stmt.names) {
    const table = scope.schema.table(ident.name);
    if (table === undefined) {
      if (stmt.ifExists) continue;
      throw sqlError(`table "${ident.name}" does not exist`, { table: ident.name });
    }
    for (const other of scope.schema.tables.values()) {
      if (other === table) continue;
      const ref = other.def.columns.find((c) => c.references?.table.toLowerCase() === table.name.toLowerCase());
      if (ref !== undefined) throw new DecentDBError('ERR_CONSTRAINT', `cannot drop table ${table.name} because table ${other.name} references it`, { table: table.name, referencedBy: other.name });
    }
    refuseIfViewsDependOn(scope, table.name, 'table');
    for (const ix of table.indexes) {
      new BTree(scope.txn, ix.def.rootPage).destroy();
      scope.catalog.remove({ kind: 'index', index: ix.def });
      scope.catalog.removeStats('index', ix.name);
    scope.schema.indexStats.delete(ix.name.toLowerCase());
      scope.schema.indexes.delete(ix.name.toLowerCase());
    }
    for (const t of table.triggers) scope.catalog.remove({ kind: 'trigger', trigger: t });
    new BTree(scope.txn, table.def.rootPage).destroy();
    scope.catalog.remove({ kind: 'table', table: table.def });
    scope.catalog.removeStats('table', table.name);
    scope.schema.storedRowCounts.delete(table.name.toLowerCase());
    scope.schema.tables.delete(table.name.toLowerCase());
  }
  scope.schemaChanged();
}

export function dropIndex(scope: WriteScope, stmt: ast.DropIndexStmt): void {
  for (const ident of stmt.names) {
    const ix = scope.schema.indexes.get(ident.name.toLowerCase());
    if (ix === undefined) {
      if (stmt.ifExists) continue;
      throw sqlError(`index "${ident.name}" does not exist`, { index: ident.name });
    }
    const table = scope.schema.requireTable(ix.def.table);
    new BTree(scope.txn, ix.def.rootPage).destroy();
    table.indexes = table.indexes.filter((x) => x !== ix);
    scope.schema.indexes.delete(ix.name.toLowerCase());
    scope.catalog.remove({ kind: 'index', index: ix.def });
    scope.catalog.removeStats('index', ix.name);
    scope.schema.indexStats.delete(ix.name.toLowerCase());
  }
  scope.schemaChanged();
}

export function dropView(scope: WriteScope, stmt: ast.DropViewStmt): void {
  for (const ident of stmt.names) {
    const view = scope.schema.views.get(ident.name.toLowerCase());
    if (view === undefined) {
      if (stmt.ifExists) continue;
      throw sqlError(`view "${ident.name}" does not exist`, { view: ident.name });
    }
    const dropping = new Set(stmt.names.map((n) => n.name.toLowerCase()));
    refuseIfViewsDependOn(scope, view.name, 'view', dropping);
    scope.schema.views.delete(ident.name.toLowerCase());
    scope.catalog.remove({ kind: 'view', view });
  }
  scope.schemaChanged();
}

export function dropTrigger(scope: WriteScope, stmt: ast.DropTriggerStmt): void {
  const table = scope.schema.table(stmt.table.name);
  const trig = table?.triggers.find((t) => t.name.toLowerCase() === stmt.name.name.toLowerCase());
  if (table === undefined || trig === undefined) {
    if (stmt.ifExists) return;
    throw sqlError(`trigger "${stmt.name.name}" for table "${stmt.table.name}" does not exist`);
  }
  table.triggers = table.triggers.filter((t) => t !== trig);
  scope.catalog.remove({ kind: 'trigger', trigger: trig });
  scope.schemaChanged();
}

/** Views whose stored dependencies name relation `name` (a table or another view). */
export function dependentViews(scope: WriteScope, name: string, except: ReadonlySet<string> = new Set()): ViewDef[] {
  const key = name.toLowerCase();
  return [...scope.schema.views.values()].filter((v) => !except.has(v.name.toLowerCase()) && v.dependencies.some((d) => d.toLowerCase() === key));
}

/** Postgres refuses to drop a relation a view reads (no CASCADE here): ERR_CONSTRAINT, like FK dependants. */
function refuseIfViewsDependOn(scope: WriteScope, name: string, what: 'table' | 'view', except?: ReadonlySet<string>): void {
  const deps = dependentViews(scope, name, except);
  if (deps.length === 0) return;
  const detail = deps.map((v) => `view ${v.name} depends on ${what} ${name}`).join('; ');
  throw new DecentDBError('ERR_CONSTRAINT', `cannot drop ${what} ${name} because other objects depend on it (${detail})`, { [what]: name, dependents: deps.map((v) => v.name) });
}

/** Replaces a table's definition (ALTER TABLE) and rewrites its record. */
export function replaceTableDef(scope: WriteScope, table: TableInfo, def: TableDef, indexDef: (d: IndexDef) => IndexDef = (d) => d): TableInfo {
  const next = new TableInfo(def);
  next.indexes = [];
  next.triggers = table.triggers;
  next.rowCount = table.rowCount;
  next.nextRowId = table.nextRowId;
  scope.schema.tables.delete(table.name.toLowerCase());
  scope.schema.tables.set(def.name.toLowerCase(), next);
  for (const ix of table.indexes) {
    const mapped = indexDef({ ...ix.def, table: def.name });
    const info = new IndexInfo(mapped, next);
    next.indexes.push(info);
    scope.schema.indexes.set(info.name.toLowerCase(), info);
    if (mapped.columns !== ix.def.columns || mapped.table !== ix.def.table) scope.catalog.put({ kind: 'index', index: mapped });
  }
  if (def.name !== table.name) {
    scope.catalog.remove({ kind: 'table', table: table.def });
    scope.catalog.removeStats('table', table.name);
    scope.schema.storedRowCounts.delete(table.name.toLowerCase());
  }
  scope.catalog.put({ kind: 'table', table: def });
  scope.schemaChanged();
  return next;
}

/** Builds `ix` over the rows of `table` and stores its statistics (stats:index record). */
export function fillIndex(scope: WriteScope, table: TableInfo, ix: IndexInfo): void {
  const r = scope.rows.fillIndex(table, ix);
  scope.schema.setIndexStats(ix.name, r.entries, r.distinctKeys);
}

export { foreignKey as resolveForeignKey, addIndex };
