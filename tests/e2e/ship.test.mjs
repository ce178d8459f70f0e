// Story: the app leaves the developer's machine. A flow shared as a link opens (and runs only
// when the link says so); a docs page on another origin embeds the app in an iframe and
// drives it with postMessage; the site works from a sub-path; after one visit it opens and
// runs (Python too) with the network off; a new deployment is picked up on the next load with
// a notice, never a mix of versions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, context, open } from "../support/browser.mjs";
import { useSite } from "../support/site.mjs";
import { flow, galleryFile, load, openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";
import { GOLDEN, check } from "../support/golden.mjs";

let server, browser;
useSite((s, b) => ([server, browser] = [s, b]));

const PY_FLOW = {
  rfInstance: {
    nodes: [
      { id: "LINSPACE-1", data: { func: "LINSPACE", label: "LINSPACE", ctrls: { start: { param: "start", value: 1 }, end: { param: "end", value: 3 }, step: { param: "step", value: 3 } } }, position: { x: 0, y: 0 } },
      {
        id: "SQUARE-1",
        data: {
          func: "SQUARE",
          label: "SQUARE",
          code: "from flojoy import flojoy, Vector\n\n@flojoy\ndef SQUARE(default: Vector) -> Vector:\n    return Vector(v=[x * x for x in default.v])\n",
          inputs: [{ name: "default", id: "default", type: "Vector", multiple: false }],
          outputs: [{ name: "default", id: "default", type: "Vector" }],
        },
        position: { x: 300, y: 0 },
      },
    ],
    edges: [{ source: "LINSPACE-1", sourceHandle: "default", target: "SQUARE-1", targetHandle: "default" }],
  },
};

/** Waits until a service worker controls the page and has cached the site. */
async function offlineReady(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 60_000 });
}

test("share: a link carries the flow; it runs only when the link says run=1", async () => {
  const { page, errors } = await openEditor(browser, server.url);
  await load(page, galleryFile("default.json"));
  const original = await flow(page);
  await page.getByTestId("share").click();
  const link = await page.getByTestId("share-link").inputValue();
  assert.match(link, /#flow=[A-Za-z0-9_-]+$/);
  assert.ok(link.startsWith(server.url));

  const other = await openEditor(browser, link);
  await other.page.getByTestId("flow-name").getByText(original.name ?? "Untitled").waitFor();
  const opened = await flow(other.page);
  assert.equal(opened.rfInstance.nodes.length, original.rfInstance.nodes.length);
  assert.deepEqual(opened.rfInstance.edges.length, original.rfInstance.edges.length);
  assert.equal(await other.page.evaluate(() => location.hash), "", "the flow leaves the address bar once opened");
  assert.equal(await other.page.evaluate(() => window.flojoy.output("SINE")), null, "not run without run=1");

  await page.getByTestId("share-run").check();
  const runLink = await page.getByTestId("share-link").inputValue();
  assert.match(runLink, /&run=1$/);
  const third = await openEditor(browser, runLink);
  await third.page.waitForFunction(() => window.flojoy.output("SINE") !== null, null, { timeout: 20_000 });
  assert.deepEqual(errors, []);
});

test("share: a flow too big for a link is offered as a file; a damaged link says so", async () => {
  const { page } = await openEditor(browser, server.url);
  // 1000 constants with long distinct names do not compress into 16 KB
  const nodes = Array.from({ length: 1000 }, (_, i) => [`CONSTANT_${i}_${Math.random().toString(36).slice(2)}`, "CONSTANT", { constant: Math.random() }]);
  await load(page, makeFlow(nodes));
  await page.getByTestId("share").click();
  await page.getByTestId("share-too-big").getByText(/too big for a link/).waitFor();
  const download = page.waitForEvent("download");
  await page.getByTestId("share-download").click();
  assert.match((await download).suggestedFilename(), /\.json$/);

  const damaged = await openEditor(browser, `${server.url}#flow=AAAA`);
  await damaged.page.getByText(/shared link could not be opened.*damaged/).waitFor();
  assert.ok((await counts(damaged.page)) > 0, "the app still shows a flow");
});

async function counts(page) {
  return (await flow(page)).rfInstance.nodes.length;
}

test("a shared link with run=1 never starts hardware nodes by itself", async () => {
  const f = makeFlow([["READ", "SERIAL_SINGLE_MEASUREMENT"]]);
  const { page } = await openEditor(browser, server.url);
  await load(page, f);
  await page.getByTestId("share").click();
  await page.getByTestId("share-run").check();
  const link = await page.getByTestId("share-link").inputValue();
  const other = await openEditor(browser, link);
  await other.page.getByText(/uses devices: press Run/).waitFor();
  assert.equal(await other.page.evaluate(() => window.flojoy.output("READ")), null);
});

test("embed: an iframe on another origin loads and runs a flow through postMessage", async () => {
  const host = await serve(DIST, {
    files: {
      "/docs.html": `<!doctype html><title>docs</title>
<iframe id="f" src="${server.url}?embed=1" width="900" height="500" allow="serial; usb"></iframe>
<script>
  const frame = document.getElementById("f");
  let next = 0;
  const pending = new Map();
  window.reports = [];
  window.addEventListener("message", (e) => {
    if (e.data?.flojoy === "ready") window.frameReady = true;
    if (e.data?.flojoy === "report") window.reports.push(e.data.report);
    if (e.data?.flojoy === "result") { pending.get(e.data.id)?.(e.data); pending.delete(e.data.id); }
  });
  window.ask = (msg) => new Promise((ok) => { const id = ++next; pending.set(id, ok); frame.contentWindow.postMessage({ ...msg, id }, "*"); });
</script>`,
    },
  });
  try {
    const { ctx } = await context(browser);
    const { page, errors } = await open(ctx, `${host.url}docs.html`);
    await page.waitForFunction(() => window.frameReady === true, null, { timeout: 30_000 });
    const frame = page.frameLocator("#f");
    await frame.getByTestId("embed-bar").waitFor();
    assert.equal(await frame.getByTestId("palette").count(), 0, "no palette in the compact view");
    const flowText = galleryFile("default.json");
    const loaded = await page.evaluate((f) => window.ask({ flojoy: "load", flow: f }), flowText);
    assert.equal(loaded.ok, true, JSON.stringify(loaded));
    const ran = await page.evaluate(() => window.ask({ flojoy: "run" }));
    assert.equal(ran.ok, true);
    assert.equal(ran.value.status, "ok");
    const sine = Object.values(ran.value.nodes).find((n) => n.label === "SINE");
    assert.ok(sine.outputs.default.y.length > 0);
    await page.waitForFunction(() => window.reports.length > 0);
    const bad = await page.evaluate(() => window.ask({ flojoy: "dance" }));
    assert.equal(bad.ok, false);
    assert.match(bad.error, /unknown request/);
    // read-only: structure edits are refused with the reason; the flow is unchanged
    const before = (await page.evaluate(() => window.ask({ flojoy: "flow" }))).value.rfInstance.nodes.length;
    await frame.locator(".node").first().click();
    await frame.locator("body").press("Delete");
    await frame.getByText(/read-only: open it in the editor/).waitFor();
    const afterDelete = (await page.evaluate(() => window.ask({ flojoy: "flow" }))).value.rfInstance.nodes.length;
    assert.equal(afterDelete, before);
    const href = await frame.getByTestId("open-in-editor").getAttribute("href");
    assert.match(href, /#flow=/);
    assert.doesNotMatch(href, /embed=1/);
    // a device flow does not run from a message
    await page.evaluate((f) => window.ask({ flojoy: "load", flow: f }), makeFlow([["READ", "SERIAL_SINGLE_MEASUREMENT"]]));
    const refused = await page.evaluate(() => window.ask({ flojoy: "run" }));
    assert.equal(refused.ok, false);
    assert.match(refused.error, /uses devices/);
    assert.deepEqual(errors, []);
    await page.screenshot({ path: join(DIST, "..", "test-results", "embed.png") });
  } finally {
    await host.close();
  }
});

test("an embed does not touch the editor's autosaved flow", async () => {
  const { ctx } = await context(browser);
  const { page } = await open(ctx, server.url);
  await page.waitForFunction(() => window.flojoy);
  await load(page, galleryFile("default.json"));
  const mine = await flow(page);
  const embed = await ctx.newPage();
  await embed.goto(`${server.url}?embed=1`);
  await embed.getByTestId("embed-bar").waitFor();
  await embed.evaluate(() => window.flojoy.load({ rfInstance: { nodes: [], edges: [] } }));
  await page.reload();
  await page.waitForFunction(() => window.flojoy);
  assert.equal((await flow(page)).rfInstance.nodes.length, mine.rfInstance.nodes.length);
});

test("static hosting from a sub-path: the app, a run and Python work under /flojoy-web/", async () => {
  const sub = await serve(DIST, { base: "/flojoy-web/" });
  try {
    const { page, errors, outside } = await openEditor(browser, sub.url);
    const r = await page.evaluate(() => window.flojoy.run());
    assert.equal(r.status, "ok");
    await load(page, PY_FLOW);
    const py = await page.evaluate(() => window.flojoy.run());
    assert.equal(py.status, "ok", JSON.stringify(py));
    assert.deepEqual(py.nodes["SQUARE-1"].outputs.default.v, [1, 4, 9]);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.ok(scope.endsWith("/flojoy-web/"), scope);
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    await sub.close();
  }
});

test("offline: after one visit the app opens, runs built-in and Python nodes with the network off", async () => {
  const own = await serve(DIST);
  try {
    const { ctx } = await context(browser);
    const { page, errors } = await open(ctx, own.url);
    await page.getByTestId("run-button").waitFor();
    await offlineReady(page);
    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId("run-button").waitFor();
    await page.waitForFunction(() => window.flojoy);
    const r = await page.evaluate(() => window.flojoy.run());
    assert.equal(r.status, "ok");
    await load(page, PY_FLOW);
    const py = await page.evaluate(() => window.flojoy.run());
    assert.equal(py.status, "ok", JSON.stringify(py.error));
    assert.deepEqual(py.nodes["SQUARE-1"].outputs.default.v, [1, 4, 9]);
    // gallery examples open and run offline too, their data files included
    for (const id of ["noisy-sine", "csv-cleanup"]) {
      await page.getByTestId("examples").click();
      await page.getByTestId(`example-${id}`).click();
      await page.getByTestId("gallery").waitFor({ state: "detached" });
      const ex = await page.evaluate(() => window.flojoy.run());
      assert.equal(ex.status, "ok", `${id}: ${JSON.stringify(ex)}`.slice(0, 500));
      const f = await flow(page);
      for (const c of GOLDEN[id]) {
        const key = f.rfInstance.nodes.find((n) => n.data.label === c.node).id;
        check(ex.nodes[key].outputs[c.output], c);
      }
    }
    assert.deepEqual(errors.filter((e) => !/Failed to load resource|net::ERR_INTERNET_DISCONNECTED/.test(e)), []);
  } finally {
    await own.close();
  }
});

/** Deploys "v2" over the site copy in `dir`: the same files with a new version stamp (as a
 * rebuild with changes would give), index.html's new SHA-256 in sw.js (which serves only
 * files as built), and `patchSw` applied to the new service worker's source. */
function deploy(dir, v1, v2, patchSw = (src) => src) {
  const sha = (p) => createHash("sha256").update(readFileSync(p)).digest("hex");
  const index = join(dir, "index.html");
  const before = sha(index);
  writeFileSync(index, readFileSync(index, "utf8").replaceAll(v1, v2));
  const sw = join(dir, "sw.js");
  writeFileSync(sw, patchSw(readFileSync(sw, "utf8").replaceAll(v1, v2).replaceAll(before, sha(index))));
}

/** Runs `body(dir, page, v1, errors)` on a copy of the site in `dir`, served on its own
 * port, with `page` open on it and offline-ready at version `v1`; removes the copy after. */
async function onSiteCopy(body) {
  const dir = mkdtempSync(join(tmpdir(), "flojoy-site-"));
  cpSync(DIST, dir, { recursive: true });
  const site = await serve(dir);
  const { ctx } = await context(browser);
  try {
    const { page, errors } = await open(ctx, site.url);
    await page.getByTestId("run-button").waitFor();
    await offlineReady(page);
    const v1 = await page.evaluate(() => document.querySelector("meta[name=flojoy-version]").content);
    assert.match(v1, /^[0-9a-f]{12}$/);
    await body(dir, page, v1, errors);
  } finally {
    await ctx.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a new deployment is picked up on the next load with a notice, never mixed", async () => {
  await onSiteCopy(async (dir, page, v1) => {
    const v2 = "0123456789ab";
    deploy(dir, v1, v2);
    await page.reload();
    await page.getByText(/new version of Flojoy Web is ready/).waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate(() => document.querySelector("meta[name=flojoy-version]").content), v1, "this load is still v1 throughout");
    await page.reload();
    await page.getByText(`Flojoy Web was updated (version ${v1} → ${v2})`).waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => document.querySelector("meta[name=flojoy-version]").content), v2);
    const keys = await page.evaluate(() => caches.keys());
    assert.deepEqual(keys.filter((k) => k.startsWith("flojoy-web-")), [`flojoy-web-${v2}`], "the old version's cache is gone");
  });
});

test("a new version that never takes over: after three reloads the tab starts on the version it has", async () => {
  await onSiteCopy(async (dir, page, v1, errors) => {
    // v2's worker never answers the page's request to take over (as when Chromium holds it
    // back for minutes): the page must not reload for ever
    const ignore = 'if (event.data === "flojoy:activate") self.skipWaiting();';
    deploy(dir, v1, "0123456789ab", (src) => {
      assert.ok(src.includes(ignore), "sw.js still asks for the switch this way");
      return src.replace(ignore, "");
    });
    await page.reload();
    await page.getByText(/new version of Flojoy Web is ready/).waitFor({ timeout: 60_000 });
    let loads = 0;
    page.on("framenavigated", (frame) => frame === page.mainFrame() && loads++);
    await page.reload({ waitUntil: "commit" });
    await page.getByTestId("run-button").waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => window.flojoy && typeof window.flojoy.run === "function");
    assert.equal(loads, 4, "the reload asked for, and three more while waiting for the switch");
    assert.equal(await page.evaluate(() => document.querySelector("meta[name=flojoy-version]").content), v1);
    assert.equal((await page.evaluate(() => window.flojoy.run())).status, "ok");
    // this tab has given up: the next reload starts at once (a new tab asks again)
    loads = 0;
    await page.reload();
    await page.getByTestId("run-button").waitFor();
    assert.equal(loads, 1);
    assert.deepEqual(errors, []);
    // a new tab whose storage refuses to keep the count does not try at all (it could not
    // know when to stop)
    const tab = await page.context().newPage();
    await tab.addInitScript(() => {
      Storage.prototype.setItem = () => {
        throw new DOMException("the quota has been exceeded", "QuotaExceededError");
      };
    });
    let tabLoads = 0;
    tab.on("framenavigated", (frame) => frame === tab.mainFrame() && tabLoads++);
    await tab.goto(page.url());
    await tab.getByTestId("run-button").waitFor({ timeout: 60_000 });
    assert.equal(tabLoads, 1);
    assert.equal(await tab.evaluate(() => document.querySelector("meta[name=flojoy-version]").content), v1);
  });
});
