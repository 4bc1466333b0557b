// The Parser's cursor over Tokens: look-ahead, accept/expect helpers, identifiers, type names
// and positioned ERR_SQL errors. Grammar lives in the parse-*.ts files, not here.
// Error text follows Postgres: `syntax error at or near "FROM"` plus line and column (ADR-0004).
import type { DecentDBError } from '../util/index.js';
import type { Ident, TypeName } from './ast.js';
import { RESERVED_WORDS } from './keywords.js';
import { sqlErrorAt, tokenize, type Token } from './lexer.js';
import { lookupType, toSqlType } from './type-names.js';

const positions = new WeakMap<object, number>();

/**
 * The 0-based source offset where a ColumnRef, TableRef or FunctionCall node started, for
 * binder errors (`column "x" does not exist`). Nodes not built by the Parser have none.
 */
export function positionOf(node: object): number | undefined {
  return positions.get(node);
}

export class TokenStream {
  readonly sql: string;
  readonly tokens: readonly Token[];
  pos = 0;

  constructor(sql: string) {
    this.sql = sql;
    this.tokens = tokenize(sql);
  }

  /** The current token; past the end it is the `eof` token. */
  peek(ahead = 0): Token {
    const t = this.tokens[this.pos + ahead];
    return t ?? (this.tokens[this.tokens.length - 1] as Token);
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  atEnd(): boolean {
    const t = this.peek();
    return t.kind === 'eof' || (t.kind === 'op' && t.value === ';');
  }

  /** True when the current token (or the one `ahead`) is the unquoted word `kw`. */
  isWord(kw: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'word' && t.value === kw;
  }

  isOp(op: string, ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'op' && t.value === op;
  }

  acceptWord(kw: string): boolean {
    if (!this.isWord(kw)) return false;
    this.pos++;
    return true;
  }

  /** Accepts the words in order, or none of them. */
  acceptWords(...kws: string[]): boolean {
    for (let k = 0; k < kws.length; k++) if (!this.isWord(kws[k] as string, k)) return false;
    this.pos += kws.length;
    return true;
  }

  acceptOp(op: string): boolean {
    if (!this.isOp(op)) return false;
    this.pos++;
    return true;
  }

  expectWord(kw: string): void {
    if (!this.acceptWord(kw)) throw this.syntaxError();
  }

  expectWords(...kws: string[]): void {
    for (const kw of kws) this.expectWord(kw);
  }

  expectOp(op: string): void {
    if (!this.acceptOp(op)) throw this.syntaxError();
  }

  /** `syntax error at or near "…"` at the current (or given) token. */
  syntaxError(token: Token = this.peek()): DecentDBError {
    if (token.kind === 'eof') return sqlErrorAt(this.sql, token.start, 'syntax error at end of input');
    return sqlErrorAt(this.sql, token.start, `syntax error at or near "${this.sql.slice(token.start, token.end)}"`);
  }

  /** An error at `token` with a custom message, e.g. `… is not supported`. */
  errorAt(token: Token, message: string): DecentDBError {
    return sqlErrorAt(this.sql, token.start, message);
  }

  /** True when the current token can be an identifier (unreserved word or quoted). */
  isIdent(ahead = 0): boolean {
    const t = this.peek(ahead);
    return t.kind === 'quotedIdent' || (t.kind === 'word' && !RESERVED_WORDS.has(t.value));
  }

  /** An identifier; reserved words are a syntax error. */
  ident(): Ident {
    const t = this.peek();
    if (t.kind === 'quotedIdent') {
      this.pos++;
      return { name: t.value, quoted: true };
    }
    if (t.kind === 'word' && !RESERVED_WORDS.has(t.value)) {
      this.pos++;
      return { name: t.value, quoted: false };
    }
    throw this.syntaxError(t);
  }

  /** A table, view, index or trigger name; `public.`/`main.` qualifiers are dropped. */
  objectName(): Ident {
    const start = this.peek();
    const first = this.ident();
    if (!this.isOp('.')) {
      positions.set(first, start.start);
      return first;
    }
    const lower = first.name.toLowerCase();
    if (lower !== 'public' && lower !== 'main') throw this.errorAt(start, 'schema-qualified names are not supported');
    this.pos++;
    const name = this.ident();
    positions.set(name, start.start);
    return name;
  }

  /** `ident [, ident…]` */
  identList(): Ident[] {
    const out: Ident[] = [this.ident()];
    while (this.acceptOp(',')) out.push(this.ident());
    return out;
  }

  /** `( ident [, ident…] )` */
  parenIdentList(): Ident[] {
    this.expectOp('(');
    const out = this.identList();
    this.expectOp(')');
    return out;
  }

  /** A type name with optional modifiers; unknown types are ERR_SQL "… is not supported". */
  typeName(): TypeName {
    const t = this.peek();
    if (t.kind !== 'word' && t.kind !== 'quotedIdent') throw this.syntaxError(t);
    this.pos++;
    let name = t.value.toUpperCase();
    if (name === 'DOUBLE' && this.acceptWord('precision')) name = 'DOUBLE PRECISION';
    else if ((name === 'CHARACTER' || name === 'CHAR') && this.acceptWord('varying')) name = 'CHARACTER VARYING';
    const info = lookupType(name);
    if (info === undefined) throw this.errorAt(t, `type "${this.sql.slice(t.start, t.end)}" is not supported`);
    const args: number[] = [];
    if (this.isOp('(')) {
      const open = this.next();
      do {
        const a = this.next();
        if (a.kind !== 'integer') throw this.syntaxError(a);
        args.push(Number(a.value));
      } while (this.acceptOp(','));
      this.expectOp(')');
      if (args.length > info.maxArgs) throw this.errorAt(open, `too many modifiers for type ${name}`);
    }
    if ((name === 'TIMESTAMP' || name === 'TIMESTAMPTZ') && args.length === 0) {
      if (this.acceptWords('with', 'time', 'zone')) name = 'TIMESTAMP WITH TIME ZONE';
      else if (this.acceptWords('without', 'time', 'zone')) name = 'TIMESTAMP WITHOUT TIME ZONE';
    }
    if (this.isOp('[')) throw this.errorAt(this.peek(), 'array types are not supported');
    return { name, args, sqlType: toSqlType(info.base, args) };
  }

  /** Records where a node began (see positionOf). */
  mark<T extends object>(node: T, token: Token): T {
    positions.set(node, token.start);
    return node;
  }
}
