/**
 * CSV per RFC 4180 for import and export: fields separated by a one-character delimiter,
 * records by CRLF or LF (a lone CR too), `"` quotes fields holding the delimiter, quotes or
 * line breaks, `""` is a quote inside. Our NULL convention (psql's COPY … CSV): an empty
 * unquoted field is NULL, `""` is the empty string. The parser is incremental (chunks may split
 * anywhere, even inside a quoted field); it does not know column types.
 */
import { DecentDBError } from '../util/index.js';

export type CsvField = string | null;

const QUOTE = 34;
const CR = 13;
const LF = 10;

/**
 * @example
 * const p = new CsvParser(',');
 * p.push('a,"b ""x"""\n1,'); // [['a', 'b "x"']]
 * p.end();                   // [['1', null]]
 */
export class CsvParser {
  private readonly delimiter: number;
  private record: CsvField[] = [];
  private field = '';
  /** The current field had quotes (so empty means '' not NULL). */
  private quoted = false;
  private inQuotes = false;
  /** A quote was seen inside quotes: either "" or the closing quote, decided by the next char. */
  private quotePending = false;
  /** A CR ended the last record: a following LF belongs to it. */
  private afterCr = false;
  private started = false;
  /** Records completed so far (line numbers for messages). */
  recordCount = 0;

  constructor(delimiter = ',') {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
      throw new DecentDBError('ERR_SQL', `invalid CSV delimiter ${JSON.stringify(delimiter)}: one character other than a quote or line break`);
    }
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Parses a chunk; returns the records it completed. */
  push(chunk: string): CsvField[][] {
    const out: CsvField[][] = [];
    const n = chunk.length;
    let runStart = -1;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.afterCr) {
        this.afterCr = false;
        if (c === LF) continue;
      }
      if (this.inQuotes) {
        if (this.quotePending) {
          this.quotePending = false;
          if (c === QUOTE) {
            this.field += '"';
            continue;
          }
          this.inQuotes = false;
          // fall through: c follows a closed quoted field
        } else if (c === QUOTE) {
          if (runStart >= 0) this.field += chunk.slice(runStart, i);
          runStart = -1;
          this.quotePending = true;
          continue;
        } else {
          if (runStart < 0) runStart = i;
          continue;
        }
      }
      if (c === this.delimiter) {
        if (runStart >= 0) this.field += chunk.slice(runStart, i);
        runStart = -1;
        this.endField();
      } else if (c === LF || c === CR) {
        if (runStart >= 0) this.field += chunk.slice(runStart, i);
        runStart = -1;
        this.afterCr = c === CR;
        const rec = this.endRecord();
        if (rec !== null) out.push(rec);
      } else if (c === QUOTE && this.field === '' && !this.quoted && runStart < 0) {
        this.quoted = true;
        this.inQuotes = true;
        this.started = true;
      } else {
        if (runStart < 0) runStart = i;
        this.started = true;
      }
    }
    if (runStart >= 0) this.field += chunk.slice(runStart);
    return out;
  }

  /** End of input: the last record (without a final line break), if any. */
  end(): CsvField[][] {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      throw new DecentDBError('ERR_SQL', `CSV record ${this.recordCount + 1}: unterminated quoted field`, { record: this.recordCount + 1 });
    }
    const rec = this.endRecord();
    return rec === null ? [] : [rec];
  }

  private endField(): void {
    this.record.push(this.field === '' && !this.quoted ? null : this.field);
    this.field = '';
    this.quoted = false;
    this.started = true;
  }

  /** Closes the record; a blank line (no field started) yields no record. */
  private endRecord(): CsvField[] | null {
    if (!this.started && this.record.length === 0 && this.field === '') return null;
    this.endField();
    const rec = this.record;
    this.record = [];
    this.started = false;
    this.recordCount++;
    return rec;
  }
}

/** Parses a whole CSV text. */
export function parseCsv(text: string, delimiter = ','): CsvField[][] {
  const p = new CsvParser(delimiter);
  const out = p.push(text);
  for (const r of p.end()) out.push(r);
  return out;
}

/** One CSV record with its CRLF-free `\n` terminator; NULL is an empty unquoted field. */
export function formatCsvRecord(fields: readonly CsvField[], delimiter = ','): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += delimiter;
    const f = fields[i]!;
    if (f === null) continue;
    if (f === '' || f.includes(delimiter) || f.includes('"') || f.includes('\n') || f.includes('\r') || f !== f.trim()) {
      line += '"' + f.replaceAll('"', '""') + '"';
    } else {
      line += f;
    }
  }
  return line + '\n';
}
