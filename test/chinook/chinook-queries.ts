/**
 * Realistic queries over Chinook. `ordered` marks queries whose ORDER BY is total (rows are
 * compared in sequence); the others are compared as multisets.
 */
export interface ChinookQuery {
  readonly name: string;
  readonly sql: string;
  readonly ordered: boolean;
}

export const CHINOOK_QUERIES: readonly ChinookQuery[] = [
  { name: 'row counts', ordered: false, sql: `SELECT (SELECT COUNT(*) FROM artist), (SELECT COUNT(*) FROM album), (SELECT COUNT(*) FROM track), (SELECT COUNT(*) FROM invoice_line), (SELECT COUNT(*) FROM playlist_track)` },
  { name: 'primary-key lookup', ordered: false, sql: `SELECT * FROM track WHERE track_id = 1234` },
  { name: 'albums of an artist', ordered: true, sql: `SELECT al.title FROM album al JOIN artist ar ON ar.artist_id = al.artist_id WHERE ar.name = 'Iron Maiden' ORDER BY al.title` },
  { name: 'tracks with album, artist, genre, media type (5 tables)', ordered: true, sql: `SELECT t.track_id, t.name, al.title, ar.name AS artist, g.name AS genre, m.name AS media FROM track t JOIN album al ON al.album_id = t.album_id JOIN artist ar ON ar.artist_id = al.artist_id JOIN genre g ON g.genre_id = t.genre_id JOIN media_type m ON m.media_type_id = t.media_type_id WHERE ar.name LIKE 'A%' ORDER BY t.track_id LIMIT 40` },
  { name: 'sales per country with HAVING', ordered: true, sql: `SELECT billing_country, COUNT(*) AS invoices, SUM(total) AS revenue FROM invoice GROUP BY billing_country HAVING SUM(total) > 100 ORDER BY revenue DESC, billing_country` },
  { name: 'top customers by spend', ordered: true, sql: `SELECT c.customer_id, c.first_name || ' ' || c.last_name AS customer, SUM(i.total) AS spent FROM customer c JOIN invoice i ON i.customer_id = c.customer_id GROUP BY c.customer_id, c.first_name, c.last_name ORDER BY spent DESC, c.customer_id LIMIT 5` },
  { name: 'genre track counts and average length', ordered: true, sql: `SELECT g.name, COUNT(t.track_id) AS tracks, MIN(t.milliseconds) AS shortest, MAX(t.milliseconds) AS longest FROM genre g LEFT JOIN track t ON t.genre_id = g.genre_id GROUP BY g.name ORDER BY tracks DESC, g.name` },
  { name: 'average track price per media type (decimal avg)', ordered: true, sql: `SELECT m.name, ROUND(AVG(t.unit_price), 2) AS avg_price, COUNT(*) AS n FROM track t JOIN media_type m ON m.media_type_id = t.media_type_id GROUP BY m.name ORDER BY m.name` },
  { name: 'artists without albums (LEFT JOIN IS NULL)', ordered: true, sql: `SELECT ar.artist_id, ar.name FROM artist ar LEFT JOIN album al ON al.artist_id = ar.artist_id WHERE al.album_id IS NULL ORDER BY ar.artist_id LIMIT 20` },
  { name: 'artists without albums (NOT EXISTS)', ordered: false, sql: `SELECT ar.name FROM artist ar WHERE NOT EXISTS (SELECT 1 FROM album al WHERE al.artist_id = ar.artist_id)` },
  { name: 'tracks in the most popular playlist (IN subquery)', ordered: true, sql: `SELECT track_id, name FROM track WHERE track_id IN (SELECT track_id FROM playlist_track WHERE playlist_id = 18) ORDER BY track_id` },
  { name: 'tracks longer than the average (scalar subquery)', ordered: false, sql: `SELECT COUNT(*) FROM track WHERE milliseconds > (SELECT AVG(milliseconds) FROM track)` },
  { name: 'longest track per album (correlated scalar subquery)', ordered: true, sql: `SELECT al.album_id, al.title, (SELECT MAX(t.milliseconds) FROM track t WHERE t.album_id = al.album_id) AS longest FROM album al WHERE al.album_id <= 30 ORDER BY al.album_id` },
  { name: 'pagination with ORDER BY / LIMIT / OFFSET', ordered: true, sql: `SELECT track_id, name, milliseconds FROM track ORDER BY name, track_id LIMIT 25 OFFSET 1000` },
  { name: 'ILIKE search over names', ordered: true, sql: `SELECT track_id, name FROM track WHERE name ILIKE '%love%' ORDER BY track_id` },
  { name: 'LIKE with ESCAPE and underscores', ordered: true, sql: `SELECT DISTINCT composer FROM track WHERE composer LIKE '%/_%' ESCAPE '/' OR composer LIKE 'J_hn%' ORDER BY composer` },
  { name: 'DISTINCT countries', ordered: true, sql: `SELECT DISTINCT country FROM customer ORDER BY country` },
  { name: 'COUNT(DISTINCT) and SUM(DISTINCT)', ordered: false, sql: `SELECT COUNT(DISTINCT billing_country), COUNT(DISTINCT customer_id), SUM(DISTINCT total), COUNT(billing_state) FROM invoice` },
  { name: 'UNION of customer and employee cities', ordered: true, sql: `SELECT city FROM customer UNION SELECT city FROM employee ORDER BY city` },
  { name: 'UNION ALL counts', ordered: false, sql: `SELECT 'customer' AS kind, COUNT(*) FROM customer UNION ALL SELECT 'employee', COUNT(*) FROM employee` },
  { name: 'INTERSECT countries with customers and employees', ordered: false, sql: `SELECT country FROM customer INTERSECT SELECT country FROM employee` },
  { name: 'EXCEPT: genres never sold', ordered: false, sql: `SELECT genre_id FROM genre EXCEPT SELECT t.genre_id FROM invoice_line il JOIN track t ON t.track_id = il.track_id` },
  { name: 'CTE: revenue per artist, top 10', ordered: true, sql: `WITH sales AS (SELECT al.artist_id, il.unit_price * il.quantity AS amount FROM invoice_line il JOIN track t ON t.track_id = il.track_id JOIN album al ON al.album_id = t.album_id) SELECT ar.name, SUM(s.amount) AS revenue FROM sales s JOIN artist ar ON ar.artist_id = s.artist_id GROUP BY ar.name ORDER BY revenue DESC, ar.name LIMIT 10` },
  { name: 'two CTEs joined', ordered: true, sql: `WITH per_customer AS (SELECT customer_id, SUM(total) AS spent FROM invoice GROUP BY customer_id), rich AS (SELECT customer_id FROM per_customer WHERE spent > 45) SELECT c.last_name, p.spent FROM rich r JOIN per_customer p ON p.customer_id = r.customer_id JOIN customer c ON c.customer_id = r.customer_id ORDER BY p.spent DESC, c.last_name` },
  { name: 'subquery in FROM with aggregate over aggregate', ordered: false, sql: `SELECT MAX(n), MIN(n), COUNT(*) FROM (SELECT album_id, COUNT(*) AS n FROM track GROUP BY album_id) x` },
  { name: 'employee hierarchy self-join', ordered: true, sql: `SELECT e.first_name, e.last_name, m.first_name AS manager FROM employee e LEFT JOIN employee m ON m.employee_id = e.reports_to ORDER BY e.employee_id` },
  { name: 'sales rep performance (3 tables, GROUP BY, HAVING)', ordered: true, sql: `SELECT e.last_name, COUNT(DISTINCT c.customer_id) AS customers, SUM(i.total) AS sales FROM employee e JOIN customer c ON c.support_rep_id = e.employee_id JOIN invoice i ON i.customer_id = c.customer_id GROUP BY e.last_name HAVING COUNT(*) > 10 ORDER BY sales DESC` },
  { name: 'CASE buckets of track length', ordered: true, sql: `SELECT CASE WHEN milliseconds < 180000 THEN 'short' WHEN milliseconds < 360000 THEN 'medium' ELSE 'long' END AS bucket, COUNT(*) FROM track GROUP BY 1 ORDER BY 1` },
  { name: 'timestamps: invoices in a date range', ordered: true, sql: `SELECT invoice_id, invoice_date, total FROM invoice WHERE invoice_date BETWEEN '2022-01-01' AND '2022-03-31' ORDER BY invoice_date, invoice_id` },
  { name: 'string functions', ordered: true, sql: `SELECT UPPER(first_name), LOWER(last_name), LENGTH(email), SUBSTR(phone, 1, 6), TRIM('  ' || city || '  '), COALESCE(state, company, 'n/a'), NULLIF(country, 'USA') FROM customer ORDER BY customer_id LIMIT 15` },
  { name: 'playlist sizes with composite primary key', ordered: true, sql: `SELECT p.name, COUNT(pt.track_id) AS tracks FROM playlist p LEFT JOIN playlist_track pt ON pt.playlist_id = p.playlist_id GROUP BY p.playlist_id, p.name ORDER BY p.playlist_id` },
  { name: 'invoice lines per invoice with total check', ordered: true, sql: `SELECT i.invoice_id, i.total, SUM(il.unit_price * il.quantity) AS computed FROM invoice i JOIN invoice_line il ON il.invoice_id = i.invoice_id GROUP BY i.invoice_id, i.total HAVING i.total <> SUM(il.unit_price * il.quantity) OR i.invoice_id < 5 ORDER BY i.invoice_id` },
  { name: 'comma join with IN list and NULL logic', ordered: true, sql: `SELECT t.track_id, t.composer IS NULL AS no_composer FROM track t, album al WHERE al.album_id = t.album_id AND al.artist_id IN (1, 2, 3) AND (t.composer IS NULL OR t.bytes > 8000000) ORDER BY t.track_id` },
  { name: 'top-N by genre with ORDER BY expression and NULLS LAST', ordered: true, sql: `SELECT name, composer FROM track WHERE genre_id = 1 ORDER BY composer DESC NULLS LAST, track_id LIMIT 30` },
  { name: 'CAST and arithmetic on decimals and ints', ordered: true, sql: `SELECT track_id, CAST(milliseconds / 1000 AS INT) AS seconds, unit_price * 2 AS doubled, CAST(bytes AS TEXT) FROM track WHERE track_id BETWEEN 100 AND 110 ORDER BY track_id` },
];
