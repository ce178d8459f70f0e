// The JavaScript we write ourselves and ship as one file each, bundled with esbuild (pinned in
// package.json): the code editor (app/js/codemirror.mjs + CodeMirror, an ES module the page
// imports when an editor first opens) and the demo devices (app/js/demo_devices/, ES modules
// bundled into one classic script, demo_devices.js, that the page and the tests load).
// vendor.mjs, trunk's pre-build hook, writes both into public/vendor/; the unit tests bundle
// the demo devices in memory (`demoDevicesSource`), so they test the very code that ships.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { buildSync } from "esbuild";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");

/** demo_devices.js: the modules of app/js/demo_devices/ as one classic (non-module) script. */
export function demoDevicesSource() {
  const out = buildSync({
    entryPoints: [join(app, "js", "demo_devices", "index.js")],
    bundle: true,
    format: "iife",
    // the modules are strict code; so is the one script they become
    banner: { js: '"use strict";\n// Flojoy Web demo devices, bundled from app/js/demo_devices/ (see index.js there).' },
    write: false,
    logLevel: "warning",
  });
  return out.outputFiles[0].text;
}

/** Writes codemirror.js (when its source changed) and demo_devices.js into `out`. */
export function bundle(out) {
  mkdirSync(out, { recursive: true });
  const editorSrc = join(app, "js", "codemirror.mjs");
  const editorOut = join(out, "codemirror.js");
  if (!existsSync(editorOut) || statSync(editorOut).mtimeMs < statSync(editorSrc).mtimeMs) {
    buildSync({ entryPoints: [editorSrc], bundle: true, format: "esm", minify: true, outfile: editorOut, logLevel: "warning" });
  }
  const demo = demoDevicesSource();
  const demoOut = join(out, "demo_devices.js");
  if (!existsSync(demoOut) || readFileSync(demoOut, "utf8") !== demo) writeFileSync(demoOut, demo);
}
