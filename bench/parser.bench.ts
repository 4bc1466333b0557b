// Parser speed: µs per statement for typical statement shapes (ADR-0004). Not a test; run with
// `npx tsx bench/parser.bench.ts`. Prints one JSON line, then a table.
import { readFileSync } from 'node:fs';
import { parse, parseScript, printStatement, tokenize } from '../src/sql/index.js';

const SHAPES: Record<string, string> = {
  pointSelect: 'SELECT * FROM users WHERE id = $1',
  join3: `SELECT t.name, a.title, ar.name AS artist
          FROM track t JOIN album a ON a.album_id = t.album_id
          JOIN artist ar ON ar.artist_id = a.artist_id
          WHERE ar.name LIKE 'A%' AND t.milliseconds > 200000
          ORDER BY t.name DESC LIMIT 100 OFFSET 50`,
  insert10: `INSERT INTO track (track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price, extra)
             VALUES (1, 'For Those About To Rock', 1, 1, 1, 'Angus Young, Malcolm Young, Brian Johnson', 343719, 11170334, 0.99, NULL)`,
  createTable: `CREATE TABLE invoice (invoice_id INT NOT NULL, customer_id INT NOT NULL REFERENCES customer (customer_id),
                invoice_date TIMESTAMP NOT NULL, billing_city VARCHAR(40), total NUMERIC(10,2) NOT NULL CHECK (total >= 0),
                CONSTRAINT invoice_pkey PRIMARY KEY (invoice_id))`,
  cteUnionAgg: `WITH big AS (SELECT customer_id, SUM(total) AS s FROM invoice GROUP BY customer_id HAVING SUM(total) > 40)
                SELECT c.first_name, b.s, CASE WHEN b.s > 45 THEN 'gold' ELSE 'silver' END FROM customer c JOIN big b USING (customer_id)
                UNION ALL SELECT 'none', 0, NULL ORDER BY 2 DESC`,
};

/** Best of 7 rounds of ~60 ms each: the minimum is the least disturbed by other processes. */
function timeUs(fn: () => void): number {
  for (let i = 0; i < 2000; i++) fn();
  let best = Infinity;
  for (let round = 0; round < 7; round++) {
    let n = 0;
    const start = performance.now();
    let now = start;
    while (now - start < 60) {
      for (let i = 0; i < 200; i++) fn();
      n += 200;
      now = performance.now();
    }
    best = Math.min(best, ((now - start) * 1000) / n);
  }
  return best;
}

const results: Record<string, { tokenizeUs: number; parseUs: number; printUs: number; tokens: number }> = {};
for (const [name, sql] of Object.entries(SHAPES)) {
  const ast = parse(sql);
  results[name] = {
    tokens: tokenize(sql).length - 1,
    tokenizeUs: +timeUs(() => tokenize(sql)).toFixed(2),
    parseUs: +timeUs(() => parse(sql)).toFixed(2),
    printUs: +timeUs(() => printStatement(ast)).toFixed(2),
  };
}
// The whole Chinook PostgreSQL script (psql `\c` lines dropped): 59 statements, 15,607 rows.
const chinookPath = new URL('../../shared/data/chinook/Chinook_PostgreSql.sql', import.meta.url);
const chinook = readFileSync(chinookPath, 'utf8').split('\n').filter((l) => !l.startsWith('\\')).join('\n');
parseScript(chinook);
let chinookMs = Infinity;
for (let round = 0; round < 5; round++) {
  const start = performance.now();
  parseScript(chinook);
  chinookMs = Math.min(chinookMs, performance.now() - start);
}
console.log(JSON.stringify({ bench: 'parser', node: process.version, results, chinookScriptMs: +chinookMs.toFixed(1) }));
console.table(results);
console.log(`Chinook script (600 KB, 15,607 rows): ${chinookMs.toFixed(1)} ms`);
