/**
 * The registry of engines a workload bench runs, in order: the baseline (better-sqlite3), then
 * DecentDB through its public Node API. Adapters load lazily, so a process running one engine
 * never loads the other (clean memory figures; a broken build cannot take the baseline down).
 */
import type { Engine } from './engine.js';

export interface EngineEntry {
  readonly name: string;
  readonly role: Engine['role'];
  load(): Promise<Engine>;
}

export const ENGINES: readonly EngineEntry[] = [
  { name: 'better-sqlite3', role: 'baseline', load: async () => (await import('./engine-better-sqlite3.js')).betterSqlite3Engine },
  { name: 'decentdb', role: 'decentdb', load: async () => (await import('./engine-decentdb.js')).decentDbEngine },
];

export async function loadEngine(name: string): Promise<Engine> {
  const entry = ENGINES.find((e) => e.name === name);
  if (entry === undefined) throw new Error(`unknown engine "${name}" (have: ${ENGINES.map((e) => e.name).join(', ')})`);
  return entry.load();
}

export type { Engine, EngineDb, EngineOpenOptions, EngineStatement, Durability, Row, SqlParam } from './engine.js';
