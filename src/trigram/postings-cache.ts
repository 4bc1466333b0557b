// A bounded LRU cache of decoded postings, shared by the handles of many trigram indexes and
// snapshots. Sized by bytes (8 per rowid plus a fixed entry overhead). An entry is trusted only
// under the exact `tag` it was loaded with (the engine passes the snapshot's commit LSN), so a
// reader never sees postings of another version; writes through a handle invalidate their
// trigram under every tag. Does not load anything itself (trigram-index.ts does). ADR-0007.
import type { PostingList } from './postings-codec.js';

const ENTRY_OVERHEAD_BYTES = 64;

interface Entry {
  readonly tag: string | number;
  readonly list: PostingList;
  readonly bytes: number;
}

export interface PostingsCacheStats {
  hits: number;
  misses: number;
  evictions: number;
  invalidations: number;
}

/**
 * LRU by bytes. Lists handed out are shared: callers must not modify them.
 * @example
 *   const cache = new PostingsCache({ maxBytes: 8 << 20 });
 *   new TrigramIndex(store, root, { cache, cacheId: 'idx_title', cacheTag: snapshotLsn });
 */
export class PostingsCache {
  readonly maxBytes: number;
  readonly stats: PostingsCacheStats = { hits: 0, misses: 0, evictions: 0, invalidations: 0 };
  private readonly entries = new Map<string, Entry>();
  private usedBytes = 0;

  constructor(options: { readonly maxBytes?: number } = {}) {
    this.maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
  }

  get sizeBytes(): number {
    return this.usedBytes;
  }

  get size(): number {
    return this.entries.size;
  }

  get(cacheId: string, trigram: number, tag: string | number): PostingList | undefined {
    const k = entryKey(cacheId, trigram);
    const e = this.entries.get(k);
    if (e === undefined || e.tag !== tag) {
      this.stats.misses++;
      return undefined;
    }
    this.entries.delete(k);
    this.entries.set(k, e);
    this.stats.hits++;
    return e.list;
  }

  set(cacheId: string, trigram: number, tag: string | number, list: PostingList): void {
    const bytes = list.length * 8 + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.maxBytes / 4) return;
    const k = entryKey(cacheId, trigram);
    this.drop(k);
    this.entries.set(k, { tag, list, bytes });
    this.usedBytes += bytes;
    while (this.usedBytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.drop(oldest.value);
      this.stats.evictions++;
    }
  }

  /** Forgets a trigram's postings under every tag (called on every write to it). */
  invalidate(cacheId: string, trigram: number): void {
    if (this.drop(entryKey(cacheId, trigram))) this.stats.invalidations++;
  }

  /** Forgets every trigram of one index (DROP INDEX, rebuild). */
  invalidateIndex(cacheId: string): void {
    const prefix = `${cacheId}\u0000`;
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.drop(k);
  }

  clear(): void {
    this.entries.clear();
    this.usedBytes = 0;
  }

  private drop(k: string): boolean {
    const e = this.entries.get(k);
    if (e === undefined) return false;
    this.entries.delete(k);
    this.usedBytes -= e.bytes;
    return true;
  }
}

const entryKey = (cacheId: string, trigram: number): string => `${cacheId}\u0000${trigram}`;
