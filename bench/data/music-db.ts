/**
 * The generated music library as a database file, built in Node, for the browser benches to
 * import: one DecentDB file (bulkLoad, checkpointed) and one SQLite file (rollback journal,
 * VACUUMed, so there is no -wal to ship). Same rows in both.
 */
import BetterSqlite from 'better-sqlite3';
import { Database } from '../../src/index.js';
import { musicLibrary, MUSIC_COLUMNS, MUSIC_SCHEMA } from './music.js';

export function buildDecentDbMusicFile(path: string, tracks: number): void {
  const db = Database.open(path);
  for (const sql of MUSIC_SCHEMA) db.exec(sql);
  const lib = musicLibrary({ tracks });
  db.bulkLoad('genre', lib.genres(), { checkpoint: false });
  db.bulkLoad('artist', lib.artists(), { checkpoint: false });
  db.bulkLoad('album', lib.albums(), { checkpoint: false });
  db.bulkLoad('track', lib.tracks());
  db.close();
}

export function buildSqliteMusicFile(path: string, tracks: number): void {
  const db = new BetterSqlite(path);
  db.pragma('journal_mode = DELETE');
  for (const sql of MUSIC_SCHEMA) db.exec(sql);
  const lib = musicLibrary({ tracks });
  db.transaction(() => {
    for (const [table, rows] of [['genre', lib.genres()], ['artist', lib.artists()], ['album', lib.albums()], ['track', lib.tracks()]] as const) {
      const cols = MUSIC_COLUMNS[table];
      const stmt = db.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
      for (const row of rows) stmt.run(...row);
    }
  })();
  db.exec('VACUUM');
  db.close();
}
