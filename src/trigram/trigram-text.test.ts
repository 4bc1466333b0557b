import { describe, expect, it } from 'vitest';
import { TrigramExtractor, canonicalByte, packTrigram, textTrigrams, trigramLabel } from './trigram-text.js';

const t = (s: string): number => packTrigram(s.charCodeAt(0), s.charCodeAt(1), s.charCodeAt(2));

describe('trigram text', () => {
  it('uppercases ASCII letters only and packs b0<<16|b1<<8|b2', () => {
    expect(Array.from(textTrigrams('Love'))).toEqual([t('LOV'), t('OVE')]);
    expect(t('LOV')).toBe(0x4c4f56);
    expect(canonicalByte(0x7a)).toBe(0x5a);
    expect(canonicalByte(0xe9)).toBe(0xe9);
  });

  it('yields nothing below three bytes', () => {
    expect(textTrigrams('').length).toBe(0);
    expect(textTrigrams('ab').length).toBe(0);
    expect(textTrigrams('é').length).toBe(0); // 2 bytes
    expect(textTrigrams('éa').length).toBe(1); // C3 A9 41
    expect(Array.from(textTrigrams('éa'))).toEqual([0xc3a941]);
  });

  it('keeps non-ASCII bytes as they are (no Unicode folding)', () => {
    expect(Array.from(textTrigrams('É'))).toEqual(Array.from(textTrigrams('É')));
    expect(Array.from(textTrigrams('xÉx'))).not.toEqual(Array.from(textTrigrams('xéx')));
    expect(Array.from(textTrigrams('€'))).toEqual([0xe282ac]);
  });

  it('returns distinct trigrams ascending', () => {
    const g = Array.from(textTrigrams('aaaaaAAAA'));
    expect(g).toEqual([t('AAA')]);
    const h = Array.from(textTrigrams('banana band'));
    expect(h).toEqual([...new Set(h)].sort((a, b) => a - b));
  });

  it('reuses scratch buffers across calls of one extractor', () => {
    const x = new TrigramExtractor();
    const a = Array.from(x.extract('x'.repeat(1000) + 'yz'));
    expect(a).toEqual([t('XXX'), t('XXY'), t('XYZ')]);
    expect(Array.from(x.extract('abc'))).toEqual([t('ABC')]);
  });

  it('labels trigrams readably', () => {
    expect(trigramLabel(t('LOV'))).toBe('LOV');
    expect(trigramLabel(0xe282ac)).toBe('\\xe2\\x82\\xac');
  });
});
