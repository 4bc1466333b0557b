/**
 * Deterministic music-library generator (artists → albums → tracks, plus genres) built from the
 * Chinook names (bench/data/chinook.ts; Chinook is MIT-licensed, (c) Luis Rocha): names are
 * recombined from real words sampled by frequency, so LIKE '%love%' has realistic selectivity.
 * Rows stream from generators; only per-album/per-artist offsets (Int32Arrays) are held.
 * Shape: ~25 tracks per album, ~3.2 albums per artist (the native target's 80k/25k ratio).
 */
import { loadChinookMusic } from './chinook.js';
import { deriveSeed, Prng } from './prng.js';

export type GenreRow = readonly [id: number, name: string];
export type ArtistRow = readonly [id: number, name: string];
export type AlbumRow = readonly [id: number, artistId: number, title: string, releaseYear: number];
export type TrackRow = readonly [id: number, albumId: number, title: string, trackNumber: number,
  genreId: number, milliseconds: number, unitPrice: number];

export const MUSIC_COLUMNS = {
  genre: ['id', 'name'],
  artist: ['id', 'name'],
  album: ['id', 'artist_id', 'title', 'release_year'],
  track: ['id', 'album_id', 'title', 'track_number', 'genre_id', 'milliseconds', 'unit_price'],
} as const;

/** Postgres-dialect schema; FK child columns are indexed as the native engine would. */
export const MUSIC_SCHEMA: readonly string[] = [
  'CREATE TABLE genre (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE artist (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE album (id INTEGER PRIMARY KEY, artist_id INTEGER NOT NULL REFERENCES artist (id), '
    + 'title TEXT NOT NULL, release_year INTEGER)',
  'CREATE TABLE track (id INTEGER PRIMARY KEY, album_id INTEGER NOT NULL REFERENCES album (id), '
    + 'title TEXT NOT NULL, track_number INTEGER NOT NULL, genre_id INTEGER REFERENCES genre (id), '
    + 'milliseconds INTEGER NOT NULL, unit_price NUMERIC(10,2) NOT NULL)',
  'CREATE INDEX album_artist_id_idx ON album (artist_id)',
  'CREATE INDEX track_album_id_idx ON track (album_id)',
];

export interface MusicOptions {
  readonly tracks: number;
  readonly tracksPerAlbum?: number;
  readonly albumsPerArtist?: number;
  readonly seed?: number;
}

export interface MusicCounts {
  readonly genres: number;
  readonly artists: number;
  readonly albums: number;
  readonly tracks: number;
}

export interface MusicLibrary {
  readonly seed: number;
  readonly counts: MusicCounts;
  genres(): Generator<GenreRow>;
  artists(): Generator<ArtistRow>;
  albums(): Generator<AlbumRow>;
  tracks(): Generator<TrackRow>;
  /** Number of tracks on `artistId`'s albums (for checking join results). */
  artistTrackCount(artistId: number): number;
}

/** Probability that a generated name is a real Chinook name verbatim (realistic duplicates). */
const P_REAL_NAME = 0.15;
const MAX_WORDS = 8;

interface NamePool {
  readonly words: readonly string[];
  readonly wordCounts: readonly number[];
  readonly real: readonly string[];
}

function namePool(names: readonly string[]): NamePool {
  const words: string[] = [];
  const wordCounts: number[] = [];
  const real: string[] = [];
  for (const name of names) {
    const parts = name.split(/\s+/).filter((w) => w !== '');
    if (parts.length === 0) continue;
    real.push(name);
    wordCounts.push(Math.min(MAX_WORDS, parts.length));
    for (const w of parts) words.push(w);
  }
  return { words, wordCounts, real };
}

function makeName(rng: Prng, pool: NamePool): string {
  if (rng.next() < P_REAL_NAME) return rng.pick(pool.real);
  const k = rng.pick(pool.wordCounts);
  let name = rng.pick(pool.words);
  for (let i = 1; i < k; i++) name += ' ' + rng.pick(pool.words);
  return name;
}

/**
 * Splits `total` items over `parts` groups with random weights from `weight()`, every group
 * non-empty (when total >= parts); returns start offsets (length parts + 1, last = total).
 */
function splitCounts(total: number, parts: number, rng: Prng, weight: (rng: Prng) => number): Int32Array {
  const weights = new Float64Array(parts);
  let sum = 0;
  for (let i = 0; i < parts; i++) { const w = weight(rng); weights[i] = w; sum += w; }
  const spare = total - parts;
  const counts = new Int32Array(parts);
  let assigned = 0;
  for (let i = 0; i < parts; i++) {
    const c = 1 + Math.floor(((weights[i] ?? 0) / sum) * spare);
    counts[i] = c;
    assigned += c;
  }
  for (let i = 0; assigned < total; i = (i + 1) % parts) { counts[i] = (counts[i] ?? 0) + 1; assigned++; }
  const offsets = new Int32Array(parts + 1);
  for (let i = 0; i < parts; i++) offsets[i + 1] = (offsets[i] ?? 0) + (counts[i] ?? 0);
  return offsets;
}

/**
 * A library of `tracks` tracks. Example: `const lib = musicLibrary({ tracks: 100_000 });
 * for (const row of lib.tracks()) insert.run(...row);`
 */
export function musicLibrary(options: MusicOptions): MusicLibrary {
  const seed = options.seed ?? 42;
  const trackCount = Math.max(1, Math.floor(options.tracks));
  const albumCount = Math.max(1, Math.min(trackCount, Math.round(trackCount / (options.tracksPerAlbum ?? 25))));
  const artistCount = Math.max(1, Math.min(albumCount, Math.round(albumCount / (options.albumsPerArtist ?? 3.2))));
  const chinook = loadChinookMusic();
  const trackNames = namePool(chinook.tracks.map((t) => t.Name));
  const albumNames = namePool(chinook.albums.map((a) => a.Title));
  const artistNames = namePool(chinook.artists.map((a) => a.Name));
  const realGenres = chinook.tracks.map((t) => t.GenreId ?? 1);
  const realMs = chinook.tracks.map((t) => t.Milliseconds);

  const shape = new Prng(deriveSeed(seed, 0));
  // Tracks per album: uniform weights 0.4..1.6 (10..40 at the default mean of 25).
  const albumStart = splitCounts(trackCount, albumCount, shape, (r) => 0.4 + 1.2 * r.next());
  // Albums per artist: exponential weights, so a few artists have many albums.
  const artistStart = splitCounts(albumCount, artistCount, shape, (r) => 0.2 - Math.log(1 - r.next()));
  const albumGenre = new Uint8Array(albumCount);
  for (let i = 0; i < albumCount; i++) albumGenre[i] = shape.pick(realGenres);

  return {
    seed,
    counts: { genres: chinook.genres.length, artists: artistCount, albums: albumCount, tracks: trackCount },
    *genres() {
      for (const g of chinook.genres) yield [g.GenreId, g.Name] as const;
    },
    *artists() {
      const rng = new Prng(deriveSeed(seed, 1));
      for (let id = 1; id <= artistCount; id++) yield [id, makeName(rng, artistNames)] as const;
    },
    *albums() {
      const rng = new Prng(deriveSeed(seed, 2));
      for (let a = 0; a < artistCount; a++) {
        const end = artistStart[a + 1] ?? 0;
        for (let album = artistStart[a] ?? 0; album < end; album++) {
          yield [album + 1, a + 1, makeName(rng, albumNames), rng.between(1960, 2025)] as const;
        }
      }
    },
    *tracks() {
      const rng = new Prng(deriveSeed(seed, 3));
      for (let album = 0; album < albumCount; album++) {
        const start = albumStart[album] ?? 0;
        const end = albumStart[album + 1] ?? 0;
        const genre = albumGenre[album] ?? 1;
        for (let t = start; t < end; t++) {
          const ms = Math.max(5_000, Math.round(rng.pick(realMs) * (0.8 + 0.4 * rng.next())));
          const trackGenre = rng.next() < 0.9 ? genre : rng.pick(realGenres);
          const price = rng.next() < 0.95 ? 0.99 : 1.99;
          yield [t + 1, album + 1, makeName(rng, trackNames), t - start + 1, trackGenre, ms, price] as const;
        }
      }
    },
    artistTrackCount(artistId) {
      const first = artistStart[artistId - 1];
      const last = artistStart[artistId];
      if (first === undefined || last === undefined) return 0;
      return (albumStart[last] ?? 0) - (albumStart[first] ?? 0);
    },
  };
}
