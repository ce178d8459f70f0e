// Webcam benchmark: Studio's webcam example with WEBCAM live, in headless Chromium with its
// fake camera (640 × 480): over `seconds` it counts the image view's redraws per second, each a
// new picture taken, converted to an Image, encoded as the IMAGE figure and drawn by plotly.js.
// Goal (issue 16): ≥ 15 frames/s.
import { readFileSync } from "node:fs";
import { join } from "node:path";

import { ROOT, launch } from "../support/browser.mjs";
import { openEditor } from "../support/editor.mjs";

export async function benchWebcam(url, { seconds = 5, resolution = "default" } = {}) {
  const browser = await launch(["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]);
  try {
    const { page } = await openEditor(browser, url);
    const flow = JSON.parse(readFileSync(join(ROOT, "..", "shared", "flojoy", "apps", "studio-examples", "webcam.json"), "utf8"));
    const cam = flow.rfInstance.nodes.find((n) => n.data.func === "WEBCAM");
    cam.data.ctrls.live = { param: "live", value: true, type: "bool" };
    cam.data.ctrls.resolution.value = resolution;
    await page.evaluate((f) => window.flojoy.load(f), flow);
    return await page.evaluate(async ({ seconds }) => {
      const done = window.flojoy.run();
      // the first picture drawn, then a steady interval
      const d = () => window.flojoy.plotDraws();
      const start = d();
      while (d() < start + 3) await new Promise((r) => requestAnimationFrame(r));
      const t0 = performance.now();
      const d0 = d();
      while (performance.now() - t0 < seconds * 1000) await new Promise((r) => requestAnimationFrame(r));
      const frames = d() - d0;
      const ms = performance.now() - t0;
      window.flojoy.stop();
      const report = await done;
      // the last frame's nodes: where a frame's time goes (the rest is drawing)
      const node_ms = Object.fromEntries(Object.values(report.nodes).map((n) => [n.func, Math.round(n.ms * 10) / 10]));
      return { seconds: ms / 1000, frames, fps: Math.round((frames / ms) * 10000) / 10, node_ms };
    }, { seconds });
  } finally {
    await browser.close();
  }
}

// `node tests/bench/webcam.mjs`: against the built site
if (import.meta.url === `file://${process.argv[1]}`) {
  const { serve } = await import("../support/server.mjs");
  const { DIST } = await import("../support/browser.mjs");
  const server = await serve(DIST);
  try {
    for (const resolution of ["default", "1280x720"]) {
      const r = await benchWebcam(server.url, { resolution });
      console.log(`webcam ${resolution}: ${r.fps} frames/s into the image view (${r.frames} frames in ${r.seconds.toFixed(1)} s); last frame's nodes: ${JSON.stringify(r.node_ms)} ms`);
    }
  } finally {
    await server.close();
  }
}
