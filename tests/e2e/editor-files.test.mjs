// Story: files. Every gallery file opens (all three Flojoy generations); unknown nodes show as
// invalid nodes; Save downloads a 2024 file that opens again; autosave brings the flow back
// after a reload; a file that fails to parse leaves the current flow untouched.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, launch } from "../support/browser.mjs";
import { GALLERY, counts, flow, openEditor } from "../support/editor.mjs";

let server, browser;
before(async () => {
  server = await serve(DIST);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("every gallery file opens from the file picker", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  for (const name of readdirSync(GALLERY).sort()) {
    const text = readFileSync(join(GALLERY, name), "utf8");
    const expected = JSON.parse(text).rfInstance;
    const nodes = expected.nodes ? expected.nodes.length : expected.elements.filter((e) => !("source" in e)).length;
    await page.getByTestId("open-file").setInputFiles(join(GALLERY, name));
    await page.waitForFunction((n) => window.flojoy.flow().rfInstance.nodes.length === n, nodes);
    assert.equal(await page.locator(".node").count(), nodes, name);
    const t = await page.getByTestId("toast").textContent();
    assert.match(t, new RegExp(`opened ${name.replace(".", "\\.")}`));
  }
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a dropped file opens; unknown nodes are kept and marked invalid", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const text = JSON.stringify({ rfInstance: { nodes: [
    { id: "MYSTERY-1", data: { func: "MYSTERY", label: "MYSTERY", inputs: [{ id: "default", type: "Any" }], outputs: [{ id: "default", type: "Any" }] }, position: { x: 10, y: 10 } },
    { id: "SCALAR-1", data: { func: "SCALAR", label: "SCALAR" }, position: { x: -300, y: 10 } },
  ], edges: [{ source: "SCALAR-1", sourceHandle: "default", target: "MYSTERY-1", targetHandle: "default" }] } });
  const dt = await page.evaluateHandle((t) => {
    const d = new DataTransfer();
    d.items.add(new File([t], "mystery.json", { type: "application/json" }));
    return d;
  }, text);
  await page.dispatchEvent("[data-testid=canvas]", "drop", { dataTransfer: dt });
  await page.getByTestId("node-MYSTERY").waitFor();
  assert.equal((await counts(page)).edges, 1, "its wire survives");
  assert.match(await page.getByTestId("node-MYSTERY").getAttribute("class"), /invalid/);
  assert.match(await page.getByTestId("result-MYSTERY").textContent(), /unknown node 'MYSTERY'/);
  // Run refuses, naming it
  const report = await page.evaluate(() => window.flojoy.run());
  assert.equal(report.status, "failed");
  assert.ok(report.diagnostics.some((d) => d.node === "MYSTERY-1" && /unknown node/.test(d.message)));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a file that fails to parse leaves the current flow untouched", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const before = JSON.stringify(await flow(page));
  await page.getByTestId("open-file").setInputFiles({ name: "broken.json", mimeType: "application/json", buffer: Buffer.from('{"rfInstance": {"nodes": [') });
  await page.getByTestId("toast-error").waitFor();
  assert.match(await page.getByTestId("toast-error").textContent(), /broken\.json was not opened: this file is not valid JSON \(line 1/);
  assert.equal(JSON.stringify(await flow(page)), before);
  await page.getByTestId("open-file").setInputFiles({ name: "words.json", mimeType: "application/json", buffer: Buffer.from('{"hello": 1}') });
  await page.waitForFunction(() => /words\.json was not opened/.test(document.querySelector('[data-testid="toast-error"]')?.textContent ?? ""));
  assert.equal(JSON.stringify(await flow(page)), before);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("save downloads a 2024 file that opens again; autosave survives a reload", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await page.getByTestId("open-file").setInputFiles(join(GALLERY, "loop.json"));
  await page.getByTestId("node-LOOP").waitFor();
  // an edit after opening: it must survive the reload
  await page.getByTestId("node-LOOP").locator(".node-header").click();
  await page.getByTestId("param-num_loops").fill("7");
  await page.getByTestId("param-num_loops").press("Enter");
  const [download] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Control+s")]);
  assert.equal(download.suggestedFilename(), "Intro_to_Loops.json");
  const saved = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.equal(saved.name, "Intro to Loops");
  assert.equal(saved.rfInstance.nodes.find((n) => n.data.func === "LOOP").data.ctrls.num_loops.value, 7);
  const before = JSON.stringify(await flow(page));
  await page.evaluate(() => window.flojoy.saved()); // the autosave (IndexedDB) has written
  await page.reload();
  await page.waitForFunction(() => window.flojoy && window.flojoy.flow().rfInstance.nodes.length === 5);
  assert.equal(JSON.stringify(await flow(page)), before, "the flow is back exactly");
  assert.deepEqual(errors, []);
  await ctx.close();
});
