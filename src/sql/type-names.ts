// SQL type names → SqlType (spec/native-reference.md §3 "Types"; native columns grammar, format
// §1.9). Multi-word names (DOUBLE PRECISION, CHARACTER VARYING) are joined by the Parser before
// lookup. Does not validate DECIMAL precision against the 1..18 limit: the catalog does.
import type { BaseType, SqlType } from '../record/index.js';

/** How many modifiers a type accepts: VARCHAR(n) 1, NUMERIC(p[,s]) 2. */
interface TypeInfo {
  readonly base: BaseType;
  readonly maxArgs: number;
}

const TYPES: ReadonlyMap<string, TypeInfo> = new Map<string, TypeInfo>([
  ['INT64', { base: 'INT64', maxArgs: 0 }],
  ['INT', { base: 'INT64', maxArgs: 0 }],
  ['INTEGER', { base: 'INT64', maxArgs: 0 }],
  ['BIGINT', { base: 'INT64', maxArgs: 0 }],
  ['SMALLINT', { base: 'INT64', maxArgs: 0 }],
  ['INT2', { base: 'INT64', maxArgs: 0 }],
  ['INT4', { base: 'INT64', maxArgs: 0 }],
  ['INT8', { base: 'INT64', maxArgs: 0 }],
  ['FLOAT64', { base: 'FLOAT64', maxArgs: 0 }],
  ['REAL', { base: 'FLOAT64', maxArgs: 0 }],
  ['DOUBLE', { base: 'FLOAT64', maxArgs: 0 }],
  ['DOUBLE PRECISION', { base: 'FLOAT64', maxArgs: 0 }],
  ['FLOAT', { base: 'FLOAT64', maxArgs: 1 }],
  ['FLOAT4', { base: 'FLOAT64', maxArgs: 0 }],
  ['FLOAT8', { base: 'FLOAT64', maxArgs: 0 }],
  ['TEXT', { base: 'TEXT', maxArgs: 0 }],
  ['VARCHAR', { base: 'TEXT', maxArgs: 1 }],
  ['CHARACTER VARYING', { base: 'TEXT', maxArgs: 1 }],
  ['CHAR', { base: 'TEXT', maxArgs: 1 }],
  ['CHARACTER', { base: 'TEXT', maxArgs: 1 }],
  ['BLOB', { base: 'BLOB', maxArgs: 0 }],
  ['BYTEA', { base: 'BLOB', maxArgs: 0 }],
  ['BOOL', { base: 'BOOL', maxArgs: 0 }],
  ['BOOLEAN', { base: 'BOOL', maxArgs: 0 }],
  ['DECIMAL', { base: 'DECIMAL', maxArgs: 2 }],
  ['NUMERIC', { base: 'DECIMAL', maxArgs: 2 }],
  ['TIMESTAMP', { base: 'TIMESTAMP', maxArgs: 1 }],
  ['TIMESTAMPTZ', { base: 'TIMESTAMP', maxArgs: 1 }],
  ['DATE', { base: 'TIMESTAMP', maxArgs: 0 }],
  ['DATETIME', { base: 'TIMESTAMP', maxArgs: 0 }],
  ['UUID', { base: 'UUID', maxArgs: 0 }],
]);

/** Words that can start a type name (lowercase, as the Lexer delivers them). */
export const TYPE_START_WORDS: ReadonlySet<string> = new Set(
  [...TYPES.keys()].map((k) => (k.split(' ')[0] as string).toLowerCase()),
);

/** The type info for a canonical upper-case name, or undefined if unknown. */
export function lookupType(name: string): TypeInfo | undefined {
  return TYPES.get(name);
}

/** Builds the SqlType for `name(args)`; DECIMAL(p) means scale 0. */
export function toSqlType(base: BaseType, args: readonly number[]): SqlType {
  if (base !== 'DECIMAL' || args.length === 0) return { base };
  return { base, precision: args[0] as number, scale: args[1] ?? 0 };
}
