/**
 * The demo's queries, each timed end to end (tab → worker → engine → tab): search over track
 * titles, and artist → albums → tracks browsing. Search is a case-insensitive `ILIKE`, served
 * by the trigram index when the library has one, else a scan (the UI says which).
 */
import type { BrowserDatabase } from '../../worker/index.js';

export interface Timed<T> {
  readonly rows: T[];
  readonly ms: number;
}

export interface SearchHit {
  readonly id: number;
  readonly title: string;
  readonly milliseconds: number;
  readonly album: string;
  readonly artist: string;
  readonly artistId: number;
}

export type SearchMode = 'trigram' | 'scan';

const SEARCH_LIMIT = 50;

async function timed<T>(fn: () => Promise<T[]>): Promise<Timed<T>> {
  const t = performance.now();
  const rows = await fn();
  return { rows, ms: performance.now() - t };
}

/** 'trigram' when EXPLAIN shows the planner using the trigram index for the search's ILIKE. */
export async function searchMode(db: BrowserDatabase): Promise<SearchMode> {
  const plan = await db.query("EXPLAIN SELECT id FROM track WHERE title ILIKE '%love%'", [], { rowMode: 'array' }) as unknown[][];
  return plan.some((r) => /trigram/i.test(String(r[0]))) ? 'trigram' : 'scan';
}

/**
 * Tracks whose title contains `text`, ignoring case (first 50), with album and artist names.
 * ILIKE goes through the trigram index when there is one, else it scans.
 */
export async function searchTracks(db: BrowserDatabase, text: string): Promise<Timed<SearchHit>> {
  return timed(async () => {
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const tracks = await db.query(`SELECT id, title, album_id, milliseconds FROM track WHERE title ILIKE $1 LIMIT ${SEARCH_LIMIT}`,
      [pattern], { rowMode: 'array' }) as unknown[][];
    if (tracks.length === 0) return [];
    const albumIds = [...new Set(tracks.map((r) => Number(r[2])))];
    const albums = await db.query(
      `SELECT a.id, a.title, ar.name, ar.id FROM album a JOIN artist ar ON ar.id = a.artist_id WHERE a.id IN (${albumIds.join(', ')})`,
      [], { rowMode: 'array' }) as unknown[][];
    const byId = new Map(albums.map((r) => [Number(r[0]), r]));
    return tracks.map((r) => {
      const a = byId.get(Number(r[2]));
      return { id: Number(r[0]), title: String(r[1]), milliseconds: Number(r[3]), album: String(a?.[1] ?? ''), artist: String(a?.[2] ?? ''),
        artistId: Number(a?.[3] ?? 0) };
    });
  });
}

/** Artists whose name starts with `letter` ('#' = anything before 'A'). */
export async function artistsByLetter(db: BrowserDatabase, letter: string): Promise<Timed<{ id: number; name: string }>> {
  const [from, to] = letter === '#' ? ['', 'A'] : [letter, String.fromCharCode(letter.charCodeAt(0) + 1)];
  return timed(async () => (await db.query('SELECT id, name FROM artist WHERE name >= $1 AND name < $2 ORDER BY name LIMIT 500', [from, to]))
    .map((r) => ({ id: Number((r as Record<string, unknown>)['id']), name: String((r as Record<string, unknown>)['name']) })));
}

export async function albumsOf(db: BrowserDatabase, artistId: number): Promise<Timed<{ id: number; title: string; year: number }>> {
  return timed(async () => (await db.query('SELECT id, title, release_year FROM album WHERE artist_id = $1 ORDER BY release_year, id',
    [artistId], { rowMode: 'array' }) as unknown[][]).map((r) => ({ id: Number(r[0]), title: String(r[1]), year: Number(r[2]) })));
}

export async function tracksOf(db: BrowserDatabase, albumId: number): Promise<Timed<{ n: number; title: string; milliseconds: number }>> {
  return timed(async () => (await db.query('SELECT track_number, title, milliseconds FROM track WHERE album_id = $1 ORDER BY track_number',
    [albumId], { rowMode: 'array' }) as unknown[][]).map((r) => ({ n: Number(r[0]), title: String(r[1]), milliseconds: Number(r[2]) })));
}

export const duration = (ms: number): string => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};
