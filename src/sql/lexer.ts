// The Lexer: SQL text → Tokens, one pass of charCodeAt, no regular expressions. Unquoted words
// are lowercased here (keywords and identifiers alike); the Parser decides which is which.
// Does not build the AST, does not know keywords. Dialect: Postgres-like (issue 4, ADR-0004).
import { DecentDBError } from '../util/index.js';

export const TOKEN_KINDS = ['eof', 'word', 'quotedIdent', 'string', 'integer', 'decimal', 'param', 'op'] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

/**
 * One token. `value` is: the lowercased word; the quoted identifier's spelling; the string's
 * content with escapes resolved; the number's text; the parameter's digits; the operator.
 * `start`/`end` are 0-based UTF-16 offsets into the source, end exclusive.
 */
export interface Token {
  readonly kind: TokenKind;
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** A position in SQL text as users see it: all 1-based. */
export interface SourceLocation {
  readonly position: number;
  readonly line: number;
  readonly column: number;
}

/** Converts a 0-based offset into a 1-based position, line and column. */
export function locate(sql: string, offset: number): SourceLocation {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, sql.length);
  for (let i = 0; i < end; i++) {
    if (sql.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { position: offset + 1, line, column: offset - lineStart + 1 };
}

/** An ERR_SQL error located at `offset`; the message gets ` (line L, column C)` appended. */
export function sqlErrorAt(sql: string, offset: number, message: string): DecentDBError {
  const loc = locate(sql, offset);
  return new DecentDBError('ERR_SQL', `${message} (line ${loc.line}, column ${loc.column})`, {
    position: loc.position,
    line: loc.line,
    column: loc.column,
  });
}

/** Character codes the Lexer branches on. */
const C = {
  TAB: 9,
  LF: 10,
  CR: 13,
  SPACE: 32,
  BANG: 33,
  DQUOTE: 34,
  DOLLAR: 36,
  PERCENT: 37,
  QUOTE: 39,
  STAR: 42,
  PLUS: 43,
  MINUS: 45,
  DOT: 46,
  SLASH: 47,
  D0: 48,
  D9: 57,
  COLON: 58,
  LT: 60,
  EQ: 61,
  GT: 62,
  BACKSLASH: 92,
  PIPE: 124,
} as const;

const isDigit = (c: number): boolean => c >= C.D0 && c <= C.D9;
/** Identifier start: ASCII letter, underscore, or any non-ASCII character (as Postgres). */
export const isIdentStart = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
export const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === C.DOLLAR;
const isSpace = (c: number): boolean => c === C.SPACE || c === C.LF || c === C.TAB || c === C.CR || c === 12 || c === 11;

const SINGLE_OPS = '(),;.=<>+-*/%[]:^';

/**
 * Skips whitespace and comments from `i`; returns the offset of the next significant character
 * (or `sql.length`). Block comments nest, as in Postgres. Returns -1 - start for an unterminated
 * block comment so callers can decide (the Lexer throws, the statement splitter waits).
 */
export function skipTrivia(sql: string, i: number): number {
  const n = sql.length;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === C.MINUS && sql.charCodeAt(i + 1) === C.MINUS) {
      i += 2;
      while (i < n && sql.charCodeAt(i) !== C.LF) i++;
    } else if (c === C.SLASH && sql.charCodeAt(i + 1) === C.STAR) {
      const start = i;
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (i >= n) return -1 - start;
        const d = sql.charCodeAt(i);
        if (d === C.STAR && sql.charCodeAt(i + 1) === C.SLASH) {
          depth--;
          i += 2;
        } else if (d === C.SLASH && sql.charCodeAt(i + 1) === C.STAR) {
          depth++;
          i += 2;
        } else {
          i++;
        }
      }
    } else {
      break;
    }
  }
  return i;
}

/** Tokenizes `sql` completely; the last token is always `eof`. Throws ERR_SQL with a position. */
export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  const n = sql.length;
  let i = 0;
  for (;;) {
    i = skipTrivia(sql, i);
    if (i < 0) throw sqlErrorAt(sql, -1 - i, 'unterminated /* comment');
    if (i >= n) break;
    const start = i;
    const c = sql.charCodeAt(i);
    if (isIdentStart(c)) {
      // N'…' (national) and E'…' (escape) string prefixes.
      const next = sql.charCodeAt(i + 1);
      if (next === C.QUOTE && (c === 78 || c === 110)) {
        // Postgres types N'…' as bpchar (CHAR(n)), whose trailing spaces are not significant:
        // the bpchar → text/varchar cast drops them, so N'Edinburgh ' is stored as 'Edinburgh'
        // (Chinook's script relies on this). We have no bpchar type, so the literal's value is
        // the text it becomes. Only U+0020 is trimmed, as Postgres does.
        const [raw, end] = readString(sql, i + 1, false);
        const value = raw.replace(/ +$/, '');
        tokens.push({ kind: 'string', value, start, end });
        i = end;
        continue;
      }
      if (next === C.QUOTE && (c === 69 || c === 101)) {
        const [value, end] = readString(sql, i + 1, true);
        tokens.push({ kind: 'string', value, start, end });
        i = end;
        continue;
      }
      let ascii = c < 128;
      i++;
      for (; i < n; i++) {
        const d = sql.charCodeAt(i);
        if (!isIdentPart(d)) break;
        if (d >= 128) ascii = false;
      }
      const word = sql.slice(start, i);
      tokens.push({ kind: 'word', value: ascii ? word.toLowerCase() : foldAscii(word), start, end: i });
      continue;
    }
    if (isDigit(c) || (c === C.DOT && isDigit(sql.charCodeAt(i + 1)))) {
      let decimal = false;
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
      if (sql.charCodeAt(i) === C.DOT && sql.charCodeAt(i + 1) !== C.DOT) {
        decimal = true;
        i++;
        while (i < n && isDigit(sql.charCodeAt(i))) i++;
      }
      const e = sql.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        const s = sql.charCodeAt(j);
        if (s === C.PLUS || s === C.MINUS) j++;
        if (isDigit(sql.charCodeAt(j))) {
          decimal = true;
          i = j;
          while (i < n && isDigit(sql.charCodeAt(i))) i++;
        }
      }
      if (i < n && isIdentStart(sql.charCodeAt(i))) {
        throw sqlErrorAt(sql, start, `trailing junk after numeric literal at or near "${sql.slice(start, i + 1)}"`);
      }
      tokens.push({ kind: decimal ? 'decimal' : 'integer', value: sql.slice(start, i), start, end: i });
      continue;
    }
    if (c === C.QUOTE) {
      const [value, end] = readString(sql, i, false);
      tokens.push({ kind: 'string', value, start, end });
      i = end;
      continue;
    }
    if (c === C.DQUOTE) {
      const [value, end] = readQuotedIdent(sql, i);
      tokens.push({ kind: 'quotedIdent', value, start, end });
      i = end;
      continue;
    }
    if (c === C.DOLLAR) {
      i++;
      while (i < n && isDigit(sql.charCodeAt(i))) i++;
      if (i === start + 1) throw sqlErrorAt(sql, start, 'syntax error at or near "$"');
      if (i < n && isIdentPart(sql.charCodeAt(i))) {
        throw sqlErrorAt(sql, start, `trailing junk after parameter at or near "${sql.slice(start, i + 1)}"`);
      }
      tokens.push({ kind: 'param', value: sql.slice(start + 1, i), start, end: i });
      continue;
    }
    const d = sql.charCodeAt(i + 1);
    let op: string | null = null;
    if (c === C.LT && (d === C.EQ || d === C.GT)) op = d === C.EQ ? '<=' : '<>';
    else if (c === C.GT && d === C.EQ) op = '>=';
    else if (c === C.BANG && d === C.EQ) op = '!=';
    else if (c === C.PIPE && d === C.PIPE) op = '||';
    else if (c === C.COLON && d === C.COLON) op = '::';
    if (op !== null) {
      tokens.push({ kind: 'op', value: op, start, end: i + 2 });
      i += 2;
      continue;
    }
    const ch = sql[i] as string;
    if (SINGLE_OPS.includes(ch)) {
      tokens.push({ kind: 'op', value: ch, start, end: i + 1 });
      i++;
      continue;
    }
    throw sqlErrorAt(sql, start, `syntax error at or near "${ch}"`);
  }
  tokens.push({ kind: 'eof', value: '', start: n, end: n });
  return tokens;
}

/** Lowercases A-Z only, as Postgres folds identifiers in multi-byte encodings (`Ä` stays). */
function foldAscii(word: string): string {
  let out = '';
  for (let k = 0; k < word.length; k++) {
    const c = word.charCodeAt(k);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : word[k];
  }
  return out;
}

/** Reads '…' starting at the quote at `q`; `''` is a quote. E-strings also take backslash escapes. */
function readString(sql: string, q: number, escapes: boolean): [string, number] {
  const n = sql.length;
  let i = q + 1;
  let chunkStart = i;
  let out = '';
  for (;;) {
    if (i >= n) throw sqlErrorAt(sql, q, `unterminated quoted string at or near "${sql.slice(q, q + 20)}"`);
    const c = sql.charCodeAt(i);
    if (c === C.QUOTE) {
      if (sql.charCodeAt(i + 1) === C.QUOTE) {
        out += sql.slice(chunkStart, i + 1);
        i += 2;
        chunkStart = i;
        continue;
      }
      out += sql.slice(chunkStart, i);
      return [out, i + 1];
    }
    if (escapes && c === C.BACKSLASH) {
      out += sql.slice(chunkStart, i);
      const [s, next] = readEscape(sql, i, q);
      out += s;
      i = next;
      chunkStart = i;
      continue;
    }
    i++;
  }
}

/** One backslash escape of an E'…' string at `i` (the backslash). */
function readEscape(sql: string, i: number, q: number): [string, number] {
  const e = sql[i + 1];
  if (e === undefined) throw sqlErrorAt(sql, q, `unterminated quoted string at or near "${sql.slice(q, q + 20)}"`);
  switch (e) {
    case 'n':
      return ['\n', i + 2];
    case 't':
      return ['\t', i + 2];
    case 'r':
      return ['\r', i + 2];
    case 'b':
      return ['\b', i + 2];
    case 'f':
      return ['\f', i + 2];
    case 'x': {
      let j = i + 2;
      while (j < i + 4 && isHex(sql.charCodeAt(j))) j++;
      if (j === i + 2) return ['x', i + 2];
      return [String.fromCharCode(parseInt(sql.slice(i + 2, j), 16)), j];
    }
    case 'u':
    case 'U': {
      const len = e === 'u' ? 4 : 8;
      let j = i + 2;
      while (j < i + 2 + len && isHex(sql.charCodeAt(j))) j++;
      const cp = parseInt(sql.slice(i + 2, j), 16);
      if (j !== i + 2 + len || cp > 0x10ffff) throw sqlErrorAt(sql, i, 'invalid Unicode escape');
      return [String.fromCodePoint(cp), j];
    }
    default: {
      const c = e.charCodeAt(0);
      if (c >= C.D0 && c <= 55) {
        let j = i + 1;
        while (j < i + 4 && sql.charCodeAt(j) >= C.D0 && sql.charCodeAt(j) <= 55) j++;
        return [String.fromCharCode(parseInt(sql.slice(i + 1, j), 8)), j];
      }
      return [e, i + 2];
    }
  }
}

const isHex = (c: number): boolean => isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** Reads "…" starting at `q`; `""` is a quote. Empty quoted identifiers are an error. */
function readQuotedIdent(sql: string, q: number): [string, number] {
  const n = sql.length;
  let i = q + 1;
  let chunkStart = i;
  let out = '';
  for (;;) {
    if (i >= n) throw sqlErrorAt(sql, q, `unterminated quoted identifier at or near "${sql.slice(q, q + 20)}"`);
    if (sql.charCodeAt(i) === C.DQUOTE) {
      if (sql.charCodeAt(i + 1) === C.DQUOTE) {
        out += sql.slice(chunkStart, i + 1);
        i += 2;
        chunkStart = i;
        continue;
      }
      out += sql.slice(chunkStart, i);
      if (out.length === 0) throw sqlErrorAt(sql, q, 'zero-length delimited identifier at or near """"');
      return [out, i + 1];
    }
    i++;
  }
}
