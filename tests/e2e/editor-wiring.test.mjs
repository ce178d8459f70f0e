// Story: wire ports. Compatible wires connect; incompatible ones are refused while dragging
// with the reason shown; a second wire into a single input replaces the first (undoable);
// a wire is deleted by selecting it.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { counts, drag, flow, keyOf, openEditor, port } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const wiresInto = async (page, label) => {
  const f = await flow(page);
  const key = f.rfInstance.nodes.find((n) => n.data.label === label).id;
  return f.rfInstance.edges.filter((e) => e.target === key);
};

test("a compatible wire connects; an incompatible one is refused with the reason", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await page.getByTestId("fit").click();
  // LINE (Plotly out) → SINE (OrderedPair|Vector in): refused while dragging, with the reason
  await drag(page, port(page, "LINE", "out"), port(page, "DOUBLE", "in"), { hold: true });
  const hint = page.getByTestId("wire-refused");
  await hint.waitFor();
  assert.match(await hint.textContent(), /DOUBLE expects Scalar on 'default', LINE gives Plotly/);
  await page.mouse.up();
  await page.getByTestId("toast-error").waitFor();
  assert.equal((await wiresInto(page, "DOUBLE")).length, 1, "the refused wire was not made");

  // SCALAR (Scalar) → a new BIG_NUMBER (OrderedPair|Scalar|Vector): accepted
  await page.getByTestId("palette-search").fill("BIG_NUMBER");
  await page.getByTestId("palette-search").press("Enter");
  await page.getByTestId("node-BIG NUMBER").waitFor();
  const before = await counts(page);
  await drag(page, port(page, "SCALAR", "out"), port(page, "BIG NUMBER", "in"));
  await page.waitForFunction((n) => window.flojoy.flow().rfInstance.edges.length === n, before.edges + 1);
  const [w] = await wiresInto(page, "BIG NUMBER");
  assert.equal(w.source, await keyOf(page, "SCALAR"));
  assert.equal(w.targetHandle, "default");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a second wire into a single input replaces the first, and undo brings it back", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  // DOUBLE's single input is fed by SCALAR; wire a second SCALAR into it
  await page.getByTestId("palette-search").fill("SCALAR");
  await page.getByTestId("palette-search").press("Enter");
  await page.getByTestId("node-SCALAR 1").waitFor();
  await drag(page, port(page, "SCALAR 1", "out"), port(page, "DOUBLE", "in"));
  let into = await wiresInto(page, "DOUBLE");
  assert.equal(into.length, 1);
  assert.equal(into[0].source, await keyOf(page, "SCALAR 1"));
  await page.getByTestId("undo").click();
  into = await wiresInto(page, "DOUBLE");
  assert.equal(into.length, 1);
  assert.equal(into[0].source, await keyOf(page, "SCALAR"), "undo restored the first wire");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("select a wire and delete it", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const before = await counts(page);
  // click on the middle of the SCALAR → DOUBLE wire
  const a = await port(page, "SCALAR", "out").boundingBox();
  const b = await port(page, "DOUBLE", "in").boundingBox();
  await page.mouse.click((a.x + b.x) / 2 + 6, (a.y + b.y) / 2 + 6);
  await page.locator(".wire-group.selected").waitFor({ state: "attached" });
  await page.keyboard.press("Delete");
  assert.equal((await counts(page)).edges, before.edges - 1);
  assert.equal((await wiresInto(page, "DOUBLE")).length, 0);
  await page.keyboard.press("Control+z");
  assert.equal((await counts(page)).edges, before.edges);
  assert.deepEqual(errors, []);
  await ctx.close();
});
