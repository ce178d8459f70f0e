// Story: nothing the user made is lost. Whatever replaces their flow (a link, a file, an
// example, New) pushes it into the recent flows (IndexedDB), listed under Open with name, time
// and node count and restorable in one click; the autosave lives in IndexedDB too. A reload in
// the middle of a run comes back with the flow and works. (A flow too big for the storage
// quota is bad_input.test.mjs's "storage full" case: it needs a browser profile on disk, where
// Chromium enforces a quota set through DevTools; incognito contexts do not.)
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { flow, galleryFile, load, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const recent = (page) => page.evaluate(() => window.flojoy.recent());
/** Waits until the recent flows satisfy `check` (asked again after each answer). */
async function recentUntil(page, check, what) {
  const end = Date.now() + 30_000;
  for (;;) {
    const list = await page.evaluate(() => window.flojoy.recent());
    if (check(list)) return list;
    if (Date.now() > end) throw new Error(`Recent never showed ${what}: ${JSON.stringify(list.slice(0, 3))}`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
  }
}

const names = (f) => f.rfInstance.nodes.map((n) => n.data.label).sort();

test("a share link does not destroy the visitor's work: it is in Recent, restored in one click", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  // the visitor's own five-node work in progress, autosaved
  const mine = makeFlow([["A", "CONSTANT", { constant: 1 }], ["B", "CONSTANT", { constant: 2 }], ["C", "ADD"], ["D", "SCALAR"], ["E", "LINSPACE"]], [["A", "C"], ["B", "C"]]);
  mine.name = "My work";
  await load(page, mine);
  await page.evaluate(() => window.flojoy.saved());
  const before = await flow(page);
  // a link someone sent (made by the Share dialog in another browser), opened in this one
  const other = await openEditor(browser, server.url);
  await load(other.page, galleryFile("default.json"));
  await other.page.getByTestId("share").click();
  const link = await other.page.getByTestId("share-link").inputValue();
  await other.ctx.close();
  await page.goto("about:blank");
  await page.goto(link);
  await page.waitForFunction(() => window.flojoy && window.flojoy.flow().rfInstance.nodes.some((n) => n.data.func === "SINE"));
  const list = await recent(page);
  assert.ok(list.length >= 1);
  const entry = list[0];
  assert.deepEqual(Object.keys(entry).sort(), ["id", "name", "nodes", "savedAt"]);
  assert.equal(entry.name, "My work");
  assert.equal(entry.nodes, 5);
  assert.ok(Math.abs(Date.now() - entry.savedAt) < 5 * 60_000, "savedAt is a time in ms");
  // the Recent menu under Open shows it; one click restores it
  await page.getByTestId("recent").click();
  const item = page.getByTestId("recent-item").first();
  assert.match(await item.textContent(), /My work.*5 nodes/);
  await item.click();
  await page.waitForFunction(() => window.flojoy.flow().name === "My work");
  assert.deepEqual(names(await flow(page)), names(before));
  assert.equal((await flow(page)).rfInstance.edges.length, before.rfInstance.edges.length);
  // and the link's flow went into Recent in its turn
  assert.equal((await recent(page))[0].nodes, JSON.parse(galleryFile("default.json")).rfInstance.nodes.length);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("New, an example and a file each keep the flow they replace; Recent keeps at least 20, newest first; restore(id) works", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  for (let i = 0; i < 24; i++) {
    const f = makeFlow(Array.from({ length: (i % 4) + 1 }, (_, k) => [`N${i}_${k}`, "CONSTANT", { constant: i }]));
    f.name = `flow ${i}`;
    await load(page, f);
  }
  await page.getByTestId("new").click();
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 0);
  let list;
  await recentUntil(page, (l) => l[0]?.name === "flow 23", "flow 23 first");
  list = await recent(page);
  assert.ok(list.length >= 20, `${list.length} entries`);
  for (let i = 1; i < list.length; i++) assert.ok(list[i - 1].savedAt >= list[i].savedAt, "newest first");
  assert.equal(list[0].nodes, (23 % 4) + 1);
  assert.equal(list[1].name, "flow 22");
  // an example replaces the empty flow (an empty flow is not kept)...
  await load(page, makeFlow([["X", "CONSTANT"]]));
  await page.getByTestId("examples").click();
  await page.getByTestId("example-noisy-sine").click();
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length > 1);
  await recentUntil(page, (l) => l[0]?.nodes === 1, "the one-node flow first");
  // ...a file replaces the example
  await page.getByTestId("open-file").setInputFiles({ name: "f.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(makeFlow([["Y", "CONSTANT"], ["Z", "CONSTANT"]]))) });
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 2);
  await recentUntil(page, (l) => l[0]?.nodes > 1, "the example first");
  const example = (await recent(page))[0];
  const id = (await recent(page)).find((r) => r.name === "flow 10").id;
  assert.equal(await page.evaluate((id) => window.flojoy.restore(id), id), true);
  assert.equal((await flow(page)).name, "flow 10");
  assert.equal((await recent(page))[0].nodes, 2, "the file's flow was kept before restoring");
  assert.ok(example.nodes > 1);
  await assert.rejects(page.evaluate(() => window.flojoy.restore(987654321)), /no recent flow/);
  assert.equal((await flow(page)).name, "flow 10", "a bad id changes nothing");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a reload in the middle of a run comes back with the flow, and the next run works", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const f = makeFlow([["WAIT", "TIMER", { sleep_time: 5 }], ["AFTER", "CONSTANT", { constant: 3, dc_type: "Scalar" }]], [["WAIT", "AFTER"]]);
  f.name = "Slow";
  await load(page, f);
  await page.evaluate(() => window.flojoy.saved());
  await page.getByTestId("run-button").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="node-WAIT"]')?.dataset.status === "running");
  await page.reload();
  await page.waitForFunction(() => window.flojoy && window.flojoy.flow().name === "Slow");
  assert.equal(await page.evaluate(() => window.flojoy.output("AFTER")), null, "nothing half-done is shown as a result");
  await load(page, makeFlow([["WAIT", "TIMER", { sleep_time: 0.1 }], ["AFTER", "CONSTANT", { constant: 3, dc_type: "Scalar" }]], [["WAIT", "AFTER"]]));
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok");
  assert.equal((await page.evaluate(() => window.flojoy.output("AFTER"))).c, 3);
  assert.deepEqual(errors, []);
  await ctx.close();
});
