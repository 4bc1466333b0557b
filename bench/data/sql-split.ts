/**
 * Splits a SQL script into statements at top-level semicolons, respecting '…' strings (with ''
 * escapes, N'…' prefixes), "…" identifiers, $tag$…$tag$ bodies, -- line and /* block *\/ comments.
 * Comments are dropped; psql meta-commands (lines starting with a backslash) are skipped. It does
 * not parse SQL: tests use it to feed a script to an engine one statement at a time.
 */

/** Returns the script's statements, trimmed, without the trailing semicolon, comments removed. */
export function splitSqlStatements(script: string): string[] {
  const out: string[] = [];
  let current = '';
  let i = 0;
  const n = script.length;
  let atLineStart = true;
  while (i < n) {
    const ch = script[i] ?? '';
    if (atLineStart && current.trim() === '' && ch === '\\') {
      const eol = script.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      current = '';
      continue;
    }
    atLineStart = ch === '\n';
    if (ch === '-' && script[i + 1] === '-') {
      const eol = script.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (ch === '/' && script[i + 1] === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      current += ' ';
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < n) {
        if (script[j] === ch) {
          if (script[j + 1] === ch) { j += 2; continue; }
          break;
        }
        j++;
      }
      current += script.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(script.slice(i, i + 64));
      if (tag !== null) {
        const end = script.indexOf(tag[0], i + tag[0].length);
        const stop = end < 0 ? n : end + tag[0].length;
        current += script.slice(i, stop);
        i = stop;
        continue;
      }
    }
    if (ch === ';') {
      const stmt = current.trim();
      if (stmt !== '') out.push(stmt);
      current = '';
      i++;
      continue;
    }
    current += ch;
    i++;
  }
  const last = current.trim();
  if (last !== '') out.push(last);
  return out;
}
