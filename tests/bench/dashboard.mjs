// Dashboard benchmark: the noisy-sine flow at 100,000 points with a slider on SINE's frequency
// and a mirror of the SCATTER plot, live mode on. For each slider step: the time from the
// input event to the mirror's plot being redrawn with data that shows the new frequency
// (checked against sin(2π·f·x) computed here, at the plotly_afterplot that carries it).
// Goal: median ≤ 50 ms.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DIST, OUT, ROOT, launch } from "../support/browser.mjs";
import { openEditor } from "../support/editor.mjs";

export function noisySine(points) {
  const f = JSON.parse(readFileSync(join(ROOT, "..", "shared", "flojoy", "apps", "gallery", "default.json"), "utf8"));
  for (const n of f.rfInstance.nodes) {
    if (n.data.func === "LINSPACE") n.data.ctrls.step.value = points;
    if (n.data.func === "RAND") n.data.ctrls.size.value = points;
    if (n.data.func === "CONSTANT") n.data.ctrls.step.value = points;
  }
  const key = (func) => f.rfInstance.nodes.find((n) => n.data.func === func).id;
  f.controlNodes = [{ id: "ctrl-f", type: "slider", position: { x: 10, y: 10 }, width: 400, height: 90,
    data: { blockId: key("SINE"), blockParameter: "frequency", label: "frequency", config: { type: "slider", min: 0, max: 10, step: 0.1, floating: true } } }];
  f.controlVisualizationNodes = [{ id: "viz-s", type: "mirror", position: { x: 10, y: 120 }, width: 700, height: 420,
    data: { blockId: key("SCATTER"), blockOutput: "default", visualizationType: "mirror" } }];
  return f;
}

export async function benchDashboard(url, points = 100_000, steps = 20) {
  const browser = await launch();
  try {
    const { page, ctx } = await openEditor(browser, url);
    await page.evaluate((f) => window.flojoy.load(f), noisySine(points));
    await page.getByTestId("tab-dashboard").click();
    await page.getByTestId("live-toggle").check();
    // a first full run, so later ones re-run only what the slider changes
    await page.evaluate(() => window.flojoy.run());
    await page.locator(".panel-plot .main-svg").first().waitFor({ timeout: 60_000 });
    // the plot's data must show each step's frequency: y = sin(2π·f·x) + CONSTANT + RAND (SINE
    // is computed here; CONSTANT and RAND do not depend on the slider and stay cached)
    const times = await page.evaluate(async (steps) => {
      const slider = document.querySelector(".w-slider input[type=range]");
      const plot = document.querySelector(".panel-plot .plot");
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      const setF = (v) => {
        slider.value = v;
        slider.dispatchEvent(new Event("input", { bubbles: true }));
      };
      const n = plot.data[0].x.length;
      const at = Array.from({ length: 64 }, (_, k) => Math.floor((k * (n - 1)) / 63));
      // does the plot show frequency f over the cached rest `rest`?
      const shows = (f, rest) => {
        const x = plot.data?.[0]?.x;
        const y = plot.data?.[0]?.y;
        return !!y && y.length === n && at.every((i, k) => Math.abs(y[i] - (Math.sin(2 * Math.PI * f * x[i]) + rest[k])) <= 1e-9 * (1 + Math.abs(y[i])));
      };
      const drawnWith = (f, rest) =>
        new Promise((resolve, reject) => {
          const guard = setTimeout(() => {
            plot.removeListener("plotly_afterplot", check);
            reject(new Error(`the plot never showed frequency ${f}`));
          }, 30_000);
          function check() {
            if (!shows(f, rest)) return;
            clearTimeout(guard);
            plot.removeListener("plotly_afterplot", check);
            resolve(performance.now());
          }
          plot.on("plotly_afterplot", check);
        });
      // warm-up: one live change fills the cache (a Run does not), then read what stays cached
      setF("0.5");
      const x = plot.data[0].x;
      for (;;) {
        const sine = window.flojoy.output("SINE");
        const done = /run finished/.test(document.querySelector("[data-testid=log]").textContent);
        if (done && sine && at.every((i) => Math.abs(sine.y[i] - Math.sin(2 * Math.PI * 0.5 * x[i])) < 1e-9)) break;
        await frame();
      }
      const rand = window.flojoy.output("RAND").v;
      const constant = window.flojoy.output("2").y;
      const rest = at.map((i) => constant[i] + rand[i]);
      if (!shows(0.5, rest)) await drawnWith("0.5", rest);
      const out = [];
      for (let i = 0; i < steps; i++) {
        // within the slider's 0–10 (a value beyond it would be clamped: no new frequency)
        slider.value = (1 + (i % 9) + 0.1 * (i % 10)).toFixed(1);
        const f = Number(slider.value); // as the browser applies it
        const drawn = drawnWith(f, rest);
        const t0 = performance.now();
        slider.dispatchEvent(new Event("input", { bubbles: true }));
        const t1 = await drawn;
        out.push(t1 - t0);
        await frame();
        await frame();
      }
      return out;
    }, steps);
    await page.screenshot({ path: join(OUT, "bench-dashboard.png") });
    await ctx.close();
    const s = [...times].sort((a, b) => a - b);
    return { points, steps, median: +s[Math.floor(s.length / 2)].toFixed(1), p95: +s[Math.floor(s.length * 0.95)].toFixed(1), max: +s[s.length - 1].toFixed(1) };
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { serve } = await import("../support/server.mjs");
  const server = await serve(DIST);
  const r = await benchDashboard(server.url);
  await server.close();
  console.log(`dashboard: slider → updated plot, ${r.points} points: median ${r.median} ms, p95 ${r.p95} ms (${r.steps} steps)`);
}
