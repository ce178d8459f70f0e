// Story: an engineer zooms far out of a big flow to see all of it. Below 45 % the editor draws
// every node as a rectangle and every wire as a curve on one <canvas> (editor/overview.rs) and
// keeps no node in the page: the boxes are where the nodes are, in their category's colour.
// Dragging a box still moves its node (one undo step); a double-click, or zooming back in,
// brings back the nodes you can read and click.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { OUT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { flow, load, nodeByLabel, openEditor } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

// a 6 × 4 grid: SCALARs (DATA) feeding ADDs (MATH)
const COLS = 6;
const ROWS = 4;
function grid() {
  const nodes = [];
  const edges = [];
  const id = (c, r) => `N${c}_${r}`;
  for (let c = 0; c < COLS; c++) {
    for (let r = 0; r < ROWS; r++) {
      nodes.push({ id: id(c, r), data: { func: c === 0 ? "SCALAR" : "ADD", label: id(c, r) }, position: { x: c * 300, y: r * 180 } });
      if (c > 0) {
        edges.push({ source: id(c - 1, r), sourceHandle: "default", target: id(c, r), targetHandle: "a" });
        edges.push({ source: id(c - 1, (r + 1) % ROWS), sourceHandle: "default", target: id(c, r), targetHandle: "b" });
      }
    }
  }
  return { name: "overview", rfInstance: { nodes, edges } };
}

// a DATA node's fill: #3b82f6 45 % over the panel's #1c1f26 (overview.rs's node_fill)
const DATA_FILL = [0x2a, 0x4c, 0x84];

const zoom = async (page) => Number((await page.getByTestId("zoom").textContent()).replace("%", ""));
const position = async (page, label) => {
  const n = (await flow(page)).rfInstance.nodes.find((n) => n.data.label === label);
  return [n.position.x, n.position.y];
};

/** The view (screen = world × zoom + offset, in page pixels) read from the world layer. */
async function view(page) {
  return page.evaluate(() => {
    const m = new DOMMatrix(getComputedStyle(document.querySelector(".world")).transform);
    const c = document.querySelector("[data-testid=canvas]").getBoundingClientRect();
    return { zoom: m.a, x: m.e + c.left, y: m.f + c.top };
  });
}

/** The overview canvas's pixel (r, g, b, a) at page point (x, y). */
function pixel(page, x, y) {
  return page.evaluate(({ x, y }) => {
    const c = document.querySelector("canvas[data-testid=overview]");
    const r = c.getBoundingClientRect();
    const k = c.width / r.width;
    return [...c.getContext("2d").getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data];
  }, { x, y });
}

const near = (a, b, tol = 3) => a.slice(0, 3).every((v, i) => Math.abs(v - b[i]) <= tol) && a[3] === 255;

test("zoomed out, nodes are boxes on one canvas: drawn where the nodes are, dragged, undone, zoomed back in", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url);
  assert.deepEqual(await load(page, grid()), []);
  await nodeByLabel(page, "N0_0").waitFor();
  assert.equal(await page.getByTestId("overview").count(), 0, "at a readable zoom the nodes are elements, no overview");

  while ((await zoom(page)) >= 45) await page.getByTestId("zoom-out").click();
  await page.getByTestId("overview").waitFor();
  assert.equal(await page.locator(".node").count(), 0, "no node in the DOM");
  assert.equal(await page.getByTestId("wire").count(), 0, "no wire in the DOM");
  const v = await view(page);
  assert.ok(v.zoom < 0.45, `zoom ${v.zoom}`);

  // the box of N0_0 (a SCALAR: DATA's colour) is where the node is, away from its label
  const [x0, y0] = await position(page, "N0_0");
  const at = (wx, wy) => ({ x: v.x + wx * v.zoom, y: v.y + wy * v.zoom });
  const inBox = at(x0 + 170, y0 + 44);
  await page.waitForFunction(
    async ({ x, y }) => {
      const c = document.querySelector("canvas[data-testid=overview]");
      const r = c.getBoundingClientRect();
      const k = c.width / r.width;
      return c.getContext("2d").getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data[3] === 255;
    },
    inBox,
  );
  const p = await pixel(page, inBox.x, inBox.y);
  assert.ok(near(p, DATA_FILL), `node pixel ${p}`);
  // between two rows of nodes, left of the first column, the canvas is empty
  const gap = at(x0 - 60, y0 + 150);
  assert.equal((await pixel(page, gap.x, gap.y))[3], 0, "nothing drawn beside the nodes");
  await page.screenshot({ path: join(OUT, "overview.png") });

  // pressing on the box and dragging moves the node, in one undoable step
  await page.mouse.move(inBox.x, inBox.y);
  await page.mouse.down();
  await page.mouse.move(inBox.x + 60, inBox.y + 40, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(({ x }) => {
    const n = window.flojoy.flow().rfInstance.nodes.find((n) => n.data.label === "N0_0");
    return Math.abs(n.position.x - x) > 1;
  }, { x: x0 });
  const [x1, y1] = await position(page, "N0_0");
  assert.ok(Math.abs(x1 - x0 - 60 / v.zoom) < 2 && Math.abs(y1 - y0 - 40 / v.zoom) < 2, `moved to ${x1},${y1} from ${x0},${y0}`);
  assert.deepEqual(await position(page, "N1_0"), [300, 0], "only the pressed node moves");
  // the box is drawn where the node went
  const moved = at(x1 + 170, y1 + 44);
  await page.waitForFunction(
    ({ x, y }) => {
      const c = document.querySelector("canvas[data-testid=overview]");
      const r = c.getBoundingClientRect();
      const k = c.width / r.width;
      const d = c.getContext("2d").getImageData(Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data;
      return Math.abs(d[0] - 0x2a) < 4 && Math.abs(d[1] - 0x4c) < 4 && Math.abs(d[2] - 0x84) < 4;
    },
    moved,
  );
  await page.keyboard.press("Control+z");
  await page.waitForFunction(({ x, y }) => {
    const n = window.flojoy.flow().rfInstance.nodes.find((n) => n.data.label === "N0_0");
    return n.position.x === x && n.position.y === y;
  }, { x: x0, y: y0 });

  // the wheel still pans the view
  const before = await view(page);
  await page.mouse.move(inBox.x, inBox.y);
  await page.mouse.wheel(0, 120);
  await page.waitForFunction((y) => {
    const m = new DOMMatrix(getComputedStyle(document.querySelector(".world")).transform);
    return Math.abs(m.f - y) > 50;
  }, before.y - (await page.getByTestId("canvas").boundingBox()).y);

  // a double-click zooms back in to 100 %: the nodes are elements again
  const back = await view(page);
  const [bx, by] = await position(page, "N2_1");
  const target = { x: back.x + (bx + 100) * back.zoom, y: back.y + (by + 40) * back.zoom };
  await page.mouse.dblclick(target.x, target.y);
  await nodeByLabel(page, "N2_1").waitFor();
  assert.equal(await zoom(page), 100);
  assert.equal(await page.getByTestId("overview").count(), 0, "the overview is gone");
  const b = await nodeByLabel(page, "N2_1").boundingBox();
  assert.ok(b.x <= target.x && target.x <= b.x + b.width && b.y <= target.y && target.y <= b.y + b.height, "zoomed in around the pointer");

  // the zoom-out button leads to the overview again, and zoom-in back out of it
  while ((await zoom(page)) >= 45) await page.getByTestId("zoom-out").click();
  await page.getByTestId("overview").waitFor();
  while ((await zoom(page)) < 45) await page.getByTestId("zoom-in").click();
  await page.locator(".node").first().waitFor();
  assert.equal(await page.getByTestId("overview").count(), 0);

  assert.deepEqual(errors, []);
  await ctx.close();
});

/** `--bad` in the page's style sheet (the full-detail node's red border) as [r, g, b]. */
const badColour = (page) =>
  page.evaluate(() => {
    const hex = getComputedStyle(document.documentElement).getPropertyValue("--bad").trim();
    return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  });

/** Whether the overview shows box `label`'s left edge (half-way down) drawn, and red or not:
 * the pixels across it, as the outline is 2 screen pixels wide wherever it falls. */
const edgeIs = async (page, label, red) =>
  page.waitForFunction(
    ({ label, red, bad }) => {
      const n = window.flojoy.flow().rfInstance.nodes.find((n) => n.data.label === label);
      const m = new DOMMatrix(getComputedStyle(document.querySelector(".world")).transform);
      const c = document.querySelector("canvas[data-testid=overview]");
      const r = c.getBoundingClientRect();
      const cr = document.querySelector("[data-testid=canvas]").getBoundingClientRect();
      const sx = cr.left + m.e + n.position.x * m.a;
      const sy = cr.top + m.f + (n.position.y + 40) * m.a;
      const k = c.width / r.width;
      const d = c.getContext("2d").getImageData(Math.floor((sx - r.left) * k) - 2, Math.floor((sy - r.top) * k), 5, 1).data;
      const px = Array.from({ length: 5 }, (_, i) => d.slice(4 * i, 4 * i + 4));
      if (!px.some((p) => p[3] === 255)) return false; // not drawn yet
      const isRed = px.some((p) => p[3] === 255 && [0, 1, 2].every((i) => Math.abs(p[i] - bad[i]) <= 3));
      return isRed === red;
    },
    { label, red, bad: await badColour(page) },
  );

test("zoomed out, a node with an error is outlined red, as its border is in full detail", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url);
  const f = grid();
  // an ADD below the grid fed by the first column's first two SCALARs
  f.rfInstance.nodes.push({ id: "LONE", data: { func: "ADD", label: "LONE" }, position: { x: 600, y: ROWS * 180 } });
  f.rfInstance.edges.push({ source: "N0_0", sourceHandle: "default", target: "LONE", targetHandle: "a" });
  f.rfInstance.edges.push({ source: "N0_1", sourceHandle: "default", target: "LONE", targetHandle: "b" });
  assert.deepEqual(await load(page, f), []);
  while ((await zoom(page)) >= 45) await page.getByTestId("zoom-out").click();
  await page.getByTestId("overview").waitFor();
  await edgeIs(page, "LONE", false);
  // N0_0 deleted: LONE's input 'a' is not connected any more (an error), and N1_0's too
  const v = await view(page);
  const [x0, y0] = await position(page, "N0_0");
  await page.mouse.click(v.x + (x0 + 170) * v.zoom, v.y + (y0 + 44) * v.zoom);
  await page.keyboard.press("Delete");
  await page.waitForFunction(() => !window.flojoy.flow().rfInstance.nodes.some((n) => n.data.label === "N0_0"));
  await edgeIs(page, "LONE", true);
  await edgeIs(page, "N1_0", true);
  await edgeIs(page, "N2_0", false);
  // undone, the error and its outline are gone
  await page.keyboard.press("Control+z");
  await edgeIs(page, "LONE", false);
  await edgeIs(page, "N1_0", false);
  assert.deepEqual(errors, []);
  await ctx.close();
});
