// Story: a teacher reuses a piece of flow. They select two wired nodes, save them as a template
// (from the context menu or the command palette) and, after a reload, insert it from the
// palette's "My templates" in another flow: the same nodes, wired, selected, one undo step.
// Templates live in IndexedDB, next to the autosave.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { counts, flow, load, nodeByLabel, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

test("save two wired nodes as a template; after a reload insert it from the palette, undoably", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url);
  assert.deepEqual(await load(page, makeFlow([["WAVE", "LINSPACE", { step: 7 }], ["SHAPE", "SINE", { amplitude: 3 }], ["ALONE", "CONSTANT"]], [["WAVE", "SHAPE"]])), []);
  // nothing selected: the command says what to do
  await page.keyboard.press("Control+k");
  await page.keyboard.type("template");
  await page.keyboard.press("Enter");
  await page.locator(".toast", { hasText: "select the nodes to keep as a template first" }).waitFor();
  // select WAVE and SHAPE, then the context menu's "Save as template…" with a name
  await nodeByLabel(page, "WAVE").click();
  await nodeByLabel(page, "SHAPE").click({ modifiers: ["Shift"] });
  page.once("dialog", (d) => d.accept("Sine on a grid"));
  await nodeByLabel(page, "SHAPE").click({ button: "right" });
  await page.getByTestId("context-menu").getByText("Save as template…").click();
  await page.locator(".toast", { hasText: "saved the template 'Sine on a grid'" }).waitFor();

  // another flow, another visit: the template is still there
  await load(page, makeFlow([["OTHER", "CONSTANT"]]));
  await page.evaluate(() => window.flojoy.saved()); // the autosave (IndexedDB) has written
  await page.reload();
  await page.waitForFunction(() => window.flojoy && window.flojoy.flow().rfInstance.nodes.length === 1);
  const item = page.getByTestId("my-templates").getByTestId("template-item");
  await item.waitFor();
  assert.match(await item.textContent(), /Sine on a grid\s*2 nodes/);
  await item.click();
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 3);
  const f = await flow(page);
  const byFunc = (fn) => f.rfInstance.nodes.find((n) => n.data.func === fn);
  assert.equal(byFunc("LINSPACE").data.ctrls.step.value, 7, "the parameters came with it");
  assert.equal(byFunc("SINE").data.ctrls.amplitude.value, 3);
  assert.deepEqual(
    f.rfInstance.edges.map((e) => [e.source, e.target]),
    [[byFunc("LINSPACE").id, byFunc("SINE").id]],
    "and the wire between them",
  );
  assert.equal(await page.locator(".node.selected").count(), 2, "the inserted nodes are selected");
  // one undo step takes it out again
  await page.locator(".canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 1);
  assert.deepEqual(await counts(page), { nodes: 1, edges: 0 });
  assert.deepEqual(errors, []);
  await ctx.close();
});
