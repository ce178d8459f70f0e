// Python benchmark in headless Chromium: Pyodide cold start (first visit) and warm start (a
// second visit, files from the HTTP cache), the overhead of one call to a tiny Python node, and
// 1,000,000 floats to a Python node and back. Goals: cold ≤ 4 s, warm ≤ 1.5 s, per call ≤ 1 ms,
// round trip ≤ 20 ms.
import { serve } from "../support/server.mjs";
import { DIST, context, launch } from "../support/browser.mjs";

const TINY = `from flojoy import flojoy, Scalar\n\n@flojoy\ndef TINY(default: Scalar) -> Scalar:\n    return default\n`;
const ECHO = `from flojoy import flojoy, Vector\n\n@flojoy\ndef ECHO(default: Vector) -> Vector:\n    return Vector(v=default.v)\n`;

const pyNode = (id, func, code, t) => ({
  id,
  data: { func, label: func, code, ctrls: {}, inputs: [{ name: "default", id: "default", type: t }], outputs: [{ name: "default", id: "default", type: t }] },
  position: { x: 300, y: 0 },
});

const loopFlow = (n) => ({
  rfInstance: {
    nodes: [
      { id: "LOOP-1", data: { func: "LOOP", label: "LOOP", ctrls: { num_loops: { param: "num_loops", value: n } } }, position: { x: 0, y: 0 } },
      { id: "SCALAR-1", data: { func: "SCALAR", label: "SCALAR" }, position: { x: 150, y: 0 } },
      pyNode("TINY-1", "TINY", TINY, "Scalar"),
    ],
    edges: [
      { source: "LOOP-1", sourceHandle: "body", target: "SCALAR-1", targetHandle: "_" },
      { source: "SCALAR-1", sourceHandle: "default", target: "TINY-1", targetHandle: "default" },
    ],
  },
});

const bigFlow = {
  rfInstance: {
    nodes: [
      { id: "LINSPACE-1", data: { func: "LINSPACE", label: "LINSPACE", ctrls: { step: { param: "step", value: 1000000 } } }, position: { x: 0, y: 0 } },
      pyNode("ECHO-1", "ECHO", ECHO, "Vector"),
    ],
    edges: [{ source: "LINSPACE-1", sourceHandle: "default", target: "ECHO-1", targetHandle: "default" }],
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Navigation start → Python ready, in ms (the worker reports its own start-up time too). */
async function startUp(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector("[data-testid=python-status]")?.dataset.state === "ready", null, { timeout: 120_000, polling: 20 });
  return page.evaluate(() => performance.now());
}

export async function benchPython(url) {
  const browser = await launch();
  try {
    const { ctx } = await context(browser);
    const page = await ctx.newPage();
    const cold = await startUp(page, url);
    const warm = [];
    for (let i = 0; i < 3; i++) warm.push(await startUp(page, url));
    await page.waitForFunction(() => window.flojoy);
    // per call: a loop of tiny calls (the first call compiles the node: excluded)
    await page.evaluate((f) => window.flojoy.load(f), loopFlow(5));
    await page.evaluate(() => window.flojoy.run());
    // three loops of 300 calls: the first right after the (warm) start, the others later
    await page.evaluate((f) => window.flojoy.load(f), loopFlow(300));
    const loops = [];
    for (let i = 0; i < 3; i++) {
      const tiny = (await page.evaluate(() => window.flojoy.run())).nodes["TINY-1"];
      loops.push({ ms: tiny.ms / tiny.runs, runs: tiny.runs });
    }
    const perCall = median(loops.map((l) => l.ms));
    // 1M floats there and back
    await page.evaluate((f) => window.flojoy.load(f), bigFlow);
    const trips = [];
    for (let i = 0; i < 6; i++) {
      const r = await page.evaluate(async () => {
        const rep = await window.flojoy.run();
        const e = rep.nodes["ECHO-1"];
        return { ms: e.ms, n: e.outputs.default.v.length, last: e.outputs.default.v[999999], status: rep.status };
      });
      if (r.status !== "ok" || r.n !== 1000000 || r.last !== 0) throw new Error(`echo failed: ${JSON.stringify(r)}`);
      trips.push(r.ms);
    }
    await ctx.close();
    return {
      cold_ms: +cold.toFixed(0),
      warm_ms: +median(warm).toFixed(0),
      per_call_ms: +perCall.toFixed(3),
      per_call_loops_ms: loops.map((l) => +l.ms.toFixed(3)),
      calls: loops[0].runs,
      roundtrip_1m_ms: +median(trips.slice(1)).toFixed(1),
    };
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await serve(DIST, { cache: true });
  const r = await benchPython(server.url);
  await server.close();
  console.log(`python: cold start ${r.cold_ms} ms, warm start ${r.warm_ms} ms, per call ${r.per_call_ms} ms (median of 3 loops of ${r.calls} calls: ${r.per_call_loops_ms.join(", ")} ms), 1M floats round trip ${r.roundtrip_1m_ms} ms`);
}
