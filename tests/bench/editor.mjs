// Editor benchmark: a generated 1,000-node / 1,500-wire flow (and one of 10,000 / 15,000,
// issue 19's size) in headless Chromium.
// Measures the load time (flojoy.load → every node drawn) and frame times while panning the
// canvas and while dragging a node (requestAnimationFrame intervals, pointer events dispatched
// once per frame inside the page). Goals: load ≤ 1 s, median frame ≤ 16 ms (at 10,000
// nodes: load ≤ 1.5 s, 60 frames/s).
//
//   node tests/bench/editor.mjs            (needs dist/ built: trunk build --release)
import { join } from "node:path";

import { DIST, OUT, launch } from "../support/browser.mjs";
import { openEditor } from "../support/editor.mjs";

/** `cols` × `rows` nodes, each column's fed by the one before; 1.5 wires a node. */
export function bigFlow(cols = 40, rows = 25) {
  const wires = Math.round(cols * rows * 1.5);
  const nodes = [];
  const edges = [];
  const id = (c, r) => `${c === 0 ? "SCALAR" : "ADD"}-${c}-${r}`;
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let c = 0; c < cols; c++) {
    for (let r = 0; r < rows; r++) {
      nodes.push({ id: id(c, r), data: { func: c === 0 ? "SCALAR" : "ADD", label: `N${c}_${r}` }, position: { x: c * 260, y: r * 140 } });
      if (c > 0) {
        edges.push({ source: id(c - 1, r), sourceHandle: "default", target: id(c, r), targetHandle: "a" });
        if (edges.length < wires && rand() < 0.53) {
          edges.push({ source: id(c - 1, Math.floor(rand() * rows)), sourceHandle: "default", target: id(c, r), targetHandle: "b" });
        }
      }
    }
  }
  // exactly 1.5 wires a node: the draws above give a few less (then top up) or, for a big
  // flow, a few more (then the last second wires go)
  for (let i = edges.length - 1; i >= 0 && edges.length > wires; i--) {
    if (edges[i].targetHandle === "b") edges.splice(i, 1);
  }
  const hasB = new Set(edges.filter((e) => e.targetHandle === "b").map((e) => e.target));
  for (let c = 1; c < cols && edges.length < wires; c++) {
    for (let r = 0; r < rows && edges.length < wires; r++) {
      if (!hasB.has(id(c, r))) edges.push({ source: id(c - 1, (r + 1) % rows), sourceHandle: "default", target: id(c, r), targetHandle: "b" });
    }
  }
  return { name: "benchmark", rfInstance: { nodes, edges } };
}

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { frames: s.length, median: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +s[s.length - 1].toFixed(2) };
}

/** Dispatches a pointer gesture, one move per animation frame; returns frame intervals (ms). */
async function gesture(page, from, to, frames) {
  return page.evaluate(
    ({ from, to, frames }) =>
      new Promise((resolve) => {
        const canvas = document.querySelector("[data-testid=canvas]");
        const target = document.elementFromPoint(from.x, from.y);
        const ev = (type, x, y) => new PointerEvent(type, { bubbles: true, clientX: x, clientY: y, button: 0, buttons: 1, pointerId: 1, isPrimary: true });
        target.dispatchEvent(ev("pointerdown", from.x, from.y));
        const times = [];
        const work = [];
        let i = 0;
        let last = performance.now();
        const step = (t) => {
          times.push(t - last);
          last = t;
          i++;
          if (i > frames) {
            canvas.dispatchEvent(ev("pointerup", to.x, to.y));
            resolve({ intervals: times.slice(2), work: work.slice(1) });
            return;
          }
          const k = i / frames;
          const w0 = performance.now();
          canvas.dispatchEvent(ev("pointermove", from.x + (to.x - from.x) * k, from.y + (to.y - from.y) * k));
          // the handlers' work plus the style and layout it causes (paint is not included)
          void document.querySelector(".world").getBoundingClientRect();
          work.push(performance.now() - w0);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    { from, to, frames },
  );
}

/** A point of the canvas background (no node there), to pan from. */
function background(page, c) {
  return page.evaluate(({ x, y, w, h }) => {
    for (let yy = y + 10; yy < y + h; yy += 17) for (let xx = x + 10; xx < x + w; xx += 23) {
      const e = document.elementFromPoint(xx, yy);
      if (e && e.matches("[data-testid=canvas], .world, svg.wires")) return { x: xx, y: yy };
    }
    return { x: x + 5, y: y + 5 };
  }, { x: c.x, y: c.y, w: c.width, h: c.height });
}

export async function benchEditor(url, { css, cols = 40, rows = 25 } = {}) {
  const browser = await launch();
  try {
    const { page, ctx } = await openEditor(browser, url);
    // (experiments: extra CSS, e.g. to see what a part of the page costs)
    if (css) await page.addStyleTag({ content: css });
    const flow = bigFlow(cols, rows);
    const loadMs = await page.evaluate(async (f) => {
      const t0 = performance.now();
      window.flojoy.load(f);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const n = document.querySelectorAll(".node").length;
      return { ms: performance.now() - t0, nodes: n, wires: document.querySelectorAll("[data-testid=wire]").length, flow_nodes: f.rfInstance.nodes.length, flow_wires: f.rfInstance.edges.length };
    }, flow);
    const canvas = await page.getByTestId("canvas").boundingBox();
    const measure = async (label) => {
      const bg = await background(page, canvas);
      const pan = await gesture(page, bg, { x: bg.x + 150, y: bg.y + 80 }, 90);
      // a node header well inside the canvas
      const from = await page.evaluate((c) => {
        for (const h of document.querySelectorAll(".node .node-header, .node.compact")) {
          const r = h.getBoundingClientRect();
          if (r.left > c.x + 20 && r.top > c.y + 20 && r.right < c.x + c.width - 200 && r.bottom < c.y + c.height - 150) return { x: r.left + 8, y: r.top + Math.min(10, r.height / 2) };
        }
        throw new Error("no node in view to drag");
      }, canvas);
      const drag = await gesture(page, from, { x: from.x + 150, y: from.y + 100 }, 90);
      return { view: label, pan: { frame: stats(pan.intervals), work: stats(pan.work) }, drag: { frame: stats(drag.intervals), work: stats(drag.work) } };
    };
    // the whole flow in view (zoomed out), then at 100 % (full detail, culled to the view)
    const overview = await measure("overview");
    await page.getByTestId("fit").click();
    while ((await page.getByTestId("zoom").textContent()).replace("%", "") * 1 < 100) await page.getByTestId("zoom-in").click();
    await page.screenshot({ path: join(OUT, `bench-editor-${cols * rows}-100.png`) });
    const detail = await measure("100%");
    const result = { load: { ms: +loadMs.ms.toFixed(1), flow_nodes: loadMs.flow_nodes, flow_wires: loadMs.flow_wires, nodes: loadMs.nodes, wires: loadMs.wires }, overview, detail };
    await page.screenshot({ path: join(OUT, `bench-editor-${cols * rows}.png`) });
    await ctx.close();
    return result;
  } finally {
    await browser.close();
  }
}
