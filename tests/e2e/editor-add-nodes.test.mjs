// Story: add nodes from the palette — by dragging onto the canvas, by search + Enter, by click,
// and from the command palette (Ctrl/⌘+K). New nodes land in view, not on top of another.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { counts, flow, openEditor } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

test("drag a node from the palette onto the canvas", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const before = await counts(page);
  await page.getByTestId("palette-search").fill("histogram");
  const canvas = await page.getByTestId("canvas").boundingBox();
  const target = { x: canvas.x + canvas.width * 0.5, y: canvas.y + canvas.height * 0.75 };
  await page.getByTestId("palette-HISTOGRAM").dragTo(page.getByTestId("canvas"), { targetPosition: { x: canvas.width * 0.5, y: canvas.height * 0.75 } });
  await page.getByTestId("node-HISTOGRAM").waitFor();
  assert.equal((await counts(page)).nodes, before.nodes + 1);
  // it landed where it was dropped
  const box = await page.getByTestId("node-HISTOGRAM").boundingBox();
  assert.ok(Math.abs(box.x - (target.x - 20)) < 30 && Math.abs(box.y - (target.y - 15)) < 30, JSON.stringify({ box, target }));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("search ignores case, spaces and underscores; Enter adds the first match in view", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const before = await counts(page);
  await page.getByTestId("palette-search").fill("big number");
  await page.getByTestId("palette-BIG_NUMBER").waitFor();
  await page.getByTestId("palette-search").press("Enter");
  await page.getByTestId("node-BIG NUMBER").waitFor();
  // by doc text: "waveform" finds SINE
  await page.getByTestId("palette-search").fill("waveform");
  await page.getByTestId("palette-SINE").waitFor();
  await page.getByTestId("palette-SINE").click();
  await page.getByTestId("node-SINE 1").waitFor();
  assert.equal((await counts(page)).nodes, before.nodes + 2);
  // placed in view and not overlapping another node
  const boxes = await page.locator(".node").evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  const canvas = await page.getByTestId("canvas").boundingBox();
  const added = await page.getByTestId("node-SINE 1").boundingBox();
  assert.ok(added.x >= canvas.x && added.y >= canvas.y && added.x + added.width <= canvas.x + canvas.width, "in view");
  const overlaps = boxes.filter((b) => b.x < added.x + added.width && added.x < b.x + b.width && b.y < added.y + added.height && added.y < b.y + b.height);
  assert.equal(overlaps.length, 1, "overlaps only itself");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("command palette on Ctrl+K adds a node with the keyboard", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await page.locator("body").press("Control+k");
  await page.getByTestId("command-input").waitFor();
  await page.getByTestId("command-input").fill("scalar");
  await page.getByTestId("command-input").press("Enter");
  await page.getByTestId("node-SCALAR 1").waitFor();
  assert.equal(await page.getByTestId("command-palette").count(), 0, "closes after choosing");
  const f = await flow(page);
  assert.ok(f.rfInstance.nodes.some((n) => n.data.label === "SCALAR 1" && n.data.func === "SCALAR"));
  assert.deepEqual(errors, []);
  await ctx.close();
});
