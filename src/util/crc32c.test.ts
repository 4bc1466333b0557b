// CRC-32C: published check values, agreement with a bit-at-a-time model at random offsets,
// lengths, alignments (the word loop vs the byte tail) and seeds, and chaining across cuts as
// the WAL trailer chain uses it. util.test.ts covers the basic call forms too.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc32c } from './crc32c.js';

const bitwise = (b: Uint8Array, s: number, e: number, crc: number): number => {
  let c = ~crc >>> 0;
  for (let i = s; i < e; i++) {
    c ^= b[i]!;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
};

/** RFC 3720 appendix B.4 vectors (32 bytes each) and the iSCSI check value. */
const VECTORS: Array<[string, Uint8Array, number]> = [
  ['"123456789"', new TextEncoder().encode('123456789'), 0xe3069283],
  ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
  ['32 bytes 0xff', new Uint8Array(32).fill(0xff), 0x62a8ab43],
  ['32 ascending bytes', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
  ['32 descending bytes', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), 0x113fdb5c],
];

describe('crc32c', () => {
  it('matches the RFC 3720 vectors at several alignments', () => {
    for (const [, bytes, want] of VECTORS) {
      expect(crc32c(bytes)).toBe(want);
      for (const at of [1, 3, 100]) {
        const scratch = new Uint8Array(at + bytes.length + 8);
        scratch.set(bytes, at);
        expect(crc32c(scratch, at, at + bytes.length)).toBe(want);
        expect(crc32c(scratch.subarray(at, at + bytes.length))).toBe(want);
      }
    }
    const long = new Uint8Array(32 * 40);
    for (let i = 0; i < long.length; i++) long[i] = (i * 7) & 0xff;
    expect(crc32c(long)).toBe(bitwise(long, 0, long.length, 0));
  });

  it('agrees with the bit-at-a-time model at random offsets, lengths and seeds', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 2000 }), fc.nat(40), fc.nat(2000), fc.nat(2000), fc.nat(),
        (bytes, at, a, b, seed) => {
          const scratch = new Uint8Array(at + bytes.length);
          scratch.set(bytes, at);
          const s = Math.min(a, b, bytes.length);
          const e = Math.min(Math.max(a, b), bytes.length);
          const want = bitwise(bytes, s, e, seed >>> 0);
          expect(crc32c(scratch, at + s, at + e, seed >>> 0)).toBe(want);
          expect(crc32c(scratch.subarray(at), s, e, seed >>> 0)).toBe(want);
          expect(crc32c(bytes, s, e, seed >>> 0)).toBe(want);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('chains across cuts exactly as one pass (the WAL trailer chain), and an empty range returns the seed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 5000 }), fc.array(fc.nat(5000), { maxLength: 6 }), (bytes, cuts) => {
        const points = [...new Set([0, ...cuts.map((c) => c % bytes.length), bytes.length])].sort((x, y) => x - y);
        let c = 0;
        for (let i = 1; i < points.length; i++) c = crc32c(bytes, points[i - 1]!, points[i]!, c);
        expect(c).toBe(crc32c(bytes));
      }),
      { numRuns: 100 },
    );
    expect(crc32c(new Uint8Array(10), 5, 5, 0x1234)).toBe(0x1234);
  });
});
