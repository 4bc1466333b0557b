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
  /** Columns hidden from an unqualified `*` (right side of JOIN … USING). */
  readonly hidden: Set<string>;
  /** System columns (a table's `ctid`), never part of any `*`. */
  readonly system: Set<string>;
}

/** Per-block record of which outer levels (and which of their slots) the block reads. */
export interface BlockRefs {
  readonly outer: Map<number, Set<number>>;
}

export class Scope {
  readonly rels: RelBinding[] = [];
  width = 0;
  /** Merged USING columns: an unqualified name resolves here first. */
  readonly using = new Map<string, { slot: number; type: SqlType; name: string }>();
  readonly refs: BlockRefs = { outer: new Map() };

  constructor(
    readonly parent: Scope | null,
    readonly level: number,
  ) {}

  addRel(alias: string, columns: readonly RelColumn[], pos: object | null, ctx: BindContext): RelBinding {
    for (const r of this.rels) if (r.alias === alias) throw ctx.error(`table name "${alias}" specified more than once`, pos);
    const rel: RelBinding = { alias, columns, offset: this.width, hidden: new Set(), system: new Set() };
    this.rels.push(rel);
    this.width += columns.length;
    return rel;
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
}

/** State of one bind: parameters, the CTEs in scope, the SQL text for error positions. */
export class BindContext {
  readonly paramTypes: (SqlType | undefined)[] = [];
  readonly ctes: CteBinding[][] = [];
  planningStates = 0;
  /** Guards view/CTE expansion against self-reference. */
  readonly expanding: string[] = [];

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
