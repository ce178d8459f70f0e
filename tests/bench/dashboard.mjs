// Dashboard benchmark: the noisy-sine flow at 100,000 points with a slider on SINE's frequency
// and a mirror of the SCATTER plot, live mode on. For each slider step: the time from the
// input event to the mirror's plot being redrawn with the new data (plotly_afterplot).
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
    const times = await page.evaluate(async (steps) => {
      const slider = document.querySelector(".w-slider input[type=range]");
      const plot = document.querySelector(".panel-plot .plot");
      const out = [];
      for (let i = 0; i < steps; i++) {
        const v = (1 + (i % 9) + 0.1 * i).toFixed(1);
        const drawn = new Promise((resolve) => {
          const check = () => {
            const y = plot.data?.[0]?.y;
            // the redraw we wait for is the one that carries this frequency's data
            if (y && plot.__freq !== v) {
              plot.__freq = v;
              resolve(performance.now());
            }
          };
          plot.once ? plot.once("plotly_afterplot", check) : plot.addEventListener("plotly_afterplot", check, { once: true });
        });
        const t0 = performance.now();
        slider.value = v;
        slider.dispatchEvent(new Event("input", { bubbles: true }));
        const t1 = await drawn;
        out.push(t1 - t0);
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
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
