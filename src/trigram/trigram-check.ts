// Whole-index walk for checks and crash tests (ADR-0007): every trigram's postings in key order,
// and an invariant checker: keys in the new layout have dense chunk ids from 0, every chunk
// decodes, rowids strictly increase across a trigram's chunks. Legacy bare keys are reported,
// not rejected. Does not compare with the table (the engine's crash tests do, via textTrigrams).
import { BTree } from '../btree/index.js';
import { corrupt } from '../util/index.js';
import type { PageStore } from '../pager/index.js';
import { PostingsDecoder, keyChunk, keyTrigram } from './postings-codec.js';
import type { PostingList } from './postings-codec.js';

export interface TrigramIndexCheck {
  readonly trigrams: number;
  readonly postings: number;
  readonly chunks: number;
  /** Bare-trigram keys of the legacy layout (read as fallback by TrigramIndex). */
  readonly legacyKeys: number;
}

/**
 * Yields [trigram, postings] for every trigram in key order (new layout only; legacy bare keys
 * are skipped). Throws ERR_CORRUPTION on a chunk gap or bad postings.
 * @example for (const [t, rowids] of trigramEntries(store, root)) …
 */
export function trigramEntries(store: PageStore, root: number): Generator<readonly [number, PostingList]> {
  return walk(store, root, { chunks: 0, legacyKeys: 0 });
}

/** Checks the whole index (see trigramEntries) and returns its totals. */
export function checkTrigramIndex(store: PageStore, root: number): TrigramIndexCheck {
  const keys = { chunks: 0, legacyKeys: 0 };
  let trigrams = 0;
  let postings = 0;
  for (const [, list] of walk(store, root, keys)) {
    trigrams++;
    postings += list.length;
  }
  return { trigrams, postings, chunks: keys.chunks, legacyKeys: keys.legacyKeys };
}

function* walk(store: PageStore, root: number, keys: { chunks: number; legacyKeys: number }): Generator<readonly [number, PostingList]> {
  const c = new BTree(store, root).cursor();
  let cur = -1;
  let next = 0;
  let dec: PostingsDecoder | undefined;
  for (let ok = c.first(); ok; ok = c.next()) {
    const key = c.key;
    if (typeof key !== 'number' || key >= 2 ** 40) throw corrupt(0, `trigram index key out of range: ${String(key)}`);
    const t = keyTrigram(key);
    const chunk = keyChunk(key);
    const expected = t === cur ? next : 0;
    if (chunk !== expected) {
      // A bare legacy key t' (< 2^24) reads as chunk t' & 0xffff of trigram t' >> 16.
      if (key < 2 ** 24) {
        keys.legacyKeys++;
        continue;
      }
      throw corrupt(0, `trigram 0x${t.toString(16)}: chunk ${chunk} where ${expected} was expected`);
    }
    if (t !== cur) {
      if (dec !== undefined) yield [cur, dec.finish()];
      cur = t;
      next = 0;
      dec = new PostingsDecoder(t);
    }
    dec!.chunk(c.value(), chunk);
    keys.chunks++;
    next++;
  }
  if (dec !== undefined) yield [cur, dec.finish()];
}
