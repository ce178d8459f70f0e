// Streaming benchmark: a scripted Arduino sends CSV rows ("n,value\r\n") at 100,000 rows/s (and MB/s)
// into SERIAL_STREAM → LINE (a 10,000-row window) in headless Chromium. Over 10 s it measures
// the rows our stream received per second, the plot redraws per second, rows our ring
// dropped, rows the simulated UART lost because the page did not read in time, and gaps in
// the row numbers of the last window. Goal: ≥ 100,000 rows/s, ≥ 30 fps, 0 dropped.
// Note the emulator runs on the page's main thread too, so the page does both jobs here.
import { launch } from "../support/browser.mjs";
import { openEditor } from "../support/editor.mjs";
import { makeFlow, withDevices } from "../support/devices.mjs";

// chunkBytes: how the emulator hands bytes to the page. 64 (its default: one full-speed USB
// packet per read) is the worst case; Chrome reads whatever its data pipe holds, so a fast
// device usually arrives in larger chunks. Both are reported.
export async function benchStream(url, { rate = 100_000, seconds = 10, window = 10_000, chunkBytes = 64 } = {}) {
  const browser = await launch();
  try {
    const { page } = await openEditor(browser, url, {
      setup: (ctx) => withDevices(ctx, { serial: [{ kind: "arduino", name: "uno", rate, chunkBytes }] }),
    });
    const flow = makeFlow(
      [
        ["STREAM", "SERIAL_STREAM", { window, baudrate: 2_000_000 }],
        ["LINE", "LINE"],
      ],
      [["STREAM", "LINE"]],
    );
    await page.evaluate((f) => window.flojoy.load(f), flow);
    const result = await page.evaluate(async ({ seconds }) => {
      const stats = () => window.flojoy.devices().streams[0]?.stats;
      const done = window.flojoy.run();
      // wait for the first rows, then measure a steady interval
      while (!(stats()?.received > 0)) await new Promise((r) => requestAnimationFrame(r));
      const t0 = performance.now();
      const s0 = stats();
      const lost = () => globalThis.flojoyDemoDevices.find("uno").stats.overflowRows;
      const l0 = lost();
      const d0 = window.flojoy.plotDraws();
      const frameGaps = [];
      let last = performance.now();
      while (performance.now() - t0 < seconds * 1000) {
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        frameGaps.push(now - last);
        last = now;
      }
      const t1 = performance.now();
      const s1 = stats();
      const l1 = lost();
      const d1 = window.flojoy.plotDraws();
      const w = window.flojoy.output("STREAM");
      // y is channel 0: the device's own row number, so a lost row shows as a gap
      let gaps = 0;
      for (let i = 1; i < w.y.length; i++) if (w.y[i] !== w.y[i - 1] + 1) gaps++;
      window.flojoy.stop();
      await done;
      const secs = (t1 - t0) / 1000;
      frameGaps.sort((a, b) => a - b);
      return {
        rows_per_s: Math.round((s1.received - s0.received) / secs),
        mb_per_s: Number(((s1.bytes - s0.bytes) / secs / 1e6).toFixed(2)),
        fps: Number(((d1 - d0) / secs).toFixed(1)),
        page_frame_ms_median: Number(frameGaps[Math.floor(frameGaps.length / 2)].toFixed(1)),
        page_frame_ms_p95: Number(frameGaps[Math.floor(frameGaps.length * 0.95)].toFixed(1)),
        received: s1.received,
        dropped: s1.dropped,
        malformed: s1.malformed,
        window_gaps: gaps,
        window: w.x.length,
        device_lost_while_measuring: l1 - l0,
      };
    }, { seconds });
    const device = await page.evaluate(() => globalThis.flojoyDemoDevices.find("uno").stats);
    // device_overflow_rows counts from the port's opening (start-up included)
    return { rate, chunk_bytes: chunkBytes, seconds, ...result, device_overflow_rows: device.overflowRows };
  } finally {
    await browser.close();
  }
}

// `node tests/bench/stream.mjs` runs it alone against dist/
if (import.meta.url === `file://${process.argv[1]}`) {
  const { serve } = await import("../support/server.mjs");
  const { DIST } = await import("../support/browser.mjs");
  const server = await serve(DIST);
  try {
    console.log(JSON.stringify(await benchStream(server.url), null, 2));
  } finally {
    await server.close();
  }
}
