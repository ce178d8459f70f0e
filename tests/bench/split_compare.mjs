// Split or not: the same build's site with its wasm split (dist/) and whole (a copy built with
// FLOJOY_WASM_SPLIT=0), side by side, alternating: a first visit's time to interactive and
// bytes sent by then, the DSP flow's run, and the 1,000-node editor.
//
//   FLOJOY_WASM_SPLIT=0 trunk build --release && cp -r dist /tmp/dist-whole
//   trunk build --release
//   node tests/bench/split_compare.mjs /tmp/dist-whole dist
import { context, launch } from "../support/browser.mjs";
import { serve } from "../support/server.mjs";
import { benchDsp, median } from "./dsp.mjs";
import { benchEditor } from "./editor.mjs";

const [wholeDir, splitDir] = process.argv.slice(2);
const rounds = Number(process.env.ROUNDS ?? 2);
const visitsOnly = process.env.ONLY === "visit"; // the first visits alone (quick)
// a first visit over a link of this many Mbit/s (and 40 ms round trips), as a static host
// without compression would serve it (the test server sends files as they are)
const mbps = Number(process.env.THROTTLE_MBPS ?? 0);

async function firstVisit(dir, browser) {
  const server = await serve(dir);
  try {
    const { ctx } = await context(browser, { serviceWorkers: "block" });
    const page = await ctx.newPage();
    if (mbps) {
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Network.enable");
      const rate = (mbps * 1e6) / 8;
      await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 40, downloadThroughput: rate, uploadThroughput: rate });
    }
    await page.goto(server.url);
    await page.waitForFunction(() => window.flojoy && document.querySelector("[data-testid=run-button]"), null, { polling: 10 });
    const ms = await page.evaluate(() => performance.now());
    const bytes = server.stats.bytes;
    const lazy = await page.evaluate(() => window.flojoyLazyWasm && { ...window.flojoyLazyWasm });
    await ctx.close();
    return { ms: Math.round(ms), bytes, lazy };
  } finally {
    await server.close();
  }
}

const out = { whole: { visit: [], dsp: [], editor: [] }, split: { visit: [], dsp: [], editor: [] } };
const browser = await launch();
try {
  for (let r = 0; r < rounds; r++) {
    for (const [name, dir] of [["whole", wholeDir], ["split", splitDir]]) {
      if (process.env.ONLY !== "dsp") for (let i = 0; i < 3; i++) out[name].visit.push(await firstVisit(dir, browser));
      if (visitsOnly) continue;
      const isolated = await serve(dir, { isolate: true });
      const plain = await serve(dir);
      try {
        const d = await benchDsp(isolated.url, { runs: 7, warmup: 2 });
        out[name].dsp.push({ nodes_ms: d.nodes_ms, run_ms: d.run_ms, ms: d.ms });
        if (process.env.ONLY === "dsp") continue;
        const e = await benchEditor(plain.url);
        out[name].editor.push({ load_ms: e.load.ms, pan_work: e.detail.pan.work, drag_work: e.detail.drag.work });
      } finally {
        await isolated.close();
        await plain.close();
      }
    }
  }
} finally {
  await browser.close();
}
for (const name of ["whole", "split"]) {
  const v = out[name].visit;
  if (v.length) console.log(`${name}: first visit interactive median ${median(v.map((x) => x.ms))} ms (${v.map((x) => x.ms).join(", ")}), bytes by then ${median(v.map((x) => x.bytes))}`);
  if (v[0]?.lazy) console.log(`${name}: lazy part at interactive: ${JSON.stringify(v.map((x) => x.lazy))}`);
  console.log(`${name}: dsp ${JSON.stringify(out[name].dsp)}`);
  console.log(`${name}: editor ${JSON.stringify(out[name].editor)}`);
}
