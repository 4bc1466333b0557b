import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Timestamp } from '../record/index.js';
import { civilFromDays, daysFromCivil, formatTimestamp, parseTimestamp, timestampFromDate, truncateToDay } from './datetime.js';

const clock = { nowMicros: () => 1_709_287_200_123_456 };

describe('TIMESTAMP text', () => {
  it('parses the literal forms Postgres accepts', () => {
    const f = (s: string): string => formatTimestamp(parseTimestamp(s, clock));
    expect(f('2021/1/1')).toBe('2021-01-01 00:00:00');
    expect(f('2024-03-01 10:00:00')).toBe('2024-03-01 10:00:00');
    expect(f('2024-03-01T10:00:00.123456')).toBe('2024-03-01 10:00:00.123456');
    expect(f('2024-03-01T10:00:00.5Z')).toBe('2024-03-01 10:00:00.5');
    expect(f('2024-03-01 10:00:00+02:00')).toBe('2024-03-01 08:00:00');
    expect(f('1/2/2021')).toBe('2021-01-02 00:00:00');
    expect(f('20210102')).toBe('2021-01-02 00:00:00');
    expect(f('0001-01-01 BC')).toBe('0001-01-01 00:00:00 BC');
    expect(f('epoch')).toBe('1970-01-01 00:00:00');
    expect(f('now')).toBe('2024-03-01 10:00:00.123456');
    expect(f('today')).toBe('2024-03-01 00:00:00');
  });

  it('rejects bad input with Postgres messages', () => {
    expect(() => parseTimestamp('2021-02-30')).toThrow('date/time field value out of range: "2021-02-30"');
    expect(() => parseTimestamp('2021-02-3x')).toThrow('invalid input syntax for type timestamp: "2021-02-3x"');
    expect(() => parseTimestamp('2021-01-01 25:00')).toThrow('date/time field value out of range');
  });

  it('round-trips every microsecond through text, including bigint micros', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -200_000_000_000_000_000n, max: 9_000_000_000_000_000_000n }), (m) => {
        const ts = new Timestamp(m);
        expect(BigInt(parseTimestamp(formatTimestamp(ts)).micros)).toBe(m);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.integer({ min: -3_000_000, max: 3_000_000 }), (d) => {
        expect(daysFromCivil(...civilFromDays(d))).toBe(d);
      }),
    );
  });

  it('truncates to a day and binds JS Dates', () => {
    expect(formatTimestamp(truncateToDay(new Timestamp(-1)))).toBe('1969-12-31 00:00:00');
    expect(timestampFromDate(new Date('2024-03-01T10:00:00.250Z')).micros).toBe(1_709_287_200_250_000);
  });
});
