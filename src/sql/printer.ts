// The Printer: AST → canonical SQL that re-parses to the same AST. Native style (format §1.10):
// identifiers double-quoted, every compound expression parenthesised, e.g. `("score" >= 0.0)`,
// so the Printer needs no precedence table. Does not pretty-print (one line, single spaces).
import { assertNever } from '../util/index.js';
import type {
  AlterTableAction,
  ColumnConstraint,
  ColumnDef,
  Expr,
  ForeignKeyRef,
  FromItem,
  Ident,
  OnConflict,
  OrderItem,
  QueryBody,
  Returning,
  SelectItem,
  SelectStmt,
  Statement,
  TableConstraint,
  TypeName,
  WindowSpec,
  FrameBound,
} from './ast.js';
import { RESERVED_WORDS } from './keywords.js';

export interface PrintOptions {
  /**
   * 'all' (default, native style): every identifier double-quoted. 'preserve': quote only names
   * that were quoted or need it, so parse(print(ast)) keeps each Ident's `quoted` flag too.
   */
  readonly quote?: 'all' | 'preserve';
}

/** Names that read back unchanged without quotes: lowercase ASCII, digits, _, $, non-ASCII. */
const PLAIN_NAME = /^[a-z_\u0080-\uffff][a-z0-9_$\u0080-\uffff]*$/;
const NUMBER_START = /^[-.0-9]/;

/** `"name"` with embedded quotes doubled. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `'text'` with embedded quotes doubled. */
export const quoteString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** A type as written: `VARCHAR(40)`, `NUMERIC(10, 2)`, `DOUBLE PRECISION`. */
export const printType = (t: TypeName): string => (t.args.length === 0 ? t.name : `${t.name}(${t.args.join(', ')})`);

/**
 * Prints an expression.
 * @example printExpr(parseExpression('score >= 0.0')) === '("score" >= 0.0)'
 */
export function printExpr(e: Expr, options: PrintOptions = {}): string {
  return new Printer(options.quote ?? 'all').expr(e);
}

/**
 * Prints a statement (without a trailing `;`).
 * @example printStatement(parse('select * from users where is_active = true'))
 *   === 'SELECT * FROM "users" WHERE ("is_active" = TRUE)'
 */
export function printStatement(s: Statement, options: PrintOptions = {}): string {
  return new Printer(options.quote ?? 'all').statement(s);
}

/** True for expressions the Printer wraps in parentheses itself. */
export function printsParenthesised(e: Expr): boolean {
  switch (e.kind) {
    case 'unary':
    case 'binary':
    case 'isNull':
    case 'isTruth':
    case 'isDistinct':
    case 'between':
    case 'inList':
    case 'inSubquery':
    case 'like':
      return true;
    default:
      return false;
  }
}

const BINARY_TEXT: Readonly<Record<string, string>> = { or: 'OR', and: 'AND' };

class Printer {
  constructor(private readonly quoteMode: 'all' | 'preserve') {}

  ident(id: Ident): string {
    if (this.quoteMode === 'all' || id.quoted || !PLAIN_NAME.test(id.name) || RESERVED_WORDS.has(id.name)) {
      return quoteIdent(id.name);
    }
    return id.name;
  }

  idents(ids: readonly Ident[]): string {
    return ids.map((i) => this.ident(i)).join(', ');
  }

  /** Function names: unquoted ones print upper-case and bare (`COUNT`), others quoted. */
  functionName(id: Ident, upper: boolean): string {
    if (!id.quoted && PLAIN_NAME.test(id.name) && (!RESERVED_WORDS.has(id.name) || id.name === 'left' || id.name === 'right')) {
      return upper ? id.name.toUpperCase() : id.name;
    }
    return quoteIdent(id.name);
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'integer':
        return String(e.value);
      case 'decimal':
        return e.text;
      case 'string':
        return quoteString(e.value);
      case 'boolean':
        return e.value ? 'TRUE' : 'FALSE';
      case 'null':
        return 'NULL';
      case 'param':
        return `$${e.index}`;
      case 'column':
        return e.table === null ? this.ident(e.name) : `${this.ident(e.table)}.${this.ident(e.name)}`;
      case 'unary': {
        if (e.op === 'not') return `(NOT ${this.expr(e.operand)})`;
        // `- 5` or `- 5::INT` would re-parse with the minus inside the literal, so an operand
        // that prints starting with a number keeps its own parentheses.
        const o = this.expr(e.operand);
        return NUMBER_START.test(o) ? `(${e.op} (${o}))` : `(${e.op} ${o})`;
      }
      case 'binary':
        return `(${this.expr(e.left)} ${BINARY_TEXT[e.op] ?? e.op} ${this.expr(e.right)})`;
      case 'isNull':
        return `(${this.expr(e.expr)} IS ${e.not ? 'NOT ' : ''}NULL)`;
      case 'isTruth':
        return `(${this.expr(e.expr)} IS ${e.not ? 'NOT ' : ''}${e.value === null ? 'UNKNOWN' : e.value ? 'TRUE' : 'FALSE'})`;
      case 'isDistinct':
        return `(${this.expr(e.left)} IS ${e.not ? 'NOT ' : ''}DISTINCT FROM ${this.expr(e.right)})`;
      case 'between':
        return `(${this.expr(e.expr)} ${e.not ? 'NOT ' : ''}BETWEEN ${e.symmetric ? 'SYMMETRIC ' : ''}${this.expr(e.low)} AND ${this.expr(e.high)})`;
      case 'inList':
        return `(${this.expr(e.expr)} ${e.not ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')}))`;
      case 'inSubquery':
        return `(${this.expr(e.expr)} ${e.not ? 'NOT ' : ''}IN (${this.select(e.query)}))`;
      case 'like': {
        const op = e.caseInsensitive ? 'ILIKE' : 'LIKE';
        const esc = e.escape === null ? '' : ` ESCAPE ${this.expr(e.escape)}`;
        return `(${this.expr(e.expr)} ${e.not ? 'NOT ' : ''}${op} ${this.expr(e.pattern)}${esc})`;
      }
      case 'cast':
        if (e.syntax === 'cast') return `CAST(${this.expr(e.expr)} AS ${printType(e.type)})`;
        if (e.syntax === '::') return `${this.expr(e.expr)}::${printType(e.type)}`;
        return `${printType(e.type)} ${this.expr(e.expr)}`;
      case 'case': {
        let s = 'CASE';
        if (e.operand !== null) s += ` ${this.expr(e.operand)}`;
        for (const w of e.whens) s += ` WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`;
        if (e.else !== null) s += ` ELSE ${this.expr(e.else)}`;
        return `${s} END`;
      }
      case 'exists':
        return `EXISTS (${this.select(e.query)})`;
      case 'subquery':
        return `(${this.select(e.query)})`;
      case 'call': {
        const args = e.star ? '*' : (e.distinct ? 'DISTINCT ' : '') + e.args.map((a) => this.expr(a)).join(', ');
        const over = e.over === null ? '' : ` OVER (${this.window(e.over)})`;
        return `${this.functionName(e.name, true)}(${args})${over}`;
      }
      case 'sqlValueFunction':
        return e.name.toUpperCase();
      case 'default':
        return 'DEFAULT';
      default:
        return assertNever(e, 'expression');
    }
  }

  /** An expression that must sit inside parentheses (CHECK, GENERATED): no doubled parens. */
  parenExpr(e: Expr): string {
    return printsParenthesised(e) ? this.expr(e) : `(${this.expr(e)})`;
  }

  window(w: WindowSpec): string {
    const parts: string[] = [];
    if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map((x) => this.expr(x)).join(', ')}`);
    if (w.orderBy.length > 0) parts.push(`ORDER BY ${this.orderItems(w.orderBy)}`);
    const f = w.frame;
    if (f !== null && f !== undefined) parts.push(`${f.mode.toUpperCase()} BETWEEN ${this.frameBound(f.start)} AND ${this.frameBound(f.end)}`);
    return parts.join(' ');
  }

  frameBound(b: FrameBound): string {
    switch (b.kind) {
      case 'unboundedPreceding':
        return 'UNBOUNDED PRECEDING';
      case 'unboundedFollowing':
        return 'UNBOUNDED FOLLOWING';
      case 'currentRow':
        return 'CURRENT ROW';
      default:
        return `${this.expr(b.offset!)} ${b.kind === 'preceding' ? 'PRECEDING' : 'FOLLOWING'}`; // offsets are set for these kinds
    }
  }

  orderItems(items: readonly OrderItem[]): string {
    return items
      .map((o) => {
        let s = this.expr(o.expr);
        if (o.direction !== null) s += o.direction === 'asc' ? ' ASC' : ' DESC';
        if (o.nulls !== null) s += o.nulls === 'first' ? ' NULLS FIRST' : ' NULLS LAST';
        return s;
      })
      .join(', ');
  }

  select(s: SelectStmt): string {
    let out = '';
    if (s.with.length > 0) {
      out += s.recursive === true ? 'WITH RECURSIVE ' : 'WITH ';
      out += s.with
        .map((c) => `${this.ident(c.name)}${c.columns.length > 0 ? ` (${this.idents(c.columns)})` : ''} AS (${this.select(c.query)})`)
        .join(', ');
      out += ' ';
    }
    out += this.body(s.body, 0, false);
    if (s.orderBy.length > 0) out += ` ORDER BY ${this.orderItems(s.orderBy)}`;
    if (s.limit !== null) out += ` LIMIT ${this.expr(s.limit)}`;
    if (s.offset !== null) out += ` OFFSET ${this.expr(s.offset)}`;
    return out;
  }

  /** A query body; `parentPrec`/`right` decide parentheses around nested set operations. */
  body(b: QueryBody, parentPrec: number, right: boolean): string {
    switch (b.kind) {
      case 'selectCore': {
        let s = b.distinct ? 'SELECT DISTINCT ' : 'SELECT ';
        s += this.selectItems(b.items);
        if (b.from.length > 0) s += ` FROM ${this.fromList(b.from)}`;
        if (b.where !== null) s += ` WHERE ${this.expr(b.where)}`;
        if (b.groupBy.length > 0) s += ` GROUP BY ${b.groupBy.map((x) => this.expr(x)).join(', ')}`;
        if (b.having !== null) s += ` HAVING ${this.expr(b.having)}`;
        return s;
      }
      case 'values':
        return `VALUES ${b.rows.map((r) => `(${r.map((x) => this.expr(x)).join(', ')})`).join(', ')}`;
      case 'setOp': {
        const prec = b.op === 'intersect' ? 2 : 1;
        const s = `${this.body(b.left, prec, false)} ${b.op.toUpperCase()}${b.all ? ' ALL' : ''} ${this.body(b.right, prec, true)}`;
        return prec < parentPrec || (right && prec === parentPrec) ? `(${s})` : s;
      }
      case 'select':
        return `(${this.select(b)})`;
      default:
        return assertNever(b, 'query body');
    }
  }

  selectItems(items: readonly SelectItem[]): string {
    return items
      .map((it) => {
        if (it.kind === 'allColumns') return it.table === null ? '*' : `${this.ident(it.table)}.*`;
        return it.alias === null ? this.expr(it.expr) : `${this.expr(it.expr)} AS ${this.ident(it.alias)}`;
      })
      .join(', ');
  }

  fromList(items: readonly FromItem[]): string {
    return items.map((f) => this.fromItem(f, false)).join(', ');
  }

  fromItem(f: FromItem, nested: boolean): string {
    switch (f.kind) {
      case 'table':
        return f.alias === null ? this.ident(f.name) : `${this.ident(f.name)} AS ${this.ident(f.alias)}`;
      case 'subqueryRef': {
        let s = `(${this.select(f.query)})`;
        if (f.alias !== null) s += ` AS ${this.ident(f.alias)}`;
        if (f.columns.length > 0) s += ` (${this.idents(f.columns)})`;
        return s;
      }
      case 'join': {
        const type = `${f.natural === true ? 'NATURAL ' : ''}${f.type === 'inner' ? 'JOIN' : `${f.type.toUpperCase()} JOIN`}`;
        let s = `${this.fromItem(f.left, false)} ${type} ${this.fromItem(f.right, true)}`;
        if (f.on !== null) s += ` ON ${this.expr(f.on)}`;
        if (f.using !== null) s += ` USING (${this.idents(f.using)})`;
        return nested ? `(${s})` : s;
      }
      default:
        return assertNever(f, 'FROM item');
    }
  }

  returning(r: Returning): string {
    return r === null ? '' : ` RETURNING ${this.selectItems(r)}`;
  }

  onConflict(c: OnConflict): string {
    let s = ' ON CONFLICT';
    if (c.target !== null) {
      if (c.target.kind === 'columns') {
        s += ` (${this.idents(c.target.columns)})`;
        if (c.target.where !== null) s += ` WHERE ${this.expr(c.target.where)}`;
      } else {
        s += ` ON CONSTRAINT ${this.ident(c.target.name)}`;
      }
    }
    if (c.action.kind === 'nothing') return `${s} DO NOTHING`;
    s += ` DO UPDATE SET ${c.action.set.map((a) => `${this.ident(a.column)} = ${this.expr(a.value)}`).join(', ')}`;
    if (c.action.where !== null) s += ` WHERE ${this.expr(c.action.where)}`;
    return s;
  }

  fkRef(r: ForeignKeyRef): string {
    let s = `REFERENCES ${this.ident(r.table)}`;
    if (r.columns.length > 0) s += ` (${this.idents(r.columns)})`;
    if (r.onDelete !== null) s += ` ON DELETE ${r.onDelete.toUpperCase()}`;
    if (r.onUpdate !== null) s += ` ON UPDATE ${r.onUpdate.toUpperCase()}`;
    return s;
  }

  constraintName(name: Ident | null): string {
    return name === null ? '' : `CONSTRAINT ${this.ident(name)} `;
  }

  columnConstraint(c: ColumnConstraint): string {
    const n = this.constraintName(c.name);
    switch (c.kind) {
      case 'notNull':
        return `${n}NOT NULL`;
      case 'null':
        return `${n}NULL`;
      case 'primaryKey':
        return `${n}PRIMARY KEY`;
      case 'unique':
        return `${n}UNIQUE`;
      case 'check':
        return `${n}CHECK ${this.parenExpr(c.expr)}`;
      case 'default':
        return `${n}DEFAULT ${this.expr(c.expr)}`;
      case 'references':
        return `${n}${this.fkRef(c.ref)}`;
      case 'generated':
        return `${n}GENERATED ALWAYS AS ${this.parenExpr(c.expr)} STORED`;
      default:
        return assertNever(c, 'column constraint');
    }
  }

  columnDef(c: ColumnDef): string {
    let s = `${this.ident(c.name)} ${printType(c.type)}`;
    for (const k of c.constraints) s += ` ${this.columnConstraint(k)}`;
    return s;
  }

  tableConstraint(c: TableConstraint): string {
    const n = this.constraintName(c.name);
    switch (c.kind) {
      case 'primaryKey':
        return `${n}PRIMARY KEY (${this.idents(c.columns)})`;
      case 'unique':
        return `${n}UNIQUE (${this.idents(c.columns)})`;
      case 'check':
        return `${n}CHECK ${this.parenExpr(c.expr)}`;
      case 'foreignKey':
        return `${n}FOREIGN KEY (${this.idents(c.columns)}) ${this.fkRef(c.ref)}`;
      default:
        return assertNever(c, 'table constraint');
    }
  }

  alterAction(a: AlterTableAction): string {
    switch (a.kind) {
      case 'addColumn':
        return `ADD COLUMN ${a.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.columnDef(a.column)}`;
      case 'dropColumn':
        return `DROP COLUMN ${a.ifExists ? 'IF EXISTS ' : ''}${this.ident(a.name)}`;
      case 'renameColumn':
        return `RENAME COLUMN ${this.ident(a.from)} TO ${this.ident(a.to)}`;
      case 'renameTable':
        return `RENAME TO ${this.ident(a.to)}`;
      case 'addConstraint':
        return `ADD ${this.tableConstraint(a.constraint)}`;
      case 'alterColumnType':
        return `ALTER COLUMN ${this.ident(a.name)} TYPE ${printType(a.type)}`;
      default:
        return assertNever(a, 'ALTER TABLE action');
    }
  }

  statement(s: Statement): string {
    switch (s.kind) {
      case 'select':
        return this.select(s);
      case 'insert': {
        let out = `INSERT INTO ${this.ident(s.table)}`;
        if (s.alias !== null) out += ` AS ${this.ident(s.alias)}`;
        if (s.columns.length > 0) out += ` (${this.idents(s.columns)})`;
        out += s.source === null ? ' DEFAULT VALUES' : ` ${this.select(s.source)}`;
        if (s.onConflict !== null) out += this.onConflict(s.onConflict);
        return out + this.returning(s.returning);
      }
      case 'update': {
        let out = `UPDATE ${this.ident(s.table)}`;
        if (s.alias !== null) out += ` AS ${this.ident(s.alias)}`;
        out += ` SET ${s.set.map((a) => `${this.ident(a.column)} = ${this.expr(a.value)}`).join(', ')}`;
        if (s.from.length > 0) out += ` FROM ${this.fromList(s.from)}`;
        if (s.where !== null) out += ` WHERE ${this.expr(s.where)}`;
        return out + this.returning(s.returning);
      }
      case 'delete': {
        let out = `DELETE FROM ${this.ident(s.table)}`;
        if (s.alias !== null) out += ` AS ${this.ident(s.alias)}`;
        if (s.where !== null) out += ` WHERE ${this.expr(s.where)}`;
        return out + this.returning(s.returning);
      }
      case 'createTable': {
        const parts = [...s.columns.map((c) => this.columnDef(c)), ...s.constraints.map((c) => this.tableConstraint(c))];
        return `CREATE TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.ident(s.name)} (${parts.join(', ')})`;
      }
      case 'dropTable':
        return `DROP TABLE ${s.ifExists ? 'IF EXISTS ' : ''}${this.idents(s.names)}`;
      case 'alterTable':
        return `ALTER TABLE ${this.ident(s.table)} ${s.actions.map((a) => this.alterAction(a)).join(', ')}`;
      case 'createIndex': {
        let out = `CREATE ${s.unique ? 'UNIQUE ' : ''}INDEX ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.ident(s.name)} ON ${this.ident(s.table)}`;
        if (s.method !== null) out += ` USING ${s.method}`;
        const keys = s.keys.map((k) => `${this.expr(k.expr)}${k.direction === null ? '' : ` ${k.direction.toUpperCase()}`}`);
        out += ` (${keys.join(', ')})`;
        if (s.where !== null) out += ` WHERE ${this.expr(s.where)}`;
        return out;
      }
      case 'dropIndex':
        return `DROP INDEX ${s.ifExists ? 'IF EXISTS ' : ''}${this.idents(s.names)}`;
      case 'createView': {
        let out = `CREATE ${s.orReplace ? 'OR REPLACE ' : ''}VIEW ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.ident(s.name)}`;
        if (s.columns.length > 0) out += ` (${this.idents(s.columns)})`;
        return `${out} AS ${this.select(s.query)}`;
      }
      case 'dropView':
        return `DROP VIEW ${s.ifExists ? 'IF EXISTS ' : ''}${this.idents(s.names)}`;
      case 'alterView':
        return `ALTER VIEW ${this.ident(s.name)} RENAME TO ${this.ident(s.newName)}`;
      case 'createTrigger': {
        const events = s.events.map((e) => e.toUpperCase()).join(' OR ');
        const args = s.args.map(quoteString).join(', ');
        return (
          `CREATE TRIGGER ${this.ident(s.name)} ${s.timing.toUpperCase()} ${events} ON ${this.ident(s.table)} ` +
          `FOR EACH ${s.forEachRow ? 'ROW' : 'STATEMENT'} EXECUTE FUNCTION ${this.functionName(s.function, false)}(${args})`
        );
      }
      case 'dropTrigger':
        return `DROP TRIGGER ${s.ifExists ? 'IF EXISTS ' : ''}${this.ident(s.name)} ON ${this.ident(s.table)}`;
      case 'begin': {
        let out = 'BEGIN';
        if (s.mode !== null) out += ` ${s.mode.toUpperCase()}`;
        if (s.isolation !== null) out += ` ISOLATION LEVEL ${s.isolation.toUpperCase()}`;
        return out;
      }
      case 'commit':
        return 'COMMIT';
      case 'rollback':
        return s.savepoint === null ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${this.ident(s.savepoint)}`;
      case 'savepoint':
        return `SAVEPOINT ${this.ident(s.name)}`;
      case 'release':
        return `RELEASE SAVEPOINT ${this.ident(s.name)}`;
      case 'explain':
        return `EXPLAIN ${s.analyze ? 'ANALYZE ' : ''}${this.statement(s.statement)}`;
      case 'createDatabase':
        return `CREATE DATABASE ${this.ident(s.name)}`;
      case 'dropDatabase':
        return `DROP DATABASE ${s.ifExists ? 'IF EXISTS ' : ''}${this.ident(s.name)}`;
      default:
        return assertNever(s, 'statement');
    }
  }
}
