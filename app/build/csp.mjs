// Trunk post-build hook, before pwa.mjs: trunk writes its start-up code (import the app's
// module, init the wasm) as an inline <script type="module"> in index.html; the Content-
// Security-Policy allows no inline script, so it moves into start.js, loaded from the site.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("csp: TRUNK_STAGING_DIR is not set (run as trunk's post_build hook)");
  process.exit(1);
}
const index = join(staging, "index.html");
const html = readFileSync(index, "utf8");
const inline = /<script type="module">([\s\S]*?)<\/script>/g;
const found = [...html.matchAll(inline)];
if (found.length !== 1 || !found[0][1].includes("init(")) {
  console.error(`csp: expected trunk's one inline start-up module in index.html, found ${found.length}`);
  process.exit(1);
}
writeFileSync(join(staging, "start.js"), found[0][1].trim() + "\n");
const out = html.replace(found[0][0], '<script type="module" src="./start.js"></script>');
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(out)) {
  console.error("csp: index.html still has an inline script");
  process.exit(1);
}
writeFileSync(index, out);
console.log("csp: trunk's start-up module moved to start.js");
