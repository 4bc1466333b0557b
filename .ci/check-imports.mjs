// Checks the layer rule of STYLE.md: a file in src/<layer> imports only its own folder or a
// lower layer, and another layer only through that layer's index.ts. Exits 1 on a violation.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ORDER = ['util', 'vfs', 'pager', 'wal', 'btree', 'record', 'types', 'catalog', 'trigram', 'sql', 'planner', 'exec', 'engine', 'cli'];
const root = new URL('../src/', import.meta.url).pathname;
const problems = [];

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) check(path);
  }
}

function check(path) {
  const rel = relative(root, path);
  const layer = rel.split('/')[0];
  if (!ORDER.includes(layer)) return;
  const text = readFileSync(path, 'utf8');
  for (const m of text.matchAll(/from '\.\.\/([a-z-]+)\/([^']+)'/g)) {
    const [, target, file] = m;
    const to = ORDER.indexOf(target);
    if (to < 0) continue;
    if (to > ORDER.indexOf(layer)) problems.push(`${rel}: imports up the stack (${layer} → ${target})`);
    if (file !== 'index.js' && !(target === 'vfs' && file === 'node-vfs.js' && (layer === 'cli'))) {
      problems.push(`${rel}: imports ${target}/${file} instead of ${target}/index.js`);
    }
  }
}

walk(root);
if (problems.length > 0) {
  console.error(`import check: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log('import check: layers point down');
