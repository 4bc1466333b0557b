/**
 * EXPLAIN text: one line per plan node, children indented two spaces, deterministic (no costs
 * or row estimates) so tests compare it verbatim (ADR-0050 of the native engine: one TEXT
 * column `query_plan`, one row per line). Subquery plans inside expressions are not expanded.
 */
import { formatExpr } from './expr-format.js';
import type { PhysicalPlan, PlanNode, SortKey } from './plan.js';

function keys(list: readonly SortKey[]): string {
  return list.map((k) => `${formatExpr(k.expr)} ${k.desc ? 'DESC' : 'ASC'}${k.nullsFirst !== k.desc ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`).join(', ');
}

function scanLine(n: Extract<PlanNode, { kind: 'scan' }>): string {
  const name = n.alias === n.table.name.toLowerCase() ? n.table.name : `${n.table.name} ${n.alias}`;
  const a = n.access;
  switch (a.kind) {
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
  }
}

function lines(n: PlanNode, depth: number, out: string[]): void {
  const pad = '  '.repeat(depth);
  const push = (s: string): void => {
    out.push(pad + s);
  };
  switch (n.kind) {
    case 'scan':
      push(scanLine(n));
      if (n.filter !== null) out.push(`${pad}  Filter: ${formatExpr(n.filter)}`);
      return;
    case 'values':
      push(n.rows.length === 1 && n.rows[0]!.length === 0 ? 'Result' : `Values (${n.rows.length} rows)`);
      return;
    case 'subqueryScan':
      push(`SubqueryScan ${n.alias}`);
      if (n.filter !== null) out.push(`${pad}  Filter: ${formatExpr(n.filter)}`);
      lines(n.input, depth + 1, out);
      return;
    case 'filter':
      push(`Filter: ${formatExpr(n.predicate)}`);
      lines(n.input, depth + 1, out);
      return;
    case 'project':
      push(`Project: ${n.exprs.map(formatExpr).join(', ')}`);
      lines(n.input, depth + 1, out);
      return;
    case 'nestedLoopJoin':
      push(`NestedLoopJoin ${n.join.toUpperCase()}${n.cond ? ` ON ${formatExpr(n.cond)}` : ''}`);
      lines(n.left, depth + 1, out);
      lines(n.right, depth + 1, out);
      return;
    case 'indexNestedLoopJoin':
      push(`IndexNestedLoopJoin ${n.join.toUpperCase()}${n.cond ? ` ON ${formatExpr(n.cond)}` : ''}`);
      lines(n.outer, depth + 1, out);
      lines(n.inner, depth + 1, out);
      return;
    case 'hashJoin':
      push(`HashJoin ${n.join.toUpperCase()} (${n.probeKeys.map((k, i) => `${formatExpr(k)} = ${formatExpr(n.buildKeys[i]!)}`).join(' AND ')})${n.cond ? ` Filter: ${formatExpr(n.cond)}` : ''}`);
      lines(n.probe, depth + 1, out);
      out.push(`${pad}  Hash`);
      lines(n.build, depth + 2, out);
      return;
    case 'sort':
      push(`Sort: ${keys(n.keys)}`);
      lines(n.input, depth + 1, out);
      return;
    case 'topN':
      push(`TopN ${formatExpr(n.limit)}${n.offset ? ` OFFSET ${formatExpr(n.offset)}` : ''}: ${keys(n.keys)}`);
      lines(n.input, depth + 1, out);
      return;
    case 'aggregate':
      push(`HashAggregate${n.groups.length ? ` GROUP BY ${n.groups.map(formatExpr).join(', ')}` : ''}: ${n.aggs.map((a) => `${a.name}(${a.distinct ? 'DISTINCT ' : ''}${a.arg ? formatExpr(a.arg) : '*'})`).join(', ')}`);
      lines(n.input, depth + 1, out);
      return;
    case 'distinct':
      push('Distinct');
      lines(n.input, depth + 1, out);
      return;
    case 'limit':
      push(`Limit${n.limit ? ` ${formatExpr(n.limit)}` : ''}${n.offset ? ` OFFSET ${formatExpr(n.offset)}` : ''}`);
      lines(n.input, depth + 1, out);
      return;
    case 'setOp':
      push(`${n.op[0]!.toUpperCase()}${n.op.slice(1)}${n.all ? ' All' : ''}`);
      lines(n.left, depth + 1, out);
      lines(n.right, depth + 1, out);
      return;
    case 'window':
      push(`Window row_number()${n.partition.length ? ` PARTITION BY ${n.partition.map(formatExpr).join(', ')}` : ''}${n.order.length ? ` ORDER BY ${keys(n.order)}` : ''}`);
      lines(n.input, depth + 1, out);
      return;
  }
}

/**
 * The plan as text lines.
 * @example explain(planSelect(parse('SELECT * FROM t WHERE id = 1'), schema)) // ['Project: id', '  RowidSeek t (id = 1)', …]
 */
export function explain(plan: PhysicalPlan | PlanNode): string[] {
  const out: string[] = [];
  lines('root' in plan ? plan.root : plan, 0, out);
  return out;
}
