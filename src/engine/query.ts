/**
 * Queries: SELECT and EXPLAIN through the planner and executor. Supplies the planner's Schema
 * view of the engine's catalog (views parsed once), caches plans per (statement, schema
 * version), builds the ExecContext over the right snapshot — the open write transaction inside
 * BEGIN, otherwise a fresh read snapshot held until the cursor closes.
 */
import { DecentDBError } from '../util/index.js';
import { ReadTransaction, type PageStore } from '../pager/index.js';
import { TrigramIndex } from '../trigram/index.js';
import { BTree } from '../btree/index.js';
import { overflowFor, type SqlType, type Value } from '../record/index.js';
import { parse } from '../sql/index.js';
import type * as ast from '../sql/index.js';
import { explain, planSelect, type PhysicalPlan, type Schema as PlannerSchema, type SchemaView } from '../planner/index.js';
import { execute, executeReusing, explainTrigram, newCounters, newEnv, type ExecContext } from '../exec/index.js';
import type { EngineContext } from './engine-context.js';
import type { Schema } from './schema.js';
import type { WriteScope } from './session.js';

/** Rows of one execution, pulled one at a time; close() releases the snapshot. */
export interface QueryCursor {
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  next(): Value[] | undefined;
  close(): void;
}

const adapters = new WeakMap<Schema, PlannerSchema>();

/** The planner's window on an engine Schema (one adapter per schema version). */
export function plannerSchema(schema: Schema): PlannerSchema {
  let a = adapters.get(schema);
  if (a !== undefined) return a;
  const views = new Map<string, SchemaView>();
  a = {
    table: (name) => schema.table(name)?.def,
    view: (name) => {
      const key = name.toLowerCase();
      let v = views.get(key);
      if (v === undefined) {
        const def = schema.views.get(key);
        if (def === undefined) return undefined;
        const stmt = parse(def.sql);
        if (stmt.kind !== 'select') throw new DecentDBError('ERR_CORRUPTION', `view ${def.name} does not hold a SELECT`);
        v = { def, query: stmt };
        views.set(key, v);
      }
      return v;
    },
    indexesOf: (table) => schema.table(table)?.indexes.map((ix) => ix.def) ?? [],
    rowCount: (table) => schema.table(table)?.rowCount,
    distinctKeys: (index) => {
      const s = schema.indexStats.get(index.toLowerCase());
      if (s !== undefined && typeof s.distinctKeyCount === 'number') return s.distinctKeyCount;
      // A unique index has (about) one key per row.
      const ix = schema.indexes.get(index.toLowerCase());
      return ix?.def.unique === true ? schema.table(ix.def.table)?.rowCount : undefined;
    },
  };
  adapters.set(schema, a);
  return a;
}

const plans = new WeakMap<ast.SelectStmt, { structure: object; plan: PhysicalPlan }>();

/** Plans built by planFor since start (tests assert plan-cache hits with it). @internal */
export const planCounters = { built: 0 };

/**
 * The plan of `stmt` for `schema`, cached until the schema's structure changes (DDL or a
 * moved root page; Schema.structure). Row-count hints do not invalidate it.
 */
export function planFor(stmt: ast.SelectStmt, schema: Schema, sql?: string): PhysicalPlan {
  const hit = plans.get(stmt);
  if (hit !== undefined && hit.structure === schema.structure) return hit.plan;
  const plan = planSelect(stmt, plannerSchema(schema), sql === undefined ? {} : { sql });
  planCounters.built++;
  plans.set(stmt, { structure: schema.structure, plan });
  return plan;
}

let tempCounter = 0;

export function execContext(ctx: EngineContext, store: PageStore, params: readonly Value[]): ExecContext {
  const session = ctx.session;
  return {
    // ADR-0007: read snapshots share the Database's postings cache under their commit LSN;
    // the write transaction reads uncached (its postings are changing).
    openTrigram: (ix) => new TrigramIndex(store, ix.rootPage, store instanceof ReadTransaction ? { cache: session.trigram.cache, cacheId: ix.name.toLowerCase(), cacheTag: store.snapshotLsn } : {}),
    rowCount: (table) => session.schema.table(table)?.rowCount,
    store,
    openCursor: (root) => new BTree(store, root).cursor(),
    overflow: overflowFor(store),
    params,
    clock: ctx.clock,
    vfs: ctx.vfs,
    tempPath: () => `${ctx.tempPrefix}-${++tempCounter}`,
    memoryBudgetBytes: ctx.memoryBudgetBytes,
    counters: newCounters(),
  };
}

/** Runs a SELECT of a statement (outside DML). */
export function openQuery(ctx: EngineContext, stmt: ast.SelectStmt, params: readonly Value[], describeOnly: boolean, sql?: string): QueryCursor {
  const session = ctx.session;
  const schema = session.schema;
  const plan = planFor(stmt, schema, sql);
  if (describeOnly) return { columns: plan.columns, next: () => undefined, close: () => undefined };
  const write = session.writeTransaction;
  const read = write === null ? ctx.pager.beginRead() : null;
  const store: PageStore = write ?? read!;
  try {
    const rows = executeReusing(plan, execContext(ctx, store, params));
    if (read !== null) return cursorOver(plan, rows, () => read.end());
    // Over the write transaction: no reader counts this cursor, so it holds the pager's
    // images itself (an iterator may outlive a COMMIT).
    ctx.pager.holdImages();
    return cursorOver(plan, rows, () => ctx.pager.releaseImages());
  } catch (e) {
    read?.end();
    throw e;
  }
}

function cursorOver(plan: PhysicalPlan, rows: ReturnType<typeof execute>, release: () => void): QueryCursor {
  let open = true;
  return {
    columns: plan.columns,
    next(): Value[] | undefined {
      if (!open) return undefined;
      try {
        const r = rows.next();
        if (r.done === true) {
          open = false;
          release();
          return undefined;
        }
        return r.value;
      } catch (e) {
        open = false;
        rows.close();
        release();
        throw e;
      }
    },
    close(): void {
      if (!open) return;
      open = false;
      rows.close();
      release();
    },
  };
}

/** A SELECT run inside a write statement (INSERT … SELECT, UPDATE/DELETE targets). */
export function runSelectInScope(ctx: EngineContext, scope: WriteScope, stmt: ast.SelectStmt, params: readonly Value[], sql?: string): QueryCursor {
  const plan = planFor(stmt, scope.schema, sql);
  const rows = executeReusing(plan, execContext(ctx, scope.txn, params));
  ctx.pager.holdImages();
  return cursorOver(plan, rows, () => ctx.pager.releaseImages());
}

/** EXPLAIN [ANALYZE] SELECT …: the plan as text lines (ANALYZE also runs it and counts). */
export function explainStatement(ctx: EngineContext, stmt: ast.ExplainStmt, params: readonly Value[], sql?: string): Value[] {
  const inner = stmt.statement;
  if (inner.kind !== 'select') throw new DecentDBError('ERR_SQL', 'EXPLAIN supports SELECT statements only');
  const schema = ctx.session.schema;
  const plan = planFor(inner, schema, sql);
  const write = ctx.session.writeTransaction;
  const read = write === null ? ctx.pager.beginRead() : null;
  let lines: Value[];
  try {
    const ectx = execContext(ctx, write ?? read!, params);
    lines = explain(plan, { trigram: explainTrigram(ectx, newEnv(ectx)) });
  } finally {
    read?.end();
  }
  if (stmt.analyze) {
    const write = ctx.session.writeTransaction;
    const read = write === null ? ctx.pager.beginRead() : null;
    try {
      const ectx = execContext(ctx, write ?? read!, params);
      let rows = 0;
      for (const _ of execute(plan, ectx)) rows++;
      const c = ectx.counters;
      lines.push(`Rows: ${rows}; rows read: ${c.rowsRead}; index entries: ${c.indexEntries}; rechecks failed: ${c.rechecksFailed}; sort spills: ${c.sortSpills}${c.operatorSpills > 0 ? `; operator spills: ${c.operatorSpills}` : ''}${c.prefiltered > 0 ? `; rows rejected undecoded by the LIKE prefilter: ${c.prefiltered}` : ''}${c.topNPruned > 0 ? `; rows pruned undecoded by top-N: ${c.topNPruned}` : ''}${c.trigramSearches > 0 ? `; trigram candidates: ${c.trigramCandidates}` : ''}`);
    } finally {
      read?.end();
    }
  }
  return lines;
}

/** Output column names of a view's query and the relations it reads. */
export function viewColumns(ctx: EngineContext, query: ast.SelectStmt, sql?: string): { columns: string[]; dependencies: string[] } {
  const plan = planSelect(query, plannerSchema(ctx.session.schema), sql === undefined ? {} : { sql });
  const deps = new Set<string>();
  collectTables(query, deps);
  return { columns: plan.columns.map((c) => c.name), dependencies: [...deps] };
}

function collectTables(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const n of node) collectTables(n, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const rec = node as { kind?: unknown; name?: { name?: unknown } };
  if (rec.kind === 'table' && typeof rec.name?.name === 'string') out.add(rec.name.name);
  for (const v of Object.values(node)) collectTables(v, out);
}
