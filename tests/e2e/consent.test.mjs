// Story: a flow from outside the site (a share link, a `?flow=` URL, a file, a host page's
// message, pasted text that this page did not copy) never runs its Python code, hardware
// nodes or file exports before the visitor has seen them and clicked Run: the review says what
// will run and shows the code. Flows of computing built-in nodes still run from `run=1`; the
// site's examples and the user's own flows run as before.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { serve } from "../support/server.mjs";
import { DIST, context, launch, open } from "../support/browser.mjs";
import { flow, galleryFile, load, openEditor } from "../support/editor.mjs";

const SQUARE = "from flojoy import flojoy, Vector\n\n@flojoy\ndef SQUARE(default: Vector) -> Vector:\n    return Vector(v=[x * x for x in default.v])\n";
const PY_FLOW = {
  rfInstance: {
    nodes: [
      { id: "LINSPACE-1", data: { func: "LINSPACE", label: "LINSPACE", ctrls: { start: { param: "start", value: 1 }, end: { param: "end", value: 3 }, step: { param: "step", value: 3 } } }, position: { x: 0, y: 0 } },
      { id: "SQUARE-1", data: { func: "SQUARE", label: "SQUARE", code: SQUARE }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: "LINSPACE-1", sourceHandle: "default", target: "SQUARE-1", targetHandle: "default" }],
  },
};

let server, browser;
before(async () => {
  server = await serve(DIST, { files: { "/flows/py.json": JSON.stringify(PY_FLOW) } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A share link for `f`, made by the app's Share dialog (with run=1 when `run`). */
async function shareLink(f, run) {
  const { page, ctx } = await openEditor(browser, server.url);
  await load(page, f);
  await page.getByTestId("share").click();
  if (run) await page.getByTestId("share-run").check();
  const link = await page.getByTestId("share-link").inputValue();
  await ctx.close();
  return link;
}

const squareOut = (page) => page.evaluate(() => window.flojoy.output("SQUARE"));

test("a share link with run=1 and Python code opens the review; the code runs only after Run there", async () => {
  const link = await shareLink(PY_FLOW, true);
  const { page, errors, outside, ctx } = await openEditor(browser, link);
  const dialog = page.getByTestId("consent-dialog");
  await dialog.waitFor();
  assert.equal(await page.getByTestId("consent-summary").textContent(), "1 Python node; code from this link.");
  assert.equal(await dialog.getByTestId("consent-code").textContent(), SQUARE, "the code is there to read, whole");
  assert.match(await page.getByText(/has 1 Python node; code from this link: read it, then press Run/).textContent(), /press Run/);
  assert.equal(await page.evaluate(() => window.flojoy.pendingConsent()), "1 Python node; code from this link");
  // automation cannot get around it, and nothing ran
  await assert.rejects(page.evaluate(() => window.flojoy.run()), /reviewed it and clicked Run/);
  assert.equal(await squareOut(page), null);
  assert.equal(await page.locator('[data-status="done"]').count(), 0, "no node ran");
  // Run in the review: it runs, and is the user's from then on
  await page.getByTestId("consent-run").click();
  await page.waitForFunction(() => window.flojoy.output("SQUARE") !== null, null, { timeout: 60_000 });
  assert.deepEqual((await squareOut(page)).v, [1, 4, 9]);
  assert.equal(await page.evaluate(() => window.flojoy.pendingConsent()), null);
  assert.equal(await page.getByTestId("consent-badge").count(), 0);
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok");
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("without run=1 the link's Python flow waits: Run opens the review, Not now runs nothing, a reload keeps it waiting", async () => {
  const link = await shareLink(PY_FLOW, false);
  const { page, errors, ctx } = await openEditor(browser, link);
  await page.getByTestId("consent-badge").waitFor();
  assert.equal(await page.getByTestId("consent-dialog").count(), 0, "the review opens when the user asks to run");
  await page.getByTestId("run-button").click();
  await page.getByTestId("consent-dialog").waitFor();
  await page.getByTestId("consent-cancel").click();
  assert.equal(await page.getByTestId("consent-dialog").count(), 0);
  assert.equal(await squareOut(page), null);
  // the autosave remembers where the flow came from
  await page.evaluate(() => window.flojoy.saved());
  await page.reload();
  await page.waitForFunction(() => window.flojoy && window.flojoy.flow().rfInstance.nodes.length === 2);
  assert.equal(await page.evaluate(() => window.flojoy.pendingConsent()), "1 Python node; code from this link");
  await page.getByTestId("consent-badge").click();
  await page.getByTestId("consent-run").click();
  await page.waitForFunction(() => window.flojoy.output("SQUARE") !== null, null, { timeout: 60_000 });
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("?flow=<url>&run=1: a Python flow from outside waits for the review; a built-in flow and a gallery example run", async () => {
  const py = await openEditor(browser, `${server.url}?flow=flows/py.json&run=1`);
  await py.page.getByTestId("consent-dialog").waitFor();
  assert.equal(await py.page.getByTestId("consent-summary").textContent(), "1 Python node; code from this link.");
  assert.equal(await squareOut(py.page), null);
  await py.ctx.close();

  // a file/export node is held too
  const exp = { rfInstance: { nodes: [
    { id: "C-1", data: { func: "CONSTANT", label: "C" }, position: { x: 0, y: 0 } },
    { id: "E-1", data: { func: "EXPORT_CSV", label: "EXPORT" }, position: { x: 300, y: 0 } },
  ], edges: [] } };
  const link = await shareLink(exp, true);
  const e = await openEditor(browser, link);
  await e.page.getByTestId("consent-dialog").waitFor();
  assert.equal(await e.page.getByTestId("consent-summary").textContent(), "1 file export; flow from this link.");
  await e.ctx.close();

  // built-in nodes only: runs at once, as before
  const plain = await shareLink(JSON.parse(galleryFile("default.json")), true);
  const p = await openEditor(browser, plain);
  await p.page.waitForFunction(() => window.flojoy.output("SINE") !== null, null, { timeout: 30_000 });
  assert.equal(await p.page.getByTestId("consent-dialog").count(), 0);
  await p.ctx.close();

  // the site's own Python example runs from run=1 like from the gallery
  const g = await openEditor(browser, `${server.url}?flow=gallery/python-ema-filter.json&run=1`);
  await g.page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length > 0 && document.querySelectorAll('[data-status="done"]').length > 0, null, { timeout: 60_000 });
  assert.equal(await g.page.evaluate(() => window.flojoy.pendingConsent()), null);
  assert.equal(await g.page.getByTestId("consent-dialog").count(), 0);
  await g.ctx.close();
});

test("an opened file with Python code waits for the review; the user's own flow runs on a click", async () => {
  const { page, errors, ctx } = await openEditor(browser, server.url);
  await page.getByTestId("open-file").setInputFiles({ name: "theirs.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(PY_FLOW)) });
  await page.getByTestId("consent-badge").waitFor();
  assert.equal(await page.evaluate(() => window.flojoy.pendingConsent()), "1 Python node; code from the file theirs.json");
  await page.getByTestId("run-button").click();
  await page.getByTestId("consent-dialog").waitFor();
  assert.equal(await squareOut(page), null);
  await page.getByTestId("consent-close").click();
  // the same flow as the user's own (window.flojoy.load is the page's own script): Run runs it
  await load(page, PY_FLOW);
  assert.equal(await page.evaluate(() => window.flojoy.pendingConsent()), null);
  await page.getByTestId("run-button").click();
  await page.waitForFunction(() => window.flojoy.output("SQUARE") !== null, null, { timeout: 60_000 });
  assert.equal(await page.getByTestId("consent-dialog").count(), 0);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("Python nodes pasted from elsewhere wait for the review; the page's own copy pastes back as the user's", async () => {
  const { ctx } = await context(browser, { permissions: ["clipboard-read", "clipboard-write"] });
  const { page, errors } = await open(ctx, server.url);
  await page.waitForFunction(() => window.flojoy && typeof window.flojoy.flow === "function");
  const nodes = () => page.evaluate(() => window.flojoy.flow().rfInstance.nodes.length);
  await load(page, PY_FLOW);
  // copied and pasted back in this page: the user's own nodes, no review
  await page.getByTestId("canvas").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Control+c");
  await page.keyboard.press("Control+v");
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 4);
  assert.equal(await page.evaluate(() => window.flojoy.pendingConsent()), null);
  // a snippet with built-in nodes only, from elsewhere: no review either
  const sine = { rfInstance: { nodes: [{ id: "SINE-9", data: { func: "SINE", label: "SINE" }, position: { x: 0, y: 400 } }], edges: [] } };
  await page.evaluate((t) => navigator.clipboard.writeText(t), JSON.stringify(sine));
  await page.keyboard.press("Control+v");
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 5);
  assert.equal(await page.evaluate(() => window.flojoy.pendingConsent()), null);
  // Python code from elsewhere: the whole flow waits for the review
  await page.evaluate((t) => navigator.clipboard.writeText(t), JSON.stringify(PY_FLOW));
  await page.keyboard.press("Control+v");
  await page.waitForFunction(() => window.flojoy.flow().rfInstance.nodes.length === 7);
  assert.equal(await page.evaluate(() => window.flojoy.pendingConsent()), "3 Python nodes; code from pasted text");
  await page.getByTestId("consent-badge").waitFor();
  await page.getByTestId("run-button").click();
  await page.getByTestId("consent-dialog").waitFor();
  assert.equal(await squareOut(page), null, "nothing ran");
  await page.getByTestId("consent-close").click();
  assert.equal(await nodes(), 7, "the flow is intact");
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("embed: a Python flow sent by a host page does not run from a message until the user clicks Run in the frame", async () => {
  const host = await serve(DIST, {
    files: {
      "/docs.html": `<!doctype html><title>docs</title>
<iframe id="f" src="${server.url}?embed=1" width="900" height="500" allow="serial; usb"></iframe>
<script>
  const frame = document.getElementById("f");
  let next = 0;
  const pending = new Map();
  window.addEventListener("message", (e) => {
    if (e.data?.flojoy === "ready") window.frameReady = true;
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
    const loaded = await page.evaluate((f) => window.ask({ flojoy: "load", flow: f }), PY_FLOW);
    assert.equal(loaded.ok, true, JSON.stringify(loaded));
    const refused = await page.evaluate(() => window.ask({ flojoy: "run" }));
    assert.equal(refused.ok, false);
    assert.equal(refused.error, `this flow has 1 Python node; code from a message from ${new URL(host.url).origin}: it runs only when the user has reviewed it and clicked Run in the frame`);
    await frame.getByTestId("run-button").click();
    await frame.getByTestId("consent-dialog").waitFor();
    assert.match(await frame.getByTestId("consent-code").textContent(), /def SQUARE/);
    await frame.getByTestId("consent-run").click();
    const ran = await page.evaluate(() => window.ask({ flojoy: "run" }));
    assert.equal(ran.ok, true, JSON.stringify(ran));
    assert.deepEqual(ran.value.nodes["SQUARE-1"].outputs.default.v, [1, 4, 9]);
    assert.deepEqual(errors, []);
  } finally {
    await host.close();
  }
});
