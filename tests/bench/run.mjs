// Runs every browser benchmark against the built site (dist/) and writes
// test-results/bench.json. Started by `./dev bench`.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

import { serve } from "../support/server.mjs";
import { DIST, OUT } from "../support/browser.mjs";
import { compareDsp, printDsp } from "./compare_dsp.mjs";
import { benchDashboard } from "./dashboard.mjs";
import { benchEditor, printEditor } from "./editor.mjs";
import { benchPython } from "./python.mjs";
import { benchStartup } from "./startup.mjs";
import { benchStream } from "./stream.mjs";
import { benchWaveform } from "./waveform.mjs";
import { benchWebcam } from "./webcam.mjs";

const results = {};
// the app's first download: the primary part of its wasm (what runs before the editor is on
// screen; app/build/split.mjs), raw and as a static host serves it gzipped (level 9), and the
// lazy part, fetched once the primary part runs
{
  const size = (name) => {
    const bytes = readFileSync(join(DIST, name));
    return { file: name, bytes: bytes.length, gzip_bytes: gzipSync(bytes, { level: 9 }).length };
  };
  const files = readdirSync(DIST);
  results.wasm = size(files.find((f) => /^flojoy-app-.*_bg\.wasm$/.test(f)));
  results.wasm_lazy = size(files.find((f) => /^flojoy-app-.*_bg\.lazy-[0-9a-f]+\.wasm$/.test(f)));
  const mb = (x) => (x / 1e6).toFixed(2);
  console.log(
    `wasm: first download ${mb(results.wasm.bytes)} MB, ${mb(results.wasm.gzip_bytes)} MB gzipped; ` +
      `lazy part ${mb(results.wasm_lazy.bytes)} MB, ${mb(results.wasm_lazy.gzip_bytes)} MB gzipped`,
  );
}
const server = await serve(DIST);
// COOP/COEP make performance.now() precise to 5 µs (100 µs otherwise): for the per-node timings
const isolated = await serve(DIST, { isolate: true });
try {
  results.editor = await benchEditor(server.url);
  // issue 19's size: 10,000 nodes, 15,000 wires
  results.editor_10k = await benchEditor(server.url, { cols: 400, rows: 25 });
  printEditor(results.editor);
  printEditor(results.editor_10k);
  results.dashboard = await benchDashboard(server.url);
  const d = results.dashboard;
  console.log(`dashboard: slider → updated plot, ${d.points} points: median ${d.median} ms, p95 ${d.p95} ms`);
  results.stream = await benchStream(server.url);
  const s = results.stream;
  console.log(`stream: device at ${s.rate} rows/s → ${s.rows_per_s} rows/s received (${s.mb_per_s} MB/s), ${s.fps} plot redraws/s, ${s.dropped} dropped, ${s.device_overflow_rows} lost at the device, ${s.window_gaps} gaps in the last window`);
  results.waveform = (await benchWaveform(server.url)).slice(1);
  for (const r of results.waveform) {
    console.log(`waveform: ${r.points} points (${(r.bytes / 1e6).toFixed(1)} MB of ASCII) over USBTMC in ${r.ms} ms: ${(r.points_per_s / 1e6).toFixed(2)} M points/s, ${r.mb_per_s} MB/s`);
  }
  results.webcam = await benchWebcam(server.url);
  console.log(`webcam (fake camera, 640x480, live): ${results.webcam.fps} frames/s into the image view`);
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
// Python start-up wants a caching server (as a static host is), for the repeat visit
const cached = await serve(DIST, { cache: true });
try {
  results.python = await benchPython(cached.url);
  const p = results.python;
  console.log(`python: cold start ${p.cold_ms} ms, warm start ${p.warm_ms} ms, per call ${p.per_call_ms} ms (median of 3 loops of ${p.calls}: ${p.per_call_loops_ms.join(", ")} ms), 1M floats round trip ${p.roundtrip_1m_ms} ms`);
} finally {
  await cached.close();
}
results.startup = await benchStartup();
{
  const f = results.startup.first_visit;
  const r = results.startup.repeat_visit;
  console.log(`startup: first visit interactive ${f.interactive_ms} ms, Python ready ${f.python_ready_ms} ms, lazy wasm linked ${f.lazy_wasm_linked_ms} ms (${f.sync_loads} loads on demand), ${(f.bytes_until_python_ready / 1e6).toFixed(1)} MB (${(f.bytes_total_with_offline_cache / 1e6).toFixed(1)} MB with the offline cache); repeat visit interactive ${r.interactive_ms} ms, Python ready ${r.python_ready_ms} ms`);
}
writeFileSync(join(OUT, "bench.json"), JSON.stringify(results, null, 2));
if (results.dsp.checks.some((c) => !c.ok)) {
  console.error("dsp: the implementations disagree (see the checks above): the timings do not compare the same work");
  process.exitCode = 1;
}
