/**
 * The catalog's plain data: what a table, index, view, trigger or statistics record says
 * (spec/native-format.md §1.8). Readonly values only; encoding lives in catalog-records.ts,
 * the columns string in columns-string.ts. No lookups or caching here.
 */
import type { SqlType } from '../record/index.js';

/** Foreign-key action codes of the columns string: a, r, c, n. */
export const FK_ACTIONS = ['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL'] as const;
export type FkAction = (typeof FK_ACTIONS)[number];

export interface ForeignKeyRef {
  readonly table: string;
  readonly column: string;
  readonly onDelete: FkAction;
  readonly onUpdate: FkAction;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: SqlType;
  readonly notNull: boolean;
  readonly unique: boolean;
  readonly primaryKey: boolean;
  readonly references?: ForeignKeyRef;
  /** DEFAULT expression as SQL text (unescaped). */
  readonly defaultSql?: string;
  /** GENERATED ALWAYS AS expression as SQL text (unescaped). */
  readonly generatedSql?: string;
}

export interface CheckDef {
  readonly name: string;
  readonly expr: string;
}

export interface TableDef {
  readonly name: string;
  readonly rootPage: number;
  /** Stored hint only: the real next rowid is max(this, max key + 1) (format §1.8). */
  readonly nextRowId: number | bigint;
  readonly columns: readonly ColumnDef[];
  readonly checks: readonly CheckDef[];
}

export interface IndexDef {
  readonly name: string;
  readonly table: string;
  /** Column names; empty for an expression index. */
  readonly columns: readonly string[];
  /** Expression index: the SQL of the indexed expression (stored as `expr:<sql>`). */
  readonly expressionSql?: string;
  readonly rootPage: number;
  /** 'btree' or 'trigram'; other stored strings are kept as read. */
  readonly kind: string;
  readonly unique: boolean;
  /** Partial-index predicate SQL, '' when none. */
  readonly predicateSql: string;
}

export interface ViewDef {
  readonly name: string;
  readonly sql: string;
  readonly columns: readonly string[];
  readonly dependencies: readonly string[];
}

/** Trigger event mask bits (format §1.8). */
export const TRIGGER_EVENT = { INSERT: 4, DELETE: 8, UPDATE: 16, TRUNCATE: 32 } as const;
export const TRIGGER_INSTEAD_OF = 64;

export interface TriggerDef {
  readonly name: string;
  readonly table: string;
  /** Event bits (TRIGGER_EVENT) plus TRIGGER_INSTEAD_OF; without it the trigger is AFTER. */
  readonly eventsMask: number;
  readonly actionSql: string;
}

export interface TableStats {
  readonly name: string;
  readonly rowCount: number | bigint;
}

export interface IndexStats {
  readonly name: string;
  readonly entryCount: number | bigint;
  readonly distinctKeyCount: number | bigint;
}

/** One decoded catalog record. `unknown` keeps records with an unrecognised tag (skipped on load). */
export type CatalogEntry =
  | { readonly kind: 'table'; readonly table: TableDef }
  | { readonly kind: 'index'; readonly index: IndexDef }
  | { readonly kind: 'view'; readonly view: ViewDef }
  | { readonly kind: 'trigger'; readonly trigger: TriggerDef }
  | { readonly kind: 'tableStats'; readonly stats: TableStats }
  | { readonly kind: 'indexStats'; readonly stats: IndexStats }
  | { readonly kind: 'unknown'; readonly tag: string };

/** The events a trigger mask names, in INSERT, DELETE, UPDATE, TRUNCATE order. */
export function triggerEvents(mask: number): ('INSERT' | 'DELETE' | 'UPDATE' | 'TRUNCATE')[] {
  const out: ('INSERT' | 'DELETE' | 'UPDATE' | 'TRUNCATE')[] = [];
  for (const e of ['INSERT', 'DELETE', 'UPDATE', 'TRUNCATE'] as const) if ((mask & TRIGGER_EVENT[e]) !== 0) out.push(e);
  return out;
}

export const triggerTiming = (mask: number): 'AFTER' | 'INSTEAD OF' => ((mask & TRIGGER_INSTEAD_OF) !== 0 ? 'INSTEAD OF' : 'AFTER');
