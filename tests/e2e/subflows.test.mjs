// Story: a lab engineer folds a piece of flow into one node. They select SHAPE and SCALE and
// choose "Make subflow": the two become one node whose ports are their open ports (SHAPE's
// input, fed by WAVE; SCALE's second input, fed by nothing yet; SCALE's output). They wire a
// gain into the subflow's free input, run the flow (the subflow runs as its nodes), open the
// subflow (double-click), add a node inside, leave by the breadcrumb, keep the subflow under
// "My subflows" and insert a copy from the palette, save and load, dissolve it; every step
// undoes. The file keeps every node as a plain Flojoy node (Flojoy Studio opens it flat).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";

import { OUT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { drag, flow, load, nodeByLabel, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const FLOW = makeFlow(
  [
    ["WAVE", "LINSPACE", { start: 0, end: 1, step: 5 }],
    ["SHAPE", "SINE"],
    ["SCALE", "MULTIPLY"],
    ["GAIN", "CONSTANT", { constant: 3, dc_type: "Scalar" }],
  ],
  [
    ["WAVE", "SHAPE"],
    ["SHAPE", "SCALE:a"],
  ],
);
// GAIN sits below the others
FLOW.rfInstance.nodes[3].position = { x: 0, y: 300 };

const groups = async (page) => (await flow(page)).flojoyWeb?.groups ?? [];
const labels = async (page) => (await flow(page)).rfInstance.nodes.map((n) => n.data.label).sort();
const center = async (loc) => {
  const b = await loc.boundingBox();
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
};
/** Where a wire's path starts and ends on screen. */
const ends = (wire) =>
  wire.locator("path.wire").evaluate((p) => {
    const m = p.getScreenCTM();
    const at = (l) => {
      const pt = p.getPointAtLength(l);
      return { x: pt.x * m.a + m.e, y: pt.y * m.d + m.f };
    };
    return [at(0), at(p.getTotalLength())];
  });
const near = (a, b) => Math.abs(a.x - b.x) < 3 && Math.abs(a.y - b.y) < 3;

test("make a subflow, wire and run it, open it, edit inside, keep it, save and load, undo", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url);
  assert.deepEqual(await load(page, FLOW), []);
  const plain = (await flow(page)).rfInstance;

  // select SHAPE and SCALE; the context menu makes the subflow
  // (by their headers: the middle of MULTIPLY is its output port)
  await nodeByLabel(page, "SHAPE").locator(".node-header").click();
  await nodeByLabel(page, "SCALE").locator(".node-header").click({ modifiers: ["Shift"] });
  await nodeByLabel(page, "SCALE").locator(".node-header").click({ button: "right" });
  await page.getByTestId("context-menu").getByText("Make subflow").click();
  await page.locator(".toast", { hasText: "made 'Subflow 1' of 2 nodes" }).waitFor();
  const sub = page.getByTestId("subflow");
  assert.equal(await sub.count(), 1);
  await nodeByLabel(page, "SHAPE").waitFor({ state: "detached" });
  assert.equal(await nodeByLabel(page, "SCALE").count(), 0);
  // its ports: SHAPE's input and SCALE's free b in, SCALE's output out (SHAPE's output only feeds SCALE)
  const ins = await sub.locator("[data-in-port]").evaluateAll((els) => els.map((e) => e.textContent));
  const outs = await sub.locator("[data-out-port]").count();
  assert.equal(ins.length, 2, `inputs: ${ins}`);
  assert.equal(outs, 1);
  assert.match(ins[1], /^b/);
  // the wire from WAVE ends on the subflow's first input
  assert.equal(await page.getByTestId("wire").count(), 1);
  const [, end] = await ends(page.getByTestId("wire"));
  assert.ok(near(end, await center(sub.locator("[data-in-port] .dot").first())), `the wire ends on the port: ${JSON.stringify(end)}`);
  // the file: the same Flojoy flow, plus the subflow where Flojoy does not look
  const saved = await flow(page);
  assert.deepEqual(saved.rfInstance, plain, "Flojoy reads the same nodes and wires");
  assert.deepEqual((await groups(page)).map((g) => [g.nodes, g.subflow]), [[["SHAPE", "SCALE"], { parent: null }]]);
  // one undo step takes the subflow away, redo brings it back
  await page.locator(".canvas").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await nodeByLabel(page, "SHAPE").waitFor();
  assert.equal(await sub.count(), 0);
  assert.deepEqual(await groups(page), []);
  await page.keyboard.press("Control+y");
  await nodeByLabel(page, "SHAPE").waitFor({ state: "detached" });
  assert.equal(await sub.count(), 1);

  // wire GAIN into the subflow's free input: a wire to SCALE's b
  await drag(page, nodeByLabel(page, "GAIN").locator("[data-out-port] .dot"), sub.locator("[data-in-port] .dot").nth(1));
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.edges.some((e) => e.source === "GAIN" && e.target === "SCALE" && e.targetHandle === "b"));
  assert.equal(await page.getByTestId("wire").count(), 2);

  // run: the subflow runs as its nodes; SCALE = 3·sin(2πx) at x = 0, ¼, ½, ¾, 1
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok", JSON.stringify(Object.values(r.nodes).map((n) => n.error ?? n.status)));
  const scaled = await page.evaluate(() => window.flojoy.output("SCALE"));
  [0, 3, 0, -3, 0].forEach((v, i) => assert.ok(Math.abs(scaled.y[i] - v) < 1e-12, `y[${i}] = ${scaled.y[i]}`));
  await page.locator('[data-testid="subflow"][data-status="done"]').waitFor();
  await page.screenshot({ path: join(OUT, "subflow.png") });

  // double-click opens it: its nodes and the wire between them; the breadcrumb leads out
  await sub.locator("[data-testid=subflow-result]").dblclick();
  await nodeByLabel(page, "SHAPE").waitFor();
  assert.equal(await page.getByTestId("crumb-here").textContent(), "Subflow 1");
  assert.equal(await nodeByLabel(page, "WAVE").count(), 0, "the outside is not drawn");
  assert.equal(await nodeByLabel(page, "GAIN").count(), 0);
  assert.equal(await page.getByTestId("wire").count(), 1, "SHAPE → SCALE");
  // the wires from outside are stubs naming where they come from
  assert.deepEqual((await page.getByTestId("wire-stub").allTextContents()).sort(), ["from GAIN", "from WAVE"]);
  await page.screenshot({ path: join(OUT, "subflow-inside.png") });
  // a stub is a wire: click selects it, Delete removes the wire (one undo step)
  const fromGain = page.getByTestId("wire-stub").filter({ hasText: "from GAIN" });
  // (a straight stub's box is 0 px tall, which Playwright calls invisible: press on its line)
  const line = await fromGain.locator(".wire-hit").evaluate((p) => {
    const b = p.getBoundingClientRect();
    return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
  });
  await page.mouse.click(line.x, line.y);
  await page.waitForFunction(() => document.querySelector("[data-testid=wire-stub].selected")?.textContent === "from GAIN");
  await page.keyboard.press("Delete");
  await fromGain.waitFor({ state: "detached" });
  assert.ok(!(await flow(page)).rfInstance.edges.some((e) => e.source === "GAIN"), "GAIN's wire is gone");
  assert.deepEqual(await page.getByTestId("wire-stub").allTextContents(), ["from WAVE"]);
  await page.keyboard.press("Control+z");
  await fromGain.waitFor();
  assert.ok((await flow(page)).rfInstance.edges.some((e) => e.source === "GAIN" && e.target === "SCALE"));
  // a double-click on a stub adds no reroute point (its path is drawn at the other level)
  await page.mouse.dblclick(line.x, line.y);
  await page.waitForFunction(() => document.querySelector("[data-testid=wire-stub].selected")?.textContent === "from GAIN");
  assert.deepEqual((await flow(page)).flojoyWeb?.reroutes ?? [], [], "the double-click was on the stub, and added no point");
  // Select all + Delete inside removes only what is inside; the emptied subflow goes with
  // its nodes, so the canvas is back at the top; undo brings both back
  await page.locator(".canvas").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.getByTestId("breadcrumb").waitFor({ state: "detached" });
  assert.deepEqual(await labels(page), ["GAIN", "WAVE"]);
  assert.deepEqual(await groups(page), []);
  await nodeByLabel(page, "WAVE").waitFor();
  await page.keyboard.press("Control+z");
  await sub.waitFor();
  await sub.locator("[data-testid=subflow-result]").dblclick();
  await nodeByLabel(page, "SHAPE").waitFor();
  // a node added inside joins the subflow, in the same undo step
  await page.getByTestId("palette-search").fill("absolute");
  await page.getByTestId("palette-ABS").waitFor();
  await page.getByTestId("palette-search").press("Enter");
  await nodeByLabel(page, "ABS").waitFor();
  assert.deepEqual((await groups(page))[0].nodes, ["SHAPE", "SCALE", await page.evaluate(() => window.flojoy.flow().rfInstance.nodes.find((n) => n.data.label === "ABS").id)]);
  await page.locator(".canvas").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await nodeByLabel(page, "ABS").waitFor({ state: "detached" });
  assert.deepEqual((await groups(page))[0].nodes, ["SHAPE", "SCALE"]);
  // Escape with nothing selected goes up a level
  await page.keyboard.press("Escape");
  await page.getByTestId("breadcrumb").waitFor({ state: "detached" });
  await nodeByLabel(page, "WAVE").waitFor();
  assert.equal(await sub.count(), 1);
  // ↘ opens it too; the breadcrumb's first step leads back
  await sub.getByTestId("subflow-enter").click();
  await page.getByTestId("crumb-top").click();
  await page.getByTestId("breadcrumb").waitFor({ state: "detached" });

  // renamed in place, then saved and loaded again: the same subflow
  await sub.getByTestId("subflow-name").fill("Shaper");
  await sub.getByTestId("subflow-name").press("Enter");
  await page.waitForFunction(() => window.flojoy.flow().flojoyWeb?.groups?.[0]?.title === "Shaper");
  const file = await flow(page);
  assert.deepEqual(await load(page, makeFlow([["OTHER", "CONSTANT"]])), []);
  assert.equal(await sub.count(), 0);
  assert.deepEqual(await load(page, file), []);
  assert.equal(await sub.count(), 1);
  assert.equal(await sub.getByTestId("subflow-name").inputValue(), "Shaper");
  assert.deepEqual(await flow(page), file, "round trip");

  // kept under My subflows, inserted again from the palette: a copy with fresh nodes
  await sub.getByTestId("subflow-keep").click();
  await page.locator(".toast", { hasText: "kept 'Shaper'" }).waitFor();
  const item = page.getByTestId("my-subflows").getByTestId("subflow-item");
  await item.waitFor();
  assert.match(await item.textContent(), /Shaper/);
  await item.click();
  await page.waitForFunction(() => window.flojoy.flow().flojoyWeb?.groups?.length === 2);
  assert.equal(await sub.count(), 2);
  const copy = (await groups(page))[1];
  assert.equal(copy.title, "Shaper");
  assert.deepEqual(copy.subflow, { parent: null });
  assert.equal(copy.nodes.length, 2);
  assert.ok(copy.nodes.every((k) => !["SHAPE", "SCALE"].includes(k)), "around the copies");
  assert.equal((await flow(page)).rfInstance.nodes.length, 6);
  await page.locator(".canvas").click({ position: { x: 5, y: 300 } });
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => window.flojoy.flow().flojoyWeb?.groups?.length === 1);
  assert.equal((await flow(page)).rfInstance.nodes.length, 4, "one undo step takes the copy away");

  // dissolved: the nodes are back on the canvas; undo makes the subflow again
  await sub.getByTestId("subflow-dissolve").click();
  await nodeByLabel(page, "SHAPE").waitFor();
  assert.equal(await sub.count(), 0);
  assert.deepEqual(await groups(page), []);
  await page.keyboard.press("Control+z");
  await nodeByLabel(page, "SHAPE").waitFor({ state: "detached" });
  assert.equal(await sub.count(), 1);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("subflows nest: a subflow made inside another, the breadcrumb names both levels", async () => {
  const { page, ctx, errors } = await openEditor(browser, server.url);
  const nested = structuredClone(FLOW);
  nested.flojoyWeb = {
    groups: [
      { id: "outer", title: "Outer", color: "#4f7cff", nodes: ["SHAPE"], subflow: { parent: null } },
      { id: "inner", title: "Inner", color: "#4f7cff", nodes: ["SCALE"], subflow: { parent: "outer" } },
    ],
  };
  assert.deepEqual(await load(page, nested), []);
  const sub = page.getByTestId("subflow");
  assert.equal(await sub.count(), 1, "the top level shows the outer subflow only");
  assert.equal(await sub.getByTestId("subflow-name").inputValue(), "Outer");
  assert.match(await sub.getByTestId("subflow-result").textContent(), /2 nodes/);
  await sub.getByTestId("subflow-enter").click();
  await nodeByLabel(page, "SHAPE").waitFor();
  assert.equal(await sub.count(), 1);
  assert.equal(await sub.getByTestId("subflow-name").inputValue(), "Inner");
  // SHAPE → SCALE ends on the inner subflow's input
  assert.equal(await page.getByTestId("wire").count(), 1);
  await sub.getByTestId("subflow-enter").click();
  await nodeByLabel(page, "SCALE").waitFor();
  assert.deepEqual((await page.getByTestId("breadcrumb").locator(".crumb").allTextContents()).slice(1), ["Outer", "Inner"]);
  assert.equal(await page.getByTestId("crumb-here").textContent(), "Inner");
  assert.equal(await page.getByTestId("breadcrumb").getByTestId("crumb").textContent(), "Outer");
  await page.getByTestId("breadcrumb").getByTestId("crumb").click();
  await nodeByLabel(page, "SHAPE").waitFor();
  assert.equal(await page.getByTestId("crumb-here").textContent(), "Outer");
  // a subflow made here, entered, then undone: the canvas goes back to where it was made
  await nodeByLabel(page, "SHAPE").locator(".node-header").click({ button: "right" });
  await page.getByTestId("context-menu").getByText("Make subflow").click();
  await nodeByLabel(page, "SHAPE").waitFor({ state: "detached" });
  assert.equal(await sub.count(), 2, "Inner and the new one");
  const made = (await flow(page)).flojoyWeb.groups.find((g) => g.nodes.includes("SHAPE"));
  assert.deepEqual(made.subflow, { parent: "outer" });
  await page.locator(`[data-subflow="${made.id}"]`).getByTestId("subflow-enter").click();
  assert.deepEqual((await page.getByTestId("breadcrumb").locator(".crumb").allTextContents()).slice(1), ["Outer", made.title]);
  await nodeByLabel(page, "SHAPE").waitFor();
  await page.keyboard.press("Control+z");
  await page.waitForFunction(() => document.querySelector("[data-testid=crumb-here]")?.textContent === "Outer");
  await nodeByLabel(page, "SHAPE").waitFor();
  assert.equal(await sub.count(), 1);
  assert.deepEqual(errors, []);
  await ctx.close();
});
