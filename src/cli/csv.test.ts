import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, formatCsvRecord, parseCsv, type CsvField } from './csv.js';

describe('CSV codec', () => {
  it('reads quotes, doubled quotes, delimiters and line breaks inside quoted fields', () => {
    expect(parseCsv('a,"b,c","say ""hi""","x\r\ny"\r\n1,2,3,4\n')).toEqual([
      ['a', 'b,c', 'say "hi"', 'x\r\ny'],
      ['1', '2', '3', '4'],
    ]);
  });

  it('reads an empty unquoted field as NULL and "" as the empty string', () => {
    expect(parseCsv(',"",x,\n')).toEqual([[null, '', 'x', null]]);
  });

  it('skips blank lines and accepts a last record without a line break, LF, CRLF or CR endings', () => {
    expect(parseCsv('a\n\nb\r\nc\rd')).toEqual([['a'], ['b'], ['c'], ['d']]);
  });

  it('uses another delimiter', () => {
    expect(parseCsv('a;b,c\n', ';')).toEqual([['a', 'b,c']]);
    expect(formatCsvRecord(['a', 'b;c'], ';')).toBe('a;"b;c"\n');
  });

  it('rejects an unterminated quoted field and a bad delimiter with ERR_SQL', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(expect.objectContaining({ code: 'ERR_SQL' }));
    expect(() => new CsvParser('"')).toThrow(expect.objectContaining({ code: 'ERR_SQL' }));
  });

  it('writes NULL as an empty field and quotes only where needed', () => {
    expect(formatCsvRecord([null, '', 'plain', 'a,b', 'q"', 'l\nm', ' pad'])).toBe(',"",plain,"a,b","q""","l\nm"," pad"\n');
  });

  it('round-trips any records, whatever the chunk boundaries', () => {
    const field = fc.option(fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', ' ', 'é', '😀') }), { nil: null });
    // A one-field record holding NULL is a blank line, which CSV cannot tell from nothing.
    const record = fc.array(field, { minLength: 2, maxLength: 5 });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 6 }), (records, cuts) => {
        const text = records.map((r) => formatCsvRecord(r)).join('');
        const p = new CsvParser(',');
        const out: CsvField[][] = [];
        let at = 0;
        for (const c of cuts) {
          const next = text.length === 0 ? 0 : Math.min(text.length, at + (c % 7));
          out.push(...p.push(text.slice(at, next)));
          at = next;
        }
        out.push(...p.push(text.slice(at)));
        out.push(...p.end());
        expect(out).toEqual(records);
      }),
      { numRuns: 300 },
    );
  });
});
