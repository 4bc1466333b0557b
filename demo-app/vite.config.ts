// Vite config of the PWA music-library demo (`npm start` builds it and serves it with
// `vite preview`). Before each run it copies the Chinook names (MIT, (c) Luis Rocha) into
// public/, and after a build it writes sw.js, the service worker that precaches every emitted
// file so the app (engine worker included) works offline. No plugin packages needed.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';

const DEMO_ROOT = dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = join(DEMO_ROOT, 'public');
const OUT_DIR = join(DEMO_ROOT, 'dist');

function chinookDir(): string {
  return process.env['DECENTDB_CHINOOK_DIR'] ?? resolve(DEMO_ROOT, '..', '..', 'shared', 'data', 'chinook');
}

interface ChinookJson {
  readonly Genre: ReadonlyArray<{ readonly Name: string }>;
  readonly Artist: ReadonlyArray<{ readonly Name: string }>;
  readonly Album: ReadonlyArray<{ readonly Title: string }>;
  readonly Track: ReadonlyArray<{ readonly Name: string; readonly Milliseconds: number }>;
}

/** Writes public/chinook-names.json (names only, ~100 KB instead of 1.9 MB) and the licence beside it. */
function copyChinook(): void {
  const dir = chinookDir();
  const source = join(dir, 'ChinookData.json');
  if (!existsSync(source)) throw new Error(`demo-app: ${source} not found (set DECENTDB_CHINOOK_DIR to the Chinook data folder)`);
  const target = join(PUBLIC_DIR, 'chinook-names.json');
  if (existsSync(target) && statSync(target).mtimeMs >= statSync(source).mtimeMs) return;
  const data = JSON.parse(readFileSync(source, 'utf8')) as ChinookJson;
  mkdirSync(PUBLIC_DIR, { recursive: true });
  writeFileSync(target, JSON.stringify({
    genres: data.Genre.map((g) => g.Name),
    artists: data.Artist.map((a) => a.Name),
    albums: data.Album.map((a) => a.Title),
    tracks: data.Track.map((t) => t.Name),
    milliseconds: data.Track.map((t) => t.Milliseconds),
  }));
  writeFileSync(join(PUBLIC_DIR, 'CHINOOK-LICENSE.md'), readFileSync(join(dir, 'LICENSE.md'), 'utf8'));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(relative(OUT_DIR, p).split('\\').join('/'));
  }
  return out;
}

/** After `vite build`: sw.js from service-worker.js with the precache list and a version. */
function serviceWorker(): Plugin {
  return {
    name: 'decentdb-demo-service-worker',
    apply: 'build',
    closeBundle() {
      const files = listFiles(OUT_DIR).filter((f) => f !== 'sw.js' && !f.endsWith('.map'));
      const urls = ['./', ...files.filter((f) => f !== 'index.html').map((f) => `./${f}`)];
      const version = files.filter((f) => f.startsWith('assets/')).sort().join('|');
      const template = readFileSync(join(DEMO_ROOT, 'service-worker.js'), 'utf8');
      writeFileSync(join(OUT_DIR, 'sw.js'), template
        .replace('self.__PRECACHE_URLS__', JSON.stringify(urls))
        .replace('self.__PRECACHE_VERSION__', JSON.stringify(String(hash(version)))));
    },
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export default defineConfig(({ command }) => {
  copyChinook();
  return {
    root: DEMO_ROOT,
    base: './',
    publicDir: PUBLIC_DIR,
    define: { __DEMO_SW__: JSON.stringify(command === 'build') },
    worker: { format: 'es' },
    build: { outDir: OUT_DIR, emptyOutDir: true, target: 'es2022', sourcemap: false },
    preview: { host: '127.0.0.1', port: 4173 },
    server: { host: '127.0.0.1' },
    plugins: [serviceWorker()],
  };
});
