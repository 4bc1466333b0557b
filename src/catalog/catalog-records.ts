/**
 * Catalog B+Tree keys and records (spec/native-format.md §1.8). Key = CRC-32C of
 * `table:<name>`, `index:<name>`, `view:<name>`, `trigger:<table>:<name>`,
 * `stats:table|index:<lowercased name>`, zero-extended to u64. Value = a native record whose
 * first field is the tag. Reads every accepted variant (6/5/4-field tables, 5–8-field
 * indexes); writes the current full forms. Does not touch trees or keep state.
 */
import { DecentDBError, corrupt, crc32cString } from '../util/index.js';
import { decodeRecord, encodeRecord } from '../record/index.js';
import type { OverflowReader, OverflowWriter, SqlType, Value } from '../record/index.js';
import { formatColumns, parseColumns } from './columns-string.js';
import type { CatalogEntry, CheckDef, IndexDef, IndexStats, TableDef, TableStats, TriggerDef, ViewDef } from './catalog-types.js';

export const tableKey = (name: string): number => crc32cString(`table:${name}`);
export const indexKey = (name: string): number => crc32cString(`index:${name}`);
export const viewKey = (name: string): number => crc32cString(`view:${name}`);
export const triggerKey = (table: string, name: string): number => crc32cString(`trigger:${table}:${name}`);
export const tableStatsKey = (name: string): number => crc32cString(`stats:table:${name.toLowerCase()}`);
export const indexStatsKey = (name: string): number => crc32cString(`stats:index:${name.toLowerCase()}`);

/** The catalog key under which an entry is stored. */
export function catalogKeyOf(e: CatalogEntry): number {
  switch (e.kind) {
    case 'table':
      return tableKey(e.table.name);
    case 'index':
      return indexKey(e.index.name);
    case 'view':
      return viewKey(e.view.name);
    case 'trigger':
      return triggerKey(e.trigger.table, e.trigger.name);
    case 'tableStats':
      return tableStatsKey(e.stats.name);
    case 'indexStats':
      return indexStatsKey(e.stats.name);
    case 'unknown':
      throw new DecentDBError('ERR_INTERNAL', `catalog record with unknown tag ${e.tag} has no key`);
  }
}

/** Parses the CHECK constraints JSON `[{"name":…,"expr":…}]`; '' means none. */
export function parseChecks(json: string, pageNo = 0): CheckDef[] {
  if (json === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new DecentDBError('ERR_CORRUPTION', `page ${pageNo}: CHECK constraints are not JSON`, { pageNo }, { cause: e });
  }
  if (!Array.isArray(parsed)) throw corrupt(pageNo, 'CHECK constraints are not a JSON array');
  return parsed.map((c: unknown) => {
    if (typeof c !== 'object' || c === null) throw corrupt(pageNo, 'CHECK constraint is not an object');
    const { name, expr } = c as { name?: unknown; expr?: unknown };
    if (typeof expr !== 'string' || (name !== undefined && typeof name !== 'string')) throw corrupt(pageNo, 'CHECK constraint lacks name/expr strings');
    return { name: name ?? '', expr };
  });
}

export const formatChecks = (checks: readonly CheckDef[]): string => JSON.stringify(checks.map((c) => ({ name: c.name, expr: c.expr })));

const TEXT: SqlType = { base: 'TEXT' };
const INT: SqlType = { base: 'INT64' };

/** Encodes a catalog entry as its native record (table: 6 fields, index: 8). */
export function encodeCatalogRecord(e: CatalogEntry, overflow: OverflowWriter): Uint8Array {
  let values: Value[];
  let types: SqlType[];
  switch (e.kind) {
    case 'table': {
      const t = e.table;
      values = ['table', t.name, t.rootPage, t.nextRowId, formatColumns(t.columns), formatChecks(t.checks)];
      types = [TEXT, TEXT, INT, INT, TEXT, TEXT];
      break;
    }
    case 'index': {
      const x = e.index;
      const cols = x.expressionSql !== undefined ? `expr:${x.expressionSql}` : x.columns.join(';');
      values = ['index', x.name, x.table, cols, x.rootPage, x.kind, x.unique ? 1 : 0, x.predicateSql];
      types = [TEXT, TEXT, TEXT, TEXT, INT, TEXT, INT, TEXT];
      break;
    }
    case 'view': {
      const v = e.view;
      values = ['view', v.name, v.sql, v.columns.join(';'), v.dependencies.join(';')];
      types = [TEXT, TEXT, TEXT, TEXT, TEXT];
      break;
    }
    case 'trigger': {
      const g = e.trigger;
      values = ['trigger', g.name, g.table, g.eventsMask, g.actionSql];
      types = [TEXT, TEXT, TEXT, INT, TEXT];
      break;
    }
    case 'tableStats':
      values = ['stats:table', e.stats.name, e.stats.rowCount];
      types = [TEXT, TEXT, INT];
      break;
    case 'indexStats':
      values = ['stats:index', e.stats.name, e.stats.entryCount, e.stats.distinctKeyCount];
      types = [TEXT, TEXT, INT, INT];
      break;
    case 'unknown':
      throw new DecentDBError('ERR_INTERNAL', `cannot encode a catalog record with unknown tag ${e.tag}`);
  }
  return encodeRecord(values, types, overflow);
}

class Fields {
  constructor(
    readonly values: Value[],
    readonly pageNo: number,
    readonly what: string,
  ) {}

  str(i: number, fallback?: string): string {
    const v = this.values[i];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string') throw corrupt(this.pageNo, `${this.what} record field ${i} is not TEXT`);
    return v;
  }

  int(i: number, fallback?: number): number | bigint {
    const v = this.values[i];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v !== 'number' && typeof v !== 'bigint') throw corrupt(this.pageNo, `${this.what} record field ${i} is not INT64`);
    return v;
  }

  page(i: number): number {
    const v = this.int(i);
    if (typeof v !== 'number' || v < 0 || v > 0xffffffff) throw corrupt(this.pageNo, `${this.what} record root page ${v} out of range`);
    return v;
  }
}

const splitList = (s: string): string[] => (s === '' ? [] : s.split(';'));

function decodeTable(f: Fields, offset: number): TableDef {
  const name = f.str(offset);
  return {
    name,
    rootPage: f.page(offset + 1),
    nextRowId: f.int(offset + 2),
    columns: parseColumns(f.str(offset + 3), f.pageNo),
    checks: parseChecks(f.str(offset + 4, ''), f.pageNo),
  };
}

function decodeIndex(f: Fields): IndexDef {
  const cols = f.str(3);
  const u = f.int(6, 0);
  const base = { name: f.str(1), table: f.str(2), rootPage: f.page(4), kind: f.str(5, 'btree'), unique: u !== 0 && u !== 0n, predicateSql: f.str(7, '') };
  return cols.startsWith('expr:') ? { ...base, columns: [], expressionSql: cols.slice(5) } : { ...base, columns: splitList(cols) };
}

function decodeView(f: Fields): ViewDef {
  return { name: f.str(1), sql: f.str(2), columns: splitList(f.str(3, '')), dependencies: splitList(f.str(4, '')) };
}

function decodeTrigger(f: Fields): TriggerDef {
  const mask = f.int(3);
  if (typeof mask !== 'number' || mask < 0 || mask > 0xffff) throw corrupt(f.pageNo, `trigger event mask ${mask} out of range`);
  return { name: f.str(1), table: f.str(2), eventsMask: mask, actionSql: f.str(4) };
}

const KNOWN_TAGS = new Set(['table', 'index', 'view', 'trigger', 'stats:table', 'stats:index']);

function expectCount(f: Fields, min: number, max: number): void {
  const n = f.values.length;
  if (n < min || n > max) throw corrupt(f.pageNo, `${f.what} record has ${n} fields, expected ${min}–${max}`);
}

/** Decodes the already-decoded values of a catalog record (see decodeCatalogRecord). */
export function catalogEntryFromValues(values: Value[], pageNo = 0): CatalogEntry {
  const tag = values[0];
  if (values.length === 4 && (typeof tag !== 'string' || !KNOWN_TAGS.has(tag))) {
    // Legacy compact table record: name, root, next_row_id, columns.
    return { kind: 'table', table: decodeTable(new Fields(values, pageNo, 'table'), 0) };
  }
  if (typeof tag !== 'string') throw corrupt(pageNo, 'catalog record without a tag');
  const f = new Fields(values, pageNo, tag);
  switch (tag) {
    case 'table':
      expectCount(f, 5, 6);
      return { kind: 'table', table: decodeTable(f, 1) };
    case 'index':
      expectCount(f, 5, 8);
      return { kind: 'index', index: decodeIndex(f) };
    case 'view':
      expectCount(f, 3, 5);
      return { kind: 'view', view: decodeView(f) };
    case 'trigger':
      expectCount(f, 5, 5);
      return { kind: 'trigger', trigger: decodeTrigger(f) };
    case 'stats:table': {
      expectCount(f, 3, 3);
      const stats: TableStats = { name: f.str(1), rowCount: f.int(2) };
      return { kind: 'tableStats', stats };
    }
    case 'stats:index': {
      expectCount(f, 4, 4);
      const stats: IndexStats = { name: f.str(1), entryCount: f.int(2), distinctKeyCount: f.int(3) };
      return { kind: 'indexStats', stats };
    }
    default:
      return { kind: 'unknown', tag };
  }
}

/**
 * Decodes a catalog record (the value stored under a catalog key). Malformed records are
 * ERR_CORRUPTION naming `pageNo`; records with an unknown tag come back as `unknown`.
 *
 * @example decodeCatalogRecord(bytes, store).kind // 'table'
 */
export function decodeCatalogRecord(bytes: Uint8Array, overflow: OverflowReader | null, pageNo = 0): CatalogEntry {
  return catalogEntryFromValues(decodeRecord(bytes, overflow, [], pageNo), pageNo);
}
