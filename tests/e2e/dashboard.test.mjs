// Story: the dashboard. Build one for the noisy-sine flow (a slider on SINE's frequency, a
// mirror of the SCATTER plot), move the slider in live mode: the plot changes in place; the
// layout (moved, resized, snapped) survives save/open and a reload; a Flojoy 2024 file with
// control nodes opens with its widgets.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { serve } from "../support/server.mjs";
import { DIST, launch } from "../support/browser.mjs";
import { flow, galleryFile, load, openEditor } from "../support/editor.mjs";

let server, browser;
before(async () => {
  server = await serve(DIST);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const keyOfFunc = (f, func) => f.rfInstance.nodes.find((n) => n.data.func === func).id;

async function add(page, which, nodeKey, target, kind) {
  await page.getByTestId(which === "control" ? "add-control" : "add-output").click();
  await page.getByTestId("add-dialog").waitFor();
  await page.getByTestId("add-node").selectOption(nodeKey);
  await page.getByTestId("add-target").selectOption(target);
  await page.getByTestId("add-kind").selectOption(kind);
  await page.getByTestId("add-confirm").click();
  await page.getByTestId("add-dialog").waitFor({ state: "detached" });
}

/** Sets a range input the way a user's drag does: input events, then change. */
async function slide(page, locator, value) {
  await locator.evaluate((el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, value);
}

test("slider and mirror on the noisy sine: the plot changes live, in place", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  await load(page, galleryFile("default.json"));
  const f = await flow(page);
  const sine = keyOfFunc(f, "SINE");
  const scatter = keyOfFunc(f, "SCATTER");
  await page.getByTestId("tab-dashboard").click();
  await add(page, "control", sine, "frequency", "slider");
  await add(page, "output", scatter, "default", "mirror");
  await page.getByTestId("live-toggle").check();
  const slider = page.locator(".w-slider input[type=range]");
  await slide(page, slider, 2);
  const plot = page.locator(".panel-plot .plot");
  await page.locator(".panel-plot .main-svg").first().waitFor();
  const ys = () => plot.evaluate((el) => Array.from(el.data[0].y.slice(0, 5)));
  const before = await ys();
  // mark the plot element: if it were re-created, the mark would be gone
  await plot.evaluate((el) => (el.__mark = 1));
  const navs = [];
  page.on("framenavigated", () => navs.push(1));
  await slide(page, slider, 7);
  await page.waitForFunction((b) => {
    const el = document.querySelector(".panel-plot .plot");
    return el.data && JSON.stringify(Array.from(el.data[0].y.slice(0, 5))) !== JSON.stringify(b);
  }, before);
  assert.equal(await plot.evaluate((el) => el.__mark), 1, "updated in place, not re-created");
  assert.deepEqual(navs, [], "no page reload");
  // the parameter really changed (the same edit the side panel makes), one undo step
  assert.equal((await flow(page)).rfInstance.nodes.find((n) => n.id === sine).data.ctrls.frequency.value, 7);
  // the noise did not change: only what depends on the slider re-ran (cached RAND)
  const r = await page.evaluate(() => window.flojoy.flow());
  assert.ok(r);
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the layout survives save/open and a reload; moves and resizes snap to the grid", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await load(page, galleryFile("default.json"));
  const f = await flow(page);
  await page.getByTestId("tab-dashboard").click();
  await add(page, "control", keyOfFunc(f, "SINE"), "waveform", "radio group");
  await add(page, "output", keyOfFunc(f, "ADD"), "default", "table");
  await page.getByTestId("add-text").click();
  await page.getByTestId("edit-layout").check();
  const card = page.locator(".dash-card").first();
  const h = await card.locator(".dash-grip").boundingBox();
  await page.mouse.move(h.x + 4, h.y + 6);
  await page.mouse.down();
  await page.mouse.move(h.x + 4 + 137, h.y + 6 + 64, { steps: 5 });
  await page.mouse.up();
  const r = await card.getByTestId("dash-resize").boundingBox();
  await page.mouse.move(r.x + 8, r.y + 8);
  await page.mouse.down();
  await page.mouse.move(r.x + 8 + 53, r.y + 8 + 41, { steps: 5 });
  await page.mouse.up();
  const saved = (await flow(page)).controlNodes[0];
  assert.deepEqual([saved.position.x % 10, saved.position.y % 10, saved.width % 10, saved.height % 10], [0, 0, 0, 0], "snapped");
  assert.equal(saved.position.x, 20 + 140);
  assert.equal(saved.type, "radio group");
  assert.equal(saved.data.blockParameter, "waveform");
  // reload: the autosaved flow brings the dashboard back
  await page.reload();
  await page.waitForFunction(() => window.flojoy && window.flojoy.flow().controlNodes.length === 1);
  const again = await flow(page);
  assert.deepEqual(again.controlNodes[0].position, saved.position);
  assert.equal(again.controlVisualizationNodes.length, 1);
  assert.equal(again.controlTextNodes.length, 1);
  // save and open the file: the same dashboard
  await page.getByTestId("tab-dashboard").click();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("save").click()]);
  const text = readFileSync(await download.path(), "utf8");
  await page.getByTestId("new").click();
  await page.getByTestId("open-file").setInputFiles({ name: "dash.json", mimeType: "application/json", buffer: Buffer.from(text) });
  await page.waitForFunction(() => document.querySelectorAll(".dash-card").length === 3);
  assert.equal(await page.locator(".w-radio input").count(), 4, "the radio group shows the waveform options");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a Flojoy 2024 file with control nodes opens with its widgets", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const f = JSON.parse(galleryFile("default.json"));
  const sine = keyOfFunc(f, "SINE");
  const scatter = keyOfFunc(f, "SCATTER");
  f.controlNodes = [{ id: "ctrl-9", type: "knob", position: { x: 10, y: 10 },
    data: { blockId: sine, blockParameter: "amplitude", label: "Amplitude", config: { type: "knob", min: 0, max: 5, step: 0.5, floating: true } } }];
  f.controlVisualizationNodes = [{ id: "viz-9", type: "mirror", position: { x: 300, y: 10 }, data: { blockId: scatter, blockOutput: "default", visualizationType: "mirror" } }];
  f.controlTextNodes = [{ id: "text-9", type: "TextNode", position: { x: 10, y: 260 }, data: { text: "# Hello dashboard" } }];
  await load(page, f);
  await page.getByTestId("tab-dashboard").click();
  await page.locator(".w-knob").waitFor();
  assert.match(await page.locator(".dash-card").first().textContent(), /Amplitude/);
  assert.equal(await page.locator(".dash-markdown h1").textContent(), "Hello dashboard");
  // the knob turns the amplitude (drag up), within its range and step
  const k = await page.locator(".w-knob svg").boundingBox();
  await page.mouse.move(k.x + 50, k.y + 50);
  await page.mouse.down();
  await page.mouse.move(k.x + 50, k.y - 30, { steps: 6 });
  await page.mouse.up();
  const amp = (await flow(page)).rfInstance.nodes.find((n) => n.id === sine).data.ctrls.amplitude.value;
  assert.ok(amp > 1 && amp <= 5 && (amp * 2) % 1 === 0, `amplitude ${amp}`);
  // run: the mirror shows the scatter
  await page.evaluate(() => window.flojoy.run());
  await page.locator(".panel-plot .main-svg").first().waitFor();
  assert.deepEqual(errors, []);
  await ctx.close();
});
