import { describe, expect, it } from 'vitest';
import { Decimal, Timestamp } from '../record/index.js';
import { parseUuid } from '../exec/index.js';
import { parseColumnType, resultToJson, resultToText } from './result-values.js';
import { formatJsonLine, formatTable } from './result-format.js';

describe('result values', () => {
  it('parses the type names Statement.columns() reports', () => {
    expect(parseColumnType('INT64')).toEqual({ base: 'INT64' });
    expect(parseColumnType('DECIMAL(10,2)')).toEqual({ base: 'DECIMAL', precision: 10, scale: 2 });
    expect(parseColumnType('WHATEVER')).toBeUndefined();
    expect(parseColumnType(undefined)).toBeUndefined();
  });

  it('maps engine values to inspect JSON through the column type', () => {
    expect(resultToJson(null, { base: 'TEXT' })).toBeNull();
    expect(resultToJson(42, { base: 'INT64' })).toBe(42);
    expect(resultToJson(2n ** 62n, { base: 'INT64' })).toBe('4611686018427387904');
    expect(resultToJson(1.5, { base: 'FLOAT64' })).toBe(1.5);
    expect(resultToJson(true, { base: 'BOOL' })).toBe(true);
    expect(resultToJson('x', { base: 'TEXT' })).toBe('x');
    expect(resultToJson(new Uint8Array([0, 255]), { base: 'BLOB' })).toEqual({ blob: '00ff' });
    expect(resultToJson(new Decimal(-1250n, 2), { base: 'DECIMAL', precision: 10, scale: 2 })).toEqual({ decimal: -1250, scale: 2 });
    expect(resultToJson(new Decimal(3n, 0), { base: 'DECIMAL', precision: 10, scale: 2 })).toEqual({ decimal: 300, scale: 2 });
    expect(resultToJson(new Decimal(12345678901234567890123n, 3), { base: 'DECIMAL', precision: 38, scale: 3 })).toEqual({ decimal: '12345678901234567890123', scale: 3 });
    expect(resultToJson(new Timestamp(1709287200123456), { base: 'TIMESTAMP' })).toEqual({ timestamp: 1709287200123456 });
    expect(resultToJson(parseUuid('0e2a5f7c-0000-4000-8000-000000000001'), { base: 'UUID' })).toBe('0e2a5f7c-0000-4000-8000-000000000001');
  });

  it('prints Postgres text forms', () => {
    expect(resultToText(new Timestamp(Date.UTC(2024, 2, 1, 10) * 1000 + 500_001), { base: 'TIMESTAMP' })).toBe('2024-03-01 10:00:00.500001');
    expect(resultToText(new Decimal(1050n, 2), { base: 'DECIMAL', precision: 6, scale: 2 })).toBe('10.50');
    expect(resultToText(new Uint8Array([1, 2]), { base: 'BLOB' })).toBe('\\x0102');
    expect(resultToText(false, undefined)).toBe('false');
    expect(resultToText(null, undefined)).toBe('NULL');
    expect(resultToText(null, undefined, '')).toBe('');
  });

  it('formats the fixed JSON line shapes', () => {
    expect(formatJsonLine({ ok: true, hasRows: false, columns: [], rows: [], changes: 3, elapsedMs: 0 })).toBe('{"columns":[],"rows":[],"changes":3}\n');
    expect(formatJsonLine({ ok: false, code: 'ERR_SQL', message: 'bad', elapsedMs: 0 })).toBe('{"error":{"code":"ERR_SQL","message":"bad"}}\n');
  });

  it('aligns tables, numbers to the right, and escapes line breaks', () => {
    const t = formatTable({
      ok: true,
      hasRows: true,
      columns: [
        { name: 'id', type: { base: 'INT64' } },
        { name: 'name', type: { base: 'TEXT' } },
      ],
      rows: [
        [1, 'AC/DC'],
        [100, 'a\nb'],
      ],
      changes: 0,
      elapsedMs: 0,
    });
    expect(t).toBe(' id  | name\n-----+-------\n   1 | AC/DC\n 100 | a\\nb\n(2 rows)\n');
  });
});
