// tsunagari's service worker: the app shell offline, the data in IndexedDB.
//
// The placeholders below are filled at build time by trunk's post_build
// hook (`cargo xtask precache`, xtask/src/precache.rs): the list of every
// file trunk emitted, a hash of their contents, and the one route table
// (`tsunagari_core::routes`: [pattern, page file] rows, `:id` one segment;
// a path no row matches is the not-found page's). Never edit them by hand.
const VERSION = 'dev';
self.__PRECACHE = [];
self.__ROUTES = [];
self.__NOT_FOUND_PAGE = 'app.html';
self.__SIMD = null;

const PREFIX = 'tsunagari-';
const CACHE = PREFIX + VERSION;
// Two pages (ARCHITECTURE.md, "Two bundles"), chosen per route by the
// table above, as the server chooses them.
const SHELL = '/index.html';
const NAVIGATION_TIMEOUT_MS = 3000;

// Each bundle's glue and wasm come twice: built with wasm SIMD (`.simd.`)
// and plain. The page's loader takes the SIMD ones where this engine runs
// them (`__SIMD.probe` validates; xtask/src/precache.rs); only those the
// loader takes here are kept.
const SIMD = !!self.__SIMD && WebAssembly.validate(new Uint8Array(self.__SIMD.probe));
const wanted = (urls) => {
  if (!self.__SIMD) return urls;
  const other = new Set(SIMD ? self.__SIMD.plain : self.__SIMD.simd);
  return urls.filter((url) => !other.has(url));
};

self.addEventListener('install', (event) => {
  // No skipWaiting here: a new version waits until the page asks
  // (the "new version" banner posts SKIP_WAITING).
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(wanted(self.__PRECACHE).map((url) => new Request(url, { cache: 'reload' })))
    )
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((name) => name.startsWith(PREFIX) && name !== CACHE)
            .map((name) => caches.delete(name))
        )
      )
      .then(() => self.clients.claim())
  );
});

self.addEventListener('message', (event) => {
  if (event.data && event.data.type === 'SKIP_WAITING') {
    self.skipWaiting();
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The API is network only: the app keeps its data in IndexedDB.
  if (url.pathname.startsWith('/api/')) return;

  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request));
  } else {
    event.respondWith(cacheFirst(request));
  }
});

/** The page file that runs `path`, by the route table. */
function pageFor(path) {
  const got = path.split('/').filter((s) => s !== '');
  for (const [pattern, page] of self.__ROUTES) {
    const want = pattern.split('/').filter((s) => s !== '');
    if (want.length === got.length && want.every((w, i) => w.startsWith(':') || w === got[i])) {
      return page;
    }
  }
  return self.__NOT_FOUND_PAGE;
}

/** The cached page that runs this route, else the shell's. */
async function cachedPage(path) {
  const page = await caches.match('/' + pageFor(path), { cacheName: CACHE });
  if (page) return page;
  return (await caches.match(SHELL, { cacheName: CACHE })) || (await caches.match('/'));
}

/** Pages: the network if it answers soon, else the cached page for the route. */
async function networkFirst(request) {
  const path = new URL(request.url).pathname;
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    if (response.ok) return response;
    return (await cachedPage(path)) || response;
  } catch (_) {
    return (await cachedPage(path)) || Response.error();
  }
}

/** Hashed assets and icons: never change under the same name. */
async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: CACHE });
  return cached || fetch(request);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); }
    );
  });
}

// ---- Background Sync of proposal drafts ----
//
// When a sync fails for want of a network, the app stores its next push
// request (the outbox's `in_flight` mutations) in IndexedDB and registers
// this tag. The browser fires `sync` once it is back online, even with the
// app closed: the worker sends that stored request with the stored session.
// Sending it again is safe: the server answers a mutation it has applied
// with its stored result and applies nothing twice, and the app, when it
// next runs, re-sends the same request and takes those stored answers.
const DRAFTS_SYNC_TAG = 'tsunagari-drafts';

self.addEventListener('sync', (event) => {
  if (event.tag === DRAFTS_SYNC_TAG) event.waitUntil(pushStoredDrafts());
});

/** Resolves when there is nothing to send or the server answered; rejects
 * (the browser retries later) when the network failed. */
async function pushStoredDrafts() {
  const db = await openExistingDb('tsunagari');
  if (!db) return;
  let outbox;
  let session;
  try {
    [outbox, session] = await Promise.all([readMeta(db, 'outbox'), readMeta(db, 'session')]);
  } finally {
    db.close();
  }
  if (!outbox || !session || !session.token || !outbox.in_flight || outbox.in_flight.length === 0) return;
  const response = await fetch('/api/drafts/push', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ client: outbox.client, mutations: outbox.in_flight }),
  });
  // Only our server's JSON refusal (a 4xx other than 408/429: signed out,
  // refused) is final, and the app's to explain; a timeout, a 5xx or a page
  // that is not our JSON (a proxy's) is retried by the browser later.
  const ours = (response.headers.get('content-type') || '').startsWith('application/json');
  if (!response.ok && (response.status >= 500 || response.status === 408 || response.status === 429 || !ours)) {
    throw new Error(`push failed: ${response.status}`);
  }
}

/** The app's database if it exists (never creates an empty one). */
function openExistingDb(name) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onupgradeneeded = () => request.transaction.abort();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => resolve(null);
    request.onblocked = () => reject(new Error('database blocked'));
  });
}

function readMeta(db, key) {
  return new Promise((resolve, reject) => {
    const request = db.transaction('meta').objectStore('meta').get(key);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}
