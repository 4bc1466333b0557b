// Layer 5b, trigram: the native trigram index (spec/native-format.md §1.11, ADR-0007) — sits
// above btree/record, below catalog/planner: postings codec, maintenance, bulk build, LIKE/ILIKE
// pattern trigrams, guarded search plans and lazy candidate intersection. Import only from here.
export { MAX_TRIGRAM, packTrigram, canonicalByte, trigramLabel, textTrigrams, TrigramExtractor } from './trigram-text.js';
export {
  POSTINGS_CHUNK_BYTES,
  MAX_CHUNK_ID,
  postingsKey,
  keyTrigram,
  keyChunk,
  encodePostings,
  decodePostings,
  chunkPostingsCount,
  PostingsDecoder,
  ChunkWriter,
} from './postings-codec.js';
export type { PostingList } from './postings-codec.js';
export { PostingsCache } from './postings-cache.js';
export type { PostingsCacheStats } from './postings-cache.js';
export { TrigramIndex, TrigramTails, lowerBound } from './trigram-index.js';
export type { TrigramIndexOptions, TrigramIndexCounters } from './trigram-index.js';
export { buildFromSortedPairs, TrigramIndexBuilder, compareTrigramPairs, trigramPairCodec } from './trigram-build.js';
export type { TrigramPair } from './trigram-build.js';
export { PostingsIntersection, unionPostings } from './intersect.js';
export type { IntersectCounters } from './intersect.js';
export { patternTrigrams, patternSegments, matchClass, foldCodePoint, CASE_SCAN_LIMIT, MAX_GROUP_CHOICES } from './pattern-trigrams.js';
export type { PatternTrigrams } from './pattern-trigrams.js';
export {
  searchCandidates,
  verifiedRowids,
  describeTrigramPlan,
  DEFAULT_POSTINGS_THRESHOLD,
  SHORT_PATTERN_CHARS,
  DEFAULT_MAX_CANDIDATE_FRACTION,
} from './trigram-search.js';
export type { SearchOptions, TrigramPlan, TrigramPlanReason, TrigramSearch } from './trigram-search.js';
export { trigramEntries, checkTrigramIndex } from './trigram-check.js';
export type { TrigramIndexCheck } from './trigram-check.js';
