// Expressions by precedence climbing (Pratt). Binding powers follow Postgres 9.5+, loosest
// first: OR, AND, NOT, IS, comparison, BETWEEN/IN/LIKE/ILIKE, other operators (||), + -,
// * / %, unary + -, ::. Subqueries call back into parse-query.ts. Does no name resolution.
import type {
  CaseWhen,
  Expr,
  FrameBound,
  FunctionCall,
  Ident,
  OrderItem,
  SelectStmt,
  SqlValueFunction,
  WindowFrame,
  WindowSpec,
} from './ast.js';
import { DecentDBError } from '../util/index.js';
import { FUNCTION_KEYWORDS, RESERVED_WORDS } from './keywords.js';
import type { Token } from './lexer.js';
import { isQueryStart, parseSelectStmt } from './parse-query.js';
import type { TokenStream } from './token-stream.js';
import { TYPE_START_WORDS } from './type-names.js';

/** Binding powers; a larger number binds tighter. */
export const BP = {
  LOWEST: 0,
  OR: 10,
  AND: 20,
  NOT: 30,
  IS: 40,
  COMPARE: 50,
  PREDICATE: 60,
  OTHER: 70,
  ADD: 80,
  MUL: 90,
  UNARY: 100,
  CAST: 110,
} as const;

const COMPARE_OPS: ReadonlySet<string> = new Set(['=', '<>', '!=', '<', '<=', '>', '>=']);
const SQL_VALUE_FUNCTIONS: ReadonlySet<string> = new Set([
  'current_timestamp',
  'current_date',
  'current_time',
  'localtimestamp',
  'localtime',
]);

/** Parses an expression whose operators all bind tighter than `minBp`. */
export function parseExpr(p: TokenStream, minBp: number = BP.LOWEST): Expr {
  let left = parsePrefix(p);
  for (;;) {
    const t = p.peek();
    if (t.kind === 'op') {
      const op = t.value;
      if (op === '::') {
        if (BP.CAST <= minBp) break;
        p.pos++;
        left = { kind: 'cast', expr: left, type: p.typeName(), syntax: '::' };
      } else if (COMPARE_OPS.has(op)) {
        if (BP.COMPARE <= minBp) break;
        p.pos++;
        const right = parseExpr(p, BP.COMPARE);
        left = { kind: 'binary', op: op === '!=' ? '<>' : (op as '='), left, right };
      } else if (op === '||') {
        if (BP.OTHER <= minBp) break;
        p.pos++;
        left = { kind: 'binary', op: '||', left, right: parseExpr(p, BP.OTHER) };
      } else if (op === '+' || op === '-') {
        if (BP.ADD <= minBp) break;
        p.pos++;
        left = { kind: 'binary', op, left, right: parseExpr(p, BP.ADD) };
      } else if (op === '*' || op === '/' || op === '%') {
        if (BP.MUL <= minBp) break;
        p.pos++;
        left = { kind: 'binary', op, left, right: parseExpr(p, BP.MUL) };
      } else {
        break;
      }
    } else if (t.kind === 'word') {
      const w = t.value;
      if (w === 'or') {
        if (BP.OR <= minBp) break;
        p.pos++;
        left = { kind: 'binary', op: 'or', left, right: parseExpr(p, BP.OR) };
      } else if (w === 'and') {
        if (BP.AND <= minBp) break;
        p.pos++;
        left = { kind: 'binary', op: 'and', left, right: parseExpr(p, BP.AND) };
      } else if (w === 'is') {
        if (BP.IS <= minBp) break;
        p.pos++;
        left = parseIs(p, left);
      } else if (w === 'between' || w === 'in' || w === 'like' || w === 'ilike' || w === 'similar') {
        if (BP.PREDICATE <= minBp) break;
        left = parsePredicate(p, left, false);
      } else if (w === 'not' && isPredicateWord(p.peek(1))) {
        if (BP.PREDICATE <= minBp) break;
        p.pos++;
        left = parsePredicate(p, left, true);
      } else {
        break;
      }
    } else {
      break;
    }
  }
  return left;
}

const isPredicateWord = (t: Token): boolean =>
  t.kind === 'word' &&
  (t.value === 'between' || t.value === 'in' || t.value === 'like' || t.value === 'ilike' || t.value === 'similar');

/** After IS: [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM expr. */
function parseIs(p: TokenStream, expr: Expr): Expr {
  const not = p.acceptWord('not');
  const t = p.next();
  if (t.kind === 'word') {
    switch (t.value) {
      case 'null':
        return { kind: 'isNull', expr, not };
      case 'true':
        return { kind: 'isTruth', expr, value: true, not };
      case 'false':
        return { kind: 'isTruth', expr, value: false, not };
      case 'unknown':
        return { kind: 'isTruth', expr, value: null, not };
      case 'distinct':
        p.expectWord('from');
        return { kind: 'isDistinct', left: expr, right: parseExpr(p, BP.IS), not };
    }
  }
  throw p.syntaxError(t);
}

/** [NOT] BETWEEN / IN / LIKE / ILIKE, positioned at the predicate word. */
function parsePredicate(p: TokenStream, expr: Expr, not: boolean): Expr {
  const t = p.next();
  switch (t.value) {
    case 'between': {
      const symmetric = p.acceptWord('symmetric');
      if (!symmetric) p.acceptWord('asymmetric');
      const low = parseExpr(p, BP.PREDICATE);
      p.expectWord('and');
      const high = parseExpr(p, BP.PREDICATE);
      return { kind: 'between', expr, low, high, not, symmetric };
    }
    case 'in': {
      p.expectOp('(');
      const query = tryParseQuery(p);
      if (query !== null) return { kind: 'inSubquery', expr, query, not };
      const list = parseExprList(p);
      p.expectOp(')');
      return { kind: 'inList', expr, list, not };
    }
    case 'like':
    case 'ilike': {
      const pattern = parseExpr(p, BP.PREDICATE);
      const escape = p.acceptWord('escape') ? parseExpr(p, BP.PREDICATE) : null;
      return { kind: 'like', expr, pattern, escape, not, caseInsensitive: t.value === 'ilike' };
    }
    default:
      throw p.errorAt(t, `${t.value.toUpperCase()} is not supported`);
  }
}

/** `expr [, expr…]` */
export function parseExprList(p: TokenStream): Expr[] {
  const out: Expr[] = [parseExpr(p)];
  while (p.acceptOp(',')) out.push(parseExpr(p));
  return out;
}

/** `expr [ASC|DESC] [NULLS FIRST|LAST] [, …]` (after ORDER BY). */
export function parseOrderItems(p: TokenStream): OrderItem[] {
  const out: OrderItem[] = [];
  do {
    const expr = parseExpr(p);
    const direction = p.acceptWord('asc') ? 'asc' : p.acceptWord('desc') ? 'desc' : null;
    let nulls: OrderItem['nulls'] = null;
    if (p.acceptWord('nulls')) {
      if (p.acceptWord('first')) nulls = 'first';
      else if (p.acceptWord('last')) nulls = 'last';
      else throw p.syntaxError();
    }
    out.push({ expr, direction, nulls });
  } while (p.acceptOp(','));
  return out;
}

/**
 * After a `(`: a query followed by `)` if one starts here, else null with nothing consumed.
 * `((SELECT 1) + 1)` is ambiguous until later, so a leading `(` is tried and backtracked.
 */
export function tryParseQuery(p: TokenStream): SelectStmt | null {
  if (isQueryStart(p)) {
    const query = parseSelectStmt(p);
    p.expectOp(')');
    return query;
  }
  // Look through at most 32 parentheses: deeper ones are tried level by level as expressions,
  // which keeps absurd nesting linear instead of quadratic.
  let k = 0;
  while (k < 32 && p.isOp('(', k)) k++;
  if (k === 0 || !(p.isWord('select', k) || p.isWord('with', k) || p.isWord('values', k))) return null;
  const save = p.pos;
  try {
    const query = parseSelectStmt(p);
    p.expectOp(')');
    return query;
  } catch (e) {
    // Backtracking: only a syntax error means "not a query"; anything else propagates.
    if (!(e instanceof DecentDBError)) throw e;
    p.pos = save;
    return null;
  }
}

function parsePrefix(p: TokenStream): Expr {
  const t = p.next();
  switch (t.kind) {
    case 'integer':
      return integerLiteral(t.value);
    case 'decimal':
      return { kind: 'decimal', text: t.value };
    case 'string':
      return { kind: 'string', value: t.value };
    case 'param': {
      const index = Number(t.value);
      if (!Number.isSafeInteger(index) || index < 1) throw p.errorAt(t, `there is no parameter $${t.value}`);
      return { kind: 'param', index };
    }
    case 'quotedIdent':
      return parseNameExpr(p, t, { name: t.value, quoted: true });
    case 'op':
      return parsePrefixOp(p, t);
    case 'word':
      return parsePrefixWord(p, t);
    case 'eof':
      throw p.syntaxError(t);
  }
}

/** Integer text → IntegerLiteral, or a DecimalLiteral when it does not fit INT64. */
function integerLiteral(text: string): Expr {
  // `+ 0` turns the -0 of '-0' into 0, so printing and re-parsing give the same literal.
  if (text.length < 16) return { kind: 'integer', value: Number(text) + 0 };
  const big = BigInt(text);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return { kind: 'decimal', text };
  const value = Number.isSafeInteger(Number(big)) ? Number(big) : big;
  return { kind: 'integer', value };
}

function parsePrefixOp(p: TokenStream, t: Token): Expr {
  switch (t.value) {
    case '(': {
      const query = tryParseQuery(p);
      if (query !== null) return { kind: 'subquery', query };
      const inner = parseExpr(p);
      if (p.isOp(',')) throw p.errorAt(t, 'row constructors are not supported');
      p.expectOp(')');
      return inner;
    }
    case '-': {
      // A minus directly before a number is part of the literal (so INT64 min parses).
      const n = p.peek();
      if (n.kind === 'integer') {
        p.pos++;
        return integerLiteral('-' + n.value);
      }
      if (n.kind === 'decimal') {
        p.pos++;
        return { kind: 'decimal', text: '-' + n.value };
      }
      return { kind: 'unary', op: '-', operand: parseExpr(p, BP.UNARY) };
    }
    case '+':
      return { kind: 'unary', op: '+', operand: parseExpr(p, BP.UNARY) };
    default:
      throw p.syntaxError(t);
  }
}

function parsePrefixWord(p: TokenStream, t: Token): Expr {
  const w = t.value;
  switch (w) {
    case 'null':
      return { kind: 'null' };
    case 'true':
      return { kind: 'boolean', value: true };
    case 'false':
      return { kind: 'boolean', value: false };
    case 'not':
      return { kind: 'unary', op: 'not', operand: parseExpr(p, BP.NOT) };
    case 'case':
      return parseCase(p);
    case 'cast': {
      p.expectOp('(');
      const expr = parseExpr(p);
      p.expectWord('as');
      const type = p.typeName();
      p.expectOp(')');
      return { kind: 'cast', expr, type, syntax: 'cast' };
    }
    case 'exists': {
      p.expectOp('(');
      const query = parseSelectStmt(p);
      p.expectOp(')');
      return { kind: 'exists', query };
    }
    case 'default':
      throw p.errorAt(t, 'DEFAULT is not allowed in this context');
  }
  if (SQL_VALUE_FUNCTIONS.has(w)) {
    if (p.isOp('(')) throw p.errorAt(t, `${w.toUpperCase()} with a precision is not supported`);
    return { kind: 'sqlValueFunction', name: w as SqlValueFunction['name'] };
  }
  if (p.isOp('(') && FUNCTION_KEYWORDS.has(w)) return parseCall(p, t, { name: w, quoted: false });
  if (RESERVED_WORDS.has(w)) throw p.syntaxError(t);
  // Typed literal: DATE '2024-01-01', TIMESTAMP '…', INT '5'.
  if (TYPE_START_WORDS.has(w) && (p.peek().kind === 'string' || isTypedLiteralAhead(p))) {
    p.pos--;
    const type = p.typeName();
    const s = p.next();
    if (s.kind !== 'string') throw p.syntaxError(s);
    return { kind: 'cast', expr: { kind: 'string', value: s.value }, type, syntax: 'literal' };
  }
  if (p.isOp('(')) {
    if (w === 'substring') return parseSubstring(p, t);
    if (w === 'trim') return parseTrim(p, t);
    if (w === 'extract' && p.peek(1).kind === 'word' && p.isWord('from', 2)) return parseExtract(p, t);
  }
  if (w === 'interval' && p.peek().kind === 'string') throw p.errorAt(t, 'INTERVAL is not supported');
  return parseNameExpr(p, t, { name: w, quoted: false });
}

/** `DOUBLE PRECISION '1.5'`, `TIMESTAMP WITH TIME ZONE '…'`: a multi-word type, then a string. */
function isTypedLiteralAhead(p: TokenStream): boolean {
  const prev = p.peek(-1).value;
  if (prev === 'double') return p.isWord('precision') && p.peek(1).kind === 'string';
  if (prev === 'character' || prev === 'char') return p.isWord('varying') && p.peek(1).kind === 'string';
  if (prev === 'timestamp') {
    return (p.isWord('with') || p.isWord('without')) && p.isWord('time', 1) && p.isWord('zone', 2) && p.peek(3).kind === 'string';
  }
  return false;
}

/** After an identifier: a call `f(…)`, a qualified column `t.c`, or a column `c`. */
function parseNameExpr(p: TokenStream, t: Token, name: Ident): Expr {
  if (p.isOp('(')) return parseCall(p, t, name);
  if (p.acceptOp('.')) {
    if (p.isOp('*')) throw p.errorAt(p.peek(), '"*" is not allowed here');
    const column = p.ident();
    if (p.isOp('.') || p.isOp('(')) throw p.errorAt(t, 'qualified names beyond table.column are not supported');
    return p.mark({ kind: 'column', table: name, name: column }, t);
  }
  return p.mark({ kind: 'column', table: null, name }, t);
}

/** `name( [* | [DISTINCT|ALL] args] ) [OVER (…)]`, positioned at the `(`. */
function parseCall(p: TokenStream, t: Token, name: Ident): FunctionCall {
  p.expectOp('(');
  let star = false;
  let distinct = false;
  let args: Expr[] = [];
  if (p.acceptOp('*')) {
    star = true;
  } else if (!p.isOp(')')) {
    distinct = p.acceptWord('distinct');
    if (!distinct) p.acceptWord('all');
    args = parseExprList(p);
    if (p.isWord('order')) throw p.errorAt(p.peek(), 'ORDER BY inside an aggregate call is not supported');
  }
  p.expectOp(')');
  if (p.isWord('filter')) throw p.errorAt(p.peek(), 'FILTER is not supported');
  let over: WindowSpec | null = null;
  if (p.acceptWord('over')) over = parseWindowSpec(p);
  return p.mark({ kind: 'call', name, args, star, distinct, over }, t);
}

function parseWindowSpec(p: TokenStream): WindowSpec {
  if (!p.isOp('(')) throw p.errorAt(p.peek(), 'named windows are not supported');
  p.pos++;
  let partitionBy: Expr[] = [];
  let orderBy: OrderItem[] = [];
  if (p.acceptWord('partition')) {
    p.expectWord('by');
    partitionBy = parseExprList(p);
  }
  if (p.acceptWord('order')) {
    p.expectWord('by');
    orderBy = parseOrderItems(p);
  }
  let frame: WindowFrame | null = null;
  if (p.isWord('groups')) throw p.errorAt(p.peek(), 'GROUPS window frames are not supported');
  const mode = p.acceptWord('rows') ? 'rows' : p.acceptWord('range') ? 'range' : null;
  if (mode !== null) {
    const t = p.peek();
    let start: FrameBound;
    let end: FrameBound = { kind: 'currentRow', offset: null };
    if (p.acceptWord('between')) {
      start = parseFrameBound(p);
      p.expectWord('and');
      end = parseFrameBound(p);
    } else {
      start = parseFrameBound(p);
    }
    if (p.isWord('exclude')) throw p.errorAt(p.peek(), 'EXCLUDE in window frames is not supported');
    checkFrame(p, t, mode, start, end);
    frame = { mode, start, end };
  }
  p.expectOp(')');
  return frame === null ? { partitionBy, orderBy } : { partitionBy, orderBy, frame };
}

function parseFrameBound(p: TokenStream): FrameBound {
  if (p.acceptWords('unbounded', 'preceding')) return { kind: 'unboundedPreceding', offset: null };
  if (p.acceptWords('unbounded', 'following')) return { kind: 'unboundedFollowing', offset: null };
  if (p.acceptWords('current', 'row')) return { kind: 'currentRow', offset: null };
  const offset = parseExpr(p);
  if (p.acceptWord('preceding')) return { kind: 'preceding', offset };
  if (p.acceptWord('following')) return { kind: 'following', offset };
  throw p.syntaxError();
}

/** Postgres's frame rules: the start may not come after the end, and RANGE offsets are not supported. */
function checkFrame(p: TokenStream, t: Token, mode: 'rows' | 'range', start: FrameBound, end: FrameBound): void {
  if (start.kind === 'unboundedFollowing') throw p.errorAt(t, 'frame start cannot be UNBOUNDED FOLLOWING');
  if (end.kind === 'unboundedPreceding') throw p.errorAt(t, 'frame end cannot be UNBOUNDED PRECEDING');
  if (start.kind === 'currentRow' && end.kind === 'preceding') throw p.errorAt(t, 'frame starting from current row cannot have preceding rows');
  if (start.kind === 'following' && (end.kind === 'preceding' || end.kind === 'currentRow')) throw p.errorAt(t, 'frame starting from following row cannot have preceding rows');
  if (mode === 'range' && (start.offset !== null || end.offset !== null)) throw p.errorAt(t, 'RANGE with offset PRECEDING/FOLLOWING is not supported');
}

function parseCase(p: TokenStream): Expr {
  const operand = p.isWord('when') ? null : parseExpr(p);
  const whens: CaseWhen[] = [];
  while (p.acceptWord('when')) {
    const when = parseExpr(p);
    p.expectWord('then');
    whens.push({ when, then: parseExpr(p) });
  }
  if (whens.length === 0) throw p.syntaxError();
  const elseExpr = p.acceptWord('else') ? parseExpr(p) : null;
  p.expectWord('end');
  return { kind: 'case', operand, whens, else: elseExpr };
}

/** EXTRACT(field FROM x) → date_part('field', x), as Postgres rewrites it. */
function parseExtract(p: TokenStream, t: Token): Expr {
  p.expectOp('(');
  const field = p.next().value;
  p.expectWord('from');
  const x = parseExpr(p);
  p.expectOp(')');
  const args: Expr[] = [{ kind: 'string', value: field }, x];
  return p.mark({ kind: 'call', name: { name: 'date_part', quoted: false }, args, star: false, distinct: false, over: null }, t);
}

/** False when the call's arguments are `)`, `*`, or DISTINCT/ALL …: an ordinary call. */
function startsSpecialArgs(p: TokenStream): boolean {
  return !(p.isOp(')') || p.isOp('*') || p.isWord('distinct') || p.isWord('all'));
}

/** SUBSTRING(s FROM a [FOR b]) → substring(s, a[, b]); the comma form is an ordinary call. */
function parseSubstring(p: TokenStream, t: Token): Expr {
  const save = p.pos;
  p.expectOp('(');
  if (!startsSpecialArgs(p)) {
    p.pos = save;
    return parseCall(p, t, { name: 'substring', quoted: false });
  }
  const s = parseExpr(p);
  if (!p.isWord('from') && !p.isWord('for')) {
    p.pos = save;
    return parseCall(p, t, { name: 'substring', quoted: false });
  }
  const args: Expr[] = [s];
  if (p.acceptWord('from')) args.push(parseExpr(p));
  else args.push({ kind: 'integer', value: 1 });
  if (p.acceptWord('for')) args.push(parseExpr(p));
  p.expectOp(')');
  return p.mark({ kind: 'call', name: { name: 'substring', quoted: false }, args, star: false, distinct: false, over: null }, t);
}

/** TRIM([BOTH|LEADING|TRAILING] [chars] FROM s) → btrim/ltrim/rtrim(s[, chars]); TRIM(s) stays. */
function parseTrim(p: TokenStream, t: Token): Expr {
  const save = p.pos;
  p.expectOp('(');
  if (!startsSpecialArgs(p)) {
    p.pos = save;
    return parseCall(p, t, { name: 'trim', quoted: false });
  }
  let fn = 'btrim';
  let explicit = true;
  if (p.acceptWord('both')) fn = 'btrim';
  else if (p.acceptWord('leading')) fn = 'ltrim';
  else if (p.acceptWord('trailing')) fn = 'rtrim';
  else explicit = false;
  let chars: Expr | null = null;
  let s: Expr;
  if (p.acceptWord('from')) {
    s = parseExpr(p);
  } else {
    const first = parseExpr(p);
    if (p.acceptWord('from')) {
      chars = first;
      s = parseExpr(p);
    } else if (explicit) {
      s = first;
    } else {
      p.pos = save;
      return parseCall(p, t, { name: 'trim', quoted: false });
    }
  }
  p.expectOp(')');
  const args = chars === null ? [s] : [s, chars];
  return p.mark({ kind: 'call', name: { name: fn, quoted: false }, args, star: false, distinct: false, over: null }, t);
}
