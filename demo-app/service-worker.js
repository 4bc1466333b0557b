// The demo's service worker (template: the build replaces the two placeholders). Precaches the
// app shell — page, scripts, the engine worker, manifest, icon, Chinook names — at install and
// serves them cache-first, so the app opens offline. Registered with workbox-window (src/main.ts).
const PRECACHE_URLS = self.__PRECACHE_URLS__;
const CACHE = 'decentdb-demo-' + self.__PRECACHE_VERSION__;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('decentdb-demo-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE).then(async (cache) => {
    const hit = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    return hit ?? fetch(request);
  }));
});
