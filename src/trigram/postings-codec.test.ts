import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DecentDBError } from '../util/index.js';
import type { U64 } from '../util/index.js';
import {
  ChunkWriter,
  MAX_CHUNK_ID,
  POSTINGS_CHUNK_BYTES,
  PostingsDecoder,
  chunkPostingsCount,
  decodePostings,
  encodePostings,
  keyChunk,
  keyTrigram,
  postingsKey,
} from './postings-codec.js';

const sortedUnique = (xs: U64[]): U64[] => {
  const s = [...new Set(xs)];
  s.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return s;
};

const u64 = fc.oneof(
  fc.integer({ min: 0, max: 5000 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.bigInt({ min: 2n ** 53n, max: 2n ** 64n - 1n }),
);

describe('postings codec', () => {
  it('round-trips sorted rowids, bigints included', () => {
    fc.assert(
      fc.property(fc.array(u64, { maxLength: 600 }), (xs) => {
        const list = sortedUnique(xs);
        const chunks = encodePostings(list);
        expect(Array.from(decodePostings(chunks))).toEqual(list);
        expect(chunks.reduce((n, c) => n + chunkPostingsCount(c), 0)).toBe(list.length);
      }),
      { numRuns: 200 },
    );
  });

  it('cuts chunks at the first varint boundary at or past 400 bytes', () => {
    const list: number[] = [];
    for (let i = 0, r = 0; i < 2000; i++) list.push((r += 1 + ((i * 7919) % 300)));
    const chunks = encodePostings(list);
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      expect(c[c.length - 1]!).toBeLessThan(0x80); // never ends inside a varint
      if (i < chunks.length - 1) {
        expect(c.length).toBeGreaterThanOrEqual(POSTINGS_CHUNK_BYTES);
        // the boundary is the first one at or past the threshold
        expect(c.subarray(POSTINGS_CHUNK_BYTES - 1, c.length - 1).every((b) => b >= 0x80)).toBe(true);
      }
    }
  });

  it('continues deltas across chunks (chunk 1 alone decodes to deltas, not rowids)', () => {
    const list = Array.from({ length: 500 }, (_, i) => 1000 + i * 3);
    const chunks = encodePostings(list);
    expect(chunks.length).toBe(2);
    expect(chunkPostingsCount(chunks[0]!)).toBe(399); // 2-byte first delta + 398 one-byte deltas
    // Decoded on its own, chunk 1 restarts from 0: its values are running sums of deltas of 3.
    const second = Array.from(decodePostings([chunks[1]!]));
    expect(second).toEqual(Array.from({ length: 101 }, (_, i) => 3 * (i + 1)));
  });

  it('packs keys below 2^40 and unpacks them', () => {
    const k = postingsKey(0xffffff, MAX_CHUNK_ID);
    expect(k).toBe(2 ** 40 - 1);
    expect(keyTrigram(postingsKey(0x4c4f56, 7))).toBe(0x4c4f56);
    expect(keyChunk(postingsKey(0x4c4f56, 7))).toBe(7);
  });

  it('rejects corrupt postings with ERR_CORRUPTION', () => {
    const bad = (bytes: number[]): unknown => {
      try {
        new PostingsDecoder(1).chunk(Uint8Array.from(bytes), 0, 9);
        return undefined;
      } catch (e) {
        return e;
      }
    };
    for (const b of [[0x80], [5, 0], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 1]]) {
      const e = bad(b);
      expect(e).toBeInstanceOf(DecentDBError);
      expect((e as DecentDBError).code).toBe('ERR_CORRUPTION');
    }
    // 2^64 - 1 then +1 overflows
    const max = encodePostings([2n ** 64n - 1n])[0]!;
    expect((bad([...max, 1]) as DecentDBError).code).toBe('ERR_CORRUPTION');
  });

  it('refuses non-ascending input when writing', () => {
    const w = new ChunkWriter();
    w.push(5);
    expect(() => w.push(5)).toThrow(DecentDBError);
  });
});
