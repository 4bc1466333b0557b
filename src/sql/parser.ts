// The Parser's entry points: one statement, a script of statements with source spans, or a
// lone expression (catalog CHECK/DEFAULT text). Dispatches on the first word; the grammar is in
// parse-query/parse-expr/parse-dml/parse-ddl.ts. Hand-written recursive descent: ADR-0004.
import type { Expr, ParsedStatement, Statement } from './ast.js';
import { parseExpr } from './parse-expr.js';
import { parseAlter, parseCreate, parseDrop } from './parse-ddl.js';
import { parseDelete, parseInsert, parseUpdate } from './parse-dml.js';
import { isQueryStart, parseSelectStmt } from './parse-query.js';
import { TokenStream } from './token-stream.js';
import { sqlErrorAt } from './lexer.js';

/**
 * Parses exactly one statement (a trailing `;` is allowed).
 * @example parse('SELECT * FROM users WHERE id = $1')
 * @throws DecentDBError ERR_SQL with details {position, line, column} (1-based)
 */
export function parse(sql: string): Statement {
  return guardDepth(sql, () => parseOne(sql));
}

function parseOne(sql: string): Statement {
  const p = new TokenStream(sql);
  while (p.acceptOp(';'));
  if (p.peek().kind === 'eof') throw sqlErrorAt(sql, 0, 'empty statement');
  const stmt = parseStatement(p);
  endStatement(p);
  while (p.acceptOp(';'));
  if (p.peek().kind !== 'eof') throw p.errorAt(p.peek(), 'expected a single statement');
  return stmt;
}

/**
 * Parses `;`-separated statements; empty statements are skipped. Each result carries its
 * source span (0-based [start, end), without the `;`) and text.
 * @example parseScript('BEGIN; INSERT INTO t VALUES (1); COMMIT').map((s) => s.statement.kind)
 */
export function parseScript(sql: string): ParsedStatement[] {
  return guardDepth(sql, () => parseAll(sql));
}

function parseAll(sql: string): ParsedStatement[] {
  const p = new TokenStream(sql);
  const out: ParsedStatement[] = [];
  for (;;) {
    while (p.acceptOp(';'));
    const first = p.peek();
    if (first.kind === 'eof') return out;
    const statement = parseStatement(p);
    const last = p.tokens[p.pos - 1] ?? first;
    endStatement(p);
    out.push({ statement, start: first.start, end: last.end, text: sql.slice(first.start, last.end) });
  }
}

/** Parses a lone expression, e.g. a stored CHECK `("score" >= 0.0)` or DEFAULT text. */
export function parseExpression(sql: string): Expr {
  return guardDepth(sql, () => {
    const p = new TokenStream(sql);
    const e = parseExpr(p);
    if (p.peek().kind !== 'eof') throw p.syntaxError();
    return e;
  });
}

/** Recursive descent on absurdly nested input overflows the stack: report it as ERR_SQL. */
function guardDepth<T>(sql: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RangeError) throw sqlErrorAt(sql, 0, 'statement is too deeply nested');
    throw e;
  }
}

function endStatement(p: TokenStream): void {
  if (!p.atEnd()) throw p.syntaxError();
  p.acceptOp(';');
}

const UNSUPPORTED_STATEMENTS: ReadonlySet<string> = new Set([
  'pragma', 'vacuum', 'analyze', 'analyse', 'set', 'show', 'copy', 'truncate', 'grant', 'revoke',
  'reindex', 'attach', 'detach', 'merge', 'call', 'do', 'lock', 'listen', 'notify', 'comment',
  'prepare', 'execute', 'deallocate', 'declare', 'fetch', 'close', 'cluster', 'discard', 'reset',
  'replace', 'upsert', 'with recursive',
]);

/** One statement at the current token; stops before `;`/end. */
export function parseStatement(p: TokenStream): Statement {
  const t = p.peek();
  if (isQueryStart(p) || p.isOp('(')) return parseSelectStmt(p);
  if (t.kind !== 'word') throw p.syntaxError(t);
  p.pos++;
  switch (t.value) {
    case 'insert':
      return parseInsert(p);
    case 'update':
      return parseUpdate(p);
    case 'delete':
      return parseDelete(p);
    case 'create':
      return parseCreate(p);
    case 'drop':
      return parseDrop(p);
    case 'alter':
      return parseAlter(p);
    case 'begin':
      return parseBegin(p, true);
    case 'start':
      p.expectWord('transaction');
      return parseBegin(p, false);
    case 'commit':
    case 'end':
      if (!p.acceptWord('transaction')) p.acceptWord('work');
      return { kind: 'commit' };
    case 'rollback':
    case 'abort': {
      if (!p.acceptWord('transaction')) p.acceptWord('work');
      if (!p.acceptWord('to')) return { kind: 'rollback', savepoint: null };
      p.acceptWord('savepoint');
      return { kind: 'rollback', savepoint: p.ident() };
    }
    case 'savepoint':
      return { kind: 'savepoint', name: p.ident() };
    case 'release':
      p.acceptWord('savepoint');
      return { kind: 'release', name: p.ident() };
    case 'explain': {
      const analyze = p.acceptWord('analyze') || p.acceptWord('analyse');
      if (p.isOp('(')) throw p.errorAt(p.peek(), 'EXPLAIN options in parentheses are not supported');
      if (p.isWord('verbose')) throw p.errorAt(p.peek(), 'EXPLAIN VERBOSE is not supported');
      return { kind: 'explain', analyze, statement: parseStatement(p) };
    }
  }
  if (UNSUPPORTED_STATEMENTS.has(t.value)) throw p.errorAt(t, `${t.value.toUpperCase()} is not supported`);
  throw p.syntaxError(t);
}

/** After BEGIN (sqliteStyle: DEFERRED/IMMEDIATE/EXCLUSIVE allowed) or START TRANSACTION. */
function parseBegin(p: TokenStream, sqliteStyle: boolean): Statement {
  let mode: 'deferred' | 'immediate' | 'exclusive' | null = null;
  if (sqliteStyle) {
    if (p.acceptWord('deferred')) mode = 'deferred';
    else if (p.acceptWord('immediate')) mode = 'immediate';
    else if (p.acceptWord('exclusive')) mode = 'exclusive';
    if (!p.acceptWord('transaction')) p.acceptWord('work');
  }
  let isolation: string | null = null;
  for (;;) {
    if (p.acceptWords('isolation', 'level')) {
      if (p.acceptWord('serializable')) isolation = 'serializable';
      else if (p.acceptWords('repeatable', 'read')) isolation = 'repeatable read';
      else if (p.acceptWords('read', 'committed')) isolation = 'read committed';
      else if (p.acceptWords('read', 'uncommitted')) isolation = 'read uncommitted';
      else throw p.syntaxError();
    } else if (p.acceptWords('read', 'write')) {
      // The default; nothing to record.
    } else if (p.isWord('read') || p.isWord('deferrable') || p.isWord('not')) {
      throw p.errorAt(p.peek(), 'READ ONLY and DEFERRABLE transactions are not supported');
    } else {
      break;
    }
    p.acceptOp(',');
  }
  return { kind: 'begin', mode, isolation };
}
