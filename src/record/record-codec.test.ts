import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError, fromHex, toHex } from '../util/index.js';
import type { OverflowStore } from './overflow.js';
import { inlineOnly } from './overflow.js';
import {
  KIND,
  RecordReader,
  decodeField,
  decodeFields,
  decodeRecord,
  decodeRecordRaw,
  encodeRecord,
  recordKinds,
  recordOverflowHeads,
} from './record-codec.js';
import { Decimal, Timestamp } from './value.js';
import type { SqlType, Value } from './value.js';

const T = {
  int: { base: 'INT64' },
  float: { base: 'FLOAT64' },
  bool: { base: 'BOOL' },
  text: { base: 'TEXT' },
  blob: { base: 'BLOB' },
  uuid: { base: 'UUID' },
  dec: { base: 'DECIMAL', precision: 18, scale: 2 },
  ts: { base: 'TIMESTAMP' },
} as const satisfies Record<string, SqlType>;

/** An in-memory chain store: counts writes, hands out fake head pages. */
class FakeOverflow implements OverflowStore {
  readonly chains = new Map<number, Uint8Array>();
  next = 100;
  constructor(readonly pageSize = 4096) {}
  write(bytes: Uint8Array): number {
    const head = this.next++;
    this.chains.set(head, bytes.slice());
    return head;
  }
  read(head: number, totalLen: number): Uint8Array {
    const b = this.chains.get(head);
    if (b === undefined) throw new DecentDBError('ERR_CORRUPTION', `page ${head}: no chain`);
    return b.slice(0, totalLen);
  }
}

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = s >>> 24;
  }
  return out;
}

function roundTrip(values: Value[], types: SqlType[], ov: OverflowStore = new FakeOverflow()): Value[] {
  return decodeRecord(encodeRecord(values, types, ov), ov);
}

function expectCorrupt(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DecentDBError);
    expect((e as DecentDBError).code).toBe('ERR_CORRUPTION');
    return;
  }
  throw new Error('expected ERR_CORRUPTION');
}

const fixture = readFileSync(new URL('../../../shared/fixtures/native-v3/v3_fixture.db', import.meta.url));
// Leaf page 3 (users): cells at 8 = [key 01][control 0x60][48 bytes], then [01][92 01][73 bytes].
const aliceBytes = new Uint8Array(fixture.subarray(2 * 4096 + 10, 2 * 4096 + 10 + 48));
const bobBytes = new Uint8Array(fixture.subarray(2 * 4096 + 61, 2 * 4096 + 61 + 73));
const userTypes: SqlType[] = [T.int, T.bool, T.float, T.text, T.text, T.blob, { base: 'DECIMAL', precision: 10, scale: 2 }, T.ts];

describe('record codec: native writer policy', () => {
  it('writes INT64 0 and 1 as kinds 15/16 and other ints as zigzag kind 1', () => {
    const bytes = encodeRecord([0, 1, 2, -1, 2n], [T.int, T.int, T.int, T.int, T.int], inlineOnly());
    expect(toHex(bytes)).toBe('050f001000010104010101010104');
  });

  it('writes booleans as kinds 13/14 and FLOAT64 0.0 as a full kind 3', () => {
    const bytes = encodeRecord([false, true, 0, 1], [T.bool, T.bool, T.float, T.float], inlineOnly());
    expect(recordKinds(bytes)).toEqual([KIND.BOOL_FALSE, KIND.BOOL_TRUE, KIND.FLOAT64, KIND.FLOAT64]);
    expect(bytes.length).toBe(1 + 2 + 2 + 10 + 10);
  });

  it('keeps 128-byte text raw and compresses compressible 129-byte text', () => {
    const ov = new FakeOverflow();
    const b128 = encodeRecord(['x'.repeat(128)], [T.text], ov);
    const b129 = encodeRecord(['x'.repeat(129)], [T.text], ov);
    expect(recordKinds(b128)).toEqual([KIND.TEXT]);
    expect(recordKinds(b129)).toEqual([KIND.TEXT_COMPRESSED]);
    expect(decodeRecord(b129, ov)).toEqual(['x'.repeat(129)]);
  });

  it('stores an incompressible 200-byte blob raw', () => {
    const blob = randomBytes(200, 12345);
    const bytes = encodeRecord([blob], [T.blob], new FakeOverflow());
    expect(recordKinds(bytes)).toEqual([KIND.BLOB]);
    expect(decodeRecord(bytes, null)).toEqual([blob]);
  });

  it('moves payloads above pageSize-128 to a chain (kinds 6/7 raw, 10 or 8/9 when compressed)', () => {
    const ov = new FakeOverflow();
    const rnd = randomBytes(5000, 7);
    const text = String.fromCharCode(...randomBytes(5000, 9).map((b) => 33 + (b % 90)));
    const values: Value[] = [text, rnd, 'A'.repeat(5000), new Uint8Array(5000)];
    const types: SqlType[] = [T.text, T.blob, T.text, T.blob];
    // A compressor that never helps forces the raw chain kinds for the text too.
    const noGain = (b: Uint8Array): Uint8Array => new Uint8Array(b.length);
    const bytes = encodeRecord(values, types, ov, { deflate: noGain });
    expect(recordKinds(bytes)).toEqual([KIND.TEXT_OVERFLOW, KIND.BLOB_OVERFLOW, KIND.TEXT_OVERFLOW, KIND.BLOB_OVERFLOW]);
    expect(recordOverflowHeads(bytes)).toEqual([100, 101, 102, 103]);
    expect(decodeRecord(bytes, ov)).toEqual(values);
    const real = encodeRecord(values, types, ov);
    expect(recordKinds(real)).toEqual([KIND.TEXT_COMPRESSED_OVERFLOW, KIND.BLOB_OVERFLOW, KIND.TEXT_COMPRESSED, KIND.BLOB_COMPRESSED]);
    expect(decodeRecord(real, ov)).toEqual(values);
  });

  it('uses kinds 10/11 when the compressed payload still needs a chain', () => {
    const ov = new FakeOverflow(512);
    const text = String.fromCharCode(...randomBytes(3000, 3).map((b) => 97 + (b & 3)));
    const bytes = encodeRecord([text, new TextEncoder().encode(text)], [T.text, T.blob], ov);
    expect(recordKinds(bytes)).toEqual([KIND.TEXT_COMPRESSED_OVERFLOW, KIND.BLOB_COMPRESSED_OVERFLOW]);
    expect(recordOverflowHeads(bytes)).toEqual([100, 101]);
    expect(decodeRecord(bytes, ov)).toEqual([text, new TextEncoder().encode(text)]);
  });

  it('writes DECIMAL as scale byte + zigzag and TIMESTAMP as zigzag µs', () => {
    const bytes = encodeRecord([new Decimal(-12345n, 3), new Timestamp(-1)], [T.dec, T.ts], inlineOnly());
    expect(toHex(bytes)).toBe('020c0403f1c0011101' + '01');
  });

  it('rejects a value of the wrong type with ERR_INTERNAL', () => {
    expect(() => encodeRecord(['1'], [T.int], inlineOnly())).toThrow(/not a INT64/);
    expect(() => encodeRecord([1.5], [T.int], inlineOnly())).toThrow(DecentDBError);
    expect(() => encodeRecord([2n ** 63n], [T.int], inlineOnly())).toThrow(DecentDBError);
  });
});

describe('record codec: round trips', () => {
  it('round-trips integer edge values exactly', () => {
    const vals: Value[] = [0, 1, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 2n ** 53n, -(2n ** 53n), 2n ** 53n + 1n, -(2n ** 63n), 2n ** 63n - 1n, 127, -64, 1000000];
    expect(roundTrip(vals, vals.map(() => T.int))).toEqual(vals);
  });

  it('normalises safe bigints to numbers and keeps big ones bigint', () => {
    expect(roundTrip([5n, 2n ** 60n], [T.int, T.int])).toEqual([5, 2n ** 60n]);
    expect(roundTrip([2 ** 60], [T.int])).toEqual([2n ** 60n]);
  });

  it('round-trips float edge values bit-exactly', () => {
    const vals = [0, -0, NaN, Infinity, -Infinity, 5e-324, Number.MAX_VALUE, 10.5, 1];
    const out = roundTrip(vals, vals.map(() => T.float));
    for (let i = 0; i < vals.length; i++) expect(Object.is(out[i], vals[i])).toBe(true);
  });

  it('round-trips NULL for every type, empty text/blob and multibyte UTF-8', () => {
    const types: SqlType[] = Object.values(T);
    expect(roundTrip(types.map(() => null), types)).toEqual(types.map(() => null));
    const vals: Value[] = ['', new Uint8Array(0), 'héllo wörld ✓ 𝄞 日本語', '𝄞'.repeat(100)];
    expect(roundTrip(vals, [T.text, T.blob, T.text, T.text])).toEqual(vals);
  });

  it('round-trips DECIMAL with negative, zero and extreme unscaled values and TIMESTAMPs', () => {
    const vals: Value[] = [new Decimal(-1n, 2), new Decimal(0n, 0), new Decimal(2n ** 63n - 1n, 18), new Decimal(-(2n ** 63n), 0), new Timestamp(0), new Timestamp(-(2n ** 63n)), new Timestamp(1672574400000)];
    expect(roundTrip(vals, [T.dec, T.dec, T.dec, T.dec, T.ts, T.ts, T.ts])).toEqual(vals);
  });

  it('round-trips text at the short-text boundary (42 and 43 three-byte chars)', () => {
    const vals: Value[] = ['日'.repeat(42), '日'.repeat(43), 'a'.repeat(42), 'é'.repeat(16)];
    const bytes = encodeRecord(vals, [T.text, T.text, T.text, T.text], inlineOnly());
    expect(recordKinds(bytes)).toEqual([KIND.TEXT, KIND.TEXT_COMPRESSED, KIND.TEXT, KIND.TEXT]);
    expect(decodeRecord(bytes, null)).toEqual(vals);
  });

  it('decodes text of every length up to 40 bytes, ASCII or with a multibyte char anywhere', () => {
    const vals: Value[] = [];
    for (let n = 0; n <= 40; n++) {
      const ascii = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((n * 7 + i * 13) % 95))).join('');
      vals.push(ascii);
      // A 2-byte char at the start, middle and end keeps the UTF-8 length at n + 1.
      for (const at of n === 0 ? [0] : [0, n >> 1, n]) vals.push(ascii.slice(0, at) + 'é' + ascii.slice(at));
    }
    vals.push('\u0000\u007f', '\u0080', 'a\ud7ff', '\uffff');
    const out = decodeRecord(encodeRecord(vals, vals.map(() => T.text), inlineOnly()), null);
    expect(out).toEqual(vals);
    // The decoder reuses scratch arrays by length: decoding again gives the same strings.
    const again = decodeRecord(encodeRecord(vals.slice().reverse(), vals.map(() => T.text), inlineOnly()), null);
    expect(again).toEqual(vals.slice().reverse());
  });

  it('round-trips a 16-byte UUID as a BLOB', () => {
    const u = fromHex('00112233445566778899aabbccddeeff');
    const bytes = encodeRecord([u], [T.uuid], inlineOnly());
    expect(recordKinds(bytes)).toEqual([KIND.BLOB]);
    expect(decodeRecord(bytes, null)).toEqual([u]);
  });

  const arbField: fc.Arbitrary<[Value, SqlType]> = fc.oneof(
    fc.constant<[Value, SqlType]>([null, T.int]),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((b): [Value, SqlType] => [b >= -(2n ** 53n) + 1n && b <= 2n ** 53n - 1n ? Number(b) : b, T.int]),
    fc.integer({ min: -5, max: 5 }).map((n): [Value, SqlType] => [n, T.int]),
    fc.double().map((d): [Value, SqlType] => [d, T.float]),
    fc.boolean().map((b): [Value, SqlType] => [b, T.bool]),
    fc.string({ unit: 'grapheme', maxLength: 300 }).map((s): [Value, SqlType] => [s, T.text]),
    fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 6000 }).map((n) => new Uint8Array(n).fill(n & 0xff))).map((b): [Value, SqlType] => [b, T.blob]),
    fc.tuple(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: 0, max: 18 })).map(([u, s]): [Value, SqlType] => [new Decimal(u, s), T.dec]),
    fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((b): [Value, SqlType] => [new Timestamp(b >= -(2n ** 53n) + 1n && b <= 2n ** 53n - 1n ? Number(b) : b), T.ts]),
  );

  it('decodes what it encodes (property)', () => {
    fc.assert(
      fc.property(fc.array(arbField, { maxLength: 12 }), (fields) => {
        const values = fields.map((f) => f[0]);
        const types = fields.map((f) => f[1]);
        const ov = new FakeOverflow();
        const bytes = encodeRecord(values, types, ov);
        const out = decodeRecord(bytes, ov);
        expect(out.length).toBe(values.length);
        for (let i = 0; i < values.length; i++) {
          if (typeof values[i] === 'number') expect(Object.is(out[i], values[i])).toBe(true);
          else expect(out[i]).toEqual(values[i]);
        }
        // A projection of any field equals the full decode.
        if (values.length > 0) {
          const j = values.length >> 1;
          expect(decodeField(bytes, j, ov)).toEqual(out[j]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('record codec: field access without full decode', () => {
  const bytes = encodeRecord([7, 'x', null, 2.5], [T.int, T.text, T.text, T.float], inlineOnly());

  it('decodes one field, selected fields, and reports absent ones', () => {
    expect(decodeField(bytes, 3, null)).toBe(2.5);
    expect(decodeField(bytes, 4, null)).toBeUndefined();
    expect(decodeFields(bytes, [0, 2, 3, 9], null)).toEqual([7, null, 2.5, undefined]);
  });

  it('walks kinds and payloads with a reusable RecordReader', () => {
    const rr = new RecordReader().reset(bytes);
    const seen: number[] = [];
    while (rr.next()) seen.push(rr.kind, rr.payload().length);
    expect(rr.fieldCount).toBe(4);
    expect(seen).toEqual([1, 1, 4, 1, 0, 0, 3, 8]);
    expect(decodeRecordRaw(bytes).map((f) => toHex(f.payload))).toEqual(['0e', '78', '', '0000000000000440']);
  });

  /** Where resetAt + seek and fieldAt land, or the error code they throw. */
  const landing = (f: () => boolean, rr: RecordReader): unknown => {
    try {
      const found = f();
      return found ? [rr.index, rr.kind, rr.payloadStart, rr.payloadEnd, rr.fieldCount] : [false, rr.fieldCount];
    } catch (e) {
      return (e as DecentDBError).code;
    }
  };

  it('fieldAt lands where resetAt + seek does, on records in a page and on arbitrary bytes (property)', () => {
    const value = fc.oneof(
      fc.constant(null),
      fc.integer(),
      fc.string({ maxLength: 140 }),
      fc.string({ minLength: 120, maxLength: 300 }).map((s) => s.replace(/./g, (c, i: number) => String.fromCharCode(33 + ((c.charCodeAt(0) * 7 + i) % 90)))),
    );
    const record = fc
      .array(value, { maxLength: 6 })
      .map((vs) => encodeRecord(vs, vs.map((v) => (typeof v === 'number' ? T.int : T.text)), inlineOnly()));
    const bytes = fc.oneof(record, fc.uint8Array({ maxLength: 40 }), record.chain((r) => fc.integer({ min: 0, max: Math.max(0, r.length - 1) }).map((i) => r.slice(0, i))));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5 }), bytes, fc.uint8Array({ maxLength: 5 }), fc.nat(7), (before, rec, after, field) => {
        const page = new Uint8Array([...before, ...rec, ...after]);
        const start = before.length;
        const end = start + rec.length;
        const slow = new RecordReader();
        const fast = new RecordReader();
        expect(landing(() => fast.fieldAt(page, start, end, field), fast)).toEqual(landing(() => slow.resetAt(page, start, end).seek(field), slow));
        // Both readers walk on alike from there.
        expect(landing(() => fast.next(), fast)).toEqual(landing(() => slow.next(), slow));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('record codec: corrupt input', () => {
  it('rejects unknown kinds, truncation, lengths past the end and bad zlib with ERR_CORRUPTION', () => {
    expectCorrupt(() => decodeRecord(fromHex('011200'), null));
    expectCorrupt(() => decodeRecord(fromHex('0104'), null));
    expectCorrupt(() => decodeRecord(fromHex('010405616263'), null));
    expectCorrupt(() => decodeRecord(fromHex('01040261'), null)); // one byte short
    expectCorrupt(() => recordKinds(fromHex('011200'))); // walking alone checks the kind too
    expectCorrupt(() => decodeRecord(fromHex('02040161'), null));
    expectCorrupt(() => decodeRecord(fromHex('0101028080'), null));
    expectCorrupt(() => decodeRecord(fromHex('0108040102ffff'), null));
    expectCorrupt(() => decodeRecord(fromHex('010304000000'), null));
    expectCorrupt(() => decodeRecord(fromHex('ff'), null));
    expectCorrupt(() => decodeRecord(fromHex('ffffffff0f'), null));
    expectCorrupt(() => decodeRecord(fromHex('01060800000000' + '05000000'), new FakeOverflow()));
    expectCorrupt(() => decodeRecord(fromHex('0106080500000005000000'), new FakeOverflow()));
  });

  it('decodes arbitrary bytes to values or ERR_CORRUPTION, never another error (property)', () => {
    const ov = new FakeOverflow();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeRecord(bytes, ov);
          recordOverflowHeads(bytes);
        } catch (e) {
          expect((e as DecentDBError).code).toBe('ERR_CORRUPTION');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('names the page in the message', () => {
    expect(() => decodeRecord(fromHex('011200'), null, [], 42)).toThrow(/page 42/);
  });
});

describe('record codec: the native fixture rows', () => {
  it("decodes Alice's row to the README values with the native kinds", () => {
    expect(recordKinds(aliceBytes)).toEqual([16, 14, 3, 4, 4, 5, 12, 17]);
    expect(decodeRecord(aliceBytes, null)).toEqual([1, true, 10.5, 'Alice', 'Hello', fromHex('010203'), new Decimal(10050n, 2), new Timestamp(1672574400000)]);
  });

  it("decodes Bob's row, whose bio is a 34-byte zlib stream (kind 8)", () => {
    expect(recordKinds(bobBytes)).toEqual([1, 13, 3, 4, 8, 5, 12, 17]);
    expect(decodeRecordRaw(bobBytes)[4]!.payload.length).toBe(34);
    expect(decodeRecord(bobBytes, null)).toEqual([2, false, 0, 'Bob', 'A'.repeat(10000), fromHex('0405'), new Decimal(0n, 2), new Timestamp(1672660800000)]);
  });

  it("re-encodes Alice byte-identically", () => {
    const values = decodeRecord(aliceBytes, null);
    expect(toHex(encodeRecord(values, userTypes, inlineOnly()))).toBe(toHex(aliceBytes));
  });

  it("re-encodes Bob byte-identically with native zlib; fflate's stream differs but decodes", () => {
    const values = decodeRecord(bobBytes, null);
    const nativeZlib = (b: Uint8Array): Uint8Array => new Uint8Array(deflateSync(b));
    expect(toHex(encodeRecord(values, userTypes, inlineOnly(), { deflate: nativeZlib }))).toBe(toHex(bobBytes));
    const withFflate = encodeRecord(values, userTypes, inlineOnly());
    expect(recordKinds(withFflate)).toEqual(recordKinds(bobBytes));
    expect(decodeRecord(withFflate, null)).toEqual(values);
  });
});
