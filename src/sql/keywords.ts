// Reserved words: unquoted, they cannot name a table, column or alias (they must be quoted).
// Every other keyword (KEY, NAME, DATE, TEXT, ACTION, …) stays usable as an identifier, as in
// Postgres. The Printer also consults this list to decide what must be quoted.

/** Postgres reserved words plus the clause words our grammar needs to stop at. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'between', 'both',
  'case', 'cast', 'check', 'collate', 'column', 'constraint', 'create', 'cross', 'current_date',
  'current_time', 'current_timestamp', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else',
  'end', 'except', 'exists', 'false', 'fetch', 'for', 'foreign', 'from', 'full', 'grant', 'group',
  'having', 'ilike', 'in', 'initially', 'inner', 'intersect', 'into', 'is', 'join', 'leading',
  'left', 'like', 'limit', 'localtime', 'localtimestamp', 'natural', 'not', 'null', 'offset', 'on',
  'only', 'or', 'order', 'outer', 'primary', 'references', 'returning', 'right', 'select', 'set',
  'some', 'symmetric', 'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'using',
  'values', 'when', 'where', 'window', 'with',
]);

/** Reserved words that may still be called as functions: `left('abc', 2)`. */
export const FUNCTION_KEYWORDS: ReadonlySet<string> = new Set(['left', 'right']);
