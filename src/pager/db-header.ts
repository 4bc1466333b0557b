/**
 * The 128-byte database header in page 1 (spec/native-format.md §1.2): decode, validate,
 * encode with its CRC-32C. Does no I/O; the Pager decides where the bytes come from (main
 * file or a page-1 image in the WAL, ADR-0001).
 */
import { corrupt, crc32c, readU32, readU64, writeU32, writeU64 } from '../util/index.js';

//   off size field
//    0   16  magic              "DECENTDB" + 8 NUL
//   16    4  format_version     3
//   20    4  page_size
//   24    4  header_checksum    CRC-32C of bytes 0..23 ++ 28..127
//   28    4  schema_cookie
//   32    4  root_catalog
//   36    4  root_freelist      unused by the native pager; kept as read
//   40    4  freelist_head
//   44    4  freelist_count     free page ids held by trunk pages (not the trunks)
//   48    8  last_checkpoint_lsn  WAL offset LSN of the last checkpoint
//   56   72  reserved (zero)
export const HEADER_SIZE = 128;
/**
 * Ours (ADR-0001): a copy of the header at page-1 bytes 128..255, written and synced by a
 * checkpoint before the primary, so a torn primary header write is recoverable. Native readers
 * ignore these bytes (zero in native files, which therefore have no backup).
 */
export const BACKUP_HEADER_OFFSET = 128;
export const FORMAT_VERSION = 3;
export const DEFAULT_PAGE_SIZE = 4096;
export const MIN_PAGE_SIZE = 1024;
export const MAX_PAGE_SIZE = 65536;
const MAGIC = [0x44, 0x45, 0x43, 0x45, 0x4e, 0x54, 0x44, 0x42]; // "DECENTDB"
const VERSION = 16, PAGE_SIZE = 20, CHECKSUM = 24, SCHEMA_COOKIE = 28, ROOT_CATALOG = 32;
const ROOT_FREELIST = 36, FREELIST_HEAD = 40, FREELIST_COUNT = 44, LAST_CHECKPOINT_LSN = 48;

/** The decoded header fields (pageCount is not stored: it is the pager's view of the file). */
export interface DbHeaderFields {
  formatVersion: number;
  pageSize: number;
  schemaCookie: number;
  rootCatalog: number;
  rootFreelist: number;
  freelistHead: number;
  freelistCount: number;
  lastCheckpointLsn: number;
}

/** Committed header as the pager exposes it. */
export interface DbHeader extends Readonly<DbHeaderFields> {
  readonly pageCount: number;
}

export const isValidPageSize = (n: number): boolean =>
  Number.isInteger(n) && n >= MIN_PAGE_SIZE && n <= MAX_PAGE_SIZE && (n & (n - 1)) === 0;

export function headerChecksum(page: Uint8Array): number {
  return crc32c(page, CHECKSUM + 4, HEADER_SIZE, crc32c(page, 0, CHECKSUM));
}

/** Decodes and validates page-1 bytes; any defect is ERR_CORRUPTION naming page 1. */
export function decodeHeader(page: Uint8Array): DbHeaderFields {
  if (page.length < HEADER_SIZE) throw corrupt(1, 'database header is truncated');
  for (let i = 0; i < 16; i++) {
    if (page[i] !== (i < 8 ? MAGIC[i] : 0)) throw corrupt(1, 'bad magic (not a DecentDB file)');
  }
  const stored = readU32(page, CHECKSUM);
  if (stored !== headerChecksum(page)) throw corrupt(1, 'header checksum mismatch');
  const formatVersion = readU32(page, VERSION);
  if (formatVersion !== FORMAT_VERSION) throw corrupt(1, `unsupported format version ${formatVersion}`);
  const pageSize = readU32(page, PAGE_SIZE);
  if (!isValidPageSize(pageSize)) throw corrupt(1, `invalid page size ${pageSize}`);
  const lsn = readU64(page, LAST_CHECKPOINT_LSN);
  return {
    formatVersion,
    pageSize,
    schemaCookie: readU32(page, SCHEMA_COOKIE),
    rootCatalog: readU32(page, ROOT_CATALOG),
    rootFreelist: readU32(page, ROOT_FREELIST),
    freelistHead: readU32(page, FREELIST_HEAD),
    freelistCount: readU32(page, FREELIST_COUNT),
    lastCheckpointLsn: typeof lsn === 'number' ? lsn : Number.MAX_SAFE_INTEGER,
  };
}

/**
 * Decodes page 1: the primary header, or, when it is damaged (a torn checkpoint write), a
 * valid backup copy at byte 128. Neither valid → the primary's ERR_CORRUPTION.
 */
export function decodePage1(page: Uint8Array): DbHeaderFields {
  try {
    return decodeHeader(page);
  } catch (e) {
    if (page.length >= BACKUP_HEADER_OFFSET + HEADER_SIZE) {
      try {
        return decodeHeader(page.subarray(BACKUP_HEADER_OFFSET));
      } catch {
        /* no valid backup: report the primary's defect */
      }
    }
    throw e;
  }
}

/** Writes all 128 header bytes (reserved bytes zeroed) and a fresh checksum into `page`. */
export function encodeHeader(h: DbHeaderFields, page: Uint8Array): void {
  page.fill(0, 0, HEADER_SIZE);
  for (let i = 0; i < 8; i++) page[i] = MAGIC[i]!;
  writeU32(page, VERSION, h.formatVersion);
  writeU32(page, PAGE_SIZE, h.pageSize);
  writeU32(page, SCHEMA_COOKIE, h.schemaCookie >>> 0);
  writeU32(page, ROOT_CATALOG, h.rootCatalog);
  writeU32(page, ROOT_FREELIST, h.rootFreelist);
  writeU32(page, FREELIST_HEAD, h.freelistHead);
  writeU32(page, FREELIST_COUNT, h.freelistCount);
  writeU64(page, LAST_CHECKPOINT_LSN, h.lastCheckpointLsn);
  writeU32(page, CHECKSUM, headerChecksum(page));
}

export function newHeaderFields(pageSize: number): DbHeaderFields {
  return {
    formatVersion: FORMAT_VERSION,
    pageSize,
    schemaCookie: 0,
    rootCatalog: 0,
    rootFreelist: 0,
    freelistHead: 0,
    freelistCount: 0,
    lastCheckpointLsn: 0,
  };
}

/** Reads the page size from a header without validating the rest (the WAL needs it first). */
export const peekPageSize = (page: Uint8Array): number => readU32(page, PAGE_SIZE);
