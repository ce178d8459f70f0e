// Story: run feedback on the canvas (status per node, errors on the node, the log), the node
// view (result, docs, error), and the automation surface: window.flojoy.load/run/flow and
// ?flow=<url>&run=1.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, ROOT, launch } from "../support/browser.mjs";
import { galleryFile, load, nodeByLabel, openEditor, run } from "../support/editor.mjs";

let server, browser;
const failing = JSON.stringify({ rfInstance: { nodes: [
  { id: "LOOP_INDEX-1", data: { func: "LOOP_INDEX", label: "BAD" }, position: { x: 0, y: 0 } },
  { id: "BIG_NUMBER-1", data: { func: "BIG_NUMBER", label: "SHOW" }, position: { x: 300, y: 0 } },
  { id: "SCALAR-1", data: { func: "SCALAR", label: "GOOD", ctrls: { value: { param: "value", value: 4 } } }, position: { x: 0, y: 250 } },
  { id: "BIG_NUMBER-2", data: { func: "BIG_NUMBER", label: "SHOW 2" }, position: { x: 300, y: 250 } },
], edges: [
  { source: "LOOP_INDEX-1", sourceHandle: "default", target: "BIG_NUMBER-1", targetHandle: "default" },
  { source: "SCALAR-1", sourceHandle: "default", target: "BIG_NUMBER-2", targetHandle: "default" },
] } });

before(async () => {
  server = await serve(DIST, { files: { "/flows/loop.json": galleryFile("loop.json"), "/flows/failing.json": failing } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("window.flojoy.run gives exactly the CLI's report", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const diags = await load(page, galleryFile("loop.json"));
  assert.deepEqual(diags, []);
  const report = await run(page);
  const cli = JSON.parse(execFileSync(join(ROOT, "target", "debug", "flojoy"), ["run", join(ROOT, "..", "shared", "flojoy", "apps", "gallery", "loop.json"), "--json"], { encoding: "utf8" }));
  const strip = (r) => {
    delete r.ms;
    for (const n of Object.values(r.nodes)) delete n.ms;
    return r;
  };
  assert.deepEqual(strip(report), strip(cli));
  // flojoy.flow() is the 2024 file of what is loaded
  const f = await page.evaluate(() => window.flojoy.flow());
  assert.equal(f.name, "Intro to Loops");
  assert.equal(f.rfInstance.nodes.length, 5);
  // flojoy.load refuses what is not a flow
  const err = await page.evaluate(() => { try { window.flojoy.load("nope"); return null; } catch (e) { return String(e.message); } });
  assert.match(err, /not valid JSON/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("?flow=<url>&run=1 opens and runs a flow; a failing node shows its error, its branch is skipped", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url + "?flow=flows/failing.json&run=1");
  await page.waitForFunction(() => document.querySelector('[data-testid="node-BAD"]')?.dataset.status === "failed");
  assert.equal(await nodeByLabel(page, "SHOW").getAttribute("data-status"), "skipped");
  await page.waitForFunction(() => document.querySelector('[data-testid="node-SHOW 2"]')?.dataset.status === "done");
  assert.match(await page.getByTestId("result-BAD").textContent(), /'loop_node' must name a LOOP node/);
  assert.match(await page.getByTestId("result-SHOW").textContent(), /BAD failed upstream/);
  assert.match(await page.getByTestId("log").textContent(), /run failed/);
  // the node view shows the error, the docs
  await nodeByLabel(page, "BAD").locator(".node-header").dblclick();
  await page.getByTestId("node-view").waitFor();
  assert.match(await page.getByTestId("node-view-error").textContent(), /must name a LOOP node/);
  assert.match(await page.getByTestId("node-view-docs").textContent(), /current iteration/);
  await page.keyboard.press("Escape");
  assert.equal(await page.getByTestId("node-view").count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the node view shows a node's result: a table for data, a plot for figures", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url + "?flow=flows/loop.json&run=1");
  await page.waitForFunction(() => document.querySelector('[data-testid="node-TEXT VIEW"]')?.dataset.status === "done");
  await nodeByLabel(page, "LOOP INDEX").locator(".node-header").click();
  await page.keyboard.press("Enter");
  await page.getByTestId("node-view").waitFor();
  assert.match(await page.getByTestId("node-view-result").textContent(), /Scalar 100/);
  await page.getByTestId("close-node-view").click();
  await nodeByLabel(page, "BIG NUMBER").locator(".node-header").dblclick();
  await page.locator('[data-testid="node-view"] .main-svg').first().waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});
