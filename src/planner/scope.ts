/**
 * Name scopes of the Binder: the relations visible in one query block (each owning a slot range
 * of the block's wide row), chained to enclosing blocks for correlated references, plus the
 * state shared by one bind (parameters, errors located in the SQL text). No planning here.
 */
import { sqlError } from '../util/index.js';
import type { DecentDBError } from '../util/index.js';
import { positionOf, sqlErrorAt } from '../sql/index.js';
import type { SqlType } from '../record/index.js';
import type { Schema } from './schema.js';
import type { BExpr } from './bound-expr.js';
import type { SelectStmt } from '../sql/index.js';

export interface RelColumn {
  readonly name: string;
  readonly type: SqlType;
}

export interface RelBinding {
  /** Lowercased alias (or table name). */
  readonly alias: string;
  readonly columns: readonly RelColumn[];
  readonly offset: number;
  /** System columns (a table's `ctid`), never part of any `*`. */
  readonly system: Set<string>;
}

/** One merged column of JOIN … USING (join-using.ts). */
export interface UsingColumn {
  /** Lowercased name (lookup key). */
  readonly key: string;
  /** Output name (the left column's). */
  readonly name: string;
  /** The left column, the right one (RIGHT JOIN) or COALESCE of both (FULL), in `type`. */
  readonly expr: BExpr;
  readonly type: SqlType;
  /** Relations (indexes into Scope.rels, [first, end)) the join covers. */
  readonly rels: readonly [number, number];
}

/** Per-block record of which outer levels (and which of their slots) the block reads. */
export interface BlockRefs {
  readonly outer: Map<number, Set<number>>;
}

export class Scope {
  readonly rels: RelBinding[] = [];
  width = 0;
  /** Merged USING columns by name (join-using.ts), inner joins' before outer ones'. */
  readonly using = new Map<string, UsingColumn[]>();
  readonly refs: BlockRefs = { outer: new Map() };

  constructor(
    readonly parent: Scope | null,
    readonly level: number,
  ) {}

  addRel(alias: string, columns: readonly RelColumn[], pos: object | null, ctx: BindContext): RelBinding {
    for (const r of this.rels) if (r.alias === alias) throw ctx.error(`table name "${alias}" specified more than once`, pos);
    const rel: RelBinding = { alias, columns, offset: this.width, system: new Set() };
    this.rels.push(rel);
    this.width += columns.length;
    return rel;
  }

  /**
   * What an unqualified `name` means among the merged USING columns: the outermost merged
   * column's expression, or null when none has that name. Ambiguous (as two plain columns are)
   * when another outermost merged column, or a relation outside them, also has the name.
   */
  usingColumn(name: string, ambiguous: () => DecentDBError): BExpr | null {
    const merged = this.using.get(name);
    if (merged === undefined) return null;
    const within = (u: UsingColumn, o: UsingColumn): boolean => o.rels[0] <= u.rels[0] && u.rels[1] <= o.rels[1];
    const top = merged.filter((u) => !merged.some((o) => o !== u && within(u, o)));
    let hits = top.length;
    this.rels.forEach((rel, i) => {
      if (top.some((u) => u.rels[0] <= i && i < u.rels[1])) return;
      if (rel.columns.some((c) => c.name.toLowerCase() === name && !rel.system.has(c.name))) hits++;
    });
    if (hits > 1) throw ambiguous();
    return top[0]!.expr;
  }

  /** Display name for EXPLAIN: qualified when the block has several relations. */
  display(rel: RelBinding, col: string): string {
    return this.rels.length > 1 ? `${rel.alias}.${col}` : col;
  }
}

/** A WITH entry visible while binding: its query and column names. */
export interface CteBinding {
  readonly name: string;
  readonly query: SelectStmt;
  readonly columns: readonly string[];
  /** Declared in WITH RECURSIVE (it may refer to itself). */
  readonly recursive: boolean;
  /**
   * While a recursive CTE's own terms are bound: what a reference to it means — the previous
   * round's rows (the step term), or an error message (the base term, or a query that is not
   * `base UNION [ALL] step`).
   */
  self?: WorkTableBinding | string;
}

/** The work table of a recursive CTE while its step term is bound. */
export interface WorkTableBinding {
  readonly id: number;
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  refs: number;
}

/** State of one bind: parameters, the CTEs in scope, the SQL text for error positions. */
export class BindContext {
  readonly paramTypes: (SqlType | undefined)[] = [];
  readonly ctes: CteBinding[][] = [];
  planningStates = 0;
  /** Guards view/CTE expansion against self-reference. */
  readonly expanding: string[] = [];
  /** Work table ids of recursive CTEs (plan.ts recursiveUnion), unique per bind. */
  nextWorkTable = 1;

  constructor(
    readonly schema: Schema,
    readonly sql: string | null,
  ) {}

  error(message: string, node: object | null): DecentDBError {
    const pos = node === null ? undefined : positionOf(node);
    if (pos !== undefined && this.sql !== null) return sqlErrorAt(this.sql, pos, message);
    // Positions are 1-based, as sqlErrorAt (and Postgres) report them.
    return sqlError(message, pos === undefined ? undefined : { position: pos + 1 });
  }

  findCte(name: string): CteBinding | undefined {
    for (let i = this.ctes.length - 1; i >= 0; i--) {
      const list = this.ctes[i]!;
      for (let j = list.length - 1; j >= 0; j--) if (list[j]!.name === name) return list[j];
    }
    return undefined;
  }
}
