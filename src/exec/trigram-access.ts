/**
 * The open-time half of a trigram access (planner Access 'trigram', ADR-0007): evaluates the
 * pattern and escape, asks the index for a plan (postings sizes against the table size) and
 * hands the Scan either lazy candidate keys, "no row can match" (NULL pattern) or "scan"
 * (pattern too short or too common, no index hook, unusual escape). Candidates are a superset
 * of the matches: the Scan rechecks its full filter, which holds the LIKE itself.
 */
import type { U64 } from '../util/index.js';
import type { Value } from '../record/index.js';
import type { BExpr, TrigramAccess } from '../planner/index.js';
import { searchCandidates } from '../trigram/index.js';
import type { TrigramPlan, TrigramSearch } from '../trigram/index.js';
import { compileExpr } from './compile-expr.js';
import type { Compiled, Env } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';

/** What a trigram access does for one open. */
export type TrigramOpen =
  | { readonly kind: 'scan' }
  | { readonly kind: 'empty' }
  | { readonly kind: 'index'; readonly search: TrigramSearch };

const SCAN: TrigramOpen = { kind: 'scan' };
const EMPTY: TrigramOpen = { kind: 'empty' };

/** Compiled pattern and escape of one access (compiled once per operator). */
export interface TrigramArgs {
  readonly pattern: Compiled;
  readonly escape: Compiled | null;
}

export function compileTrigramArgs(a: TrigramAccess, env: Env): TrigramArgs {
  return { pattern: compileExpr(a.pattern, env), escape: a.escape === null ? null : compileExpr(a.escape, env) };
}

/** Decides one open of `a` given the evaluated pattern and escape. */
export function openTrigram(a: TrigramAccess, ctx: ExecContext, tableName: string, pattern: Value, escape: Value | undefined): TrigramOpen {
  if (pattern === null || escape === null) return EMPTY; // LIKE with a NULL operand is NULL: no row
  if (typeof pattern !== 'string' || (escape !== undefined && typeof escape !== 'string')) return SCAN;
  // An invalid ESCAPE (several characters) is the matcher's error to raise, row by row.
  if (escape !== undefined && escape !== '' && String.fromCodePoint(escape.codePointAt(0)!) !== escape) return SCAN;
  if (ctx.openTrigram === undefined) return SCAN;
  const index = ctx.openTrigram(a.index);
  const tableRows = ctx.rowCount?.(tableName);
  const search = searchCandidates(index, pattern, {
    caseInsensitive: a.caseInsensitive,
    escape,
    hasOtherFilters: a.hasOtherFilters,
    ...(tableRows === undefined ? {} : { tableRows }),
  });
  ctx.counters.trigramSearches++;
  return search.plan.usable ? { kind: 'index', search } : SCAN;
}

/** Candidate keys of an open, or null to scan; counts candidates in the context's counters. */
export function* countedCandidates(search: TrigramSearch, ctx: ExecContext): Generator<U64> {
  const counters = ctx.counters;
  for (const key of search.candidates()) {
    counters.trigramCandidates++;
    yield key;
  }
}

function simple(e: BExpr): boolean {
  if (e.kind === 'const' || e.kind === 'param') return true;
  return (e.kind === 'cast' || e.kind === 'promote') && simple(e.operand);
}

/**
 * For EXPLAIN: the plan the executor would make now for `a` (constant or bound-parameter
 * patterns), or undefined when it depends on rows or the context cannot open trigram indexes.
 */
export function explainTrigram(ctx: ExecContext, env: Env): (a: TrigramAccess) => TrigramPlan | undefined {
  return (a) => {
    if (ctx.openTrigram === undefined || !simple(a.pattern) || (a.escape !== null && !simple(a.escape))) return undefined;
    if (a.pattern.kind === 'param' && ctx.params[a.pattern.index - 1] === undefined) return undefined;
    if (a.escape?.kind === 'param' && ctx.params[a.escape.index - 1] === undefined) return undefined;
    const args = compileTrigramArgs(a, env);
    const pattern = args.pattern([]);
    const escape = args.escape === null ? undefined : args.escape([]);
    if (pattern === null || escape === null || typeof pattern !== 'string' || (escape !== undefined && typeof escape !== 'string')) return undefined;
    if (escape !== undefined && escape !== '' && String.fromCodePoint(escape.codePointAt(0)!) !== escape) return undefined;
    const tableRows = ctx.rowCount?.(a.index.table);
    return searchCandidates(ctx.openTrigram(a.index), pattern, {
      caseInsensitive: a.caseInsensitive,
      escape,
      hasOtherFilters: a.hasOtherFilters,
      ...(tableRows === undefined ? {} : { tableRows }),
    }).plan;
  };
}
