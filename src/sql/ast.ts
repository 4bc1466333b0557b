// The SQL abstract syntax tree: `kind`-tagged readonly plain objects, no positions (those live
// in a side table, see `positionOf`), so parse(print(ast)) can deep-equal ast.
// Deliberately knows nothing about the catalog: names are unresolved, types are only mapped
// to SqlType. Absent optional parts are `null` (or empty arrays), never `undefined`.
// Dialect: issue 4 / spec/native-reference.md §3; ADR-0004.
import type { SqlType } from '../record/index.js';

// ---------------------------------------------------------------------------------------------
// Names and types

/**
 * An identifier. Unquoted names are folded to lowercase; quoted names keep their spelling.
 * Lookup in the catalog is case-insensitive for both (native ADR-0096), so binders compare
 * `name.toLowerCase()`; `quoted` only matters for display and printing.
 */
export interface Ident {
  readonly name: string;
  readonly quoted: boolean;
}

/** A type as written (`VARCHAR(40)`, `DOUBLE PRECISION`) and the SqlType it maps to. */
export interface TypeName {
  /** Canonical upper-case spelling of the written type, e.g. 'VARCHAR', 'DOUBLE PRECISION'. */
  readonly name: string;
  /** Modifiers as written: VARCHAR(40) → [40], NUMERIC(10,2) → [10, 2]. */
  readonly args: readonly number[];
  readonly sqlType: SqlType;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | IntegerLiteral
  | DecimalLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | Param
  | ColumnRef
  | UnaryExpr
  | BinaryExpr
  | IsNullExpr
  | IsTruthExpr
  | IsDistinctExpr
  | BetweenExpr
  | InListExpr
  | InSubqueryExpr
  | LikeExpr
  | CastExpr
  | CaseExpr
  | ExistsExpr
  | SubqueryExpr
  | FunctionCall
  | SqlValueFunction
  | DefaultExpr;

/** An integer literal; `value` is a number when a safe integer, else a bigint. */
export interface IntegerLiteral {
  readonly kind: 'integer';
  readonly value: number | bigint;
}

/** A literal with a fraction or exponent (`1.50`, `2e3`); `text` is exact as written. */
export interface DecimalLiteral {
  readonly kind: 'decimal';
  readonly text: string;
}

/** '…', N'…' and E'…' strings, escapes already resolved. */
export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
}

export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
}

export interface NullLiteral {
  readonly kind: 'null';
}

/** `$n`, 1-based. */
export interface Param {
  readonly kind: 'param';
  readonly index: number;
}

/** `col`, `t.col`, `excluded.col`. */
export interface ColumnRef {
  readonly kind: 'column';
  readonly table: Ident | null;
  readonly name: Ident;
}

export type UnaryOp = '-' | '+' | 'not';

export interface UnaryExpr {
  readonly kind: 'unary';
  readonly op: UnaryOp;
  readonly operand: Expr;
}

/** `!=` is parsed as `<>`. */
export type BinaryOp = 'or' | 'and' | '=' | '<>' | '<' | '<=' | '>' | '>=' | '||' | '+' | '-' | '*' | '/' | '%';

export interface BinaryExpr {
  readonly kind: 'binary';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `x IS [NOT] NULL` */
export interface IsNullExpr {
  readonly kind: 'isNull';
  readonly expr: Expr;
  readonly not: boolean;
}

/** `x IS [NOT] TRUE | FALSE | UNKNOWN` (UNKNOWN is `value: null`). */
export interface IsTruthExpr {
  readonly kind: 'isTruth';
  readonly expr: Expr;
  readonly value: boolean | null;
  readonly not: boolean;
}

/** `a IS [NOT] DISTINCT FROM b` */
export interface IsDistinctExpr {
  readonly kind: 'isDistinct';
  readonly left: Expr;
  readonly right: Expr;
  readonly not: boolean;
}

/** `x [NOT] BETWEEN [SYMMETRIC] low AND high` */
export interface BetweenExpr {
  readonly kind: 'between';
  readonly expr: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly not: boolean;
  readonly symmetric: boolean;
}

/** `x [NOT] IN (a, b, …)`; the list is never empty. */
export interface InListExpr {
  readonly kind: 'inList';
  readonly expr: Expr;
  readonly list: readonly Expr[];
  readonly not: boolean;
}

/** `x [NOT] IN (SELECT …)` */
export interface InSubqueryExpr {
  readonly kind: 'inSubquery';
  readonly expr: Expr;
  readonly query: SelectStmt;
  readonly not: boolean;
}

/** `x [NOT] LIKE | ILIKE pattern [ESCAPE e]` */
export interface LikeExpr {
  readonly kind: 'like';
  readonly expr: Expr;
  readonly pattern: Expr;
  readonly escape: Expr | null;
  readonly not: boolean;
  readonly caseInsensitive: boolean;
}

/**
 * A conversion: `CAST(x AS t)` ('cast'), `x::t` ('::') or a typed literal `DATE '2024-01-01'`
 * ('literal', where `expr` is always a StringLiteral). The syntax matters only for printing.
 */
export interface CastExpr {
  readonly kind: 'cast';
  readonly expr: Expr;
  readonly type: TypeName;
  readonly syntax: 'cast' | '::' | 'literal';
}

export interface CaseWhen {
  readonly when: Expr;
  readonly then: Expr;
}

/** Simple (`operand` set) or searched (`operand` null) CASE. */
export interface CaseExpr {
  readonly kind: 'case';
  readonly operand: Expr | null;
  readonly whens: readonly CaseWhen[];
  readonly else: Expr | null;
}

/** `EXISTS (SELECT …)`; NOT EXISTS is a unary `not` around it. */
export interface ExistsExpr {
  readonly kind: 'exists';
  readonly query: SelectStmt;
}

/** A scalar subquery `(SELECT …)`. */
export interface SubqueryExpr {
  readonly kind: 'subquery';
  readonly query: SelectStmt;
}

/**
 * `name(args)`, `count(*)` (`star`), `agg(DISTINCT x)`, and window calls
 * `row_number() OVER (…)`. The name is an Ident (unquoted → lowercase).
 */
export interface FunctionCall {
  readonly kind: 'call';
  readonly name: Ident;
  readonly args: readonly Expr[];
  readonly star: boolean;
  readonly distinct: boolean;
  readonly over: WindowSpec | null;
}

export interface WindowSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  /** ROWS/RANGE BETWEEN …; null: the default (RANGE UNBOUNDED PRECEDING to CURRENT ROW). */
  readonly frame?: WindowFrame | null;
}

/** One end of a window frame; `offset` is set for `n PRECEDING` / `n FOLLOWING`. */
export interface FrameBound {
  readonly kind: 'unboundedPreceding' | 'preceding' | 'currentRow' | 'following' | 'unboundedFollowing';
  readonly offset: Expr | null;
}

export interface WindowFrame {
  readonly mode: 'rows' | 'range';
  readonly start: FrameBound;
  readonly end: FrameBound;
}

/** Keyword values written without parentheses: CURRENT_TIMESTAMP, CURRENT_DATE, … */
export interface SqlValueFunction {
  readonly kind: 'sqlValueFunction';
  readonly name: 'current_timestamp' | 'current_date' | 'current_time' | 'localtimestamp' | 'localtime';
}

/** The DEFAULT keyword; the parser accepts it only as a VALUES item or an UPDATE SET value. */
export interface DefaultExpr {
  readonly kind: 'default';
}

// ---------------------------------------------------------------------------------------------
// Queries

/**
 * A complete query: optional WITH, a body (a select core, a set operation, VALUES, or a
 * parenthesised SelectStmt that has its own ORDER BY/LIMIT/WITH), then ORDER BY / LIMIT /
 * OFFSET applying to the whole body.
 */
export interface SelectStmt {
  readonly kind: 'select';
  readonly with: readonly CommonTableExpr[];
  /** WITH RECURSIVE: a CTE may then refer to itself (`base UNION [ALL] step`). */
  readonly recursive?: boolean;
  readonly body: QueryBody;
  readonly orderBy: readonly OrderItem[];
  /** IntegerLiteral, Param, or null for none / LIMIT ALL. Other expressions are rejected. */
  readonly limit: Expr | null;
  readonly offset: Expr | null;
}

export type QueryBody = SelectCore | SetOperation | ValuesBody | SelectStmt;

export interface CommonTableExpr {
  readonly name: Ident;
  readonly columns: readonly Ident[];
  readonly query: SelectStmt;
}

export interface SelectCore {
  readonly kind: 'selectCore';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  /** Comma-separated FROM items; empty for `SELECT 1`. */
  readonly from: readonly FromItem[];
  readonly where: Expr | null;
  readonly groupBy: readonly Expr[];
  readonly having: Expr | null;
}

/** UNION [ALL] / INTERSECT [ALL] / EXCEPT [ALL]; INTERSECT binds tighter (Postgres). */
export interface SetOperation {
  readonly kind: 'setOp';
  readonly op: 'union' | 'intersect' | 'except';
  readonly all: boolean;
  readonly left: QueryBody;
  readonly right: QueryBody;
}

/** `VALUES (…), (…)` used as a query (also the source of INSERT … VALUES). */
export interface ValuesBody {
  readonly kind: 'values';
  readonly rows: readonly (readonly Expr[])[];
}

export type SelectItem = AllColumns | SelectExpr;

/** `*` (table null) or `t.*`. */
export interface AllColumns {
  readonly kind: 'allColumns';
  readonly table: Ident | null;
}

export interface SelectExpr {
  readonly kind: 'selectExpr';
  readonly expr: Expr;
  readonly alias: Ident | null;
}

export interface OrderItem {
  readonly expr: Expr;
  /** null when not written (ascending). */
  readonly direction: 'asc' | 'desc' | null;
  /** null when not written (Postgres default: NULLS LAST for ASC, FIRST for DESC). */
  readonly nulls: 'first' | 'last' | null;
}

// ---------------------------------------------------------------------------------------------
// FROM items

export type FromItem = TableRef | SubqueryRef | JoinRef;

export interface TableRef {
  readonly kind: 'table';
  readonly name: Ident;
  readonly alias: Ident | null;
}

/** `(SELECT …) [AS] alias [(cols)]`, also `(VALUES …) AS v(a, b)`. */
export interface SubqueryRef {
  readonly kind: 'subqueryRef';
  readonly query: SelectStmt;
  readonly alias: Ident | null;
  readonly columns: readonly Ident[];
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross';

/** A join; `on` and `using` are both null for CROSS JOIN and NATURAL joins. */
export interface JoinRef {
  readonly kind: 'join';
  readonly type: JoinType;
  readonly left: FromItem;
  readonly right: FromItem;
  readonly on: Expr | null;
  readonly using: readonly Ident[] | null;
  /** NATURAL: USING every column name the two sides share (the binder finds them). */
  readonly natural?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Statements

export type Statement =
  | SelectStmt
  | InsertStmt
  | UpdateStmt
  | DeleteStmt
  | CreateTableStmt
  | DropTableStmt
  | AlterTableStmt
  | CreateIndexStmt
  | DropIndexStmt
  | CreateViewStmt
  | DropViewStmt
  | AlterViewStmt
  | CreateTriggerStmt
  | DropTriggerStmt
  | BeginStmt
  | CommitStmt
  | RollbackStmt
  | SavepointStmt
  | ReleaseStmt
  | ExplainStmt
  | CreateDatabaseStmt
  | DropDatabaseStmt;

export interface Assignment {
  readonly column: Ident;
  /** May be DefaultExpr. */
  readonly value: Expr;
}

/** `RETURNING` items; null when there is no RETURNING clause. */
export type Returning = readonly SelectItem[] | null;

export interface InsertStmt {
  readonly kind: 'insert';
  readonly table: Ident;
  readonly alias: Ident | null;
  /** Target columns; empty when not written. */
  readonly columns: readonly Ident[];
  /** VALUES (a SelectStmt whose body is ValuesBody) or a query; null = DEFAULT VALUES. */
  readonly source: SelectStmt | null;
  readonly onConflict: OnConflict | null;
  readonly returning: Returning;
}

export type ConflictTarget =
  | { readonly kind: 'columns'; readonly columns: readonly Ident[]; readonly where: Expr | null }
  | { readonly kind: 'constraint'; readonly name: Ident };

export type ConflictAction =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'update'; readonly set: readonly Assignment[]; readonly where: Expr | null };

export interface OnConflict {
  /** null when no target is written (`ON CONFLICT DO NOTHING`). */
  readonly target: ConflictTarget | null;
  readonly action: ConflictAction;
}

export interface UpdateStmt {
  readonly kind: 'update';
  readonly table: Ident;
  readonly alias: Ident | null;
  readonly set: readonly Assignment[];
  readonly from: readonly FromItem[];
  readonly where: Expr | null;
  readonly returning: Returning;
}

export interface DeleteStmt {
  readonly kind: 'delete';
  readonly table: Ident;
  readonly alias: Ident | null;
  readonly where: Expr | null;
  readonly returning: Returning;
}

export type FkAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

/** `REFERENCES table [(cols)] [ON DELETE a] [ON UPDATE a]`; actions null when not written. */
export interface ForeignKeyRef {
  readonly table: Ident;
  readonly columns: readonly Ident[];
  readonly onDelete: FkAction | null;
  readonly onUpdate: FkAction | null;
}

/** Column constraints; `name` is the `CONSTRAINT name` prefix, if written. */
export type ColumnConstraint =
  | { readonly kind: 'notNull'; readonly name: Ident | null }
  | { readonly kind: 'null'; readonly name: Ident | null }
  | { readonly kind: 'primaryKey'; readonly name: Ident | null }
  | { readonly kind: 'unique'; readonly name: Ident | null }
  | { readonly kind: 'check'; readonly name: Ident | null; readonly expr: Expr }
  | { readonly kind: 'default'; readonly name: Ident | null; readonly expr: Expr }
  | { readonly kind: 'references'; readonly name: Ident | null; readonly ref: ForeignKeyRef }
  | { readonly kind: 'generated'; readonly name: Ident | null; readonly expr: Expr };

export interface ColumnDef {
  readonly name: Ident;
  readonly type: TypeName;
  readonly constraints: readonly ColumnConstraint[];
}

export type TableConstraint =
  | { readonly kind: 'primaryKey'; readonly name: Ident | null; readonly columns: readonly Ident[] }
  | { readonly kind: 'unique'; readonly name: Ident | null; readonly columns: readonly Ident[] }
  | { readonly kind: 'check'; readonly name: Ident | null; readonly expr: Expr }
  | {
      readonly kind: 'foreignKey';
      readonly name: Ident | null;
      readonly columns: readonly Ident[];
      readonly ref: ForeignKeyRef;
    };

export interface CreateTableStmt {
  readonly kind: 'createTable';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  readonly constraints: readonly TableConstraint[];
}

export interface DropTableStmt {
  readonly kind: 'dropTable';
  readonly names: readonly Ident[];
  readonly ifExists: boolean;
}

export type AlterTableAction =
  | { readonly kind: 'addColumn'; readonly column: ColumnDef; readonly ifNotExists: boolean }
  | { readonly kind: 'dropColumn'; readonly name: Ident; readonly ifExists: boolean }
  | { readonly kind: 'renameColumn'; readonly from: Ident; readonly to: Ident }
  | { readonly kind: 'renameTable'; readonly to: Ident }
  | { readonly kind: 'addConstraint'; readonly constraint: TableConstraint }
  | { readonly kind: 'alterColumnType'; readonly name: Ident; readonly type: TypeName };

/** ALTER TABLE t action[, action…]; a rename is always the only action. */
export interface AlterTableStmt {
  readonly kind: 'alterTable';
  readonly table: Ident;
  readonly actions: readonly AlterTableAction[];
}

/** An index key: a column (ColumnRef without table) or an expression. */
export interface IndexKey {
  readonly expr: Expr;
  readonly direction: 'asc' | 'desc' | null;
}

export interface CreateIndexStmt {
  readonly kind: 'createIndex';
  readonly name: Ident;
  readonly table: Ident;
  readonly unique: boolean;
  readonly ifNotExists: boolean;
  /** `USING btree | trigram`; null when not written (btree). */
  readonly method: 'btree' | 'trigram' | null;
  readonly keys: readonly IndexKey[];
  readonly where: Expr | null;
}

export interface DropIndexStmt {
  readonly kind: 'dropIndex';
  readonly names: readonly Ident[];
  readonly ifExists: boolean;
}

export interface CreateViewStmt {
  readonly kind: 'createView';
  readonly name: Ident;
  readonly ifNotExists: boolean;
  readonly orReplace: boolean;
  readonly columns: readonly Ident[];
  readonly query: SelectStmt;
}

export interface DropViewStmt {
  readonly kind: 'dropView';
  readonly names: readonly Ident[];
  readonly ifExists: boolean;
}

/** `ALTER VIEW name RENAME TO newName` */
export interface AlterViewStmt {
  readonly kind: 'alterView';
  readonly name: Ident;
  readonly newName: Ident;
}

export type TriggerEvent = 'insert' | 'update' | 'delete';

/**
 * `CREATE TRIGGER name AFTER|BEFORE|INSTEAD OF ev [OR ev…] ON t FOR EACH ROW
 *  EXECUTE FUNCTION fn('arg', …)`; the native action is decentdb_exec_sql('<one DML>').
 */
export interface CreateTriggerStmt {
  readonly kind: 'createTrigger';
  readonly name: Ident;
  readonly timing: 'after' | 'before' | 'instead of';
  readonly events: readonly TriggerEvent[];
  readonly table: Ident;
  /** false for FOR EACH STATEMENT (the engine rejects it). */
  readonly forEachRow: boolean;
  readonly function: Ident;
  /** The function's string-literal arguments. */
  readonly args: readonly string[];
}

export interface DropTriggerStmt {
  readonly kind: 'dropTrigger';
  readonly name: Ident;
  readonly table: Ident;
  readonly ifExists: boolean;
}

/** BEGIN / START TRANSACTION; `mode` is SQLite-style DEFERRED/IMMEDIATE/EXCLUSIVE if written. */
export interface BeginStmt {
  readonly kind: 'begin';
  readonly mode: 'deferred' | 'immediate' | 'exclusive' | null;
  /** e.g. 'serializable', 'repeatable read', 'read committed'; null when not written. */
  readonly isolation: string | null;
}

/** COMMIT / END */
export interface CommitStmt {
  readonly kind: 'commit';
}

/** ROLLBACK, or ROLLBACK TO [SAVEPOINT] name when `savepoint` is set. */
export interface RollbackStmt {
  readonly kind: 'rollback';
  readonly savepoint: Ident | null;
}

export interface SavepointStmt {
  readonly kind: 'savepoint';
  readonly name: Ident;
}

export interface ReleaseStmt {
  readonly kind: 'release';
  readonly name: Ident;
}

export interface ExplainStmt {
  readonly kind: 'explain';
  readonly analyze: boolean;
  readonly statement: Statement;
}

/** Parsed so scripts (Chinook) can be read whole; the engine rejects or skips them. */
export interface CreateDatabaseStmt {
  readonly kind: 'createDatabase';
  readonly name: Ident;
}

export interface DropDatabaseStmt {
  readonly kind: 'dropDatabase';
  readonly name: Ident;
  readonly ifExists: boolean;
}

/** A statement of a script with its source span: 0-based [start, end) offsets into the text. */
export interface ParsedStatement {
  readonly statement: Statement;
  readonly start: number;
  readonly end: number;
  /** The statement's text, without the terminating `;`. */
  readonly text: string;
}
