// Story: the details of working on the canvas. Ports say their type; parameters show their
// values on the node and follow edits; shift-click adds to the selection and Ctrl+X cuts it
// to the clipboard (Ctrl+V brings it back with fresh ids); a run shows each node queued,
// running, then done with its duration; a Python node's view shows its source.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { counts, flow, load, nodeByLabel, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

test("ports are labelled with their type; parameters show their values on the node", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await load(page, makeFlow([["LINSPACE", "LINSPACE", { start: 0, end: 2, step: 200 }], ["SINE", "SINE"], ["LINE", "LINE"]], [["LINSPACE", "SINE"], ["SINE", "LINE"]]));
  const types = (label, dir) => nodeByLabel(page, label).locator(`.port.${dir} .ptype`).allInnerTexts();
  assert.deepEqual(await types("LINSPACE", "out"), ["Vector"]);
  // a union: its first type and how many more; the whole union in the tooltip
  assert.deepEqual(await types("SINE", "in"), ["OrderedPair+1"]);
  assert.match(await nodeByLabel(page, "SINE").locator(".port.in").first().getAttribute("title"), /OrderedPair\|Vector/);
  assert.ok(await nodeByLabel(page, "LINSPACE").locator(".port.out .ptype").isVisible());
  // the values set in the file, inline; an edit in the side panel shows up at once
  const params = () => nodeByLabel(page, "LINSPACE").locator(".param-line").allInnerTexts();
  assert.deepEqual((await params()).map((t) => t.replace(/\s+/g, " ")), ["start 0.0", "end 2.0", "step 200"]);
  await nodeByLabel(page, "LINSPACE").locator(".node-header").click();
  const end = page.getByTestId("param-end");
  await end.fill("5");
  await end.press("Enter");
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="node-LINSPACE"] .param-line')].some((l) => /end\s*5(\.0)?$/.test(l.textContent.trim())));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("shift-click adds to the selection; Ctrl+X cuts to the clipboard and Ctrl+V pastes back", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url, { permissions: ["clipboard-read", "clipboard-write"] });
  await load(page, makeFlow([["A", "CONSTANT"], ["B", "CONSTANT"], ["C", "CONSTANT"]]));
  await nodeByLabel(page, "A").locator(".node-header").click();
  await nodeByLabel(page, "B").locator(".node-header").click({ modifiers: ["Shift"] });
  assert.equal(await page.locator(".node.selected").count(), 2);
  // shift-click on a selected node takes it out again
  await nodeByLabel(page, "C").locator(".node-header").click({ modifiers: ["Shift"] });
  await nodeByLabel(page, "C").locator(".node-header").click({ modifiers: ["Shift"] });
  assert.deepEqual(await page.locator(".node.selected .node-header .label").allInnerTexts(), ["A", "B"]);
  await page.keyboard.press("Control+x");
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 1);
  assert.deepEqual((await flow(page)).rfInstance.nodes.map((n) => n.data.label), ["C"]);
  const cut = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assert.deepEqual(cut.rfInstance.nodes.map((n) => n.data.label).sort(), ["A", "B"]);
  await page.keyboard.press("Control+v");
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 3);
  const ids = (await flow(page)).rfInstance.nodes.map((n) => n.id);
  assert.ok(!ids.includes("A") && !ids.includes("B"), `fresh ids: ${ids}`);
  // a cut is one undo step
  await page.keyboard.press("Control+z");
  await page.keyboard.press("Control+z");
  assert.equal((await counts(page)).nodes, 3);
  assert.deepEqual((await flow(page)).rfInstance.nodes.map((n) => n.id).sort(), ["A", "B", "C"]);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a run shows each node queued, running, then done with its duration", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await load(page, makeFlow([["WAIT", "TIMER", { sleep_time: 0.6 }], ["AFTER", "CONSTANT"]], [["WAIT", "AFTER"]]));
  // watch the status attributes change in the page, so no state is missed between polls
  await page.evaluate(() => {
    window.__seen = { WAIT: [], AFTER: [] };
    new MutationObserver(() => {
      for (const l of ["WAIT", "AFTER"]) {
        const s = document.querySelector(`[data-testid="node-${l}"]`)?.dataset.status;
        const seen = window.__seen[l];
        if (s && seen[seen.length - 1] !== s) seen.push(s);
      }
    }).observe(document.querySelector(".world"), { attributes: true, subtree: true, attributeFilter: ["data-status"] });
  });
  await page.getByTestId("run-button").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="node-AFTER"]')?.dataset.status === "done");
  const seen = await page.evaluate(() => window.__seen);
  assert.ok(seen.WAIT.includes("running") && seen.WAIT.indexOf("running") < seen.WAIT.indexOf("done"), JSON.stringify(seen));
  assert.ok(seen.AFTER.includes("queued") && seen.AFTER.at(-1) === "done", JSON.stringify(seen));
  assert.ok(seen.AFTER.indexOf("queued") < seen.AFTER.indexOf("done"));
  // the footer gives the result and how long the node took: TIMER slept 0.6 s
  const footer = await page.getByTestId("result-WAIT").innerText();
  const ms = Number(footer.match(/([\d.]+) ms/)?.[1]);
  assert.ok(ms >= 590, footer);
  assert.match(await page.getByTestId("result-AFTER").innerText(), /OrderedPair, 1000 points · [\d.]+ ms/);
  assert.match(await page.getByTestId("log").textContent(), /run finished|✓/);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a Python node's view shows its source", async () => {
  // the default flow has a Python node (DOUBLE)
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const py = (await flow(page)).rfInstance.nodes.find((n) => n.data.code);
  assert.ok(py, "the default flow has a Python node");
  await nodeByLabel(page, py.data.label).locator(".node-header").dblclick();
  await page.getByTestId("node-view-code").waitFor();
  const shown = await page.getByTestId("node-view-code").innerText();
  assert.ok(shown.includes("@flojoy"), shown);
  assert.ok(shown.includes(py.data.code.split("\n").find((l) => l.startsWith("def "))), shown);
  assert.deepEqual(errors, []);
  await ctx.close();
});
