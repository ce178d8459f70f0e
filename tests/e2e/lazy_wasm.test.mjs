// Story: the app's wasm comes in two parts (app/build/split.mjs, app/js/lazy_wasm.js). A first
// visit draws the editor from the primary part alone; the lazy part arrives in the background
// and is linked before anyone needs it. If code of the lazy part is called before it arrives,
// it is loaded on the spot and the call gives the right answer; if it cannot be loaded at all,
// the page says so and the flow is kept.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";

import { DIST, until } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { load, openEditor, run } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

// native nodes only: their `run` functions are not needed to draw the editor
const scalar = (id, value, y) => ({
  id,
  data: { func: "SCALAR", label: id, ctrls: { value: { param: "value", value } } },
  position: { x: 0, y },
});
const flowFile = JSON.stringify({
  name: "Lazy",
  rfInstance: {
    nodes: [
      scalar("SCALAR-1", 4, 0),
      scalar("SCALAR-2", 3, 200),
      { id: "POWER-1", data: { func: "POWER", label: "CUBE" }, position: { x: 250, y: 0 } },
      { id: "BIG_NUMBER-1", data: { func: "BIG_NUMBER", label: "SHOW" }, position: { x: 500, y: 0 } },
    ],
    edges: [
      { source: "SCALAR-1", sourceHandle: "default", target: "POWER-1", targetHandle: "a" },
      { source: "SCALAR-2", sourceHandle: "default", target: "POWER-1", targetHandle: "b" },
      { source: "POWER-1", sourceHandle: "default", target: "BIG_NUMBER-1", targetHandle: "default" },
    ],
  },
});

const lazyName = () => readdirSync(DIST).find((f) => /^flojoy-app-.*_bg\.lazy-[0-9a-f]+\.wasm$/.test(f));

// (no service worker in these first three: it would fetch the lazy part for its offline copy
// and take the page's requests on a reload; the fourth test is the service worker's)
const NO_SW = { serviceWorkers: "block" };

test("a first visit draws the editor before the lazy part is needed, then links it", async () => {
  assert.ok(lazyName(), "the site has a lazy part");
  // the lazy part is held back until the editor is drawn and its first autosave written
  // (a second request for it is a placeholder's synchronous load: answered, so that the page
  // draws and the check below can say what to do)
  let release;
  const released = new Promise((ok) => (release = ok));
  let asked = 0;
  let ctx;
  try {
    let page, errors, outside;
    ({ page, errors, outside, ctx } = await openEditor(browser, server.url, {
      ...NO_SW,
      setup: (ctx) =>
        ctx.route(`**/${lazyName()}`, async (route) => {
          asked += 1;
          if (asked === 1) await released;
          await route.continue();
        }),
    }));
    await page.evaluate(() => window.flojoy.saved());
    const early = await page.evaluate(() => ({ ...window.flojoyLazyWasm }));
    assert.equal(
      early.placeholder_calls,
      0,
      `the first screen called code outside app/build/wasm-startup.txt (table slots ${early.early}): ` +
        "record the list again with ./dev split-profile",
    );
    assert.equal(early.linked_ms, null, "the lazy part was held back");
    release();
    const state = await until(page, () => window.flojoyLazyWasm.linked_ms != null && { ...window.flojoyLazyWasm });
    assert.equal(state.error, null);
    assert.equal(state.sync_loads, 0);
    await load(page, flowFile);
    const report = await run(page);
    assert.equal(report.status, "ok", JSON.stringify(report));
    assert.equal(report.nodes["POWER-1"].outputs.default.c, 64);
    assert.deepEqual(errors, []);
    assert.deepEqual(outside, []);
  } finally {
    release(); // (a failed check must not leave the route waiting)
    await ctx?.close();
  }
});

test("code of the lazy part called before it arrives loads it on the spot and answers right", async () => {
  let held = null;
  let asked = 0;
  const { page, errors, ctx } = await openEditor(browser, server.url, {
    ...NO_SW,
    setup: (ctx) =>
      ctx.route(`**/${lazyName()}`, (route) => {
        asked += 1;
        // the background fetch never answers; the synchronous load (the second ask) does
        if (asked === 1) held = route;
        else route.continue();
      }),
  });
  assert.equal(
    await page.evaluate(() => window.flojoyLazyWasm.linked_ms),
    null,
    "linked before the test called anything: the first screen called code outside app/build/wasm-startup.txt " +
      "(record the list again with ./dev split-profile)",
  );
  await load(page, flowFile);
  const report = await run(page);
  assert.equal(report.status, "ok", JSON.stringify(report));
  // 4³, by hand
  assert.deepEqual(report.nodes["POWER-1"].outputs.default.c, 64, JSON.stringify(report.nodes["POWER-1"]));
  const state = await page.evaluate(() => ({ ...window.flojoyLazyWasm }));
  assert.equal(state.sync_loads, 1);
  assert.ok(state.placeholder_calls > 0);
  assert.ok(state.linked_ms != null);
  // the background fetch arriving late changes nothing
  await held.continue();
  assert.equal((await run(page)).status, "ok");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("when the lazy part cannot be loaded the page says so and the flow is kept", async () => {
  // an earlier visit left a flow of the user's
  const { page, ctx } = await openEditor(browser, server.url, NO_SW);
  await load(page, flowFile);
  await page.evaluate(() => window.flojoy.saved());
  // this visit, the lazy part cannot be fetched: the editor still opens, with the flow
  await ctx.route("**/*_bg.lazy-*.wasm", (route) => route.fulfill({ status: 503, body: "" }));
  await page.reload();
  await page.getByTestId("run-button").waitFor();
  await page.getByTestId("node-CUBE").waitFor();
  // running needs the node library, which is in the lazy part
  const err = await page.evaluate(async () => {
    try {
      await window.flojoy.run();
      return null;
    } catch (e) {
      return String(e.message ?? e);
    }
  });
  assert.match(err ?? "", /could not load the rest of its code/);
  const alert = page.getByTestId("lazy-wasm-error");
  await alert.waitFor();
  assert.match(await alert.textContent(), /could not load the rest of its code.*HTTP 503.*reload the page/i);
  // with the lazy part back, a reload finds the flow as it was and runs it
  await ctx.unroute("**/*_bg.lazy-*.wasm");
  await page.reload();
  await page.getByTestId("run-button").waitFor();
  await until(page, () => window.flojoyLazyWasm?.linked_ms != null);
  const report = await run(page);
  assert.equal(report.status, "ok");
  assert.equal(report.nodes["POWER-1"].outputs.default.c, 64);
  await ctx.close();
});

test("a visit from the offline copy links the lazy part before the app starts, and runs offline", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  // the offline copy holds the lazy part (the service worker precached every file)
  const name = lazyName();
  await until(page, async (name) => !!(await caches.match(name)), name);
  await ctx.setOffline(true);
  await page.reload();
  await page.getByTestId("run-button").waitFor();
  // linked already when the app is up: nothing of the app waits on a request that would skip
  // the service worker (Chromium sends a synchronous request to the network)
  const state = await page.evaluate(() => ({ ...window.flojoyLazyWasm }));
  assert.ok(state.linked_ms != null, JSON.stringify(state));
  assert.equal(state.placeholder_calls, 0);
  await load(page, flowFile);
  const report = await run(page);
  assert.equal(report.status, "ok", JSON.stringify(report));
  assert.equal(report.nodes["POWER-1"].outputs.default.c, 64);
  assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await ctx.close();
});
