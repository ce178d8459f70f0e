// The wasm side of the DSP benchmark (tests/bench/compare_dsp.mjs): the built site in headless
// Chromium loads tests/bench/noisy_sine_dsp.json with window.flojoy.load, runs it `warmup` times
// untimed and `runs` times with window.flojoy.run({outputs: false}) (the report without the
// million-point outputs), and takes the median of every node's `ms` (by label), of their sum
// and of the whole run (every run's numbers are under `samples`). One more run returns FFT's
// and BUTTER's outputs, summarised in the page with the definitions of
// runtime/examples/dsp_bench.rs.
//
//   DSP_RUNS=7 node tests/bench/dsp.mjs     (needs dist/ built: trunk build --release)
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DIST, ROOT, launch } from "../support/browser.mjs";
import { openEditor } from "../support/editor.mjs";
import { serve } from "../support/server.mjs";

export const DSP_FLOW = join(ROOT, "tests", "bench", "noisy_sine_dsp.json");

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Node label → Flojoy id, from the flow file. */
export function idsByLabel(flow) {
  return Object.fromEntries(flow.rfInstance.nodes.map((n) => [n.data.label, n.id]));
}

export async function benchDsp(url, { runs = 7, warmup = 2, flowPath = DSP_FLOW } = {}) {
  const text = readFileSync(flowPath, "utf8");
  const ids = idsByLabel(JSON.parse(text));
  const browser = await launch();
  try {
    const { page, ctx, errors } = await openEditor(browser, url);
    // Python starts in its worker at page load (seconds of CPU, then its start-up snapshot is
    // stored): on a 2-core machine timing the DSP flow meanwhile measured that contention
    // (runs of 43 to 126 ms), not the DSP. Time it once Python is idle.
    await page.waitForFunction(() => ["ready", "failed"].includes(document.querySelector("[data-testid=python-status]")?.dataset.state), null, { timeout: 120_000 });
    await page.evaluate(async () => {
      for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
        if ((await (await caches.open("flojoy-python-snapshot")).keys()).length) return;
      }
    });
    const diagnostics = await page.evaluate((t) => window.flojoy.load(t), text);
    if (diagnostics.some((d) => d.severity === "error")) throw new Error(`the flow is invalid: ${JSON.stringify(diagnostics)}`);
    const timed = () =>
      page.evaluate(async () => {
        const r = await window.flojoy.run({ outputs: false });
        const ms = Object.fromEntries(Object.values(r.nodes).map((n) => [n.label, n.ms]));
        return { status: r.status, error: r.error, ms, run: r.ms };
      });
    for (let i = 0; i < warmup; i++) await timed();
    const perNode = {};
    const sums = [];
    const walls = [];
    for (let i = 0; i < runs; i++) {
      const r = await timed();
      if (r.status !== "ok") throw new Error(`the flow did not run: ${r.status} ${r.error ?? ""}`);
      for (const [label, ms] of Object.entries(r.ms)) (perNode[label] ??= []).push(ms);
      sums.push(Object.values(r.ms).reduce((a, b) => a + b, 0));
      walls.push(r.run);
    }
    const summary = await page.evaluate(async ({ fft, butter }) => {
      const r = await window.flojoy.run({ outputs: [fft, butter] });
      const rms = (v) => Math.sqrt(v.reduce((s, a) => s + a * a, 0) / v.length);
      const f = r.nodes[fft].outputs.default;
      const b = r.nodes[butter].outputs.default.y;
      let peak = 0;
      for (let i = 1; i < f.y.length; i++) if (f.y[i] > f.y[peak]) peak = i;
      return {
        fft: { n: f.y.length, peak_hz: f.x[peak], peak: f.y[peak], mean: f.y.reduce((s, a) => s + a, 0) / f.y.length },
        butter: { n: b.length, head: b.slice(0, 4), last: b[b.length - 1], rms: rms(b) },
      };
    }, { fft: ids.FFT, butter: ids.BUTTER });
    const isolated = await page.evaluate(() => crossOriginIsolated);
    await ctx.close();
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    return {
      runs,
      warmup,
      chromium: browser.version(),
      cross_origin_isolated: isolated,
      ms: Object.fromEntries(Object.entries(perNode).map(([k, v]) => [k, median(v)])),
      nodes_ms: median(sums),
      run_ms: median(walls),
      samples: { ms: perNode, nodes_ms: sums, run_ms: walls },
      summary,
    };
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // COOP/COEP: performance.now() is precise to 5 µs instead of 100 µs
  const server = await serve(DIST, { isolate: true });
  try {
    const runs = Number(process.env.DSP_RUNS ?? 7);
    console.log(JSON.stringify(await benchDsp(server.url, { runs }), null, 2));
  } finally {
    await server.close();
  }
}
