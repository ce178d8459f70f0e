// Story: the canvas. Pan by dragging the background or with the wheel, zoom with ctrl+wheel
// and the buttons, fit view, the minimap, shift-drag box select, and markdown notes.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { counts, drag, flow, nodeByLabel, openEditor } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const zoom = async (page) => Number((await page.getByTestId("zoom").textContent()).replace("%", ""));

test("pan, zoom, fit and the minimap move the view, not the flow", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const before = JSON.stringify(await flow(page));
  const canvas = await page.getByTestId("canvas").boundingBox();
  const sine = async () => (await nodeByLabel(page, "SINE").boundingBox());
  const s0 = await sine();
  // drag the background
  await drag(page, { x: canvas.x + 20, y: canvas.y + canvas.height - 30 }, { x: canvas.x + 120, y: canvas.y + canvas.height - 80 });
  const s1 = await sine();
  assert.ok(Math.abs(s1.x - s0.x - 100) < 2 && Math.abs(s1.y - s0.y + 50) < 2, JSON.stringify({ s0, s1 }));
  // the wheel pans; ctrl+wheel zooms around the pointer
  await page.mouse.move(canvas.x + 300, canvas.y + 300);
  await page.mouse.wheel(0, 40);
  assert.ok(Math.abs((await sine()).y - (s1.y - 40)) < 2);
  const z0 = await zoom(page);
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, -200);
  await page.keyboard.up("Control");
  assert.ok((await zoom(page)) > z0, "ctrl+wheel zoomed in");
  await page.getByTestId("zoom-out").click();
  await page.getByTestId("zoom-out").click();
  const z1 = await zoom(page);
  await page.getByTestId("zoom-in").click();
  assert.ok((await zoom(page)) > z1);
  // fit: every node inside the canvas
  await page.getByTestId("fit").click();
  const boxes = await page.locator(".node").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  for (const b of boxes) assert.ok(b.x >= canvas.x - 1 && b.y >= canvas.y - 1 && b.x + b.width <= canvas.x + canvas.width + 1 && b.y + b.height <= canvas.y + canvas.height + 1, JSON.stringify(b));
  // the minimap: one rectangle per node, a click moves the view
  assert.equal(await page.locator(".mini-node").count(), 5);
  const m = await page.getByTestId("minimap").boundingBox();
  const sa = await sine();
  await page.mouse.click(m.x + m.width - 5, m.y + m.height - 5);
  const sb = await sine();
  assert.ok(Math.abs(sb.x - sa.x) > 5 || Math.abs(sb.y - sa.y) > 5, "the minimap moved the view");
  assert.equal(JSON.stringify(await flow(page)), before, "the flow did not change");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("shift-drag selects a box of nodes; Delete removes them; ports and wires are typed", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await page.getByTestId("fit").click();
  const a = await nodeByLabel(page, "SCALAR").boundingBox();
  const b = await nodeByLabel(page, "DOUBLE").boundingBox();
  await page.keyboard.down("Shift");
  await drag(page, { x: a.x - 10, y: a.y - 10 }, { x: b.x + b.width + 10, y: b.y + b.height + 10 });
  await page.keyboard.up("Shift");
  assert.equal(await page.locator(".node.selected").count(), 2);
  assert.match(await page.getByTestId("panel").textContent(), /2 nodes selected/);
  const before = await counts(page);
  await page.keyboard.press("Delete");
  assert.deepEqual(await counts(page), { nodes: before.nodes - 2, edges: before.edges - 1 });
  // wires are coloured by type: the LINSPACE → SINE wire carries a Vector
  assert.equal(await page.locator("[data-testid=wire] .wire").first().getAttribute("data-type"), "Vector");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a markdown note renders, edits on double-click, and never runs script", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await page.getByTestId("add-note").click();
  const note = page.locator(".note").first();
  await note.waitFor();
  assert.equal(await note.locator("h2").textContent(), "Note");
  await note.dblclick();
  await note.locator("textarea").fill("# Plan\n**bold** <img src=x onerror=alert(1)> <script>window.hacked=1</script>");
  await page.getByTestId("canvas").click({ position: { x: 5, y: 5 } });
  await note.locator("h1").waitFor();
  assert.equal(await note.locator("strong").textContent(), "bold");
  assert.equal(await note.locator("img, script").count(), 0);
  assert.equal(await page.evaluate(() => window.hacked), undefined);
  const f = await flow(page);
  assert.match(f.textNodes[0].data.text, /^# Plan/);
  assert.deepEqual(errors, []);
  await ctx.close();
});
