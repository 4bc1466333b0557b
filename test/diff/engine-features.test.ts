/**
 * SELECT features of issue 4, one query each, on a fixed dataset, against PGlite: WHERE with
 * three-valued logic, joins of every supported kind, GROUP BY/HAVING with DISTINCT
 * aggregates, ORDER BY expressions with ASC/DESC and NULLS FIRST/LAST, LIMIT/OFFSET (also as
 * parameters), subqueries (IN, EXISTS, scalar, FROM, correlated), set operations, WITH, CASE,
 * CAST, BETWEEN, IN lists, LIKE/ILIKE with ESCAPE, ||, COALESCE, NULLIF and the scalar
 * functions. Rows compared in order when `ordered`, else as multisets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/index.js';
import { PgHarness } from './pg-harness.js';
import { canonicalRows, ourCanonicalRows } from './result-compare.js';

const SETUP = `
  CREATE TABLE dept (id INT PRIMARY KEY, name TEXT NOT NULL, budget DECIMAL(10,2));
  CREATE TABLE emp (id INT PRIMARY KEY, name TEXT NOT NULL, dept_id INT REFERENCES dept(id), salary DECIMAL(10,2), bonus INT, active BOOL, hired TIMESTAMP, note TEXT);
  CREATE TABLE proj (id INT PRIMARY KEY, emp_id INT, title TEXT, hours INT);
  CREATE INDEX emp_dept ON emp (dept_id);
  CREATE INDEX emp_salary ON emp (salary);
  CREATE UNIQUE INDEX proj_title ON proj (title, emp_id);
  INSERT INTO dept VALUES (1, 'Eng', 1000.00), (2, 'Ops', 250.50), (3, 'Sales', NULL), (4, 'Empty', 0);
  INSERT INTO emp VALUES
    (1, 'Ann', 1, 120.00, 10, TRUE, '2020-01-15 09:00:00', 'lead'),
    (2, 'bob', 1, 95.50, NULL, TRUE, '2021-06-01', NULL),
    (3, 'Cid', 2, 70.25, 5, FALSE, '2019-03-03 12:30:00', '50% off'),
    (4, 'dee', 2, NULL, 0, NULL, NULL, 'a_b'),
    (5, 'Eve', NULL, 150.00, 20, TRUE, '2022-12-31 23:59:59', '  padded  '),
    (6, 'Fay', 3, 95.50, NULL, FALSE, '2018-07-07', 'ÄÖ'),
    (7, 'gus', 1, 60.00, 3, TRUE, '2023-02-28', ''),
    (8, 'Hal', 3, 88.88, -2, NULL, '2024-01-01', 'x');
  INSERT INTO proj VALUES (1, 1, 'alpha', 10), (2, 1, 'beta', 5), (3, 2, 'alpha', 7), (4, 3, 'gamma', NULL), (5, 5, 'delta', 12), (6, NULL, 'orphan', 1), (7, 9, 'ghost', 2)`;

interface FeatureQuery {
  readonly sql: string;
  readonly ordered?: boolean;
  readonly params?: readonly unknown[];
  readonly pgSql?: string;
}

const QUERIES: readonly FeatureQuery[] = [
  // WHERE and three-valued logic
  { sql: 'SELECT id FROM emp WHERE bonus > 4 OR active' },
  { sql: 'SELECT id FROM emp WHERE NOT (bonus > 4 OR active)' },
  { sql: 'SELECT id FROM emp WHERE NOT (bonus > 4 AND active)' },
  { sql: 'SELECT id, bonus IS NULL, active IS NOT TRUE, bonus > 4 AND active FROM emp', ordered: false },
  { sql: 'SELECT id FROM emp WHERE bonus NOT IN (10, NULL)' },
  { sql: 'SELECT id FROM emp WHERE bonus IN (10, NULL, 5)' },
  { sql: 'SELECT id FROM emp WHERE salary BETWEEN 70.25 AND 95.5' },
  { sql: 'SELECT id FROM emp WHERE salary NOT BETWEEN 70 AND 100' },
  { sql: 'SELECT id FROM emp WHERE hired >= \'2021-01-01\' AND hired < \'2023-01-01\'' },
  { sql: 'SELECT id FROM emp WHERE dept_id = 1 AND salary > 90 AND active' },
  // LIKE / ILIKE / ESCAPE / ||
  { sql: "SELECT id FROM emp WHERE name LIKE '_e%'" },
  { sql: "SELECT id FROM emp WHERE name ILIKE 'B%' OR name ILIKE '%E'" },
  { sql: "SELECT id FROM emp WHERE note LIKE '50!%%' ESCAPE '!'" },
  { sql: "SELECT id FROM emp WHERE note LIKE '%\\_%'" },
  { sql: "SELECT id FROM emp WHERE note NOT LIKE '%a%'" },
  { sql: "SELECT name || '-' || COALESCE(note, '?') || bonus FROM emp ORDER BY id", ordered: true },
  // Scalar functions
  { sql: 'SELECT UPPER(name), LOWER(name), LENGTH(note), TRIM(note), SUBSTR(name, 2), SUBSTR(name, 1, 2) FROM emp ORDER BY id', ordered: true },
  { sql: 'SELECT ABS(bonus), ROUND(salary), ROUND(salary, 1), ABS(salary - 100) FROM emp ORDER BY id', ordered: true },
  { sql: 'SELECT COALESCE(bonus, 0) + 1, NULLIF(bonus, 0), NULLIF(name, \'Ann\') FROM emp ORDER BY id', ordered: true },
  { sql: "SELECT CAST(salary AS INT), CAST(bonus AS TEXT), CAST('12' AS INT) + 1, CAST(salary AS TEXT), CAST(hired AS TEXT) FROM emp ORDER BY id", ordered: true },
  { sql: 'SELECT bonus / 3, bonus % 3, salary / 3, salary * bonus, -bonus FROM emp ORDER BY id', ordered: true },
  { sql: "SELECT CASE WHEN bonus IS NULL THEN 'none' WHEN bonus > 5 THEN 'big' ELSE 'small' END, CASE dept_id WHEN 1 THEN 'eng' WHEN 2 THEN 'ops' END FROM emp ORDER BY id", ordered: true },
  // ORDER BY, NULLS, LIMIT/OFFSET
  { sql: 'SELECT id, bonus FROM emp ORDER BY bonus, id', ordered: true },
  { sql: 'SELECT id, bonus FROM emp ORDER BY bonus DESC, id', ordered: true },
  { sql: 'SELECT id, bonus FROM emp ORDER BY bonus NULLS FIRST, id DESC', ordered: true },
  { sql: 'SELECT id, bonus FROM emp ORDER BY bonus DESC NULLS LAST, id', ordered: true },
  { sql: 'SELECT id, salary FROM emp ORDER BY salary * -1, LOWER(name)', ordered: true },
  { sql: 'SELECT name FROM emp ORDER BY name', ordered: true },
  { sql: 'SELECT id FROM emp ORDER BY id LIMIT 3 OFFSET 2', ordered: true },
  { sql: 'SELECT id FROM emp ORDER BY id LIMIT $1 OFFSET $2', ordered: true, params: [2, 5], pgSql: 'SELECT id FROM emp ORDER BY id LIMIT 2 OFFSET 5' },
  { sql: 'SELECT id FROM emp ORDER BY salary DESC NULLS LAST, id LIMIT 3', ordered: true },
  { sql: 'SELECT id FROM emp ORDER BY id OFFSET 6', ordered: true },
  { sql: 'SELECT DISTINCT dept_id FROM emp ORDER BY dept_id NULLS FIRST', ordered: true },
  { sql: 'SELECT DISTINCT salary, active FROM emp' },
  // Joins
  { sql: 'SELECT e.name, d.name FROM emp e JOIN dept d ON d.id = e.dept_id' },
  { sql: 'SELECT e.name, d.name FROM emp e LEFT JOIN dept d ON d.id = e.dept_id' },
  { sql: 'SELECT e.name, d.name FROM emp e, dept d WHERE d.id = e.dept_id AND d.budget > 100' },
  { sql: 'SELECT e.id, d.id FROM emp e CROSS JOIN dept d WHERE e.id < 3' },
  { sql: 'SELECT e.name, p.title FROM emp e LEFT JOIN proj p ON p.emp_id = e.id AND p.hours > 6' },
  { sql: 'SELECT d.name, e.name, p.title FROM dept d JOIN emp e ON e.dept_id = d.id JOIN proj p ON p.emp_id = e.id WHERE p.hours IS NOT NULL' },
  { sql: 'SELECT d.name, COUNT(e.id) FROM dept d LEFT JOIN emp e ON e.dept_id = d.id GROUP BY d.name' },
  { sql: 'SELECT a.name, b.name FROM emp a JOIN emp b ON a.salary = b.salary AND a.id < b.id' },
  { sql: 'SELECT e.name FROM emp e JOIN dept d ON d.id = e.dept_id AND d.name = \'Eng\' WHERE e.salary > 70' },
  // Aggregates
  { sql: 'SELECT COUNT(*), COUNT(bonus), SUM(bonus), MIN(salary), MAX(salary), SUM(salary), MIN(name), MAX(hired) FROM emp' },
  { sql: 'SELECT COUNT(DISTINCT salary), SUM(DISTINCT salary), COUNT(DISTINCT dept_id), MAX(DISTINCT bonus) FROM emp' },
  { sql: 'SELECT AVG(bonus), AVG(salary) FROM emp' },
  { sql: 'SELECT dept_id, COUNT(*), SUM(salary), AVG(bonus) FROM emp GROUP BY dept_id' },
  { sql: 'SELECT dept_id, active, COUNT(*) FROM emp GROUP BY dept_id, active HAVING COUNT(*) >= 1' },
  { sql: 'SELECT dept_id, SUM(salary) FROM emp GROUP BY dept_id HAVING SUM(salary) > 150 ORDER BY 2 DESC', ordered: true },
  { sql: 'SELECT dept_id FROM emp GROUP BY dept_id HAVING MAX(bonus) IS NULL OR MIN(bonus) < 0' },
  { sql: 'SELECT COUNT(*) FROM emp WHERE id > 100' },
  { sql: 'SELECT SUM(bonus), MAX(name) FROM emp WHERE id > 100' },
  { sql: 'SELECT dept_id, COUNT(*) FROM emp WHERE id > 100 GROUP BY dept_id' },
  { sql: 'SELECT bonus % 2 AS parity, COUNT(*) FROM emp GROUP BY bonus % 2' },
  { sql: 'SELECT LOWER(SUBSTR(name, 1, 1)), COUNT(*) FROM emp GROUP BY 1 ORDER BY 1', ordered: true },
  // Subqueries
  { sql: 'SELECT name FROM emp WHERE dept_id IN (SELECT id FROM dept WHERE budget > 100)' },
  { sql: 'SELECT name FROM emp WHERE dept_id NOT IN (SELECT id FROM dept WHERE budget > 100)' },
  { sql: 'SELECT name FROM emp WHERE id NOT IN (SELECT emp_id FROM proj)' },
  { sql: 'SELECT name FROM emp e WHERE EXISTS (SELECT 1 FROM proj p WHERE p.emp_id = e.id)' },
  { sql: 'SELECT name FROM emp e WHERE NOT EXISTS (SELECT 1 FROM proj p WHERE p.emp_id = e.id AND p.hours > 6)' },
  { sql: 'SELECT name, (SELECT SUM(hours) FROM proj p WHERE p.emp_id = e.id) FROM emp e' },
  { sql: 'SELECT name FROM emp e WHERE salary > (SELECT AVG(salary) FROM emp e2 WHERE e2.dept_id = e.dept_id)' },
  { sql: 'SELECT name FROM emp WHERE salary = (SELECT MAX(salary) FROM emp)' },
  { sql: 'SELECT (SELECT name FROM dept WHERE id = 99), (SELECT COUNT(*) FROM proj)' },
  { sql: 'SELECT x.d, x.n FROM (SELECT dept_id AS d, COUNT(*) AS n FROM emp GROUP BY dept_id) x WHERE x.n > 1' },
  { sql: 'SELECT d.name FROM dept d WHERE (SELECT COUNT(*) FROM emp e WHERE e.dept_id = d.id) = 0' },
  // Set operations and WITH
  { sql: 'SELECT dept_id FROM emp UNION SELECT id FROM dept' },
  { sql: 'SELECT dept_id FROM emp UNION ALL SELECT id FROM dept' },
  { sql: 'SELECT dept_id FROM emp INTERSECT SELECT id FROM dept' },
  { sql: 'SELECT id FROM dept EXCEPT SELECT dept_id FROM emp' },
  { sql: 'SELECT name FROM emp WHERE active UNION SELECT name FROM dept ORDER BY 1 LIMIT 4', ordered: true },
  { sql: 'SELECT id, name FROM emp WHERE id < 3 UNION ALL SELECT id, name FROM dept ORDER BY id, name', ordered: true },
  { sql: 'WITH rich AS (SELECT * FROM emp WHERE salary > 90) SELECT r.name, d.name FROM rich r LEFT JOIN dept d ON d.id = r.dept_id' },
  { sql: 'WITH a AS (SELECT dept_id, SUM(salary) s FROM emp GROUP BY dept_id), b AS (SELECT MAX(s) m FROM a) SELECT a.dept_id FROM a, b WHERE a.s = b.m' },
  // Values and literals
  { sql: "SELECT 1, 'x', NULL, TRUE, 1.50, -7, 2 + 3 * 4, (2 + 3) * 4, 7 / 2, 7.0 / 2, 'a' || NULL" },
  { sql: "SELECT CAST('2021/1/1' AS TIMESTAMP), CAST('2024-03-01 10:00:00' AS TIMESTAMP), CAST('true' AS BOOL), CAST(' 42 ' AS INT)" },
  { sql: 'SELECT 9223372036854775807, -9223372036854775808, 12345678901234567.89' },
];

let db: Database;
let pg: PgHarness;

beforeAll(async () => {
  db = Database.open(':memory:');
  db.exec(SETUP);
  pg = await PgHarness.create();
  await pg.exec(SETUP);
});
afterAll(async () => {
  db.close();
  await pg.close();
});

describe('SELECT features equal Postgres', () => {
  it.each(QUERIES.map((q) => [q.sql, q] as const))('%s', async (_sql, q) => {
    const theirs = canonicalRows(await pg.pgQuery(q.pgSql ?? q.sql));
    const mine = ourCanonicalRows(db, q.sql, q.params ?? []);
    if (q.ordered === true) expect(mine).toEqual(theirs);
    else expect([...mine].sort()).toEqual([...theirs].sort());
  });
});
