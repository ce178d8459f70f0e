// Copies the browser parts of our npm dependencies into public/vendor/ (git-ignored), where
// the trunk build picks them up: Pyodide's core files and plotly.js; and bundles our own
// JavaScript there (bundle.mjs: the code editor, the demo devices). Runs as trunk's pre-build
// hook, so `trunk build` can never ship without them. Skips what is already up to date.
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const mods = join(root, "node_modules");
const out = join(root, "public", "vendor");

if (["pyodide", "plotly.js-dist-min", "codemirror", "esbuild"].some((m) => !existsSync(join(mods, m)))) {
  console.error("vendor: node_modules is incomplete; run `npm ci` at the repository root first");
  process.exit(1);
}

const files = [
  ...["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"].map((f) => [
    join(mods, "pyodide", f),
    join(out, "pyodide", f),
  ]),
  [join(mods, "plotly.js-dist-min", "plotly.min.js"), join(out, "plotly.min.js")],
];

for (const [from, to] of files) {
  mkdirSync(dirname(to), { recursive: true });
  const a = statSync(from);
  if (existsSync(to)) {
    const b = statSync(to);
    if (b.size === a.size && b.mtimeMs >= a.mtimeMs) continue;
  }
  copyFileSync(from, to);
}

// our own JavaScript: the code editor and the demo devices
const { bundle } = await import("./bundle.mjs");
bundle(out);
