// Story: files. Every gallery file opens (all three Flojoy generations); unknown nodes show as
// invalid nodes; Save downloads a 2024 file that opens again; autosave brings the flow back
// after a reload; a file that fails to parse leaves the current flow untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ROOT } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { GALLERY, counts, flow, load, nodeByLabel, openEditor, run } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

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

test("BATCH_PROCESSOR goes through the files of a folder the user picks, one per loop iteration", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const dir = join(mkdtempSync(join(tmpdir(), "flojoy-batch-")), "runs");
  mkdirSync(join(dir, "sub"), { recursive: true });
  writeFileSync(join(dir, "b.csv"), "t,v\n0,2.5\n1,4\n");
  writeFileSync(join(dir, "a.csv"), "t,v\n0,1\n");
  writeFileSync(join(dir, "notes.txt"), "not a table");
  writeFileSync(join(dir, "sub", "c.csv"), "t,v\n0,9\n");
  await load(page, makeFlow(
    [
      ["LOOP", "LOOP", { num_loops: 3 }],
      ["IDX", "LOOP_INDEX", { loop_node: "LOOP" }],
      ["BATCH", "BATCH_PROCESSOR", { directory_path: "", pattern: "*.csv" }],
    ],
    [["LOOP:body", "IDX"], ["IDX", "BATCH:current_iteration"]],
  ));
  // before a folder is picked: the node says what is missing, the others run
  let report = await run(page);
  assert.match(report.nodes.BATCH.error, /parameter 'directory_path' is empty/);
  // pick the folder: its name becomes the parameter, its files stay handles until read
  await nodeByLabel(page, "BATCH").locator(".node-header").click();
  await page.getByTestId("param-directory_path-folder").setInputFiles(dir);
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.find((n) => n.id === "BATCH").data.ctrls.directory_path.value === "runs");
  report = await run(page);
  assert.equal(report.status, "ok", JSON.stringify(report.nodes.BATCH));
  // iterations 1, 2, 3: no file (n_files = 2 + 1), runs/a.csv, runs/b.csv; the last is kept
  assert.equal(report.nodes.BATCH.runs, 3);
  assert.deepEqual(report.nodes.BATCH.outputs.fname, { type: "String", s: "runs/b.csv" });
  assert.deepEqual(report.nodes.BATCH.outputs.n_files, { type: "Scalar", c: 2 });
  // a file of the picked folder reads like any picked file, in this flow or the next
  await load(page, makeFlow([["CSV", "READ_CSV", { file_path: "runs/b.csv" }]]));
  report = await run(page);
  const table = JSON.stringify(report.nodes.CSV.outputs.default);
  assert.ok(table.includes("2.5") && table.includes("4"), table);
  assert.deepEqual(errors, []);
  rmSync(dir, { recursive: true, force: true });
  await ctx.close();
});

test("exports download byte for byte: a MAT file scipy reads back, and an HTML report", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await load(page, makeFlow(
    [
      ["LINSPACE", "LINSPACE", { start: 0, end: 1, step: 5 }],
      ["SINE", "SINE"],
      ["MAT", "EXPORT_MATLAB", { filename: "wave.mat" }],
      ["LINE", "LINE"],
      ["TITLE", "TEXT", { value: "Wave <1>" }],
      ["REPORT", "REPORT_GENERATION", { filename: "wave.html" }],
    ],
    [["LINSPACE", "SINE"], ["SINE", "MAT:dc"], ["SINE", "LINE"], ["LINE", "REPORT:figures"], ["TITLE", "REPORT:title"]],
  ));
  const both = new Promise((resolve) => {
    const all = [];
    page.on("download", (d) => all.push(d) === 2 && resolve(all));
  });
  const report = await run(page);
  assert.equal(report.status, "ok", JSON.stringify(report));
  const downloads = await both;
  const byName = Object.fromEntries(await Promise.all(downloads.map(async (d) => [d.suggestedFilename(), await d.path()])));
  // scipy reads the MAT file the page wrote; its x, y are numpy's linspace and sine
  const check = `
import json, sys, numpy as np
from scipy.io import loadmat
d = loadmat(sys.argv[1])
x = np.linspace(0, 1, 5)
ok = np.allclose(d["x"].ravel(), x, rtol=0, atol=1e-15) and np.allclose(d["y"].ravel(), np.sin(2 * np.pi * x), rtol=0, atol=1e-12)
print(json.dumps(bool(ok)))`;
  assert.equal(execFileSync("python3", ["-c", check, byName["wave.mat"]], { encoding: "utf8" }).trim(), "true");
  const html = readFileSync(byName["wave.html"], "utf8");
  assert.ok(html.includes("<h1>Wave &lt;1&gt;</h1>") && html.split("Plotly.newPlot(").length === 2, html.slice(0, 400));
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("Export → Sweep downloads a script that writes the flow and sweeps the dashboard's controls", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  const f = makeFlow([["LINSPACE", "LINSPACE", { start: 0, end: 1, step: 50 }], ["SINE", "SINE"]], [["LINSPACE", "SINE"]]);
  // without controls the command says what to add
  await load(page, f);
  const palette = async () => {
    await page.keyboard.press("Control+k");
    await page.getByTestId("command-input").fill("sweep");
    await page.getByTestId("command-input").press("Enter");
  };
  await palette();
  await page.locator(".toast", { hasText: "nothing to sweep: add sliders" }).waitFor();
  // a slider over SINE's frequency (1..3 by 1) and a dropdown of its waveform
  f.controlNodes = [
    { id: "c1", type: "slider", data: { blockId: "SINE", blockParameter: "frequency", label: "f", config: { min: 1, max: 3, step: 1 } }, position: { x: 0, y: 0 } },
    { id: "c2", type: "dropdown", data: { blockId: "SINE", blockParameter: "waveform", label: "w" }, position: { x: 300, y: 0 } },
  ];
  await load(page, f);
  const [download] = await Promise.all([page.waitForEvent("download"), palette()]);
  assert.match(download.suggestedFilename(), /-sweep\.sh$/);
  // run the script where the runner is (this checkout's debug build): 3 × 4 rows, each set once
  const dir = mkdtempSync(join(tmpdir(), "flojoy-export-sweep-"));
  const script = join(dir, download.suggestedFilename());
  writeFileSync(script, readFileSync(await download.path()));
  const bin = join(ROOT, "target", "debug");
  execFileSync("sh", [script, "--outputs", "SINE"], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: "pipe" });
  const rows = readFileSync(join(dir, download.suggestedFilename().replace(/\.sh$/, ".jsonl")), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(rows.length, 12);
  assert.equal(new Set(rows.map((r) => JSON.stringify(r.params))).size, 12);
  assert.deepEqual([...new Set(rows.map((r) => r.params["SINE.frequency"]))].sort(), [1, 2, 3]);
  assert.deepEqual([...new Set(rows.map((r) => r.params["SINE.waveform"]))].sort(), ["sawtooth", "sine", "square", "triangle"]);
  assert.ok(rows.every((r) => r.status === "ok" && r.outputs.SINE.y.length === 50));
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(errors, []);
  await ctx.close();
});
