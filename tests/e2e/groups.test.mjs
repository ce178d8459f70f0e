// Story: a lab engineer tidies a flow. They select two nodes and group them (Ctrl+G): a
// titled, coloured frame. Dragging its title bar moves both nodes; the title is edited in
// place; collapsing hides the nodes and the wire leaving the group ends on its bar; "run this
// group" runs the group and what feeds it, not what comes after; every step undoes and redoes;
// the group survives saving and loading (under `flojoyWeb`, where Flojoy does not look).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { OUT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { flow, load, nodeByLabel, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const FLOW = makeFlow(
  [
    ["WAVE", "LINSPACE", { start: 0, end: 1, step: 5 }],
    ["SHAPE", "SINE"],
    ["AFTER", "ABS"],
  ],
  [
    ["WAVE", "SHAPE"],
    ["SHAPE", "AFTER"],
  ],
);

const groups = async (page) => (await flow(page)).flojoyWeb?.groups ?? [];
const positions = async (page) =>
  Object.fromEntries((await flow(page)).rfInstance.nodes.map((n) => [n.data.label, [n.position.x, n.position.y]]));
const box = (loc) => loc.boundingBox();
const inside = (inner, outer) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

test("group two nodes: frame, move, rename, collapse, run the group alone, undo, save and load", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url);
  assert.deepEqual(await load(page, FLOW), []);
  // nothing selected: Ctrl+G says what to do
  await page.locator(".canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+g");
  await page.locator(".toast", { hasText: "select the nodes to group first" }).waitFor();

  await nodeByLabel(page, "WAVE").click();
  await nodeByLabel(page, "SHAPE").click({ modifiers: ["Shift"] });
  await page.keyboard.press("Control+g");
  await page.locator(".toast", { hasText: "grouped 2 nodes as 'Group 1'" }).waitFor();
  const frame = page.getByTestId("group");
  assert.equal(await frame.count(), 1);
  const [f0, wave0, shape0, after0] = await Promise.all([frame, nodeByLabel(page, "WAVE"), nodeByLabel(page, "SHAPE"), nodeByLabel(page, "AFTER")].map(box));
  assert.ok(inside(wave0, f0) && inside(shape0, f0), "the frame holds its nodes");
  assert.ok(!inside(after0, f0), "and not the others");
  const saved = await groups(page);
  assert.equal(saved.length, 1);
  assert.deepEqual(saved[0].nodes, ["WAVE", "SHAPE"]);

  // dragging the title bar moves both nodes, and only them
  const before = await positions(page);
  // (the bar between the title and the buttons)
  const name = await box(page.getByTestId("group-name"));
  const zoom = await page.evaluate(() => new DOMMatrix(getComputedStyle(document.querySelector(".world")).transform).a);
  const grip = { x: name.x + name.width + 12, y: name.y + name.height / 2 };
  assert.equal(await page.evaluate(({ x, y }) => document.elementFromPoint(x, y).className, grip), "group-title");
  await page.mouse.move(grip.x, grip.y);
  await page.mouse.down();
  await page.mouse.move(grip.x + 100 * zoom, grip.y + 50 * zoom, { steps: 6 });
  await page.mouse.up();
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.find((n) => n.data.label === "WAVE").position.y !== 0);
  const moved = await positions(page);
  for (const label of ["WAVE", "SHAPE"]) {
    assert.ok(Math.abs(moved[label][0] - before[label][0] - 100) < 1 && Math.abs(moved[label][1] - before[label][1] - 50) < 1, `${label} moved with its group: ${before[label]} → ${moved[label]}`);
  }
  assert.deepEqual(moved.AFTER, before.AFTER, "a node outside the group stays");

  // the title is edited in place
  await page.getByTestId("group-name").fill("Signal");
  await page.getByTestId("group-name").press("Enter");
  await page.waitForFunction(() => window.flojoy.flow().flojoyWeb?.groups?.[0]?.title === "Signal");

  // collapsed: its nodes are hidden, the wire between them too; the wire leaving it starts on its bar
  await page.getByTestId("group-toggle").click();
  await nodeByLabel(page, "SHAPE").waitFor({ state: "detached" });
  assert.equal(await nodeByLabel(page, "WAVE").count(), 0);
  assert.equal(await page.getByTestId("wire").count(), 1, "only SHAPE → AFTER is drawn");
  assert.match(await frame.textContent(), /2 nodes/);
  const fc = await box(frame);
  const start = await page.getByTestId("wire").locator("path.wire").evaluate((p) => {
    const pt = p.getPointAtLength(0);
    const m = p.getScreenCTM();
    return { x: pt.x * m.a + m.e, y: pt.y * m.d + m.f };
  });
  assert.ok(Math.abs(start.x - (fc.x + fc.width)) < 3 && start.y > fc.y && start.y < fc.y + fc.height, `the wire starts on the bar's right side: ${JSON.stringify(start)} vs ${JSON.stringify(fc)}`);
  await page.screenshot({ path: join(OUT, "group-collapsed.png") });
  // what is hidden is not selected: Select all + Delete removes only what can be seen
  await page.locator(".canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await nodeByLabel(page, "AFTER").waitFor({ state: "detached" });
  assert.deepEqual(Object.keys(await positions(page)).sort(), ["SHAPE", "WAVE"]);
  await page.keyboard.press("Control+z");
  await nodeByLabel(page, "AFTER").waitFor();
  await page.getByTestId("group-toggle").click();
  await nodeByLabel(page, "SHAPE").waitFor();

  // run this group: it and what feeds it run; what comes after does not
  await page.getByTestId("group-run").click();
  await page.locator('[data-testid="node-SHAPE"][data-status="done"]').waitFor();
  await page.getByTestId("run-button").filter({ hasText: "▶ Run" }).waitFor();
  assert.equal(await nodeByLabel(page, "WAVE").getAttribute("data-status"), "done");
  assert.equal(await nodeByLabel(page, "AFTER").getAttribute("data-status"), "idle", "AFTER is not in the group and does not feed it");
  const sine = await page.evaluate(() => window.flojoy.output("SHAPE"));
  // sin(2π·x) at x = 0, 0.25, 0.5, 0.75, 1 (SINE's defaults: amplitude 1, frequency 1)
  const expected = [0, 1, 0, -1, 0];
  assert.equal(sine.y.length, 5);
  sine.y.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-12, `y[${i}] = ${v}`));
  await page.screenshot({ path: join(OUT, "group.png") });

  // every step undoes and redoes: title, move, the group itself
  await page.locator(".canvas").click({ position: { x: 5, y: 5 } });
  for (let i = 0; i < 4; i++) await page.keyboard.press("Control+z"); // expand, collapse, rename, move
  await page.waitForFunction(() => window.flojoy.flow().flojoyWeb?.groups?.[0]?.title === "Group 1");
  assert.deepEqual((await positions(page)).WAVE, before.WAVE);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => !window.flojoy.flow().flojoyWeb?.groups?.length);
  assert.equal(await frame.count(), 0);
  for (let i = 0; i < 3; i++) await page.keyboard.press("Control+y"); // group, move, rename
  await page.waitForFunction(() => window.flojoy.flow().flojoyWeb?.groups?.[0]?.title === "Signal");
  assert.deepEqual((await positions(page)).WAVE, moved.WAVE);

  // saved and loaded again: the same group around the same nodes
  const file = await flow(page);
  assert.deepEqual(await load(page, makeFlow([["OTHER", "CONSTANT"]])), []);
  assert.equal(await frame.count(), 0);
  assert.deepEqual(await load(page, file), []);
  assert.equal(await frame.count(), 1);
  assert.equal(await page.getByTestId("group-name").inputValue(), "Signal");
  assert.deepEqual((await groups(page))[0].nodes, ["WAVE", "SHAPE"]);

  // Duplicate copies the group with its nodes (one undo step takes both away)
  await nodeByLabel(page, "WAVE").click();
  await nodeByLabel(page, "SHAPE").click({ modifiers: ["Shift"] });
  await page.keyboard.press("Control+d");
  await page.waitForFunction(() => window.flojoy.flow().flojoyWeb?.groups?.length === 2);
  const copy = (await groups(page))[1];
  assert.equal(copy.title, "Signal");
  assert.equal(copy.nodes.length, 2);
  assert.ok(copy.nodes.every((k) => !["WAVE", "SHAPE"].includes(k)), "around the copies, not the originals");
  assert.equal(await frame.count(), 2);
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => window.flojoy.flow().flojoyWeb?.groups?.length === 1);
  assert.equal(await page.locator(".node").count(), 3);

  // ungroup: the frame goes, the nodes stay
  await page.getByTestId("group-ungroup").click();
  await frame.waitFor({ state: "detached" });
  assert.equal(await page.locator(".node").count(), 3);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a collapsed group says on its bar when one of its hidden nodes failed, and which", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url);
  const broken = makeFlow(
    [
      ["WAVE", "LINSPACE", { start: 0, end: 1, step: 5 }],
      ["PICK", "VECTOR_INDEXING", { index: 99 }],
    ],
    [["WAVE", "PICK"]],
  );
  broken.flojoyWeb = { groups: [{ id: "g", title: "Picker", color: "#e05a5a", nodes: ["WAVE", "PICK"], collapsed: true }] };
  assert.deepEqual(await load(page, broken), []);
  assert.equal(await nodeByLabel(page, "PICK").count(), 0, "hidden");
  const frame = page.getByTestId("group");
  assert.equal(await frame.getAttribute("data-status"), "idle");
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "failed");
  await page.locator('[data-testid="group"][data-status="failed"]').waitFor();
  assert.match(await page.getByTestId("group-error").textContent(), /^PICK failed: The index parameter must be less than the length of the Vector/);
  // fixed, the bar says it all ran
  await page.evaluate((f) => {
    f.rfInstance.nodes[1].data.ctrls.index.value = 2;
    return window.flojoy.load(f);
  }, broken);
  assert.equal((await page.evaluate(() => window.flojoy.run())).status, "ok");
  await page.locator('[data-testid="group"][data-status="done"]').waitFor();
  assert.equal(await page.getByTestId("group-error").textContent(), "");
  assert.deepEqual(errors, []);
  await ctx.close();
});
