// Child process for process-lock.test.ts: opens the database named by argv[2], inserts a row,
// prints "ready", then holds the database until stdin ends (then closes it and exits 0).
// The parent may instead SIGKILL it, leaving a stale `<db>-lock` behind.
import { Database } from '../../src/index.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: hold-db.ts DB');
try {
  const db = Database.open(path);
  db.exec('CREATE TABLE IF NOT EXISTS t (id INT PRIMARY KEY)');
  db.exec(`INSERT INTO t VALUES (${process.pid})`);
  process.stdout.write('ready\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    db.close();
    process.exit(0);
  });
} catch (e) {
  const err = e as { code?: string; message?: string };
  process.stdout.write(`error ${err.code ?? ''} ${err.message ?? String(e)}\n`);
  process.exit(2);
}
