/**
 * Prints bound expressions for EXPLAIN: deterministic, Postgres-flavoured, fully parenthesised
 * binary operators (`(score >= $1)`), columns by display name, subqueries as `(subquery)`.
 * Not a SQL printer for re-parsing.
 */
import { Decimal, Timestamp } from '../record/index.js';
import type { Value } from '../record/index.js';
import type { BExpr } from './bound-expr.js';

function formatValue(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Decimal) return v.toString();
  if (v instanceof Timestamp) return `'${v.toString()}'`;
  let hex = '';
  for (const b of v) hex += b.toString(16).padStart(2, '0');
  return `'\\x${hex}'`;
}

/** One-line text of a bound expression. */
export function formatExpr(e: BExpr): string {
  switch (e.kind) {
    case 'const':
      return formatValue(e.value);
    case 'param':
      return `$${e.index}`;
    case 'col':
      return e.name;
    case 'outer':
      return `outer.${e.name}`;
    case 'neg':
      return `-${formatExpr(e.operand)}`;
    case 'not':
      return `NOT ${formatExpr(e.operand)}`;
    case 'promote':
      return formatExpr(e.operand);
    case 'cast':
      return `CAST(${formatExpr(e.operand)} AS ${e.type.base})`;
    case 'arith':
      return `(${formatExpr(e.left)} ${e.op} ${formatExpr(e.right)})`;
    case 'concat':
      return `(${formatExpr(e.left)} || ${formatExpr(e.right)})`;
    case 'compare':
      return `(${formatExpr(e.left)} ${e.op} ${formatExpr(e.right)})`;
    case 'and':
    case 'or':
      return `(${e.args.map(formatExpr).join(e.kind === 'and' ? ' AND ' : ' OR ')})`;
    case 'isNull':
      return `(${formatExpr(e.operand)} IS ${e.not ? 'NOT ' : ''}NULL)`;
    case 'isTruth':
      return `(${formatExpr(e.operand)} IS ${e.not ? 'NOT ' : ''}${e.value === null ? 'UNKNOWN' : e.value ? 'TRUE' : 'FALSE'})`;
    case 'isDistinct':
      return `(${formatExpr(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${formatExpr(e.right)})`;
    case 'inList':
      return `(${formatExpr(e.operand)} ${e.not ? 'NOT ' : ''}IN (${e.list.map(formatExpr).join(', ')}))`;
    case 'like':
      return `(${formatExpr(e.operand)} ${e.not ? 'NOT ' : ''}${e.caseInsensitive ? 'ILIKE' : 'LIKE'} ${formatExpr(e.pattern)}${e.escape ? ` ESCAPE ${formatExpr(e.escape)}` : ''})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${formatExpr(w.when)} THEN ${formatExpr(w.then)}`).join(' ')}${e.else ? ` ELSE ${formatExpr(e.else)}` : ''} END`;
    case 'call':
      return `${e.name}(${e.args.map(formatExpr).join(', ')})`;
    case 'subquery':
      if (e.mode === 'exists') return 'EXISTS(subquery)';
      if (e.mode === 'in') return `(${formatExpr(e.operand!)} ${e.not ? 'NOT ' : ''}IN (subquery))`;
      return '(subquery)';
  }
}
