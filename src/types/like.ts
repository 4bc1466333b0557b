/**
 * LIKE / ILIKE: a pattern is compiled once into literal segments split at '%', each a fixed run of
 * code points and '_' wildcards; matching anchors the first and last segment and finds the middle
 * ones leftmost-first, which is exact for fixed-length segments and never backtracks
 * (O(n·m) worst case; the one RegExp is a plain literal search). '_' is one character (code
 * point), as in Postgres on UTF-8.
 * ILIKE folds both sides with per-code-point toLowerCase (Postgres lower() under C.UTF-8 ctype);
 * a character whose lower case is several code points stays as it is. Patterns without '_' and
 * with BMP literals match on UTF-16 code units directly; '%literal%' uses the engine's string
 * search (indexOf, or a case-insensitive RegExp for ILIKE of an ASCII literal).
 */
import { sqlError } from '../util/index.js';

const ANY = -1;

export interface LikeOptions {
  /** The escape character: default backslash; '' or null disables escaping (ESCAPE ''). */
  readonly escape?: string | null;
  /** ILIKE. */
  readonly caseInsensitive?: boolean;
}

/** A compiled pattern; `matches` allocates nothing per call (a scratch buffer is reused). */
export interface LikeMatcher {
  matches(subject: string): boolean;
}

const foldCache = new Map<number, number>([[0x130, 0x69]]); // towlower('İ') = 'i'

/**
 * Simple lower-case mapping of one code point (identity when the full mapping is not 1:1), as
 * towlower under C.UTF-8. Measured against PGlite (musl tables) on U+0080..U+30D3F: equal except
 * circled letters (Ⓐ), Greek iota-subscript capitals and letters added in recent Unicode
 * versions, which follow the JS engine's tables here.
 */
export function foldCodePoint(cp: number): number {
  if (cp < 0x80) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
  let f = foldCache.get(cp);
  if (f === undefined) {
    const lower = String.fromCodePoint(cp).toLowerCase();
    const first = lower.codePointAt(0)!;
    f = lower.length === String.fromCodePoint(first).length ? first : cp;
    foldCache.set(cp, f);
  }
  return f;
}

function escapeChar(escape: string | null | undefined): number | null {
  if (escape === undefined) return 0x5c;
  if (escape === null || escape === '') return null;
  const cp = escape.codePointAt(0)!;
  if (String.fromCodePoint(cp).length !== escape.length) {
    throw sqlError('invalid escape string', { hint: 'Escape string must be empty or one character.' });
  }
  return cp;
}

type Token =
  | { readonly kind: 'lit'; readonly cp: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'pct' }
  | { readonly kind: 'badEscape' };

const TRAILING_ESCAPE = 'LIKE pattern must not end with escape character';

/** Splits a pattern into tokens; a trailing escape becomes a 'badEscape' token when `lazy`, else an error. */
function tokenize(pattern: string, esc: number | null, lazy = false): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    let cp = pattern.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (esc !== null && cp === esc) {
      if (i >= pattern.length) {
        if (!lazy) throw sqlError(TRAILING_ESCAPE);
        tokens.push({ kind: 'badEscape' });
        break;
      }
      cp = pattern.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      tokens.push({ kind: 'lit', cp });
    } else if (cp === 0x25) {
      tokens.push({ kind: 'pct' });
    } else if (cp === 0x5f) {
      tokens.push({ kind: 'any' });
    } else {
      tokens.push({ kind: 'lit', cp });
    }
  }
  return tokens;
}

class SegmentMatcher implements LikeMatcher {
  private scratch = new Int32Array(64);

  /** segments[0] is anchored at the start, segments[last] at the end when hasPercent. */
  constructor(
    private readonly segments: readonly Int32Array[],
    private readonly hasPercent: boolean,
    private readonly fold: boolean,
  ) {}

  matches(subject: string): boolean {
    const n = this.load(subject);
    const s = this.scratch;
    const segs = this.segments;
    const first = segs[0]!;
    if (!this.hasPercent) return n === first.length && at(s, 0, first);
    const last = segs[segs.length - 1]!;
    if (n < first.length + last.length) return false;
    if (!at(s, 0, first) || !at(s, n - last.length, last)) return false;
    let pos = first.length;
    const end = n - last.length;
    for (let k = 1; k < segs.length - 1; k++) {
      const seg = segs[k]!;
      let found = -1;
      for (let p = pos; p + seg.length <= end; p++) {
        if (at(s, p, seg)) {
          found = p;
          break;
        }
      }
      if (found < 0) return false;
      pos = found + seg.length;
    }
    return true;
  }

  /** Decodes `subject` into code points (folded for ILIKE) in the scratch buffer; returns the count. */
  private load(subject: string): number {
    if (this.scratch.length < subject.length) this.scratch = new Int32Array(subject.length * 2);
    const s = this.scratch;
    let n = 0;
    for (let i = 0; i < subject.length; i++) {
      let c = subject.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < subject.length) {
        const d = subject.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          i++;
        }
      }
      s[n++] = this.fold ? foldCodePoint(c) : c;
    }
    return n;
  }
}

const LIKE_TRUE = 1;
const LIKE_FALSE = 0;
const LIKE_ABORT = -1;

/**
 * A port of Postgres MatchText (like_match.c) over tokens, used only for patterns ending in a
 * lone escape: Postgres raises that error lazily, only when matching reaches the escape while
 * text remains ('' LIKE '\' is false, 'a' LIKE '\' is an error), so we must walk as it does.
 */
class PostgresMatcher implements LikeMatcher {
  private readonly pat: Int32Array; // -1 any, -2 percent, -3 bad escape, else a code point
  constructor(tokens: readonly Token[], private readonly fold: boolean) {
    this.pat = Int32Array.from(tokens, (t) =>
      t.kind === 'any' ? -1 : t.kind === 'pct' ? -2 : t.kind === 'badEscape' ? -3 : fold ? foldCodePoint(t.cp) : t.cp,
    );
  }

  matches(subject: string): boolean {
    const t: number[] = [];
    for (const ch of subject) t.push(this.fold ? foldCodePoint(ch.codePointAt(0)!) : ch.codePointAt(0)!);
    return this.match(t, 0, 0) === LIKE_TRUE;
  }

  private match(t: readonly number[], ti: number, pi: number): number {
    const p = this.pat;
    if (p.length - pi === 1 && p[pi] === -2) return LIKE_TRUE;
    while (ti < t.length && pi < p.length) {
      const c = p[pi]!;
      if (c === -3) throw sqlError(TRAILING_ESCAPE);
      if (c === -2) {
        pi++;
        while (pi < p.length) {
          if (p[pi] === -2) pi++;
          else if (p[pi] === -1) {
            if (ti >= t.length) return LIKE_ABORT;
            ti++;
            pi++;
          } else break;
        }
        if (pi >= p.length) return LIKE_TRUE;
        if (p[pi] === -3) throw sqlError(TRAILING_ESCAPE);
        const first = p[pi]!;
        for (; ti < t.length; ti++) {
          if (t[ti] === first) {
            const m = this.match(t, ti, pi);
            if (m !== LIKE_FALSE) return m;
          }
        }
        return LIKE_ABORT;
      }
      if (c !== -1 && c !== t[ti]) return LIKE_FALSE;
      ti++;
      pi++;
    }
    if (ti < t.length) return LIKE_FALSE;
    while (pi < p.length && p[pi] === -2) pi++;
    return pi >= p.length ? LIKE_TRUE : LIKE_ABORT;
  }
}

/**
 * SegmentMatcher's algorithm over the subject's UTF-16 code units, with no per-call decode:
 * for patterns without '_' whose (folded) literals are all BMP non-surrogates. Equivalent
 * there: such a literal never equals half of a surrogate pair, no astral code point folds into
 * the BMP, and without '_' nothing counts code points ('%' absorbs a pair like any run).
 */
class UnitMatcher implements LikeMatcher {
  constructor(
    private readonly segments: readonly Int32Array[],
    private readonly hasPercent: boolean,
    private readonly fold: boolean,
  ) {}

  matches(s: string): boolean {
    const n = s.length;
    const segs = this.segments;
    const first = segs[0]!;
    if (!this.hasPercent) return n === first.length && this.at(s, 0, first);
    const last = segs[segs.length - 1]!;
    if (n < first.length + last.length) return false;
    if (!this.at(s, 0, first) || !this.at(s, n - last.length, last)) return false;
    let pos = first.length;
    const end = n - last.length;
    for (let k = 1; k < segs.length - 1; k++) {
      const seg = segs[k]!;
      let found = -1;
      for (let p = pos; p + seg.length <= end; p++) {
        if (this.at(s, p, seg)) {
          found = p;
          break;
        }
      }
      if (found < 0) return false;
      pos = found + seg.length;
    }
    return true;
  }

  private at(s: string, p: number, seg: Int32Array): boolean {
    const fold = this.fold;
    for (let j = 0; j < seg.length; j++) {
      let c = s.charCodeAt(p + j);
      if (fold) c = c < 0x80 ? (c >= 65 && c <= 90 ? c + 32 : c) : foldCodePoint(c);
      if (c !== seg[j]) return false;
    }
    return true;
  }
}

/** Non-ASCII code points that foldCodePoint maps into ASCII: U+0130 'İ' → 'i', U+212A 'K' → 'k'. */
const FOLDS_TO_ASCII = /[\u0130\u212a]/;

/**
 * '%literal%' (the common substring search) by the engine's own string search: String
 * indexOf for LIKE (exact on code units, as UnitMatcher), and for ILIKE of an ASCII literal a
 * case-insensitive RegExp, which (without the u flag) matches an ASCII pattern character only
 * to the same ASCII letter in either case; the two non-ASCII characters that fold into ASCII
 * send the subject to the exact matcher instead.
 */
class ContainsMatcher implements LikeMatcher {
  private readonly re: RegExp | null;
  constructor(
    private readonly literal: string,
    private readonly exact: UnitMatcher,
    fold: boolean,
  ) {
    this.re = fold ? new RegExp(literal.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'), 'i') : null;
  }

  matches(subject: string): boolean {
    const re = this.re;
    if (re === null) return subject.indexOf(this.literal) >= 0;
    if (re.test(subject)) return true;
    return FOLDS_TO_ASCII.test(subject) && this.exact.matches(subject);
  }
}

/** The matcher for '%x%' with one literal segment x when ContainsMatcher applies, else null. */
function containsMatcher(segments: readonly Int32Array[], hasPercent: boolean, fold: boolean): LikeMatcher | null {
  if (!hasPercent || segments.length !== 3 || segments[0]!.length !== 0 || segments[2]!.length !== 0) return null;
  const mid = segments[1]!;
  if (mid.length === 0) return null;
  if (fold) for (let j = 0; j < mid.length; j++) if (mid[j]! >= 0x80) return null;
  return new ContainsMatcher(String.fromCharCode(...mid), new UnitMatcher(segments, hasPercent, fold), fold);
}

/** True when every segment value is a BMP code point outside the surrogate range (no '_'). */
function unitSafe(segments: readonly Int32Array[]): boolean {
  for (const seg of segments) {
    for (let j = 0; j < seg.length; j++) {
      const c = seg[j]!;
      if (c < 0 || c > 0xffff || (c >= 0xd800 && c <= 0xdfff)) return false;
    }
  }
  return true;
}

function at(s: Int32Array, p: number, seg: Int32Array): boolean {
  for (let j = 0; j < seg.length; j++) {
    const t = seg[j]!;
    if (t !== ANY && t !== s[p + j]) return false;
  }
  return true;
}

/**
 * Compiles a LIKE pattern. Errors as Postgres: a trailing escape character, an ESCAPE longer
 * than one character.
 */
export function compileLike(pattern: string, options: LikeOptions = {}): LikeMatcher {
  const fold = options.caseInsensitive === true;
  const tokens = tokenize(pattern, escapeChar(options.escape), true);
  if (tokens.length > 0 && tokens[tokens.length - 1]!.kind === 'badEscape') return new PostgresMatcher(tokens, fold);
  const segments: Int32Array[] = [];
  let cur: number[] = [];
  let hasPercent = false;
  for (const t of tokens) {
    if (t.kind === 'pct') {
      hasPercent = true;
      segments.push(Int32Array.from(cur));
      cur = [];
    } else {
      cur.push(t.kind === 'lit' ? (fold ? foldCodePoint(t.cp) : t.cp) : ANY);
    }
  }
  segments.push(Int32Array.from(cur));
  const segs = segments.filter((seg, i) => seg.length > 0 || i === 0 || i === segments.length - 1);
  if (!unitSafe(segs)) return new SegmentMatcher(segs, hasPercent, fold);
  return containsMatcher(segs, hasPercent, fold) ?? new UnitMatcher(segs, hasPercent, fold);
}

const cache = new Map<string, LikeMatcher>();

/** `subject LIKE pattern` with a small per-process cache of compiled patterns; NULL in → NULL out. */
export function sqlLike(subject: string | null, pattern: string | null, options: LikeOptions = {}): boolean | null {
  if (subject === null || pattern === null) return null;
  const key = `${options.caseInsensitive === true ? 'i' : 'c'}${options.escape === undefined ? '\\' : options.escape ?? ''}\u0000${pattern}`;
  let m = cache.get(key);
  if (m === undefined) {
    if (cache.size >= 256) cache.clear();
    m = compileLike(pattern, options);
    cache.set(key, m);
  }
  return m.matches(subject);
}

/**
 * The maximal runs of literal characters in a pattern, split at '%' and '_' (escapes resolved):
 * what a trigram index can require of a matching string. 'ab%c_de' → ['ab', 'c', 'de'].
 */
export function likeLiteralSegments(pattern: string, escape: string | null = '\\'): string[] {
  const out: string[] = [];
  let cur = '';
  for (const t of tokenize(pattern, escapeChar(escape))) {
    if (t.kind === 'lit') {
      cur += String.fromCodePoint(t.cp);
    } else if (cur.length > 0) {
      out.push(cur);
      cur = '';
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

/** The literal prefix before the first wildcard ('abc%' → 'abc'), for index range scans; exact = no wildcard at all. */
export function likeLiteralPrefix(pattern: string, escape: string | null = '\\'): { prefix: string; exact: boolean } {
  let prefix = '';
  for (const t of tokenize(pattern, escapeChar(escape))) {
    if (t.kind !== 'lit') return { prefix, exact: false };
    prefix += String.fromCodePoint(t.cp);
  }
  return { prefix, exact: true };
}
