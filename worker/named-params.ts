/**
 * Named parameters for the browser API: the engine binds `$1…` positionally, so `:name`,
 * `@name` and `$name` in the SQL text are rewritten to `$N` (once per distinct SQL text) and an
 * object of values becomes an array in that order. Skips string literals, quoted identifiers
 * and comments. Does not parse SQL beyond that; the engine reports every other error.
 */
import { DecentDBError } from '../src/util/index.js';
import type { Params } from './api.js';

export interface NamedSql {
  /** The SQL with every named parameter replaced by `$N`. */
  readonly sql: string;
  /** Parameter names in `$N` order (N = index + 1). */
  readonly names: readonly string[];
}

/** A parameter name, matched at `lastIndex` (sticky): a letter or _, then letters, digits, _. */
const NAME = /[A-Za-z_]\w*/y;

/** Rewrites named parameters to `$N`; `names` is empty when the SQL has none. */
export function rewriteNamed(sql: string): NamedSql {
  const names: string[] = [];
  const index = new Map<string, number>();
  let out = '';
  let from = 0;
  const n = sql.length;
  for (let i = 0; i < n; i++) {
    const c = sql[i]!; // i < n
    if (c === "'" || c === '"') {
      const close = sql.indexOf(c, i + 1);
      i = close < 0 ? n : close; // a doubled quote ('' or "") re-enters here and is skipped again
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (c === ':' || c === '@' || c === '$') {
      if (c === ':' && sql[i - 1] === ':') continue; // a `::type` cast
      NAME.lastIndex = i + 1;
      const name = NAME.exec(sql)?.[0];
      if (name === undefined) continue;
      const j = i + 1 + name.length;
      let k = index.get(name);
      if (k === undefined) {
        names.push(name);
        k = names.length;
        index.set(name, k);
      }
      out += `${sql.slice(from, i)}$${k}`;
      from = j;
      i = j - 1;
    }
  }
  return names.length === 0 ? { sql, names } : { sql: out + sql.slice(from), names };
}

/** Positional values for `names` from `params` (an array passes through unchanged). */
export function bindNamed(names: readonly string[], params: Params | undefined): readonly unknown[] {
  if (params === undefined) return [];
  if (Array.isArray(params)) return params as readonly unknown[];
  const values = params as Readonly<Record<string, unknown>>;
  const out: unknown[] = [];
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(values, name)) {
      throw new DecentDBError('ERR_SQL', `no value for parameter ${name}`, { parameter: name });
    }
    out.push(values[name]);
  }
  return out;
}
