// Trunk's one post-build hook. Trunk starts the hooks of one stage all at once, so the three
// steps, which must run in this order, are one hook: split.mjs splits the app's wasm in two and
// rewrites what that changes (the wasm-bindgen glue, the digests in index.html); csp.mjs moves
// the start-up module out of index.html into start.js; then pwa.mjs lists and digests every
// file for the service worker (start.js among them: run side by side, pwa.mjs once listed the
// files before start.js existed, and the site did not open offline).
await import("./split.mjs");
await import("./csp.mjs");
await import("./pwa.mjs");
