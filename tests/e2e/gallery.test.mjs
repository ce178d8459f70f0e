// Story: a student opens the app and picks an example. The gallery lists every example with
// a thumbnail, what it teaches and what it needs; each one opens from its card and runs, and
// its key outputs match golden values computed on the host with numpy/scipy/scikit-learn/
// Pillow (tests/fixtures/gallery/golden.json). Python examples run in real Pyodide; DAQ ones
// against the built-in demo devices, turned on by the gallery itself. How long each run took
// (in the page, from Run to the report; a live session until its first data and Stop) goes to
// test-results/gallery.json: a figure for the notes, not a timed assertion.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, OUT, launch } from "../support/browser.mjs";
import { flow, openEditor } from "../support/editor.mjs";
import { GOLDEN, INDEX, check } from "../support/golden.mjs";

let server, browser, page, errors;
const timings = {};
before(async () => {
  server = await serve(DIST);
  browser = await launch();
  ({ page, errors } = await openEditor(browser, server.url));
});
after(async () => {
  writeFileSync(join(OUT, "gallery.json"), JSON.stringify(timings, null, 2));
  await browser?.close();
  await server?.close();
});

const STREAMING = new Set(["SERIAL_STREAM", "USB_STREAM"]);

async function openFromGallery(id) {
  await page.getByTestId("examples").click();
  await page.getByTestId(`example-${id}`).click();
  await page.getByTestId("gallery").waitFor({ state: "detached" });
}

test("the gallery shows every example with a thumbnail, what it teaches and what it needs", async () => {
  assert.ok(INDEX.length >= 25, `${INDEX.length} examples`);
  const categories = new Set(INDEX.map((e) => e.category));
  for (const c of ["AI", "DAQ", "ETL", "Image processing", "Simulation", "Python"]) assert.ok(categories.has(c), c);
  await page.getByTestId("examples").click();
  const grid = page.getByTestId("gallery-grid");
  await grid.locator(".example-card").nth(INDEX.length - 1).waitFor();
  assert.equal(await grid.locator(".example-card").count(), INDEX.length);
  // thumbnails are drawn from each flow's own nodes and wires
  await page.waitForFunction((n) => document.querySelectorAll(".example-card .thumb svg").length === n, INDEX.length);
  const kmeans = page.getByTestId("example-kmeans-blobs");
  await kmeans.getByText("K-means", { exact: false }).first().waitFor();
  assert.match(await kmeans.locator(".teaches").innerText(), /K_MEANS|KMEANS/);
  assert.match(await page.getByTestId("example-python-ema-filter").innerText(), /Python/);
  assert.match(await page.getByTestId("example-arduino-live-plot").innerText(), /devices \(simulated\)/);
  await page.screenshot({ path: join(OUT, "gallery.png") });
  // a category tab and the search narrow the list
  await page.getByTestId("gallery-cat-DAQ").click();
  const daq = INDEX.filter((e) => e.category === "DAQ").length;
  await page.waitForFunction((n) => document.querySelectorAll("[data-testid=gallery-grid] .example-card").length === n, daq);
  await page.getByTestId("gallery-cat-All").click();
  await page.getByTestId("gallery-search").fill("butter");
  await page.getByTestId("example-butterworth").waitFor();
  assert.ok((await grid.locator(".example-card").count()) < INDEX.length);
  await page.getByTestId("gallery-search").fill("");
  await page.getByTestId("gallery-close").click();
  await page.getByTestId("gallery").waitFor({ state: "detached" });
});

for (const ex of INDEX) {
  test(`example '${ex.title}' (${ex.id}) runs and matches its golden values`, async () => {
    await openFromGallery(ex.id);
    const f = await flow(page);
    const keys = Object.fromEntries(f.rfInstance.nodes.map((n) => [n.data.label, n.id]));
    const streams = f.rfInstance.nodes.filter((n) => STREAMING.has(n.data.func)).map((n) => n.data.label);
    // only the checked nodes' outputs come back (an image is millions of numbers in JSON);
    // the time is the run's, measured in the page
    const checked = [...new Set(GOLDEN[ex.id].map((c) => keys[c.node]))];
    let report;
    let ms;
    if (streams.length === 0) {
      // as one JSON string: Playwright's own serialisation of an image's nested arrays takes
      // a minute per image, JSON a fraction of a second (NaN becomes null, as in golden.json)
      ({ report, ms } = JSON.parse(
        await page.evaluate(async (ids) => {
          const t0 = performance.now();
          const report = await window.flojoy.run({ outputs: ids });
          return JSON.stringify({ report, ms: performance.now() - t0 });
        }, checked),
      ));
    } else {
      const t0 = Date.now();
      // a live session runs until Stop: wait for data in every stream, then stop
      const run = await page.evaluateHandle(() => {
        const h = { p: window.flojoy.run() };
        h.p.then(() => (h.done = true));
        return h;
      });
      // (a session that ends by itself has failed: its report says why, below)
      await page.waitForFunction(
        ([h, labels]) => h.done || labels.every((l) => (window.flojoy.output(l)?.x?.length ?? 0) >= 100),
        [run, streams],
        { timeout: 30_000, polling: 50 },
      );
      await page.evaluate(() => window.flojoy.stop());
      report = await run.evaluate((h) => h.p);
      ms = Date.now() - t0;
    }
    timings[ex.id] = { ms: Math.round(ms), needs: ex.needs, streaming: streams.length > 0 };
    const failed = Object.entries(report.nodes).filter(([, n]) => n.status === "failed");
    assert.deepEqual(failed.map(([k, n]) => `${k}: ${n.error}`), []);
    assert.equal(report.status, "ok");
    for (const c of GOLDEN[ex.id]) {
      const node = report.nodes[keys[c.node]];
      assert.ok(node, `${ex.id}: node '${c.node}' is in the report`);
      const v = node.outputs[c.output];
      assert.ok(v, `${ex.id}: '${c.node}' has an output '${c.output}'`);
      try {
        check(v, c);
      } catch (e) {
        assert.fail(`${ex.id}: ${c.node}.${c.output} (${c.check}): ${e.message}`);
      }
    }
  });
}

test("no console errors across the whole gallery", () => {
  assert.deepEqual(errors, []);
});
