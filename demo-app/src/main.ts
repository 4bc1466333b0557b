/**
 * The demo page: connects to the `music` database (every tab shares it; ADR-0005), loads a
 * generated library on first run (library.ts; a Web Lock keeps two first tabs from both
 * loading), then wires search-as-you-type and artist → album → track browsing (queries.ts),
 * showing each query's time. Registers the service worker (workbox-window) in built apps.
 * `?tracks=N` sets the library size of a first run (default 100 000).
 */
import { Workbox } from 'workbox-window';
import { connect } from '../../worker/index.js';
import type { BrowserDatabase } from '../../worker/index.js';
import { generateLibrary, loadedTracks } from './library.js';
import type { ChinookNames } from './library.js';
import { albumsOf, artistsByLetter, duration, searchMode, searchTracks, tracksOf } from './queries.js';
import type { SearchMode } from './queries.js';

declare const __DEMO_SW__: boolean;

/** What the e2e test (and a curious user in devtools) can read. */
interface DemoState {
  state: 'starting' | 'loading' | 'ready' | 'failed';
  tracks: number;
  searchMode: SearchMode | undefined;
  connectToFirstResultMs: number | undefined;
  loadMs: number | undefined;
  error: string | undefined;
}
const demo: DemoState = { state: 'starting', tracks: 0, searchMode: undefined, connectToFirstResultMs: undefined, loadMs: undefined, error: undefined };
Object.assign(window, { demo });

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} missing from index.html`);
  return el as T;
};

const fmt = new Intl.NumberFormat('en');
const ms = (x: number): string => `${x < 10 ? x.toFixed(1) : Math.round(x)} ms`;

function setStatus(state: DemoState['state'], text: string): void {
  demo.state = state;
  $('status').dataset['state'] = state;
  $('status-text').textContent = text;
}

function li(text: string, onClick?: () => void): HTMLLIElement {
  const el = document.createElement('li');
  el.textContent = text;
  if (onClick !== undefined) {
    el.className = 'clickable';
    el.addEventListener('click', () => {
      for (const s of el.parentElement?.querySelectorAll('li.selected') ?? []) s.classList.remove('selected');
      el.classList.add('selected');
      onClick();
    });
  }
  return el;
}

async function ensureLibrary(db: BrowserDatabase, wanted: number): Promise<number> {
  const have = await loadedTracks(db);
  if (have !== undefined) return have;
  return navigator.locks.request('decentdb-demo:first-run', async () => {
    const again = await loadedTracks(db); // another tab may have loaded it while we waited
    if (again !== undefined) return again;
    setStatus('loading', 'First run: generating the library…');
    const progress = $<HTMLProgressElement>('progress');
    progress.hidden = false;
    const response = await fetch('./chinook-names.json');
    if (!response.ok) throw new Error(`chinook-names.json: HTTP ${response.status}`);
    const names = (await response.json()) as ChinookNames;
    const result = await generateLibrary(db, names, wanted, (done, total, phase) => {
      progress.value = total === 0 ? 1 : done / total;
      $('status-text').textContent = `First run: loading ${phase} — ${fmt.format(done)} / ${fmt.format(total)} tracks`;
    });
    progress.hidden = true;
    demo.loadMs = result.ms;
    return result.tracks;
  });
}

function wireSearch(db: BrowserDatabase, mode: SearchMode): void {
  const input = $<HTMLInputElement>('search');
  const body = $('results').querySelector('tbody') as HTMLTableSectionElement;
  let running = false;
  let pending: string | undefined;
  const run = async (text: string): Promise<void> => {
    if (running) {
      pending = text;
      return;
    }
    running = true;
    try {
      if (text.trim() === '') {
        body.replaceChildren();
        $('search-time').textContent = '';
      } else {
        const { rows, ms: t } = await searchTracks(db, text);
        body.replaceChildren(...rows.map((r) => {
          const tr = document.createElement('tr');
          for (const v of [r.title, r.artist, r.album, duration(r.milliseconds)]) {
            const td = document.createElement('td');
            td.textContent = v;
            tr.append(td);
          }
          return tr;
        }));
        $('search-time').textContent = `${rows.length === 50 ? 'first 50' : rows.length} matches in ${ms(t)}`;
        body.dataset['query'] = text;
      }
    } catch (e) {
      $('search-time').textContent = `error: ${String((e as Error).message)}`;
    } finally {
      running = false;
      const next = pending;
      pending = undefined;
      if (next !== undefined) void run(next);
    }
  };
  input.addEventListener('input', () => void run(input.value));
  input.disabled = false;
  $('search-mode').textContent = mode === 'trigram'
    ? 'ILIKE served by the trigram index.'
    : 'ILIKE by a scan over every title (the library has no trigram index).';
}

function wireBrowse(db: BrowserDatabase): void {
  const letters = $('letters');
  const artists = $('artists');
  const albums = $('albums');
  const tracks = $('tracks');
  const showTracks = async (albumId: number): Promise<void> => {
    const r = await tracksOf(db, albumId);
    tracks.replaceChildren(...r.rows.map((t) => li(`${t.title} (${duration(t.milliseconds)})`)));
    $('tracks-time').textContent = ms(r.ms);
  };
  const showAlbums = async (artistId: number): Promise<void> => {
    const r = await albumsOf(db, artistId);
    albums.replaceChildren(...r.rows.map((a) => li(`${a.title} (${a.year})`, () => void showTracks(a.id))));
    tracks.replaceChildren();
    $('albums-time').textContent = ms(r.ms);
  };
  const showArtists = async (letter: string): Promise<void> => {
    const r = await artistsByLetter(db, letter);
    artists.replaceChildren(...r.rows.map((a) => li(a.name, () => void showAlbums(a.id))));
    albums.replaceChildren();
    tracks.replaceChildren();
    $('artists-time').textContent = `${r.rows.length} in ${ms(r.ms)}`;
  };
  for (const l of ['#', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ']) {
    const b = document.createElement('button');
    b.textContent = l;
    b.addEventListener('click', () => void showArtists(l));
    letters.append(b);
  }
  void showArtists('A');
}

function registerServiceWorker(): void {
  if (!__DEMO_SW__ || !('serviceWorker' in navigator)) return;
  const wb = new Workbox('./sw.js');
  wb.addEventListener('activated', () => ($('sw-state').textContent = 'Available offline.'));
  wb.register().catch((e: unknown) => ($('sw-state').textContent = `Offline mode unavailable: ${String(e)}`));
}

async function main(): Promise<void> {
  registerServiceWorker();
  const wanted = Number(new URLSearchParams(location.search).get('tracks') ?? 100_000);
  const t0 = performance.now();
  const db = await connect('music');
  const tracks = await ensureLibrary(db, Number.isFinite(wanted) && wanted > 0 ? Math.floor(wanted) : 100_000);
  const count = await db.query('SELECT COUNT(*) FROM track', [], { rowMode: 'array' }) as unknown[][];
  demo.connectToFirstResultMs = performance.now() - t0;
  demo.tracks = Number(count[0]?.[0] ?? tracks);
  const mode = await searchMode(db);
  demo.searchMode = mode;
  setStatus('ready', `${fmt.format(demo.tracks)} tracks ready.`);
  $('facts').textContent = `connect → first result ${ms(demo.connectToFirstResultMs)} · storage ${db.storage}`
    + ` · ${db.isOwner ? 'this tab owns the database' : 'another tab owns the database'}`
    + (demo.loadMs === undefined ? '' : ` · generated in ${(demo.loadMs / 1000).toFixed(1)} s`);
  wireSearch(db, mode);
  wireBrowse(db);
}

main().catch((e: unknown) => {
  demo.error = `${String((e as { code?: string }).code ?? '')} ${String((e as Error).message ?? e)}`.trim();
  setStatus('failed', `Failed: ${demo.error}`);
});
