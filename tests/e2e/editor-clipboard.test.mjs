// Story: copy nodes in one tab and paste them into another (Flojoy JSON on the system
// clipboard): they arrive with fresh ids, free labels, their wires, as one undo step. A
// snippet of Flojoy JSON from elsewhere (the docs) pastes in the same way.
import { test } from "node:test";
import assert from "node:assert/strict";

import { context } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { counts, flow } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

async function tab(ctx) {
  const page = await ctx.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForFunction(() => window.flojoy && window.flojoy.flow);
  return { page, errors };
}

test("copy in one tab, paste in another", async () => {
  const { ctx } = await context(browser, { permissions: ["clipboard-read", "clipboard-write"] });
  const a = await tab(ctx);
  const b = await tab(ctx);
  await b.page.getByTestId("new").click();
  assert.equal((await counts(b.page)).nodes, 0);

  await a.page.bringToFront();
  await a.page.getByTestId("canvas").click({ position: { x: 5, y: 5 } });
  await a.page.keyboard.press("Control+a");
  await a.page.keyboard.press("Control+c");
  const copied = await a.page.evaluate(() => navigator.clipboard.readText());
  assert.match(copied, /"rfInstance"/, "the clipboard holds Flojoy JSON");

  await b.page.bringToFront();
  await b.page.getByTestId("canvas").click({ position: { x: 5, y: 5 } });
  await b.page.keyboard.press("Control+v");
  await b.page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 5);
  const fa = await flow(a.page);
  const fb = await flow(b.page);
  assert.equal(fb.rfInstance.edges.length, fa.rfInstance.edges.length, "the wires came along");
  const idsA = new Set(fa.rfInstance.nodes.map((n) => n.id));
  assert.ok(fb.rfInstance.nodes.every((n) => !idsA.has(n.id)), "fresh ids");
  assert.deepEqual(fb.rfInstance.nodes.map((n) => n.data.func).sort(), fa.rfInstance.nodes.map((n) => n.data.func).sort());
  // pasted again: labels stay unique
  await b.page.keyboard.press("Control+v");
  await b.page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 10);
  const labels = (await flow(b.page)).rfInstance.nodes.map((n) => n.data.label);
  assert.equal(new Set(labels).size, labels.length, labels.join(", "));
  // one paste = one undo step
  await b.page.keyboard.press("Control+z");
  assert.equal((await counts(b.page)).nodes, 5);
  assert.deepEqual([...a.errors, ...b.errors], []);
  await ctx.close();
});

test("a Flojoy snippet from elsewhere pastes in; text that is not a flow is refused", async () => {
  const { ctx } = await context(browser, { permissions: ["clipboard-read", "clipboard-write"] });
  const { page, errors } = await tab(ctx);
  const snippet = JSON.stringify({
    rfInstance: {
      nodes: [
        { id: "CONSTANT-1", data: { func: "CONSTANT", label: "2", ctrls: { constant: { param: "constant", value: 2 } } }, position: { x: 0, y: 0 } },
        { id: "SCATTER-1", data: { func: "SCATTER", label: "SCATTER" }, position: { x: 250, y: 0 } },
      ],
      edges: [{ source: "CONSTANT-1", sourceHandle: "default", target: "SCATTER-1", targetHandle: "default" }],
    },
  });
  const before = await counts(page);
  await page.evaluate((t) => navigator.clipboard.writeText(t), snippet);
  await page.getByTestId("canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+v");
  await page.waitForFunction((n) => window.flojoy.flow().rfInstance.nodes.length === n, before.nodes + 2);
  assert.equal((await counts(page)).edges, before.edges + 1);

  await page.evaluate(() => navigator.clipboard.writeText("just some words"));
  await page.keyboard.press("Control+v");
  await page.getByTestId("toast-error").waitFor();
  assert.match(await page.getByTestId("toast-error").textContent(), /nothing was pasted/);
  assert.equal((await counts(page)).nodes, before.nodes + 2);
  assert.deepEqual(errors, []);
  await ctx.close();
});
