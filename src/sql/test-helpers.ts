// AST builders with defaults, for tests here and in layers above (planner tests can build
// statements without parsing). Not used by the Parser itself.
import type {
  BinaryOp,
  ColumnRef,
  Expr,
  FromItem,
  FunctionCall,
  Ident,
  JoinType,
  QueryBody,
  SelectCore,
  SelectItem,
  SelectStmt,
  TableRef,
} from './ast.js';

export const id = (name: string, quoted = false): Ident => ({ name, quoted });
export const col = (name: string, table?: string): ColumnRef => ({
  kind: 'column',
  table: table === undefined ? null : id(table),
  name: id(name),
});
export const int = (value: number | bigint): Expr => ({ kind: 'integer', value });
export const dec = (text: string): Expr => ({ kind: 'decimal', text });
export const str = (value: string): Expr => ({ kind: 'string', value });
export const bool = (value: boolean): Expr => ({ kind: 'boolean', value });
export const nul: Expr = { kind: 'null' };
export const param = (index: number): Expr => ({ kind: 'param', index });
export const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right });
export const not = (operand: Expr): Expr => ({ kind: 'unary', op: 'not', operand });
export const neg = (operand: Expr): Expr => ({ kind: 'unary', op: '-', operand });
export const call = (name: string, args: Expr[], opts: Partial<Omit<FunctionCall, 'kind' | 'name' | 'args'>> = {}): FunctionCall => ({
  kind: 'call',
  name: id(name),
  args,
  star: false,
  distinct: false,
  over: null,
  ...opts,
});

export const core = (partial: Partial<Omit<SelectCore, 'kind'>>): SelectCore => ({
  kind: 'selectCore',
  distinct: false,
  items: [],
  from: [],
  where: null,
  groupBy: [],
  having: null,
  ...partial,
});
export const select = (body: QueryBody, extra: Partial<Omit<SelectStmt, 'kind' | 'body'>> = {}): SelectStmt => ({
  kind: 'select',
  with: [],
  body,
  orderBy: [],
  limit: null,
  offset: null,
  ...extra,
});
export const item = (expr: Expr, alias?: string): SelectItem => ({
  kind: 'selectExpr',
  expr,
  alias: alias === undefined ? null : id(alias),
});
export const star = (table?: string): SelectItem => ({ kind: 'allColumns', table: table === undefined ? null : id(table) });
export const table = (name: string, alias?: string): TableRef => ({
  kind: 'table',
  name: id(name),
  alias: alias === undefined ? null : id(alias),
});
export const join = (type: JoinType, left: FromItem, right: FromItem, on: Expr | null, using: string[] | null = null): FromItem => ({
  kind: 'join',
  type,
  left,
  right,
  on,
  using: using === null ? null : using.map((u) => id(u)),
});

/** A deep copy with every Ident's `quoted` set to false (compares 'all'-quoted round trips). */
export function unquoted<T>(node: T): T {
  return JSON.parse(JSON.stringify(node, (k, v: unknown) => (k === 'quoted' ? false : typeof v === 'bigint' ? `${v}n` : v))) as T;
}
