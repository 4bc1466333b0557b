import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecentDBError, crc32c, fromHex, toHex } from '../util/index.js';
import {
  compositeIndexKey,
  decodeIndexEntry,
  encodeIndexEntry,
  indexEntryHasValue,
  indexEntryRowid,
  indexKey,
  indexKeyFromValue,
  keyToRowid,
  rowidToKey,
} from './index-key.js';
import { Decimal, Timestamp } from './value.js';

const fixture = readFileSync(new URL('../../../shared/fixtures/native-v3/v3_fixture.db', import.meta.url));

describe('rowid keys', () => {
  it('casts signed rowids to u64 two’s complement and back', () => {
    expect(rowidToKey(1)).toBe(1);
    expect(rowidToKey(-1)).toBe(0xffffffffffffffffn);
    expect(rowidToKey(-(2n ** 63n))).toBe(2n ** 63n);
    expect(rowidToKey(2n ** 63n - 1n)).toBe(2n ** 63n - 1n);
    expect(keyToRowid(0xffffffffffffffffn)).toBe(-1);
    expect(keyToRowid(2n ** 63n)).toBe(-(2n ** 63n));
  });

  it('round-trips every int64 (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (b) => {
        const back = keyToRowid(rowidToKey(b));
        expect(BigInt(back)).toBe(b);
      }),
      { numRuns: 500 },
    );
  });
});

describe('indexKeyFromValue', () => {
  it('matches the fixture keys for TEXT and FLOAT64', () => {
    expect(indexKeyFromValue('Alice', { base: 'TEXT' })).toBe(0x416c696365000000n);
    expect(indexKeyFromValue('Bob', { base: 'TEXT' })).toBe(0x426f620000000000n);
    expect(indexKeyFromValue(10.5, { base: 'FLOAT64' })).toBe(0x4025000000000000n);
    expect(indexKeyFromValue(0, { base: 'FLOAT64' })).toBe(0);
  });

  it('keys INT64 by two’s complement, BOOL as 0/1, BLOB by prefix, others as 0', () => {
    expect(indexKeyFromValue(-2, { base: 'INT64' })).toBe(0xfffffffffffffffen);
    expect(indexKeyFromValue(true, { base: 'BOOL' })).toBe(1);
    expect(indexKeyFromValue(fromHex('0102'), { base: 'BLOB' })).toBe(0x0102000000000000n);
    expect(indexKeyFromValue(fromHex('000000000000000102'), { base: 'BLOB' })).toBe(1);
    expect(indexKeyFromValue(null, { base: 'INT64' })).toBe(0);
    expect(indexKeyFromValue(new Decimal(5n, 1), { base: 'DECIMAL' })).toBe(0);
    expect(indexKeyFromValue(new Timestamp(5), { base: 'TIMESTAMP' })).toBe(0);
  });

  it('takes the first 8 UTF-8 bytes of multibyte text', () => {
    const s = 'abcdefg𝄞xyz';
    const bytes = new TextEncoder().encode(s).subarray(0, 8);
    expect(indexKeyFromValue(s, { base: 'TEXT' })).toBe(BigInt('0x' + toHex(bytes)));
  });

  it('hashes composite keys as CRC-32C of the 8-byte LE column keys', () => {
    const buf = fromHex('0100000000000000' + '0000000065636941');
    const types = [{ base: 'INT64' }, { base: 'TEXT' }] as const;
    expect(compositeIndexKey([1, 'Aice'], types)).toBe(crc32c(buf));
    expect(indexKey([1, 'Aice'], types)).toBe(crc32c(buf));
    expect(indexKey([7], [{ base: 'INT64' }])).toBe(7);
  });
});

describe('index entries', () => {
  it('matches the fixture entries of both indexes', () => {
    // Page 4 (uniq_users_name_idx) holds `05 Alice | rowid 1`; page 5 (score) holds rowid 2 first.
    const page4 = fixture.subarray(3 * 4096, 4 * 4096);
    const alice = encodeIndexEntry(1, 'Alice');
    expect(toHex(alice)).toBe('05416c6963650100000000000000');
    expect(toHex(page4).includes(toHex(alice))).toBe(true);
    expect(toHex(encodeIndexEntry(2))).toBe('0200000000000000');
  });

  it('decodes entries with and without a value', () => {
    expect(decodeIndexEntry(encodeIndexEntry(-5, 'x'.repeat(200)), true)).toEqual({ rowid: -5, value: new Uint8Array(200).fill(0x78) });
    expect(decodeIndexEntry(encodeIndexEntry(2n ** 60n), false)).toEqual({ rowid: 2n ** 60n, value: undefined });
    expect(indexEntryRowid(encodeIndexEntry(9, 'abc'))).toBe(9);
    expect(indexEntryHasValue([{ base: 'TEXT' }])).toBe(true);
    expect(indexEntryHasValue([{ base: 'FLOAT64' }])).toBe(false);
    expect(indexEntryHasValue([{ base: 'TEXT' }, { base: 'TEXT' }])).toBe(false);
  });

  it('decodes what it encodes (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.option(fc.uint8Array({ maxLength: 300 }), { nil: undefined }), (b, value) => {
        const rowid = b >= -(2n ** 53n) + 1n && b <= 2n ** 53n - 1n ? Number(b) : b;
        const entry = encodeIndexEntry(rowid, value);
        expect(decodeIndexEntry(entry, value !== undefined)).toEqual({ rowid, value });
        expect(indexEntryRowid(entry)).toBe(rowid);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects malformed entries with ERR_CORRUPTION', () => {
    const bad = [fromHex('01'), fromHex('0541'), fromHex('0141' + '00000000000000')];
    expect(() => decodeIndexEntry(bad[0]!, false)).toThrow(DecentDBError);
    expect(() => decodeIndexEntry(bad[1]!, true)).toThrow(/page 0/);
    expect(() => decodeIndexEntry(bad[2]!, true, 4)).toThrow(/page 4/);
  });
});
