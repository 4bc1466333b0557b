// The query side of a trigram index (ADR-0007; native guardrails spec/native-format.md §1.11):
// pattern → required trigrams → postings sizes → a plan the planner can cost, and a lazy
// candidate iterator (rarest postings first, galloping intersection). Candidates are a superset
// of the matches: the caller verifies each against the real value with the exact LIKE/ILIKE
// matcher (verifiedRowids does it given a fetch and a matcher). Does not read tables.
import { DecentDBError } from '../util/index.js';
import type { U64 } from '../util/index.js';
import { PostingsIntersection, unionPostings } from './intersect.js';
import type { PostingList } from './postings-codec.js';
import { patternTrigrams } from './pattern-trigrams.js';
import type { TrigramIndex } from './trigram-index.js';
import { trigramLabel } from './trigram-text.js';

/** Native `trigram_postings_threshold`. */
export const DEFAULT_POSTINGS_THRESHOLD = 100_000;
/** Patterns whose longest literal is at most this many characters are "short" (native 3–5). */
export const SHORT_PATTERN_CHARS = 5;
/** With a known table size: more estimated candidates than this fraction of it → scan. */
export const DEFAULT_MAX_CANDIDATE_FRACTION = 0.3;

export interface SearchOptions {
  /** ILIKE (true) or LIKE (false). */
  readonly caseInsensitive: boolean;
  /** ESCAPE character: undefined = backslash (the default), null or '' = none. */
  readonly escape?: string | null;
  /** A trigram with more postings than this is "too common"; default 100 000. */
  readonly postingsThreshold?: number;
  /** Other predicates also filter the rows (the native guardrails then allow short patterns). */
  readonly hasOtherFilters?: boolean;
  /**
   * Rows in the table, if known: the decision becomes cost-based (estimated candidates against
   * `maxCandidateFraction` of the table) instead of the native short-pattern rule.
   */
  readonly tableRows?: number;
  /** With tableRows: estimated candidates above this fraction of the table → scan; default 0.3. */
  readonly maxCandidateFraction?: number;
  /** A list more than this many times the rarest is not intersected (verification filters instead); default 64. */
  readonly maxListRatio?: number;
}

export type TrigramPlanReason = 'ok' | 'no-trigrams' | 'bad-pattern' | 'too-common' | 'not-selective';

/** What the planner needs to choose between the index and a scan. */
export interface TrigramPlan {
  readonly usable: boolean;
  readonly reason: TrigramPlanReason;
  /**
   * Required trigram groups, rarest first: a matching value holds at least one trigram of each
   * group (a group has one trigram except for ILIKE characters whose case forms differ in bytes).
   */
  readonly groups: readonly (readonly number[])[];
  /** Postings size of each group (sum over its trigrams). */
  readonly counts: readonly number[];
  /** How many of `groups` (a prefix) the candidate iterator intersects. */
  readonly intersected: number;
  readonly rarestCount: number;
  /** Estimated candidates (upper bound = rarestCount). */
  readonly estimatedRows: number;
  /** Code points of the longest literal segment. */
  readonly longestLiteral: number;
}

/** A planned search: the numbers, and candidates on demand. */
export interface TrigramSearch {
  readonly plan: TrigramPlan;
  /**
   * Candidate rowids ascending, a superset of the matching rows; lazy, so stopping early (LIMIT)
   * stops the work. Throws ERR_INTERNAL when the pattern gives no trigram (the caller must scan).
   */
  candidates(): PostingsIntersection;
}

/**
 * Plans a LIKE/ILIKE pattern against an index.
 * @example
 *   const s = searchCandidates(idx, '%love%', { caseInsensitive: true });
 *   if (s.plan.usable) for (const r of verifiedRowids(s.candidates(), fetchTitle, (t) => m.matches(t))) …
 */
export function searchCandidates(index: TrigramIndex, pattern: string, options: SearchOptions): TrigramSearch {
  const pt = patternTrigrams(pattern, options);
  if (pt === undefined) return noIndex('bad-pattern', 0);
  if (pt.groups.length === 0) return noIndex('no-trigrams', pt.longestLiteral);
  const n = pt.groups.length;
  const counts = new Float64Array(n);
  for (let i = 0; i < n; i++) for (const t of pt.groups[i]!) counts[i] = counts[i]! + index.count(t);
  const order = Array.from(pt.groups.keys()).sort((a, b) => counts[a]! - counts[b]! || a - b);
  const groups = order.map((i) => pt.groups[i]!);
  const sorted = order.map((i) => counts[i]!);
  const rarest = sorted[0]!;
  const ratio = options.maxListRatio ?? 64;
  let intersected = 1;
  while (intersected < n && sorted[intersected]! <= Math.max(1, rarest) * ratio) intersected++;
  const rows = options.tableRows;
  const estimated = estimateRows(pt.segmentGroups, counts, rarest, rows);
  let reason: TrigramPlanReason = 'ok';
  const threshold = options.postingsThreshold ?? DEFAULT_POSTINGS_THRESHOLD;
  if (rows !== undefined && rows > 0) {
    // Measured (bench/trigram.bench.ts): a verified candidate costs ~2-4 scanned rows.
    if (estimated > rows * (options.maxCandidateFraction ?? DEFAULT_MAX_CANDIDATE_FRACTION)) reason = 'not-selective';
  } else if (rarest > threshold && pt.longestLiteral <= SHORT_PATTERN_CHARS && options.hasOtherFilters !== true) {
    reason = 'too-common'; // the native rule, when the table size is unknown
  }
  const plan: TrigramPlan = {
    usable: reason === 'ok',
    reason,
    groups,
    counts: sorted,
    intersected,
    rarestCount: rarest,
    estimatedRows: estimated,
    longestLiteral: pt.longestLiteral,
  };
  return {
    plan,
    candidates: () => {
      const lists: PostingList[] = [];
      for (let i = 0; i < intersected; i++) {
        const l = groupPostings(index, groups[i]!);
        if (l.length === 0) return new PostingsIntersection([l]);
        lists.push(l);
      }
      lists.sort((a, b) => a.length - b.length);
      return new PostingsIntersection(lists);
    },
  };
}

/** Postings of one trigram, or the sorted union of a group's trigrams. */
function groupPostings(index: TrigramIndex, group: readonly number[]): PostingList {
  if (group.length === 1) return index.postings(group[0]!);
  const parts = group.map((t) => index.postings(t)).filter((l) => l.length > 0);
  if (parts.length === 0) return [];
  if (parts.length === 1) return parts[0]!;
  return unionPostings(parts);
}

/**
 * Trigrams of one literal segment co-occur (full correlation: the segment's rarest group bounds
 * it); separate segments are taken as independent: rarest × the selectivity of each other one.
 */
function estimateRows(segmentGroups: readonly (readonly number[])[], counts: Float64Array, rarest: number, rows: number | undefined): number {
  if (rarest === 0 || rows === undefined || rows <= 0 || segmentGroups.length < 2) return rarest;
  let est = rarest;
  let skippedRarest = false;
  for (const seg of segmentGroups) {
    if (seg.length === 0) continue;
    let m = Infinity;
    for (const g of seg) m = Math.min(m, counts[g]!);
    if (!skippedRarest && m === rarest) {
      skippedRarest = true;
      continue;
    }
    est *= Math.min(1, m / rows);
  }
  return Math.max(1, Math.ceil(est));
}

function noIndex(reason: TrigramPlanReason, longestLiteral: number): TrigramSearch {
  const plan: TrigramPlan = {
    usable: false,
    reason,
    groups: [],
    counts: [],
    intersected: 0,
    rarestCount: 0,
    estimatedRows: 0,
    longestLiteral,
  };
  return {
    plan,
    candidates: () => {
      throw new DecentDBError('ERR_INTERNAL', `trigram search without trigrams (${reason}): scan instead`);
    },
  };
}

/**
 * The candidates whose real value matches: `fetch` returns the row's text (null/undefined =
 * NULL or gone, never a match), `matches` is the exact LIKE/ILIKE matcher. Stops after `limit`.
 */
export function* verifiedRowids(
  candidates: Iterable<U64>,
  fetch: (rowid: U64) => string | null | undefined,
  matches: (text: string) => boolean,
  limit = Infinity,
): Generator<U64> {
  if (limit <= 0) return;
  let n = 0;
  for (const r of candidates) {
    const text = fetch(r);
    if (text === null || text === undefined || !matches(text)) continue;
    yield r;
    if (++n >= limit) return;
  }
}

/** One-line EXPLAIN detail: `trigram LOV(12) OVE(40) {INK|IN\xe2}(9) [+1 not intersected] est=12`. */
export function describeTrigramPlan(plan: TrigramPlan): string {
  if (plan.groups.length === 0) return `trigram unusable (${plan.reason})`;
  const label = (g: readonly number[]): string => (g.length === 1 ? trigramLabel(g[0]!) : `{${g.map(trigramLabel).join('|')}}`);
  const parts = plan.groups.slice(0, plan.intersected).map((g, i) => `${label(g)}(${plan.counts[i]})`);
  const skipped = plan.groups.length - plan.intersected;
  const tail = skipped > 0 ? ` [+${skipped} not intersected]` : '';
  const why = plan.usable ? '' : ` unusable (${plan.reason})`;
  return `trigram ${parts.join(' ')}${tail} est=${plan.estimatedRows}${why}`;
}
