import { describe, expect, it } from 'vitest';
import {
  BACKUP_HEADER_OFFSET, decodeHeader, decodePage1, encodeHeader, headerChecksum, isValidPageSize, newHeaderFields,
} from './db-header.js';

const sample = { ...newHeaderFields(4096), schemaCookie: 4, rootCatalog: 2, freelistHead: 7, freelistCount: 3, lastCheckpointLsn: 74085 };

describe('database header', () => {
  it('round-trips every field', () => {
    const page = new Uint8Array(4096);
    encodeHeader(sample, page);
    expect(decodeHeader(page)).toEqual(sample);
    expect(new TextDecoder().decode(page.subarray(0, 8))).toBe('DECENTDB');
  });

  it('checksums bytes 0..23 and 28..127 with CRC-32C', () => {
    const page = new Uint8Array(4096);
    encodeHeader(sample, page);
    const stored = page[24]! | (page[25]! << 8) | (page[26]! << 16) | (page[27]! << 24);
    expect(stored >>> 0).toBe(headerChecksum(page));
    page[100] = 1; // reserved byte: still covered by the checksum
    expect(() => decodeHeader(page)).toThrow(/page 1: header checksum mismatch/);
  });

  it.each([
    ['bad magic', (p: Uint8Array) => { p[0] = 0x58; }, /bad magic/],
    ['bad checksum', (p: Uint8Array) => { p[30] = p[30]! ^ 1; }, /checksum/],
  ])('rejects %s with ERR_CORRUPTION naming page 1', (_name, damage, msg) => {
    const page = new Uint8Array(4096);
    encodeHeader(sample, page);
    damage(page);
    expect(() => decodeHeader(page)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION', details: { pageNo: 1 } }));
    expect(() => decodeHeader(page)).toThrow(msg);
  });

  it('rejects a wrong version or page size even with a valid checksum', () => {
    const page = new Uint8Array(4096);
    encodeHeader({ ...sample, formatVersion: 4 }, page);
    expect(() => decodeHeader(page)).toThrow(/unsupported format version 4/);
    encodeHeader({ ...sample, pageSize: 3000 }, page);
    expect(() => decodeHeader(page)).toThrow(/invalid page size 3000/);
  });

  it('accepts power-of-two page sizes 1024..65536 only', () => {
    expect([512, 1024, 4096, 65536, 131072, 3000].map(isValidPageSize)).toEqual([false, true, true, true, false, false]);
  });

  it('falls back to the backup copy when the primary is torn, and fails when both are bad', () => {
    const page = new Uint8Array(4096);
    encodeHeader(sample, page);
    encodeHeader(sample, page.subarray(BACKUP_HEADER_OFFSET));
    page.fill(0xee, 40, 128);
    expect(decodePage1(page)).toEqual(sample);
    page[BACKUP_HEADER_OFFSET + 30] = page[BACKUP_HEADER_OFFSET + 30]! ^ 1;
    expect(() => decodePage1(page)).toThrow(expect.objectContaining({ code: 'ERR_CORRUPTION' }));
  });
});
