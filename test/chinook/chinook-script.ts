/**
 * The Chinook Postgres script (../shared/data/chinook) as plain SQL both engines accept: psql
 * meta-commands (`\c …`) and CREATE/DROP DATABASE removed, nothing else changed.
 */
import { readFileSync } from 'node:fs';

export const CHINOOK_SQL_PATH = '/work/shared/data/chinook/Chinook_PostgreSql.sql';

/** The script with meta-command lines and database-level statements dropped. */
export function chinookScript(): string {
  const lines = readFileSync(CHINOOK_SQL_PATH, 'utf8').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    const t = line.trim();
    if (t.startsWith('\\')) continue;
    if (/^(CREATE|DROP)\s+DATABASE\b/i.test(t)) continue;
    kept.push(line);
  }
  return kept.join('\n');
}
