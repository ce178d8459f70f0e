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

test("an endless loop is cancelled; the app keeps working and the next run succeeds", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url);
  const f = {
    rfInstance: {
      nodes: [
        { id: "SCALAR-1", data: { func: "SCALAR", label: "SCALAR" }, position: { x: 0, y: 0 } },
        py("FOREVER-1", "FOREVER", FOREVER, [["default", "Scalar"]], [["default", "Scalar"]]),
      ],
      edges: [{ source: "SCALAR-1", sourceHandle: "default", target: "FOREVER-1", targetHandle: "default" }],
    },
  };
  await load(page, f);
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

test("a flow file with Python nodes round-trips and runs from ?flow=…&run=1", async () => {
  const { page, errors, outside, ctx } = await openEditor(browser, server.url + "?flow=flows/python.json&run=1");
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

test("cross-origin isolated page: Cancel interrupts Python in place (no restart)", async () => {
  const isolated = await serve(DIST, { isolate: true });
  try {
    const { page, errors, outside, ctx } = await openEditor(browser, isolated.url);
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    await page.waitForFunction(() => document.querySelector("[data-testid=python-status]").dataset.state === "ready", null, { timeout: 60_000 });
    const f = {
      rfInstance: {
        nodes: [
          { id: "SCALAR-1", data: { func: "SCALAR", label: "SCALAR" }, position: { x: 0, y: 0 } },
          py("FOREVER-1", "FOREVER", FOREVER, [["default", "Scalar"]], [["default", "Scalar"]]),
        ],
        edges: [{ source: "SCALAR-1", sourceHandle: "default", target: "FOREVER-1", targetHandle: "default" }],
      },
    };
    await load(page, f);
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
    assert.deepEqual(outside, []);
    assert.deepEqual(errors, []);
    await ctx.close();
  } finally {
    await isolated.close();
  }
});
