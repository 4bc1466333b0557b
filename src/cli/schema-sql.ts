/**
 * SQL DDL rebuilt from catalog records, for `export --sql` and the shell's `.schema`: CREATE
 * TABLE (columns, NOT NULL, PRIMARY KEY, UNIQUE, DEFAULT, GENERATED, CHECK), foreign keys as
 * ALTER TABLE … ADD FOREIGN KEY (run after the data, so row order never matters), CREATE INDEX
 * (except the indexes CREATE TABLE / ADD FOREIGN KEY imply under their native names,
 * engine ddl.ts), CREATE VIEW in dependency order, CREATE TRIGGER. Format: spec §1.8.
 */
import { quoteIdent, quoteString } from '../sql/index.js';
import type { SqlType } from '../record/index.js';
import type { CatalogEntry, ColumnDef, IndexDef, TableDef, TriggerDef, ViewDef } from '../catalog/index.js';
import { triggerEvents, triggerTiming } from '../catalog/index.js';

export const typeSql = (t: SqlType): string => (t.base === 'DECIMAL' ? `DECIMAL(${t.precision ?? 18},${t.scale ?? 0})` : t.base);

const pkColumns = (t: TableDef): ColumnDef[] => t.columns.filter((c) => c.primaryKey);

function columnSql(c: ColumnDef, singlePk: boolean): string {
  let s = `${quoteIdent(c.name)} ${typeSql(c.type)}`;
  if (c.generatedSql !== undefined) return `${s} GENERATED ALWAYS AS (${c.generatedSql}) STORED`;
  if (c.primaryKey && singlePk) s += ' PRIMARY KEY';
  else if (c.notNull) s += ' NOT NULL';
  if (c.unique && !(c.primaryKey && singlePk)) s += ' UNIQUE';
  if (c.defaultSql !== undefined) s += ` DEFAULT ${c.defaultSql}`;
  return s;
}

/** CREATE TABLE without foreign keys (see foreignKeySql). */
export function createTableSql(t: TableDef): string {
  const pk = pkColumns(t);
  const parts = t.columns.map((c) => '  ' + columnSql(c, pk.length === 1));
  if (pk.length > 1) parts.push(`  PRIMARY KEY (${pk.map((c) => quoteIdent(c.name)).join(', ')})`);
  for (const k of t.checks) parts.push(`  CONSTRAINT ${quoteIdent(k.name)} CHECK (${k.expr})`);
  return `CREATE TABLE ${quoteIdent(t.name)} (\n${parts.join(',\n')}\n)`;
}

/** One ALTER TABLE … ADD FOREIGN KEY per referencing column. */
export function foreignKeySql(t: TableDef): string[] {
  const out: string[] = [];
  for (const c of t.columns) {
    const r = c.references;
    if (r === undefined) continue;
    out.push(
      `ALTER TABLE ${quoteIdent(t.name)} ADD FOREIGN KEY (${quoteIdent(c.name)}) REFERENCES ${quoteIdent(r.table)} (${quoteIdent(r.column)})` +
        ` ON DELETE ${r.onDelete} ON UPDATE ${r.onUpdate}`,
    );
  }
  return out;
}

/** True for an index CREATE TABLE or ADD FOREIGN KEY creates by itself (native names). */
export function isImpliedIndex(ix: IndexDef, t: TableDef): boolean {
  const name = ix.name.toLowerCase();
  const cols = ix.columns.map((c) => c.toLowerCase());
  const tn = t.name.toLowerCase();
  const pk = pkColumns(t).map((c) => c.name.toLowerCase());
  if (pk.length > 0 && name === `pk_${tn}_${pk.join('_')}_idx`) return true;
  const col = cols.length === 1 ? t.columns.find((c) => c.name.toLowerCase() === cols[0]) : undefined;
  if (col === undefined) return false;
  if (col.unique && name === `uniq_${tn}_${cols[0]}_idx`) return true;
  return col.references !== undefined && name === `fk_${tn}_${cols[0]}_idx`;
}

export function createIndexSql(ix: IndexDef): string {
  const target = ix.expressionSql !== undefined ? `(${ix.expressionSql})` : ix.columns.map(quoteIdent).join(', ');
  const using = ix.kind.toLowerCase() === 'btree' ? '' : ` USING ${ix.kind}`;
  const where = ix.predicateSql === '' ? '' : ` WHERE ${ix.predicateSql}`;
  return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(ix.name)} ON ${quoteIdent(ix.table)}${using} (${target})${where}`;
}

export const createViewSql = (v: ViewDef): string => `CREATE VIEW ${quoteIdent(v.name)} AS ${v.sql}`;

export function createTriggerSql(tr: TriggerDef): string {
  const events = triggerEvents(tr.eventsMask).join(' OR ');
  return (
    `CREATE TRIGGER ${quoteIdent(tr.name)} ${triggerTiming(tr.eventsMask)} ${events} ON ${quoteIdent(tr.table)}` +
    ` FOR EACH ROW EXECUTE FUNCTION decentdb_exec_sql(${quoteString(tr.actionSql)})`
  );
}

export interface SchemaParts {
  readonly tables: readonly TableDef[];
  /** Run after the data: foreign keys, then indexes. */
  readonly afterData: readonly string[];
  /** Views (dependency order) and triggers, last. */
  readonly last: readonly string[];
}

/** Splits catalog records into the statements that rebuild them, in a safe order. */
export function schemaParts(entries: readonly CatalogEntry[]): SchemaParts {
  const tables: TableDef[] = [];
  const indexes: IndexDef[] = [];
  const views: ViewDef[] = [];
  const triggers: TriggerDef[] = [];
  for (const e of entries) {
    if (e.kind === 'table') tables.push(e.table);
    else if (e.kind === 'index') indexes.push(e.index);
    else if (e.kind === 'view') views.push(e.view);
    else if (e.kind === 'trigger') triggers.push(e.trigger);
  }
  const byName = new Map(tables.map((t) => [t.name.toLowerCase(), t]));
  const afterData: string[] = [];
  for (const t of tables) afterData.push(...foreignKeySql(t));
  for (const ix of indexes) {
    const t = byName.get(ix.table.toLowerCase());
    if (t === undefined || !isImpliedIndex(ix, t)) afterData.push(createIndexSql(ix));
  }
  const last = viewOrder(views).map(createViewSql);
  for (const tr of triggers) last.push(createTriggerSql(tr));
  return { tables, afterData, last };
}

/** Views after the views they read (a cycle, impossible in a valid catalog, keeps input order). */
function viewOrder(views: readonly ViewDef[]): ViewDef[] {
  const byName = new Map(views.map((v) => [v.name.toLowerCase(), v]));
  const done = new Set<string>();
  const out: ViewDef[] = [];
  const visit = (v: ViewDef, depth: number): void => {
    const key = v.name.toLowerCase();
    if (done.has(key) || depth > views.length) return;
    for (const d of v.dependencies) {
      const dep = byName.get(d.toLowerCase());
      if (dep !== undefined) visit(dep, depth + 1);
    }
    if (!done.has(key)) {
      done.add(key);
      out.push(v);
    }
  };
  for (const v of views) visit(v, 0);
  return out;
}

/** `.schema` text: every object's DDL, each ending with `;`. */
export function schemaText(entries: readonly CatalogEntry[], table?: string): string {
  const want = table?.toLowerCase();
  const p = schemaParts(entries);
  const lines: string[] = [];
  for (const t of p.tables) if (want === undefined || t.name.toLowerCase() === want) lines.push(createTableSql(t) + ';');
  for (const s of [...p.afterData, ...p.last]) if (want === undefined || mentions(s, want)) lines.push(s + ';');
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

const mentions = (sql: string, table: string): boolean => sql.toLowerCase().includes(`on "${table}"`) || sql.toLowerCase().startsWith(`alter table "${table}"`);
