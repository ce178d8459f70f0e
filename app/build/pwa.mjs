// Trunk post-build hook: places the Python package base (packages.mjs), then makes the staged
// site an offline app. Lists every file of the build (the service worker precaches them all,
// except Python package files, which it keeps once loaded), derives the version from their contents, writes
// sw.js from app/js/sw.js (with each file's SHA-256) and stamps the version into index.html (<meta name="flojoy-version">).
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

import { packages } from "./packages.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("pwa: TRUNK_STAGING_DIR is not set (run as trunk's post_build hook)");
  process.exit(1);
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const onDemand = new Set(packages(staging));
const files = walk(staging)
  .map((p) => relative(staging, p).split(sep).join("/"))
  .filter((f) => f !== "sw.js" && !onDemand.has(f))
  .sort();
const hash = createHash("sha256");
for (const f of files) {
  hash.update(f);
  hash.update(readFileSync(join(staging, f)));
}
const version = hash.digest("hex").slice(0, 12);

const index = join(staging, "index.html");
writeFileSync(index, readFileSync(index, "utf8").replace('content="dev"', `content="${version}"`));
// each precached file's SHA-256 as built (index.html with its version): sw.js serves a cached
// copy only if it still has it
const digests = Object.fromEntries(
  files.map((f) => [`./${f}`, createHash("sha256").update(readFileSync(join(staging, f))).digest("hex")]),
);
digests["./"] = digests["./index.html"];
const sw = readFileSync(join(here, "..", "js", "sw.js"), "utf8")
  .replace("__VERSION__", version)
  .replace("__FILES__", JSON.stringify(["./", ...files.map((f) => `./${f}`)], null, 1))
  .replace("__DIGESTS__", JSON.stringify(digests, null, 1));
writeFileSync(join(staging, "sw.js"), sw);
console.log(`pwa: version ${version}, ${files.length} files precached`);
