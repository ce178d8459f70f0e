// Trunk post-build step, first of post_build.mjs: the app's wasm leaves in two files.
//
// - `flojoy-app-…_bg.wasm` (the "primary" part) holds every function a first visit runs before
//   the editor is on screen (the list is app/build/wasm-startup.txt, recorded by
//   app/build/profile_startup.mjs), the data, the memory and the function table;
// - `flojoy-app-…_bg.lazy-<digest>.wasm` holds the rest: the node library, file formats, instruments,
//   dialogs... Its table slots hold placeholders until it arrives.
//
// app/js/lazy_wasm.js fetches and links the lazy part as soon as the primary part is running, so
// by the time anyone clicks it is there; a placeholder called earlier loads it on the spot. Why:
// a first visit downloads a third as much before it can draw (issue 19; docs/wasm-size.md).
//
// The split itself is binaryen's wasm-split (Debian's `binaryen` package, installed by ./dev:
// npm's binaryen has no wasm-split). Trunk's wasm-opt keeps function names (`-g` in
// index.html) so that the startup list can name them; the shipped files have none.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, exactName, fixTableExports, stableName, withoutNames } from "./wasm_sections.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const staging = process.env.TRUNK_STAGING_DIR;
const fail = (msg) => {
  console.error(`split: ${msg}`);
  process.exit(1);
};
if (!staging) fail("TRUNK_STAGING_DIR is not set (run as trunk's post_build hook)");

/** Sets trunk's Subresource Integrity digest of `file` in index.html to that of `bytes`. */
function setDigest(file, bytes) {
  const indexPath = join(staging, "index.html");
  const html = readFileSync(indexPath, "utf8");
  const tag = new RegExp(`(<link[^>]*href="[^"]*${file.replace(/[.]/g, "\\.")}"[^>]*integrity=")sha384-[^"]*(")`);
  if (!tag.test(html)) fail(`index.html has no integrity digest for ${file}`);
  const digest = createHash("sha384").update(bytes).digest("base64");
  writeFileSync(indexPath, html.replace(tag, `$1sha384-${digest}$2`));
}

const wasmName = readdirSync(staging).find((f) => /^flojoy-app-.*_bg\.wasm$/.test(f));
if (!wasmName) fail("no flojoy-app-*_bg.wasm in the staged site");
const stem = wasmName.replace(/_bg\.wasm$/, "");
const jsName = `${stem}.js`;
const named = readFileSync(join(staging, wasmName));
const module = describe(named);
if (!module.hasNames) fail('the wasm has no function names: index.html\'s rust link must pass data-wasm-opt-params="-g"');

// the whole module with names, for app/build/profile_startup.mjs
const work = join(process.env.CARGO_TARGET_DIR || join(root, "target"), "wasm-split");
mkdirSync(work, { recursive: true });
writeFileSync(join(work, "named.wasm"), named);

if (process.env.FLOJOY_WASM_SPLIT === "0") {
  // one whole wasm, as before the split (to measure what the split costs or saves)
  const whole = withoutNames(named);
  writeFileSync(join(staging, wasmName), whole);
  setDigest(wasmName, whole);
  console.log(`split: not split (FLOJOY_WASM_SPLIT=0): ${wasmName} ${whole.length} B`);
} else {
  split();
}

function split() {
  const listed = new Set(
    readFileSync(join(here, "wasm-startup.txt"), "utf8")
      .split("\n")
      .filter((l) => l && !l.startsWith("#")),
  );
  // A listed name is kept as it is: the very copy of a generic function or closure that ran.
  // A listed name that matches nothing exactly (its hash changed since the list was recorded:
  // the code changed) has every copy of its name kept, even where another listed copy of it
  // is still there, so the first screen does not wait on the lazy part
  // (tests/e2e/lazy_wasm.test.mjs says when to record the list again). Keeping every copy
  // always put 2,460 functions more in the primary part, among them the copies the node
  // library runs, which then called across the two parts in their loops.
  const namedFns = module.functions.filter((f) => !f.imported && f.name);
  const present = new Set(namedFns.map((f) => exactName(f.name)));
  const stale = new Set([...listed].filter((n) => !present.has(n)).map(stableName));
  if (stale.size > 0) {
    console.log(
      `split: ${stale.size} startup functions changed since app/build/wasm-startup.txt was recorded: ` +
        "every copy of them is kept (a larger first download); ./dev split-profile records the list again",
    );
  }
  const keptByName = (name) => listed.has(exactName(name)) || stale.has(stableName(name));
  // wasm-split names a function of a module without names by its index among defined functions
  const keep = [];
  for (const f of module.functions) {
    if (f.imported) continue;
    // functions without a name (glue wasm-bindgen or wasm-opt made) cannot be listed: all kept
    if (f.simd || !f.name || keptByName(f.name)) {
      keep.push(String(f.index - module.imported));
    }
  }
  const bare = join(work, "bare.wasm");
  const keepFile = join(work, "keep.txt");
  writeFileSync(bare, withoutNames(named));
  writeFileSync(keepFile, keep.join("\n") + "\n");
  const primary = join(work, "primary.wasm");
  const lazy = join(work, "lazy.wasm");
  rmSync(primary, { force: true });
  rmSync(lazy, { force: true });
  try {
    execFileSync(
      "wasm-split",
      ["--split", "--all-features", `--keep-funcs=@${keepFile}`, "--export-prefix=%", "--placeholdermap", bare, "-o1", primary, "-o2", lazy],
      { stdio: ["ignore", "ignore", "inherit"] },
    );
  } catch (e) {
    fail(`wasm-split failed (${e.message}); is Debian's binaryen installed? (./dev installs it)`);
  }
  const primaryBytes = fixTableExports(readFileSync(primary), named);
  const lazyBytes = readFileSync(lazy);
  // named by its own digest: trunk's hash in the other names does not change when only the
  // split does (a new startup list), and a lazy part must never meet another split's primary
  const lazyName = `${stem}_bg.lazy-${createHash("sha256").update(lazyBytes).digest("hex").slice(0, 16)}.wasm`;
  // Chromium compiles at most 8 MB synchronously in a page (the placeholders' fallback)
  if (lazyBytes.length > 8_000_000) fail(`the lazy part is ${lazyBytes.length} B, over the 8 MB a page can compile at once`);
  writeFileSync(join(staging, wasmName), primaryBytes);
  writeFileSync(join(staging, lazyName), lazyBytes);

  // the wasm-bindgen glue links the placeholders and hands the loader the primary instance before
  // the app starts
  // (wasm-split exports the table for the lazy part, which fills it)
  const tableExport = describe(primaryBytes).funcTableExport;
  if (!tableExport) fail("the primary part exports no function table");
  const jsPath = join(staging, jsName);
  let js = readFileSync(jsPath, "utf8");
  const patch = (from, to) => {
    const n = js.split(from).length - 1;
    if (n < 1) fail(`the wasm-bindgen glue ${jsName} no longer has \`${from}\` (wasm-bindgen changed?)`);
    js = js.replaceAll(from, to);
  };
  patch(
    "const imports = __wbg_get_imports();",
    `const imports = __wbg_get_imports(); __lazyWasm.link(imports, new URL(${JSON.stringify("./" + lazyName)}, import.meta.url), ${JSON.stringify(tableExport)});`,
  );
  patch(
    "const { instance, module } = await __wbg_load(await module_or_path, imports);",
    "const { instance, module } = await __wbg_load(await module_or_path, imports); await __lazyWasm.ready(instance);",
  );
  js = `import * as __lazyWasm from "./lazy_wasm.js";\n${js}`;
  writeFileSync(jsPath, js);

  setDigest(wasmName, primaryBytes);
  setDigest(jsName, Buffer.from(js));

  const pct = (a) => ((100 * a) / named.length).toFixed(0);
  console.log(
    `split: ${keep.length} of ${module.functions.length - module.imported} functions start the app; ` +
      `${wasmName} ${primaryBytes.length} B (${pct(primaryBytes.length)} %), ${lazyName} ${lazyBytes.length} B`,
  );
}
