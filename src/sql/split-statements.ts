// Splits SQL text that arrives piece by piece (the CLI reading stdin) into complete statements
// at top-level `;`, respecting '…' / E'…' strings, "…" identifiers, -- and nested /* */
// comments. Does not parse: a complete statement can still be a syntax error.
import { isIdentPart, skipTrivia } from './lexer.js';

export interface SplitResult {
  /** Complete statements, trimmed, without their `;`; statements of only comments are dropped. */
  readonly complete: string[];
  /** The unfinished tail; feed it back with the next chunk, and parse it at end of input. */
  readonly rest: string;
}

/**
 * @example
 * splitStatements("SELECT 1; SELECT ';'; SEL") // {complete: ['SELECT 1', "SELECT ';'"], rest: ' SEL'}
 */
export function splitStatements(buffer: string): SplitResult {
  const complete: string[] = [];
  const n = buffer.length;
  let stmtStart = 0;
  let i = 0;
  while (i < n) {
    const c = buffer.charCodeAt(i);
    if (c === 39 /* ' */) {
      const escapes = i > 0 && (buffer[i - 1] === 'e' || buffer[i - 1] === 'E') && !(i > 1 && isIdentPart(buffer.charCodeAt(i - 2)));
      const end = skipQuoted(buffer, i, 39, escapes);
      if (end < 0) break;
      i = end;
    } else if (c === 34 /* " */) {
      const end = skipQuoted(buffer, i, 34, false);
      if (end < 0) break;
      i = end;
    } else if ((c === 45 && buffer.charCodeAt(i + 1) === 45) || (c === 47 && buffer.charCodeAt(i + 1) === 42)) {
      if (c === 45 && buffer.indexOf('\n', i) < 0) break;
      const end = skipTrivia(buffer, i);
      if (end < 0) break;
      i = end;
    } else if (c === 59 /* ; */) {
      const text = buffer.slice(stmtStart, i).trim();
      if (text.length > 0 && skipTrivia(text, 0) !== text.length) complete.push(text);
      i++;
      stmtStart = i;
    } else {
      i++;
    }
  }
  return { complete, rest: buffer.slice(stmtStart) };
}

/** Offset after the closing quote of a quoted run starting at `q`, or -1 if it is unfinished. */
function skipQuoted(s: string, q: number, quote: number, escapes: boolean): number {
  let i = q + 1;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (escapes && c === 92 /* \ */) {
      i += 2;
    } else if (c === quote) {
      if (s.charCodeAt(i + 1) === quote) i += 2;
      else if (i + 1 >= n) return -1; // a doubled quote may still arrive
      else return i + 1;
    } else {
      i++;
    }
  }
  return -1;
}
