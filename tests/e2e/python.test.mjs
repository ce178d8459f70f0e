// Python nodes in real Pyodide (offline: every request outside 127.0.0.1 fails the test):
// Flojoy-style nodes with Scalar, OrderedPair and several outputs; a parameter change re-runs;
// an exception shows its traceback on the node while an independent branch finishes; an
// endless loop is cancelled and the next run works; a flow with Python nodes round-trips and
// runs from a link; the standard library imports offline; the code editor updates ports and
// shows errors at their line.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";

import { serve } from "../support/server.mjs";
import { DIST, launch } from "../support/browser.mjs";
import { flow, load, nodeByLabel, openEditor, run } from "../support/editor.mjs";

const PAIR = `from flojoy import flojoy, OrderedPair

@flojoy
def SCALE(default: OrderedPair, factor: float = 2.0) -> OrderedPair:
    """Scales the y values."""
    return OrderedPair(x=default.x, y=default.y * factor)
`;
const SPLIT = `from typing import TypedDict
import statistics, json, re
from flojoy import flojoy, OrderedPair, Scalar, String

class Stats(TypedDict):
    mean: Scalar
    text: String

@flojoy
def STATS(default: OrderedPair) -> Stats:
    ys = list(default.y)
    words = re.findall(r"[a-z]+", "alpha beta")
    print("n =", len(ys))
    return Stats(mean=Scalar(c=statistics.fmean(ys)), text=String(s=json.dumps({"n": len(ys), "w": words})))
`;
const BOOM = `from flojoy import flojoy, Scalar

@flojoy
def BOOM(default: Scalar) -> Scalar:
    x = default.c
    raise ValueError(f"cannot use {x}")
`;
const FOREVER = `from flojoy import flojoy, Scalar

@flojoy
def FOREVER(default: Scalar) -> Scalar:
    while True:
        pass
`;

let column = 0;
function py(id, func, code, inputs, outputs, ctrls = {}) {
  column += 1;
  return { id, data: { func, label: func, code, ctrls, inputs: inputs.map(([n, t]) => ({ name: n, id: n, type: t, multiple: false })), outputs: outputs.map(([n, t]) => ({ name: n, id: n, type: t })) }, position: { x: 300 * column, y: 0 } };
}

const pairFlow = {
  rfInstance: {
    nodes: [
      { id: "LINSPACE-1", data: { func: "LINSPACE", label: "LINSPACE", ctrls: { start: { param: "start", value: 0 }, end: { param: "end", value: 4 }, step: { param: "step", value: 5 } } }, position: { x: 0, y: 0 } },
      py("SCALE-1", "SCALE", PAIR, [["default", "OrderedPair"]], [["default", "OrderedPair"]], { factor: { type: "float", param: "factor", value: 3, default: 2 } }),
      { id: "SINE-1", data: { func: "SINE", label: "SINE", ctrls: { frequency: { param: "frequency", value: 0 }, offset: { param: "offset", value: 2 } } }, position: { x: 150, y: 0 } },
      py("STATS-1", "STATS", SPLIT, [["default", "OrderedPair"]], [["mean", "Scalar"], ["text", "String"]]),
    ],
    edges: [
      { source: "LINSPACE-1", sourceHandle: "default", target: "SINE-1", targetHandle: "default" },
      { source: "SINE-1", sourceHandle: "default", target: "SCALE-1", targetHandle: "default" },
      { source: "SCALE-1", sourceHandle: "default", target: "STATS-1", targetHandle: "default" },
    ],
  },
};

let server, browser;
before(async () => {
  server = await serve(DIST, { files: { "/flows/python.json": JSON.stringify(pairFlow) } });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

test("OrderedPair, Scalar and several outputs; a parameter change re-runs; stdlib imports offline", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  assert.deepEqual(await load(page, pairFlow), []);
  let r = await run(page);
  assert.equal(r.status, "ok", JSON.stringify(r));
  // SINE with frequency 0 and offset 2 is 2 everywhere; SCALE multiplies by 3
  assert.deepEqual(r.nodes["SCALE-1"].outputs.default.y, [6, 6, 6, 6, 6]);
  assert.deepEqual(r.nodes["SCALE-1"].outputs.default.x, [0, 1, 2, 3, 4]);
  assert.equal(r.nodes["STATS-1"].outputs.mean.c, 6);
  assert.equal(r.nodes["STATS-1"].outputs.text.s, '{"n": 5, "w": ["alpha", "beta"]}');
  assert.deepEqual(r.nodes["STATS-1"].log, ["n = 5"]);
  // change the Python node's parameter in the panel, run again
  await page.getByTestId("fit").click();
  await nodeByLabel(page, "SCALE").locator(".node-header").click();
  await page.getByTestId("param-factor").fill("0.5");
  await page.getByTestId("param-factor").press("Enter");
  r = await run(page);
  assert.deepEqual(r.nodes["SCALE-1"].outputs.default.y, [1, 1, 1, 1, 1]);
  assert.equal(r.nodes["STATS-1"].outputs.mean.c, 1);
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("an exception shows its traceback on the node while an independent branch finishes", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  const f = {
    rfInstance: {
      nodes: [
        { id: "SCALAR-1", data: { func: "SCALAR", label: "SCALAR", ctrls: { value: { param: "value", value: 7 } } }, position: { x: 0, y: 0 } },
        py("BOOM-1", "BOOM", BOOM, [["default", "Scalar"]], [["default", "Scalar"]]),
        { id: "LINSPACE-1", data: { func: "LINSPACE", label: "LINSPACE" }, position: { x: 0, y: 300 } },
        { id: "LINE-1", data: { func: "LINE", label: "LINE" }, position: { x: 300, y: 300 } },
      ],
      edges: [
        { source: "SCALAR-1", sourceHandle: "default", target: "BOOM-1", targetHandle: "default" },
        { source: "LINSPACE-1", sourceHandle: "default", target: "LINE-1", targetHandle: "default" },
      ],
    },
  };
  await load(page, f);
  const r = await run(page);
  assert.equal(r.status, "failed");
  assert.equal(r.nodes["BOOM-1"].status, "failed");
  assert.match(r.nodes["BOOM-1"].error, /ValueError: cannot use 7\.0/);
  assert.match(r.nodes["BOOM-1"].error, /File "<node BOOM>", line 6, in BOOM/);
  assert.equal(r.nodes["LINE-1"].status, "done", "the independent branch finished");
  await page.waitForFunction(() => document.querySelector('[data-testid="node-BOOM"]')?.dataset.status === "failed");
  assert.match(await page.getByTestId("result-BOOM").textContent(), /ValueError: cannot use 7\.0/);
  // the node view shows the whole traceback; the code editor marks the line
  await nodeByLabel(page, "BOOM").locator(".node-header").dblclick();
  assert.match(await page.getByTestId("node-view-error").textContent(), /line 6, in BOOM/);
  await page.getByTestId("edit-code").click();
  await page.locator(".cm-error-line").waitFor();
  assert.match(await page.locator(".cm-error-line").textContent(), /raise ValueError/);
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** SCALAR → FOREVER (a Python node that never returns). */
const foreverFlow = () => ({
  rfInstance: {
    nodes: [
      { id: "SCALAR-1", data: { func: "SCALAR", label: "SCALAR" }, position: { x: 0, y: 0 } },
      py("FOREVER-1", "FOREVER", FOREVER, [["default", "Scalar"]], [["default", "Scalar"]]),
    ],
    edges: [{ source: "SCALAR-1", sourceHandle: "default", target: "FOREVER-1", targetHandle: "default" }],
  },
});

test("an endless loop is cancelled; the app keeps working and the next run succeeds", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  await load(page, foreverFlow());
  await page.getByTestId("run-button").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="node-FOREVER"]')?.dataset.status === "running", null, { timeout: 60_000 });
  // the page stays responsive while Python spins: the canvas still answers
  await page.getByTestId("zoom-in").click();
  await page.getByTestId("run-button").click(); // Cancel
  await page.waitForFunction(() => /Run/.test(document.querySelector('[data-testid="run-button"]').textContent));
  assert.match(await page.getByTestId("log").textContent(), /run cancelled/);
  assert.equal(await nodeByLabel(page, "FOREVER").getAttribute("data-status"), "skipped");
  // replace the endless node with a working one and run again
  await load(page, pairFlow);
  const r = await run(page);
  assert.equal(r.status, "ok", JSON.stringify(r.nodes["SCALE-1"]));
  assert.deepEqual(r.nodes["SCALE-1"].outputs.default.y, [6, 6, 6, 6, 6]);
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("a flow file with Python nodes round-trips and runs from ?flow=…&run=1 after the review's Run", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url + "?flow=flows/python.json&run=1");
  // a link's Python code runs only once the user has seen it and clicked Run (issue 13)
  await page.getByTestId("consent-dialog").waitFor();
  await page.getByTestId("consent-run").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="node-STATS"]')?.dataset.status === "done", null, { timeout: 60_000 });
  assert.match(await page.getByTestId("result-STATS").textContent(), /Scalar 6/);
  const saved = await flow(page);
  const stats = saved.rfInstance.nodes.find((n) => n.data.func === "STATS");
  assert.equal(stats.data.code, SPLIT, "the code is in data.code");
  assert.deepEqual(stats.data.outputs.map((o) => o.id), ["mean", "text"]);
  // and the saved file loads and runs again
  await load(page, saved);
  const r = await run(page);
  assert.equal(r.nodes["STATS-1"].outputs.mean.c, 6);
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

test("the code editor: saving updates ports and parameters; a syntax error is shown at its line", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  await page.getByTestId("new").click();
  await page.getByTestId("add-python").click();
  await page.getByTestId("code-editor").waitFor();
  await page.locator(".cm-content").waitFor();
  const set = async (code) => {
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+a");
    await page.keyboard.press("Delete");
    await page.evaluate((c) => navigator.clipboard?.writeText?.(c), code).catch(() => {});
    await page.locator(".cm-content").evaluate((el, c) => {
      const view = el.cmView?.view ?? null;
      if (view) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: c } });
    }, code);
    if ((await page.locator(".cm-content").textContent()).trim() === "") await page.keyboard.insertText(code);
  };
  await set("from flojoy import flojoy, Scalar\n\n@flojoy\ndef BAD(default: Scalar) -> Scalar\n    return default\n");
  await page.getByTestId("code-save").click();
  await page.getByTestId("code-error").waitFor({ timeout: 60_000 });
  assert.match(await page.getByTestId("code-error").textContent(), /line 4: SyntaxError/);
  await page.locator(".cm-error-line").waitFor();
  const code = 'from typing import Literal\nfrom flojoy import flojoy, OrderedPair, Vector\n\n@flojoy\ndef MIX(a: OrderedPair, b: list[Vector], mode: Literal["sum", "max"] = "sum", gain: int = 1) -> Vector:\n    return Vector(v=a.y)\n';
  await set(code);
  await page.keyboard.press("Control+s");
  await page.getByTestId("code-editor").waitFor({ state: "detached", timeout: 60_000 });
  const f = await flow(page);
  const n = f.rfInstance.nodes[0];
  assert.equal(n.data.func, "MIX");
  assert.deepEqual(n.data.inputs.map((p) => [p.id, p.type, p.multiple]), [["a", "OrderedPair", false], ["b", "Vector", true]]);
  assert.deepEqual(n.data.outputs.map((p) => [p.id, p.type]), [["default", "Vector"]]);
  assert.deepEqual(n.data.ctrls.mode.options, ["sum", "max"]);
  assert.equal(n.data.ctrls.gain.type, "int");
  assert.equal(n.data.code, code);
  // one undo step brings the template back
  await page.getByTestId("undo").click();
  assert.equal((await flow(page)).rfInstance.nodes[0].data.func, "DOUBLE");
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** Runs a node that never ends, cancels it, and checks Python was interrupted in place. */
async function interruptInPlace(page) {
  await load(page, foreverFlow());
  // watch the worker's status: an interrupt never takes Python down
  await page.evaluate(() => {
    window.__states = [];
    new MutationObserver(() => window.__states.push(document.querySelector("[data-testid=python-status]").dataset.state)).observe(
      document.querySelector("[data-testid=python-status]"),
      { attributes: true },
    );
  });
  await page.getByTestId("run-button").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="node-FOREVER"]')?.dataset.status === "running");
  await page.getByTestId("run-button").click();
  await page.waitForFunction(() => /Run/.test(document.querySelector('[data-testid="run-button"]').textContent));
  await load(page, pairFlow);
  const r = await run(page);
  assert.equal(r.status, "ok");
  assert.deepEqual(await page.evaluate(() => window.__states.filter((s) => s !== "ready")), [], "Python was not restarted");
}

test("cross-origin isolated page: Cancel interrupts Python in place (no restart), also once Python was restored from its snapshot", async () => {
  const isolated = await serve(DIST, { isolate: true });
  try {
    const { page, errors, outside, ctx } = await openEditor(browser, isolated.url);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    await waitPythonState(page, "ready");
    await interruptInPlace(page);
    // a second visit: Python restored from the start-up snapshot gets its interrupt buffer too
    await untilSnapshot(page, async (cache) => (await cache.keys()).length === 1);
    await page.reload();
    await waitPythonState(page, "ready");
    assert.match(await pythonTitle(page), /restored from the start-up snapshot/);
    await interruptInPlace(page);
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
    await ctx.close();
  } finally {
    await isolated.close();
  }
});

// ---- the worker's life: failed, loading; nodes with a list[X] input and a Literal parameter

const TWICE = `from flojoy import flojoy, Scalar

@flojoy
def TWICE(default: Scalar) -> Scalar:
    return Scalar(c=default.c * 2)
`;
// a Python branch (SCALAR 7 → TWICE) and an independent built-in branch (LINSPACE → LINE)
const mixedFlow = {
  rfInstance: {
    nodes: [
      { id: "SCALAR-1", data: { func: "SCALAR", label: "SCALAR", ctrls: { value: { param: "value", value: 7 } } }, position: { x: 0, y: 0 } },
      py("TWICE-1", "TWICE", TWICE, [["default", "Scalar"]], [["default", "Scalar"]]),
      { id: "LINSPACE-1", data: { func: "LINSPACE", label: "LINSPACE", ctrls: { start: { param: "start", value: 0 }, end: { param: "end", value: 4 }, step: { param: "step", value: 5 } } }, position: { x: 0, y: 300 } },
      { id: "LINE-1", data: { func: "LINE", label: "LINE" }, position: { x: 300, y: 300 } },
    ],
    edges: [
      { source: "SCALAR-1", sourceHandle: "default", target: "TWICE-1", targetHandle: "default" },
      { source: "LINSPACE-1", sourceHandle: "default", target: "LINE-1", targetHandle: "default" },
    ],
  },
};
// built-in nodes only
const builtinFlow = {
  rfInstance: {
    nodes: [
      { id: "LINSPACE-1", data: { func: "LINSPACE", label: "LINSPACE", ctrls: { start: { param: "start", value: 0 }, end: { param: "end", value: 4 }, step: { param: "step", value: 5 } } }, position: { x: 0, y: 0 } },
      { id: "SINE-1", data: { func: "SINE", label: "SINE", ctrls: { frequency: { param: "frequency", value: 0 }, offset: { param: "offset", value: 2 } } }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: "LINSPACE-1", sourceHandle: "default", target: "SINE-1", targetHandle: "default" }],
  },
};

const pythonState = (page) =>
  page.evaluate(() => {
    const el = document.querySelector("[data-testid=python-status]");
    return { state: el.dataset.state, text: el.textContent };
  });
const waitPythonState = (page, state, timeout = 60_000) =>
  page.waitForFunction((s) => document.querySelector("[data-testid=python-status]")?.dataset.state === s, state, { timeout, polling: 50 });
/** Starts a run through window.flojoy.run; `reportWithin` waits for its report (a run that
 * never ends fails the test instead of hanging it). */
const startRun = (page) =>
  page.evaluate(() => {
    window.__report = null;
    window.flojoy.run().then((r) => (window.__report = r));
  });
async function reportWithin(page, timeout = 60_000) {
  await page.waitForFunction(() => window.__report, null, { timeout, polling: 50 });
  return page.evaluate(() => window.__report);
}
const waitNodeStatus = (page, label, status, timeout = 60_000) =>
  page.waitForFunction(([l, s]) => document.querySelector(`[data-testid="node-${l}"]`)?.dataset.status === s, [label, status], { timeout, polling: 50 });

// The service worker is blocked in these tests so that every request for Pyodide's files is
// the worker's own (the routes below decide what it gets); nothing else changes.
const NO_SW = { serviceWorkers: "block" };

/**
 * Pyodide cannot load because `file` (under pyodide/) is refused: the toolbar says Python
 * failed and why, a Python node fails at once with that reason on the node, and built-in
 * nodes still run (alone, and beside the failed Python node).
 */
async function pythonFails(file, reason, { ignoreErrors = /^$/ } = {}) {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url, {
    ...NO_SW,
    setup: (c) => c.route(`**/pyodide/${file}`, (route) => route.abort("failed")),
  });
  try {
    await waitPythonState(page, "failed", 30_000);
    const status = await pythonState(page);
    assert.match(status.text, /^Python unavailable: /);
    assert.match(status.text, reason, "the toolbar gives the reason");
    // a flow of built-in nodes runs as usual
    await load(page, builtinFlow);
    await startRun(page);
    let r = await reportWithin(page, 30_000);
    assert.equal(r.status, "ok", JSON.stringify(r));
    assert.deepEqual(r.nodes["SINE-1"].outputs.default.y, [2, 2, 2, 2, 2]);
    // the Python node fails with the reason, shown at the node; the built-in branch finishes
    assert.deepEqual(await load(page, mixedFlow), []);
    await startRun(page);
    await waitNodeStatus(page, "TWICE", "failed", 30_000);
    r = await reportWithin(page, 30_000);
    assert.equal(r.status, "failed");
    assert.equal(r.nodes["TWICE-1"].status, "failed");
    assert.equal(r.nodes["TWICE-1"].label, "TWICE");
    assert.match(r.nodes["TWICE-1"].error, reason, r.nodes["TWICE-1"].error);
    assert.match(await page.getByTestId("result-TWICE").textContent(), reason);
    assert.equal(r.nodes["SCALAR-1"].status, "done");
    assert.equal(r.nodes["LINE-1"].status, "done", "the built-in branch finished");
    assert.equal(await nodeByLabel(page, "LINE").getAttribute("data-status"), "done");
    assert.match(await page.getByTestId("log").textContent(), /run failed/);
    assert.deepEqual(outside, []);
    assert.deepEqual(errors.filter((e) => !ignoreErrors.test(e)), []);
  } finally {
    await ctx.close();
  }
}

test("Pyodide fails to load (pyodide.asm.mjs refused): Python shows failed with the reason; Python nodes fail, built-in nodes run", { timeout: 180_000 }, async () => {
  await pythonFails("pyodide.asm.mjs", /pyodide\.asm\.mjs/);
});

test(
  "Pyodide fails to load (pyodide.mjs refused, the worker script itself cannot load): failed, not loading forever",
  { timeout: 180_000 },
  async () => {
    await pythonFails("pyodide.mjs", /.+/);
  },
);

test(
  "Pyodide fails to load (python_stdlib.zip refused): failed, naming the file",
  { timeout: 180_000 },
  async () => {
    await pythonFails("python_stdlib.zip", /pyodide\/python_stdlib\.zip could not be loaded/, { ignoreErrors: /Failed to fetch|python_stdlib|standard library|exit\(1\)|Failed to load resource/ });
  },
);

test(
  "Pyodide fails to load (pyodide.asm.wasm refused): failed, not loading forever",
  { timeout: 180_000 },
  async () => {
    await pythonFails("pyodide.asm.wasm", /pyodide\.asm\.wasm/, { ignoreErrors: /Failed to fetch/ });
  },
);

test("built-in nodes run while Python is still loading; Python nodes wait for it and run once it is ready", { timeout: 180_000 }, async () => {
  let release;
  const released = new Promise((ok) => (release = ok));
  let requested;
  const wasmRequested = new Promise((ok) => (requested = ok));
  const { page, errors, outside, ctx } = await openEditor(browser, server.url, {
    ...NO_SW,
    setup: (c) =>
      c.route("**/pyodide/pyodide.asm.wasm", async (route) => {
        requested();
        await released;
        await route.fallback();
      }),
  });
  try {
    // Python is held at its wasm until the test lets it through
    await wasmRequested;
    const loading = await pythonState(page);
    assert.equal(loading.state, "loading");
    assert.match(loading.text, /^Python: .+…/);
    // a flow of built-in nodes runs to the end meanwhile
    await load(page, builtinFlow);
    await startRun(page);
    let r = await reportWithin(page, 30_000);
    assert.equal(r.status, "ok", JSON.stringify(r));
    assert.deepEqual(r.nodes["SINE-1"].outputs.default.y, [2, 2, 2, 2, 2]);
    assert.equal((await pythonState(page)).state, "loading", "the run did not wait for Python");
    // with a Python node in the flow, the built-in branch still finishes while Python loads
    await load(page, mixedFlow);
    await startRun(page);
    await waitNodeStatus(page, "LINE", "done", 30_000);
    assert.equal((await pythonState(page)).state, "loading");
    assert.ok(!["done", "failed"].includes(await nodeByLabel(page, "TWICE").getAttribute("data-status")), "the Python node waits for Python");
    // let Pyodide load: Python becomes ready and the waiting node runs
    release();
    await waitPythonState(page, "ready");
    assert.match((await pythonState(page)).text, /^Python \d+\.\d+\.\d+ ready/);
    r = await reportWithin(page);
    assert.equal(r.status, "ok", JSON.stringify(r.nodes["TWICE-1"]));
    assert.equal(r.nodes["TWICE-1"].outputs.default.c, 14);
    assert.equal(r.nodes["LINE-1"].status, "done");
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    release();
    await ctx.close();
  }
});

const COMBINE = `from typing import Literal
from flojoy import flojoy, Scalar

@flojoy
def COMBINE(values: list[Scalar], mode: Literal["sum", "max"] = "sum") -> Scalar:
    xs = [v.c for v in values]
    print("got", len(xs), mode)
    return Scalar(c=sum(xs) if mode == "sum" else max(xs))
`;

test("list[X] input receives every wire; a Literal parameter is a select whose choice reaches the node", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  const scalar = (id, label, value, y) => ({ id, data: { func: "SCALAR", label, ctrls: { value: { param: "value", value } } }, position: { x: 0, y } });
  const combine = py("COMBINE-1", "COMBINE", COMBINE, [["values", "Scalar"]], [["default", "Scalar"]], {
    mode: { type: "select", param: "mode", value: "sum", default: "sum", options: ["sum", "max"] },
  });
  combine.data.inputs[0].multiple = true;
  combine.position = { x: 400, y: 150 }; // close by: fit keeps the zoom where nodes show their headers
  const f = {
    rfInstance: {
      nodes: [scalar("A-1", "A", 2, 0), scalar("B-1", "B", 5, 150), scalar("C-1", "C", 3, 300), combine],
      edges: ["A-1", "B-1", "C-1"].map((source) => ({ source, sourceHandle: "default", target: "COMBINE-1", targetHandle: "values" })),
    },
  };
  assert.deepEqual(await load(page, f), []);
  let r = await run(page);
  assert.equal(r.status, "ok", JSON.stringify(r.nodes["COMBINE-1"]));
  assert.equal(r.nodes["COMBINE-1"].outputs.default.c, 10);
  assert.deepEqual(r.nodes["COMBINE-1"].log, ["got 3 sum"]);
  // the panel offers the Literal's values in a select; choosing one re-runs with it
  await page.getByTestId("fit").click();
  await nodeByLabel(page, "COMBINE").locator(".node-header").click();
  const select = page.getByTestId("param-mode");
  assert.equal(await select.evaluate((el) => el.tagName), "SELECT");
  assert.deepEqual(await select.locator("option").allTextContents(), ["sum", "max"]);
  await select.selectOption("max");
  r = await run(page);
  assert.equal(r.nodes["COMBINE-1"].outputs.default.c, 5);
  assert.deepEqual(r.nodes["COMBINE-1"].log, ["got 3 max"]);
  // the saved flow keeps the select and the multiple input
  const saved = (await flow(page)).rfInstance.nodes.find((n) => n.data.func === "COMBINE");
  assert.equal(saved.data.ctrls.mode.type, "select");
  assert.deepEqual(saved.data.ctrls.mode.options, ["sum", "max"]);
  assert.equal(saved.data.ctrls.mode.value, "max");
  assert.equal(saved.data.inputs[0].multiple, true);
  assert.deepEqual(outside, []);
  assert.deepEqual(errors, []);
  await ctx.close();
});

/** The start-up snapshot's entries in Cache Storage: [url, bytes]. */
const snapshots = (page) =>
  page.evaluate(async () => {
    const cache = await caches.open("flojoy-python-snapshot");
    return Promise.all((await cache.keys()).map(async (k) => [k.url, (await (await cache.match(k)).arrayBuffer()).byteLength]));
  });
/** Waits (in the page) until `entry(cache)` is true for the snapshot cache (the source is
 * compiled by the test driver, not by `new Function`, which the site's CSP forbids). */
const untilSnapshot = (page, entry, arg) =>
  page.evaluate(`(async () => {
    const test = ${entry.toString()};
    const arg = ${JSON.stringify(arg ?? null)};
    for (const end = Date.now() + 60_000; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
      if (await test(await caches.open("flojoy-python-snapshot"), arg)) return;
    }
    throw new Error("the start-up snapshot was not stored");
  })()`);
const pythonTitle = (page) => page.getByTestId("python-status").getAttribute("title");

test("a second visit restores Python from the start-up snapshot and runs nodes; a broken snapshot falls back to a normal start", { timeout: 180_000 }, async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  try {
    await waitPythonState(page, "ready");
    assert.doesNotMatch(await pythonTitle(page), /snapshot/, "a first visit starts Python normally");
    // the snapshot is stored after "ready"
    await untilSnapshot(page, async (cache) => (await cache.keys()).length === 1);
    const [[key, bytes]] = await snapshots(page);
    assert.ok(bytes > 1_000_000, `a whole Python heap (${bytes} bytes)`);
    // second visit: restored, and Python nodes (the flojoy API, stdlib imports) work
    await page.reload();
    await waitPythonState(page, "ready");
    assert.match(await pythonTitle(page), /restored from the start-up snapshot/);
    assert.deepEqual(await load(page, pairFlow), []);
    let r = await run(page);
    assert.equal(r.status, "ok", JSON.stringify(r));
    assert.deepEqual(r.nodes["SCALE-1"].outputs.default.y, [6, 6, 6, 6, 6]);
    assert.equal(r.nodes["STATS-1"].outputs.text.s, '{"n": 5, "w": ["alpha", "beta"]}');
    // a snapshot that does not load (here: garbage) is dropped and Python starts normally
    await page.evaluate(async (key) => (await caches.open("flojoy-python-snapshot")).put(key, new Response(new Uint8Array(1000).fill(7))), key);
    await page.reload();
    await waitPythonState(page, "ready");
    assert.doesNotMatch(await pythonTitle(page), /snapshot/);
    assert.deepEqual(await load(page, pairFlow), []);
    r = await run(page);
    assert.equal(r.nodes["STATS-1"].outputs.mean.c, 6);
    // ...and a good one is stored again
    await untilSnapshot(page, async (cache, key) => (await cache.match(key))?.headers.get("content-type") === "application/octet-stream", key);
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});

// numpy itself comes only from Pyodide's online package index, which this machine cannot
// reach (PyPI and npm carry no numpy wheel for this Pyodide's ABI): what is tested is that
// asking for it offline says so and loses nothing.
test("+ package numpy without the network: a clear error, Python and the flow keep working", { timeout: 180_000 }, async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  try {
    await waitPythonState(page, "ready");
    assert.deepEqual(await load(page, pairFlow), []);
    assert.match(await page.getByTestId("add-package").getAttribute("title"), /Pyodide's package index \(needs the network\)/);
    await page.getByTestId("add-package").click();
    await page.getByTestId("package-name").fill("numpy");
    await page.getByTestId("package-name").press("Enter");
    const toast = page.getByTestId("toast-error");
    await toast.waitFor({ timeout: 60_000 });
    assert.match(await toast.textContent(), /numpy could not be loaded \(it comes from Pyodide's online package index\)/);
    assert.ok(outside.length > 0 && outside.every((u) => u.startsWith("https://cdn.jsdelivr.net/pyodide/")), `only the package index was asked: ${outside}`);
    assert.equal((await pythonState(page)).state, "ready");
    assert.doesNotMatch((await pythonState(page)).text, /numpy/);
    const r = await run(page);
    assert.equal(r.status, "ok", JSON.stringify(r));
    assert.deepEqual(r.nodes["SCALE-1"].outputs.default.y, [6, 6, 6, 6, 6]);
    assert.equal((await flow(page)).rfInstance.nodes.length, 4, "the flow is intact");
    // the page's console may report the refused download; nothing else went wrong
    assert.deepEqual(errors.filter((e) => !/cdn\.jsdelivr|Failed to load resource|net::ERR/.test(e)), []);
  } finally {
    await ctx.close();
  }
});
