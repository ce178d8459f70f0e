// Flojoy Web's service worker: the whole site (app, Pyodide, plotly.js, gallery) is cached on
// the first visit, so the app opens and runs offline. One cache per version: a new version is
// downloaded completely in the background and used from the next load on (the page asks for
// the switch at start-up and says "updated"), never a mix of old and new files. The one
// exception: a tab that gave up waiting for the switch (app/js/boot.js) and is taken over
// later, while it runs; its app code is all loaded by then, later file requests get the new
// version's files.
// Python packages served by the site itself (a build setting, app/build/packages.mjs) are not
// precached, as a full Pyodide distribution is hundreds of megabytes: each is kept in this
// version's cache when a Python node first loads it, so it loads offline from then on.
// Cache Storage is shared with the page and its workers, so Python code (through `js`) can
// rewrite a cached file: every precached file is checked against its SHA-256 as built before
// it is served, and a changed one is fetched again (offline, it is not served at all).
// Package files are checked by Pyodide against the precached pyodide-lock.json.
// app/build/pwa.mjs fills VERSION, FILES and DIGESTS at build time.
const VERSION = "__VERSION__";
const FILES = __FILES__;
const DIGESTS = __DIGESTS__;
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

/** The site path of a URL of this site ("./pyodide/pyodide.mjs"), as DIGESTS names it. */
function sitePath(url) {
  const scope = new URL(self.registration.scope).pathname;
  const path = decodeURIComponent(new URL(url).pathname);
  return path.startsWith(scope) ? `./${path.slice(scope.length)}` : null;
}

/** Whether `res` is the file `path` as built (a file without a digest is not ours to check). */
async function intact(res, path) {
  const want = DIGESTS[path];
  if (!want) return true;
  const got = new Uint8Array(await crypto.subtle.digest("SHA-256", await res.clone().arrayBuffer()));
  return Array.from(got, (b) => b.toString(16).padStart(2, "0")).join("") === want;
}

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET" || new URL(req.url).origin !== self.location.origin) return;
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      // every page of the app is index.html (its query, e.g. ?embed=1, is read by the app)
      const navigate = req.mode === "navigate";
      const source = navigate ? "./index.html" : req;
      const key = navigate ? "./index.html" : sitePath(req.url);
      const hit = navigate
        ? await cache.match("./index.html") ?? await cache.match("./")
        : await cache.match(req, { ignoreSearch: true });
      if (hit) {
        if (await intact(hit, key)) return hit;
        console.warn(`offline copy of ${key} was changed after it was stored: fetched again`);
        await cache.delete(source, { ignoreSearch: true });
        try {
          const res = await fetch(source, { cache: "reload" });
          if (res.ok && (await intact(res, key))) event.waitUntil(cache.put(source, res.clone()));
          return res;
        } catch (e) {
          if (navigate) {
            return new Response("Flojoy Web's offline copy was changed and the network is off: reload when online.", { status: 503 });
          }
          throw e;
        }
      }
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
