/**
 * How statement outcomes are printed: `--json` lines (the fixed shape
 * `{"columns":[…],"rows":[[…]],"changes":N}` / `{"error":{"code","message"}}`) and readable
 * aligned tables for people. Pure string building; the caller writes and flushes.
 */
import { resultToJson, resultToText } from './result-values.js';
import type { StatementOutcome } from './statement-runner.js';

/** One JSON line (with its newline) for an outcome. */
export function formatJsonLine(o: StatementOutcome): string {
  if (!o.ok) return JSON.stringify({ error: { code: o.code, message: o.message } }) + '\n';
  const columns = o.columns.map((c) => c.name);
  const rows = o.rows.map((r) => r.map((v, i) => resultToJson(v, o.columns[i]?.type)));
  return JSON.stringify({ columns, rows, changes: o.changes }) + '\n';
}

/** The error line people see: `ERR_SQL: message`. */
export const formatErrorLine = (code: string, message: string): string => `${code}: ${message}\n`;

/** Terminal width of a string: code points, not UTF-16 units (no East Asian width table). */
function displayWidth(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const pad = (s: string, width: number, right: boolean): string => {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(s)));
  return right ? fill + s : s + fill;
};

/** Control characters would break the table's lines: shown escaped. */
const cellText = (s: string): string => s.replace(/\r\n|[\n\r\t]/g, (m) => (m === '\t' ? '\\t' : '\\n'));

/**
 * A psql-like aligned table with a row count; numbers are right-aligned.
 *
 * @example
 *  id | name
 * ----+-------
 *   1 | AC/DC
 * (1 row)
 */
export function formatTable(o: Extract<StatementOutcome, { ok: true }>): string {
  const headers = o.columns.map((c) => c.name);
  const cells = o.rows.map((r) => r.map((v, i) => cellText(resultToText(v, o.columns[i]?.type, 'NULL'))));
  const right = o.columns.map((c, i) => {
    const base = c.type?.base;
    if (base !== undefined) return base === 'INT64' || base === 'FLOAT64' || base === 'DECIMAL';
    return o.rows.length > 0 && o.rows.every((r) => r[i] === null || typeof r[i] === 'number' || typeof r[i] === 'bigint');
  });
  const widths = headers.map((h, i) => cells.reduce((w, r) => Math.max(w, displayWidth(r[i] ?? '')), displayWidth(h)));
  const lines: string[] = [];
  lines.push(' ' + headers.map((h, i) => pad(h, widths[i]!, false)).join(' | ').trimEnd());
  lines.push(widths.map((w) => '-'.repeat(w + 2)).join('+'));
  for (const r of cells) lines.push(' ' + r.map((c, i) => pad(c, widths[i]!, right[i]!)).join(' | ').trimEnd());
  const n = o.rows.length;
  lines.push(`(${n} ${n === 1 ? 'row' : 'rows'})`);
  return lines.join('\n') + '\n';
}

/** Readable output for an outcome: a table, `OK` / `N rows changed`, or the error line. */
export function formatReadable(o: StatementOutcome, timing: boolean): string {
  let out: string;
  if (!o.ok) out = formatErrorLine(o.code, o.message);
  else if (o.hasRows) out = formatTable(o);
  else out = o.changes > 0 ? `${o.changes} ${o.changes === 1 ? 'row' : 'rows'} changed\n` : 'OK\n';
  if (timing) out += `Time: ${o.elapsedMs.toFixed(3)} ms\n`;
  return out;
}
