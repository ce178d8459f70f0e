// The bad-input matrix (issue 13): every way a user or a stranger can hand the app something
// wrong, as one table. Each case asserts the message the user sees, the node (and port) it
// names where there is one, and that what they had is intact: the previous flow (unchanged in
// the page, or kept in Recent when the bad input legitimately replaced it) and its results.
// Cases print a line each (`case N: name: outcome`) for the matrix in the report.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { serve } from "../support/server.mjs";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { DIST, context, launch, profileContext } from "../support/browser.mjs";
import { flow, load, openEditor } from "../support/editor.mjs";
import { devices, makeFlow, withDevices } from "../support/devices.mjs";

let server, browser, editor;
before(async () => {
  server = await serve(DIST);
  browser = await launch();
  editor = await openEditor(browser, server.url);
});
after(async () => {
  await editor?.ctx.close();
  await browser?.close();
  await server?.close();
});

// what the user had: a two-node flow with a result on screen
const BASE = makeFlow([["MINE", "CONSTANT", { constant: 7, dc_type: "Scalar" }], ["ALSO_MINE", "CONSTANT", { constant: 8, dc_type: "Scalar" }]]);
BASE.name = "My flow";

const py = (label, code) => ({ id: `${label}-1`, data: { func: label, label, code }, position: { x: 0, y: 0 } });
const pyFlow = (label, code) => ({ name: "py", rfInstance: { nodes: [py(label, code)], edges: [] } });
const HEAD = "from flojoy import flojoy, Scalar, Vector\n\n";

const toast = (page, re) => page.locator(".toast", { hasText: re }).first().or(page.getByText(re).first());

async function baseline(page) {
  await load(page, BASE);
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "ok");
  await page.evaluate(() => window.flojoy.saved());
  return JSON.stringify(await flow(page));
}

/** The flow in the page is still the user's, and its result still shows. */
async function intact(page, before) {
  assert.equal(JSON.stringify(await flow(page)), before, "the flow is unchanged");
  assert.equal((await page.evaluate(() => window.flojoy.output("MINE")))?.c, 7, "its result still shows");
}

/** The bad input replaced the flow (as opening a file does): the user's flow is in Recent. */
async function inRecent(page) {
  const end = Date.now() + 30_000;
  let r;
  while (([r] = await page.evaluate(() => window.flojoy.recent())), r?.name !== "My flow" && Date.now() < end) {
    await page.evaluate(() => new Promise((ok) => requestAnimationFrame(ok)));
  }
  assert.equal(r?.name, "My flow", "the user's flow is the newest in Recent");
  assert.equal(r.nodes, 2);
}

const openFile = (page, name, text) =>
  page.getByTestId("open-file").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.isBuffer(text) ? text : Buffer.from(text) });

/** A diagnostic naming `label` (and `port`) matching `re`. */
function diag(diags, re, label, port) {
  const d = diags.find((d) => re.test(d.message));
  assert.ok(d, `a diagnostic ${re} in ${JSON.stringify(diags)}`);
  assert.ok(d.message.startsWith(`${label}:`) || d.message.includes(label), `it names ${label}: ${d.message}`);
  if (port !== undefined) assert.equal(d.port, port);
  assert.ok(d.node, "it carries the node's id");
  return d.message;
}

/** A run of the loaded flow fails at `label` with `re`; returns the message. */
async function runFails(page, label, re) {
  const r = await page.evaluate(() => window.flojoy.run());
  assert.equal(r.status, "failed", JSON.stringify(r).slice(0, 400));
  const node = Object.values(r.nodes).find((n) => n.label === label);
  assert.ok(node, `${label} is in the report`);
  assert.match(node.error ?? "", re);
  return node.error;
}

const CASES = [
  // ---- files opened with Open (or dropped): the flow stays as it was
  ["malformed JSON file", async (p, b) => {
    await openFile(p, "broken.json", '{"rfInstance": {"nodes": [');
    const t = await toast(p, /broken\.json was not opened: this file is not valid JSON \(line 1/).textContent();
    await intact(p, b);
    return t;
  }],
  ["truncated flow file", async (p, b) => {
    const text = JSON.stringify(BASE);
    await openFile(p, "cut.json", text.slice(0, text.length / 2));
    const t = await toast(p, /cut\.json was not opened: this file is not valid JSON/).textContent();
    await intact(p, b);
    return t;
  }],
  ["JSON that is not a flow", async (p, b) => {
    await openFile(p, "words.json", '{"hello": 1}');
    const t = await toast(p, /words\.json was not opened: this is JSON but not a Flojoy flow/).textContent();
    await intact(p, b);
    return t;
  }],
  ["empty file", async (p, b) => {
    await openFile(p, "empty.json", "");
    const t = await toast(p, /empty\.json was not opened/).textContent();
    await intact(p, b);
    return t;
  }],
  ["binary file (a PNG) opened as a flow", async (p, b) => {
    await openFile(p, "photo.json", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
    const t = await toast(p, /photo\.json was not opened/).textContent();
    await intact(p, b);
    return t;
  }],
  ["nodes that are not a list", async (p, b) => {
    await openFile(p, "odd.json", '{"rfInstance": {"nodes": 5, "edges": []}}');
    const t = await toast(p, /odd\.json was not opened/).textContent();
    await intact(p, b);
    return t;
  }],
  // ---- window.flojoy.load: throws, the flow stays
  ["load(): text that is not JSON", async (p, b) => {
    const e = await p.evaluate(() => window.flojoy.load("flow? no").then(() => "loaded", (e) => String(e)).catch((e) => String(e))).catch((e) => String(e));
    assert.match(e, /not valid JSON/);
    await intact(p, b);
    return e;
  }],
  ["load(): a number", async (p, b) => {
    const e = await p.evaluate(() => { try { window.flojoy.load(42); return "loaded"; } catch (e) { return String(e); } });
    assert.match(e, /not a Flojoy flow/);
    await intact(p, b);
    return e;
  }],
  // ---- flows that open (replacing the user's, which goes to Recent) but cannot run as they are
  ["unknown node", async (p) => {
    const d = await load(p, makeFlow([["NOPE", "NO_SUCH_NODE"]]));
    const m = diag(d, /unknown node 'NO_SUCH_NODE'/, "NOPE");
    await runFails(p, "NOPE", /./).catch(() => {}); // the run stops at validation
    await inRecent(p);
    return m;
  }],
  ["wire from a node that is not in the file", async (p) => {
    // the wire cannot be kept: the flow opens without it, and the load says which and why
    const f = makeFlow([["B", "CONSTANT"]]);
    f.rfInstance.edges = [{ source: "GHOST", sourceHandle: "default", target: "B", targetHandle: "default" }];
    assert.deepEqual(await load(p, f), []);
    const t = await toast(p, /opened the flow with 1 warning: wire #1 was dropped: its source GHOST is not in the file/).textContent();
    assert.equal((await flow(p)).rfInstance.edges.length, 0);
    await inRecent(p);
    return t;
  }],
  ["two nodes with the same id", async (p) => {
    const f = makeFlow([["TWIN", "CONSTANT"], ["TWIN", "CONSTANT"]]);
    await load(p, f);
    const t = await toast(p, /TWIN: id TWIN appears twice; the second copy was given /).textContent();
    assert.equal((await flow(p)).rfInstance.nodes.length, 2, "both nodes kept");
    await inRecent(p);
    return t;
  }],
  ["wire of the wrong type", async (p) => {
    const d = await load(p, makeFlow([["WORDS", "TEXT"], ["NUM", "CONSTANT"]], [["WORDS", "NUM"]]));
    const m = diag(d, /expects .* gives/, "NUM", "default");
    await inRecent(p);
    return m;
  }],
  ["cycle of plain wires", async (p) => {
    const d = await load(p, makeFlow([["A", "CONSTANT"], ["B", "CONSTANT"]], [["A", "B"], ["B", "A"]]));
    const m = diag(d, /form a cycle/, "A");
    await inRecent(p);
    return m;
  }],
  ["missing required input", async (p) => {
    const d = await load(p, makeFlow([["SAVE", "EXPORT_CSV"]]));
    const m = diag(d, /input 'dc' is not connected/, "SAVE", "dc");
    await inRecent(p);
    return m;
  }],
  ["parameter of the wrong type", async (p) => {
    const d = await load(p, makeFlow([["C", "CONSTANT", { constant: "lots", dc_type: "Scalar" }]]));
    const m = diag(d, /constant/, "C", "constant");
    await inRecent(p);
    return m;
  }],
  ["option that is not one of the choices", async (p) => {
    const d = await load(p, makeFlow([["C", "CONSTANT", { dc_type: "Banana" }]]));
    const m = diag(d, /dc_type|Banana/, "C", "dc_type");
    await inRecent(p);
    return m;
  }],
  // ---- Python nodes
  ["Python exception", async (p) => {
    await load(p, pyFlow("BOOM", HEAD + "@flojoy\ndef BOOM() -> Scalar:\n    raise ValueError('the sensor said no')\n"));
    const m = await runFails(p, "BOOM", /ValueError: the sensor said no/);
    await inRecent(p);
    return m;
  }],
  ["Python syntax error", async (p) => {
    const d = await load(p, pyFlow("BAD", HEAD + "@flojoy\ndef BAD() -> Scalar\n    return Scalar(c=1)\n"));
    const m = d.length ? diag(d, /./, "BAD") : await runFails(p, "BAD", /SyntaxError|line 4/);
    await inRecent(p);
    return m;
  }],
  ["Python node returns the wrong type", async (p) => {
    await load(p, pyFlow("WRONG", HEAD + "@flojoy\ndef WRONG() -> Scalar:\n    return 'not a DataContainer'\n"));
    const m = await runFails(p, "WRONG", /./);
    await inRecent(p);
    return m;
  }],
  ["Python infinite loop, stopped", async (p) => {
    await load(p, pyFlow("SPIN", HEAD + "@flojoy\ndef SPIN() -> Scalar:\n    while True:\n        pass\n"));
    const pending = p.evaluate(() => window.flojoy.run());
    await p.waitForFunction(() => document.querySelector('[data-testid="node-SPIN"]')?.dataset.status === "running", null, { timeout: 60_000 });
    await p.evaluate(() => window.flojoy.stop());
    const r = await pending;
    assert.equal(r.status, "cancelled");
    // Python works again afterwards
    await load(p, pyFlow("OK", HEAD + "@flojoy\ndef OK() -> Scalar:\n    return Scalar(c=3)\n"));
    const again = await p.evaluate(() => window.flojoy.run());
    assert.equal(again.status, "ok", JSON.stringify(again).slice(0, 300));
    return `status ${r.status}; the next run ${again.status}`;
  }],
  ["huge output (2 million points)", async (p) => {
    await load(p, makeFlow([["BIG", "LINSPACE", { start: 0, end: 1, step: 2_000_000 }]]));
    const r = await p.evaluate(() => window.flojoy.run({ outputs: false }));
    assert.equal(r.status, "ok");
    await p.getByTestId("node-BIG").waitFor();
    const t = await p.getByTestId("node-BIG").textContent();
    assert.match(t, /2,?000,?000|2000000|2\.0e6|2 000 000/);
    await inRecent(p);
    return `ok; the node shows ${t.match(/2,?000,?000|2000000|2\.0e6|2 000 000/)[0]} points`;
  }],
];

// cases that need their own page (links, messages, storage)
const OWN_PAGE = [
  ["damaged share link", async () => {
    const { page, ctx } = await openEditor(browser, `${server.url}#flow=AAAA`);
    const t = await toast(page, /shared link could not be opened: the link is damaged/).textContent();
    assert.ok((await flow(page)).rfInstance.nodes.length > 0, "the app still shows a flow");
    await ctx.close();
    return t;
  }],
  ["oversized share fragment (64 MB once inflated, past the 32 MB limit)", async () => {
    // 64 MB of spaces deflate to ~64 KB: past the 32 MB limit on inflation
    const { deflateRawSync } = await import("node:zlib");
    const raw = deflateRawSync(Buffer.alloc(64 << 20, 0x20), { level: 9 }).toString("base64url");
    const { page, ctx } = await openEditor(browser, `${server.url}#flow=${raw}`);
    const t = await toast(page, /shared link could not be opened: the link's flow is too large \(over 32 MB/).textContent();
    assert.ok((await flow(page)).rfInstance.nodes.length > 0);
    await ctx.close();
    return t;
  }],
  ["?flow= URL that does not exist", async () => {
    const { page, ctx } = await openEditor(browser, `${server.url}?flow=flows/missing.json&run=1`);
    const t = await toast(page, /the flow in the link could not be opened/).textContent();
    assert.ok((await flow(page)).rfInstance.nodes.length > 0);
    await ctx.close();
    return t;
  }],
  ["hostile link: Python code with run=1", async () => {
    const { deflateRawSync } = await import("node:zlib");
    const f = pyFlow("STEAL", HEAD + "import js\n\n@flojoy\ndef STEAL() -> Scalar:\n    js.localStorage\n    return Scalar(c=1)\n");
    const frag = deflateRawSync(Buffer.from(JSON.stringify(f))).toString("base64url");
    const { page, ctx } = await openEditor(browser, `${server.url}#flow=${frag}&run=1`);
    await page.getByTestId("consent-dialog").waitFor();
    const t = await page.getByTestId("consent-summary").textContent();
    assert.equal(t, "1 Python node; code from this link.");
    assert.equal(await page.evaluate(() => window.flojoy.output("STEAL")), null, "it did not run");
    await ctx.close();
    return `review opened: ${t}; nothing ran`;
  }],
  ["hostile postMessage from another origin", async () => {
    const HOST_JS = `const frame = document.getElementById("f");
let next = 0; const pending = new Map();
window.addEventListener("message", (e) => {
  if (e.data?.flojoy === "ready") window.frameReady = true;
  if (e.data?.flojoy === "result") { pending.get(e.data.id)?.(e.data); pending.delete(e.data.id); }
});
window.ask = (msg) => new Promise((ok) => { const id = ++next; pending.set(id, ok); frame.contentWindow.postMessage({ ...msg, id }, "*"); });`;
    const other = await serve(DIST, { files: { "/host.html": `<!doctype html><iframe id="f" src="${server.url}?embed=1" allow="serial; usb"></iframe><script src="host.js"></script>`, "/host.js": HOST_JS } });
    try {
      const { ctx } = await context(browser);
      const hostPage = await ctx.newPage();
      await hostPage.goto(`${other.url}host.html`);
      await hostPage.waitForFunction(() => window.frameReady === true, null, { timeout: 30_000 });
      const before = (await hostPage.evaluate(() => window.ask({ flojoy: "flow" }))).value;
      const garbage = await hostPage.evaluate(() => window.ask({ flojoy: "load", flow: "}{" }));
      assert.equal(garbage.ok, false);
      assert.match(garbage.error, /not valid JSON/);
      const same = (await hostPage.evaluate(() => window.ask({ flojoy: "flow" }))).value;
      assert.deepEqual(same, before, "a bad message leaves the frame's flow");
      const unknown = await hostPage.evaluate(() => window.ask({ flojoy: "format-disk" }));
      assert.match(unknown.error, /unknown request/);
      await hostPage.evaluate((f) => window.ask({ flojoy: "load", flow: f }), pyFlow("STEAL", HEAD + "@flojoy\ndef STEAL() -> Scalar:\n    return Scalar(c=1)\n"));
      const refused = await hostPage.evaluate(() => window.ask({ flojoy: "run" }));
      assert.equal(refused.ok, false);
      assert.match(refused.error, /1 Python node; code from a message from http:\/\/127\.0\.0\.1:\d+: it runs only when the user has reviewed it/);
      await ctx.close();
      return `${garbage.error} | ${unknown.error} | ${refused.error}`;
    } finally {
      await other.close();
    }
  }],
  ["storage full: a flow too big for the quota", async () => {
    // a browser with a profile on disk, where Chromium enforces a quota set through DevTools
    // (incognito contexts ignore it); no service worker, whose offline copy of the site
    // (Pyodide included) would count against the small quota
    const dir = mkdtempSync(join(tmpdir(), "flojoy-quota-"));
    const { ctx } = await profileContext(dir, { serviceWorkers: "block" });
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      // the quota is set before the site first opens its storage (Chromium keeps the quota it
      // read then for as long as the storage stays open)
      const cdp = await ctx.newCDPSession(page);
      await cdp.send("Storage.overrideQuotaForOrigin", { origin: new URL(server.url).origin, quotaSize: 8_000_000 });
      await page.goto(server.url);
      await page.waitForFunction(() => window.flojoy && typeof window.flojoy.flow === "function");
      const before = await baseline(page);
      // 24 MB of random base64 in a text node: IndexedDB compresses what it stores, so the
      // payload must not compress below the 8 MB quota
      const huge = makeFlow([["HUGE", "TEXT", { value: randomBytes(18_000_000).toString("base64") }]]);
      huge.name = "Huge";
      await load(page, huge);
      const t = await toast(page, /autosave failed: this flow \(2\d\.\d MB\) does not fit in the browser's storage; the last good autosave \(\d\d:\d\d:\d\d\) is kept/).textContent();
      assert.equal((await page.evaluate(() => window.flojoy.run())).status, "ok", "the big flow still runs");
      await inRecent(page);
      // the next visit starts from the last save that fitted: the user's flow
      await page.reload();
      await page.waitForFunction(() => window.flojoy?.flow?.().name === "My flow");
      assert.equal(JSON.stringify(await flow(page)), before, "the last good autosave came back");
      assert.equal((await page.evaluate(() => window.flojoy.run())).status, "ok");
      assert.equal((await page.evaluate(() => window.flojoy.output("MINE")))?.c, 7);
      assert.deepEqual(errors.filter((e) => !/Failed to load resource|offline support/.test(e)), []);
      return t;
    } finally {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }],
  ["device unplugged mid-stream", async () => {
    const { page, ctx } = await openEditor(browser, server.url, {
      setup: (c) => withDevices(c, { serial: [{ kind: "unplug", name: "flaky", rate: 5000, after: 3000 }] }),
    });
    const f = makeFlow([["STREAM", "SERIAL_STREAM", { window: 1000 }], ["LINE", "LINE"]], [["STREAM", "LINE"]]);
    f.name = "My stream";
    await load(page, f);
    const before = JSON.stringify(await flow(page));
    const r = await page.evaluate(() => window.flojoy.run());
    assert.equal(r.status, "failed");
    assert.match(r.nodes.STREAM.error, /device disconnected/);
    const t = await page.getByTestId("result-STREAM").getByText(/device disconnected/).textContent();
    assert.ok(await page.evaluate(() => window.flojoy.output("LINE")), "the plot keeps what arrived before the unplug");
    assert.equal(JSON.stringify(await flow(page)), before, "the flow is unchanged");
    assert.ok((await devices(page)).events.some((e) => /disconnected/.test(e)));
    await ctx.close();
    return `STREAM: ${t}`;
  }],
  ["reload in the middle of a run", async () => {
    const { page, ctx } = await openEditor(browser, server.url);
    const slow = makeFlow([["WAIT", "TIMER", { sleep_time: 5 }], ["MINE", "CONSTANT", { constant: 7, dc_type: "Scalar" }]], [["WAIT", "MINE"]]);
    slow.name = "My flow";
    await load(page, slow);
    await page.evaluate(() => window.flojoy.saved());
    const before = JSON.stringify(await flow(page));
    await page.getByTestId("run-button").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="node-WAIT"]')?.dataset.status === "running");
    await page.reload();
    await page.waitForFunction(() => window.flojoy && window.flojoy.flow().name === "My flow");
    assert.equal(JSON.stringify(await flow(page)), before);
    await ctx.close();
    return "the flow came back unchanged; the app works";
  }],
];

test(`the bad-input matrix: ${CASES.length + OWN_PAGE.length} cases`, { timeout: 900_000 }, async () => {
  const page = editor.page;
  const outcomes = [];
  let n = 0;
  for (const [name, run] of CASES) {
    n += 1;
    const before = await baseline(page);
    try {
      const message = await run(page, before);
      outcomes.push([n, name, "ok", message]);
    } catch (e) {
      outcomes.push([n, name, "FAILED", String(e.message ?? e).split("\n")[0]]);
    }
  }
  for (const [name, run] of OWN_PAGE) {
    n += 1;
    try {
      outcomes.push([n, name, "ok", await run()]);
    } catch (e) {
      outcomes.push([n, name, "FAILED", String(e.message ?? e).split("\n")[0]]);
    }
  }
  for (const [i, name, status, message] of outcomes) console.log(`case ${i}: ${name}: ${status}: ${String(message).replace(/\s+/g, " ").slice(0, 240)}`);
  assert.ok(outcomes.length >= 25);
  assert.deepEqual(outcomes.filter((o) => o[2] !== "ok").map((o) => `${o[1]}: ${o[3]}`), []);
  assert.deepEqual(editor.errors.filter((e) => !/Failed to load resource/.test(e)), []);
});
