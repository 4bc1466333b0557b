// INSERT, UPDATE and DELETE, including ON CONFLICT … DO NOTHING | DO UPDATE (EXCLUDED.col is an
// ordinary qualified ColumnRef) and RETURNING. Does not check that columns exist: the binder does.
import type { Assignment, ConflictAction, ConflictTarget, DeleteStmt, InsertStmt, OnConflict, Returning, UpdateStmt } from './ast.js';
import { parseExpr } from './parse-expr.js';
import { isQueryStart, parseFromList, parseSelectItems, parseSelectStmt } from './parse-query.js';
import type { TokenStream } from './token-stream.js';

/** After INSERT. */
export function parseInsert(p: TokenStream): InsertStmt {
  p.expectWord('into');
  const table = p.objectName();
  const alias = p.acceptWord('as') ? p.ident() : null;
  let columns: InsertStmt['columns'] = [];
  if (p.isOp('(') && !isQueryStart(p, 1) && !p.isOp('(', 1)) columns = p.parenIdentList();
  let source: InsertStmt['source'];
  if (p.acceptWords('default', 'values')) {
    source = null;
  } else if (isQueryStart(p) || p.isOp('(')) {
    source = parseSelectStmt(p, { allowDefault: true });
  } else {
    throw p.syntaxError();
  }
  const onConflict = p.acceptWords('on', 'conflict') ? parseOnConflict(p) : null;
  const returning = parseReturning(p);
  return { kind: 'insert', table, alias, columns, source, onConflict, returning };
}

function parseOnConflict(p: TokenStream): OnConflict {
  let target: ConflictTarget | null = null;
  if (p.isOp('(')) {
    const columns = p.parenIdentList();
    target = { kind: 'columns', columns, where: p.acceptWord('where') ? parseExpr(p) : null };
  } else if (p.acceptWords('on', 'constraint')) {
    target = { kind: 'constraint', name: p.ident() };
  }
  p.expectWord('do');
  let action: ConflictAction;
  if (p.acceptWord('nothing')) {
    action = { kind: 'nothing' };
  } else if (p.acceptWord('update')) {
    p.expectWord('set');
    const set = parseAssignments(p);
    action = { kind: 'update', set, where: p.acceptWord('where') ? parseExpr(p) : null };
  } else {
    throw p.syntaxError();
  }
  return { target, action };
}

/** `col = expr | DEFAULT [, …]` (after SET). */
function parseAssignments(p: TokenStream): Assignment[] {
  const out: Assignment[] = [];
  do {
    if (p.isOp('(')) throw p.errorAt(p.peek(), 'multi-column assignment is not supported');
    const column = p.ident();
    if (p.isOp('.')) throw p.errorAt(p.peek(), 'qualified column names in SET are not supported');
    p.expectOp('=');
    const value = p.acceptWord('default') ? { kind: 'default' as const } : parseExpr(p);
    out.push({ column, value });
  } while (p.acceptOp(','));
  return out;
}

function parseReturning(p: TokenStream): Returning {
  return p.acceptWord('returning') ? parseSelectItems(p) : null;
}

/** `[AS] alias` after a target table; reserved words (SET, WHERE, …) end it. */
function parseTargetAlias(p: TokenStream) {
  if (p.acceptWord('as')) return p.ident();
  return p.isIdent() ? p.ident() : null;
}

/** After UPDATE. */
export function parseUpdate(p: TokenStream): UpdateStmt {
  if (p.isWord('only')) throw p.errorAt(p.peek(), 'ONLY is not supported');
  const table = p.objectName();
  const alias = parseTargetAlias(p);
  p.expectWord('set');
  const set = parseAssignments(p);
  const from = p.acceptWord('from') ? parseFromList(p) : [];
  const where = p.acceptWord('where') ? parseExpr(p) : null;
  return { kind: 'update', table, alias, set, from, where, returning: parseReturning(p) };
}

/** After DELETE. */
export function parseDelete(p: TokenStream): DeleteStmt {
  p.expectWord('from');
  if (p.isWord('only')) throw p.errorAt(p.peek(), 'ONLY is not supported');
  const table = p.objectName();
  const alias = parseTargetAlias(p);
  if (p.isWord('using')) throw p.errorAt(p.peek(), 'DELETE … USING is not supported');
  const where = p.acceptWord('where') ? parseExpr(p) : null;
  return { kind: 'delete', table, alias, where, returning: parseReturning(p) };
}
