// Story: Python code cannot tamper with the next visit. The start-up snapshot of Python lives
// in Cache Storage, which Python reaches through `js`; the page keeps the snapshot's SHA-256
// in localStorage (no worker reaches it), taken from a fresh start before any user code ran,
// and a snapshot that does not match is discarded: the next visit starts Python normally. The
// site's own offline copy (the service worker's cache) is checked file by file the same way.
import { test } from "node:test";
import assert from "node:assert/strict";

import { useSite } from "../support/site.mjs";
import { load, openEditor, run } from "../support/editor.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const CACHE = "flojoy-python-snapshot";
const DIGEST_KEY = "flojoy-web:python-snapshot-digest";
const waitPythonState = (page, state) =>
  page.waitForFunction((s) => document.querySelector("[data-testid=python-status]")?.dataset.state === s, state, { timeout: 90_000, polling: 50 });
const pythonTitle = (page) => page.getByTestId("python-status").getAttribute("title");

/** [size, sha256 hex] of the snapshot entry in Cache Storage, or null. */
const entry = (page) =>
  page.evaluate(async (name) => {
    const cache = await caches.open(name);
    const [key] = await cache.keys();
    if (!key) return null;
    const bytes = await (await cache.match(key)).arrayBuffer();
    const d = await crypto.subtle.digest("SHA-256", bytes);
    return [bytes.byteLength, Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("")];
  }, CACHE);

/** Waits until the snapshot entry's size is any (`mode` "any"), equal to (`"eq"`) or other than
 * (`"ne"`) `size`; returns the size. (A loop in the page: Cache Storage answers asynchronously.) */
const waitEntry = (page, mode, size = 0) =>
  page.evaluate(
    async ([name, mode, size]) => {
      for (const end = Date.now() + 90_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
        const c = await caches.open(name);
        const [k] = await c.keys();
        if (!k) continue;
        const n = (await (await c.match(k)).arrayBuffer()).byteLength;
        if (mode === "any" || (mode === "eq" && n === size) || (mode === "ne" && n !== size)) return n;
      }
      throw new Error(`the snapshot entry never became ${mode} ${size}`);
    },
    [CACHE, mode, size],
  );

// a node that rewrites the snapshot entry (the good bytes and 16 more), in the background once
// it has returned: Python reaches the origin's Cache Storage through Pyodide's JavaScript bridge
const TAMPER = `from flojoy import flojoy, Scalar
from pyodide.code import run_js

@flojoy
def TAMPER() -> Scalar:
    run_js("""(async () => {
      const c = await caches.open("${CACHE}");
      for (const k of await c.keys()) {
        const good = new Uint8Array(await (await c.match(k)).arrayBuffer());
        const bad = new Uint8Array(good.length + 16);
        bad.set(good);
        await c.put(k, new Response(bad));
      }
    })()""")
    return Scalar(c=1)
`;

test("a Python node that overwrites the snapshot does not change what the next visit restores", { timeout: 240_000 }, async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  const warnings = [];
  page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
  try {
    await waitPythonState(page, "ready");
    await waitEntry(page, "any");
    const good = await entry(page);
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), DIGEST_KEY), good[1], "the page keeps the fresh snapshot's digest");
    // the user's own flow with the tampering node runs
    const f = { rfInstance: { nodes: [{ id: "TAMPER-1", data: { func: "TAMPER", label: "TAMPER", code: TAMPER }, position: { x: 0, y: 0 } }], edges: [] } };
    await load(page, f);
    const r = await run(page);
    assert.equal(r.status, "ok", JSON.stringify(r));
    await waitEntry(page, "eq", good[0] + 16);
    assert.notEqual((await entry(page))[1], good[1], "the entry was overwritten");
    assert.equal(await page.evaluate((k) => localStorage.getItem(k), DIGEST_KEY), good[1], "Python cannot reach the digest");

    // next visit: the tampered snapshot is discarded, Python starts normally and works
    await page.reload();
    await waitPythonState(page, "ready");
    assert.doesNotMatch(await pythonTitle(page), /snapshot/, "not restored from the tampered snapshot");
    // (the autosave brought TAMPER back: replace it, or it would tamper again)
    const ok = { rfInstance: { nodes: [{ id: "OK-1", data: { func: "OK", label: "OK", code: "from flojoy import flojoy, Scalar\n\n@flojoy\ndef OK() -> Scalar:\n    return Scalar(c=2)\n" }, position: { x: 0, y: 0 } }], edges: [] } };
    await load(page, ok);
    const again = await run(page);
    assert.equal(again.status, "ok");
    assert.equal(again.nodes["OK-1"].outputs.default.c, 2);
    // a good snapshot is stored again, and its digest is the one the page keeps
    await waitEntry(page, "ne", good[0] + 16);
    const fresh = await entry(page);
    await page.waitForFunction(([k, d]) => localStorage.getItem(k) === d, [DIGEST_KEY, fresh[1]]);
    // and the visit after restores that one
    await page.reload();
    await waitPythonState(page, "ready");
    assert.match(await pythonTitle(page), /restored from the start-up snapshot/);
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

// a node that replaces the site's offline copy of index.html and worker.js in the service
// worker's cache (Cache Storage again): without a check, every later visit would load them
const SITE_TAMPER = `from flojoy import flojoy, Scalar
from pyodide.code import run_js

@flojoy
def SITE_TAMPER() -> Scalar:
    run_js("""(async () => {
      for (const name of await caches.keys()) {
        if (!name.startsWith("flojoy-web-")) continue;
        const c = await caches.open(name);
        await c.put(new URL("./worker.js", location.href).href, new Response("throw new Error('owned')", { headers: { "content-type": "text/javascript" } }));
        await c.put(new URL("./index.html", location.href).href, new Response("<h1 id=owned>owned</h1>", { headers: { "content-type": "text/html" } }));
      }
    })()""")
    return Scalar(c=1)
`;

/** In the page: whether a service worker cache holds the tampered index.html. */
const OWNED = async () => {
  for (const name of await caches.keys()) {
    const hit = await (await caches.open(name)).match("./index.html");
    if (hit && (await hit.text()).includes("owned")) return true;
  }
  return false;
};

test("a Python node that rewrites the site's offline copy does not change what the next visit loads", { timeout: 240_000 }, async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  try {
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60_000 });
    await waitPythonState(page, "ready");
    // the user's own flow with the tampering node runs, and the cache is rewritten
    await load(page, { rfInstance: { nodes: [{ id: "T-1", data: { func: "SITE_TAMPER", label: "SITE_TAMPER", code: SITE_TAMPER }, position: { x: 0, y: 0 } }], edges: [] } });
    assert.equal((await run(page)).status, "ok");
    await page.waitForFunction(OWNED, null, { timeout: 30_000, polling: 100 });

    // next visit: the real app, and Python starts (the tampered worker.js would throw)
    await page.reload();
    await page.getByTestId("run-button").waitFor();
    assert.equal(await page.locator("#owned").count(), 0);
    await waitPythonState(page, "ready");
    // the genuine files are stored again: the visit after, offline, is the real app too
    await page.waitForFunction(async () => {
      for (const name of await caches.keys()) {
        const c = await caches.open(name);
        const [index, worker] = await Promise.all([c.match("./index.html"), c.match("./worker.js")]);
        if (!index || !worker || (await index.text()).includes("owned") || (await worker.text()).includes("owned")) return false;
      }
      return true;
    }, null, { timeout: 30_000, polling: 100 });
    assert.equal(await page.evaluate(OWNED), false);
    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId("run-button").waitFor();
    await waitPythonState(page, "ready");
    assert.equal(await page.locator("#owned").count(), 0);
    assert.deepEqual(outside, []);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED/.test(e)), []);
  } finally {
    await ctx.close();
  }
});
