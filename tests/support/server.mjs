// A tiny static server for the built site (dist/), on 127.0.0.1 and a free port.
// Options: `base` serves the site under a sub-path (static hosting test); `isolate` adds the
// COOP/COEP headers that make the page cross-origin isolated.
import { createServer } from "node:http";
import { createReadStream, existsSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".zip": "application/zip",
  ".py": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".csv": "text/csv",
};

// `files` adds in-memory files (path → text), e.g. flows for `?flow=` links. `cache` lets
// the browser keep files (as a static host with long cache lifetimes would).
export async function serve(root, { base = "/", isolate = false, port = 0, headers = {}, files = {}, cache = false } = {}) {
  // what was sent: a first visit's transfer size is measured here; the paths asked for
  const stats = { requests: 0, bytes: 0, paths: [] };
  const server = createServer((req, res) => {
    stats.requests += 1;
    const url = new URL(req.url, "http://127.0.0.1");
    stats.paths.push(url.pathname);
    let path = decodeURIComponent(url.pathname);
    if (files[path] !== undefined) {
      res.writeHead(200, { "content-type": TYPES[extname(path)] ?? "text/plain", "access-control-allow-origin": "*", ...headers });
      res.end(files[path]);
      return;
    }
    if (!path.startsWith(base)) {
      res.writeHead(404).end("not under " + base);
      return;
    }
    path = normalize(join(root, path.slice(base.length)));
    if (!path.startsWith(normalize(root))) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, "index.html");
    if (!existsSync(path)) {
      res.writeHead(404).end("not found");
      return;
    }
    const h = { "content-type": TYPES[extname(path)] ?? "application/octet-stream", "cache-control": cache ? "public, max-age=3600" : "no-cache", ...headers };
    if (isolate) {
      h["cross-origin-opener-policy"] = "same-origin";
      h["cross-origin-embedder-policy"] = "require-corp";
    }
    res.writeHead(200, h);
    stats.bytes += statSync(path).size;
    createReadStream(path).pipe(res);
  });
  await new Promise((ok) => server.listen(port, "127.0.0.1", ok));
  const { port: p } = server.address();
  return {
    url: `http://127.0.0.1:${p}${base}`,
    port: p,
    stats,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
  };
}
