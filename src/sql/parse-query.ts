// Queries: WITH, SELECT cores, VALUES, set operations (INTERSECT binds tighter than UNION and
// EXCEPT, as in Postgres), FROM items and joins, ORDER BY / LIMIT / OFFSET on the whole
// compound. Expressions are parse-expr.ts's job. Rejects FETCH.
import type {
  CommonTableExpr,
  Expr,
  FromItem,
  JoinType,
  OrderItem,
  QueryBody,
  SelectCore,
  SelectItem,
  SelectStmt,
  ValuesBody,
} from './ast.js';
import { parseExpr, parseExprList, parseOrderItems, tryParseQuery } from './parse-expr.js';
import type { TokenStream } from './token-stream.js';

/** True at SELECT, WITH or VALUES (a query that needs no parentheses). */
export function isQueryStart(p: TokenStream, ahead = 0): boolean {
  return p.isWord('select', ahead) || p.isWord('with', ahead) || p.isWord('values', ahead);
}

export interface QueryOptions {
  /** Accept DEFAULT as a VALUES item of the first query term (INSERT … VALUES). */
  readonly allowDefault?: boolean;
}

/**
 * `[WITH …] body [ORDER BY …] [LIMIT …] [OFFSET …]`. A parenthesised query that adds nothing
 * around its inner query collapses to the inner one, so `((SELECT 1))` equals `SELECT 1`.
 */
export function parseSelectStmt(p: TokenStream, options: QueryOptions = {}): SelectStmt {
  let withList: CommonTableExpr[] = [];
  let recursive = false;
  if (p.acceptWord('with')) {
    recursive = p.acceptWord('recursive');
    withList = parseWithList(p);
    if (p.isWord('insert') || p.isWord('update') || p.isWord('delete')) {
      throw p.errorAt(p.peek(), `WITH before ${p.peek().value.toUpperCase()} is not supported`);
    }
  }
  const body = parseSetExpr(p, 0, options);
  let orderBy: OrderItem[] = [];
  if (p.acceptWord('order')) {
    p.expectWord('by');
    orderBy = parseOrderItems(p);
  }
  let limit: Expr | null = null;
  let offset: Expr | null = null;
  let sawLimit = false;
  let sawOffset = false;
  for (;;) {
    if (!sawLimit && p.acceptWord('limit')) {
      sawLimit = true;
      limit = p.acceptWord('all') ? null : parseLimitValue(p, 'LIMIT');
    } else if (!sawOffset && p.acceptWord('offset')) {
      sawOffset = true;
      offset = parseLimitValue(p, 'OFFSET');
      if (!p.acceptWord('rows')) p.acceptWord('row');
    } else {
      break;
    }
  }
  if (p.isWord('fetch')) throw p.errorAt(p.peek(), 'FETCH is not supported; use LIMIT');
  if (p.isWord('for')) throw p.errorAt(p.peek(), 'FOR UPDATE/SHARE is not supported');
  if (withList.length === 0 && orderBy.length === 0 && limit === null && offset === null && body.kind === 'select') {
    return body;
  }
  return recursive ? { kind: 'select', with: withList, recursive, body, orderBy, limit, offset } : { kind: 'select', with: withList, body, orderBy, limit, offset };
}

/** LIMIT/OFFSET take an integer literal or a `$n` parameter only (native ADR-0048). */
function parseLimitValue(p: TokenStream, clause: string): Expr {
  const t = p.peek();
  const e = parseExpr(p);
  if (e.kind === 'param') return e;
  if (e.kind === 'integer') {
    if (e.value < 0) throw p.errorAt(t, `${clause} must not be negative`);
    return e;
  }
  throw p.errorAt(t, `${clause} must be an integer literal or a parameter`);
}

function parseWithList(p: TokenStream): CommonTableExpr[] {
  const out: CommonTableExpr[] = [];
  do {
    const name = p.ident();
    const columns = p.isOp('(') ? p.parenIdentList() : [];
    p.expectWord('as');
    if (p.isWord('materialized') || p.isWord('not')) throw p.errorAt(p.peek(), 'MATERIALIZED is not supported');
    p.expectOp('(');
    const query = parseSelectStmt(p);
    p.expectOp(')');
    out.push({ name, columns, query });
  } while (p.acceptOp(','));
  return out;
}

const setOpPrec = (w: string): number => (w === 'intersect' ? 2 : w === 'union' || w === 'except' ? 1 : 0);

/** Set operations by precedence climbing: INTERSECT (2) over UNION/EXCEPT (1), left-assoc. */
function parseSetExpr(p: TokenStream, minPrec: number, options: QueryOptions): QueryBody {
  let left = parseQueryTerm(p, options);
  for (;;) {
    const t = p.peek();
    const prec = t.kind === 'word' ? setOpPrec(t.value) : 0;
    if (prec === 0 || prec <= minPrec) break;
    p.pos++;
    const all = p.acceptWord('all');
    if (!all) p.acceptWord('distinct');
    const right = parseSetExpr(p, prec, {});
    left = { kind: 'setOp', op: t.value as 'union', all, left, right };
  }
  return left;
}

function parseQueryTerm(p: TokenStream, options: QueryOptions): QueryBody {
  if (p.acceptWord('select')) return parseSelectCore(p);
  if (p.acceptWord('values')) return parseValues(p, options.allowDefault === true);
  if (p.acceptOp('(')) {
    const inner = parseSelectStmt(p, options);
    p.expectOp(')');
    return inner.with.length === 0 && inner.orderBy.length === 0 && inner.limit === null && inner.offset === null
      ? inner.body
      : inner;
  }
  throw p.syntaxError();
}

/** `VALUES (…), (…)`; every row must have the same width. */
export function parseValues(p: TokenStream, allowDefault: boolean): ValuesBody {
  const rows: Expr[][] = [];
  do {
    const open = p.peek();
    p.expectOp('(');
    const row: Expr[] = [];
    do {
      if (allowDefault && p.acceptWord('default')) row.push({ kind: 'default' });
      else row.push(parseExpr(p));
    } while (p.acceptOp(','));
    p.expectOp(')');
    if (rows.length > 0 && row.length !== (rows[0] as Expr[]).length) {
      throw p.errorAt(open, 'VALUES lists must all be the same length');
    }
    rows.push(row);
  } while (p.acceptOp(','));
  return { kind: 'values', rows };
}

/** After SELECT. */
function parseSelectCore(p: TokenStream): SelectCore {
  let distinct = false;
  if (p.acceptWord('distinct')) {
    distinct = true;
    if (p.isWord('on')) throw p.errorAt(p.peek(), 'DISTINCT ON is not supported');
  } else {
    p.acceptWord('all');
  }
  const items = parseSelectItems(p);
  if (p.isWord('into')) throw p.errorAt(p.peek(), 'SELECT INTO is not supported');
  const from = p.acceptWord('from') ? parseFromList(p) : [];
  const where = p.acceptWord('where') ? parseExpr(p) : null;
  let groupBy: Expr[] = [];
  if (p.acceptWord('group')) {
    p.expectWord('by');
    groupBy = parseExprList(p);
  }
  const having = p.acceptWord('having') ? parseExpr(p) : null;
  if (p.isWord('window')) throw p.errorAt(p.peek(), 'WINDOW clauses are not supported');
  return { kind: 'selectCore', distinct, items, from, where, groupBy, having };
}

/** Select list or RETURNING list: `*`, `t.*`, `expr [[AS] alias]`. */
export function parseSelectItems(p: TokenStream): SelectItem[] {
  const items: SelectItem[] = [];
  do {
    if (p.acceptOp('*')) {
      items.push({ kind: 'allColumns', table: null });
    } else if (p.isIdent() && p.isOp('.', 1) && p.isOp('*', 2)) {
      const table = p.ident();
      p.pos += 2;
      items.push({ kind: 'allColumns', table });
    } else {
      const expr = parseExpr(p);
      items.push({ kind: 'selectExpr', expr, alias: parseAlias(p) });
    }
  } while (p.acceptOp(','));
  return items;
}

/** `[AS] alias`, or null. Without AS only an unreserved word or a quoted name is an alias. */
function parseAlias(p: TokenStream) {
  if (p.acceptWord('as')) return p.ident();
  return p.isIdent() ? p.ident() : null;
}

/** Comma-separated FROM items, each with its chain of joins. */
export function parseFromList(p: TokenStream): FromItem[] {
  const out: FromItem[] = [];
  do out.push(parseJoinChain(p));
  while (p.acceptOp(','));
  return out;
}

function parseJoinChain(p: TokenStream): FromItem {
  let left = parseFromPrimary(p);
  for (;;) {
    const natural = p.acceptWord('natural');
    const t = p.peek();
    let type: JoinType;
    if (natural && p.isWord('cross')) throw p.errorAt(t, 'NATURAL CROSS JOIN is not valid: a cross join has no condition');
    if (p.acceptWords('cross', 'join')) {
      left = { kind: 'join', type: 'cross', left, right: parseFromPrimary(p), on: null, using: null };
      continue;
    }
    if (p.acceptWord('join')) type = 'inner';
    else if (p.acceptWord('inner')) type = 'inner';
    else if (p.acceptWord('left')) type = 'left';
    else if (p.acceptWord('right')) type = 'right';
    else if (p.acceptWord('full')) type = 'full';
    else if (natural) throw p.errorAt(t, 'expected JOIN after NATURAL');
    else break;
    if (t.value !== 'join') {
      if (type !== 'inner') p.acceptWord('outer');
      p.expectWord('join');
    }
    const right = parseFromPrimary(p);
    if (natural) {
      if (p.isWord('on') || p.isWord('using')) throw p.errorAt(p.peek(), 'a NATURAL join cannot have an ON or USING clause');
      left = { kind: 'join', type, left, right, on: null, using: null, natural: true };
    } else if (p.acceptWord('on')) {
      left = { kind: 'join', type, left, right, on: parseExpr(p), using: null };
    } else if (p.acceptWord('using')) {
      left = { kind: 'join', type, left, right, on: null, using: p.parenIdentList() };
    } else {
      throw p.syntaxError();
    }
  }
  return left;
}

function parseFromPrimary(p: TokenStream): FromItem {
  const t = p.peek();
  if (p.acceptOp('(')) {
    const query = tryParseQuery(p);
    if (query !== null) {
      const alias = parseAlias(p);
      const columns = alias !== null && p.isOp('(') ? p.parenIdentList() : [];
      return { kind: 'subqueryRef', query, alias, columns };
    }
    const inner = parseJoinChain(p);
    p.expectOp(')');
    if (p.isWord('as') || p.isIdent()) throw p.errorAt(p.peek(), 'aliases on parenthesised joins are not supported');
    return inner;
  }
  if (p.isWord('lateral')) throw p.errorAt(t, 'LATERAL is not supported');
  if (p.isWord('only')) throw p.errorAt(t, 'ONLY is not supported');
  const name = p.objectName();
  if (p.isOp('(')) throw p.errorAt(t, 'table functions are not supported');
  const alias = parseAlias(p);
  if (alias !== null && p.isOp('(')) throw p.errorAt(p.peek(), 'column aliases on tables are not supported');
  return p.mark({ kind: 'table', name, alias }, t);
}
