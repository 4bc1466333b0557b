/**
 * `decentdb FILE < script` / `producer | decentdb FILE`: reads input incrementally and runs each
 * statement as soon as its `;` arrives, so a producer can wait for one statement's output
 * before sending the next. Autocommit per statement unless inside BEGIN … COMMIT (the engine
 * session decides); an open transaction at end of input is rolled back and reported.
 */
import type { SqlSession } from './sql-session.js';

/** Reads `input` to its end through `session`; returns when every statement has run. */
export async function runStream(session: SqlSession, input: AsyncIterable<string | Uint8Array>, warn: (text: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of input) {
    session.feed(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  const tail = decoder.decode();
  if (tail !== '') session.feed(tail);
  session.finish();
  if (session.db.inTransaction) warn('decentdb: warning: end of input inside a transaction: rolled back\n');
}
