/**
 * `decentdb inspect`: reads a database file without opening an engine and returns one plain
 * object — header fields, every catalog record (decoded values, key order), every table's
 * columns string and rows (key order) — in the JSON value mapping the issue fixes. Reads the
 * committed state (WAL replayed, catalog-snapshot.ts) after checking the main file's header
 * strictly; never writes. Format: spec/native-format.md §1.2–§1.9.
 */
import { DecentDBError, corrupt, toHex } from '../util/index.js';
import type { Vfs, VfsFile } from '../vfs/index.js';
import { decodeHeader, HEADER_SIZE, type DbHeader, type PageStore } from '../pager/index.js';
import { BTree } from '../btree/index.js';
import { Decimal, Timestamp, decodeRecord, overflowFor } from '../record/index.js';
import type { OverflowReader, Value } from '../record/index.js';
import { catalogEntryFromValues } from '../catalog/index.js';
import { withSnapshot } from './catalog-snapshot.js';
import { FilePageStore } from './file-page-store.js';

type BoundedStore = PageStore & { readonly pageCount: number };

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };

export interface InspectHeader {
  version: number;
  page_size: number;
  schema_cookie: number;
  root_catalog: number;
  pages: number;
  root_freelist: number;
  freelist_head: number;
  freelist_count: number;
  last_checkpoint_lsn: number;
}

export interface InspectResult {
  header: InspectHeader;
  catalog: JsonValue[][];
  tables: Record<string, { columns: string; rows: JsonValue[][] }>;
}

const intJson = (v: number | bigint): number | string => (typeof v === 'number' ? v : v.toString());

/**
 * The inspect mapping: NULL → null, INT64 → number (string beyond ±2^53), BOOL → boolean,
 * FLOAT64 → number (NaN/±Infinity as strings), TEXT → string, BLOB → {blob: hex},
 * DECIMAL → {decimal: unscaled, scale}, TIMESTAMP → {timestamp: raw integer}.
 */
export function valueToJson(v: Value): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array) return { blob: toHex(v) };
  if (v instanceof Decimal) return { decimal: intJson(v.unscaled >= -9007199254740991n && v.unscaled <= 9007199254740991n ? Number(v.unscaled) : v.unscaled), scale: v.scale };
  if (v instanceof Timestamp) return { timestamp: intJson(v.micros) };
  throw new DecentDBError('ERR_INTERNAL', 'unmappable value');
}

/** Page the cursor stands on, for messages (the leaf cursor exposes it). */
const cursorPage = (cursor: object, fallback: number): number => {
  const p = (cursor as { pageNo?: unknown }).pageNo;
  return typeof p === 'number' ? p : fallback;
};

/** Every (page, record) of a tree in key order, decoded into JSON arrays. */
function dumpTree(store: BoundedStore, root: number, overflow: OverflowReader, visit: (values: Value[], pageNo: number) => void): void {
  if (root < 1 || root > store.pageCount) throw corrupt(root, `tree root out of range (file has ${store.pageCount} pages)`);
  const cursor = new BTree(store, root).cursor();
  const scratch: Value[] = [];
  for (let ok = cursor.first(); ok; ok = cursor.next()) {
    const pageNo = cursorPage(cursor, root);
    visit(decodeRecord(cursor.value(), overflow, scratch, pageNo), pageNo);
  }
}

/**
 * Inspects the database at `path`: the main file's header must be intact (no repair from the
 * backup copy), then the committed state is read. Damage → ERR_CORRUPTION with the page.
 */
export function inspectDatabase(vfs: Vfs, path: string): InspectResult {
  const file = vfs.open(path, { mode: 'open', readOnly: true });
  try {
    const head = new Uint8Array(HEADER_SIZE);
    file.read(head, 0);
    decodeHeader(head);
  } finally {
    file.close();
  }
  return withSnapshot(vfs, path, inspectStore);
}

/** Inspects the main file alone, ignoring any WAL (crash tests check what reached the file). */
export function inspectFile(file: VfsFile): InspectResult {
  const head = new Uint8Array(HEADER_SIZE);
  file.read(head, 0);
  const h = decodeHeader(head);
  const store = new FilePageStore(file, h.pageSize);
  return inspectStore(store, { ...h, pageCount: store.pageCount });
}

/** Inspects a committed snapshot (store bounded by its page count, header as committed). */
export function inspectStore(store: BoundedStore, h: DbHeader): InspectResult {
  if (store.pageCount < 1) throw corrupt(1, 'file is shorter than one page');
  const overflow = overflowFor(store);
  const header: InspectHeader = {
    version: h.formatVersion,
    page_size: h.pageSize,
    schema_cookie: h.schemaCookie,
    root_catalog: h.rootCatalog,
    pages: store.pageCount,
    root_freelist: h.rootFreelist,
    freelist_head: h.freelistHead,
    freelist_count: h.freelistCount,
    last_checkpoint_lsn: h.lastCheckpointLsn,
  };
  const catalog: JsonValue[][] = [];
  const tables: { name: string; root: number; columns: string }[] = [];
  dumpTree(store, h.rootCatalog, overflow, (values, pageNo) => {
    catalog.push(values.map(valueToJson));
    const e = catalogEntryFromValues(values, pageNo);
    if (e.kind === 'table') {
      const columns = values.length === 4 ? values[3] : values[4];
      tables.push({ name: e.table.name, root: e.table.rootPage, columns: typeof columns === 'string' ? columns : '' });
    }
  });
  const out: InspectResult['tables'] = {};
  for (const t of tables) {
    const rows: JsonValue[][] = [];
    dumpTree(store, t.root, overflow, (values) => rows.push(values.map(valueToJson)));
    out[t.name] = { columns: t.columns, rows };
  }
  return { header, catalog, tables: out };
}

/** The readable (non-JSON) rendering: the same content, one item per line. */
export function formatInspect(r: InspectResult): string {
  const lines: string[] = ['header'];
  for (const [k, v] of Object.entries(r.header)) lines.push(`  ${k.padEnd(20)} ${v}`);
  lines.push('', `catalog (${r.catalog.length} records)`);
  for (const rec of r.catalog) lines.push(`  ${JSON.stringify(rec)}`);
  for (const [name, t] of Object.entries(r.tables)) {
    lines.push('', `table ${name} (${t.rows.length} rows)`, `  columns: ${t.columns}`);
    for (const row of t.rows) lines.push(`  ${JSON.stringify(row)}`);
  }
  return lines.join('\n') + '\n';
}
