// Trigrams of a TEXT value as the native index stores them (spec/native-format.md §1.11):
// UTF-8 bytes, ASCII-only uppercase (a-z → A-Z, every other byte unchanged), every run of three
// consecutive bytes packed b0<<16 | b1<<8 | b2; fewer than 3 bytes give none; a row contributes
// its set of distinct trigrams. Does not know about patterns (pattern-trigrams.ts) or storage.
import { utf8Encoder } from '../util/index.js';

/** Largest packed trigram (24 bits). */
export const MAX_TRIGRAM = 0xffffff;

/** `b0<<16 | b1<<8 | b2` of three canonical bytes. */
export const packTrigram = (b0: number, b1: number, b2: number): number => (b0 << 16) | (b1 << 8) | b2;

/** ASCII-only uppercase of one byte: the native canonicalisation. */
export const canonicalByte = (b: number): number => (b >= 0x61 && b <= 0x7a ? b - 32 : b);

/** Readable form of a trigram for EXPLAIN and messages ('LOV'; non-printable bytes as \xNN). */
export function trigramLabel(t: number): string {
  let s = '';
  for (const b of [(t >>> 16) & 0xff, (t >>> 8) & 0xff, t & 0xff]) {
    s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/**
 * Extracts the distinct sorted trigrams of texts into reused scratch buffers, so indexing a
 * table allocates nothing per row. The returned view is valid until the next call.
 */
export class TrigramExtractor {
  private bytes = new Uint8Array(256);
  private grams = new Uint32Array(256);

  /** Distinct trigrams of `text`, ascending. */
  extract(text: string): Uint32Array {
    const need = text.length * 3;
    if (this.bytes.length < need) this.bytes = new Uint8Array(need * 2);
    const n = utf8Encoder.encodeInto(text, this.bytes).written;
    return this.extractBytes(this.bytes, n);
  }

  /** Distinct trigrams of the canonicalised first `n` bytes of `raw` (raw is not modified). */
  extractBytes(raw: Uint8Array, n: number): Uint32Array {
    if (n < 3) return this.grams.subarray(0, 0);
    if (this.grams.length < n) this.grams = new Uint32Array(n * 2);
    const g = this.grams;
    let b0 = canonicalByte(raw[0]!);
    let b1 = canonicalByte(raw[1]!);
    for (let i = 2; i < n; i++) {
      const b2 = canonicalByte(raw[i]!);
      g[i - 2] = (b0 << 16) | (b1 << 8) | b2;
      b0 = b1;
      b1 = b2;
    }
    const view = g.subarray(0, n - 2);
    view.sort();
    let w = 1;
    for (let r = 1; r < view.length; r++) if (view[r] !== view[w - 1]) view[w++] = view[r]!;
    return g.subarray(0, w);
  }
}

const shared = new TrigramExtractor();

/**
 * Distinct trigrams of `text`, ascending (a copy).
 * @example textTrigrams('Love') // → [0x4c4f56 'LOV', 0x4f5645 'OVE']
 */
export function textTrigrams(text: string): Uint32Array {
  return shared.extract(text).slice();
}
