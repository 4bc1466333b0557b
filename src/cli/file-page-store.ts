/**
 * A read-only PageStore over one VfsFile, for tools (`decentdb inspect`): page N lives at
 * byte (N-1)*pageSize (format §1.1), ids outside 1..pageCount are ERR_CORRUPTION naming the
 * page. No WAL overlay, no writes, a small bounded cache. The engine uses the Pager instead.
 */
import { DecentDBError, corrupt } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import type { VfsFile } from '../vfs/index.js';

const CACHE_PAGES = 256;

export class FilePageStore implements PageStore {
  readonly pageSize: number;
  /** Whole pages in the file; `pageLimit` in the B+Tree layer bounds ids by it. */
  readonly pageCount: number;
  readonly counters = { reads: 0, hits: 0 };
  private readonly file: VfsFile;
  private readonly cache = new Map<number, Uint8Array>();

  constructor(file: VfsFile, pageSize: number) {
    this.file = file;
    this.pageSize = pageSize;
    this.pageCount = Math.floor(file.size() / pageSize);
  }

  read(pageNo: number): Uint8Array {
    if (!Number.isInteger(pageNo) || pageNo < 1 || pageNo > this.pageCount) {
      throw corrupt(pageNo, `page id out of range (file has ${this.pageCount} pages)`);
    }
    const hit = this.cache.get(pageNo);
    if (hit !== undefined) {
      this.counters.hits++;
      return hit;
    }
    const buf = new Uint8Array(this.pageSize);
    this.file.read(buf, (pageNo - 1) * this.pageSize);
    this.counters.reads++;
    if (this.cache.size >= CACHE_PAGES) this.cache.clear();
    this.cache.set(pageNo, buf);
    return buf;
  }

  write(pageNo: number): Uint8Array {
    throw readOnly(`write page ${pageNo}`);
  }

  allocate(): number {
    throw readOnly('allocate a page');
  }

  free(pageNo: number): void {
    throw readOnly(`free page ${pageNo}`);
  }
}

const readOnly = (what: string): DecentDBError => new DecentDBError('ERR_INTERNAL', `read-only page store cannot ${what}`);
