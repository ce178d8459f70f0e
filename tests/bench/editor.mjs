// Editor benchmark: a generated 1,000-node / 1,500-wire flow (and one of 10,000 / 15,000,
// issue 19's size) in headless Chromium.
// Measures the load time (flojoy.load → every node drawn) and frame times while panning the
// canvas, while zooming it (ctrl+wheel) and while dragging a node (requestAnimationFrame
// intervals, events dispatched once per frame inside the page), zoomed out with the whole
// flow in view (below 45 % the overview draws it on one <canvas>) and at 100 %. Goals: load
// ≤ 1 s, median frame ≤ 16 ms (at 10,000 nodes: load ≤ 1.5 s, 60 frames/s).
// Screenshots: test-results/bench-editor-<nodes>.png (the whole flow, zoomed out) and
// bench-editor-<nodes>-100.png (at 100 %).
//
//   node tests/bench/editor.mjs            (needs dist/ built: trunk build --release)
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { DIST, OUT, launch } from "../support/browser.mjs";
import { openEditor } from "../support/editor.mjs";
import { serve } from "../support/server.mjs";

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

/** Dispatches one ctrl+wheel event per animation frame at `at` (zooming in for the first half,
 * out for the second); returns frame intervals (ms). */
async function wheelZoom(page, at, frames) {
  return page.evaluate(
    ({ at, frames }) =>
      new Promise((resolve) => {
        const canvas = document.querySelector("[data-testid=canvas]");
        const times = [];
        const work = [];
        let i = 0;
        let last = performance.now();
        const step = (t) => {
          times.push(t - last);
          last = t;
          i++;
          if (i > frames) {
            resolve({ intervals: times.slice(2), work: work.slice(1) });
            return;
          }
          const w0 = performance.now();
          const deltaY = i <= frames / 2 ? -10 : 10;
          canvas.dispatchEvent(new WheelEvent("wheel", { bubbles: true, cancelable: true, clientX: at.x, clientY: at.y, deltaY, ctrlKey: true }));
          void document.querySelector(".world").getBoundingClientRect();
          work.push(performance.now() - w0);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
    { at, frames },
  );
}

/** Screen rectangles (page pixels) of the flow's nodes, from window.flojoy and the view's
 * transform (zoomed out no node is an element: the overview draws them on a canvas). */
function nodeRects() {
  const m = new DOMMatrix(getComputedStyle(document.querySelector(".world")).transform);
  const c = document.querySelector("[data-testid=canvas]").getBoundingClientRect();
  // a node of the benchmark is 200 wide, at most 140 tall
  return window.flojoy.flow().rfInstance.nodes.map((n) => ({
    left: c.left + m.e + n.position.x * m.a,
    top: c.top + m.f + n.position.y * m.a,
    width: 200 * m.a,
    height: 100 * m.a,
  }));
}

/** A point of the canvas background (no node there), to pan from. */
async function background(page, c) {
  const rects = (await page.locator("canvas[data-testid=overview]").count()) ? await page.evaluate(nodeRects) : [];
  return page.evaluate(({ x, y, w, h, rects }) => {
    const free = (xx, yy) => !rects.some((r) => xx > r.left - 8 && xx < r.left + r.width + 8 && yy > r.top - 8 && yy < r.top + r.height + 8);
    for (let yy = y + 10; yy < y + h; yy += 17) for (let xx = x + 10; xx < x + w; xx += 23) {
      const e = document.elementFromPoint(xx, yy);
      if (e && e.matches("[data-testid=canvas], .world, svg.wires") && free(xx, yy)) return { x: xx, y: yy };
    }
    return { x: x + 5, y: y + 5 };
  }, { x: c.x, y: c.y, w: c.width, h: c.height, rects });
}

export async function benchEditor(url, { css, cols = 40, rows = 25 } = {}) {
  const browser = await launch();
  try {
    const { page, ctx } = await openEditor(browser, url);
    // (experiments: extra CSS, e.g. to see what a part of the page costs)
    if (css) await page.addStyleTag({ content: css });
    const flow = bigFlow(cols, rows);
    // load: from flojoy.load until the frame that shows the flow has been painted (a task
    // after that frame's animation callbacks runs once it is on screen); then, separately, until
    // the autosave (made after that paint) is written and the next frame comes
    const loadMs = await page.evaluate(async (f) => {
      const t0 = performance.now();
      window.flojoy.load(f);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      const painted = performance.now() - t0;
      const n = document.querySelectorAll(".node").length;
      const w = document.querySelectorAll("[data-testid=wire]").length;
      const overview = !!document.querySelector("canvas[data-testid=overview]");
      await window.flojoy.saved();
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return {
        ms: painted,
        settled: performance.now() - t0,
        nodes: n,
        wires: w,
        overview,
        flow_nodes: f.rfInstance.nodes.length,
        flow_wires: f.rfInstance.edges.length,
      };
    }, flow);
    const canvas = await page.getByTestId("canvas").boundingBox();
    const zoom = async () => (await page.getByTestId("zoom").textContent()).replace("%", "") * 1;
    // the whole flow, zoomed out (loading fits it in view)
    const fitZoom = await zoom();
    const allInView = (await page.evaluate(nodeRects)).every((r) => r.left >= canvas.x && r.top >= canvas.y && r.left + r.width <= canvas.x + canvas.width && r.top + r.height <= canvas.y + canvas.height);
    await page.screenshot({ path: join(OUT, `bench-editor-${cols * rows}.png`) });
    const measure = async (label) => {
      const bg = await background(page, canvas);
      const pan = await gesture(page, bg, { x: bg.x + 150, y: bg.y + 80 }, 90);
      const zooming = await wheelZoom(page, { x: canvas.x + canvas.width / 2, y: canvas.y + canvas.height / 2 }, 90);
      // a node header well inside the canvas (zoomed out: a node's box on the overview)
      const overview = (await page.locator("canvas[data-testid=overview]").count()) > 0;
      const boxes = overview ? await page.evaluate(nodeRects) : null;
      const from = await page.evaluate(({ c, overview, boxes }) => {
        const rects = overview ? boxes : [...document.querySelectorAll(".node .node-header")].map((h) => h.getBoundingClientRect());
        for (const r of rects) {
          if (r.left > c.x + 20 && r.top > c.y + 20 && r.left + r.width < c.x + c.width - 200 && r.top + r.height < c.y + c.height - 150) {
            return overview ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: r.left + 8, y: r.top + Math.min(10, r.height / 2) };
          }
        }
        throw new Error("no node in view to drag");
      }, { c: canvas, overview, boxes });
      const before = await page.evaluate(() => JSON.stringify(window.flojoy.flow().rfInstance.nodes.map((n) => n.position)));
      const drag = await gesture(page, from, { x: from.x + 150, y: from.y + 100 }, 90);
      const moved = await page.evaluate((b) => {
        const now = window.flojoy.flow().rfInstance.nodes;
        return JSON.parse(b).filter((p, i) => p.x !== now[i].position.x || p.y !== now[i].position.y).length;
      }, before);
      // put the node back (one undo step), so the next fit frames the same flow
      await page.keyboard.press("Control+z");
      return {
        view: label,
        zoom: await zoom(),
        dom_nodes: await page.locator(".node").count(),
        pan: { frame: stats(pan.intervals), work: stats(pan.work) },
        zoom_wheel: { frame: stats(zooming.intervals), work: stats(zooming.work) },
        drag: { frame: stats(drag.intervals), work: stats(drag.work), nodes_moved: moved },
      };
    };
    // the whole flow in view (zoomed out), then at 100 % (full detail, culled to the view)
    const overview = await measure("overview");
    await page.getByTestId("fit").click();
    while ((await zoom()) < 100) await page.getByTestId("zoom-in").click();
    await page.screenshot({ path: join(OUT, `bench-editor-${cols * rows}-100.png`) });
    const detail = await measure("100%");
    const result = {
      load: { ms: +loadMs.ms.toFixed(1), autosaved_ms: +loadMs.settled.toFixed(1), flow_nodes: loadMs.flow_nodes, flow_wires: loadMs.flow_wires, nodes: loadMs.nodes, wires: loadMs.wires, overview: loadMs.overview, zoom: fitZoom, all_in_view: allInView },
      overview,
      detail,
    };
    await ctx.close();
    return result;
  } finally {
    await browser.close();
  }
}

/** Prints one benchEditor result. */
export function printEditor(e) {
  console.log(`editor ${e.load.flow_nodes} nodes / ${e.load.flow_wires} wires (${e.load.nodes} nodes, ${e.load.wires} wires in the DOM at load; ${e.load.overview ? "overview canvas" : "no overview"} at ${e.load.zoom} %, all in view: ${e.load.all_in_view}): load ${e.load.ms} ms (autosave written at ${e.load.autosaved_ms} ms)`);
  for (const v of [e.overview, e.detail]) {
    console.log(
      `  ${v.view} (${v.zoom} %, ${v.dom_nodes} nodes in the DOM): pan frame median ${v.pan.frame.median} ms (p95 ${v.pan.frame.p95}, work ${v.pan.work.median} ms); ` +
        `zoom frame median ${v.zoom_wheel.frame.median} ms (p95 ${v.zoom_wheel.frame.p95}); ` +
        `drag frame median ${v.drag.frame.median} ms (p95 ${v.drag.frame.p95}, work ${v.drag.work.median} ms, ${v.drag.nodes_moved} node moved)`,
    );
  }
}

// run directly: the 1,000- and 10,000-node flows → test-results/bench-editor.json
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await serve(DIST);
  try {
    const results = { editor: await benchEditor(server.url), editor_10k: await benchEditor(server.url, { cols: 400, rows: 25 }) };
    printEditor(results.editor);
    printEditor(results.editor_10k);
    writeFileSync(join(OUT, "bench-editor.json"), JSON.stringify(results, null, 2));
  } finally {
    await server.close();
  }
}
