// Records which wasm functions a first visit runs before the editor is on screen, into
// app/build/wasm-startup.txt, the list app/build/split.mjs keeps in the primary part of the
// app's wasm. Run it (`./dev split-profile`) when the startup path changed enough that the
// startup benchmark shows placeholder calls before the lazy part is linked; it needs a built
// site (`./dev build`).
//
// How: binaryen's `wasm-split --instrument` turns the whole module (with names, as split.mjs
// saved it) into one that notes each function's first call; the built site is served with that
// module in place of its primary part, in headless Chromium, through the visits below; then
// `__write_profile` writes the notes (an 8-byte module hash, then one u32 per defined function,
// non-zero if it ran) into the page's memory, and the names of the functions that ran are
// written out (without LLVM's `.123` numbering, which changes between builds).
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { DIST, ROOT, context, launch, open, until } from "../../tests/support/browser.mjs";
import { serve } from "../../tests/support/server.mjs";
import { bigFlow } from "../../tests/bench/editor.mjs";
import { describe, exactName, fixTableExports } from "./wasm_sections.mjs";

const work = join(process.env.CARGO_TARGET_DIR || join(ROOT, "target"), "wasm-split");
const named = join(work, "named.wasm");
const instrumented = join(work, "instrumented.wasm");
execFileSync("wasm-split", ["--instrument", "--all-features", named, "-o", instrumented], { stdio: "inherit" });
const module = describe(readFileSync(named));
const body = fixTableExports(readFileSync(instrumented), readFileSync(named));
const wasmName = readdirSync(DIST).find((f) => /^flojoy-app-.*_bg\.wasm$/.test(f));

// what a first visit does: the default flow, a second visit (autosave restored), a narrow
// window (the toolbar's More menu), an embed, the demo devices, a shared link, one click and
// drag; and loading a big flow (1,000 nodes, drawn zoomed out): with the loading and overview
// code in the lazy part, its calls across the two parts made the 10,000-node load 1.67 s
// instead of 1.23 s (tests/bench/editor.mjs)
const visits = [
  { path: "", viewport: { width: 1920, height: 1080 }, again: true, big: true },
  { path: "", viewport: { width: 1024, height: 768 } },
  { path: "?embed=1", viewport: { width: 800, height: 500 } },
  { path: "?demo=1", viewport: { width: 1440, height: 900 } },
];

const ran = new Set();
const server = await serve(DIST);
const browser = await launch();
try {
  for (const visit of visits) {
    // no service worker: a second visit would get the site's own wasm from its cache
    const { ctx } = await context(browser, { viewport: visit.viewport, serviceWorkers: "block" });
    await ctx.route(`**/${wasmName}`, (route) => route.fulfill({ body, contentType: "application/wasm" }));
    // the instrumented module is whole: there is no lazy part to link
    await ctx.route("**/*_bg.lazy-*.wasm", (route) => route.fulfill({ status: 404, body: "" }));
    await ctx.addInitScript(() => {
      addEventListener("TrunkApplicationStarted", (e) => (window.__profiledWasm = e.detail.wasm));
    });
    const rounds = visit.again ? 2 : 1;
    for (let round = 0; round < rounds; round++) {
      const { page } = await open(ctx, server.url + visit.path);
      await until(page, () => window.__profiledWasm && window.flojoy);
      await page.evaluate(() => window.flojoy.saved?.());
      if (!visit.path.includes("embed")) {
        await page.waitForSelector("[data-testid=run-button]");
        const node = page.locator(".node").first();
        if (await node.count()) {
          const box = await node.boundingBox();
          await page.mouse.move(box.x + 20, box.y + 10);
          await page.mouse.down();
          await page.mouse.move(box.x + 60, box.y + 40, { steps: 4 });
          await page.mouse.up();
          await page.evaluate(() => window.flojoy.saved?.());
        }
        if (visit.big && round === 0) {
          await page.evaluate((f) => window.flojoy.load(f), bigFlow(40, 25));
          await page.getByTestId("overview").waitFor();
          await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok))));
          await page.evaluate(() => window.flojoy.saved?.());
        }
      }
      const profile = await page.evaluate(() => {
        const wasm = window.__profiledWasm;
        const size = wasm.__write_profile(0, 0);
        const memory = wasm.memory;
        const at = memory.buffer.byteLength;
        memory.grow(Math.ceil(size / 65536));
        wasm.__write_profile(at, size);
        return Array.from(new Uint8Array(memory.buffer, at, size));
      });
      const bytes = Buffer.from(profile);
      for (let i = 0; 8 + 4 * i < bytes.length; i++) {
        if (bytes.readUInt32LE(8 + 4 * i) === 0) continue;
        const f = module.functions[module.imported + i];
        if (f?.name) ran.add(exactName(f.name));
      }
      await page.close();
    }
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.close();
}

const out = join(ROOT, "app", "build", "wasm-startup.txt");
const header = [
  "# The app's wasm functions a first visit runs before the editor is on screen; app/build/split.mjs",
  "# keeps them in the primary part (by name with rustc's hash, or by name alone where the hash",
  "# changed since). Written by",
  "# app/build/profile_startup.mjs (./dev split-profile): do not edit by hand.",
];
writeFileSync(out, [...header, ...[...ran].sort()].join("\n") + "\n");
console.log(`profile: ${ran.size} functions ran at startup, written to ${out}`);
