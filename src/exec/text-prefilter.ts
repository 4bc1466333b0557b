/**
 * Byte-level pre-check of a Scan's filter: for a top-level conjunct `col [I]LIKE '%literal%'`
 * (TEXT column, ASCII literal, constant or parameter) a row whose stored UTF-8 value (format
 * §1.7) lacks the literal is rejected undecoded — exact, as a false or NULL conjunct fails the
 * filter. Undecidable rows (compressed or overflow values, the two non-ASCII characters ILIKE
 * folds into ASCII) go to the full filter, which still runs on every row kept.
 */
import type { Value } from '../record/index.js';
import { KIND, RecordReader } from '../record/index.js';
import type { BExpr } from '../planner/index.js';
import type { Compiled, Env } from './compile-expr.js';
import { compileExpr } from './compile-expr.js';

type LikeExpr = Extract<BExpr, { kind: 'like' }>;

/** The literal of '%literal%' when it is non-empty ASCII without wildcards or escapes, else null. */
function containsLiteral(pattern: Value): string | null {
  if (typeof pattern !== 'string' || pattern.length < 3) return null;
  if (pattern.charCodeAt(0) !== 0x25 || pattern.charCodeAt(pattern.length - 1) !== 0x25) return null;
  for (let i = 1; i < pattern.length - 1; i++) {
    const c = pattern.charCodeAt(i);
    if (c >= 0x80 || c === 0x25 || c === 0x5f || c === 0x5c) return null;
  }
  return pattern.slice(1, -1);
}

const lowerAscii = (b: number): number => (b >= 65 && b <= 90 ? b + 32 : b);
/** Byte → byte tables: ASCII lower-casing (ILIKE) and the identity (LIKE). */
const FOLD = Uint8Array.from({ length: 256 }, (_, b) => lowerAscii(b));
const IDENTITY = Uint8Array.from({ length: 256 }, (_, b) => b);

export class TextPrefilter {
  /** Literal bytes of this open (lower-cased for ILIKE); null when the pattern does not qualify. */
  private lit: Uint8Array | null = null;
  /** ILIKE literal containing 'i' or 'k': U+0130 and U+212A fold to them, so their bytes pass. */
  private foldRisk = false;
  /**
   * Horspool shift per stored byte: how far the window may move when the byte under its last
   * position is `b` (both cases of a literal byte for ILIKE).
   */
  private readonly shift = new Uint8Array(256);
  private readonly reader = new RecordReader();

  private constructor(
    /** Record field (table column) the conjunct tests. */
    readonly field: number,
    private readonly pattern: Compiled,
    private readonly fold: boolean,
  ) {}

  /**
   * The prefilter of `filter` for a Scan whose table columns sit at slots [offset, offset + n)
   * with `textColumns[c]` true for TEXT columns; null when no conjunct qualifies.
   */
  static of(filter: BExpr | null, offset: number, textColumns: readonly boolean[], env: Env): TextPrefilter | null {
    if (filter === null) return null;
    const conjuncts = filter.kind === 'and' ? filter.args : [filter];
    for (const c of conjuncts) {
      if (c.kind !== 'like' || !qualifies(c)) continue;
      const op = c.operand as Extract<BExpr, { kind: 'col' }>;
      const field = op.slot - offset;
      if (field < 0 || field >= textColumns.length || textColumns[field] !== true) continue;
      return new TextPrefilter(field, compileExpr(c.pattern, env), c.caseInsensitive);
    }
    return null;
  }

  /** Evaluates the pattern for this open (parameters are bound by now). */
  open(): void {
    const lit = containsLiteral(this.pattern([]));
    if (lit === null) {
      this.lit = null;
      return;
    }
    const bytes = new Uint8Array(lit.length);
    for (let i = 0; i < lit.length; i++) bytes[i] = this.fold ? lowerAscii(lit.charCodeAt(i)) : lit.charCodeAt(i);
    this.lit = bytes;
    const m = bytes.length;
    const shift = this.shift;
    shift.fill(Math.min(m, 255));
    for (let i = Math.max(0, m - 255); i < m - 1; i++) {
      const b = bytes[i]!;
      shift[b] = m - 1 - i;
      if (this.fold && b >= 97 && b <= 122) shift[b - 32] = m - 1 - i;
    }
    this.foldRisk = this.fold && (bytes.includes(0x69) || bytes.includes(0x6b));
  }

  /** True when the record at `buf[start, end)` certainly fails the filter. */
  rejects(buf: Uint8Array, start: number, end: number): boolean {
    const lit = this.lit;
    if (lit === null) return false;
    const rr = this.reader;
    if (!rr.fieldAt(buf, start, end, this.field)) return true; // absent field: NULL
    const kind = rr.kind;
    if (kind === KIND.NULL) return true;
    if (kind !== KIND.TEXT) return false;
    const s = rr.payloadStart;
    const e = rr.payloadEnd;
    const m = lit.length;
    // Horspool: test the window's last byte first, then slide by that byte's shift.
    const table = this.fold ? FOLD : IDENTITY;
    const shift = this.shift;
    const tail = lit[m - 1]!;
    for (let p = s + m - 1; p < e; ) {
      const b = buf[p]!;
      if (table[b] === tail) {
        let j = m - 2;
        const w = p - m + 1;
        while (j >= 0 && table[buf[w + j]!] === lit[j]) j--;
        if (j < 0) return false;
      }
      p += shift[b]!;
    }
    if (this.foldRisk) {
      // 'İ' is C4 B0 and 'K' E2 84 AA in UTF-8: leave such rows to the full filter.
      for (let p = s; p < e; p++) {
        const b = buf[p]!;
        if (b === 0xc4 || b === 0xe2) return false;
      }
    }
    return true;
  }
}

/** `col [I]LIKE pattern` with a constant or parameter pattern and the default escape. */
function qualifies(e: LikeExpr): boolean {
  return !e.not && e.escape === null && e.operand.kind === 'col' && (e.pattern.kind === 'const' || e.pattern.kind === 'param');
}
