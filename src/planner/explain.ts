/**
 * EXPLAIN text: one line per plan node, children indented two spaces, deterministic (no costs
 * or row estimates) so tests compare it verbatim (ADR-0050 of the native engine: one TEXT
 * column `query_plan`, one row per line). Subqueries inside a node's expressions follow the
 * node as `SubPlan` (marked `correlated` when re-run per row) before its children.
 */
import { forEachChild } from './bound-expr.js';
import type { BExpr, BSubquery } from './bound-expr.js';
import { formatExpr } from './expr-format.js';
import type { PhysicalPlan, PlanNode, SortKey, TrigramAccess, WindowCall } from './plan.js';
import { describeTrigramPlan } from '../trigram/index.js';
import { rowidColumn } from './schema.js';
import type { TrigramPlan } from '../trigram/index.js';

export interface ExplainOptions {
  /**
   * Resolves a trigram access against the data (the engine evaluates the pattern and reads
   * postings sizes): EXPLAIN then shows the index or the scan the executor will choose. Without
   * it, or when it returns undefined (unbound parameter), the line says "decided at open time".
   */
  readonly trigram?: (access: TrigramAccess) => TrigramPlan | undefined;
}

function keys(list: readonly SortKey[]): string {
  return list.map((k) => `${formatExpr(k.expr)} ${k.desc ? 'DESC' : 'ASC'}${k.nullsFirst !== k.desc ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`).join(', ');
}

function scanName(n: Extract<PlanNode, { kind: 'scan' }>): string {
  return n.alias === n.table.name.toLowerCase() ? n.table.name : `${n.table.name} ${n.alias}`;
}

/** Title and detail line of a trigram access (ADR-0007). */
function trigramLines(n: Extract<PlanNode, { kind: 'scan' }>, a: TrigramAccess, opts: ExplainOptions): string[] {
  const plan = opts.trigram?.(a);
  const title = `TrigramScan ${scanName(n)} USING ${a.index.name} (${n.accessText})`;
  if (plan === undefined) return [title, '  Trigram: index or scan, decided at open time'];
  if (plan.usable) return [title, `  Trigram: ${describeTrigramPlan(plan)}`];
  return [`Scan ${scanName(n)}`, `  Trigram ${a.index.name} not used: ${describeTrigramPlan(plan)}`];
}

function scanLine(n: Extract<PlanNode, { kind: 'scan' }>): string {
  const name = scanName(n);
  const a = n.access;
  switch (a.kind) {
    case 'trigram':
      return `TrigramScan ${name} USING ${a.index.name} (${n.accessText})`;
    case 'full':
      return `Scan ${name}`;
    case 'rowidEq':
      return `RowidSeek ${name} (${n.accessText})`;
    case 'rowidRange':
      return `RowidRange ${name} (${n.accessText})`;
    case 'indexEq':
    case 'compositeEq':
      return `IndexSeek ${name} USING ${a.index.name} (${n.accessText})`;
    case 'indexRange':
      return `IndexRange ${name} USING ${a.index.name} (${n.accessText})`;
    case 'rowidOrder':
      return `OrderedRowidScan ${name} ORDER BY ${n.table.columns[rowidColumn(n.table)]?.name ?? 'rowid'}${a.desc ? ' DESC' : ''}${n.accessText === '' ? '' : ` (${n.accessText})`}`;
    case 'indexOrder': {
      // NULLS placement only when not the default (ASC: LAST, DESC: FIRST, as Postgres).
      const nulls = a.nullsFirst === a.desc ? '' : a.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
      return `${a.covering ? 'OrderedIndexOnlyScan' : 'OrderedIndexScan'} ${name} USING ${a.index.name} ORDER BY ${n.table.columns[a.column]!.name}${a.desc ? ' DESC' : ''}${nulls}${n.accessText === '' ? '' : ` (${n.accessText})`}`;
    }
  }
}

/** The node's own lines (first = its title, others = details), its expressions, its children. */
function describe(n: PlanNode, opts: ExplainOptions): { head: string[]; exprs: (BExpr | null)[]; children: PlanNode[] } {
  switch (n.kind) {
    case 'scan': {
      const a = n.access;
      const vals =
        a.kind === 'rowidEq' || a.kind === 'indexEq' || a.kind === 'compositeEq' ? a.values : a.kind === 'full' ? [] : a.kind === 'trigram' ? [a.pattern, a.escape] : [a.lo?.value ?? null, a.hi?.value ?? null];
      const title = a.kind === 'trigram' ? trigramLines(n, a, opts) : [scanLine(n)];
      return { head: [...title, ...(n.filter ? [`  Filter: ${formatExpr(n.filter)}`] : [])], exprs: [n.filter, ...vals], children: [] };
    }
    case 'values':
      return { head: [n.rows.length === 1 && n.rows[0]!.length === 0 ? 'Result' : `Values (${n.rows.length} rows)`], exprs: n.rows.flat(), children: [] };
    case 'recursiveUnion':
      return { head: [`RecursiveUnion${n.all ? ' All' : ''} ${n.name}`], exprs: [], children: [n.base, n.step] };
    case 'workTableScan':
      return { head: [`WorkTableScan ${n.name}`], exprs: [], children: [] };
    case 'subqueryScan':
      return { head: [`SubqueryScan ${n.alias}`, ...(n.filter ? [`  Filter: ${formatExpr(n.filter)}`] : [])], exprs: [n.filter], children: [n.input] };
    case 'filter':
      return { head: [`Filter: ${formatExpr(n.predicate)}`], exprs: [n.predicate], children: [n.input] };
    case 'project':
      return { head: [`Project: ${n.exprs.map(formatExpr).join(', ')}`], exprs: [...n.exprs], children: [n.input] };
    case 'nestedLoopJoin':
      return { head: [`NestedLoopJoin ${n.join.toUpperCase()}${n.cond ? ` ON ${formatExpr(n.cond)}` : ''}`], exprs: [n.cond], children: [n.left, n.right] };
    case 'indexNestedLoopJoin':
      return { head: [`IndexNestedLoopJoin ${n.join.toUpperCase()}${n.cond ? ` ON ${formatExpr(n.cond)}` : ''}`], exprs: [n.cond], children: [n.outer, n.inner] };
    case 'hashJoin':
      return {
        head: [`HashJoin ${n.join.toUpperCase()} (${n.probeKeys.map((k, i) => `${formatExpr(k)} = ${formatExpr(n.buildKeys[i]!)}`).join(' AND ')})${n.cond ? ` Filter: ${formatExpr(n.cond)}` : ''}`],
        exprs: [n.cond, ...n.probeKeys, ...n.buildKeys],
        children: [n.probe, { kind: 'filter', input: n.build, predicate: HASH_MARK }],
      };
    case 'sort':
      return { head: [`Sort: ${keys(n.keys)}`], exprs: n.keys.map((k) => k.expr), children: [n.input] };
    case 'incrementalSort':
      return { head: [`IncrementalSort: ${keys(n.keys)} (runs of equal index key)`], exprs: [], children: [n.input] };
    case 'topN':
      return { head: [`TopN ${formatExpr(n.limit)}${n.offset ? ` OFFSET ${formatExpr(n.offset)}` : ''}: ${keys(n.keys)}`], exprs: [], children: [n.input] };
    case 'aggregate':
      return {
        head: [`HashAggregate${n.groups.length ? ` GROUP BY ${n.groups.map(formatExpr).join(', ')}` : ''}: ${n.aggs.map((a) => `${a.name}(${a.distinct ? 'DISTINCT ' : ''}${a.arg ? formatExpr(a.arg) : '*'})`).join(', ')}`],
        exprs: [...n.groups, ...n.aggs.map((a) => a.arg)],
        children: [n.input],
      };
    case 'distinct':
      return { head: ['Distinct'], exprs: [], children: [n.input] };
    case 'limit':
      return { head: [`Limit${n.limit ? ` ${formatExpr(n.limit)}` : ''}${n.offset ? ` OFFSET ${formatExpr(n.offset)}` : ''}`], exprs: [], children: [n.input] };
    case 'setOp':
      return { head: [`${n.op[0]!.toUpperCase()}${n.op.slice(1)}${n.all ? ' All' : ''}`], exprs: [], children: [n.left, n.right] };
    case 'window':
      return {
        head: [`Window ${n.calls.map(windowCallText).join(', ')}${n.partition.length ? ` PARTITION BY ${n.partition.map(formatExpr).join(', ')}` : ''}${n.order.length ? ` ORDER BY ${keys(n.order)}` : ''}`],
        exprs: [...n.partition, ...n.order.map((k) => k.expr), ...n.calls.flatMap((c) => c.args)],
        children: [n.input],
      };
  }
}

/** Marks the build side of a hash join, printed as a `Hash` line. */
const HASH_MARK: BExpr = { kind: 'const', value: null, type: { base: 'BOOL' } };

function subqueries(e: BExpr | null, out: BSubquery[]): void {
  if (e === null) return;
  if (e.kind === 'subquery') out.push(e);
  forEachChild(e, (c) => subqueries(c, out));
}

function lines(n: PlanNode, depth: number, out: string[], opts: ExplainOptions): void {
  const pad = '  '.repeat(depth);
  if (n.kind === 'filter' && n.predicate === HASH_MARK) {
    out.push(`${pad}Hash`);
    lines(n.input, depth + 1, out, opts);
    return;
  }
  const d = describe(n, opts);
  for (const h of d.head) out.push(pad + h);
  const subs: BSubquery[] = [];
  for (const e of d.exprs) subqueries(e, subs);
  for (const s of subs) {
    out.push(`${pad}  SubPlan${s.correlated ? ' (correlated)' : ''}`);
    lines(s.plan, depth + 2, out, opts);
  }
  for (const c of d.children) lines(c, depth + 1, out, opts);
}

/**
 * The plan as text lines.
 * @example explain(planSelect(stmt, schema)) // ['Project: name', '  RowidSeek users (id = $1)', '    Filter: (id = $1)']
 */
export function explain(plan: PhysicalPlan | PlanNode, options: ExplainOptions = {}): string[] {
  const out: string[] = [];
  lines('root' in plan ? plan.root : plan, 0, out, options);
  return out;
}

/** `rank()`, `sum(x) ROWS BETWEEN 2 PRECEDING AND CURRENT ROW`: a window call as EXPLAIN shows it. */
function windowCallText(c: WindowCall): string {
  const args = c.fn === 'count' && c.args.length === 0 ? '*' : c.args.map(formatExpr).join(', ');
  const f = c.frame;
  const isDefault = f.mode === 'range' && f.start.kind === 'unboundedPreceding' && f.end.kind === 'currentRow';
  const edge = (e: WindowCall['frame']['start']): string =>
    e.offset !== null ? `${formatExpr(e.offset)} ${e.kind === 'preceding' ? 'PRECEDING' : 'FOLLOWING'}` : e.kind.replace(/[A-Z]/g, (m) => ` ${m}`).toUpperCase();
  return `${c.fn}(${args})${isDefault ? '' : ` ${f.mode.toUpperCase()} BETWEEN ${edge(f.start)} AND ${edge(f.end)}`}`;
}
