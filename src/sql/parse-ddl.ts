// DDL: CREATE/DROP/ALTER of tables, indexes, views and triggers, plus CREATE/DROP DATABASE
// (parsed only so whole scripts read; the engine rejects or skips them). Does not validate
// against the catalog (duplicate columns, FK targets): that is the catalog's job.
import type {
  AlterTableAction,
  AlterTableStmt,
  ColumnConstraint,
  ColumnDef,
  CreateIndexStmt,
  CreateTableStmt,
  CreateTriggerStmt,
  CreateViewStmt,
  FkAction,
  ForeignKeyRef,
  Ident,
  IndexKey,
  Statement,
  TableConstraint,
  TriggerEvent,
} from './ast.js';
import { BP, parseExpr } from './parse-expr.js';
import { parseSelectStmt } from './parse-query.js';
import type { TokenStream } from './token-stream.js';

/** After CREATE. */
export function parseCreate(p: TokenStream): Statement {
  const t = p.peek();
  if (p.acceptWords('or', 'replace')) {
    if (!p.acceptWord('view')) throw p.errorAt(t, 'CREATE OR REPLACE is supported for views only');
    return parseCreateView(p, true);
  }
  if (p.acceptWord('table')) return parseCreateTable(p);
  if (p.acceptWord('unique')) {
    p.expectWord('index');
    return parseCreateIndex(p, true);
  }
  if (p.acceptWord('index')) return parseCreateIndex(p, false);
  if (p.acceptWord('view')) return parseCreateView(p, false);
  if (p.acceptWord('trigger')) return parseCreateTrigger(p);
  if (p.acceptWord('database')) return { kind: 'createDatabase', name: p.ident() };
  if (p.isWord('temp') || p.isWord('temporary')) throw p.errorAt(t, 'temporary tables are not supported');
  if (p.peek().kind === 'word') throw p.errorAt(t, `CREATE ${p.peek().value.toUpperCase()} is not supported`);
  throw p.syntaxError();
}

/** After DROP. */
export function parseDrop(p: TokenStream): Statement {
  const t = p.peek();
  const kind = p.acceptWord('table')
    ? 'dropTable'
    : p.acceptWord('index')
      ? 'dropIndex'
      : p.acceptWord('view')
        ? 'dropView'
        : p.acceptWord('trigger')
          ? 'dropTrigger'
          : p.acceptWord('database')
            ? 'dropDatabase'
            : null;
  if (kind === null) {
    if (t.kind === 'word') throw p.errorAt(t, `DROP ${t.value.toUpperCase()} is not supported`);
    throw p.syntaxError();
  }
  const ifExists = p.acceptWords('if', 'exists');
  if (kind === 'dropTrigger') {
    const name = p.ident();
    p.expectWord('on');
    return { kind, name, table: p.objectName(), ifExists };
  }
  if (kind === 'dropDatabase') return { kind, name: p.ident(), ifExists };
  const names: Ident[] = [p.objectName()];
  while (p.acceptOp(',')) names.push(p.objectName());
  if (p.isWord('cascade')) throw p.errorAt(p.peek(), 'DROP … CASCADE is not supported');
  p.acceptWord('restrict');
  return { kind, names, ifExists };
}

function parseCreateTable(p: TokenStream): CreateTableStmt {
  const ifNotExists = p.acceptWords('if', 'not', 'exists');
  const name = p.objectName();
  if (p.isWord('as')) throw p.errorAt(p.peek(), 'CREATE TABLE … AS is not supported');
  p.expectOp('(');
  const columns: ColumnDef[] = [];
  const constraints: TableConstraint[] = [];
  do {
    if (isTableConstraintStart(p)) constraints.push(parseTableConstraint(p));
    else columns.push(parseColumnDef(p));
  } while (p.acceptOp(','));
  p.expectOp(')');
  if (p.isWord('without') || p.isWord('strict')) throw p.errorAt(p.peek(), 'table options are not supported');
  return { kind: 'createTable', name, ifNotExists, columns, constraints };
}

function isTableConstraintStart(p: TokenStream): boolean {
  return (
    p.isWord('constraint') ||
    p.isWord('primary') ||
    p.isWord('unique') ||
    p.isWord('check') ||
    p.isWord('foreign')
  );
}

function parseColumnDef(p: TokenStream): ColumnDef {
  const name = p.ident();
  const type = p.typeName();
  const constraints: ColumnConstraint[] = [];
  for (;;) {
    const c = parseColumnConstraint(p);
    if (c === null) break;
    constraints.push(c);
  }
  return { name, type, constraints };
}

function parseColumnConstraint(p: TokenStream): ColumnConstraint | null {
  const name = p.acceptWord('constraint') ? p.ident() : null;
  if (p.acceptWords('not', 'null')) return { kind: 'notNull', name };
  if (p.acceptWord('null')) return { kind: 'null', name };
  if (p.acceptWords('primary', 'key')) {
    if (p.isWord('asc') || p.isWord('desc')) p.pos++;
    if (p.isWord('autoincrement')) throw p.errorAt(p.peek(), 'AUTOINCREMENT is not supported');
    return { kind: 'primaryKey', name };
  }
  if (p.acceptWord('unique')) return { kind: 'unique', name };
  if (p.acceptWord('check')) return { kind: 'check', name, expr: parseParenExpr(p) };
  if (p.acceptWord('default')) return { kind: 'default', name, expr: parseExpr(p, BP.IS) };
  if (p.acceptWord('references')) return { kind: 'references', name, ref: parseForeignKeyRef(p) };
  if (p.acceptWord('generated')) {
    p.expectWord('always');
    p.expectWord('as');
    if (p.isWord('identity')) throw p.errorAt(p.peek(), 'identity columns are not supported');
    const expr = parseParenExpr(p);
    if (p.isWord('virtual')) throw p.errorAt(p.peek(), 'virtual generated columns are not supported');
    p.expectWord('stored');
    return { kind: 'generated', name, expr };
  }
  if (p.isWord('collate')) throw p.errorAt(p.peek(), 'COLLATE is not supported');
  if (name !== null) throw p.syntaxError();
  return null;
}

function parseParenExpr(p: TokenStream) {
  p.expectOp('(');
  const e = parseExpr(p);
  p.expectOp(')');
  return e;
}

/** After REFERENCES: `table [(cols)] [ON DELETE a] [ON UPDATE a]` in either order. */
function parseForeignKeyRef(p: TokenStream): ForeignKeyRef {
  const table = p.objectName();
  const columns = p.isOp('(') ? p.parenIdentList() : [];
  let onDelete: FkAction | null = null;
  let onUpdate: FkAction | null = null;
  for (;;) {
    if (p.isWord('on') && p.isWord('delete', 1)) {
      p.pos += 2;
      onDelete = parseFkAction(p);
    } else if (p.isWord('on') && p.isWord('update', 1)) {
      p.pos += 2;
      onUpdate = parseFkAction(p);
    } else {
      break;
    }
  }
  if (p.isWord('match') || p.isWord('deferrable') || p.isWord('initially')) {
    throw p.errorAt(p.peek(), `${p.peek().value.toUpperCase()} is not supported`);
  }
  return { table, columns, onDelete, onUpdate };
}

function parseFkAction(p: TokenStream): FkAction {
  if (p.acceptWords('no', 'action')) return 'no action';
  if (p.acceptWord('restrict')) return 'restrict';
  if (p.acceptWord('cascade')) return 'cascade';
  if (p.acceptWords('set', 'null')) return 'set null';
  if (p.acceptWords('set', 'default')) return 'set default';
  throw p.syntaxError();
}

function parseTableConstraint(p: TokenStream): TableConstraint {
  const name = p.acceptWord('constraint') ? p.ident() : null;
  if (p.acceptWords('primary', 'key')) return { kind: 'primaryKey', name, columns: p.parenIdentList() };
  if (p.acceptWord('unique')) return { kind: 'unique', name, columns: p.parenIdentList() };
  if (p.acceptWord('check')) return { kind: 'check', name, expr: parseParenExpr(p) };
  if (p.acceptWords('foreign', 'key')) {
    const columns = p.parenIdentList();
    p.expectWord('references');
    return { kind: 'foreignKey', name, columns, ref: parseForeignKeyRef(p) };
  }
  throw p.syntaxError();
}

function parseCreateIndex(p: TokenStream, unique: boolean): CreateIndexStmt {
  if (p.isWord('concurrently')) throw p.errorAt(p.peek(), 'CONCURRENTLY is not supported');
  const ifNotExists = p.acceptWords('if', 'not', 'exists');
  if (p.isWord('on')) throw p.errorAt(p.peek(), 'an index name is required');
  const name = p.objectName();
  p.expectWord('on');
  const table = p.objectName();
  let method: CreateIndexStmt['method'] = null;
  if (p.acceptWord('using')) {
    const m = p.next();
    if (m.kind === 'word' && (m.value === 'btree' || m.value === 'trigram')) method = m.value;
    else throw p.errorAt(m, `index method "${p.sql.slice(m.start, m.end)}" is not supported`);
  }
  p.expectOp('(');
  const keys: IndexKey[] = [];
  do {
    const expr = parseExpr(p);
    const direction = p.acceptWord('asc') ? 'asc' : p.acceptWord('desc') ? 'desc' : null;
    keys.push({ expr, direction });
  } while (p.acceptOp(','));
  p.expectOp(')');
  const where = p.acceptWord('where') ? parseExpr(p) : null;
  return { kind: 'createIndex', name, table, unique, ifNotExists, method, keys, where };
}

function parseCreateView(p: TokenStream, orReplace: boolean): CreateViewStmt {
  const ifNotExists = p.acceptWords('if', 'not', 'exists');
  const name = p.objectName();
  const columns = p.isOp('(') ? p.parenIdentList() : [];
  p.expectWord('as');
  const query = parseSelectStmt(p);
  return { kind: 'createView', name, ifNotExists, orReplace, columns, query };
}

/** After ALTER. */
export function parseAlter(p: TokenStream): Statement {
  if (p.acceptWord('view')) {
    const name = p.objectName();
    p.expectWords('rename', 'to');
    return { kind: 'alterView', name, newName: p.ident() };
  }
  if (!p.acceptWord('table')) {
    const t = p.peek();
    if (t.kind === 'word') throw p.errorAt(t, `ALTER ${t.value.toUpperCase()} is not supported`);
    throw p.syntaxError();
  }
  if (p.isWord('if')) throw p.errorAt(p.peek(), 'ALTER TABLE IF EXISTS is not supported');
  const table = p.objectName();
  if (p.acceptWord('rename')) {
    if (p.acceptWord('to')) return { kind: 'alterTable', table, actions: [{ kind: 'renameTable', to: p.ident() }] };
    if (p.isWord('constraint')) throw p.errorAt(p.peek(), 'RENAME CONSTRAINT is not supported');
    p.acceptWord('column');
    const from = p.ident();
    p.expectWord('to');
    return { kind: 'alterTable', table, actions: [{ kind: 'renameColumn', from, to: p.ident() }] };
  }
  const actions: AlterTableAction[] = [];
  do actions.push(parseAlterAction(p));
  while (p.acceptOp(','));
  return { kind: 'alterTable', table, actions } satisfies AlterTableStmt;
}

function parseAlterAction(p: TokenStream): AlterTableAction {
  const t = p.peek();
  if (p.acceptWord('add')) {
    if (isTableConstraintStart(p)) return { kind: 'addConstraint', constraint: parseTableConstraint(p) };
    p.acceptWord('column');
    const ifNotExists = p.acceptWords('if', 'not', 'exists');
    return { kind: 'addColumn', column: parseColumnDef(p), ifNotExists };
  }
  if (p.acceptWord('drop')) {
    if (p.isWord('constraint')) throw p.errorAt(p.peek(), 'DROP CONSTRAINT is not supported');
    p.acceptWord('column');
    const ifExists = p.acceptWords('if', 'exists');
    const name = p.ident();
    if (p.isWord('cascade')) throw p.errorAt(p.peek(), 'DROP COLUMN … CASCADE is not supported');
    p.acceptWord('restrict');
    return { kind: 'dropColumn', name, ifExists };
  }
  if (p.acceptWord('alter')) {
    p.acceptWord('column');
    const name = p.ident();
    if (p.acceptWords('set', 'data', 'type') || p.acceptWord('type')) {
      const type = p.typeName();
      if (p.isWord('using')) throw p.errorAt(p.peek(), 'ALTER COLUMN TYPE … USING is not supported');
      return { kind: 'alterColumnType', name, type };
    }
    throw p.errorAt(p.peek(), 'only ALTER COLUMN … TYPE is supported');
  }
  if (t.kind === 'word') throw p.errorAt(t, `ALTER TABLE … ${t.value.toUpperCase()} is not supported`);
  throw p.syntaxError();
}

/** After TRIGGER: name timing events ON table [FOR [EACH] ROW|STATEMENT] EXECUTE FUNCTION f(args). */
function parseCreateTrigger(p: TokenStream): CreateTriggerStmt {
  const name = p.ident();
  let timing: CreateTriggerStmt['timing'];
  if (p.acceptWord('after')) timing = 'after';
  else if (p.acceptWord('before')) timing = 'before';
  else if (p.acceptWords('instead', 'of')) timing = 'instead of';
  else throw p.syntaxError();
  const events: TriggerEvent[] = [];
  do {
    const e = p.next();
    if (e.kind === 'word' && (e.value === 'insert' || e.value === 'update' || e.value === 'delete')) {
      if (e.value === 'update' && p.isWord('of')) throw p.errorAt(p.peek(), 'UPDATE OF columns is not supported');
      events.push(e.value);
    } else if (e.kind === 'word' && e.value === 'truncate') {
      throw p.errorAt(e, 'TRUNCATE triggers are not supported');
    } else {
      throw p.syntaxError(e);
    }
  } while (p.acceptWord('or'));
  p.expectWord('on');
  const table = p.objectName();
  // Postgres defaults to FOR EACH STATEMENT when the clause is omitted.
  let forEachRow = false;
  if (p.acceptWord('for')) {
    p.acceptWord('each');
    if (!p.acceptWord('statement')) {
      p.expectWord('row');
      forEachRow = true;
    }
  }
  if (p.isWord('when')) throw p.errorAt(p.peek(), 'trigger WHEN conditions are not supported');
  p.expectWord('execute');
  if (!p.acceptWord('function')) p.expectWord('procedure');
  const fn = p.ident();
  p.expectOp('(');
  const args: string[] = [];
  if (!p.isOp(')')) {
    do {
      const a = p.next();
      if (a.kind !== 'string') throw p.errorAt(a, 'trigger function arguments must be string literals');
      args.push(a.value);
    } while (p.acceptOp(','));
  }
  p.expectOp(')');
  return { kind: 'createTrigger', name, timing, events, table, forEachRow, function: fn, args };
}
