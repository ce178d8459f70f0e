// Story: a lab runs the same flow four ways: in the browser (window.flojoy.run), with the
// `flojoy` runner, from Python (`flojoy_web`), and as a one-point Dask sweep
// (`flojoy sweep --dask local:1`). Three gallery flows (a seeded noisy sine, a damped
// oscillator, and a Python node's EMA filter: Pyodide in the page, CPython elsewhere), each with
// one parameter changed (the page edits the flow; the others say `--set` / `set=`), give the
// same numbers from every node, to 1e-12.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ROOT } from "../support/browser.mjs";
import { load, openEditor } from "../support/editor.mjs";
import { useSite } from "../support/site.mjs";

const RUNNER = process.env.FLOJOY_BIN ?? join(ROOT, "target", "debug", "flojoy");
const CASES = [
  { file: "noisy-sine.json", label: "SINE", param: "frequency", value: 3 },
  { file: "damped-oscillator.json", label: "−γ", param: "value", value: -0.5 },
  { file: "python-ema-filter.json", label: "EMA FILTER", param: "alpha", value: 0.25 },
];
const FIELDS = ["x", "y", "z", "v", "m", "c"];

let server, browser, page;
useSite((s, b) => ([server, browser] = [s, b]));
const tmp = mkdtempSync(join(tmpdir(), "four-ways-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The editor page, opened by the first test. */
async function editor() {
  assert.ok(existsSync(RUNNER), `the runner ${RUNNER} is built (cargo build / ./dev test builds it)`);
  page ??= (await openEditor(browser, server.url)).page;
  return page;
}

const galleryPath = (file) => join(ROOT, "public", "gallery", file);

/** label → the numbers of each numeric field, flattened (NaN as null): what is compared. */
function numbers(byLabel) {
  const out = {};
  for (const [label, v] of Object.entries(byLabel)) {
    if (!v || typeof v !== "object" || v.type === "Plotly" || !v.type) continue;
    out[label] = Object.fromEntries(FIELDS.filter((f) => v[f] !== undefined && v[f] !== null).map((f) => [f, [v[f]].flat(3)]));
  }
  return out;
}

function fromReport(report, nodes) {
  const byLabel = {};
  for (const [key, n] of Object.entries(report.nodes)) {
    assert.equal(n.status, "done", `${n.label}: ${n.error}`);
    const outs = Object.values(n.outputs);
    if (outs.length === 1) byLabel[nodes[key] ?? n.label] = outs[0];
  }
  return numbers(byLabel);
}

function same(got, want, where) {
  assert.deepEqual(Object.keys(got).sort(), Object.keys(want).sort(), `${where}: the same nodes`);
  for (const [label, fields] of Object.entries(want)) {
    for (const [f, w] of Object.entries(fields)) {
      const g = got[label][f];
      assert.equal(g?.length, w.length, `${where}: ${label}.${f} length`);
      w.forEach((x, i) => {
        const y = g[i];
        const ok = x === null ? y === null : Math.abs(y - x) <= 1e-12 + 1e-12 * Math.abs(x);
        assert.ok(ok, `${where}: ${label}.${f}[${i}] = ${y}, the browser's ${x}`);
      });
    }
  }
}

const PACKAGE = `
import json, sys
import numpy as np
import flojoy_web as fw
path, target, value = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
r = fw.run(path, set={target: value})
def plain(v):
    if v is None or not hasattr(v, "type"):
        return None
    return {"type": v.type, **{k: np.asarray(v[k], dtype=float).tolist() for k in ${JSON.stringify(FIELDS)} if k in v and v[k] is not None}}
print(json.dumps({label: plain(n.value) for label, n in r.nodes.items()}))
`;

for (const c of CASES) {
  test(`${c.file} with ${c.label}.${c.param}=${c.value}: browser, runner, Python package and Dask agree`, async () => {
    const text = readFileSync(galleryPath(c.file), "utf8");
    const flow = JSON.parse(text);
    const node = flow.rfInstance.nodes.find((n) => n.data.label === c.label);
    node.data.ctrls[c.param].value = c.value;
    const labels = Object.fromEntries(flow.rfInstance.nodes.map((n) => [n.id, n.data.label]));
    const keyOf = Object.fromEntries(flow.rfInstance.nodes.map((n) => [n.data.label, n.id]));

    // the page
    const page = await editor();
    const diags = await load(page, flow);
    assert.deepEqual(diags.filter((d) => d.severity === "Error"), []);
    const inPage = await page.evaluate(() => window.flojoy.run().then((r) => JSON.stringify(r)));
    const browser = fromReport(JSON.parse(inPage), labels);
    assert.ok(Object.keys(browser).length >= 4, Object.keys(browser).join(", "));

    const target = `${c.label}.${c.param}`;
    // the runner
    const cli = JSON.parse(execFileSync(RUNNER, ["run", galleryPath(c.file), "--json", "--set", `${target}=${c.value}`], { maxBuffer: 1 << 28 }));
    same(fromReport(cli, labels), browser, "flojoy run");

    // the Python package
    const py = execFileSync("python3", ["-c", PACKAGE, galleryPath(c.file), target, JSON.stringify(c.value)], { maxBuffer: 1 << 28 });
    same(numbers(JSON.parse(py)), browser, "flojoy_web");

    // a one-point sweep on a local Dask cluster
    const out = join(tmp, `${c.file}.jsonl`);
    execFileSync(RUNNER, ["sweep", galleryPath(c.file), "--set", `${target}=${c.value}`, "--dask", "local:1",
      "--outputs", Object.keys(browser).map((l) => (l.includes(",") ? keyOf[l] : l)).join(","), "--out", out], { stdio: ["ignore", "ignore", "pipe"] });
    const rows = readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status, "ok", rows[0].error);
    assert.notEqual(rows[0].worker, "local", "run by a Dask worker");
    same(numbers(rows[0].outputs), browser, "flojoy sweep --dask");
  });
}
