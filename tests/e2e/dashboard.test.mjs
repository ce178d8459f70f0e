// Story: the dashboard. Build one for the noisy-sine flow (a slider on SINE's frequency, a
// mirror of the SCATTER plot), move the slider in live mode: the plot changes in place; the
// layout (moved, resized, snapped) survives save/open and a reload; a Flojoy 2024 file with
// control nodes opens with its widgets. Then issue 7 item by item: the widget kinds each
// parameter type offers; every input widget kind changes its parameter, undoably; every output
// panel kind shows its node's result; live mode re-runs only what depends on a change, a newer
// change supersedes a run in progress (a Python node held at a gate makes "in progress" last
// as long as the test says), and with live mode off only the Run button runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateSync } from "node:zlib";

import { ROOT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { flow, galleryFile, load, openEditor, run } from "../support/editor.mjs";
import { gate, gateNodeCode } from "../support/gate.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

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
  await page.evaluate(() => window.flojoy.saved()); // the autosave (IndexedDB) has written
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

// ---------------------------------------------------------------------------------------------
// Issue 7, item by item: every input widget kind, every output panel kind, live mode.


/** A built-in node with explicit parameter values (so every value we check is known). */
function node(id, func, params = {}, x = 0, y = 0, label = func) {
  const ctrls = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { param: k, value: v }]));
  return { id, data: { func, label, ctrls }, position: { x, y } };
}
const edge = (source, target, targetHandle = "default") => ({ source, sourceHandle: "default", target, targetHandle });
const paramOf = (f, key, name) => f.rfInstance.nodes.find((n) => n.id === key).data.ctrls[name].value;
const param = async (page, key, name) => paramOf(await flow(page), key, name);
/** Options of a select in the add dialog. */
const options = (page, testid) => page.getByTestId(testid).evaluate((el) => Array.from(el.options).map((o) => o.value));
/** A click on an empty spot of the dashboard: the focus leaves the widget (Ctrl+Z is the app's). */
const blur = (page) => page.getByTestId("dash-area").click({ position: { x: 1100, y: 12 } });
const logText = (page) => page.getByTestId("log").textContent();

/** Adds an item through the dialog and returns its card (found by the id the flow file gives it). */
async function addCard(page, which, nodeKey, target, kind) {
  const list = which === "control" ? "controlNodes" : "controlVisualizationNodes";
  const before = (await flow(page))[list].map((c) => c.id);
  await add(page, which, nodeKey, target, kind);
  const item = (await flow(page))[list].find((c) => !before.includes(c.id));
  assert.ok(item, `a new ${which} was saved in ${list}`);
  assert.equal(item.type, kind);
  return page.getByTestId(`dash-${item.id}`);
}

// a PNG written here (not by the app): 2×2 RGBA pixels, for the image panel
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function png(w, h, rgba) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(h * (1 + 4 * w));
  for (let y = 0; y < h; y++) Buffer.from(rgba.slice(y * 4 * w, (y + 1) * 4 * w)).copy(raw, y * (1 + 4 * w) + 1);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

const widgetFlow = () => ({
  rfInstance: {
    nodes: [
      node("LINSPACE-1", "LINSPACE", { start: 0, end: 4, step: 5 }, 0, 0),
      node("SINE-1", "SINE", { amplitude: 1, frequency: 1, offset: 0, phase: 0, waveform: "sine" }, 300, 0),
      node("SCALAR-1", "SCALAR", { value: 3 }, 0, 250),
      node("TEXT-1", "TEXT", { value: "Hello World!" }, 300, 250),
      node("BOOLEAN-1", "BOOLEAN", { status: true }, 0, 500),
      node("SORT_VECTOR-1", "SORT_VECTOR", { reverse: false }, 300, 500),
      node("READ_CSV-1", "READ_CSV", { file_path: "countries.csv" }, 0, 750),
      node("LOCAL_FILE-1", "LOCAL_FILE", { file_path: "", file_type: "Image" }, 300, 750),
    ],
    edges: [edge("LINSPACE-1", "SINE-1"), edge("LINSPACE-1", "SORT_VECTOR-1")],
  },
});

test("the add dialog offers the widget kinds the parameter's type allows", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await load(page, widgetFlow());
  await page.getByTestId("tab-dashboard").click();
  await page.getByTestId("add-control").click();
  await page.getByTestId("add-dialog").waitFor();
  // Flojoy's rule: numbers → slider/knob/number, Booleans → switch/checkbox, choices →
  // dropdown/radio, text → text, files → file upload (or a typed path)
  const offers = [
    ["SINE-1", "frequency", ["knob", "number input", "slider"]],
    ["SINE-1", "waveform", ["combobox", "radio group"]],
    ["SCALAR-1", "value", ["knob", "number input", "slider"]],
    ["TEXT-1", "value", ["text input"]],
    ["BOOLEAN-1", "status", ["checkbox", "switch"]],
    ["SORT_VECTOR-1", "reverse", ["checkbox", "switch"]],
    ["READ_CSV-1", "file_path", ["file upload", "text input"]],
    ["LOCAL_FILE-1", "file_type", ["combobox", "radio group"]],
  ];
  for (const [key, target, kinds] of offers) {
    await page.getByTestId("add-node").selectOption(key);
    await page.getByTestId("add-target").selectOption(target);
    assert.deepEqual((await options(page, "add-kind")).sort(), kinds, `${key} · ${target}`);
  }
  assert.deepEqual(await options(page, "add-target"), ["file_path", "file_type"], "LOCAL_FILE's parameters");
  await page.getByTestId("add-node").selectOption("TEXT-1");
  assert.ok(!(await options(page, "add-kind")).includes("slider"), "a text parameter offers no slider");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("every input widget kind changes its parameter, and Ctrl+Z restores it; min/max/step are configurable", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  await load(page, widgetFlow());
  await page.getByTestId("tab-dashboard").click();
  const number = await addCard(page, "control", "SCALAR-1", "value", "number input");
  const checkbox = await addCard(page, "control", "BOOLEAN-1", "status", "checkbox");
  const toggle = await addCard(page, "control", "SORT_VECTOR-1", "reverse", "switch");
  const dropdown = await addCard(page, "control", "SINE-1", "waveform", "combobox");
  const radio = await addCard(page, "control", "LOCAL_FILE-1", "file_type", "radio group");
  const text = await addCard(page, "control", "TEXT-1", "value", "text input");
  const file = await addCard(page, "control", "READ_CSV-1", "file_path", "file upload");
  const slider = await addCard(page, "control", "SINE-1", "frequency", "slider");
  const knob = await addCard(page, "control", "SINE-1", "amplitude", "knob");
  assert.equal((await flow(page)).controlNodes.length, 9);

  // number input: 3 → 4.25, undo → 3
  const num = number.locator("input[type=number]");
  await num.fill("4.25");
  await num.press("Enter");
  assert.equal(await param(page, "SCALAR-1", "value"), 4.25);
  await blur(page);
  await page.keyboard.press("Control+z");
  assert.equal(await param(page, "SCALAR-1", "value"), 3);
  assert.equal(await num.inputValue(), "3", "the widget shows the restored value");

  // checkbox: True → False, undo → True
  const box = checkbox.locator("input[type=checkbox]");
  assert.equal(await box.isChecked(), true);
  await checkbox.locator(".w-check").click();
  assert.equal(await param(page, "BOOLEAN-1", "status"), false);
  await blur(page);
  await page.keyboard.press("Control+z");
  assert.equal(await param(page, "BOOLEAN-1", "status"), true);
  assert.equal(await box.isChecked(), true);

  // switch: False → True, undo → False
  const sw = toggle.locator("input[type=checkbox]");
  assert.equal(await sw.isChecked(), false);
  await toggle.locator(".w-switch").click();
  assert.equal(await param(page, "SORT_VECTOR-1", "reverse"), true);
  await blur(page);
  await page.keyboard.press("Control+z");
  assert.equal(await param(page, "SORT_VECTOR-1", "reverse"), false);
  assert.equal(await sw.isChecked(), false);

  // dropdown: the parameter's four waveforms; sine → square, undo → sine
  const select = dropdown.locator("select");
  assert.deepEqual(await select.evaluate((el) => Array.from(el.options).map((o) => o.value)), ["sine", "square", "triangle", "sawtooth"]);
  await select.selectOption("square");
  assert.equal(await param(page, "SINE-1", "waveform"), "square");
  await blur(page);
  await page.keyboard.press("Control+z");
  assert.equal(await param(page, "SINE-1", "waveform"), "sine");
  assert.equal(await select.inputValue(), "sine");

  // radio group: LOCAL_FILE's four file types; Image → Grayscale, undo → Image
  assert.equal(await radio.locator("input[type=radio]").count(), 4);
  await radio.locator("label", { hasText: "Grayscale" }).click();
  assert.equal(await param(page, "LOCAL_FILE-1", "file_type"), "Grayscale");
  await blur(page);
  await page.keyboard.press("Control+z");
  assert.equal(await param(page, "LOCAL_FILE-1", "file_type"), "Image");
  assert.equal(await radio.locator("input[value=Image]").isChecked(), true);

  // text input: "Hello World!" → "Hi dashboard", undo → "Hello World!"
  const field = text.locator("input[type=text]");
  assert.equal(await field.inputValue(), "Hello World!");
  await field.fill("Hi dashboard");
  await field.press("Enter");
  assert.equal(await param(page, "TEXT-1", "value"), "Hi dashboard");
  await blur(page);
  await page.keyboard.press("Control+z");
  assert.equal(await param(page, "TEXT-1", "value"), "Hello World!");
  assert.equal(await field.inputValue(), "Hello World!");

  // file upload: filtered to the parameter's extensions; picking a file sets the path, undo restores it
  const picker = file.locator("input[type=file]");
  assert.equal(await picker.getAttribute("accept"), ".csv");
  assert.deepEqual((await flow(page)).controlNodes.find((c) => c.type === "file upload").data.config.allowedExtensions, [".csv"]);
  await picker.setInputFiles({ name: "mine.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\n1,2\n") });
  await page.waitForFunction((k) => window.flojoy.flow().rfInstance.nodes.find((n) => n.id === k).data.ctrls.file_path.value === "mine.csv", "READ_CSV-1");
  assert.match(await file.textContent(), /mine\.csv/);
  await blur(page);
  await page.keyboard.press("Control+z");
  assert.equal(await param(page, "READ_CSV-1", "file_path"), "countries.csv");

  // slider: min/max/step from the layout settings (saved as Flojoy's config), then a key step
  const range = slider.locator("input[type=range]");
  assert.deepEqual([await range.getAttribute("min"), await range.getAttribute("max"), await range.getAttribute("step")], ["0", "10", "0.1"]);
  await page.getByTestId("edit-layout").check();
  await slider.getByTestId("cfg-max").fill("20");
  await slider.getByTestId("cfg-max").press("Enter");
  await slider.getByTestId("cfg-step").fill("0.5");
  await slider.getByTestId("cfg-step").press("Enter");
  await page.getByTestId("edit-layout").uncheck();
  assert.deepEqual([await range.getAttribute("max"), await range.getAttribute("step")], ["20", "0.5"]);
  const cfg = (await flow(page)).controlNodes.find((c) => c.type === "slider").data.config;
  assert.deepEqual([cfg.min, cfg.max, cfg.step, cfg.floating], [0, 20, 0.5, true]);
  await range.focus();
  await page.keyboard.press("ArrowRight");
  assert.equal(await param(page, "SINE-1", "frequency"), 1.5, "one step of 0.5 up from 1");
  await page.keyboard.press("End");
  assert.equal(await param(page, "SINE-1", "frequency"), 20, "the configured max");

  // knob: dragging up turns the amplitude up, within its range (0–10) and on its step (0.1);
  // how far is checked by the test of the whole drag below
  await knob.scrollIntoViewIfNeeded();
  const k = await knob.locator("svg").boundingBox();
  await page.mouse.move(k.x + 50, k.y + 50);
  await page.mouse.down();
  await page.mouse.move(k.x + 50, k.y + 10, { steps: 4 });
  await page.mouse.up();
  const amp = await param(page, "SINE-1", "amplitude");
  assert.ok(amp > 1 && amp <= 10 && Math.abs(amp * 10 - Math.round(amp * 10)) < 1e-9, `amplitude ${amp}`);
  assert.equal(Number(await knob.locator("output").textContent()), amp, "the knob shows its value");
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** A flow whose dashboard has a slider (0–10, step 0.1) and a knob (0–10) on SCALAR-1's value. */
const oneStepFlow = () => ({
  rfInstance: { nodes: [node("SCALAR-1", "SCALAR", { value: 1 })], edges: [] },
  controlNodes: [
    { id: "ctrl-s", type: "slider", position: { x: 20, y: 20 }, width: 400, height: 90, data: { blockId: "SCALAR-1", blockParameter: "value", label: "slider", config: { type: "slider", min: 0, max: 10, step: 0.1, floating: true } } },
    { id: "ctrl-k", type: "knob", position: { x: 20, y: 140 }, width: 160, height: 170, data: { blockId: "SCALAR-1", blockParameter: "value", label: "knob", config: { type: "knob", min: 0, max: 10, step: 0.1, floating: true } } },
    { id: "ctrl-c", type: "checkbox", position: { x: 460, y: 20 }, data: { blockId: "BOOLEAN-1", blockParameter: "status", label: "check", config: { type: "checkbox" } } },
  ],
});

test("a slider move or a knob turn is one undo step: one Ctrl+Z restores the value", {}, async () => {
  const { page, ctx } = await openEditor(browser, server.url);
  await load(page, oneStepFlow());
  await page.getByTestId("tab-dashboard").click();
  const range = page.getByTestId("widget-ctrl-s");
  try {
    // a key step: 1 → 1.1, one Ctrl+Z → 1
    await range.focus();
    await page.keyboard.press("ArrowRight");
    assert.equal(await param(page, "SCALAR-1", "value"), 1.1);
    await blur(page);
    await page.keyboard.press("Control+z");
    assert.equal(await param(page, "SCALAR-1", "value"), 1, "one undo after a slider step");
    // a drag across the slider: one Ctrl+Z back to 1
    const b = await range.boundingBox();
    await page.mouse.move(b.x + b.width * 0.2, b.y + b.height / 2);
    await page.mouse.down();
    await page.mouse.move(b.x + b.width * 0.6, b.y + b.height / 2, { steps: 6 });
    await page.mouse.up();
    assert.notEqual(await param(page, "SCALAR-1", "value"), 1);
    await blur(page);
    await page.keyboard.press("Control+z");
    assert.equal(await param(page, "SCALAR-1", "value"), 1, "one undo after a slider drag");
    // a knob turn: one Ctrl+Z back to 1
    await page.locator(".w-knob").scrollIntoViewIfNeeded();
    const k = await page.locator(".w-knob svg").boundingBox();
    await page.mouse.move(k.x + 50, k.y + 50);
    await page.mouse.down();
    await page.mouse.move(k.x + 50, k.y + 10, { steps: 4 });
    await page.mouse.up();
    assert.notEqual(await param(page, "SCALAR-1", "value"), 1);
    await blur(page);
    await page.keyboard.press("Control+z");
    assert.equal(await param(page, "SCALAR-1", "value"), 1, "one undo after a knob turn");
  } finally {
    await ctx.close();
  }
});

test("a knob follows the whole drag: 200 px is its whole range", async () => {
  const { page, ctx } = await openEditor(browser, server.url);
  await load(page, oneStepFlow());
  await page.getByTestId("tab-dashboard").click();
  try {
    const k = await page.locator(".w-knob svg").boundingBox();
    await page.mouse.move(k.x + 50, k.y + 50);
    await page.mouse.down();
    await page.mouse.move(k.x + 50, k.y + 10, { steps: 4 });
    await page.mouse.up();
    // 40 px up on a 0–10 knob: +2, from 1 to 3
    const v = await param(page, "SCALAR-1", "value");
    assert.ok(Math.abs(v - 3) < 1e-9, `value ${v}, expected 3`);
  } finally {
    await ctx.close();
  }
});

test("Ctrl+Z right after clicking a checkbox widget (focus still on it) undoes the change", {}, async () => {
  const { page, ctx } = await openEditor(browser, server.url);
  const f = oneStepFlow();
  f.rfInstance.nodes.push(node("BOOLEAN-1", "BOOLEAN", { status: true }, 0, 300));
  await load(page, f);
  await page.getByTestId("tab-dashboard").click();
  try {
    await page.locator(".w-check").click();
    assert.equal(await param(page, "BOOLEAN-1", "status"), false);
    await page.keyboard.press("Control+z");
    assert.equal(await param(page, "BOOLEAN-1", "status"), true);
  } finally {
    await ctx.close();
  }
});

test("every output panel kind shows its node's result; markdown text panels render", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  const f = {
    rfInstance: {
      nodes: [
        node("SCALAR-1", "SCALAR", { value: 3.5 }, 0, 0),
        node("TEXT-1", "TEXT", { value: "Hello panels\nsecond line" }, 0, 200),
        node("LINSPACE-1", "LINSPACE", { start: 0, end: 4, step: 5 }, 0, 400),
        node("SINE-1", "SINE", { amplitude: 1, frequency: 0, offset: 2, phase: 0, waveform: "sine" }, 300, 400),
        node("LINE-1", "LINE", {}, 600, 400),
        node("READ_CSV-1", "READ_CSV", { file_path: "" }, 0, 600),
        node("LOCAL_FILE-1", "LOCAL_FILE", { file_path: "", file_type: "Image" }, 300, 600),
      ],
      edges: [edge("LINSPACE-1", "SINE-1"), edge("SINE-1", "LINE-1")],
    },
    controlTextNodes: [{ id: "text-1", type: "TextNode", position: { x: 900, y: 560 }, data: { text: "## Readme\n\nSome **bold** words.\n\n- one\n- two" } }],
  };
  await load(page, f);
  await page.getByTestId("tab-dashboard").click();
  await page.getByTestId("edit-layout").check();
  // the file widgets that feed the table and the image
  await addCard(page, "control", "READ_CSV-1", "file_path", "file upload");
  await addCard(page, "control", "LOCAL_FILE-1", "file_path", "file upload");
  const big = await addCard(page, "output", "SCALAR-1", "default", "big number");
  const seven = await addCard(page, "output", "SCALAR-1", "default", "seven segment display");
  const textPanel = await addCard(page, "output", "TEXT-1", "default", "text");
  const mirror = await addCard(page, "output", "LINE-1", "default", "mirror");
  const table = await addCard(page, "output", "READ_CSV-1", "default", "table");
  const image = await addCard(page, "output", "LOCAL_FILE-1", "default", "image");
  await page.getByTestId("edit-layout").uncheck();
  // before a run: nothing to show, and the panels say so
  assert.equal((await big.locator(".big-number").textContent()).trim(), "----");
  assert.match(await table.textContent(), /No result yet/);
  // pick the files (written here), then Run
  const pixels = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 10, 20, 30, 255];
  await page.locator(".w-file input[type=file]").nth(0).setInputFiles({ name: "t.csv", mimeType: "text/csv", buffer: Buffer.from("a,b\n1,2\n3,4\n") });
  await page.locator(".w-file input[type=file]").nth(1).setInputFiles({ name: "px.png", mimeType: "image/png", buffer: png(2, 2, pixels) });
  await page.waitForFunction(() => {
    const n = window.flojoy.flow().rfInstance.nodes;
    return n.find((x) => x.id === "READ_CSV-1").data.ctrls.file_path.value === "t.csv" && n.find((x) => x.id === "LOCAL_FILE-1").data.ctrls.file_path.value === "px.png";
  });
  await page.getByTestId("run-button").click();
  await page.waitForFunction(() => /run finished/.test(document.querySelector("[data-testid=log]").textContent));
  // big number and seven-segment: the Scalar 3.5
  await big.locator(".big-number", { hasText: "3.5" }).waitFor();
  assert.equal((await big.locator(".big-number").textContent()).trim(), "3.5");
  assert.equal((await seven.locator(".seven-segment").textContent()).trim(), "3.5");
  // text: the String, every line
  assert.equal(await textPanel.locator("pre").textContent(), "Hello panels\nsecond line");
  // table: the CSV's columns and rows
  const cells = await table.locator("table").evaluate((t) => Array.from(t.rows).map((r) => Array.from(r.cells).map((c) => c.textContent)));
  assert.deepEqual(cells, [["", "a", "b"], ["0", "1", "2"], ["1", "3", "4"]]);
  // image: the PNG's pixels, exactly
  const canvas = image.locator("canvas");
  await canvas.waitFor();
  const img = await canvas.evaluate((c) => ({ w: c.width, h: c.height, px: Array.from(c.getContext("2d").getImageData(0, 0, c.width, c.height).data) }));
  assert.deepEqual(img, { w: 2, h: 2, px: pixels });
  // mirror: LINE's figure, SINE of frequency 0 and offset 2 over 0..4
  await mirror.locator(".main-svg").first().waitFor();
  const trace = await mirror.locator(".plot").evaluate((el) => ({ x: Array.from(el.data[0].x), y: Array.from(el.data[0].y) }));
  assert.deepEqual(trace, { x: [0, 1, 2, 3, 4], y: [2, 2, 2, 2, 2] });
  // markdown: from the file, and a new one from "+ Text"
  const md = page.getByTestId("dash-text-1");
  assert.equal(await md.locator("h2").textContent(), "Readme");
  assert.equal(await md.locator("strong").textContent(), "bold");
  assert.deepEqual(await md.locator("li").allTextContents(), ["one", "two"]);
  await page.getByTestId("add-text").click();
  await page.locator(".dash-markdown h3", { hasText: "Notes" }).waitFor();
  assert.equal((await flow(page)).controlTextNodes.length, 2);
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** One key step of the dashboard's slider in live mode; resolves when the live run that shows
 * SINE at frequency `f` over `x` (Flojoy's formula, computed here) has finished. */
async function liveStep(page, range, f, x) {
  await range.focus();
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(([f, x]) => {
    const s = window.flojoy.output("SINE");
    return s && s.y.length === x.length && s.y.every((y, i) => Math.abs(y - Math.sin(2 * Math.PI * f * x[i])) < 1e-9);
  }, [f, x]);
  // the log restarts with each run, so this is the run that computed SINE at f
  await page.waitForFunction(() => /run finished/.test(document.querySelector("[data-testid=log]").textContent));
}

/** In the page: the mirror's plot shows SCATTER's current figure (its first trace's y). */
const mirrorShowsScatter = () => {
  const y = document.querySelector(".panel-plot .plot")?.data?.[0]?.y;
  const s = window.flojoy.output("SCATTER")?.fig?.data?.[0]?.y;
  return !!y && !!s && y.length === s.length && s.every((v, i) => v === y[i]);
};

/** The noisy-sine flow with a slider on SINE's frequency and a mirror of SCATTER, live on. */
async function liveNoisySine(page) {
  await load(page, galleryFile("default.json"));
  const f = await flow(page);
  const keys = Object.fromEntries(["SINE", "RAND", "CONSTANT", "LINSPACE", "SCATTER"].map((x) => [x, keyOfFunc(f, x)]));
  await page.getByTestId("tab-dashboard").click();
  const slider = await addCard(page, "control", keys.SINE, "frequency", "slider");
  const mirror = await addCard(page, "output", keys.SCATTER, "default", "mirror");
  await page.getByTestId("live-toggle").check();
  return { keys, mirror, range: slider.locator("input[type=range]") };
}

test("live: a slider change re-runs only what depends on it and updates the mirror", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  const { keys, mirror, range } = await liveNoisySine(page);
  // RAND has no seed: each time it really runs, it draws new numbers
  const r1 = await run(page);
  const r2 = await run(page);
  assert.equal(r2.status, "ok");
  assert.notDeepEqual(r1.nodes[keys.RAND].outputs.default.v, r2.nodes[keys.RAND].outputs.default.v, "RAND draws anew when it runs");
  const x = r2.nodes[keys.LINSPACE].outputs.default.v;
  const c = r2.nodes[keys.CONSTANT].outputs.default.y;
  // the mirror has drawn the Run's result (a change during that first draw: the test below covers it)
  await page.waitForFunction(mirrorShowsScatter);
  // a first live change (frequency 1 → 1.1), then a second one (→ 1.2)
  await liveStep(page, range, 1.1, x);
  const noise = (await page.evaluate(() => window.flojoy.output("RAND"))).v;
  await liveStep(page, range, 1.2, x);
  assert.equal(await param(page, keys.SINE, "frequency"), 1.2);
  // what does not depend on the frequency was not re-run: the same noise, the same axis
  assert.deepEqual((await page.evaluate(() => window.flojoy.output("RAND"))).v, noise, "RAND was not re-run");
  assert.deepEqual((await page.evaluate(() => window.flojoy.output("LINSPACE"))).v, x);
  // the mirror shows ADD = sine(1.2) + constant + the same noise
  const want = x.map((t, i) => Math.sin(2 * Math.PI * 1.2 * t) + c[i] + noise[i]);
  await page.waitForFunction((want) => {
    const y = document.querySelector(".panel-plot .plot")?.data?.[0]?.y;
    return y && y.length === want.length && want.every((w, i) => Math.abs(y[i] - w) < 1e-9);
  }, want);
  assert.deepEqual(await mirror.locator(".plot").evaluate((el) => [el.data[0].x.constructor.name, el.data[0].y.constructor.name]), ["Float64Array", "Float64Array"], "typed arrays");
  // the flow view says which results came from the cache
  await page.getByTestId("tab-flow").click();
  // (SINE's re-run is shown by its new values above)
  for (const label of ["LINSPACE", "RAND", "2"]) assert.match(await page.getByTestId(`result-${label}`).textContent(), /\(cached\)/, `${label} cached`);
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("live: a burst of slider moves redraws the mirror in place, at most once per animation frame", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  // a small plot, so that drawing is fast and several moves fit in one frame
  await load(page, {
    rfInstance: {
      nodes: [node("LINSPACE-1", "LINSPACE", { start: 0, end: 1, step: 5 }), node("SINE-1", "SINE", { frequency: 1 }, 300), node("LINE-1", "LINE", {}, 600)],
      edges: [edge("LINSPACE-1", "SINE-1"), edge("SINE-1", "LINE-1")],
    },
    controlNodes: [{ id: "ctrl-f", type: "slider", position: { x: 20, y: 20 }, width: 400, height: 90, data: { blockId: "SINE-1", blockParameter: "frequency", label: "f", config: { type: "slider", min: 0, max: 10, step: 0.1, floating: true } } }],
    controlVisualizationNodes: [{ id: "viz-l", type: "mirror", position: { x: 20, y: 140 }, width: 500, height: 300, data: { blockId: "LINE-1", blockOutput: "default", visualizationType: "mirror" } }],
  });
  await page.getByTestId("tab-dashboard").click();
  await page.getByTestId("live-toggle").check();
  await run(page);
  await page.waitForFunction(() => window.flojoy.plotDraws() >= 1);
  const plot = page.locator(".panel-plot .plot");
  await plot.evaluate((el) => (el.__mark = 1));
  // 30 slider moves, each in a task of its own (a fast drag), while every frame counts the draws
  const perFrame = await page.getByTestId("widget-ctrl-f").evaluate(async (el) => {
    const counts = [];
    const draws = () => window.flojoy.plotDraws();
    await new Promise((r) => requestAnimationFrame(r));
    let last = draws();
    let on = true;
    const frame = () => {
      counts.push(draws() - last);
      last = draws();
      if (on) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const task = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
    for (let i = 1; i <= 30; i++) {
      el.value = String(1 + i / 10);
      el.dispatchEvent(new Event("input", { bubbles: true }));
      await task();
    }
    el.dispatchEvent(new Event("change", { bubbles: true }));
    // until the mirror shows sin(2π·4·x), and a frame more
    await new Promise((done) => {
      const wait = () => {
        const y = document.querySelector(".panel-plot .plot").data[0].y;
        const ok = [0, 0.25, 0.5, 0.75, 1].every((x, i) => Math.abs(y[i] - Math.sin(2 * Math.PI * 4 * x)) < 1e-9);
        if (ok) requestAnimationFrame(() => requestAnimationFrame(done));
        else requestAnimationFrame(wait);
      };
      wait();
    });
    on = false;
    return counts;
  });
  try {
    assert.equal(await param(page, "SINE-1", "frequency"), 4);
    assert.equal(await plot.evaluate((el) => el.__mark), 1, "the same plot, updated in place");
    assert.ok(perFrame.reduce((a, b) => a + b, 0) >= 1, "the mirror was redrawn");
    assert.ok(Math.max(...perFrame) <= 1, `draws per frame: ${perFrame}`);
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

test("live: the first change after a Run reuses that Run's results", {}, async () => {
  const { page, ctx } = await openEditor(browser, server.url);
  try {
    const { keys, range } = await liveNoisySine(page);
    const r = await run(page);
    const x = r.nodes[keys.LINSPACE].outputs.default.v;
    await liveStep(page, range, 1.1, x);
    assert.deepEqual((await page.evaluate(() => window.flojoy.output("RAND"))).v, r.nodes[keys.RAND].outputs.default.v, "the noise the Run drew");
  } finally {
    await ctx.close();
  }
});

test("live: a change made while the mirror's first draw is in progress still ends showing the newest result", async () => {
  // plotly.js loads on the first draw: it is held back until the change below is made
  let release;
  const held = new Promise((r) => (release = r));
  const setup = (ctx) => ctx.route("**/plotly.min.js", async (route) => { await held; await route.continue(); });
  const { page, ctx } = await openEditor(browser, server.url, { setup });
  try {
    const { keys, range } = await liveNoisySine(page);
    await run(page);
    const r = await run(page);
    const x = r.nodes[keys.LINSPACE].outputs.default.v;
    assert.equal(await page.evaluate(() => window.flojoy.plotDraws()), 0, "the first draw is not done yet");
    await liveStep(page, range, 1.1, x);
    release();
    // plotly.js (4.6 MB) now loads, parses and draws: 10 s was too short on a loaded 2-core machine
    await page.waitForFunction(mirrorShowsScatter, null, { timeout: 30_000 });
  } finally {
    await ctx.close();
  }
});

/** A flow of one Python node GATE(x) (waits for the gate, returns x), a slider on x and a big number of its result. */
const gateFlow = (url) => ({
  rfInstance: {
    nodes: [{ id: "GATE-1", data: { func: "GATE", label: "GATE", code: gateNodeCode("GATE", url), ctrls: { x: { type: "float", param: "x", value: 0, default: 0 } }, inputs: [], outputs: [{ name: "default", id: "default", type: "Scalar" }] }, position: { x: 0, y: 0 } }],
    edges: [],
  },
  controlNodes: [{ id: "ctrl-x", type: "slider", position: { x: 20, y: 20 }, width: 300, height: 90, data: { blockId: "GATE-1", blockParameter: "x", label: "x", config: { type: "slider", min: 0, max: 10, step: 1, floating: false } } }],
  controlVisualizationNodes: [{ id: "viz-x", type: "big number", position: { x: 360, y: 20 }, width: 220, height: 130, data: { blockId: "GATE-1", blockOutput: "default", visualizationType: "big number" } }],
});

/** Records every text the big number shows from now on. */
const recordShown = (page) =>
  page.locator(".big-number").evaluate((el) => {
    window.__shown = [el.textContent];
    new MutationObserver(() => window.__shown.push(el.textContent)).observe(el, { childList: true, subtree: true, characterData: true });
  });

test("live: a newer change supersedes the run in progress; only the last value is shown", async () => {
  const g = await gate();
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  try {
    await load(page, gateFlow(g.url));
    await page.getByTestId("tab-dashboard").click();
    await page.getByTestId("live-toggle").check();
    await recordShown(page);
    const range = page.getByTestId("widget-ctrl-x");
    await range.focus();
    await page.keyboard.press("ArrowRight"); // x = 1: a run starts and waits in GATE
    await g.until((s) => s.includes(1));
    assert.equal(g.held() > 0, true, "the run is in progress (GATE is waiting)");
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight"); // 2, 3, 4 while it waits
    assert.equal(await param(page, "GATE-1", "x"), 4);
    g.open();
    await page.locator(".big-number", { hasText: "4.0" }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => /run finished/.test(document.querySelector("[data-testid=log]").textContent));
    const shown = await page.evaluate(() => window.__shown.map((s) => s.trim()));
    assert.equal(shown.at(-1), "4.0");
    for (const stale of ["1.0", "2.0", "3.0"]) assert.ok(!shown.includes(stale), `a superseded run's result (${stale}) was shown: ${shown}`);
    assert.equal(await page.locator(".big-number").textContent(), "4.0");
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await g.close();
  }
});

test("live: superseded runs leave no stale work: GATE computes only the value in progress and the newest", async () => {
  const g = await gate();
  const { page, ctx } = await openEditor(browser, server.url);
  try {
    await load(page, gateFlow(g.url));
    await page.getByTestId("tab-dashboard").click();
    await page.getByTestId("live-toggle").check();
    await page.getByTestId("widget-ctrl-x").focus();
    await page.keyboard.press("ArrowRight");
    await g.until((s) => s.includes(1));
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    g.open();
    await page.locator(".big-number", { hasText: "4.0" }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => /run finished/.test(document.querySelector("[data-testid=log]").textContent));
    assert.deepEqual(g.seen, [1, 4], "the calls GATE made");
  } finally {
    await ctx.close();
    await g.close();
  }
});

test("live off: a widget change does not run, the Run button does; gallery apps open live", async () => {
  const g = await gate();
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  try {
    // a gallery app asks for live mode; a plain flow does not
    await load(page, readFileSync(join(ROOT, "public", "gallery", "pid-tuning.json"), "utf8"));
    await page.getByTestId("tab-dashboard").click();
    assert.equal(await page.getByTestId("live-toggle").isChecked(), true, "a gallery app opens live");
    await load(page, gateFlow(g.url));
    assert.equal(await page.getByTestId("live-toggle").isChecked(), false, "a plain flow opens with live off");
    await page.getByTestId("widget-ctrl-x").focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    assert.equal(await param(page, "GATE-1", "x"), 2);
    assert.equal((await page.locator(".big-number").textContent()).trim(), "----");
    // Run: GATE computes once, with the value the widget set
    await page.getByTestId("run-button").click();
    await g.until((s) => s.length >= 1);
    g.open();
    await page.locator(".big-number", { hasText: "2.0" }).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => /run finished/.test(document.querySelector("[data-testid=log]").textContent));
    assert.deepEqual(g.seen, [2], "only the Run button's run reached GATE");
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
    await g.close();
  }
});
