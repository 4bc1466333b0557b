import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, crc32cString } from './crc32c.js';
import { readU64, writeU64 } from './bytes.js';
import { ByteReader, ByteWriter, putVarint, varintSize, zigzagDecode, zigzagEncode, type U64 } from './varint.js';
import { DecentDBError } from './errors.js';

const FIXTURE = new URL('../../../shared/fixtures/native-v3/v3_fixture.db', import.meta.url);

const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((b): U64 => (b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b));
const i64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((b) =>
  b >= -BigInt(Number.MAX_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b,
);

describe('crc32c', () => {
  it('matches the standard check value', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
  });
  it('verifies the native fixture header checksum', () => {
    const page1 = new Uint8Array(readFileSync(FIXTURE)).subarray(0, 128);
    const covered = new Uint8Array(124);
    covered.set(page1.subarray(0, 24), 0);
    covered.set(page1.subarray(28, 128), 24);
    expect(crc32c(covered)).toBe(0x4e2a7b29);
  });
  it('hashes catalog keys as the native engine does', () => {
    expect(crc32cString('table:users')).toBe(0x3c30d996);
    expect(crc32cString('index:uniq_users_name_idx')).toBe(0x05afeb20);
    expect(crc32cString('trigger:users:update_score_trigger')).toBe(0x9b306586);
  });
  it('chains: crc of a whole equals crc continued over parts', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (buf, cut) => {
        const c = Math.min(cut, buf.length);
        expect(crc32c(buf, c, buf.length, crc32c(buf, 0, c))).toBe(crc32c(buf));
      }),
    );
  });
  it('agrees with a bit-at-a-time reference at every alignment, view offset and length', () => {
    const bitwise = (b: Uint8Array, s: number, e: number, crc: number): number => {
      let c = ~crc >>> 0;
      for (let i = s; i < e; i++) {
        c ^= b[i]!;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return ~c >>> 0;
    };
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 600 }), fc.nat(7), fc.nat(600), fc.nat(600), fc.nat(),
        (bytes, shift, a, b, seed) => {
          // A view at a byteOffset that is not a multiple of 4, over a larger buffer.
          const backing = new Uint8Array(bytes.length + 8).fill(0xa5);
          const view = backing.subarray(shift, shift + bytes.length);
          view.set(bytes);
          const s = Math.min(a, b, bytes.length);
          const e = Math.min(Math.max(a, b), bytes.length);
          expect(crc32c(view, s, e, seed >>> 0)).toBe(bitwise(bytes, s, e, seed >>> 0));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('varint', () => {
  it('round-trips every u64 in canonical form', () => {
    fc.assert(
      fc.property(u64, (v) => {
        const w = new ByteWriter(4);
        w.varint(v);
        expect(w.pos).toBe(varintSize(v));
        const r = new ByteReader(w.view());
        expect(r.varint()).toEqual(v);
        expect(r.remaining).toBe(0);
      }),
      { numRuns: 2000 },
    );
  });
  it('encodes the native bytes (0x92 0x01 = 146)', () => {
    const b = new Uint8Array(10);
    expect(putVarint(b, 0, 146)).toBe(2);
    expect([...b.subarray(0, 2)]).toEqual([0x92, 0x01]);
    expect(putVarint(b, 0, (1n << 64n) - 1n)).toBe(10);
  });
  it('rejects truncated, overlong and >64-bit varints with ERR_CORRUPTION', () => {
    const bad = [Uint8Array.of(0x80), Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02), new Uint8Array(11).fill(0x80)];
    for (const b of bad) {
      const r = new ByteReader(b, 0, b.length, 7);
      expect(() => r.varint()).toThrow(DecentDBError);
      try {
        new ByteReader(b, 0, b.length, 7).varint();
      } catch (e) {
        expect((e as DecentDBError).code).toBe('ERR_CORRUPTION');
        expect((e as DecentDBError).message).toContain('page 7');
      }
    }
  });
  it('zigzag round-trips every i64 and matches the native mapping', () => {
    expect(zigzagEncode(0)).toBe(0);
    expect(zigzagEncode(-1)).toBe(1);
    expect(zigzagEncode(2)).toBe(4);
    expect(zigzagEncode(-(2n ** 63n))).toBe(2n ** 64n - 1n);
    fc.assert(
      fc.property(i64, (v) => {
        expect(zigzagDecode(zigzagEncode(v))).toEqual(v);
      }),
      { numRuns: 2000 },
    );
  });
  it('u64 little-endian fields round-trip', () => {
    fc.assert(
      fc.property(u64, (v) => {
        const b = new Uint8Array(8);
        writeU64(b, 0, v);
        expect(readU64(b, 0)).toEqual(v);
      }),
    );
  });
});
