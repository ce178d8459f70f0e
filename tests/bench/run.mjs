// Runs every browser benchmark against the built site (dist/) and writes
// test-results/bench.json. Started by `./dev bench`.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, OUT } from "../support/browser.mjs";
import { benchDashboard } from "./dashboard.mjs";
import { benchEditor } from "./editor.mjs";
import { benchPython } from "./python.mjs";

const server = await serve(DIST);
const results = {};
try {
  results.editor = await benchEditor(server.url);
  const e = results.editor;
  console.log(`editor (${e.load.nodes} nodes, ${e.load.wires} wires in the DOM at load): load ${e.load.ms} ms`);
  for (const v of [e.overview, e.detail]) {
    console.log(`  ${v.view}: pan frame median ${v.pan.frame.median} ms (p95 ${v.pan.frame.p95}, work ${v.pan.work.median} ms); drag frame median ${v.drag.frame.median} ms (p95 ${v.drag.frame.p95}, work ${v.drag.work.median} ms)`);
  }
  results.dashboard = await benchDashboard(server.url);
  const d = results.dashboard;
  console.log(`dashboard: slider → updated plot, ${d.points} points: median ${d.median} ms, p95 ${d.p95} ms`);
} finally {
  await server.close();
}
// Python start-up wants a caching server (as a static host is), for the repeat visit
const cached = await serve(DIST, { cache: true });
try {
  results.python = await benchPython(cached.url);
  const p = results.python;
  console.log(`python: cold start ${p.cold_ms} ms, warm start ${p.warm_ms} ms, per call ${p.per_call_ms} ms, 1M floats round trip ${p.roundtrip_1m_ms} ms`);
} finally {
  await cached.close();
}
writeFileSync(join(OUT, "bench.json"), JSON.stringify(results, null, 2));
