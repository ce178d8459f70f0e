// Runs every browser benchmark against the built site (dist/) and writes
// test-results/bench.json. Started by `./dev bench`.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, OUT } from "../support/browser.mjs";
import { compareDsp, printDsp } from "./compare_dsp.mjs";
import { benchEditor } from "./editor.mjs";

const server = await serve(DIST);
// COOP/COEP make performance.now() precise to 5 µs (100 µs otherwise): for the per-node timings
const isolated = await serve(DIST, { isolate: true });
const results = {};
try {
  results.editor = await benchEditor(server.url);
  const e = results.editor;
  console.log(`editor (${e.load.nodes} nodes, ${e.load.wires} wires in the DOM at load): load ${e.load.ms} ms`);
  for (const v of [e.overview, e.detail]) {
    console.log(`  ${v.view}: pan frame median ${v.pan.frame.median} ms (p95 ${v.pan.frame.p95}, work ${v.pan.work.median} ms); drag frame median ${v.drag.frame.median} ms (p95 ${v.drag.frame.p95}, work ${v.drag.work.median} ms)`);
  }
  results.dsp = await compareDsp(isolated.url, {
    runs: Number(process.env.DSP_RUNS ?? 7),
    rounds: Number(process.env.DSP_ROUNDS ?? 3),
    warmup: Number(process.env.DSP_WARMUP ?? 2),
  });
  printDsp(results.dsp);
} finally {
  await server.close();
  await isolated.close();
}
writeFileSync(join(OUT, "bench.json"), JSON.stringify(results, null, 2));
if (results.dsp.checks.some((c) => !c.ok)) {
  console.error("dsp: the implementations disagree (see the checks above): the timings do not compare the same work");
  process.exitCode = 1;
}
