/**
 * Canonical text of result rows from our engine (JS values out of `db.query(…, {rowMode:'array'})`)
 * and from PGlite (PgHarness Values), so the two can be compared as multisets or sequences.
 * DECIMAL keeps its scale ("1.50" ≠ "1.5"), integers compare across number/bigint, timestamps
 * as ISO text, floats by their shortest round-trip text.
 */
import { Decimal, Timestamp } from '../../src/record/index.js';
import { toHex } from '../../src/util/index.js';

/** One value as comparable text; null stays null. */
export function canonical(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Decimal) return `d:${v.toString()}`;
  if (v instanceof Timestamp) return `t:${v.toDate().toISOString()}`;
  if (v instanceof Date) return `t:${v.toISOString()}`;
  if (v instanceof Uint8Array) return `x:${toHex(v)}`;
  switch (typeof v) {
    case 'bigint':
      return `n:${v.toString()}`;
    case 'number':
      return Number.isInteger(v) ? `n:${v}` : `f:${String(v)}`;
    case 'boolean':
      return `b:${String(v)}`;
    case 'string':
      return `s:${v}`;
    default:
      return `?:${String(v)}`;
  }
}

/** Rows as canonical JSON lines. */
export function canonicalRows(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => JSON.stringify(r.map(canonical)));
}

/** Rows as a sorted list (multiset comparison for queries without a total ORDER BY). */
export function sortedRows(rows: readonly (readonly unknown[])[]): string[] {
  return canonicalRows(rows).sort();
}

/** Our rows (array mode) with DECIMAL columns — strings in JS — tagged as decimals. */
export function ourCanonicalRows(db: { prepare(sql: string): { columns(): { type: string }[]; all(p: readonly unknown[], mode: 'array'): unknown[] } }, sql: string, params: readonly unknown[] = []): string[] {
  const stmt = db.prepare(sql);
  const decimal = stmt.columns().map((c) => c.type.startsWith('DECIMAL'));
  const rows = stmt.all(params, 'array') as unknown[][];
  return rows.map((r) => JSON.stringify(r.map((v, i) => (decimal[i] === true && typeof v === 'string' ? `d:${v}` : canonical(v)))));
}
