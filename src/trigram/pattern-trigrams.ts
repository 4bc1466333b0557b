// Trigram requirements a LIKE/ILIKE pattern puts on every matching value (ADR-0007). The pattern's
// literal segments (split at '%' and '_', ESCAPE resolved — the same tokens as exec/like.ts,
// which sits above this layer) match consecutive characters of the value. Each pattern character
// matches one of a class of value characters: itself for LIKE; for ILIKE every character with
// the same per-code-point toLowerCase (exec/like.ts foldCodePoint): 'k' → {k, K, U+212A KELVIN
// SIGN}, 'é' → {é, É}. The index holds ASCII-uppercased bytes only, so for each byte position
// of the segment we enumerate the class members it can start with and emit an OR-group: the
// value must contain at least one trigram of the group. A group is dropped (no requirement)
// when a choice would run off the segment, passes a lone surrogate, or has too many choices.
// So a true match is never dropped; the caller verifies candidates with the real matcher.
import { utf8Encoder } from '../util/index.js';
import { canonicalByte } from './trigram-text.js';

export interface PatternTrigrams {
  /** Requirements: the value must contain one trigram of every group (each ascending). */
  readonly groups: readonly (readonly number[])[];
  /** For each literal segment, the indexes of its groups (a segment's groups co-occur). */
  readonly segmentGroups: readonly (readonly number[])[];
  /** Literal segments (escapes resolved). */
  readonly segments: readonly string[];
  /** Code points in the longest literal segment (the native guardrails' "pattern length"). */
  readonly longestLiteral: number;
}

/** Upper bound of the code points scanned for case mappings (no lower-case mapping lies above; tested). */
export const CASE_SCAN_LIMIT = 0x20000;
/** A group with more alternatives than this is dropped (no requirement). */
export const MAX_GROUP_CHOICES = 64;

/**
 * Per-code-point lower case as exec/like.ts foldCodePoint (towlower under C.UTF-8): identity
 * when toLowerCase gives more than one code point; 'İ' → 'i'.
 */
export function foldCodePoint(cp: number): number {
  if (cp < 0x80) return cp >= 65 && cp <= 90 ? cp + 32 : cp;
  if (cp === 0x130) return 0x69;
  if (cp >= 0xd800 && cp <= 0xdfff) return cp;
  const lower = String.fromCodePoint(cp).toLowerCase();
  const first = lower.codePointAt(0)!;
  return lower.length === (first > 0xffff ? 2 : 1) ? first : cp;
}

let classes: Map<number, readonly number[]> | undefined;

/** Fold classes with more than one member, keyed by every member. */
function foldClasses(): Map<number, readonly number[]> {
  if (classes !== undefined) return classes;
  const inv = new Map<number, number[]>();
  for (let cp = 0; cp < CASE_SCAN_LIMIT; cp++) {
    if (cp === 0xd800) cp = 0xe000;
    const f = foldCodePoint(cp);
    if (f === cp) continue;
    let l = inv.get(f);
    if (l === undefined) inv.set(f, (l = []));
    l.push(cp);
  }
  const out = new Map<number, readonly number[]>();
  for (const [f, sources] of inv) {
    const members = foldCodePoint(f) === f ? [f, ...sources] : sources;
    if (members.length < 2) continue;
    members.sort((a, b) => a - b);
    for (const m of members) out.set(m, members);
  }
  classes = out;
  return out;
}

/** The value characters a pattern character matches: [cp] for LIKE, its fold class for ILIKE. */
export function matchClass(cp: number, caseInsensitive: boolean): readonly number[] {
  if (!caseInsensitive) return [cp];
  return foldClasses().get(cp) ?? [cp];
}

/**
 * Literal segments of a LIKE pattern: escape undefined = backslash, null or '' = none. Returns
 * undefined for patterns the matcher rejects or treats specially (a trailing escape, an ESCAPE
 * longer than one character): the caller then scans and lets the matcher decide.
 */
export function patternSegments(pattern: string, escape?: string | null): string[] | undefined {
  let esc: number | null = 0x5c;
  if (escape === null || escape === '') esc = null;
  else if (escape !== undefined) {
    const cp = escape.codePointAt(0)!;
    if (String.fromCodePoint(cp).length !== escape.length) return undefined;
    esc = cp;
  }
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < pattern.length; ) {
    let cp = pattern.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (esc !== null && cp === esc) {
      if (i >= pattern.length) return undefined;
      cp = pattern.codePointAt(i)!;
      i += cp > 0xffff ? 2 : 1;
      cur += String.fromCodePoint(cp);
    } else if (cp === 0x25 || cp === 0x5f) {
      if (cur.length > 0) out.push(cur);
      cur = '';
    } else {
      cur += String.fromCodePoint(cp);
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}

const isSurrogate = (cp: number): boolean => cp >= 0xd800 && cp <= 0xdfff;
const charBytes = new Map<number, Uint8Array>();

/** Canonical (ASCII-uppercased) UTF-8 bytes of one code point. */
function canonicalBytes(cp: number): Uint8Array {
  let b = charBytes.get(cp);
  if (b === undefined) {
    b = utf8Encoder.encode(String.fromCodePoint(cp)).map(canonicalByte);
    if (charBytes.size < 4096) charBytes.set(cp, b);
  }
  return b;
}

/**
 * The trigram alternatives starting at byte `offset` of segment position `i`, over every choice
 * of class members; undefined when some choice yields no trigram there (or choices explode).
 */
function groupAt(classesOf: readonly (readonly number[])[], i: number, offset: number): number[] | undefined {
  const out = new Set<number>();
  let choices = 0;
  // Depth-first over (position, member); `need` bytes still to collect into `acc`.
  const walk = (pos: number, skip: number, acc: number, need: number): boolean => {
    if (need === 0) {
      out.add(acc);
      return ++choices <= MAX_GROUP_CHOICES;
    }
    if (pos >= classesOf.length) return false;
    for (const cp of classesOf[pos]!) {
      if (isSurrogate(cp)) return false;
      const b = canonicalBytes(cp);
      if (skip >= b.length) return false; // this member has no byte at `offset`
      let a = acc;
      let n = need;
      let k = skip;
      for (; k < b.length && n > 0; k++, n--) a = (a << 8) | b[k]!;
      if (!walk(pos + 1, 0, a, n)) return false;
    }
    return true;
  };
  if (!walk(i, offset, 0, 3)) return undefined;
  return [...out].sort((a, b) => a - b);
}

/** Requirements of a pattern, or undefined when it is not analysable (see patternSegments). */
export function patternTrigrams(pattern: string, options: { readonly caseInsensitive: boolean; readonly escape?: string | null }): PatternTrigrams | undefined {
  const segments = patternSegments(pattern, options.escape);
  if (segments === undefined) return undefined;
  const groups: number[][] = [];
  const seen = new Map<string, number>();
  const segmentGroups: number[][] = [];
  let longest = 0;
  for (const seg of segments) {
    const classesOf: (readonly number[])[] = [];
    for (const ch of seg) classesOf.push(matchClass(ch.codePointAt(0)!, options.caseInsensitive));
    longest = Math.max(longest, classesOf.length);
    const mine: number[] = [];
    for (let i = 0; i < classesOf.length; i++) {
      let maxLen = 4;
      for (const cp of classesOf[i]!) maxLen = Math.min(maxLen, isSurrogate(cp) ? 0 : canonicalBytes(cp).length);
      for (let offset = 0; offset < maxLen; offset++) {
        const g = groupAt(classesOf, i, offset);
        if (g === undefined) continue;
        const key = g.join(',');
        let at = seen.get(key);
        if (at === undefined) {
          at = groups.length;
          groups.push(g);
          seen.set(key, at);
        }
        if (!mine.includes(at)) mine.push(at);
      }
    }
    segmentGroups.push(mine);
  }
  return { groups, segmentGroups, segments, longestLiteral: longest };
}
