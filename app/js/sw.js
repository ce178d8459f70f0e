// Flojoy Web's service worker: the whole site (app, Pyodide, plotly.js, gallery) is cached on
// the first visit, so the app opens and runs offline. One cache per version: a new version is
// downloaded completely in the background and used from the next load on (the page asks for
// the switch at start-up and says "updated"), never a mix of old and new files.
// Python packages served by the site itself (a build setting, app/build/packages.mjs) are not
// precached, as a full Pyodide distribution is hundreds of megabytes: each is kept in this
// version's cache when a Python node first loads it, so it loads offline from then on.
// app/build/pwa.mjs fills VERSION and FILES at build time.
const VERSION = "__VERSION__";
const FILES = __FILES__;
const CACHE = `flojoy-web-${VERSION}`;
// a package file of the site's Pyodide folder (wheels; zips of unvendored modules and tests)
const PACKAGES = /\/pyodide\/[^/]+\.(whl|zip|tar|tgz|tar\.gz)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(FILES.map((f) => new Request(f, { cache: "reload" })))),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith("flojoy-web-") && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "flojoy:activate") self.skipWaiting();
  if (event.data === "flojoy:version") event.source?.postMessage({ flojoyVersion: VERSION });
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // every page of the app is index.html (its query, e.g. ?embed=1, is read by the app)
      const hit = req.mode === "navigate"
        ? await cache.match("./index.html") ?? await cache.match("./")
        : await cache.match(req, { ignoreSearch: true });
      if (hit) return hit;
      try {
        const res = await fetch(req);
        if (res.ok && res.type === "basic" && PACKAGES.test(new URL(req.url).pathname)) {
          event.waitUntil(cache.put(req, res.clone()));
        }
        return res;
      } catch (e) {
        if (req.mode === "navigate") {
          return new Response("Flojoy Web is offline and this page is not cached yet.", { status: 503 });
        }
        throw e;
      }
    })(),
  );
});
