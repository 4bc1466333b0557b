/**
 * TopN below a join that keeps each row of one side exactly once. When a block's
 * `ORDER BY … LIMIT` sorts by columns of table R only, and R joins table T on
 * `R.fk = T.pk` where `R.fk` is NOT NULL and a foreign key to T's rowid primary key, every R
 * row meets exactly one T row: foreign keys are enforced at statement time, with no deferral
 * and no switch to turn them off (native reference, "Foreign keys"), and T contributes no
 * filter. The join then neither drops nor repeats R rows, so the first LIMIT + OFFSET rows of
 * R in key order are the only ones the TopN above can return: a TopN on R's side cuts the join
 * to those rows, each probing T by rowid. For "search tracks, show their album, first 50 by
 * title" this replaces hashing every album (or probing every match) with 50 rowid lookups.
 *
 *   TopN(keys) → Project → HashJoin(probe R, build Scan T), IndexNestedLoopJoin(R, T by rowid)
 *                          or IndexNestedLoopJoin(Scan T, R by its foreign-key index)
 *   becomes TopN(keys) → Project → IndexNestedLoopJoin(TopN(keys on R) → Scan R, T by rowid)
 *
 * The upper TopN stays (it applies OFFSET and orders the joined rows). R must be a Scan, so no
 * outer join inside R can null-extend the foreign-key column.
 */
import type { BExpr } from './bound-expr.js';
import { collectSlots, INT64 } from './bound-expr.js';
import type { PlanNode, SortKey } from './plan.js';
import { formatExpr } from './expr-format.js';
import { rowidColumn } from './schema.js';

type Scan = Extract<PlanNode, { kind: 'scan' }>;
type Col = Extract<BExpr, { kind: 'col' }>;

/** The join of `root = TopN → Project → join` rewritten as above, or `root` unchanged. */
export function pushTopNBelowJoin(root: PlanNode): PlanNode {
  if (root.kind !== 'topN' || root.input.kind !== 'project') return root;
  const project = root.input;
  const split = preservingSide(project.input);
  if (split === null) return root;
  const keys: SortKey[] = [];
  for (const k of root.keys) {
    if (k.expr.kind !== 'col') return root;
    const e = project.exprs[k.expr.slot];
    if (e === undefined) return root;
    for (const s of collectSlots(e, new Set())) if (!owns(split.kept, s)) return root;
    keys.push({ ...k, expr: e });
  }
  const limit: BExpr = root.offset === null ? root.limit : { kind: 'arith', op: '+', left: root.limit, right: root.offset, type: INT64 };
  const below: PlanNode = { kind: 'topN', input: split.kept, keys, limit, offset: null };
  return { ...root, input: { ...project, input: split.rebuild(below) } };
}

function owns(scan: Scan, slot: number): boolean {
  return slot >= scan.offset && slot < scan.offset + scan.table.columns.length;
}

/** `e` as a column of `scan`'s table: its index there, else -1. */
function columnOf(e: BExpr, scan: Scan): number {
  return e.kind === 'col' && owns(scan, e.slot) && e.slot - scan.offset < scan.table.columns.length ? e.slot - scan.offset : -1;
}

/** Whether `fk` (a column of `r`) is NOT NULL and references the rowid primary key of `t`, and `pk` is that key. */
function foreignKeyToRowid(r: Scan, fk: number, t: Scan, pk: number): boolean {
  const col = r.table.columns[fk]!;
  const rid = rowidColumn(t.table);
  if (rid < 0 || pk !== rid || !col.notNull || col.type.base !== 'INT64' || col.references === undefined) return false;
  return col.references.table.toLowerCase() === t.table.name.toLowerCase()
    && col.references.column.toLowerCase() === t.table.columns[rid]!.name.toLowerCase();
}

/**
 * For a join that keeps every row of its Scan side R exactly once: that side, and how to
 * rebuild the join (as a rowid index nested loop) over a replacement for it.
 */
function preservingSide(join: PlanNode): { kept: Scan; rebuild: (input: PlanNode) => PlanNode } | null {
  if (join.kind === 'hashJoin') {
    const { probe, build } = join;
    if (join.join !== 'inner' || join.cond !== null || join.probeKeys.length !== 1) return null;
    if (probe.kind !== 'scan' || build.kind !== 'scan' || build.filter !== null || build.access.kind !== 'full') return null;
    const pKey = join.probeKeys[0]!;
    const bKey = join.buildKeys[0]!;
    const fk = columnOf(pKey, probe);
    const pk = columnOf(bKey, build);
    if (fk < 0 || pk < 0 || !foreignKeyToRowid(probe, fk, build, pk)) return null;
    const cond: BExpr = { kind: 'compare', op: '=', left: bKey, right: pKey, cmpType: INT64, type: { base: 'BOOL' } };
    const inner: Scan = { ...build, access: { kind: 'rowidEq', values: [pKey] }, accessText: formatExpr(cond).replace(/^\((.*)\)$/, '$1') };
    return { kept: probe, rebuild: (input) => ({ kind: 'indexNestedLoopJoin', join: 'inner', outer: input, inner, cond, innerSlots: join.buildSlots }) };
  }
  if (join.kind === 'indexNestedLoopJoin' && join.inner.access.kind === 'indexEq') {
    // T outer, R probed through its foreign-key index for every T row: turn it around.
    const { outer: t, inner: r } = join;
    const a = join.inner.access;
    if (join.join !== 'inner' || t.kind !== 'scan' || t.filter !== null || t.access.kind !== 'full' || a.values.length !== 1 || a.index.columns.length !== 1) return null;
    const pk = columnOf(a.values[0]!, t);
    const fk = r.table.columns.findIndex((c) => c.name.toLowerCase() === a.index.columns[0]!.toLowerCase());
    if (pk < 0 || fk < 0 || !foreignKeyToRowid(r, fk, t, pk)) return null;
    const fkCol: Col = { kind: 'col', slot: r.offset + fk, type: r.table.columns[fk]!.type, name: `${r.alias}.${r.table.columns[fk]!.name}` };
    if (join.cond !== null && !isKeyEquality(join.cond, fkCol, t)) return null;
    const cond: BExpr = join.cond ?? { kind: 'compare', op: '=', left: a.values[0]!, right: fkCol, cmpType: INT64, type: { base: 'BOOL' } };
    const kept: Scan = { ...r, access: { kind: 'full' }, accessText: '' };
    const probed: Scan = { ...t, access: { kind: 'rowidEq', values: [fkCol] }, accessText: formatExpr(cond).replace(/^\((.*)\)$/, '$1') };
    // A relation's slots: its columns, then its `ctid` (binder.ts).
    const tSlots = Array.from({ length: t.table.columns.length + 1 }, (_, i) => t.offset + i);
    return { kept, rebuild: (input) => ({ kind: 'indexNestedLoopJoin', join: 'inner', outer: input, inner: probed, cond, innerSlots: tSlots }) };
  }
  if (join.kind === 'indexNestedLoopJoin') {
    const { outer, inner } = join;
    if (join.join !== 'inner' || outer.kind !== 'scan' || inner.filter !== null || inner.access.kind !== 'rowidEq') return null;
    const values = inner.access.values;
    if (values.length !== 1) return null;
    const fk = columnOf(values[0]!, outer);
    if (fk < 0 || !foreignKeyToRowid(outer, fk, inner, rowidColumn(inner.table))) return null;
    if (join.cond !== null && !isKeyEquality(join.cond, values[0] as Col, inner)) return null;
    return { kept: outer, rebuild: (input) => ({ ...join, outer: input }) };
  }
  return null;
}

/** `cond` is just `inner.pk = fk` (either way round). */
function isKeyEquality(cond: BExpr, fk: Col, inner: Scan): boolean {
  if (cond.kind !== 'compare' || cond.op !== '=') return false;
  const pkSlot = inner.offset + rowidColumn(inner.table);
  const isPk = (e: BExpr): boolean => e.kind === 'col' && e.slot === pkSlot;
  const isFk = (e: BExpr): boolean => e.kind === 'col' && e.slot === fk.slot;
  return (isPk(cond.left) && isFk(cond.right)) || (isFk(cond.left) && isPk(cond.right));
}
