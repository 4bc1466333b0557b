/**
 * Access to the Chinook sample database in ../shared/data/chinook (relative to the repo root;
 * override with $DECENTDB_CHINOOK_DIR): the JSON tables the music generator draws names from,
 * and the Postgres script as statements for tests that load Chinook through SQL.
 * Chinook: github lerocha/chinook-database @7f67772, Copyright (c) 2008-2024 Luis Rocha, MIT
 * licence (LICENSE.md beside the data; keep it with any copy).
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitSqlStatements } from './sql-split.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function chinookDir(): string {
  return process.env['DECENTDB_CHINOOK_DIR'] ?? resolve(REPO_ROOT, '..', 'shared', 'data', 'chinook');
}

export interface ChinookArtist { readonly ArtistId: number; readonly Name: string }
export interface ChinookAlbum { readonly AlbumId: number; readonly Title: string; readonly ArtistId: number }
export interface ChinookGenre { readonly GenreId: number; readonly Name: string }
export interface ChinookTrack {
  readonly TrackId: number; readonly Name: string; readonly AlbumId: number | null;
  readonly MediaTypeId: number; readonly GenreId: number | null; readonly Composer: string | null;
  readonly Milliseconds: number; readonly Bytes: number | null; readonly UnitPrice: number;
}

/** The music tables of ChinookData.json (the store tables are not read here). */
export interface ChinookMusic {
  readonly artists: readonly ChinookArtist[];
  readonly albums: readonly ChinookAlbum[];
  readonly genres: readonly ChinookGenre[];
  readonly tracks: readonly ChinookTrack[];
}

let cached: ChinookMusic | undefined;

function table<T>(json: Record<string, unknown>, name: string, check: (row: Record<string, unknown>) => boolean): T[] {
  const rows = json[name];
  if (!Array.isArray(rows)) throw new Error(`ChinookData.json: no array "${name}"`);
  for (const row of rows) {
    if (typeof row !== 'object' || row === null || !check(row as Record<string, unknown>)) {
      throw new Error(`ChinookData.json: unexpected row in "${name}": ${JSON.stringify(row)}`);
    }
  }
  return rows as T[];
}

/** Reads ChinookData.json once per process. */
export function loadChinookMusic(): ChinookMusic {
  if (cached !== undefined) return cached;
  const json = JSON.parse(readFileSync(join(chinookDir(), 'ChinookData.json'), 'utf8')) as Record<string, unknown>;
  cached = {
    artists: table<ChinookArtist>(json, 'Artist', (r) => typeof r['ArtistId'] === 'number' && typeof r['Name'] === 'string'),
    albums: table<ChinookAlbum>(json, 'Album', (r) => typeof r['AlbumId'] === 'number' && typeof r['Title'] === 'string'),
    genres: table<ChinookGenre>(json, 'Genre', (r) => typeof r['GenreId'] === 'number' && typeof r['Name'] === 'string'),
    tracks: table<ChinookTrack>(json, 'Track', (r) => typeof r['Name'] === 'string' && typeof r['Milliseconds'] === 'number'),
  };
  return cached;
}

/**
 * The statements of Chinook_PostgreSql.sql, in order, without the DROP DATABASE / CREATE
 * DATABASE lines and the `\c` meta-command. Statements are as Postgres accepts them (N'…'
 * strings, '2021/1/1' dates, NUMERIC(10,2), ALTER TABLE … ADD FOREIGN KEY); no rewriting.
 */
export function chinookPostgresStatements(): string[] {
  const script = readFileSync(join(chinookDir(), 'Chinook_PostgreSql.sql'), 'utf8');
  return splitSqlStatements(script).filter((s) => !/^(DROP|CREATE)\s+DATABASE\b/i.test(s));
}
