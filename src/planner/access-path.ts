/**
 * Access-path selection for one table given its pushed-down conjuncts: rowid (integer PK)
 * equality/IN/range, single-column btree index equality/IN/range, composite (hashed) index
 * equality on every column, a trigram index for `col [I]LIKE pattern` (ADR-0007), else a full
 * scan. The chosen path only narrows the rows read: the Scan always rechecks the full predicate,
 * because native index keys are lossy (format §1.10: TEXT prefixes, misordered negatives, NULL
 * key 0) and trigram postings give candidates only. Estimates feed the join orderer.
 */
import type { IndexDef, TableDef } from '../catalog/index.js';
import type { SqlType } from '../record/index.js';
import { patternTrigrams } from '../trigram/index.js';
import type { PatternTrigrams } from '../trigram/index.js';
import { isRowIndependent } from './bound-expr.js';
import type { BExpr } from './bound-expr.js';
import { formatExpr } from './expr-format.js';
import type { Access, Bound, TrigramAccess } from './plan.js';
import type { Schema } from './schema.js';
import { rowidColumn } from './schema.js';

/** Index key types whose native u64 keys the executor can translate ranges for. */
const KEYABLE = new Set(['INT64', 'FLOAT64', 'BOOL', 'TEXT', 'BLOB', 'UUID']);

export interface AccessChoice {
  readonly access: Access;
  readonly text: string;
  /** Estimated rows read through the access path (before the residual filter). */
  readonly rows: number;
}

interface ColPreds {
  eq: { value: BExpr; src: BExpr }[];
  inList: { values: readonly BExpr[]; src: BExpr }[];
  lo: { bound: Bound; src: BExpr }[];
  hi: { bound: Bound; src: BExpr }[];
}

const FLIP = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=', '<>': '<>' } as const;

/** Column (table column index) a predicate side names, if it is a plain column of this table. */
function tableColumn(e: BExpr, offset: number, width: number): number | null {
  return e.kind === 'col' && e.slot >= offset && e.slot < offset + width ? e.slot - offset : null;
}

/**
 * Collects sargable predicates per column. `independent(e)` says whether an expression can be
 * evaluated before the table is read (constants, params, outer refs; for index joins, the
 * outer side's columns).
 */
export function sargable(conj: readonly BExpr[], table: TableDef, offset: number, independent: (e: BExpr) => boolean = isRowIndependent): Map<number, ColPreds> {
  const width = table.columns.length;
  const out = new Map<number, ColPreds>();
  const get = (c: number): ColPreds => {
    let p = out.get(c);
    if (p === undefined) out.set(c, (p = { eq: [], inList: [], lo: [], hi: [] }));
    return p;
  };
  for (const e of conj) {
    if (e.kind === 'compare' && e.op !== '<>') {
      let col = tableColumn(e.left, offset, width);
      let other = e.right;
      let op: keyof typeof FLIP = e.op;
      if (col === null || !independent(other)) {
        col = tableColumn(e.right, offset, width);
        other = e.left;
        op = FLIP[e.op];
        if (col === null || !independent(other)) continue;
      }
      if (table.columns[col]!.type.base !== e.cmpType.base) continue;
      const p = get(col);
      if (op === '=') p.eq.push({ value: other, src: e });
      else if (op === '>' || op === '>=') p.lo.push({ bound: { value: other, inclusive: op === '>=' }, src: e });
      else p.hi.push({ bound: { value: other, inclusive: op === '<=' }, src: e });
    } else if (e.kind === 'inList' && !e.not) {
      const col = tableColumn(e.operand, offset, width);
      if (col === null || table.columns[col]!.type.base !== e.cmpType.base) continue;
      if (!e.list.every(independent)) continue;
      get(col).inList.push({ values: e.list, src: e });
    }
  }
  return out;
}

function usableSingle(ix: IndexDef, table: TableDef): number {
  if (ix.kind !== 'btree' || ix.expressionSql !== undefined || ix.columns.length !== 1) return -1;
  if (ix.predicateSql !== '' && !/is\s+not\s+null/i.test(ix.predicateSql)) return -1;
  const c = table.columns.findIndex((col) => col.name.toLowerCase() === ix.columns[0]!.toLowerCase());
  return c >= 0 && KEYABLE.has(table.columns[c]!.type.base) ? c : -1;
}

/** A condition's text without its outer parentheses (EXPLAIN wraps the list itself). */
function bare(e: BExpr): string {
  const t = formatExpr(e);
  return t.startsWith('(') && t.endsWith(')') && (e.kind === 'compare' || e.kind === 'inList' || e.kind === 'like') ? t.slice(1, -1) : t;
}

function texts(list: readonly { src: BExpr }[]): string[] {
  return list.map((x) => bare(x.src));
}

/** Picks the cheapest access path for `table` given its pushed conjuncts. */
/** Row count the cost model assumes for a table without statistics. */
export const UNKNOWN_TABLE_ROWS = 1_000_000;

export function chooseAccess(table: TableDef, offset: number, conj: readonly BExpr[], schema: Schema, independent?: (e: BExpr) => boolean): AccessChoice {
  // Unknown statistics (a file opened without stats records): assume a large table, so that
  // index access wins; a wrong "large" guess costs little, a wrong "small" one a full scan.
  const rows = Math.max(1, schema.rowCount(table.name) ?? UNKNOWN_TABLE_ROWS);
  let best: AccessChoice = { access: { kind: 'full' }, text: '', rows };
  if (conj.length === 0) return best;
  const consider = (c: AccessChoice): void => {
    if (c.rows < best.rows) best = c;
  };
  const trigram = chooseTrigram(table, offset, conj, schema, rows, independent ?? isRowIndependent);
  if (trigram !== null) consider(trigram);
  const preds = sargable(conj, table, offset, independent);
  if (preds.size === 0) return best;
  const rangeFrac = (p: ColPreds): number => (p.lo.length > 0 && p.hi.length > 0 ? 0.1 : 0.25);

  const rid = rowidColumn(table);
  for (const [col, p] of preds) {
    const type: SqlType = table.columns[col]!.type;
    if (col === rid) {
      if (p.eq.length > 0) consider({ access: { kind: 'rowidEq', values: [p.eq[0]!.value] }, text: texts(p.eq.slice(0, 1))[0]!, rows: 0.5 });
      else if (p.inList.length > 0) {
        const l = p.inList[0]!;
        consider({ access: { kind: 'rowidEq', values: l.values }, text: bare(l.src), rows: l.values.length * 0.6 });
      } else if (p.lo.length > 0 || p.hi.length > 0) {
        consider({ access: { kind: 'rowidRange', lo: p.lo[0]?.bound ?? null, hi: p.hi[0]?.bound ?? null }, text: texts([...p.lo.slice(0, 1), ...p.hi.slice(0, 1)]).join(' AND '), rows: rows * rangeFrac(p) });
      }
      continue;
    }
    for (const ix of schema.indexesOf(table.name)) {
      if (usableSingle(ix, table) !== col) continue;
      const distinct = schema.distinctKeys(ix.name);
      // Without distinct-key statistics assume 10 rows per key, as SQLite does.
      const perKey = ix.unique ? 1 : distinct !== undefined && distinct > 0 ? rows / distinct : Math.min(10, Math.max(1, rows * 0.05));
      if (p.eq.length > 0) consider({ access: { kind: 'indexEq', index: ix, type, values: [p.eq[0]!.value] }, text: texts(p.eq.slice(0, 1))[0]!, rows: perKey + 0.1 });
      else if (p.inList.length > 0) {
        const l = p.inList[0]!;
        consider({ access: { kind: 'indexEq', index: ix, type, values: l.values }, text: bare(l.src), rows: l.values.length * perKey + 0.1 });
      } else if ((p.lo.length > 0 || p.hi.length > 0) && type.base !== 'BOOL') {
        consider({
          access: { kind: 'indexRange', index: ix, type, lo: p.lo[0]?.bound ?? null, hi: p.hi[0]?.bound ?? null },
          text: texts([...p.lo.slice(0, 1), ...p.hi.slice(0, 1)]).join(' AND '),
          rows: rows * rangeFrac(p) + 0.2,
        });
      }
    }
  }
  for (const ix of schema.indexesOf(table.name)) {
    if (ix.kind !== 'btree' || ix.expressionSql !== undefined || ix.columns.length < 2 || ix.predicateSql !== '') continue;
    const cols = ix.columns.map((n) => table.columns.findIndex((c) => c.name.toLowerCase() === n.toLowerCase()));
    if (cols.some((c) => c < 0 || (preds.get(c)?.eq.length ?? 0) === 0)) continue;
    const eqs = cols.map((c) => preds.get(c)!.eq[0]!);
    const distinct = schema.distinctKeys(ix.name);
    consider({
      access: { kind: 'compositeEq', index: ix, types: cols.map((c) => table.columns[c]!.type), values: eqs.map((e) => e.value) },
      text: texts(eqs).join(' AND '),
      rows: ix.unique ? 1 : distinct !== undefined && distinct > 0 ? rows / distinct : Math.max(1, rows * 0.01),
    });
  }
  return best;
}

/**
 * The best `col [I]LIKE pattern` conjunct a trigram index can serve. Planning reads no
 * postings: a constant pattern that gives no trigram is never planned on the index, any other is
 * a "trigram or scan" access decided at open time from postings sizes (ADR-0007, guardrails
 * there). The estimate here only ranks it against other access paths and join orders.
 */
function chooseTrigram(table: TableDef, offset: number, conj: readonly BExpr[], schema: Schema, rows: number, independent: (e: BExpr) => boolean): AccessChoice | null {
  const trigramIndexes = schema.indexesOf(table.name).filter((ix) => ix.kind === 'trigram' && ix.columns.length === 1 && ix.predicateSql === '');
  if (trigramIndexes.length === 0) return null;
  let best: AccessChoice | null = null;
  for (const e of conj) {
    if (e.kind !== 'like' || e.not) continue;
    const col = tableColumn(e.operand, offset, table.columns.length);
    if (col === null || table.columns[col]!.type.base !== 'TEXT') continue;
    if (!independent(e.pattern) || (e.escape !== null && !independent(e.escape))) continue;
    const ix = trigramIndexes.find((x) => x.columns[0]!.toLowerCase() === table.columns[col]!.name.toLowerCase());
    if (ix === undefined) continue;
    let frac = PARAM_PATTERN_FRACTION;
    const pattern = constText(e.pattern);
    const escape = e.escape === null ? undefined : constText(e.escape);
    if (pattern === null || escape === null) continue; // NULL pattern or escape: no row matches; a scan says so cheaply
    if (pattern !== undefined && (e.escape === null || escape !== undefined)) {
      const pt = safePatternTrigrams(pattern, e.caseInsensitive, escape);
      if (pt === undefined || pt.groups.length === 0) continue;
      frac = pt.longestLiteral >= 6 ? 0.002 : pt.longestLiteral >= 4 ? 0.01 : 0.05;
    }
    const access: TrigramAccess = { kind: 'trigram', index: ix, column: col, pattern: e.pattern, escape: e.escape, caseInsensitive: e.caseInsensitive, hasOtherFilters: conj.length > 1 };
    const c: AccessChoice = { access, text: bare(e), rows: rows * frac + 1 };
    if (best === null || c.rows < best.rows) best = c;
  }
  return best;
}

/** Guess for a parameter pattern (unknown until open time). */
const PARAM_PATTERN_FRACTION = 0.05;

/** A constant's text: the string, null for NULL, undefined when not a constant string. */
function constText(e: BExpr): string | null | undefined {
  if (e.kind === 'const') return typeof e.value === 'string' ? e.value : e.value === null ? null : undefined;
  if ((e.kind === 'cast' || e.kind === 'promote') && e.operand.kind === 'const' && e.operand.value === null) return null;
  return undefined;
}

function safePatternTrigrams(pattern: string, caseInsensitive: boolean, escape: string | undefined): PatternTrigrams | undefined {
  if (escape !== undefined && escape !== '' && String.fromCodePoint(escape.codePointAt(0)!) !== escape) return undefined;
  return patternTrigrams(pattern, { caseInsensitive, escape });
}

/** Estimated rows after all pushed conjuncts (access rows × 0.5 per conjunct it did not use). */
export function filteredRows(choice: AccessChoice, conjCount: number): number {
  const used = choice.access.kind === 'full' ? 0 : 1;
  return Math.max(1, choice.rows * Math.pow(0.5, Math.max(0, conjCount - used)));
}
