// Waveform benchmark (issue 16): a scope record of up to 10,000,000 points read over USBTMC in
// headless Chromium, against the simulated MSO24 of `?demo=1`, through Studio's
// QUERY_CURVE_MSO2X (which asks for ASCII levels, as Studio's block does: about 3 bytes a
// point). The MSO2's deepest record is 10 M points; Studio's blocks have no record-length
// node, so the benchmark sets the simulated scope's record length directly. Reports the
// node's time (USBTMC transfers, parsing, scaling), points/s and MB/s of the answer. That time
// includes the simulated scope making its answer in the same page.
//
//   node tests/bench/waveform.mjs            (needs dist/ built: trunk build --release)
import { launch } from "../support/browser.mjs";
import { openEditor } from "../support/editor.mjs";
import { makeFlow } from "../support/devices.mjs";

// the simulated AFG31052 feeds the scope's channel 1 (opened here, its output turned on below)
const FLOW = makeFlow(
  [
    ["AFG", "CONNECT_AFG31000"],
    ["SCOPE", "CONNECT_MSO2X"],
    ["CURVE", "QUERY_CURVE_MSO2X", { channel: 1 }],
  ],
  [
    ["AFG", "SCOPE"],
    ["SCOPE", "CURVE"],
  ],
);

export async function benchWaveform(url, { points = [1000, 1_000_000, 10_000_000] } = {}) {
  const browser = await launch();
  try {
    const { page } = await openEditor(browser, `${url}?demo=1`);
    await page.waitForFunction(() => window.flojoy.devices().usb.some((d) => /MSO24/.test(d.label)), null, { timeout: 20_000 });
    await page.evaluate((f) => window.flojoy.load(f), FLOW);
    const results = [];
    for (const n of points) {
      const r = await page.evaluate(async (n) => {
        const scope = window.flojoyDemoDevices.find("mso2x");
        scope.horizontal.recordLength = n;
        const afg = window.flojoyDemoDevices.find("afg31000");
        if (afg.channels) afg.channels[1].on = true;
        const report = await window.flojoy.run();
        const node = Object.values(report.nodes).find((x) => x.func === "QUERY_CURVE_MSO2X");
        if (report.status !== "ok") return { error: JSON.stringify(node?.error ?? report.error) };
        const y = node.outputs.default.y;
        // the levels as text (the node asked for ASCII) and the newline
        const bytes = scope.curveAnswer().length + 1;
        return { points: y.length, bytes, ms: node.ms, peak: Math.max(...y.slice(0, 100000)) };
      }, n);
      if (r.error) throw new Error(`${n} points: ${r.error}`);
      if (r.points !== n) throw new Error(`asked for ${n} points, read ${r.points}`);
      if (!(r.peak > 0)) throw new Error(`${n} points: the scope read a flat line, not the generator's sine`);
      results.push({ ...r, ms: Math.round(r.ms), points_per_s: Math.round(r.points / (r.ms / 1000)), mb_per_s: +(r.bytes / 1e6 / (r.ms / 1000)).toFixed(1) });
    }
    return results;
  } finally {
    await browser.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { serve } = await import("../support/server.mjs");
  const { DIST } = await import("../support/browser.mjs");
  const server = await serve(DIST);
  try {
    // (the first, small read opens both instruments: it is the warm-up)
    for (const r of (await benchWaveform(server.url)).slice(1)) {
      console.log(`waveform: ${r.points} points (${(r.bytes / 1e6).toFixed(1)} MB of ASCII) over USBTMC in ${r.ms} ms: ${(r.points_per_s / 1e6).toFixed(2)} M points/s, ${r.mb_per_s} MB/s`);
    }
  } finally {
    await server.close();
  }
}
