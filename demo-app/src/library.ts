/**
 * First run of the demo: generates a music library (artists → albums → tracks) from the
 * Chinook names (public/chinook-names.json, MIT, (c) Luis Rocha) with a seeded PRNG, and loads
 * it into the database through `bulkLoad` in batches, reporting progress. Titles recombine real
 * words, so `LIKE '%love%'` has realistic selectivity. Does no querying (queries.ts does).
 */
import type { BrowserDatabase } from '../../worker/index.js';

export interface ChinookNames {
  readonly genres: readonly string[];
  readonly artists: readonly string[];
  readonly albums: readonly string[];
  readonly tracks: readonly string[];
  readonly milliseconds: readonly number[];
}

export const SCHEMA: readonly string[] = [
  'CREATE TABLE genre (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE artist (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE album (id INTEGER PRIMARY KEY, artist_id INTEGER NOT NULL REFERENCES artist (id), title TEXT NOT NULL, release_year INTEGER)',
  'CREATE TABLE track (id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL REFERENCES album (id), title TEXT NOT NULL, '
    + 'track_number INTEGER NOT NULL, genre_id INTEGER REFERENCES genre (id), milliseconds INTEGER NOT NULL)',
  'CREATE INDEX album_artist_id_idx ON album (artist_id)',
  'CREATE INDEX track_album_id_idx ON track (album_id)',
];

const TABLES = ['track', 'album', 'artist', 'genre', 'demo_meta'] as const;
const BATCH_ROWS = 10_000;

/** Small, fast, seeded PRNG (mulberry32): the same library on every machine. */
class Prng {
  constructor(private state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T; // xs is non-empty (checked in generate)
  }
}

/** 15% real Chinook names verbatim (realistic duplicates), else 1–5 words drawn from them. */
function namer(rng: Prng, names: readonly string[]): () => string {
  const words = names.flatMap((n) => n.split(/\s+/).filter((w) => w !== ''));
  return () => {
    if (rng.next() < 0.15) return rng.pick(names);
    const k = 1 + rng.int(Math.min(5, 1 + rng.int(5)));
    let s = rng.pick(words);
    for (let i = 1; i < k; i++) s += ` ${rng.pick(words)}`;
    return s;
  };
}

export type Progress = (done: number, total: number, phase: string) => void;

export interface LoadResult {
  readonly tracks: number;
  readonly trigram: boolean;
  readonly ms: number;
}

/** Tracks in the loaded library, or undefined when the library is missing or half-loaded. */
export async function loadedTracks(db: BrowserDatabase): Promise<number | undefined> {
  try {
    const rows = await db.query("SELECT v FROM demo_meta WHERE k = 'tracks'", [], { rowMode: 'array' }) as unknown[][];
    const v = rows[0]?.[0];
    return v === undefined ? undefined : Number(v);
  } catch {
    return undefined; // no demo_meta table yet
  }
}

/** Drops whatever a previous, interrupted run left and loads a fresh library of `tracks` tracks. */
export async function generateLibrary(db: BrowserDatabase, names: ChinookNames, tracks: number, progress: Progress): Promise<LoadResult> {
  const t0 = performance.now();
  for (const t of TABLES) await db.exec(`DROP TABLE IF EXISTS ${t}`);
  for (const s of SCHEMA) await db.exec(s);
  await db.exec('CREATE TABLE demo_meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)');

  const rng = new Prng(42);
  const albums = Math.max(1, Math.round(tracks / 25));
  const artists = Math.max(1, Math.round(albums / 3.2));
  const artistName = namer(rng, names.artists);
  const albumName = namer(rng, names.albums);
  const trackName = namer(rng, names.tracks);

  progress(0, tracks, 'artists and albums');
  await db.bulkLoad('genre', names.genres.map((g, i) => [i + 1, g]), { checkpoint: false });
  await db.bulkLoad('artist', Array.from({ length: artists }, (_, i) => [i + 1, artistName()]), { checkpoint: false });
  await db.bulkLoad('album', Array.from({ length: albums }, (_, i) => [i + 1, 1 + rng.int(artists), albumName(), 1960 + rng.int(65)]),
    { checkpoint: false });

  let id = 0;
  const perAlbum = new Int32Array(albums + 1);
  while (id < tracks) {
    const n = Math.min(BATCH_ROWS, tracks - id);
    const batch: unknown[][] = new Array<unknown[]>(n);
    for (let i = 0; i < n; i++) {
      // Album ids cycle so every album gets tracks; track numbers count per album.
      const album = 1 + ((id + i) % albums);
      batch[i] = [id + i + 1, album, trackName(), ++perAlbum[album]!, 1 + rng.int(names.genres.length),
        names.milliseconds[rng.int(names.milliseconds.length)] ?? 200_000];
    }
    await db.bulkLoad('track', batch, { checkpoint: false });
    id += n;
    progress(id, tracks, 'tracks');
  }

  progress(tracks, tracks, 'search index');
  let trigram = true;
  try {
    await db.exec('CREATE INDEX track_title_trgm ON track USING trigram (title)');
  } catch {
    trigram = false; // this engine build has no trigram index: search falls back to a scan
  }
  await db.query("INSERT INTO demo_meta (k, v) VALUES ('tracks', $1)", [String(tracks)]);
  await db.checkpoint();
  return { tracks, trigram, ms: performance.now() - t0 };
}
